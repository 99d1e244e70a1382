/**
 * Diagnostics printed the way terraform prints them on a terminal (internal/command/format): a box
 * drawn with `╷ │ ╵`, the source line(s) with their numbers, the detail wrapped to the width.
 */
import type { Diagnostic } from '@tfpairs/core';

export interface RenderOptions {
  readonly color?: boolean;
  /** total width including the box prefix (terraform uses 78 when it cannot ask the terminal) */
  readonly width?: number;
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
  const color = !!opts.color;
  const width = opts.width ?? 78;
  const red = (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s);
  const yellow = (s: string) => (color ? `\x1b[33m${s}\x1b[0m` : s);
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const paint = d.severity === 'error' ? red : yellow;
  const body: string[] = [];
  body.push(`${bold(paint(d.severity === 'error' ? 'Error: ' : 'Warning: '))}${bold(d.summary)}`);
  body.push('');
  if (d.range) {
    const ctx = d.snippet?.context ? `, in ${d.snippet.context}` : '';
    body.push(`  on ${d.range.filename} line ${d.range.start.line}${ctx}:`);
    if (d.snippet) {
      const lines = d.snippet.code.split('\n');
      lines.forEach((code, i) => {
        const n = d.snippet!.start_line + i;
        if (!color || i > 0) {
          body.push(`${String(n).padStart(4)}: ${code}`);
          return;
        }
        // underline the highlighted part of the first line, as terraform does with colour on
        const bytes = Buffer.from(code);
        const hs = Math.min(d.snippet!.highlight_start_offset, bytes.length);
        const he = Math.min(Math.max(d.snippet!.highlight_end_offset, hs), bytes.length);
        const marked = `${bytes.subarray(0, hs).toString()}\x1b[4m${bytes.subarray(hs, he).toString()}\x1b[0m${bytes.subarray(he).toString()}`;
        body.push(`${String(n).padStart(4)}: ${marked}`);
      });
    }
    body.push('');
  }
  if (d.detail) body.push(...wrapText(d.detail, width - 2).split('\n'));
  const lines = [paint('╷'), ...body.map((l) => (l === '' ? paint('│') : `${paint('│')} ${l}`)), paint('╵')];
  return `${lines.join('\n')}\n`;
}
