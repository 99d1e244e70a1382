import { finding, renderDiagnostic, type Diagnostic, type Finding, type Revision, type Verdict } from '@tfpairs/core';
import * as normalisePkg from '@tfpairs/normalise';
import * as scrubPkg from '@tfpairs/scrub';
import * as verifyPkg from '@tfpairs/verify';
import { checkSyntax } from '@tfpairs/verify/syntax';

/**
 * The repair loop and the mutation stage run each model answer through the same steps as the pipeline
 * (normalise -> scrub -> verify). Those functions live in packages built alongside this one, so they are
 * looked up by name: when a package does not export its function yet, the documented fallback below is
 * used and its name is recorded (`verifiedBy`, `toolchain().names`), never hidden.
 */
export interface NormaliseResult {
  readonly code: string | null;
  readonly truncated: boolean;
  readonly revisions: readonly Revision[];
  readonly findings: readonly Finding[];
}
export type NormaliseAnswer = (raw: string, options: { format: boolean; stripComments: boolean; isAnswer: boolean }) => Promise<NormaliseResult>;
export type ScrubCode = (code: string) => Promise<{ code: string; findings: readonly Finding[] }>;
export type VerifyCode = (code: string) => Promise<{ diagnostics: readonly Diagnostic[]; verdict: Verdict; verifiedBy: string }>;

export interface Toolchain {
  readonly normalise: NormaliseAnswer;
  readonly scrub: ScrubCode;
  readonly verify: VerifyCode;
  readonly names: { readonly normalise: string; readonly scrub: string; readonly verify: string };
}

interface Block {
  readonly lang: string;
  readonly body: string;
  readonly closed: boolean;
}

/** Fenced blocks of a Markdown answer, line by line (```lang ... ```); an unclosed last block is kept. */
export function fencedBlocks(raw: string): Block[] {
  const blocks: Block[] = [];
  let open: { fence: string; lang: string; body: string[] } | null = null;
  for (const line of raw.replace(/\r\n/g, '\n').split('\n')) {
    const m = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)/.exec(line);
    if (!open) {
      if (m) open = { fence: m[1]!, lang: m[2]!.toLowerCase(), body: [] };
    } else if (m && m[1]![0] === open.fence[0] && m[1]!.length >= open.fence.length && line.trim() === m[1]) {
      blocks.push({ lang: open.lang, body: open.body.join('\n'), closed: true });
      open = null;
    } else {
      open.body.push(line);
    }
  }
  if (open) blocks.push({ lang: open.lang, body: open.body.join('\n'), closed: false });
  return blocks;
}

/**
 * Fallback code extraction (until @tfpairs/normalise exports `normaliseAnswer`): the fenced block
 * tagged hcl/terraform/tf (else the first fenced block); an unclosed fence means the answer was cut off.
 * Hand-written because the only Markdown structure needed is the code fence.
 */
export async function extractFencedCode(raw: string): Promise<NormaliseResult> {
  const blocks = fencedBlocks(raw);
  const chosen = blocks.find((b) => ['hcl', 'terraform', 'tf'].includes(b.lang)) ?? blocks[0];
  if (chosen) {
    const code = chosen.body.replace(/\s+$/, '');
    return { code: code.trim() === '' ? null : `${code}\n`, truncated: !chosen.closed, revisions: [], findings: [] };
  }
  // an answer that is nothing but HCL (no fences) is code if HashiCorp's parser accepts it as a block
  const trimmed = raw.trim();
  if (/^(resource|data|provider|terraform|variable|output|module|locals)\b/.test(trimmed) && (await checkSyntax(trimmed)).length === 0) {
    return { code: `${trimmed}\n`, truncated: false, revisions: [], findings: [] };
  }
  return {
    code: null,
    truncated: false,
    revisions: [],
    findings: [finding('normalise', 'no-code', { severity: 'warning', summary: 'No Terraform code in the answer', detail: raw.slice(0, 200) })],
  };
}

function asFindings(list: unknown): Finding[] {
  return Array.isArray(list) ? (list as Finding[]).filter((f) => f && typeof f === 'object' && 'code' in f) : [];
}

function lookup<T>(pkg: object, name: string): T | undefined {
  const fn = (pkg as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as T) : undefined;
}

let cached: Toolchain | undefined;

export function toolchain(): Toolchain {
  if (cached) return cached;
  const normaliseAnswer = lookup<(raw: string, o: object) => Promise<Record<string, unknown>>>(normalisePkg, 'normaliseAnswer');
  const scrubText = lookup<(text: string, o: object) => unknown>(scrubPkg, 'scrubText');
  const verifyCode = lookup<(code: string) => Promise<{ diagnostics: Diagnostic[]; verdict: Verdict; verifiedBy?: string }>>(verifyPkg, 'verifyCode');

  const normalise: NormaliseAnswer = normaliseAnswer
    ? async (raw, options) => {
        const r = await normaliseAnswer(raw, options);
        return {
          code: (r.code as string | null | undefined) ?? null,
          truncated: Boolean(r.truncated),
          revisions: (r.revisions as Revision[] | undefined) ?? [],
          findings: asFindings(r.findings),
        };
      }
    : (raw) => extractFencedCode(raw);

  const scrub: ScrubCode = scrubText
    ? async (code) => {
        const r = (await scrubText(code, { kind: 'hcl' })) as unknown;
        if (typeof r === 'string') return { code: r, findings: [] };
        const o = (r ?? {}) as Record<string, unknown>;
        const text = (o.text ?? o.code ?? o.output ?? code) as string;
        return { code: text, findings: asFindings(o.findings) };
      }
    : async (code) => ({ code, findings: [] });

  const verify: VerifyCode = verifyCode
    ? async (code) => {
        const r = await verifyCode(code);
        return { diagnostics: r.diagnostics, verdict: r.verdict, verifiedBy: r.verifiedBy ?? 'embedded' };
      }
    : async (code) => {
        const diagnostics = await checkSyntax(code);
        return { diagnostics, verdict: diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'valid', verifiedBy: 'hcl-syntax' };
      };

  cached = {
    normalise,
    scrub,
    verify,
    names: {
      normalise: normaliseAnswer ? 'normaliseAnswer' : 'fallback:fenced-block',
      scrub: scrubText ? 'scrubText' : 'fallback:none',
      verify: verifyCode ? 'verifyCode' : 'fallback:hcl-syntax',
    },
  };
  return cached;
}

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
