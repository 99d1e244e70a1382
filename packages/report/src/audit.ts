import { SPLITS, type Split } from '@tfpairs/core';
import { CORPUS_NAMES, sourceRef, type AuditLine, type BuildOutput } from './output';
import { percent, renderTable } from './table';

/** Which audit lines a user asked about (`tfpairs audit --stage … --code …`). */
export interface AuditFilter {
  readonly stages?: readonly string[];
  readonly codes?: readonly string[];
  readonly severity?: 'error' | 'warning';
  /** `none` selects findings of records that never got a split (dropped before the split stage) */
  readonly splits?: readonly (Split | 'none')[];
  /** true: only the lines that dropped a record; false: only the others */
  readonly dropped?: boolean;
}

export function matchesFilter(line: AuditLine, filter: AuditFilter): boolean {
  if (filter.stages?.length && !filter.stages.includes(line.stage)) return false;
  if (filter.codes?.length && !filter.codes.includes(line.code)) return false;
  if (filter.severity && line.severity !== filter.severity) return false;
  if (filter.splits?.length && !filter.splits.includes(line.split ?? 'none')) return false;
  if (filter.dropped !== undefined && line.dropped !== filter.dropped) return false;
  return true;
}

export interface AuditExample {
  readonly id: string | null;
  readonly source: string;
  readonly subject: string;
  readonly summary: string;
  readonly detail: string;
}

export interface AuditRow {
  readonly stage: string;
  readonly code: string;
  /** audit lines (findings) with this stage and code */
  readonly findings: number;
  /** of which removed their record from every corpus */
  readonly dropped: number;
  readonly errors: number;
  readonly warnings: number;
  /** distinct records concerned (by id, or by source line for input that never became a task) */
  readonly records: number;
  /** findings / all findings shown */
  readonly share: number;
  /** the first finding of this kind in audit.jsonl */
  readonly example: AuditExample;
}

export interface CountTotals {
  readonly input: number;
  readonly kept: number;
  readonly dropped: number;
  readonly splits: Readonly<Record<Split, number>>;
}

export interface CountMismatch {
  readonly what: string;
  readonly manifest: number | null;
  readonly found: number | null;
  readonly from: string;
}

export interface AuditSummary {
  readonly dir: string;
  readonly totals: CountTotals;
  readonly filter: AuditFilter;
  /** findings matching the filter */
  readonly findings: number;
  readonly rows: readonly AuditRow[];
  /** every way the files disagree with manifest.json (empty when they agree exactly) */
  readonly mismatches: readonly CountMismatch[];
  readonly problems: readonly string[];
}

// one input record per source line (a duplicate shares its original's id, never its line)
const recordKey = (l: AuditLine): string => `${l.id ?? ""}@${sourceRef(l.source)}`;

