import { describe, expect, it } from 'vitest';
import { collect, fromArray, type TaskRecord } from '@tfpairs/core';
import { keepShard, ShardPlanner, shardKeyOf } from '@tfpairs/core/shard';

const rec = (line: number, prompt: string, id: string | null = `id${line}`): TaskRecord =>
  ({ id, prompt, status: 'kept', provenance: { source: { path: 'in.jsonl', line }, format: 'jsonl', stages: {} } }) as unknown as TaskRecord;

describe('ShardPlanner', () => {
  const records = Array.from({ length: 200 }, (_, i) => rec(i + 1, `prompt ${i % 150}`, i === 199 ? 'id1' : `id${i + 1}`));

  it('puts records of one normalised prompt, one content id and one split group in one shard', () => {
    const planner = new ShardPlanner();
    for (const r of records) planner.add(r);
    // the grouping hands out one object per group
    const group = { id: 'g1', size: 2 };
    planner.join(shardKeyOf(records[3]!), group);
    planner.join(shardKeyOf(records[7]!), group);
    const plan = planner.finish(4);
    const shardOf = (r: TaskRecord) => plan.shardOf(shardKeyOf(r));
    // prompt i and prompt i+150 are the same prompt
    for (let i = 0; i < 50; i++) expect(shardOf(records[i]!)).toBe(shardOf(records[i + 150]!));
    expect(shardOf(records[3]!)).toBe(shardOf(records[7]!));
    expect(shardOf(records[199]!)).toBe(shardOf(records[0]!));
    expect(plan.records.reduce((a, b) => a + b, 0)).toBe(200);
    expect(plan.records.every((n) => n > 20)).toBe(true);
    expect(plan.groups.reduce((a, b) => a + b, 0)).toBe(1);
    expect(plan.multiMemberGroups[shardOf(records[3]!)]).toBe(1);
  });

  it('keepShard: every record in exactly one shard, input order kept', async () => {
    const planner = new ShardPlanner();
    for (const r of records) planner.add(r);
    const plan = planner.finish(3);
    const parts = await Promise.all([0, 1, 2].map((k) => collect(keepShard(plan, k)(fromArray(records)))));
    expect(parts.flat().length).toBe(records.length);
    for (const part of parts) {
      const lines = part.map((r) => r.provenance.source.line);
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    }
  });
});
