import { addNgramStats, bleuStats, ngramScore, weightedNgramStats, type NgramStats } from './bleu';
import { dataflowEdges, dataflowMatchCounts, normaliseDataflow } from './dataflow';
import { HCL_KEYWORDS } from './keywords';
import { subtreeSexps, syntaxMatchCounts } from './syntax';
import { whitespaceTokens } from './tokens';

/**
 * CodeBLEU for HCL: alpha·BLEU + beta·weighted n-gram match + gamma·AST match + theta·dataflow match
 * (CodeXGLUE's `calc_code_bleu.py`, weights 0.25 each by default). Scores are computed from summed
 * per-sample statistics as the reference does for a corpus; a sentence score is a corpus of one.
 */

export interface Count {
  readonly matched: number;
  readonly total: number;
}

/** Everything a corpus score needs from one (reference, candidate) pair: statistics add up. */
export interface CodeBleuStats {
  readonly bleu: NgramStats;
  readonly weighted: NgramStats;
  readonly hypLen: number;
  readonly refLen: number;
  readonly syntax: Count;
  readonly dataflow: Count;
}

/**
 * What a score does when the reference side has no dataflow edge at all (total 0):
 * - `one` (default): the component is 1, vacuously (no reference edge is missing). The `codebleu`
 *   package does this, but through `dataflow_match_score or 1`, which also turns a real 0 into 1; here
 *   a real 0 stays 0.
 * - `zero`: CodeXGLUE's `calc_code_bleu.py` (it warns and scores 0).
 * - `reweight`: the component is left out and the other weights are scaled to sum to 1.
 */
export type EmptyDataflow = 'one' | 'zero' | 'reweight';

export interface CodeBleuOptions {
  /** alpha, beta, gamma, theta */
  readonly weights?: readonly [number, number, number, number];
  readonly keywords?: ReadonlySet<string>;
  /** weight of a non-keyword unigram (keywords weigh 1) */
  readonly otherWeight?: number;
  readonly emptyDataflow?: EmptyDataflow;
}

export interface CodeBleuScore {
  readonly codebleu: number;
  readonly ngramMatch: number;
  readonly weightedNgramMatch: number;
  readonly syntaxMatch: number;
  /** null when there is no reference dataflow edge (see EmptyDataflow for what codebleu then uses) */
  readonly dataflowMatch: number | null;
}

export const DEFAULT_WEIGHTS: readonly [number, number, number, number] = [0.25, 0.25, 0.25, 0.25];

/** The parts of one text every comparison needs: computed once per reference, reused per candidate. */
export interface PreparedCode {
  readonly tokens: readonly string[];
  readonly sexps: readonly string[];
  readonly dataflow: readonly string[];
}

export async function prepareCode(code: string): Promise<PreparedCode> {
  // the reference strips each text before tokenising and parsing
  const text = code.trim();
  return { tokens: whitespaceTokens(text), sexps: await subtreeSexps(text), dataflow: normaliseDataflow(await dataflowEdges(text)) };
}

export function pairStats(reference: PreparedCode, candidate: PreparedCode, opts: CodeBleuOptions = {}): CodeBleuStats {
  const keywords = opts.keywords ?? HCL_KEYWORDS;
  const other = opts.otherWeight ?? 0.2;
  return {
    bleu: bleuStats(reference.tokens, candidate.tokens),
    weighted: weightedNgramStats(reference.tokens, candidate.tokens, (t) => (keywords.has(t) ? 1 : other)),
    hypLen: candidate.tokens.length,
    refLen: reference.tokens.length,
    syntax: syntaxMatchCounts(reference.sexps, candidate.sexps),
    dataflow: dataflowMatchCounts(reference.dataflow, candidate.dataflow),
  };
}

export async function codebleuStats(reference: string, candidate: string, opts: CodeBleuOptions = {}): Promise<CodeBleuStats> {
  return pairStats(await prepareCode(reference), await prepareCode(candidate), opts);
}

const addCount = (a: Count, b: Count): Count => ({ matched: a.matched + b.matched, total: a.total + b.total });

export function sumStats(all: Iterable<CodeBleuStats>): CodeBleuStats | null {
  let acc: CodeBleuStats | null = null;
  for (const s of all) {
    acc = acc
      ? {
          bleu: addNgramStats(acc.bleu, s.bleu),
          weighted: addNgramStats(acc.weighted, s.weighted),
          hypLen: acc.hypLen + s.hypLen,
          refLen: acc.refLen + s.refLen,
          syntax: addCount(acc.syntax, s.syntax),
          dataflow: addCount(acc.dataflow, s.dataflow),
        }
      : s;
  }
  return acc;
}

export function scoreStats(s: CodeBleuStats, opts: CodeBleuOptions = {}): CodeBleuScore {
  const [alpha, beta, gamma, theta] = opts.weights ?? DEFAULT_WEIGHTS;
  const ngramMatch = ngramScore(s.bleu, s.refLen, s.hypLen);
  const weightedNgramMatch = ngramScore(s.weighted, s.refLen, s.hypLen);
  // the root is always a subtree, so total is 0 only for an empty statistics sum
  const syntaxMatch = s.syntax.total ? s.syntax.matched / s.syntax.total : 0;
  const dataflowMatch = s.dataflow.total ? s.dataflow.matched / s.dataflow.total : null;
  const head = alpha * ngramMatch + beta * weightedNgramMatch + gamma * syntaxMatch;
  let codebleu: number;
  if (dataflowMatch !== null) codebleu = head + theta * dataflowMatch;
  else {
    const mode = opts.emptyDataflow ?? 'one';
    if (mode === 'one') codebleu = head + theta;
    else if (mode === 'zero') codebleu = head;
    else codebleu = alpha + beta + gamma > 0 ? (head * (alpha + beta + gamma + theta)) / (alpha + beta + gamma) : 0;
  }
  return { codebleu, ngramMatch, weightedNgramMatch, syntaxMatch, dataflowMatch };
}

/** The corpus score of many pairs (CodeXGLUE's definition: micro-averaged statistics). */
export function corpusCodeBleu(all: Iterable<CodeBleuStats>, opts: CodeBleuOptions = {}): CodeBleuScore | null {
  const s = sumStats(all);
  return s ? scoreStats(s, opts) : null;
}

/** One candidate against one reference. */
export async function codebleu(reference: string, candidate: string, opts: CodeBleuOptions = {}): Promise<CodeBleuScore> {
  return scoreStats(await codebleuStats(reference, candidate, opts), opts);
}
