import { renderDiagnostic, type Artifact, type Diagnostic, type Finding, type TaskRecord } from '@tfpairs/core';
import { isAbsolute, posix } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { sourceRef, type AuditLine, type BuildOutput } from './output';

/**
 * One record's whole story, as `tfpairs audit --show ID` prints it and the HTML report embeds it:
 * where it came from, the prompt, gold and every candidate before/after each stage, every diagnostic as
 * terraform prints it, and the repair trajectory.
 */

export interface RecordMatch {
  readonly record: TaskRecord | null;
  /** the audit lines of this record (for input that never became a record, the only trace) */
  readonly audit: readonly AuditLine[];
}

/**
 * Whether a recorded source path is the one a user typed: as typed at build time (`./data/x.csv`,
 * `../inputs/x.csv`, an absolute path) or any tail of it. The build records a path relative to its
 * folder when the input is inside it, else absolute.
 */
export function sameSource(path: string, wanted: string): boolean {
  const w = posix.normalize(wanted.replace(/\\/g, '/'));
  if (path === w || path.endsWith(`/${w}`)) return true;
  // typed outside the build's folder (`../inputs/x.csv`): recorded absolute, named by the part after the `..`s
  const tail = w.replace(/^(\.\.\/)+/, '');
  if (tail !== w && tail !== '' && isAbsolute(path) && path.endsWith(`/${tail}`)) return true;
  // typed absolute for an input the build recorded relative to its folder
  return isAbsolute(w) && !isAbsolute(path) && w.endsWith(`/${path}`);
}

/**
 * Finds records by id, unique id prefix (at least 4 characters) or `file:line` of the input.
 * Several records can share an id (a duplicate has its original's id), so this returns a list.
 */
export function findRecords(output: BuildOutput, query: string): RecordMatch[] {
  const records = output.records ?? [];
  const at = /^(.*):(\d+)$/.exec(query);
  let hits: TaskRecord[] = records.filter((r) => r.id === query);
  if (hits.length === 0 && at) hits = records.filter((r) => r.provenance.source.line === Number(at[2]) && sameSource(r.provenance.source.path, at[1]!));
  if (hits.length === 0 && query.length >= 4) {
    const prefixed = records.filter((r) => r.id?.startsWith(query));
    if (new Set(prefixed.map((r) => r.id)).size === 1) hits = prefixed;
  }
  const auditOf = (source: { path: string; line: number }): AuditLine[] =>
    output.audit.filter((l) => l.source.path === source.path && l.source.line === source.line);
  if (hits.length) {
    // kept first: that is the record users usually mean; its duplicates follow
    return [...hits].sort((a, b) => (a.status === b.status ? 0 : a.status === 'kept' ? -1 : 1)).map((record) => ({ record, audit: auditOf(record.provenance.source) }));
  }
  // no records.jsonl entry: fall back to the audit lines alone
  const lines = output.audit.filter((l) => l.id === query || (at && l.source.line === Number(at[2]) && sameSource(l.source.path, at[1]!)));
  if (lines.length === 0) return [];
  const bySource = new Map<string, AuditLine[]>();
  for (const l of lines) bySource.set(sourceRef(l.source), [...(bySource.get(sourceRef(l.source)) ?? []), l]);
  return [...bySource.values()].map((audit) => ({ record: null, audit }));
}

/** The ids a query might have meant, for a helpful "not found". */
export function similarIds(output: BuildOutput, query: string, limit = 5): string[] {
  const ids = [...new Set((output.records ?? []).map((r) => r.id).filter((id): id is string => !!id))];
  const prefix = query.slice(0, 2);
  return ids.filter((id) => id.startsWith(prefix)).slice(0, limit);
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => (l ? `${by}${l}` : l))
    .join('\n');
}

function numbered(code: string): string {
  const lines = code.replace(/\n$/, '').split('\n');
  const width = String(lines.length).length;
  return lines.map((l, i) => `    ${String(i + 1).padStart(width)} | ${l}`).join('\n');
}

function patch(before: string, after: string, label: string): string {
  const text = createTwoFilesPatch('before', label, before, after, '', '', { context: 2 });
  // drop the `===` banner and file headers: the section title already says what changed
  const body = text.split('\n').slice(3).join('\n').trimEnd();
  return body ? indent(body) : '    (no textual change)';
}

function renderDiagnostics(diags: readonly Diagnostic[]): string {
  return diags.map((d) => indent(renderDiagnostic(d).trimEnd())).join('\n\n');
}

function generationLine(a: Artifact): string | null {
  const g = a.generation;
  if (!g) return null;
  const parts = [`model ${g.model ?? 'unknown'}`];
  if (g.params && Object.keys(g.params).length) parts.push(`params ${JSON.stringify(g.params)}`);
  if (g.templateHash) parts.push(`template ${g.templateHash.slice(0, 12)}`);
  if (g.finishReason) parts.push(`finish ${g.finishReason}`);
  if (g.usage) parts.push(`tokens ${g.usage.promptTokens}+${g.usage.completionTokens}`);
  if (g.cached) parts.push('cached');
  return parts.join(', ');
}

