import { parentPort, workerData } from 'node:worker_threads';
import { createRunContext } from './context';
import type { StageFactory } from './pipeline';
import { fromArray } from './pipeline';
import type { TaskRecord } from './record';
import { meterSteps, StepMeter, type BatchResult, type Step } from './runner';
import type { FromWorker, ToWorker, WorkerSetup } from './workers';

/**
 * One thread of the step pool: the run's context made again from its config, cwd and env (its services,
 * counters and warnings are this thread's own), the segments' steps built from their recipes, and the
 * batches run one after the other, so each batch's counters and warnings are its own.
 */
const port = parentPort!;
const setup = (workerData as { setup: WorkerSetup }).setup;
const ctx = createRunContext(setup.config, { cwd: setup.cwd, env: setup.env, log: (message) => post({ type: 'log', message }) });
const segments = new Map<number, Promise<Step[]>>();

function post(message: FromWorker): void {
  port.postMessage(message);
}

async function build(steps: Extract<ToWorker, { type: 'segment' }>['steps']): Promise<Step[]> {
  return Promise.all(
    steps.map(async (s) => {
      const module = (await import(s.recipe.module)) as Record<string, unknown>;
      const factory = module[s.recipe.factory];
      if (typeof factory !== 'function') throw new Error(`${s.recipe.module} has no stage factory ${s.recipe.factory}`);
      return { name: s.name, ...(s.version === null ? {} : { version: s.version }), run: (factory as StageFactory)(ctx) };
    }),
  );
}

async function runBatch(segment: number, records: readonly TaskRecord[]): Promise<BatchResult> {
  const steps = await segments.get(segment)!;
  const meters = steps.map(() => new StepMeter());
  const warningsBefore = ctx.warnings.length;
  ctx.metrics.clear();
  const out: TaskRecord[] = [];
  for await (const record of meterSteps(fromArray(records), steps, meters)) out.push(record);
  const result: BatchResult = { records: out, meters: meters.map((m) => m.counts()), metrics: [...ctx.metrics], warnings: ctx.warnings.slice(warningsBefore) };
  ctx.metrics.clear();
  return result;
}

// one batch at a time: a batch's counters are what it added
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  if (message.type === 'segment') {
    const steps = build(message.steps);
    steps.catch(() => {}); // reported by the first batch that needs them
    segments.set(message.id, steps);
    return;
  }
  queue = queue.then(async () => {
    try {
      post({ type: 'done', seq: message.seq, result: await runBatch(message.segment, message.records) });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      post({ type: 'failed', seq: message.seq, message: error.message, ...(error.stack ? { stack: error.stack } : {}) });
    }
  });
});
