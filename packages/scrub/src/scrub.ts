import type { Pos, Range } from '@tfpairs/core';
import { RecentByText } from '@tfpairs/core/recent';
import { assignmentHits, patternHits, secretlintHits, type Hit } from './detect';
import { looksSecret, mayNameSecret, refineKind, sensitiveKind } from './rules';
import { literalSpans, type LiteralSpan } from './tree';

/** One replacement: which rule fired, what the secret became, and where the placeholder now sits. */
export interface ScrubFinding {
  readonly rule: string;
  readonly placeholder: string;
  /** range of the placeholder in the *scrubbed* text (the secret's own text is never kept) */
  readonly range: Range;
}

export interface ScrubOptions {
  /** `hcl`: Terraform (literals located with a syntax tree); `prose`: prompts, model answers, anything else */
  readonly kind: 'hcl' | 'prose';
  /** filename for the findings' ranges (default `main.tf` for hcl, `prompt` for prose) */
  readonly filename?: string;
  /**
   * secret -> placeholder, shared between texts that must agree (an artifact's code, raw answer and
   * revisions). Filled in by the call. Keep it in memory only: its keys are the secrets.
   */
  readonly placeholders?: Map<string, string>;
  /**
   * Placeholder names already standing for other secrets elsewhere (the rest of the record, from an
   * earlier pass): a new secret never gets one of them. Called only when something is replaced.
   */
  readonly reserved?: () => Iterable<string>;
}

export interface ScrubResult {
  readonly text: string;
  readonly findings: ScrubFinding[];
}

export const PLACEHOLDER_IN_TEXT = /<([A-Z][A-Z0-9_]*)>/g;

