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
 * The most old-generation heap (MB) each worker thread's V8 may take. A thread holds ~55 MB live; without
 * a bound V8 lets a busy thread's heap grow to several hundred MB of garbage before collecting it, so two
 * threads alone took a 2-core build past 1 GiB. A thread that needs more than this stops the run with an
 * out-of-memory error naming this flag.
 */
export const WorkerHeapConfig = z.number().int('worker heap must be a whole number of MB').min(64, 'worker heap must be at least 64 MB').max(65536).optional();

export const DEFAULT_WORKER_HEAP_MB = 256;

/**
 * The most old-generation heap (MB) the build's own process may take (`node --max-old-space-size`, set by
 * the `tfpairs` executable, which starts `build` under it). Unbounded, V8 sizes a heap's growth from its
 * maximum (4x on a machine with many GiB): the main thread, ~70 MB live, grew to ~490 MB of heap in a
 * 150k-record build. V8 reads the limit only at start-up, hence the executable.
 */
export const MainHeapConfig = z.number().int('main heap must be a whole number of MB').min(128, 'main heap must be at least 128 MB').max(65536).optional();

export const DEFAULT_MAIN_HEAP_MB = 1024;

/**
 * The config a run records and its stages read: without `workers` and `workerHeapMb`, which change how
 * fast a build runs, never what it writes (two builds that differ only in them write identical
 * manifests, and shards built with different worker counts merge).
 */
export function withoutExecution<T extends { workers?: number; workerHeapMb?: number; mainHeapMb?: number }>(config: T): Omit<T, 'workers' | 'workerHeapMb' | 'mainHeapMb'> {
  const { workers: _workers, workerHeapMb: _heap, mainHeapMb: _mainHeap, ...rest } = config;
  return rest;
}

export const scaleFlags: FlagSpec[] = [
  { name: 'shard', type: 'string', path: 'shard', help: 'process only the records of shard K of N (split groups never span shards; merge with tfpairs merge)', arg: 'K/N' },
  { name: 'workers', type: 'number', path: 'workers', help: 'worker threads for the CPU-bound per-record steps (1: all in the main thread; outputs are identical)', default: 'cores', arg: 'N' },
  { name: 'worker-heap', type: 'number', path: 'workerHeapMb', help: 'old-generation heap limit of each worker thread, in MB (keeps a build\'s memory flat; outputs are identical)', default: String(DEFAULT_WORKER_HEAP_MB), arg: 'MB' },
  { name: 'main-heap', type: 'number', path: 'mainHeapMb', help: 'old-generation heap limit of the build\'s own process, in MB (the tfpairs executable starts the build under node --max-old-space-size; a limit given to node itself wins)', default: String(DEFAULT_MAIN_HEAP_MB), arg: 'MB' },
];
