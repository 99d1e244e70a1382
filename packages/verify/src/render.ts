/**
 * Diagnostics printed the way terraform prints them on a terminal (internal/command/format): a box
 * drawn with `╷ │ ╵`, the source line(s) with their numbers, the detail wrapped to the width; with
 * `-no-color` terraform's plain form instead (no box, detail wrapped one column narrower), checked
 * against recorded `terraform validate -no-color` output in test/hygiene-validate.test.ts.
 */
import type { Diagnostic } from '@tfpairs/core';

export interface RenderOptions {
  readonly color?: boolean;
  /** total width including the box prefix (terraform uses 78 when it cannot ask the terminal) */
  readonly width?: number;
  /** terraform's `-no-color` form (format.DiagnosticPlain): no box, no colour */
  readonly plain?: boolean;
}

/** The source lines a diagnostic points at, as terraform prints them under `on FILE line N`. */
function snippetLines(d: Diagnostic, mark?: (code: string) => string): string[] {
  if (!d.range) return [];
  const ctx = d.snippet?.context ? `, in ${d.snippet.context}` : '';
  const out = [`  on ${d.range.filename} line ${d.range.start.line}${ctx}:`];
  if (!d.snippet) out.push('  (source code not available)');
  d.snippet?.code.split('\n').forEach((code, i) => out.push(`${String(d.snippet!.start_line + i).padStart(4)}: ${i === 0 && mark ? mark(code) : code}`));
  // the function being called and the values of the expression's references, under a rule
  const snippet = d.snippet as (Diagnostic['snippet'] & { function_call?: FunctionCall }) | undefined;
  const values = (snippet?.values ?? []) as { traversal?: string; statement?: string }[];
  const call = snippet?.function_call;
  if (call || values.length) {
    out.push('    ├────────────────');
    if (call?.signature) {
      const params = (call.signature.params ?? []).map((p) => p.name);
      if (call.signature.variadic_param) params.push(`${call.signature.variadic_param.name}...`);
      out.push(`    │ while calling ${call.called_as}(${params.join(', ')})`);
    }
    for (const v of values) out.push(`    │ ${v.traversal} ${v.statement}`);
  }
  out.push('');
  return out;
}

/** `snippet.function_call` of terraform's JSON diagnostics */
interface FunctionCall {
  readonly called_as: string;
  readonly signature?: { readonly params?: readonly { readonly name: string }[]; readonly variadic_param?: { readonly name: string } };
}

/** format.DiagnosticPlain: `Error: summary`, a blank line, the snippet, the detail wrapped at width-1. */
function renderPlain(d: Diagnostic, width: number): string {
  const lines = [`${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.summary}`, '', ...snippetLines(d)];
  if (d.detail) lines.push(...wrapText(d.detail, width - 1).split('\n'));
  return `${lines.join('\n')}\n`;
}

/** Greedy word wrap as Go's `wordwrap.WrapString`; indented (preformatted) lines are left alone. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width || /^\s/.test(line)) return line;
      const words = line.split(' ');
      const out: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur === '') cur = w;
        else if (cur.length + 1 + w.length <= width) cur += ` ${w}`;
        else {
          out.push(cur);
          cur = w;
        }
      }
      out.push(cur);
      return out.join('\n');
    })
    .join('\n');
}

export function renderTerraformDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const width = opts.width ?? 78;
  if (opts.plain) return renderPlain(d, width);
  const color = !!opts.color;
  const red = (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s);
  const yellow = (s: string) => (color ? `\x1b[33m${s}\x1b[0m` : s);
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const paint = d.severity === 'error' ? red : yellow;
  const body: string[] = [];
  body.push(`${bold(paint(d.severity === 'error' ? 'Error: ' : 'Warning: '))}${bold(d.summary)}`);
  body.push('');
  // underline the highlighted part of the first line, as terraform does with colour on
  const mark = (code: string) => {
    const bytes = Buffer.from(code);
    const hs = Math.min(d.snippet!.highlight_start_offset, bytes.length);
    const he = Math.min(Math.max(d.snippet!.highlight_end_offset, hs), bytes.length);
    return `${bytes.subarray(0, hs).toString()}\x1b[4m${bytes.subarray(hs, he).toString()}\x1b[0m${bytes.subarray(he).toString()}`;
  };
  body.push(...snippetLines(d, color ? mark : undefined));
  if (d.detail) body.push(...wrapText(d.detail, width - 2).split('\n'));
  const lines = [paint('╷'), ...body.map((l) => (l === '' ? paint('│') : `${paint('│')} ${l}`)), paint('╵')];
  return `${lines.join('\n')}\n`;
}
