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

/**
 * Worker threads for the CPU-bound per-record steps (normalise, scrub, verify, intent, lint, security);
 * unset: one per core; 1: every step in the main thread. Outputs are the same for any value.
 */
export const WorkersConfig = z.number().int('workers must be a whole number').min(1, 'workers must be at least 1').max(256).optional();

/**
 * The config a run records and its stages read: without `workers`, which changes how fast a build runs,
 * never what it writes (two builds that differ only in it write identical manifests, and shards built
 * with different worker counts merge).
 */
export function withoutExecution<T extends { workers?: number }>(config: T): Omit<T, 'workers'> {
  const { workers: _workers, ...rest } = config;
  return rest;
}

export const scaleFlags: FlagSpec[] = [
  { name: 'shard', type: 'string', path: 'shard', help: 'process only the records of shard K of N (split groups never span shards; merge with tfpairs merge)', arg: 'K/N' },
  { name: 'workers', type: 'number', path: 'workers', help: 'worker threads for the CPU-bound per-record steps (1: all in the main thread; outputs are identical)', default: 'cores', arg: 'N' },
];
