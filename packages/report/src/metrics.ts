import { normalisePrompt, type Artifact, type Diagnostic, type TaskRecord } from '@tfpairs/core';

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
