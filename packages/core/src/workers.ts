import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { RunContext } from './context';
import type { Diagnostic } from './diagnostic';
import type { TaskRecord } from './record';
import type { BatchResult, Step, StepPool, StepRecipe } from './runner';
import { DEFAULT_WORKER_HEAP_MB } from './config/scale';

/** What a worker thread is told when it starts: enough to make the run's context again. */
export interface WorkerSetup {
  readonly config: RunContext['config'];
  readonly cwd: string;
  readonly env: RunContext['env'];
}

/** main -> worker */
export type ToWorker =
  | { readonly type: 'segment'; readonly id: number; readonly steps: readonly { name: string; version: string | null; recipe: StepRecipe }[] }
  | { readonly type: 'batch'; readonly seq: number; readonly segment: number; readonly records: readonly TaskRecord[] };

/** worker -> main */
export type FromWorker =
  | { readonly type: 'done'; readonly seq: number; readonly result: BatchResult }
  | { readonly type: 'failed'; readonly seq: number; readonly message: string; readonly stack?: string }
  | { readonly type: 'log'; readonly message: string };

/** A worker step failed, or a worker thread died: the run stops with this error. */
export class WorkerError extends Error {}

export const defaultWorkers = (): number => availableParallelism();

/** records per batch unless the pool is told otherwise (StepPoolOptions.batchSize) */
export const DEFAULT_BATCH_SIZE = 4;

/**
 * V8 gives every isolate it starts the process's heap flags when they are set (the main thread's bound:
 * the executable's --main-heap, or NODE_OPTIONS) over a Worker's resourceLimits, so each thread could
 * grow to the main thread's limit (1 GB) instead of `heapMb`. Cleared (0: unset) before a thread starts;
 * the main isolate keeps the limit it started with, as V8 reads them once per isolate, at its start.
 */
function letResourceLimitsApply(): void {
  setFlagsFromString('--max-old-space-size=0');
  setFlagsFromString('--max-heap-size=0');
}

interface Pending {
  readonly resolve: (result: BatchResult) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  /** unique per thread started (a replacement gets a new one): whose warnings a batch brings */
  readonly id: number;
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** kept records sent to it so far */
  records: number;
  /** replaced: it finishes what it has, then stops */
  retired: boolean;
  /** why it stopped, once it did: every later batch fails with it */
  dead: WorkerError | null;
}

export interface StepPoolOptions {
  /**
   * records per batch: enough that a message costs little next to the work (a record's steps take
   * milliseconds), few enough that a worker still holds the plans of a record's intent step when its
   * security step comes (the plan cache keeps the last few dozen)
   */
  readonly batchSize?: number;
  /** a segment with fewer records runs in the main thread (StepPool.minRecords) */
  readonly minRecords?: number;
  /**
   * kept records a thread takes before a fresh one replaces it (0, the default: never). A new thread
   * costs ~4 s of CPU (importing the stages, compiling three WebAssembly modules, warming up), and
   * a thread's memory does not grow with the records it takes: HashiCorp's parser and hclwrite (Go in
   * WebAssembly) level off at ~68 MB after the first ~10k calls (measured flat from 20k to 60k calls of
   * each), and the JS heap is bounded by `heapMb`.
   */
  readonly recycleAfter?: number;
  /** old-generation heap limit of each thread, MB (config `workerHeapMb`) */
  readonly heapMb?: number;
}

/**
 * A pool of worker threads for the runner's worker steps (`Step.worker`): each thread makes its own
 * context from the run's config, cwd and env, builds every segment's steps from their recipes, and runs
 * batches one after the other. The runner says which thread (lane) takes a batch: a record meets the
 * same thread in every segment, where what an earlier step left in the context's services (the plans
 * the intent step built, which the security step reads) is still at hand. What a worker adds
 * to its context (counters, run warnings) comes back with each batch; `merge` adds it to `ctx`.
 * Run warnings that each thread makes once (a schema file that cannot be read, decided per context)
 * are added as many times as the thread that made them most often, as one thread would have.
 */
export class WorkerStepPool implements StepPool {
  readonly batchSize: number;
  readonly minRecords: number;
  /** the thread of each lane */
  private readonly threads: Thread[] = [];
  private readonly recycleAfter: number;
  private readonly heapMb: number;
  private setup: WorkerSetup | null = null;
  /** every thread started, retired ones included */
  private readonly all: Thread[] = [];
  private started = 0;
  private readonly segments: Step[][] = [];
  private seq = 0;
  private closed = false;
  /** warning text -> thread id -> how many times that thread has made it so far */
  private readonly warningCounts = new Map<string, Map<number, number>>();

  constructor(
    private readonly ctx: RunContext,
    readonly size: number,
    options: StepPoolOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    // a worker takes about 2 s of CPU to import the stages (measured 1.7 s) and more on first use
    // (schemas, policies); the stages take ~25 ms per record in one thread
    this.minRecords = options.minRecords ?? 200;
    this.recycleAfter = options.recycleAfter ?? 0;
    this.heapMb = options.heapMb ?? DEFAULT_WORKER_HEAP_MB;
  }

  /** threads started so far (none until a segment has enough records) */
  get running(): number {
    return this.threads.length;
  }