export function auditRows(lines: readonly AuditLine[]): AuditRow[] {
  const groups = new Map<string, AuditLine[]>();
  for (const line of lines) {
    const key = `${line.stage}\u0000${line.code}`;
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  const rows = [...groups.values()].map((group): AuditRow => {
    const first = group[0]!;
    return {
      stage: first.stage,
      code: first.code,
      findings: group.length,
      dropped: group.filter((l) => l.dropped).length,
      errors: group.filter((l) => l.severity === 'error').length,
      warnings: group.filter((l) => l.severity === 'warning').length,
      records: new Set(group.map(recordKey)).size,
      share: lines.length ? group.length / lines.length : 0,
      example: { id: first.id, source: sourceRef(first.source), subject: first.subject, summary: first.summary, detail: first.detail },
    };
  });
  return rows.sort((a, b) => b.dropped - a.dropped || b.findings - a.findings || a.stage.localeCompare(b.stage) || a.code.localeCompare(b.code));
}

/**
 * Totals as the files say them: dropped = audit lines marked `dropped`, kept = lines of tf-gen (every
 * kept record is in tf-gen exactly once).
 */
export function countTotals(output: BuildOutput): CountTotals {
  const dropped = output.audit.filter((l) => l.dropped).length;
  const splits = { train: 0, val: 0, test: 0 };
  for (const split of SPLITS) splits[split] = output.corpusLines['tf-gen'][split] ?? 0;
  const kept = splits.train + splits.val + splits.test;
  return { input: kept + dropped, kept, dropped, splits };
}

function tally<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/** Every disagreement between manifest.json's counts and the files it describes. */
export function checkCounts(output: BuildOutput): CountMismatch[] {
  const m = output.manifest.counts;
  const out: CountMismatch[] = [];
  const expect = (what: string, manifest: number | null | undefined, found: number | null, from: string): void => {
    if ((manifest ?? null) !== found) out.push({ what, manifest: manifest ?? null, found, from });
  };
  const totals = countTotals(output);
  expect('dropped', m.dropped, totals.dropped, 'audit.jsonl lines with dropped=true');
  expect('kept', m.kept, totals.kept, 'tf-gen/*.jsonl lines');
  expect('input', m.input, totals.input, 'kept + dropped');
  for (const split of SPLITS) expect(`splits.${split}`, m.splits[split], output.corpusLines['tf-gen'][split], `tf-gen/${split}.jsonl lines`);

  const drops = output.audit.filter((l) => l.dropped);
  const dropCodes = tally(drops, (l) => l.code);
  for (const code of new Set([...Object.keys(m.dropCodes), ...dropCodes.keys()]))
    expect(`dropCodes.${code}`, m.dropCodes[code] ?? 0, dropCodes.get(code) ?? 0, 'audit.jsonl drop lines');
  const findingCodes = tally(output.audit, (l) => l.code);
  for (const code of new Set([...Object.keys(m.findingCodes), ...findingCodes.keys()]))
    expect(`findingCodes.${code}`, m.findingCodes[code] ?? 0, findingCodes.get(code) ?? 0, 'audit.jsonl lines');
  const stages = new Set([...Object.keys(m.byStage), ...output.audit.map((l) => l.stage)]);
  for (const stage of stages) {
    const lines = output.audit.filter((l) => l.stage === stage);
    const s = m.byStage[stage] ?? { dropped: 0, warnings: 0, errors: 0 };
    expect(`byStage.${stage}.dropped`, s.dropped, lines.filter((l) => l.dropped).length, 'audit.jsonl');
    expect(`byStage.${stage}.warnings`, s.warnings, lines.filter((l) => l.severity === 'warning').length, 'audit.jsonl');
    expect(`byStage.${stage}.errors`, s.errors, lines.filter((l) => l.severity === 'error').length, 'audit.jsonl');
  }
  for (const corpus of CORPUS_NAMES) {
    for (const split of SPLITS) {
      const inManifest = m.corpora[corpus]?.[split];
      const lines = output.corpusLines[corpus][split];
      if (inManifest === undefined && lines === null) continue;
      expect(`corpora.${corpus}.${split}`, inManifest, lines, `${corpus}/${split}.jsonl lines`);
    }
  }
  if (output.records) {
    expect('records.jsonl lines', m.input, output.records.length, 'records.jsonl lines');
    expect('records.jsonl kept', m.kept, output.records.filter((r) => r.status === 'kept').length, 'records.jsonl status=kept');
  }
  return out;
}

export function summariseAudit(output: BuildOutput, filter: AuditFilter = {}): AuditSummary {
  const lines = output.audit.filter((l) => matchesFilter(l, filter));
  return {
    dir: output.dir,
    totals: countTotals(output),
    filter,
    findings: lines.length,
    rows: auditRows(lines),
    mismatches: checkCounts(output),
    problems: output.problems,
  };
}

export function renderAuditText(summary: AuditSummary): string {
  const t = summary.totals;
  const head =
    `${summary.dir}\n` +
    `input ${t.input}  kept ${t.kept} (train ${t.splits.train}, val ${t.splits.val}, test ${t.splits.test})  dropped ${t.dropped}  ` +
    `findings shown ${summary.findings}\n\n`;
  if (summary.rows.length === 0) return `${head}no findings match\n`;
  const table = renderTable(
    [
      { title: 'STAGE' },
      { title: 'CODE' },
      { title: 'DROPPED', align: 'right' },
      { title: 'FINDINGS', align: 'right' },
      { title: 'ERR', align: 'right' },
      { title: 'WARN', align: 'right' },
      { title: 'RECORDS', align: 'right' },
      { title: 'SHARE', align: 'right' },
      { title: 'EXAMPLE', max: 90 },
    ],
    summary.rows.map((r) => [
      r.stage,
      r.code,
      String(r.dropped),
      String(r.findings),
      String(r.errors),
      String(r.warnings),
      String(r.records),
      percent(r.findings, summary.findings),
      `${r.example.id ?? '(no id)'} ${r.example.source}: ${r.example.summary}${r.example.detail ? ` — ${r.example.detail}` : ''}`,
    ]),
  );
  return `${head}${table}\nRun \`tfpairs audit ${summary.dir} --show ID\` for one record's whole story.\n`;
}

export function renderMismatches(mismatches: readonly CountMismatch[]): string {
  return mismatches
    .map((m) => `  ${m.what}: manifest.json says ${m.manifest ?? '(missing)'}, ${m.from} gives ${m.found ?? '(missing)'}\n`)
    .join('');
}

export type StepLine = NonNullable<BuildOutput['manifest']['steps']>[number];

/** A step's findings as `code n, code n`, most frequent first. */
export function stepFindingsText(findings: Readonly<Record<string, number>>): string {
  const entries = Object.entries(findings).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return entries.length ? entries.map(([code, n]) => `${code} ${n}`).join(', ') : '-';
}

/** `tfpairs audit --steps`: one line per build step, in run order, from manifest.json `steps`. */
export function renderStepsText(dir: string, steps: readonly StepLine[] | undefined): string {
  if (!steps?.length) return `${dir}\nmanifest.json has no per-step stats (built before the step runner recorded them)\n`;
  const total = steps.reduce((n, s) => n + s.ms, 0);
  const table = renderTable(
    [
      { title: 'STEP' },
      { title: 'VERSION' },
      { title: 'IN', align: 'right' },
      { title: 'OUT', align: 'right' },
      { title: 'DROPPED', align: 'right' },
      { title: 'MS', align: 'right' },
      { title: 'FINDINGS', max: 90 },
    ],
    steps.map((s) => [s.name, s.version ?? '-', String(s.in), String(s.out), String(s.dropped), String(s.ms), stepFindingsText(s.findings)]),
  );
  // each step's ms excludes time spent waiting for the step before, so the sum is the time inside steps
  return `${dir}\n${steps.length} steps, ${total} ms inside steps\n\n${table}`;
}
