import { z } from 'zod';
import type { FlagSpec } from '../flags';

/**
 * `K/N`: this build processes only the records whose shard group falls in shard K of N (recorded in
 * manifest.json's config, where `tfpairs merge` reads it).
 */
export const ShardConfig = z
  .string()
  .regex(/^\d+\/\d+$/, 'shard must be K/N, e.g. 0/4')
  .refine((s) => {
    const [k, n] = s.split('/').map(Number) as [number, number];
    return n >= 1 && k < n;
  }, 'shard K/N needs 0 <= K < N')
  .optional();

export const scaleFlags: FlagSpec[] = [
  { name: 'shard', type: 'string', path: 'shard', help: 'process only the records of shard K of N (split groups never span shards; merge with tfpairs merge)', arg: 'K/N' },
];
