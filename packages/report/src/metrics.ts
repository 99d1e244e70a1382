import { normalisePrompt, type Artifact, type Diagnostic, type TaskRecord } from '@tfpairs/core';
import { percent } from './table';

/**
 * The IaC-DPO paper's Table 2 metrics for candidate drafts: Syntax Pass (share of drafts that validate)
 * and Syntax Error Line Count ("tallying unique line numbers flagged as error or warning" in the
 * validator's JSON diagnostics, so warnings on a passing draft count too).
 */

/**
 * Unique lines flagged error or warning. A line is (file, start line) of a diagnostic's range; a
 * diagnostic without a range names no line, so, as in the paper, it adds none (it is counted in
 * `unlocated` instead).
 */
export function errorLines(diagnostics: readonly Diagnostic[]): { lines: number; unlocated: number } {
  const seen = new Set<string>();
  let unlocated = 0;
  for (const d of diagnostics) {
    if (d.severity !== 'error' && d.severity !== 'warning') continue;
    if (d.range) seen.add(`${d.range.filename}\u0000${d.range.start.line}`);
    else unlocated += 1;
  }
  return { lines: seen.size, unlocated };
}

/** Which model wrote a candidate; recorded drafts of unknown origin are grouped as `recorded`. */
export function modelOf(a: Artifact): string {
  const base = a.generation?.model ?? (a.origin === 'recorded' ? 'recorded' : 'unknown');
  return a.origin === 'repaired' ? `${base} (repaired)` : base;
}

/** Drafts are what a baseline measures: repaired candidates are the repair loop's work, counted apart. */
export const isDraft = (a: Artifact): boolean => a.origin !== 'repaired';

export interface CandidateMetrics {
  readonly candidates: number;
  /** valid + invalid (unverified drafts are in neither rate) */
  readonly verified: number;
  readonly valid: number;
  readonly invalid: number;
  readonly unverified: number;
  /** valid / verified, null when nothing was verified */
  readonly syntaxPassRate: number | null;
  /** mean unique error/warning lines per verified candidate, null when nothing was verified */
  readonly avgErrorLines: number | null;
  /** diagnostics without a range over verified candidates (not counted as lines) */
  readonly unlocatedDiagnostics: number;
}

/** What the two metrics read of a candidate: `tfpairs eval` scores predictions that are not artifacts with the same code. */
export type Verified = Pick<Artifact, 'verdict' | 'diagnostics'>;

export function candidateMetrics(candidates: readonly Verified[]): CandidateMetrics {
  let valid = 0;
  let invalid = 0;
  let lines = 0;
  let unlocated = 0;
  for (const c of candidates) {
    if (c.verdict === 'unverified') continue;
    if (c.verdict === 'valid') valid += 1;
    else invalid += 1;
    const e = errorLines(c.diagnostics);
    lines += e.lines;
    unlocated += e.unlocated;
  }
  const verified = valid + invalid;
  return {
    candidates: candidates.length,
    verified,
    valid,
    invalid,
    unverified: candidates.length - verified,
    syntaxPassRate: verified ? valid / verified : null,
    avgErrorLines: verified ? lines / verified : null,
    unlocatedDiagnostics: unlocated,
  };
}

/**
 * One record per normalised prompt, the kept one first: a baseline is measured per task, so a duplicate
 * (dropped by dedup, with the same prompt) must not count its drafts twice.
 */
export function onePerPrompt(records: readonly TaskRecord[]): TaskRecord[] {
  const byPrompt = new Map<string, TaskRecord>();
  for (const r of records) {
    if (r.id === null) continue; // input that never became a task has no drafts to measure
    const key = normalisePrompt(r.prompt);
    const seen = byPrompt.get(key);
    if (!seen || (seen.status !== 'kept' && r.status === 'kept')) byPrompt.set(key, r);
  }
  return [...byPrompt.values()];
}

/** Metrics of a run's drafts overall and per model (repaired candidates get their own rows), one record per prompt. */
export function runMetrics(records: readonly TaskRecord[]): { overall: CandidateMetrics; byModel: Record<string, CandidateMetrics> } {
  const all = onePerPrompt(records).flatMap((r) => r.candidates);
  const byModel: Record<string, Artifact[]> = {};
  for (const c of all) (byModel[modelOf(c)] ??= []).push(c);
  return {
    overall: candidateMetrics(all.filter(isDraft)),
    byModel: Object.fromEntries(Object.entries(byModel).sort(([a], [b]) => a.localeCompare(b)).map(([m, cs]) => [m, candidateMetrics(cs)])),
  };
}

/**
 * A prompt's verdict for a set of drafts, pass@k style: `valid` when any verified draft validates,
 * `invalid` when drafts were verified and none does, `unverified` when none was verified, `none` when
 * there is no draft.
 */
export type PromptVerdict = 'valid' | 'invalid' | 'unverified' | 'none';

export function promptVerdict(candidates: readonly Artifact[]): PromptVerdict {
  if (candidates.length === 0) return 'none';
  if (candidates.some((c) => c.verdict === 'valid')) return 'valid';
  if (candidates.some((c) => c.verdict === 'invalid')) return 'invalid';
  return 'unverified';
}

/**
 * Intent, lint and security rates from manifest.json `metrics` (written by the intent, lint and security
 * stages). Keys are `<role>.<outcome>`, `source.<model or origin>.<outcome>` and `<kind>.<name>`
 * counts; model and rule names may themselves contain dots, so outcomes are matched at the end.
 */

