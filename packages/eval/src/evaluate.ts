import { diagnostic, type Diagnostic, type Split } from '@tfpairs/core';
import { pairStats, prepareCode, scoreStats, sumStats, type CodeBleuOptions, type CodeBleuScore, type CodeBleuStats, type PreparedCode } from '@tfpairs/codebleu';
import { normaliseAnswer } from '@tfpairs/normalise';
import { candidateMetrics, errorLines } from '@tfpairs/report/metrics';
import { verifyCode, type ValidateOptions } from '@tfpairs/verify';
import { percentileInterval, resampleIndices, type BootstrapOptions } from './bootstrap';
import type { Prediction, Reference } from './inputs';
import type { LintChecker, LintOutcome, SecurityChecker, SecurityOutcome } from './checks';
import type { IntentChecker, IntentOutcome } from './intent';

/**
 * Scores predictions with IaC-DPO's Table 2 metrics (CodeBLEU, syntax pass, unique error/warning
 * lines) plus IaC-Eval's intent pass@1, and aggregates them with bootstrap confidence intervals.
 * Syntax pass and error lines are `@tfpairs/report`'s definitions (the ones `compare` and the report
 * use), applied to the embedded `terraform validate` of each prediction.
 */

export interface ScoredPrediction {
  /** the reference's record id */
  readonly id: string;
  /** where the prediction came from (file:line) */
  readonly source: string;
  readonly split: Split | null;
  /** the normalised prediction, null when the answer held no code */
  readonly code: string | null;
  readonly stats: CodeBleuStats;
  /** sentence-level CodeBLEU (a corpus of one) */
  readonly codebleu: CodeBleuScore;
  readonly verdict: 'valid' | 'invalid';
  readonly diagnostics: readonly Diagnostic[];
  readonly errorLines: number;
  /** null when the record has no intent or no intent checker is available */
  readonly intent: IntentOutcome | null;
  /** TFLint's issues; null when the prediction does not validate or lint is off */
  readonly lint: LintOutcome | null;
  /** the bundled security pack on the plan; null when the prediction does not validate or the pack is off */
  readonly security: SecurityOutcome | null;
}

export interface EvalOptions {
  readonly codebleu?: CodeBleuOptions;
  readonly validate?: ValidateOptions;
  /** null: the intent metric is skipped */
  readonly intent?: IntentChecker | null;
  /** null: the lint pass metric is skipped */
  readonly lint?: LintChecker | null;
  /** null: the security compliance metric is skipped */
  readonly security?: SecurityChecker | null;
}

/** A reference's prepared parts, computed once however many prediction files are scored against it. */
const prepared = new WeakMap<Reference, Promise<PreparedCode>>();
function preparedReference(r: Reference): Promise<PreparedCode> {
  let p = prepared.get(r);
  if (!p) prepared.set(r, (p = prepareCode(r.code)));
  return p;
}

export async function scorePrediction(prediction: Prediction, reference: Reference, opts: EvalOptions = {}): Promise<ScoredPrediction> {
  const normalised = await normaliseAnswer(prediction.completion, { isAnswer: true, format: true, stripComments: true });
  const code = normalised.code;
  const stats = pairStats(await preparedReference(reference), await prepareCode(code ?? ''), opts.codebleu);
  let verdict: 'valid' | 'invalid';
  let diagnostics: readonly Diagnostic[];
  if (code === null) {
    // no code is no configuration: it does not validate, and names no line
    verdict = 'invalid';
    diagnostics = [diagnostic('error', 'No code', normalised.findings[0]?.diagnostic.detail ?? 'The answer holds no code.')];
  } else {
    const v = await verifyCode(code, { snippets: false, ...opts.validate });
    verdict = v.verdict;
    diagnostics = v.diagnostics;
  }
  let intent: IntentOutcome | null = null;
  if (reference.intent !== null && opts.intent) {
    // a configuration that does not validate does not plan (the planner validates first, with the same
    // checks): the planner takes this validation instead of repeating it
    if (code === null) intent = { status: 'fail', reason: 'no code' };
    else if (verdict === 'invalid') intent = { status: 'fail', reason: 'does not validate' };
    else intent = await opts.intent.check(code, reference.intent, opts.validate ? undefined : diagnostics);
  }
  // lint and security as build runs them: on configurations that validate
  const valid = code !== null && verdict === 'valid';
  const lint = valid && opts.lint ? await opts.lint.check(code) : null;
  const security = valid && opts.security ? await opts.security.check(code, opts.validate ? undefined : diagnostics) : null;
  return {
    id: reference.id,
    source: prediction.source,
    split: reference.split,
    code,
    stats,
    codebleu: scoreStats(stats, opts.codebleu),
    verdict,
    diagnostics,
    errorLines: errorLines(diagnostics).lines,
    intent,
    lint,
    security,
  };
}

