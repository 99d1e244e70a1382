import { createHash } from 'node:crypto';
import { countMetric, normalisePrompt, stampStage, updateRecord, type RunContext, type Split, type Stage, type TaskRecord } from '@tfpairs/core';
import { goldHash, NearDuplicateGrouper, type Group, type GroupItem, type Grouping } from './groups';

export { goldHash, groupingOf, groupItems, NearDuplicateGrouper, type Group, type GroupItem, type Grouping, type GroupingOptions } from './groups';
export { estimatedJaccard, jaccard, minHasher, shingleHashes, words } from './minhash';

export const SPLIT_VERSION = '0.3.0';

declare module '@tfpairs/core' {
  interface RunServices {
    /** groups computed by a pre-pass over the inputs (keys: `splitItemKey`); the split stage then streams */
    splitGrouping?: Grouping;
  }
}

export interface SplitShares {
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly salt?: string;
}

/** A text's position in [0, 1): the first 52 bits of sha256(salt + text). */
export function unitOf(text: string, salt = ''): number {
  const digest = createHash('sha256').update(`${salt}\u0000${text}`, 'utf8').digest();
  // 52 bits fit a double exactly
  const hi = digest.readUInt32BE(0);
  const lo = digest.readUInt32BE(4) >>> 12;
  return (hi * 2 ** 20 + lo) / 2 ** 52;
}

/** A prompt's position in [0, 1), ignoring case and spacing (a single-record group's split before 0.2). */
export function promptUnit(prompt: string, salt = ''): number {
  return unitOf(normalisePrompt(prompt), salt);
}

function splitOfUnit(u: number, shares: SplitShares): Split {
  if (u < shares.train) return 'train';
  if (u < shares.train + shares.val) return 'val';
  return 'test';
}

export function assignSplit(prompt: string, shares: SplitShares): Split {
  return splitOfUnit(promptUnit(prompt, shares.salt ?? ''), shares);
}

/** The split of a group: drawn from its anchor only, so it moves only when the group's anchor does. */
export function groupSplit(group: Group, shares: SplitShares): Split {
  return splitOfUnit(unitOf(group.anchor, shares.salt ?? ''), shares);
}

/** How the split stage and a pre-pass name a record: where it starts in the input. */
export function splitItemKey(record: Pick<TaskRecord, 'provenance'>): string {
  return `${record.provenance.source.path}:${record.provenance.source.line}`;
}

/** What grouping takes of a record: prompt, gold hash and the `--split-key` field. */
export function groupItemOf(record: TaskRecord, keyField?: string): GroupItem {
  const gold = record.gold ? (record.gold.code ?? record.gold.raw) : null;
  const userKey = keyField ? record.meta[keyField] : undefined;
  return { key: splitItemKey(record), prompt: record.prompt, goldHash: gold === null ? null : goldHash(gold), userKey: typeof userKey === 'string' && userKey !== '' ? userKey : null };
}

/**
 * The splits that get no record although their share is above 0: a split is drawn per group, so with
 * few groups (the bundled sample's 16 draw train with probability 0.8^16 = 3 %) shares hold only on average.
 */
export function emptySplits(grouping: Grouping, keys: Iterable<string>, shares: SplitShares): Split[] {
  const filled = new Set<Split>();
  for (const key of keys) {
    const group = grouping.groupOf(key);
    if (group) filled.add(groupSplit(group, shares));
  }
  if (filled.size === 0) return [];
  return (['train', 'val', 'test'] as const).filter((s) => shares[s] > 0 && !filled.has(s));
}

function assigned(record: TaskRecord, grouping: Grouping, shares: SplitShares): TaskRecord {
  const group = grouping.groupOf(splitItemKey(record));
  // a record the pre-pass did not see is a group of its own (drawn from its prompt)
  const split = group ? groupSplit(group, shares) : assignSplit(record.prompt, shares);
  const provenance = group ? { ...record.provenance, group: { id: group.id, size: group.size } } : record.provenance;
  return stampStage(updateRecord(record, { split, provenance }), 'split', SPLIT_VERSION);
}

/**
 * Assigns train/val/test by group: near-duplicate prompts (MinHash/LSH, `split.nearDuplicate`),
 * identical gold and equal `--split-key` values form one group, and every member lands in the split
 * the group's anchor hashes to. With a pre-pass grouping (`ctx.services.splitGrouping`) records
 * stream through; without one the stage holds the run's records until the last has arrived.
 */
export function splitStage(ctx: RunContext): Stage {
  const config = ctx.config.split;
  return (input) =>
    (async function* () {
      const pre = ctx.services.splitGrouping;
      if (pre) {
        for await (const r of input) yield r.status === 'kept' ? assigned(r, pre, config) : r;
        return;
      }
      const held: TaskRecord[] = [];
      const grouper = new NearDuplicateGrouper({ threshold: config.nearDuplicate });
      for await (const r of input) {
        held.push(r);
        if (r.status === 'kept') grouper.add(groupItemOf(r, config.key));
      }
      const grouping = grouper.finish();
      countMetric(ctx, 'split.groups', grouping.groups);
      countMetric(ctx, 'split.multi_member_groups', grouping.multiMember);
      if (grouping.largest) countMetric(ctx, 'split.largest_group', grouping.largest.size);
      for (const r of held) yield r.status === 'kept' ? assigned(r, grouping, config) : r;
    })();
}
