import type { Revision } from '@tfpairs/core';
import { checkSyntax } from '@tfpairs/hcl/syntax';
import { extractCode, normaliseFindingOf, type NormaliseFinding } from './extract';
import { withFinalNewline } from './ending';
import { parseFileSet, renderFileSet } from './fileset';
import { formatValidHcl } from './fmt';
import { stripCommentsBeforeFormat, stripValidComments } from './strip-comments';

export interface NormaliseOptions {
  /** terraform-fmt the code */
  readonly format: boolean;
  /** strip comments (and format afterwards) */
  readonly stripComments: boolean;
  /** the text is a model's answer (markdown, prose): extract the code first */
  readonly isAnswer: boolean;
  /** file name used in diagnostics */
  readonly filename?: string;
}

export interface NormalisedAnswer {
  /** the normalised code; null when the text holds no code */
  readonly code: string | null;
  readonly truncated: boolean;
  /** the text after each step that changed it: `extract`, `fmt`, `strip-comments` */
  readonly revisions: Revision[];
  readonly findings: NormaliseFinding[];
}

/**
 * The whole normalise stage on one text: extract (answers only), the canonical ending (exactly one
 * final newline, `withFinalNewline`), format, strip comments, and the ending again if a step changed it. Code with
 * syntax errors is kept as extracted, unformatted, with an `hcl-syntax` warning: a broken draft is
 * still a useful rejected sample, and formatting it could mangle it.
 */
export async function normaliseAnswer(raw: string, opts: NormaliseOptions): Promise<NormalisedAnswer> {
  const result = await normaliseSteps(raw, opts);
  // every artifact ends the same way, whatever the steps did (a file set's files, a stripped last comment)
  if (result.code === null) return result;
  const code = withFinalNewline(result.code);
  if (code === result.code) return result;
  return { ...result, code, revisions: [...result.revisions, { stage: 'final-newline', text: code }] };
}

async function normaliseSteps(raw: string, opts: NormaliseOptions): Promise<NormalisedAnswer> {
  const files = opts.isAnswer ? null : parseFileSet(raw);
  if (files) return normaliseFileSet(files, opts);
  const filename = opts.filename ?? 'main.tf';
  const revisions: Revision[] = [];
  const findings: NormaliseFinding[] = [];
  let code: string | null;
  let truncated = false;
  if (opts.isAnswer) {
    const extraction = extractCode(raw);
    findings.push(...extraction.findings);
    truncated = extraction.truncated;
    code = extraction.code;
    if (code !== null && code !== raw) revisions.push({ stage: 'extract', text: code });
    // a model may answer with several files in the file-set format: they stay files
    const set = code === null ? null : parseFileSet(code);
    if (set) {
      const each = await normaliseFileSet(set, opts);
      return { ...each, truncated, revisions: [...revisions, ...each.revisions], findings: [...findings, ...each.findings] };
    }
  } else if (raw.trim() === '') {
    code = null;
    findings.push(normaliseFindingOf('no-code', { severity: 'error', summary: 'No code', detail: 'The text is empty.' }));
  } else code = raw;
  // the canonical ending first: fmt keeps whatever ending it is given, so the text checked, formatted
  // and verified is the one the corpus holds (one parse of it, not one with and one without the newline)
  if (code !== null) {
    const ended = withFinalNewline(code);
    if (ended !== code) revisions.push({ stage: 'final-newline', text: ended });
    code = ended;
  }
  if (code === null || (!opts.format && !opts.stripComments)) return { code, truncated, revisions, findings };

  const syntax = await checkSyntax(code, filename);
  const errors = syntax.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    findings.push(
      normaliseFindingOf('hcl-syntax', {
        ...first,
        severity: 'warning',
        detail: `${first.detail}${errors.length > 1 ? ` (${errors.length} syntax errors in all)` : ''} The code was kept as extracted, without formatting.`.trim(),
      }),
    );
    return { code, truncated, revisions, findings };
  }
  // both: comments out first, then one fmt pass (same bytes as fmt, strip, fmt; see stripCommentsBeforeFormat)
  const early = opts.format && opts.stripComments ? await stripCommentsBeforeFormat(code, filename) : null;
  if (early && early.stripped !== code) {
    revisions.push({ stage: 'strip-comments', text: early.stripped });
    code = early.stripped;
  }
  if (opts.format) {
    const formatted = await formatValidHcl(code, filename);
    for (const d of formatted.diagnostics) findings.push(normaliseFindingOf('fmt-incomplete', d));
    if (formatted.text !== code) revisions.push({ stage: 'fmt', text: formatted.text });
    code = formatted.text;
  }
  if (opts.stripComments && !early) {
    const stripped = await stripValidComments(code, filename, { reformat: opts.format });
    if (stripped !== code) revisions.push({ stage: 'strip-comments', text: stripped });
    code = stripped;
  }
  return { code, truncated, revisions, findings };
}

const FMT_FILE = /\.(tf|tfvars|tftest\.hcl|tfmock\.hcl)$/;

/** A multi-file task (`fileset.ts`): every file normalised on its own, under its own name in diagnostics. */
async function normaliseFileSet(files: NonNullable<ReturnType<typeof parseFileSet>>, opts: NormaliseOptions): Promise<NormalisedAnswer> {
  const out: { path: string; text: string }[] = [];
  const findings: NormaliseFinding[] = [];
  const stages = new Set<string>();
  for (const file of files) {
    // terraform fmt's files; others (templates, JSON policies) are kept as they are
    const r = FMT_FILE.test(file.path) ? await normaliseSteps(file.text, { ...opts, isAnswer: false, filename: file.path }) : { code: file.text, revisions: [], findings: [] };
    findings.push(...r.findings.filter((f) => f.code !== 'no-code'));
    for (const rev of r.revisions) stages.add(rev.stage);
    out.push({ path: file.path, text: r.code ?? file.text });
  }
  const code = renderFileSet(out);
  return { code, truncated: false, revisions: stages.size ? [{ stage: [...stages].join('+'), text: code }] : [], findings };
}
