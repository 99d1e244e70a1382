/**
 * The two n-gram components of CodeBLEU as CodeXGLUE computes them (its `bleu.py` and
 * `weighted_ngram_match.py`, both adapted from NLTK), split into per-sample sufficient statistics so a
 * corpus score, a sentence score and every bootstrap resample come from the same sums:
 * - BLEU-4: clipped n-gram precision, denominator max(1, hypothesis n-grams) per sample, uniform weights,
 *   brevity penalty from summed lengths, NLTK smoothing method1 (a zero numerator becomes 0.1), and 0
 *   when no unigram matches at all.
 * - weighted n-gram match: the same, except that it is n-gram *recall* (denominator max(1, reference
 *   n-grams) per sample) and that unigrams are weighted by the keyword weights of the reference's tokens.
 */

export const MAX_ORDER = 4;
const EPSILON = 0.1;

/** Per-order numerators and denominators (index 0 = unigrams). */
export interface NgramStats {
  readonly numerators: readonly number[];
  readonly denominators: readonly number[];
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Clipped matches per order, over the n-grams of one side: the hypothesis (precision, BLEU) or the
 * reference (recall, weighted n-gram match). Unigrams count with `weightOf` their token.
 */
function clippedStats(reference: readonly string[], hypothesis: readonly string[], over: 'hypothesis' | 'reference', weightOf: (token: string) => number): NgramStats {
  const numerators: number[] = [];
  const denominators: number[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const hyp = ngramCounts(hypothesis, n);
    const ref = ngramCounts(reference, n);
    const [side, other] = over === 'hypothesis' ? [hyp, ref] : [ref, hyp];
    let matched = 0;
    let total = 0;
    for (const [g, c] of side) {
      const w = n === 1 ? weightOf(g) : 1;
      matched += Math.min(c, other.get(g) ?? 0) * w;
      total += c * w;
    }
    numerators.push(matched);
    denominators.push(Math.max(1, total));
  }
  return { numerators, denominators };
}

/** BLEU's modified precision statistics for one hypothesis against one reference. */
export function bleuStats(reference: readonly string[], hypothesis: readonly string[]): NgramStats {
  return clippedStats(reference, hypothesis, 'hypothesis', () => 1);
}

/**
 * The weighted n-gram match's statistics: recall of the reference's n-grams; for unigrams each
 * reference token counts with its weight (`weightOf`, 1 for keywords and 0.2 otherwise by default).
 */
export function weightedNgramStats(reference: readonly string[], hypothesis: readonly string[], weightOf: (token: string) => number): NgramStats {
  return clippedStats(reference, hypothesis, 'reference', weightOf);
}

/** NLTK's brevity penalty on (summed) hypothesis and closest-reference lengths. */
export function brevityPenalty(refLen: number, hypLen: number): number {
  if (hypLen > refLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - refLen / hypLen);
}

/** The score of (summed) statistics: geometric mean of smoothed precisions times the brevity penalty. */
export function ngramScore(stats: NgramStats, refLen: number, hypLen: number): number {
  if (stats.numerators[0] === 0) return 0;
  let logSum = 0;
  for (let i = 0; i < MAX_ORDER; i++) {
    const num = stats.numerators[i]!;
    const den = stats.denominators[i]!;
    logSum += (1 / MAX_ORDER) * Math.log((num === 0 ? EPSILON : num) / den);
  }
  return brevityPenalty(refLen, hypLen) * Math.exp(logSum);
}
