import type { Diagnostic } from '@tfpairs/core';
import { RecentByText } from '@tfpairs/core/recent';

/**
 * HashiCorp's parser, loaded on first use: importing @cdktf/hcl2json starts its Go runtime (tens of MB),
 * which a process that never parses (the build's main thread when the worker threads do it) should not pay.
 */
let hcl2json: Promise<typeof import('@cdktf/hcl2json')> | undefined;

/** @cdktf/hcl2json's `parse`: the file as JSON, or an Error with HCL's diagnostics in its message. */
export async function hclToJson(filename: string, text: string): Promise<Record<string, unknown>> {
  hcl2json ??= import('@cdktf/hcl2json');
  return (await hcl2json).parse(filename, text) as Promise<Record<string, unknown>>;
}

/** The Go function behind @cdktf/hcl2json's `parse`: calls back with HCL's error message or the file as JSON text. */
type GoParse = (filename: string, text: string, done: (error: string | null | undefined, json?: string) => void) => void;

/**
 * HashiCorp's verdict on a text: null when it parses, else its error message (as `hclToJson` throws it).
 * Calls the parser's Go function directly once the module has started it (the module publishes it as
 * a global), skipping the JSON.parse of a result a verdict does not need.
 */
async function hclError(filename: string, text: string): Promise<string | null> {
  const go = (globalThis as { __parse_terraform_config_wasm__?: { parse?: GoParse } }).__parse_terraform_config_wasm__?.parse;
  if (typeof go !== 'function') {
    // not started yet: the module's own call loads it and waits for its Go runtime
    try {
      await hclToJson(filename, text);
      return null;
    } catch (e) {
      return String((e as Error).message ?? e);
    }
  }
  return new Promise((resolve) => {
    try {
      go(filename, text, (error) => resolve(error ? String(error) : null));
    } catch (e) {
      // as the module's call would reject: a verdict, not a crash
      resolve(String((e as Error).message ?? e));
    }
  });
}

/**
 * HCL errors as @cdktf/hcl2json reports them: `parse config: [main.tf:2,6-3,1: Summary; Detail., ...]`.
 * Each becomes a terraform-shaped diagnostic (byte offsets are not in the text, so they are 0 here;
 * the verify stage recomputes them from the source).
 */
const HCL_ERROR = /([^\s[,][^:\n]*?):(\d+),(\d+)-(?:(\d+),)?(\d+): ([^;]+?); (.*?)(?=, [^\s,][^:\n]*?:\d+,\d+-|\]$|$)/gs;

export function parseHclErrors(message: string, filename: string): Diagnostic[] {
  const body = message.replace(/^parse config: \[/, '').replace(/\]$/, '');
  const out: Diagnostic[] = [];
  for (const m of body.matchAll(HCL_ERROR)) {
    const [, , l1, c1, l2, c2, summary, detail] = m;
    const startLine = Number(l1);
    const endLine = l2 ? Number(l2) : startLine;
    out.push({
      severity: 'error',
      summary: summary!.trim(),
      detail: detail!.trim(),
      range: {
        filename,
        start: { line: startLine, column: Number(c1), byte: 0 },
        end: { line: endLine, column: Number(c2), byte: 0 },
      },
    });
  }
  if (out.length === 0) out.push({ severity: 'error', summary: 'Invalid HCL', detail: body.trim() });
  return out;
}

/**
 * Deepest nesting of brackets, braces and parentheses outside strings and comments, with the offset
 * where it is reached. Hand-written scan: it only has to bound the depth, not to parse.
 */
export function nestingDepth(text: string): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        at = i;
      }
    } else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return { depth: max, at };
}

/**
 * Beyond this depth the parser's WebAssembly runs out of JavaScript stack, which can leave its Go
 * runtime broken for the rest of the process; real configurations nest a few dozen levels at most.
 */
export const MAX_NESTING = 256;

/** Whether HashiCorp's parser accepts the text (no syntax diagnostics). */
export async function parsesAsHcl(text: string, filename = 'main.tf'): Promise<boolean> {
  return (await checkSyntax(text, filename)).length === 0;
}

/**
 * The last verdicts of HashiCorp's parser, by file name and text: a text is checked several times on
 * its way through a run (comment stripping, fmt, normalise, verify, the gate, lint), and the parser is
 * the costliest part of each check. Bounded; oldest out first.
 */
const recentVerdicts = new RecentByText<readonly Diagnostic[]>(256, 2_000_000);

/** Forgets the recent verdicts (benchmarks start each run cold). */
export function forgetSyntaxVerdicts(): void {
  recentVerdicts.clear();
}

/**
 * Records that HashiCorp's parser accepts `text` without asking it: for terraform fmt's output of a text
 * it accepted (hclwrite only moves whitespace between the tokens of terraform's own rewrites, and
 * terraform fmt writes its output without parsing it again). The caller checks that tree-sitter finds
 * no error in the output either. Saves the parser's costliest call of a run (the verifier's, on the
 * formatted text).
 */
export function rememberAccepted(text: string, filename = 'main.tf'): void {
  const key = `${filename}\u0000${text}`;
  if (!recentVerdicts.has(key)) recentVerdicts.set(key, []);
}

/** Whether a verdict on the text is at hand (checked recently or remembered as accepted). */
export function verdictKnown(text: string, filename = 'main.tf'): boolean {
  return recentVerdicts.has(`${filename}\u0000${text}`);
}

/** Stage 1 of verification: HashiCorp's own HCL parser decides whether the text is valid HCL. */
export async function checkSyntax(text: string, filename = 'main.tf'): Promise<Diagnostic[]> {
  const key = `${filename}\u0000${text}`;
  const known = recentVerdicts.get(key);
  // a copy: callers own the array and its diagnostics
  if (known) return known.length ? structuredClone(known as Diagnostic[]) : [];
  const verdict = await parserVerdict(text, filename);
  recentVerdicts.set(key, verdict.length ? structuredClone(verdict) : []);
  return verdict;
}

async function parserVerdict(text: string, filename: string): Promise<Diagnostic[]> {
  const nesting = nestingDepth(text);
  if (nesting.depth > MAX_NESTING) {
    const before = text.slice(0, nesting.at);
    const line = (before.match(/\n/g)?.length ?? 0) + 1;
    const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
    const byte = Buffer.byteLength(before);
    return [
      {
        severity: 'error',
        summary: 'Configuration too deeply nested',
        detail: `Brackets, braces and parentheses nest ${nesting.depth} levels deep (more than ${MAX_NESTING}); this file is not checked further.`,
        range: { filename, start: { line, column, byte }, end: { line, column: column + 1, byte: byte + 1 } },
      },
    ];
  }
  const error = await hclError(filename, text);
  return error === null ? [] : parseHclErrors(error, filename);
}