function renderArtifact(title: string, a: Artifact, findings: readonly Finding[]): string {
  const out: string[] = [];
  const verdict = `verdict ${a.verdict}${a.verifiedBy ? ` (${a.verifiedBy})` : ''}`;
  out.push(`── ${title} [${a.id}, ${a.origin}] — ${verdict} ──`);
  const gen = generationLine(a);
  if (gen) out.push(`  generation: ${gen}`);
  if (a.recorded && Object.keys(a.recorded).length)
    out.push(`  input file said: ${Object.entries(a.recorded).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (a.truncated) out.push('  truncated: the answer hit the token limit');
  if (a.repairedFrom) out.push(`  repaired from: ${a.repairedFrom}`);
  out.push('  as ingested / answered:', a.raw.trim() ? numbered(a.raw) : '    (empty)');
  let previous = a.raw;
  for (const rev of a.revisions) {
    out.push(`  after ${rev.stage}:`, patch(previous, rev.text, rev.stage));
    previous = rev.text;
  }
  if (a.code === null) out.push('  code: none could be extracted');
  else if (a.code !== previous) out.push('  code now:', patch(previous, a.code, 'code'));
  if (a.code !== null && a.code !== a.raw) out.push('  final code:', numbered(a.code));
  out.push(a.diagnostics.length ? `  diagnostics (${a.diagnostics.length}):\n${renderDiagnostics(a.diagnostics)}` : '  diagnostics: none');
  // the plan values each false rule read are in the intent finding below
  if (a.intent) out.push(`  intent: ${a.intent.outcome}${a.intent.falseRules.length ? ` (false: ${a.intent.falseRules.join(', ')})` : ''}`);
  if (findings.length) out.push(`  findings about it (${findings.length}):\n${renderFindings(findings)}`);
  if (a.trajectory?.length) {
    out.push(`  repair trajectory (${a.trajectory.length} turn${a.trajectory.length === 1 ? '' : 's'}):`);
    let shown = 0;
    a.trajectory.forEach((turn, i) => {
      out.push(`    turn ${i + 1}:`);
      // each turn repeats the conversation so far; print only what is new
      for (const m of turn.messages.slice(shown)) out.push(`      ${m.role}:`, indent(m.content.trimEnd(), '        '));
      shown = turn.messages.length;
      out.push('      answer:', indent(turn.answer.trimEnd(), '        '));
      if (turn.code === null) out.push('      code: none could be extracted from the answer');
      out.push(
        turn.diagnostics.length
          ? `      diagnostics after this turn (${turn.diagnostics.length}):\n${indent(renderDiagnostics(turn.diagnostics), '    ')}`
          : '      diagnostics after this turn: none',
      );
    });
  }
  return out.join('\n');
}

function renderFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const head = `    [${f.stage}] ${f.code} (${f.subject})${f.dropped ? ' — DROPPED the record' : ''}`;
      return `${head}\n${indent(renderDiagnostic(f).trimEnd(), '      ')}`;
    })
    .join('\n\n');
}

export function renderStory(match: RecordMatch): string {
  const { record } = match;
  if (!record) {
    const first = match.audit[0]!;
    const lines = [
      `═══ ${first.id ?? '(no record id)'} at ${sourceRef(first.source)} — never became a task record ═══`,
      `source:  ${sourceRef(first.source)}`,
      '',
      `── findings (${match.audit.length}) ──`,
      renderFindings(match.audit as unknown as Finding[]),
    ];
    return `${lines.join('\n')}\n`;
  }
  const drop = record.findings.find((f) => f.dropped);
  const status = drop ? `DROPPED by ${drop.stage} (${drop.code})` : `kept (${record.split ?? 'no split'})`;
  const out: string[] = [];
  out.push(`═══ record ${record.id ?? '(no id)'} — ${status} ═══`);
  out.push(`source:  ${sourceRef(record.provenance.source)} (${record.provenance.format})`);
  out.push(`status:  ${record.status}    split: ${record.split ?? '-'}`);
  const stages = Object.entries(record.provenance.stages);
  if (stages.length) out.push(`stages:  ${stages.map(([s, v]) => `${s} ${v}`).join(' → ')}`);
  const meta = Object.entries(record.meta ?? {});
  if (meta.length) out.push(`meta:    ${meta.map(([k, v]) => `${k}=${String(v).replace(/\s+/g, ' ').slice(0, 80)}`).join(', ')}`);
  out.push('', '── prompt ──', record.prompt.trim() ? indent(record.prompt.trim(), '    ') : '    (empty)');
  if (record.provenance.promptRaw !== undefined && record.provenance.promptRaw !== record.prompt)
    out.push('  prompt as ingested (changed since):', patch(record.provenance.promptRaw, record.prompt, 'prompt'));

  const bySubject = (subject: string): Finding[] => record.findings.filter((f) => f.subject === subject);
  const recordFindings = record.findings.filter((f) => !f.subject.startsWith('candidate:') && f.subject !== 'gold');
  out.push('', `── findings about the record (${recordFindings.length}) ──`);
  out.push(recordFindings.length ? renderFindings(recordFindings) : '    none');
  out.push('');
  out.push(record.gold ? renderArtifact('gold', record.gold, bySubject('gold')) : '── gold: none ──');
  record.candidates.forEach((c, i) => {
    out.push('', renderArtifact(`candidate ${i + 1}/${record.candidates.length}`, c, bySubject(`candidate:${c.id}`)));
  });
  if (record.candidates.length === 0) out.push('', '── candidates: none ──');
  for (const m of record.mutations ?? []) {
    out.push('', `── mutation ${m.id}: ${m.utterance} ──`, renderArtifact('expected', m.expected, bySubject(`mutation:${m.id}`)));
  }
  return `${out.join('\n')}\n`;
}
