/** TFLint's `default`, `json` and `compact` output formats (formatter/*.go there), without colour. */
import type { Diagnostic, Range } from '@tfpairs/core';
import type { LintIssue, LintSeverity } from './rule';

const JSON_SEVERITY: Record<LintSeverity, string> = { error: 'error', warning: 'warning', notice: 'info' };
const TITLE: Record<LintSeverity, string> = { error: 'Error', warning: 'Warning', notice: 'Notice' };

const pos = (p: { line: number; column: number }) => ({ line: p.line, column: p.column });
const jsonRange = (r: Range) => ({ filename: r.filename, start: pos(r.start), end: pos(r.end) });

/** `tflint --format json`: `{"issues": [...], "errors": [...]}` */
export function formatJson(issues: readonly LintIssue[], errors: readonly Diagnostic[]): string {
  return JSON.stringify({
    issues: issues.map((i) => ({
      rule: { name: i.rule, severity: JSON_SEVERITY[i.severity], link: i.link },
      message: i.message,
      range: jsonRange(i.range),
      callers: [],
      fixable: i.fixable,
      fixed: false,
    })),
    errors: errors.map((d) => ({ ...(d.summary ? { summary: d.summary } : {}), message: d.detail, severity: d.severity, ...(d.range ? { range: jsonRange(d.range) } : {}) })),
  });
}

export function formatCompact(issues: readonly LintIssue[], errors: readonly Diagnostic[]): string {
  let out = issues.length ? `${issues.length} issue(s) found:\n\n` : '';
  for (const i of issues) out += `${i.range.filename}:${i.range.start.line}:${i.range.start.column}: ${TITLE[i.severity]} - ${i.message} (${i.rule})\n`;
  for (const d of errors) {
    const r = d.range;
    out += `${r?.filename ?? ''}:${r?.start.line ?? 0}:${r?.start.column ?? 0}: ${d.severity} - ${d.summary}. ${d.detail}\n`;
  }
  return out;
}

function empty(r: Range): boolean {
  return r.start.line === r.end.line && r.start.column === r.end.column;
}

/** `tflint` (default format): each issue with its source lines and the rule's reference link. */
export function formatDefault(issues: readonly LintIssue[], sources: ReadonlyMap<string, string>): string {
  if (issues.length === 0) return '';
  let out = `${issues.length} issue(s) found:\n\n`;
  for (const i of issues) {
    out += `${TITLE[i.severity]}: ${i.fixable ? '[Fixable] ' : ''}${i.message} (${i.rule})\n\n`;
    out += `  on ${i.range.filename} line ${i.range.start.line}:\n`;
    const src = sources.get(i.range.filename);
    if (src === undefined) out += '   (source code not available)\n';
    else if (!empty(i.range)) {
      const lines = src.split('\n');
      for (let l = i.range.start.line; l <= Math.min(i.range.end.line, lines.length); l++) {
        // a range ending at column 1 of a line does not overlap it
        if (l === i.range.end.line && i.range.end.column === 1 && l > i.range.start.line) break;
        out += `${String(l).padStart(4)}: ${lines[l - 1]!.replace(/\r$/, '')}\n`;
      }
    }
    if (i.link) out += `\nReference: ${i.link}\n`;
    out += '\n';
  }
  return out;
}

/** Errors as TFLint prints them on stderr in the default format. */
export function formatErrors(errors: readonly Diagnostic[]): string {
  return errors.map((d) => (d.range ? `${d.range.filename}:${d.range.start.line},${d.range.start.column}: ${d.summary}; ${d.detail}\n` : `${d.detail}\n`)).join('');
}
