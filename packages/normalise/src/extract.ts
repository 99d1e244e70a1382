import type { Diagnostic } from '@tfpairs/core';

/** A reason code (stable, kebab-case) plus the terraform-shaped diagnostic explaining it. */
export interface NormaliseFinding {
  readonly code: string;
  readonly diagnostic: Diagnostic;
}

/**
 * Builds a NormaliseFinding that is at the same time a core `Finding` of stage `normalise` (the
 * diagnostic's fields spread at the top, subject `record`), so a caller that treats these as record
 * findings and only sets its own `subject` (generate's repair loop does) still writes a complete one.
 */
export function normaliseFindingOf(code: string, diagnostic: Diagnostic): NormaliseFinding {
  return { ...diagnostic, stage: 'normalise', subject: 'record', dropped: false, code, diagnostic } as NormaliseFinding;
}

export interface Extraction {
  /** the Terraform found in the answer, or null when there is none */
  readonly code: string | null;
  /** the answer ended inside an open code fence (cut off by a token limit) */
  readonly truncated: boolean;
  readonly findings: NormaliseFinding[];
}

/** Fence info strings that mean HCL / Terraform; a fence without one is judged by its content. */
const HCL_LANGS = new Set(['hcl', 'hcl2', 'terraform', 'tf', 'tfvars', 'terraform-hcl']);
const JSON_LANGS = new Set(['json', 'jsonc', 'json5']);

export interface Fence {
  readonly lang: string;
  readonly body: string;
  readonly closed: boolean;
}

/**
 * Markdown code fences, found line by line (CommonMark's rules for fences: up to 3 spaces of indent,
 * 3+ backticks or tildes, closed by a fence of the same character at least as long). Hand-written
 * because a markdown parser would also interpret the prose, and we need to see unterminated fences
 * (a truncated answer), which markdown parsers silently close at the end of the document.
 */
function findFences(text: string): { fences: Fence[]; outside: string[] } {
  // split on \n only: a CRLF answer keeps its \r (the fence patterns allow it at line ends)
  const lines = text.split('\n');
  const fences: Fence[] = [];
  const outside: string[] = [];
  let open: { char: string; len: number; lang: string; body: string[] } | null = null;
  for (const line of lines) {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === open.char && close[1]!.length >= open.len) {
        fences.push({ lang: open.lang, body: open.body.join('\n'), closed: true });
        open = null;
      } else open.body.push(line);
      continue;
    }
    const start = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/.exec(line);
    if (start) {
      open = { char: start[1]![0]!, len: start[1]!.length, lang: start[2]!.toLowerCase(), body: [] };
      continue;
    }
    outside.push(line);
  }
  if (open) fences.push({ lang: open.lang, body: open.body.join('\n'), closed: false });
  return { fences, outside };
}

/** The fenced blocks of a Markdown answer in order; an unterminated last block is kept (`closed: false`). */
export function fencedBlocks(text: string): Fence[] {
  return findFences(text).fences;
}

