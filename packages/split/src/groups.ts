import { sha256 } from '@tfpairs/core';
import { bandHash, minHasher, shingleHashes, type MinHasher } from './minhash';

/**
 * What grouping needs of a record, and nothing more, so that it can run as a pre-pass over the
 * inputs (prompts and gold hashes only) before the expensive stages, or inside the split stage.
 */
export interface GroupItem {
  /** stable name of the record (e.g. `source.path:source.line`); adding a key twice joins both */
  readonly key: string;
  readonly prompt: string;
  /** `goldHash(gold)`: records with identical gold join one group */
  readonly goldHash?: string | null;
  /** value of the user's `--split-key FIELD`: records with the same value join one group */
  readonly userKey?: string | null;
}

export interface GroupingOptions {
  /** estimated Jaccard similarity of word shingles at or above which two prompts are near-duplicates */
  readonly threshold: number;
  /** MinHash permutations (128) = bands (32) x rows (4): the LSH S-curve's midpoint (1/32)^(1/4) = 0.42
   * lies below the default threshold, so a pair at J = 0.6 shares a band with probability
   * 1 - (1 - 0.6^4)^32 > 0.98; candidates are then checked against the threshold on their exact shingle sets */
  readonly permutations?: number;
  readonly bands?: number;
  /** words per shingle (1: prompts are short, so one changed word must not wipe out several shingles; README) */
  readonly shingle?: number;
}

export interface Group {
  /** sha256 of the group's anchor, 12 hex digits */
  readonly id: string;
  /** what the group's split is drawn from: the smallest member anchor (README: how stable) */
  readonly anchor: string;
  readonly size: number;
}

export interface Grouping {
  groupOf(key: string): Group | undefined;
  readonly items: number;
  readonly groups: number;
  /** groups with two or more members */
  readonly multiMember: number;
  readonly largest: Group | null;
}

