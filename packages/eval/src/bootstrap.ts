import { seededRandom } from '@tfpairs/core';

/**
 * Percentile bootstrap confidence intervals, seeded and deterministic: the same seed, data and
 * resample count give the same interval on every machine (a 32-bit PRNG, no Math.random).
 */

export interface BootstrapOptions {
  /** number of resamples (default 1000) */
  readonly resamples?: number;
  readonly seed?: number;
  /** confidence level (default 0.95) */
  readonly level?: number;
}

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** Resampled index sets of `n` items (with replacement), the same for every statistic computed on them. */
export function resampleIndices(n: number, opts: BootstrapOptions = {}): Uint32Array[] {
  const random = seededRandom(opts.seed ?? 1);
  const out: Uint32Array[] = [];
  for (let b = 0; b < (opts.resamples ?? 1000); b++) {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = Math.floor(random() * n);
    out.push(idx);
  }
  return out;
}

/** The `level` percentile interval of a statistic over resamples (resamples where it is undefined are left out). */
export function percentileInterval(values: readonly (number | null)[], level = 0.95): Interval | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const q = (p: number): number => {
    // linear interpolation between order statistics (numpy's default percentile)
    const pos = p * (xs.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(xs.length - 1, lo + 1);
    return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
  };
  const tail = (1 - level) / 2;
  return { lo: q(tail), hi: q(1 - tail) };
}

/** A statistic of the items at some indices: null when undefined for them (e.g. no item has an intent). */
export type Statistic = (indices: ArrayLike<number>) => number | null;

export function bootstrapInterval(samples: readonly Uint32Array[], statistic: Statistic, level = 0.95): Interval | null {
  return percentileInterval(samples.map((idx) => statistic(idx)), level);
}
