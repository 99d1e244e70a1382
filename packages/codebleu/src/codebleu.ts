import { MAX_ORDER, bleuStats, ngramScore, weightedNgramStats, type NgramStats } from './bleu';
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

/** Element-wise sum of statistics (null for none); accumulates in place, as bootstrap resamples sum many. */
export function sumStats(all: Iterable<CodeBleuStats>): CodeBleuStats | null {
  const zeros = () => new Array<number>(MAX_ORDER).fill(0);
  const [bn, bd, wn, wd] = [zeros(), zeros(), zeros(), zeros()];
  let hypLen = 0;
  let refLen = 0;
  let sm = 0;
  let st = 0;
  let dm = 0;
  let dt = 0;
  let any = false;
  for (const s of all) {
    any = true;
    for (let i = 0; i < bn.length; i++) {
      bn[i]! += s.bleu.numerators[i]!;
      bd[i]! += s.bleu.denominators[i]!;
      wn[i]! += s.weighted.numerators[i]!;
      wd[i]! += s.weighted.denominators[i]!;
    }
    hypLen += s.hypLen;
    refLen += s.refLen;
    sm += s.syntax.matched;
    st += s.syntax.total;
    dm += s.dataflow.matched;
    dt += s.dataflow.total;
  }
  if (!any) return null;
  return {
    bleu: { numerators: bn, denominators: bd },
    weighted: { numerators: wn, denominators: wd },
    hypLen,
    refLen,
    syntax: { matched: sm, total: st },
    dataflow: { matched: dm, total: dt },
  };
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
