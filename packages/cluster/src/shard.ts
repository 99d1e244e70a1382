/** A shard of a build: `index` in 0..count-1 (the `K/N` of `tfpairs build --shard K/N`). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

export class ShardSpecError extends Error {}

/** Parses `K/N` (0 <= K < N). */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardSpecError(`invalid shard "${text}": expected K/N, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ShardSpecError(`invalid shard "${text}": K must be in 0..N-1 and N >= 1`);
  return { index, count };
}

export const formatShard = (s: ShardSpec): string => `${s.index}/${s.count}`;

/**
 * The shard a build output says it is, wherever the build put it: a top-level `shard` or
 * `config.shard`, as `"K/N"` or `{index, count}`. null for a one-process build.
 */
export function shardOfManifest(manifest: unknown): ShardSpec | null {
  const m = manifest as { shard?: unknown; config?: { shard?: unknown } } | null;
  for (const value of [m?.shard, m?.config?.shard]) {
    if (typeof value === 'string') return parseShardSpec(value);
    if (value && typeof value === 'object') {
      const { index, count } = value as { index?: unknown; count?: unknown };
      if (typeof index === 'number' && typeof count === 'number') return parseShardSpec(`${index}/${count}`);
    }
  }
  return null;
}