/** Which outcomes count as a pass for each metric group; every other listed outcome is a failure. */
const QUALITY_GROUPS = {
  intent: { group: 'policy', pass: 'pass', fail: ['fail', 'error'], counts: 'false-rule' },
  lint: { group: 'lint', pass: 'pass', fail: ['fail'], counts: 'rule' },
  security: { group: 'security', pass: 'compliant', fail: ['noncompliant'], counts: 'check' },
} as const;

export type QualityKind = keyof typeof QUALITY_GROUPS;
export const QUALITY_KINDS = Object.keys(QUALITY_GROUPS) as QualityKind[];

export interface OutcomeRate {
  readonly passed: number;
  /** failures by outcome (`fail`, `error`, `noncompliant`) */
  readonly failed: Readonly<Record<string, number>>;
  /** passed + every failure */
  readonly total: number;
  /** passed / total (pass@1 for intent), null when nothing was checked */
  readonly rate: number | null;
}

export interface QualityRow {
  /** `role`: gold, candidate, mutation; `source`: the model (or origin) that wrote the artifact */
  readonly group: 'role' | 'source';
  readonly name: string;
  readonly rates: Readonly<Partial<Record<QualityKind, OutcomeRate>>>;
}

export interface NamedCount {
  readonly name: string;
  readonly n: number;
}

export interface QualityMetrics {
  /** roles first (gold, candidate, mutation, then any other), then sources by name; a source whose every rate repeats the role of its name is left out */
  readonly rows: readonly QualityRow[];
  /** most frequent false intent rules, lint rules and security checks, at most `top` each */
  readonly top: Readonly<Record<QualityKind, readonly NamedCount[]>>;
}

type MetricGroups = Readonly<Record<string, Readonly<Record<string, number>>>>;

const ROLE_ORDER = ['gold', 'candidate', 'mutation'];

export function qualityMetrics(metrics: MetricGroups, top = 10): QualityMetrics {
  const rows = new Map<string, { group: 'role' | 'source'; name: string; rates: Partial<Record<QualityKind, { passed: number; failed: Record<string, number> }>> }>();
  const topOf = {} as Record<QualityKind, NamedCount[]>;
  for (const kind of QUALITY_KINDS) {
    const spec = QUALITY_GROUPS[kind];
    const values = metrics[spec.group] ?? {};
    const outcomes: readonly string[] = [spec.pass, ...spec.fail];
    const counts: NamedCount[] = [];
    for (const [key, n] of Object.entries(values)) {
      if (key.startsWith(`${spec.counts}.`)) {
        counts.push({ name: key.slice(spec.counts.length + 1), n });
        continue;
      }
      const dot = key.lastIndexOf('.');
      const outcome = key.slice(dot + 1);
      if (dot <= 0 || !outcomes.includes(outcome)) continue; // e.g. gold.dropped: not an outcome
      const subject = key.slice(0, dot);
      const isSource = subject.startsWith('source.');
      if (!isSource && subject.includes('.')) continue;
      const group = isSource ? 'source' : 'role';
      const name = isSource ? subject.slice('source.'.length) : subject;
      const rowKey = `${group}\u0000${name}`;
      const row = rows.get(rowKey) ?? { group, name, rates: {} };
      rows.set(rowKey, row);
      const rate = (row.rates[kind] ??= { passed: 0, failed: {} });
      if (outcome === spec.pass) rate.passed += n;
      else rate.failed[outcome] = (rate.failed[outcome] ?? 0) + n;
    }
    topOf[kind] = counts.sort((a, b) => b.n - a.n || a.name.localeCompare(b.name)).slice(0, top);
  }
  const rank = (r: { group: string; name: string }) => (r.group === 'role' ? (ROLE_ORDER.includes(r.name) ? ROLE_ORDER.indexOf(r.name) : ROLE_ORDER.length) : ROLE_ORDER.length + 1);
  const finished = [...rows.values()]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((r): QualityRow => ({
      group: r.group,
      name: r.name,
      rates: Object.fromEntries(
        Object.entries(r.rates).map(([kind, x]) => {
          const total = x.passed + Object.values(x.failed).reduce((s, v) => s + v, 0);
          return [kind, { passed: x.passed, failed: x.failed, total, rate: total ? x.passed / total : null }];
        }),
      ),
    }));
  // `source.gold.*` repeats `gold.*` (gold's origin is gold): one row says it
  const repeats = (source: QualityRow, role: QualityRow) =>
    QUALITY_KINDS.every((k) => !source.rates[k] || JSON.stringify(source.rates[k]) === JSON.stringify(role.rates[k]));
  const shown = finished.filter((r) => r.group === 'role' || !finished.some((x) => x.group === 'role' && x.name === r.name && repeats(r, x)));
  return { rows: shown, top: topOf };
}

/** `role gold` / `model recorded`: how a quality row is labelled in tables. */
export const qualityRowLabel = (r: Pick<QualityRow, 'group' | 'name'>): string => (r.group === 'role' ? r.name : `model ${r.name}`);

/** Column titles of the three rates, shared by the report, compare and its chart. */
export const QUALITY_TITLES: Readonly<Record<QualityKind, string>> = { intent: 'intent pass@1', lint: 'lint pass', security: 'security compliant' };
/** Titles of the three top lists. */
export const QUALITY_TOP_TITLES: Readonly<Record<QualityKind, string>> = { intent: 'false intent rules', lint: 'lint rules', security: 'security checks' };

/** `53.4% (47/88)`, or `-` when nothing was checked. */
export function formatOutcomeRate(r: OutcomeRate | undefined): string {
  return r?.rate == null ? '-' : `${percent(r.passed, r.total)} (${r.passed}/${r.total})`;
}