export async function scoreAll(pairs: readonly { prediction: Prediction; reference: Reference }[], opts: EvalOptions = {}): Promise<ScoredPrediction[]> {
  const out: ScoredPrediction[] = [];
  for (const { prediction, reference } of pairs) out.push(await scorePrediction(prediction, reference, opts));
  return out;
}

/**
 * A statistic of a set of scored predictions (null when undefined for it). `corpus` is the set's corpus
 * CodeBLEU, computed once per set and shared by the metrics that read it (bootstrap resamples are many).
 */
export type Metric = (items: readonly ScoredPrediction[], corpus: () => CodeBleuScore | null) => number | null;

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
/** The memoised corpus score of a set of predictions. */
function corpusOf(items: readonly ScoredPrediction[], opts?: CodeBleuOptions): () => CodeBleuScore | null {
  let done: CodeBleuScore | null | undefined;
  return () => {
    if (done === undefined) {
      const s = sumStats(items.map((i) => i.stats));
      done = s ? scoreStats(s, opts) : null;
    }
    return done;
  };
}
const decided = (i: ScoredPrediction) => i.intent !== null && i.intent.status !== 'error';
const linted = (i: ScoredPrediction) => i.lint != null;
const securityChecked = (i: ScoredPrediction) => i.security?.status === 'checked';
const share = (items: readonly ScoredPrediction[], over: (i: ScoredPrediction) => boolean, pass: (i: ScoredPrediction) => boolean): number | null => {
  let n = 0;
  let passed = 0;
  for (const i of items) {
    if (!over(i)) continue;
    n++;
    if (pass(i)) passed++;
  }
  return n ? passed / n : null;
};

/** The metrics, in the order they are shown. */
export const METRICS = {
  /** CodeXGLUE's corpus CodeBLEU (statistics summed over predictions) */
  codebleu: (_, corpus) => corpus()?.codebleu ?? null,
  /** mean of sentence-level CodeBLEU (what per-example evaluation scripts average) */
  codebleuMean: (items) => mean(items.map((i) => i.codebleu.codebleu)),
  ngramMatch: (_, corpus) => corpus()?.ngramMatch ?? null,
  weightedNgramMatch: (_, corpus) => corpus()?.weightedNgramMatch ?? null,
  syntaxMatch: (_, corpus) => corpus()?.syntaxMatch ?? null,
  dataflowMatch: (_, corpus) => corpus()?.dataflowMatch ?? null,
  syntaxPass: (items) => candidateMetrics(items).syntaxPassRate,
  errorLines: (items) => candidateMetrics(items).avgErrorLines,
  /** over predictions whose record has an intent and whose check ran */
  intentPass: (items) => share(items, decided, (i) => i.intent!.status === 'pass'),
  /** TerraFormer's linter pass rate: over predictions that validate, no TFLint issue */
  lintPass: (items) => share(items, linted, (i) => i.lint!.issues === 0),
  /** TerraFormer's security compliance: over predictions that validate and plan, no failed bundled check */
  securityPass: (items) => share(items, securityChecked, (i) => i.security?.status === 'checked' && i.security.failed.length === 0),
} satisfies Record<string, Metric>;
export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export interface Estimate {
  readonly value: number | null;
  /** 95 % (or the asked level) percentile bootstrap interval */
  readonly lo: number | null;
  readonly hi: number | null;
  /** predictions the metric is over */
  readonly n: number;
}

export interface Summary {
  readonly predictions: number;
  readonly metrics: Readonly<Record<MetricName, Estimate>>;
  /** predictions whose intent check could not run (not counted in intentPass) */
  readonly intentErrors: number;
}

const pick = (items: readonly ScoredPrediction[], idx: ArrayLike<number>): ScoredPrediction[] => Array.from(idx, (i) => items[i]!);