function positionAt(text: string, offset: number): Pos {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return {
    line: before.split('\n').length,
    column: [...before.slice(lineStart)].length + 1,
    byte: Buffer.byteLength(before, 'utf8'),
  };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Hits from the positioned tree: literals assigned to sensitive names. */
function argumentHits(spans: readonly LiteralSpan[]): Hit[] {
  const out: Hit[] = [];
  for (const span of spans) {
    if (span.container === 'comment' || !span.whole || !span.key) continue;
    const named = sensitiveKind(span.key);
    const kind = named ?? (span.declaredSensitive ? 'SECRET' : null);
    if (!kind) continue;
    const value = span.text.trim();
    const start = span.start + span.text.indexOf(value);
    const refined = refineKind(kind, value);
    if (!looksSecret(value, refined) && !(span.declaredSensitive && looksSecret(value, 'PASSWORD'))) continue;
    out.push({ start, end: start + value.length, rule: 'sensitive-argument', kind: refined, priority: 1 });
  }
  return out;
}

/**
 * Finds credentials in `text` and replaces each by a typed placeholder (`<AWS_SECRET_ACCESS_KEY>`,
 * `<PASSWORD>`, `<PASSWORD_2>` for a second different password, ...). For HCL, replacements only happen
 * inside string literals, heredoc bodies and comments, so valid HCL stays valid. Text with nothing to
 * scrub comes back unchanged (same string); scrubbing scrubbed text changes nothing.
 */
export async function scrubText(text: string, opts: ScrubOptions): Promise<ScrubResult> {
  const cleanKey = `${opts.kind}\u0000${text}`;
  if (recentlyClean.has(cleanKey)) return { text, findings: [] };
  const result = await scrubTextOnce(text, opts);
  if (result.findings.length === 0) recentlyClean.set(cleanKey, true);
  return result;
}

/**
 * Texts recently found to hold nothing to scrub, by kind and text. What is found depends on nothing
 * else (the placeholder map only names what is found), and one text is scanned several times on its
 * way through a run (an artifact's code and raw text, its revisions, the second pass after normalise).
 * Bounded; oldest out first.
 */
const recentlyClean = new RecentByText<true>(512, 2_000_000);

/** Forgets the texts known to be clean (benchmarks start each run cold). */
export function forgetCleanTexts(): void {
  recentlyClean.clear();
}

async function scrubTextOnce(text: string, opts: ScrubOptions): Promise<ScrubResult> {
  const filename = opts.filename ?? (opts.kind === 'hcl' ? 'main.tf' : 'prompt');
  const placeholders = opts.placeholders ?? new Map<string, string>();
  const scanned = [...(await secretlintHits(text)), ...patternHits(text)];
  let candidates: Hit[];
  let spans: LiteralSpan[] | null = null;
  // every hit the tree can add needs a sensitive name: without one (most configurations) skip the parse
  if (scanned.length === 0 && !mayNameSecret(text)) return { text, findings: [] };
  if (opts.kind === 'hcl') {
    const tree = await literalSpans(text);
    spans = tree.spans.filter((s) => s.end > s.start);
    candidates = [...argumentHits(spans), ...spans.flatMap((s) => assignmentHits(s.text, s.start))];
    // text that is not valid HCL (a model answer with prose around the code) has no validity to keep:
    // scan it as prose as well, so nothing hides in what the tree could not place
    if (tree.hasError) {
      candidates.push(...assignmentHits(text, 0, 0));
      spans = null;
    }
    for (const hit of scanned) {
      // a pattern may run past the closing quote (secretlint's connection strings do): keep it inside its literal
      const span = tree.spans.find((s) => hit.start >= s.start && hit.start < s.end);
      candidates.push(span ? { ...hit, end: Math.min(hit.end, span.end) } : hit);
    }
  } else {
    candidates = [...scanned, ...assignmentHits(text, 0)];
  }

  const accepted: Hit[] = [];
  const byPriority = candidates
    .filter((h) => h.end > h.start)
    .sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const hit of byPriority) if (!accepted.some((a) => overlaps(a, hit))) accepted.push(hit);

  // the same secret elsewhere (a password repeated in a description or a heredoc) goes too
  for (const hit of [...accepted]) {
    const secret = text.slice(hit.start, hit.end);
    if (secret.length < 8) continue;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
      const repeat = { ...hit, start: at, end: at + secret.length };
      if (accepted.some((a) => overlaps(a, repeat))) continue;
      if (spans && !spans.some((s) => at >= s.start && repeat.end <= s.end)) continue;
      accepted.push(repeat);
    }
  }
  if (accepted.length === 0) return { text, findings: [] };
  accepted.sort((a, b) => a.start - b.start);

  const used = new Set<string>([...text.matchAll(PLACEHOLDER_IN_TEXT)].map((m) => m[0]));
  for (const p of placeholders.values()) used.add(p);
  for (const p of opts.reserved?.() ?? []) used.add(p);
  const placeholderFor = (secret: string, kind: string): string => {
    const known = placeholders.get(secret);
    if (known) return known;
    let name = `<${kind}>`;
    for (let n = 2; used.has(name); n++) name = `<${kind}_${n}>`;
    used.add(name);
    placeholders.set(secret, name);
    return name;
  };

  let out = '';
  let last = 0;
  const placed: { rule: string; placeholder: string; start: number; end: number }[] = [];
  for (const hit of accepted) {
    const placeholder = placeholderFor(text.slice(hit.start, hit.end), hit.kind);
    out += text.slice(last, hit.start);
    placed.push({ rule: hit.rule, placeholder, start: out.length, end: out.length + placeholder.length });
    out += placeholder;
    last = hit.end;
  }
  out += text.slice(last);
  const findings = placed.map(({ rule, placeholder, start, end }) => ({
    rule,
    placeholder,
    range: { filename, start: positionAt(out, start), end: positionAt(out, end) },
  }));
  return { text: out, findings };
}

/**
 * Replaces every occurrence of already-known secrets (from `placeholders`) in `text`, for trails that
 * must agree with the scrubbed code (raw answers, earlier revisions). Longest secrets first.
 */
export function replaceKnownSecrets(text: string, placeholders: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [secret, placeholder] of [...placeholders].sort((a, b) => b[0].length - a[0].length)) {
    if (secret.length >= 4) out = out.split(secret).join(placeholder);
  }
  return out;
}