  /** threads started so far, replacements included */
  get startedThreads(): number {
    return this.started;
  }

  /** the threads start with the first batch: a run whose segments all stay in the main thread starts none */
  private lanes(): Thread[] {
    if (this.threads.length) return this.threads;
    for (let i = 0; i < this.size; i++) this.threads.push(this.start());
    return this.threads;
  }

  private announce(id: number, steps: readonly Step[], threads: readonly Thread[]): void {
    const message: ToWorker = { type: 'segment', id, steps: steps.map((s) => ({ name: s.name, version: s.version ?? null, recipe: s.worker! })) };
    for (const t of threads) t.worker.postMessage(message);
  }

  /** A thread that finished its share: a fresh one takes its lane, it stops once its batches are back. */
  private retire(lane: number): Thread {
    const old = this.threads[lane]!;
    old.retired = true;
    if (old.pending.size === 0) void old.worker.terminate();
    const fresh = this.start();
    this.threads[lane] = fresh;
    return fresh;
  }

  private start(): Thread {
    this.setup ??= { config: this.ctx.config, cwd: this.ctx.cwd, env: { ...this.ctx.env } };
    const index = this.started++;
    letResourceLimitsApply();
    // a plain-JS entry that registers tsx in the thread, then loads the TypeScript worker
    const worker = new Worker(new URL('./worker-thread.mjs', import.meta.url), { workerData: { setup: this.setup, entry: new URL('./worker-thread.ts', import.meta.url).href }, resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    const thread: Thread = { id: index, worker, pending: new Map(), records: 0, retired: false, dead: null };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'log') return this.ctx.log(message.message);
      const pending = thread.pending.get(message.seq);
      if (!pending) return;
      thread.pending.delete(message.seq);
      if (thread.pending.size === 0) {
        worker.unref();
        if (thread.retired) void worker.terminate();
      }
      if (message.type === 'done') pending.resolve({ ...message.result, worker: thread.id });
      else {
        const error = new WorkerError(`worker step failed: ${message.message}`);
        if (message.stack) error.stack = `${error.message}\n(in worker ${index}) ${message.stack}`;
        pending.reject(error);
      }
    });
    const die = (error: WorkerError) => {
      if (thread.dead) return;
      thread.dead = error;
      for (const p of thread.pending.values()) p.reject(error);
      thread.pending.clear();
    };
    worker.on('error', (e) =>
      die(
        new WorkerError(
          (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `worker ${index} ran out of memory: its heap is limited to ${this.heapMb} MB (raise it with --worker-heap MB)`
            : `worker ${index} crashed: ${e.message}`,
        ),
      ),
    );
    worker.on('exit', (code) => {
      if (!this.closed && !(thread.retired && thread.pending.size === 0)) die(new WorkerError(`worker ${index} exited with code ${code} while the run needed it`));
    });
    // an idle pool does not keep the process alive (a thread is referenced while it has batches)
    worker.unref();
    this.segments.forEach((steps, id) => this.announce(id, steps, [thread]));
    this.all.push(thread);
    return thread;
  }

  segment(steps: readonly Step[]): number {
    const id = this.segments.length;
    this.segments.push([...steps]);
    this.announce(id, steps, this.threads);
    return id;
  }

  run(segment: number, records: readonly TaskRecord[], lane: number): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new WorkerError('the worker pool is closed'));
    const at = lane % this.size;
    let thread = this.lanes()[at]!;
    if (thread.dead) return Promise.reject(thread.dead);
    if (this.recycleAfter > 0 && thread.records >= this.recycleAfter) thread = this.retire(at);
    thread.records += records.length;
    const seq = this.seq++;
    return new Promise<BatchResult>((resolve, reject) => {
      thread.pending.set(seq, { resolve, reject });
      thread.worker.ref();
      const message: ToWorker = { type: 'batch', seq, segment, records };
      try {
        thread.worker.postMessage(message);
      } catch (e) {
        thread.pending.delete(seq);
        reject(new WorkerError(`cannot send a batch to a worker: ${(e as Error).message}`));
      }
    });
  }

  merge(result: BatchResult): void {
    for (const [key, n] of result.metrics) this.ctx.metrics.set(key, (this.ctx.metrics.get(key) ?? 0) + n);
    for (const w of result.warnings) this.mergeWarning(w, result.worker ?? -1);
  }

  private mergeWarning(w: Diagnostic, worker: number): void {
    const text = JSON.stringify(w);
    const counts = this.warningCounts.get(text) ?? this.warningCounts.set(text, new Map()).get(text)!;
    counts.set(worker, (counts.get(worker) ?? 0) + 1);
    const most = Math.max(...counts.values());
    // the main thread may have made it too, from its own context's services (one context in one thread)
    const present = this.ctx.warnings.filter((x) => JSON.stringify(x) === text).length;
    if (present < most) this.ctx.warnings.push(w);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.all.map((t) => t.worker.terminate()));
  }
}

/** A pool of `workers` threads for `ctx`'s run, or none when one thread does all (`workers` <= 1). */
export function openStepPool(ctx: RunContext, workers: number, options: StepPoolOptions = {}): WorkerStepPool | undefined {
  return workers > 1 ? new WorkerStepPool(ctx, workers, options) : undefined;
}