/** Every metric of one set of predictions. */
function allMetrics(items: readonly ScoredPrediction[], codebleu?: CodeBleuOptions): Record<MetricName, number | null> {
  const corpus = corpusOf(items, codebleu);
  const out = {} as Record<MetricName, number | null>;
  for (const name of METRIC_NAMES) out[name] = items.length ? (METRICS[name] as Metric)(items, corpus) : null;
  return out;
}

/** The metrics of every resample, computed together (one resampled set, one corpus sum per resample). */
function resampledMetrics(samples: readonly Uint32Array[], items: readonly ScoredPrediction[], codebleu?: CodeBleuOptions): Record<MetricName, number | null>[] {
  return samples.map((idx) => allMetrics(pick(items, idx), codebleu));
}

const column = (rows: readonly Record<MetricName, number | null>[], name: MetricName) => rows.map((r) => r[name]);

/** The metrics over a part of the predictions, and which part. */
export const SUBSET_METRICS: Partial<Record<MetricName, (i: ScoredPrediction) => boolean>> = { intentPass: decided, lintPass: linted, securityPass: securityChecked };

function countFor(name: MetricName, items: readonly ScoredPrediction[]): number {
  const over = SUBSET_METRICS[name];
  return over ? items.filter(over).length : items.length;
}

export function summarise(items: readonly ScoredPrediction[], boot: BootstrapOptions = {}, codebleu?: CodeBleuOptions): Summary {
  const point = allMetrics(items, codebleu);
  const resampled = items.length ? resampledMetrics(resampleIndices(items.length, boot), items, codebleu) : [];
  const metrics = {} as Record<MetricName, Estimate>;
  for (const name of METRIC_NAMES) {
    const value = point[name];
    const ci = value === null ? null : percentileInterval(column(resampled, name), boot.level);
    metrics[name] = { value, lo: ci?.lo ?? null, hi: ci?.hi ?? null, n: countFor(name, items) };
  }
  return { predictions: items.length, metrics, intentErrors: items.filter((i) => i.intent?.status === 'error').length };
}

export interface Difference {
  readonly a: number | null;
  readonly b: number | null;
  /** b - a */
  readonly diff: number | null;
  /** paired bootstrap interval of b - a */
  readonly lo: number | null;
  readonly hi: number | null;
  /** the interval excludes 0 */
  readonly significant: boolean;
}

export interface PairedComparison {
  /** references predicted in both files (the comparison is over these) */
  readonly matched: number;
  readonly onlyA: number;
  readonly onlyB: number;
  readonly metrics: Readonly<Record<MetricName, Difference>>;
}

/** Paired bootstrap: the same resampled references for both files, so per-reference difficulty cancels out. */
export function comparePaired(a: readonly ScoredPrediction[], b: readonly ScoredPrediction[], boot: BootstrapOptions = {}, codebleu?: CodeBleuOptions): PairedComparison {
  const byId = new Map(b.map((x) => [x.id, x]));
  const pa: ScoredPrediction[] = [];
  const pb: ScoredPrediction[] = [];
  for (const x of a) {
    const y = byId.get(x.id);
    if (y) {
      pa.push(x);
      pb.push(y);
    }
  }
  const samples = pa.length ? resampleIndices(pa.length, boot) : [];
  const [pointA, pointB] = [allMetrics(pa, codebleu), allMetrics(pb, codebleu)];
  // the same resampled references on both sides
  const [ra, rb] = [resampledMetrics(samples, pa, codebleu), resampledMetrics(samples, pb, codebleu)];
  const metrics = {} as Record<MetricName, Difference>;
  for (const name of METRIC_NAMES) {
    const [va, vb] = [pointA[name], pointB[name]];
    const diff = va !== null && vb !== null ? vb - va : null;
    const diffs = ra.map((x, i) => {
      const [p, q] = [x[name], rb[i]![name]];
      return p === null || q === null ? null : q - p;
    });
    const ci = diff === null ? null : percentileInterval(diffs, boot.level);
    metrics[name] = { a: va, b: vb, diff, lo: ci?.lo ?? null, hi: ci?.hi ?? null, significant: !!ci && (ci.lo > 0 || ci.hi < 0) };
  }
  return { matched: pa.length, onlyA: a.length - pa.length, onlyB: b.length - pb.length, metrics };
}