/** The hash under which identical gold joins one group: whitespace does not count. */
export function goldHash(code: string): string {
  return sha256(code.replace(/\s+/g, ' ').trim()).slice(0, 16);
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * Near-duplicate groups of records by MinHash/LSH over their prompts' word shingles, joined by
 * identical gold and the user's key. Memory per record: its signature (permutations x 4 bytes) and key;
 * the bands are sorted typed arrays built once in `finish`, not hash maps.
 */
export class NearDuplicateGrouper {
  private readonly hasher: MinHasher;
  private readonly bands: number;
  private readonly rows: number;
  private sigs: Uint32Array;
  /** every record's distinct shingle hashes, sorted, one after another; record i's are shingles[starts[i], starts[i + 1]) */
  private shingles: Uint32Array = new Uint32Array(16 * 1024);
  private readonly starts: number[] = [0];
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly userKeys: (string | null)[] = [];
  private readonly firstByGold = new Map<string, number>();
  private readonly firstByUserKey = new Map<string, number>();
  private readonly joins: number[] = [];

  constructor(private readonly options: GroupingOptions) {
    const permutations = options.permutations ?? 128;
    this.bands = options.bands ?? 32;
    if (permutations % this.bands !== 0) throw new RangeError(`permutations (${permutations}) must be a multiple of bands (${this.bands})`);
    this.rows = permutations / this.bands;
    this.hasher = minHasher(permutations, options.shingle ?? 1);
    this.sigs = new Uint32Array(permutations * 1024);
  }

  get size(): number {
    return this.keys.length;
  }

  add(item: GroupItem): void {
    const known = this.index.get(item.key);
    const i = known ?? this.keys.length;
    if (known === undefined) {
      const p = this.hasher.permutations;
      if ((i + 1) * p > this.sigs.length) {
        const grown = new Uint32Array(this.sigs.length * 2);
        grown.set(this.sigs);
        this.sigs = grown;
      }
      this.sigs.set(this.hasher.signature(item.prompt), i * p);
      const set = shingleHashes(item.prompt, this.options.shingle ?? 1).sort();
      const end = this.starts[i]! + set.length;
      if (end > this.shingles.length) {
        const grown = new Uint32Array(Math.max(end, this.shingles.length * 2));
        grown.set(this.shingles);
        this.shingles = grown;
      }
      this.shingles.set(set, this.starts[i]!);
      this.starts.push(end);
      this.keys.push(item.key);
      this.userKeys.push(item.userKey ?? null);
      this.index.set(item.key, i);
    }
    const joinBy = (map: Map<string, number>, value: string | null | undefined) => {
      if (value === null || value === undefined) return;
      const first = map.get(value);
      if (first === undefined) map.set(value, i);
      else if (first !== i) this.joins.push(first, i);
    };
    joinBy(this.firstByGold, item.goldHash);
    joinBy(this.firstByUserKey, item.userKey);
  }

  finish(): Grouping {
    const n = this.keys.length;
    const p = this.hasher.permutations;
    const parent = new Int32Array(n);
    for (let i = 0; i < n; i++) parent[i] = i;
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]!]!;
        x = parent[x]!;
      }
      return x;
    };
    const union = (a: number, b: number) => {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    };
    for (let j = 0; j < this.joins.length; j += 2) union(this.joins[j]!, this.joins[j + 1]!);

    const sigs = this.sigs;
    const threshold = this.options.threshold;
    const { shingles, starts } = this;
    // exact Jaccard of two records' sorted shingle sets: a bucket only proposes a pair; the signature's
    // estimate would join pairs well below the threshold (its spread at J = 0.6 is ±0.04 with 128
    // permutations) and, through templated prompts, chain unrelated families into one group
    const similar = (a: number, b: number): boolean => {
      let i = starts[a]!;
      let j = starts[b]!;
      const endA = starts[a + 1]!;
      const endB = starts[b + 1]!;
      let common = 0;
      while (i < endA && j < endB) {
        const x = shingles[i]!;
        const y = shingles[j]!;
        if (x === y) {
          common++;
          i++;
          j++;
        } else if (x < y) i++;
        else j++;
      }
      const union = endA - starts[a]! + (endB - starts[b]!) - common;
      return union === 0 || common / union >= threshold;
    };
    // one sorted array per band: (band hash, index) packed into a double, so equal hashes are adjacent
    const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    const hashBits = Math.min(32, 53 - indexBits);
    const indexSpan = 2 ** indexBits;
    const packed = new Float64Array(n);
    for (let b = 0; b < this.bands; b++) {
      for (let i = 0; i < n; i++) packed[i] = Math.floor(bandHash(sigs, i * p + b * this.rows, this.rows, b) / 2 ** (32 - hashBits)) * indexSpan + i;
      packed.sort();
      let runStart = 0;
      let runHash = Math.floor(packed[0]! / indexSpan);
      for (let k = 1; k < n; k++) {
        const hash = Math.floor(packed[k]! / indexSpan);
        if (hash !== runHash) {
          runStart = k;
          runHash = hash;
          continue;
        }
        const i = packed[k]! % indexSpan;
        const first = packed[runStart]! % indexSpan;
        if (find(first) === find(i)) continue;
        const prev = packed[k - 1]! % indexSpan;
        // a bucket shares one band of the signature; the whole signature decides
        if (similar(first, i)) union(first, i);
        else if (prev !== first && similar(prev, i)) union(prev, i);
      }
    }

    // a member's anchor: its user key when it has one, else a 64-bit hash of its whole signature
    // (two prompts share it only when their word sets are equal); a group's anchor is its smallest.
    // A part of the signature would let near-duplicates keep the anchor more often, but unrelated
    // prompts sharing common words would then share anchors, and splits, by the thousand at 150k.
    const anchors = new Map<number, string>();
    const sizes = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const root = find(i);
      const u = this.userKeys[i];
      const anchor = u !== null && u !== undefined ? `k:${u}` : `m:${hex8(bandHash(sigs, i * p, p, 0))}${hex8(bandHash(sigs, i * p, p, 1))}`;
      const best = anchors.get(root);
      if (best === undefined || anchor < best) anchors.set(root, anchor);
      sizes.set(root, (sizes.get(root) ?? 0) + 1);
    }
    const groupOfRoot = new Map<number, Group>();
    for (const [root, anchor] of anchors) groupOfRoot.set(root, { id: sha256(anchor).slice(0, 12), anchor, size: sizes.get(root)! });
    const roots = new Int32Array(n);
    for (let i = 0; i < n; i++) roots[i] = find(i);
    // the answer must not keep the signatures and shingles alive (tens of MB per 100k prompts): a
    // closure made here would hold this scope, and with it every array the other closures read
    this.sigs = new Uint32Array(0);
    this.shingles = new Uint32Array(0);
    return summarise(n, groupOfRoot.values(), groupLookup(this.index, roots, groupOfRoot));
  }
}

function groupLookup(index: ReadonlyMap<string, number>, roots: Int32Array, groupOfRoot: ReadonlyMap<number, Group>): (key: string) => Group | undefined {
  return (key) => {
    const i = index.get(key);
    return i === undefined ? undefined : groupOfRoot.get(roots[i]!);
  };
}

/** A Grouping over given groups (each object one group, as `groupOf` returns it): counts and the largest. */
function summarise(items: number, groups: Iterable<Group>, groupOf: (key: string) => Group | undefined): Grouping {
  let count = 0;
  let multiMember = 0;
  let largest: Group | null = null;
  for (const g of groups) {
    count++;
    if (g.size > 1) multiMember++;
    if (!largest || g.size > largest.size || (g.size === largest.size && g.id < largest.id)) largest = g;
  }
  return { groupOf, items, groups: count, multiMember, largest };
}

/** The Grouping of a stored key -> group map (a groups file): the same answers as the grouping it was taken from. */
export function groupingOf(entries: Iterable<readonly [string, Group]>): Grouping {
  const byKey = new Map<string, Group>();
  const groups = new Set<Group>();
  for (const [key, group] of entries) {
    byKey.set(key, group);
    groups.add(group);
  }
  return summarise(byKey.size, groups, (key) => byKey.get(key));
}

/** Groups of a whole stream of items (the pre-pass form). */
export async function groupItems(items: AsyncIterable<GroupItem> | Iterable<GroupItem>, options: GroupingOptions): Promise<Grouping> {
  const grouper = new NearDuplicateGrouper(options);
  for await (const item of items) grouper.add(item);
  return grouper.finish();
}
