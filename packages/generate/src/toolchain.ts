import { diagnostic, finding, renderDiagnostic, type Diagnostic, type Finding, type Revision, type RunContext, type Verdict } from '@tfpairs/core';
import { normaliseAnswer } from '@tfpairs/normalise';
import { replaceKnownSecrets, scrubText } from '@tfpairs/scrub';
import { verifyCode } from '@tfpairs/verify/validate';

/**
 * The repair loop and the mutation stage run each model answer through the same steps as the pipeline
 * (normalise -> scrub -> verify), with the run's settings, because their answers appear after those
 * stages have run.
 */
export interface NormaliseResult {
  readonly code: string | null;
  readonly truncated: boolean;
  readonly revisions: readonly Revision[];
  readonly findings: readonly Finding[];
}

export async function normaliseModelAnswer(ctx: RunContext, raw: string): Promise<NormaliseResult> {
  const r = await normaliseAnswer(raw, { format: ctx.config.normalise.format, stripComments: ctx.config.normalise.stripComments, isAnswer: true });
  return { code: r.code, truncated: r.truncated, revisions: r.revisions, findings: r.findings.map((f) => finding('normalise', f.code, f.diagnostic)) };
}

export interface ScrubbedAnswer {
  readonly code: string;
  /** the model's whole answer with the same placeholders (the secret's text is never kept) */
  readonly answer: string;
  readonly revisions: readonly Revision[];
  readonly findings: readonly Finding[];
}

/** Credentials in the code become placeholders, and the same placeholders replace them in the answer and revisions. */
export async function scrubModelAnswer(
  code: string,
  answer: string,
  revisions: readonly Revision[],
  /** secret -> placeholder, shared with other texts of the same answer (memory only) */
  placeholders = new Map<string, string>(),
): Promise<ScrubbedAnswer> {
  const scrubbed = await scrubText(code, { kind: 'hcl', placeholders });
  const prose = await scrubText(replaceKnownSecrets(answer, placeholders), { kind: 'prose', placeholders });
  const findings = [...scrubbed.findings, ...prose.findings].map((f) =>
    finding(
      'scrub',
      `secret-${f.rule}`,
      diagnostic('warning', `Credential replaced by ${f.placeholder}`, `Rule ${f.rule} found a credential in a model answer; it was replaced by the placeholder ${f.placeholder}.`, f.range),
    ),
  );
  return {
    code: scrubbed.text,
    answer: prose.text,
    revisions: revisions.map((r) => ({ stage: r.stage, text: replaceKnownSecrets(r.text, placeholders) })),
    findings,
  };
}

/** Credentials in free text (a change request, a whole answer) become placeholders. */
export async function scrubProse(text: string, placeholders = new Map<string, string>()): Promise<{ text: string; findings: readonly Finding[] }> {
  const r = await scrubText(replaceKnownSecrets(text, placeholders), { kind: 'prose', placeholders });
  return {
    text: r.text,
    findings: r.findings.map((f) =>
      finding('scrub', `secret-${f.rule}`, diagnostic('warning', `Credential replaced by ${f.placeholder}`, `Rule ${f.rule} found a credential in a model answer; it was replaced by the placeholder ${f.placeholder}.`, f.range)),
    ),
  };
}

export async function verifyModelCode(ctx: RunContext, code: string): Promise<{ diagnostics: readonly Diagnostic[]; verdict: Verdict; verifiedBy: string }> {
  return verifyCode(code, { schemaFiles: ctx.config.verify.schemas, providerChecks: ctx.config.verify.providerChecks });
}

/** Markdown fences are read by the same code that extracts HCL from answers. */
export { fencedBlocks } from '@tfpairs/normalise';

/**
 * Diagnostics as terraform prints them, with the offending source line when the verifier gave a range
 * but no snippet (so the model sees what terraform would show a user).
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], code: string): string {
  const lines = code.split('\n');
  const ordered = [...diagnostics].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return ordered
    .map((d) => {
      if (d.range && !d.snippet) {
        const line = d.range.start.line;
        const text = lines[line - 1];
        if (text !== undefined) {
          const snippet = { context: null, code: text, start_line: line, highlight_start_offset: Math.max(0, d.range.start.column - 1), highlight_end_offset: text.length, values: [] };
          return renderDiagnostic({ ...d, snippet });
        }
      }
      return renderDiagnostic(d);
    })
    .join('\n');
}