/** A top-level HCL construct: a block header (`resource "a" "b" {`) or an attribute (`x = 1`). */
const HCL_BLOCK_START = /^\s*[A-Za-z_][\w-]*(\s+("[^"\n]*"|[A-Za-z_][\w-]*))*\s*\{/;
const HCL_ATTRIBUTE = /^\s*[A-Za-z_][\w-]*\s*=\s*\S/;
const TF_KEYWORD_BLOCK = /^\s*(resource|data|provider|terraform|variable|output|module|locals|moved|import|check|removed)\b[^\n]*\{/m;

function looksLikeJson(body: string): boolean {
  const trimmed = body.trim();
  if (!/^[{[]/.test(trimmed)) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

function looksLikeHcl(body: string): boolean {
  return TF_KEYWORD_BLOCK.test(body) || body.split('\n').some((l) => HCL_ATTRIBUTE.test(l) || HCL_BLOCK_START.test(l));
}

function finding(code: string, severity: Diagnostic['severity'], summary: string, detail: string): NormaliseFinding {
  return normaliseFindingOf(code, { severity, summary, detail });
}

/** Reasoning sections some models print before their answer (`<think>...</think>`). */
function withoutReasoning(answer: string): string {
  return answer.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/^[\s\S]*?<\/think>/i, '');
}

/**
 * Pulls the Terraform out of an LLM answer. Never invents code: what it returns is a verbatim part of
 * the answer (fenced blocks joined by a blank line, or the bare HCL lines of an unfenced answer).
 */
export function extractCode(answer: string): Extraction {
  const text = withoutReasoning(answer);
  const findings: NormaliseFinding[] = [];
  if (text.trim() === '') {
    return { code: null, truncated: false, findings: [finding('no-code', 'error', 'The answer holds no code', 'The answer is empty.')] };
  }
  const { fences } = findFences(text);
  if (fences.length > 0) {
    const hcl: Fence[] = [];
    const json: Fence[] = [];
    const other: Fence[] = [];
    for (const f of fences) {
      if (f.body.trim() === '') continue;
      if (JSON_LANGS.has(f.lang) || ((HCL_LANGS.has(f.lang) || f.lang === '') && looksLikeJson(f.body))) json.push(f);
      else if (HCL_LANGS.has(f.lang) || (f.lang === '' && looksLikeHcl(f.body))) hcl.push(f);
      else other.push(f);
    }
    if (hcl.length === 0) {
      if (json.length > 0) {
        return {
          code: null,
          truncated: false,
          findings: [finding('json-not-hcl', 'error', 'The answer is JSON, not HCL', `The answer holds ${json.length} JSON code block(s) and no HCL; Terraform JSON syntax is not converted.`)],
        };
      }
      return {
        code: null,
        truncated: false,
        findings: [finding('no-code', 'error', 'The answer holds no Terraform code', `The answer has ${fences.length} code block(s), none of them HCL${other.length ? ` (languages: ${[...new Set(other.map((f) => f.lang || 'none'))].join(', ')})` : ''}.`)],
      };
    }
    if (hcl.length > 1) {
      findings.push(finding('multiple-blocks', 'warning', 'The answer has several HCL code blocks', `${hcl.length} HCL code blocks were joined in order.`));
    }
    const ignored = json.length + other.length;
    if (ignored > 0) {
      findings.push(finding('ignored-block', 'warning', 'Code blocks in another language were ignored', `${ignored} non-HCL code block(s) (${[...new Set([...json, ...other].map((f) => f.lang || 'none'))].join(', ')}) were left out.`));
    }
    const truncated = !fences[fences.length - 1]!.closed && hcl.includes(fences[fences.length - 1]!);
    if (truncated) {
      findings.push(finding('truncated-fence', 'warning', 'The answer ends inside a code block', 'The last code fence is never closed: the answer was probably cut off, the code may be incomplete.'));
    }
    const eol = hcl.some((f) => f.body.includes('\r\n')) ? '\r\n' : '\n';
    const code = hcl.map((f) => f.body.replace(/^\s*\n/, '').replace(/\s+$/, '')).join(eol + eol) + eol;
    return { code, truncated, findings };
  }

  // no fences: an answer that is bare HCL, possibly with prose before or after it
  const lines = text.split('\n');
  const isCodeStart = (l: string) => HCL_BLOCK_START.test(l) || HCL_ATTRIBUTE.test(l);
  let start = lines.findIndex(isCodeStart);
  if (start < 0 || !looksLikeHcl(text)) {
    return { code: null, truncated: false, findings: [finding('no-code', 'error', 'The answer holds no code', 'No code block and no HCL in the answer.')] };
  }
  // keep comment lines directly above the first construct
  while (start > 0 && /^\s*(#|\/\/)/.test(lines[start - 1]!)) start -= 1;
  // several files in the file-set format (`-- path.tf --` lines): the code starts at the first marker
  const marker = lines.findIndex((l) => /^-- \S(?:.*\S)? --\s*$/.test(l));
  if (marker >= 0 && marker < start) start = marker;
  // the code ends at the last line that closes a top-level block or is a top-level attribute
  let end = lines.length - 1;
  while (end > start && !/^(\}|[A-Za-z_][\w-]*\s*=)/.test(lines[end]!)) end -= 1;
  // an answer cut off inside a block has no closing line: the block's start and its indented lines still
  // belong to the code (prose after code is neither indented nor HCL), so the code runs to the cut
  const depth = (from: number, to: number) => lines.slice(from, to + 1).reduce((d, l) => d + (l.match(/\{/g)?.length ?? 0) - (l.match(/\}/g)?.length ?? 0), 0);
  let truncated = false;
  let last = end;
  for (let i = end + 1; i < lines.length && (/^(\s+\S|\s*\}|\s*$)/.test(lines[i]!) || isCodeStart(lines[i]!)); i++) if (lines[i]!.trim() !== '') last = i;
  if (depth(start, last) > 0) {
    end = last;
    truncated = true;
    findings.push(finding('unclosed-block', 'warning', 'The code ends inside a block', 'The unfenced code has more opening than closing braces: the answer was probably cut off.'));
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const code = lines.slice(start, end + 1).join('\n').replace(/\s+$/, '') + eol;
  const proseBefore = lines.slice(0, start).some((l) => l.trim() !== '');
  const proseAfter = lines.slice(end + 1).some((l) => l.trim() !== '');
  if (proseBefore || proseAfter) {
    findings.push(finding('prose-around-code', 'warning', 'Prose around unfenced code was left out', `Text ${proseBefore && proseAfter ? 'before and after' : proseBefore ? 'before' : 'after'} the HCL (no code fence) was not taken as code.`));
  }
  return { code, truncated, findings };
}
