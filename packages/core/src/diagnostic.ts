/**
 * Diagnostics shaped exactly like terraform's `validate -json` output, so every finding of every
 * stage can be compared with (and rendered like) what terraform itself says.
 */
export type Severity = 'error' | 'warning';

export interface Pos {
  /** 1-based line */
  readonly line: number;
  /** 1-based column, counted in unicode characters as terraform does */
  readonly column: number;
  /** 0-based byte offset into the UTF-8 file */
  readonly byte: number;
}

export interface Range {
  readonly filename: string;
  readonly start: Pos;
  readonly end: Pos;
}

export interface Snippet {
  readonly context: string | null;
  readonly code: string;
  readonly start_line: number;
  readonly highlight_start_offset: number;
  readonly highlight_end_offset: number;
  readonly values: readonly unknown[];
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly summary: string;
  readonly detail: string;
  readonly range?: Range;
  readonly snippet?: Snippet;
}

/** Which part of a record a finding is about. */
export type Subject = 'record' | 'prompt' | 'gold' | `candidate:${string}` | `mutation:${string}`;

/**
 * A diagnostic raised by a pipeline stage about one record; this is what lands in audit.jsonl.
 * `code` is a stable, machine-readable reason (e.g. `hcl-syntax`, `duplicate`, `no-code`).
 */
export interface Finding extends Diagnostic {
  readonly stage: string;
  readonly code: string;
  readonly subject: Subject;
  /** true on the single finding that removed the record from every corpus */
  readonly dropped: boolean;
}

export function diagnostic(
  severity: Severity,
  summary: string,
  detail = '',
  range?: Range,
): Diagnostic {
  return range ? { severity, summary, detail, range } : { severity, summary, detail };
}

export function finding(
  stage: string,
  code: string,
  d: Diagnostic,
  subject: Subject = 'record',
  dropped = false,
): Finding {
  return { ...d, stage, code, subject, dropped };
}

/** Renders a diagnostic the way terraform prints it on a terminal (without colours). */
export function renderDiagnostic(d: Diagnostic): string {
  const head = `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.summary}`;
  const lines = [head, ''];
  if (d.range) {
    lines.push(`  on ${d.range.filename} line ${d.range.start.line}${d.snippet?.context ? `, in ${d.snippet.context}` : ''}:`);
    if (d.snippet) {
      d.snippet.code.split('\n').forEach((code, i) => {
        lines.push(`${String(d.snippet!.start_line + i).padStart(4)}: ${code}`);
      });
    }
    lines.push('');
  }
  if (d.detail) lines.push(d.detail, '');
  return lines.join('\n');
}

/**
 * Diagnostics as a model is shown them (the repair loop's feedback and the post-edit training prompt
 * use this one renderer, so a post-editor is trained on what it is later repaired with): errors first,
 * each as terraform prints it, with the offending source line when a range has no snippet.
 */
export function renderDiagnosticsForModel(diagnostics: readonly Diagnostic[], code: string): string {
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

/** The role of the artifact a subject names (`candidate:<id>` -> candidate). */
export function roleOfSubject(subject: Subject): 'gold' | 'candidate' | 'mutation' | undefined {
  if (subject === 'gold') return 'gold';
  if (subject.startsWith('candidate:')) return 'candidate';
  if (subject.startsWith('mutation:')) return 'mutation';
  return undefined;
}
