import { normalisePrompt, sha256 } from './hash';
import type { Stage } from './pipeline';
import type { TaskRecord } from './record';

/** A shard of a build: `index` in 0..count-1 (`tfpairs build --shard K/N`). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** How a record is named before any stage ran: where it starts in the input (as the split pre-pass names it). */
export const shardKeyOf = (record: Pick<TaskRecord, 'provenance'>): string => `${record.provenance.source.path}:${record.provenance.source.line}`;

/** The shard a component of records lands in: drawn from its smallest label, so it depends on nothing else. */
export function shardOfLabel(label: string, count: number): number {
  return parseInt(sha256(label).slice(0, 8), 16) % count;
}

export interface ShardPlan {
  readonly count: number;
  /** the shard of a record key; a key the pre-pass never saw is a component of its own */
  shardOf(key: string): number;
  /** records per shard */
  readonly records: readonly number[];
  /** split groups per shard, and of those the groups with two or more members */
  readonly groups: readonly number[];
  readonly multiMemberGroups: readonly number[];
}

/**
 * Decides, in a pre-pass over every input record, which records must be built by one shard so that
 * the cross-record stages give the same answers in a shard as in one process: records of one split
 * group (the split draws a group's split from all its members), of one normalised prompt (dedup keeps
 * the first), and of one content id (the writer numbers repeats). These are joined by union-find over
 * labels; each component goes to the shard its smallest label hashes to. Memory: a few labels per
 * record, never a record.
 */
export class ShardPlanner {
  private readonly index = new Map<string, number>();
  private readonly labels: string[] = [];
  private readonly parent: number[] = [];
  // group objects by identity: two groups may share an id (an anchor collision), never an object
  private readonly groupOfKey = new Map<string, { readonly id: string; readonly size: number }>();

  private node(label: string): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.labels.length;
      this.index.set(label, i);
      this.labels.push(label);
      this.parent.push(i);
    }
    return i;
  }

  private find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }

  /** One input record, as ingest yields it (kept or dropped). */
  add(record: Pick<TaskRecord, 'provenance' | 'id' | 'prompt'>): void {
    const key = this.node(`k:${shardKeyOf(record)}`);
    if (record.id) this.union(key, this.node(`i:${record.id}`));
    const prompt = normalisePrompt(record.prompt ?? '');
    if (prompt !== '') this.union(key, this.node(`p:${sha256(prompt)}`));
  }

  /** Joins a record (by its key) to its split group. */
  join(key: string, group: { readonly id: string; readonly size: number }): void {
    this.union(this.node(`k:${key}`), this.node(`g:${group.id}`));
    this.groupOfKey.set(key, group);
  }

  finish(count: number): ShardPlan {
    const smallest = new Map<number, string>();
    for (let i = 0; i < this.labels.length; i++) {
      const root = this.find(i);
      const best = smallest.get(root);
      if (best === undefined || this.labels[i]! < best) smallest.set(root, this.labels[i]!);
    }
    const shardOfRoot = new Map<number, number>();
    for (const [root, label] of smallest) shardOfRoot.set(root, shardOfLabel(label, count));
    const shardOf = (key: string): number => {
      const i = this.index.get(`k:${key}`);
      return i === undefined ? shardOfLabel(`k:${key}`, count) : shardOfRoot.get(this.find(i))!;
    };
    const records = new Array<number>(count).fill(0);
    for (const label of this.labels) if (label.startsWith('k:')) records[shardOf(label.slice(2))]! += 1;
    const groups = new Array<number>(count).fill(0);
    const multiMemberGroups = new Array<number>(count).fill(0);
    const seen = new Set<object>();
    for (const [key, group] of this.groupOfKey) {
      if (seen.has(group)) continue;
      seen.add(group);
      const k = shardOf(key);
      groups[k]! += 1;
      if (group.size > 1) multiMemberGroups[k]! += 1;
    }
    return { count, shardOf, records, groups, multiMemberGroups };
  }
}

/** The records of one shard: every other record is left out before any stage sees it. */
export function keepShard(plan: ShardPlan, index: number): Stage {
  return async function* (input) {
    for await (const record of input) if (plan.shardOf(shardKeyOf(record)) === index) yield record;
  };
}
