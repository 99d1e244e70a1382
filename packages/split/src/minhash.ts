/**
 * MinHash signatures over word shingles, and the banding (LSH) that finds candidate near-duplicates
 * without comparing every pair: the method of datatrove's MinhashDedup and the BigCode dedup, small
 * enough to write here (the npm `minhash` package is an unmaintained 0.0.x). Hashes are 32-bit: a
 * shingle is hashed once (FNV-1a), and permutation i is murmur3's fmix32 of (shingle hash XOR seed i),
 * a bijection of 32-bit integers, so each permutation orders shingles independently.
 */

/** Words of a prompt for shingling: NFKC, lower case, letters and digits only (punctuation, a trailing period and spacing do not count). */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The distinct hashed n-word shingles of a text; a text shorter than n words is one shingle. */
export function shingleHashes(text: string, n = 1): Uint32Array {
  const w = words(text);
  const out = new Set<number>();
  if (w.length <= n) out.add(fnv1a(w.join(' ')));
  else for (let i = 0; i + n <= w.length; i++) out.add(fnv1a(w.slice(i, i + n).join(' ')));
  return Uint32Array.from(out);
}

export interface MinHasher {
  readonly permutations: number;
  signature(text: string): Uint32Array;
}

export function minHasher(permutations = 128, shingle = 1, seed = 0x9e3779b9): MinHasher {
  const seeds = new Uint32Array(permutations);
  for (let i = 0; i < permutations; i++) seeds[i] = fmix32((seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0);
  return {
    permutations,
    signature(text) {
      const sig = new Uint32Array(permutations).fill(0xffffffff);
      for (const h of shingleHashes(text, shingle)) {
        for (let i = 0; i < permutations; i++) {
          const v = fmix32((h ^ seeds[i]!) >>> 0);
          if (v < sig[i]!) sig[i] = v;
        }
      }
      return sig;
    },
  };
}

/** Share of equal positions: an unbiased estimate of the Jaccard similarity of the two shingle sets. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Exact Jaccard similarity of two texts' shingle sets (for measuring and tests). */
export function jaccard(a: string, b: string, n = 1): number {
  const sa = new Set(shingleHashes(a, n));
  const sb = shingleHashes(b, n);
  let inter = 0;
  const union = new Set(sa);
  for (const h of sb) {
    if (sa.has(h)) inter++;
    union.add(h);
  }
  return union.size === 0 ? 1 : inter / union.size;
}

/** The hash of band `band`: FNV-1a over its `rows` signature values, which start at `offset` of `values`. */
export function bandHash(values: Uint32Array, offset: number, rows: number, band: number): number {
  let h = (0x811c9dc5 ^ band) >>> 0;
  for (let i = offset; i < offset + rows; i++) {
    const v = values[i]!;
    h = Math.imul(h ^ (v & 0xffff), 0x01000193);
    h = Math.imul(h ^ (v >>> 16), 0x01000193);
  }
  return h >>> 0;
}
