import type { Diagnostic } from './diagnostic';
import { fromArray, passThrough, type Stage } from './pipeline';
import type { ProgressDisplay, ProgressTap } from './progress';
import { deepFreeze, type TaskRecord } from './record';

/**
 * How a worker thread makes the same stage again: `(await import(module))[factory](ctx)` with a context
 * of the same config. Only for steps that are CPU-bound, keep no state from one record to the next and
 * pass dropped records through untouched (artifact stages, `mapKept`): a pool may run any record of
 * such a step in any worker.
 */
export interface StepRecipe {
  readonly module: string;
  readonly factory: string;
}

/**
 * One step of a pipeline (datatrove's PipelineStep): a name, the version stamped into provenance by
 * the stages it wraps, and a stream transform. The runner owns everything around the transform:
 * counting, timing and the progress display, so steps stay plain stream functions.
 */
export interface Step {
  readonly name: string;
  readonly version?: string;
  readonly run: Stage;
  /** set when a worker thread can rebuild this step (see StepRecipe); with a pool, it runs there */
  readonly worker?: StepRecipe;
}

/** What the runner measured of one step; manifest.json `steps` lists these in pipeline order. */
export interface StepStats {
  readonly name: string;
  readonly version: string | null;
  /** records pulled from the step before */
  in: number;
  /** records the step yielded */
  out: number;
  /** records the step dropped (kept when they came in, dropped when they came out) */
  dropped: number;
  /** findings the step added, by code */
  readonly findings: Record<string, number>;
  /** wall-clock milliseconds spent inside the step (time waiting for the step before is not counted); summed over workers in a pool */
  ms: number;
}

/**
 * The raw counts behind one step's StepStats, as they add up: a worker sends the delta of each batch
 * and the main thread adds them (finding codes as net counts: a step may remove findings too, so only
 * the sum over every batch says which codes it added).
 */
export interface MeterCounts {
  in: number;
  out: number;
  droppedIn: number;
  droppedOut: number;
  ms: number;
  codes: [string, number][];
}

/** The counts of one step as records go in and out of it (one per step and thread). */
export class StepMeter {
  in = 0;
  out = 0;
  droppedIn = 0;
  droppedOut = 0;
  ms = 0;
  readonly codes = new Map<string, number>();

  seeIn(record: TaskRecord): void {
    this.in += 1;
    if (record.status === 'dropped') this.droppedIn += 1;
    countCodes(record, this.codes, -1);
  }

  seeOut(record: TaskRecord): void {
    this.out += 1;
    if (record.status === 'dropped') this.droppedOut += 1;
    countCodes(record, this.codes, 1);
  }

  counts(): MeterCounts {
    return { in: this.in, out: this.out, droppedIn: this.droppedIn, droppedOut: this.droppedOut, ms: this.ms, codes: [...this.codes] };
  }

  add(c: MeterCounts): void {
    this.in += c.in;
    this.out += c.out;
    this.droppedIn += c.droppedIn;
    this.droppedOut += c.droppedOut;
    this.ms += c.ms;
    for (const [code, n] of c.codes) this.codes.set(code, (this.codes.get(code) ?? 0) + n);
  }

  /** A record that goes through the step untouched (dropped before it): in and out, no net change. */
  passThrough(record: TaskRecord): void {
    this.seeIn(record);
    this.seeOut(record);
  }

  writeTo(s: StepStats): void {
    s.in = this.in;
    s.out = this.out;
    s.dropped = this.droppedOut - this.droppedIn;
    for (const key of Object.keys(s.findings)) delete s.findings[key];
    for (const [code, n] of [...this.codes].sort(([a], [b]) => a.localeCompare(b))) if (n > 0) s.findings[code] = n;
    s.ms = Math.round(this.ms);
  }
}

/** What a worker gives back for one batch: the records in order, each step's counts, the context's additions. */
export interface BatchResult {
  readonly records: TaskRecord[];
  readonly meters: MeterCounts[];
  /** counters the batch added to the worker's context (ctx.metrics) */
  readonly metrics: [string, number][];
  /** run-level warnings the worker's context gained during the batch */
  readonly warnings: Diagnostic[];
  /** which worker ran the batch (a warning each worker's context makes once is the run's once) */
  readonly worker?: number;
}

/**
 * Runs segments of consecutive worker steps on worker threads (see `openStepPool` in `./workers`).
 * The runner sends batches in sequence and takes results in the same sequence; `merge` adds a result's
 * metrics and warnings to the run's context, called in that sequence so the context ends as one thread
 * would leave it.
 */
export interface StepPool {
  /** worker threads: the runner keeps a few batches per worker in flight */
  readonly size: number;
  /** records per batch */
  readonly batchSize: number;
  /**
   * a segment that gets fewer records than this runs in this thread: starting the workers (each loads
   * the stages' parsers, schemas and policies) costs more than they would save
   */
  readonly minRecords: number;
  /** the segment's id for `run` (the workers build its steps from their recipes) */
  segment(steps: readonly Step[]): number;
  /** runs a batch of a segment's kept records on the worker of `lane` (0 <= lane < size) */
  run(segment: number, records: readonly TaskRecord[], lane: number): Promise<BatchResult>;
  merge(result: BatchResult): void;
}

export interface RunOptions {
  /** the display the runner reports every record to (one per run; none in library use) */
  readonly progress?: ProgressDisplay;
  /** clock, replaceable in tests */
  readonly now?: () => number;
  /** worker threads for the steps that have a recipe (none: every step in this thread) */
  readonly pool?: StepPool;
}

function countCodes(record: TaskRecord, into: Map<string, number>, sign: 1 | -1): void {
  for (const f of record.findings) into.set(f.code, (into.get(f.code) ?? 0) + sign);
}

const newStats = (step: Step): StepStats => ({ name: step.name, version: step.version ?? null, in: 0, out: 0, dropped: 0, findings: {}, ms: 0 });

/**
 * Runs `steps` over `source` in order and returns the final stream; `stats` (filled as the stream is
 * consumed) has one entry per step plus the source's. Records come out in input order, untouched by
 * the runner. With a pool, each run of consecutive steps that have a recipe is one segment the pool's
 * workers run; its records come back in input order, so the output is the same as in one thread.
 */
export function runSteps(source: Step, steps: readonly Step[], options: RunOptions = {}): { stream: AsyncIterable<TaskRecord>; stats: StepStats[] } {
  const now = options.now ?? (() => performance.now());
  const stats: StepStats[] = [newStats(source)];
  let stream = measured(source, undefined, stats[0]!, now, options.progress);
  // a step switched off (passThrough) does nothing anywhere: it does not cut a segment in two
  const poolable = (step: Step) => step.worker !== undefined || step.run === passThrough;
  for (let i = 0; i < steps.length; ) {
    let end = i;
    if (options.pool) while (end < steps.length && poolable(steps[end]!)) end += 1;
    if (steps.slice(i, end).some((step) => step.worker)) {
      const segment = steps.slice(i, end);
      const segmentStats = segment.map(newStats);
      stats.push(...segmentStats);
      stream = pooled(segment, stream, segmentStats, options.pool!, options.progress);
      i = end;
    } else {
      const s = newStats(steps[i]!);
      stats.push(s);
      stream = measured(steps[i]!, stream, s, now, options.progress);
      i += 1;
    }
  }
  return { stream, stats };
}

/**
 * `steps` chained over `input` in this thread, each measured into its meter (what a worker does with a
 * batch). Time waiting for the step before is not the step's.
 */
export function meterSteps(input: AsyncIterable<TaskRecord>, steps: readonly Step[], meters: readonly StepMeter[], now: () => number = () => performance.now()): AsyncIterable<TaskRecord> {
  return steps.reduce((stream, step, i) => metered(step, stream, meters[i]!, now).output, input);
}

function metered(step: Step, upstream: AsyncIterable<TaskRecord> | undefined, meter: StepMeter, now: () => number): { output: AsyncIterable<TaskRecord> } {
  let upstreamMs = 0;
  const input: AsyncIterable<TaskRecord> = upstream
    ? {
        async *[Symbol.asyncIterator]() {
          const it = upstream[Symbol.asyncIterator]();
          for (;;) {
            const t = now();
            const r = await it.next();
            upstreamMs += now() - t;
            if (r.done) return;
            meter.seeIn(r.value);
            yield r.value;
          }
        },
      }
    : (async function* () {})();
  const output = step.run(input);
  return {
    output: {
      async *[Symbol.asyncIterator]() {
        const it = output[Symbol.asyncIterator]();
        for (;;) {
          const t = now();
          const before = upstreamMs;
          const r = await it.next();
          meter.ms += now() - t - (upstreamMs - before);
          if (r.done) return;
          meter.seeOut(r.value);
          yield r.value;
        }
      },
    },
  };
}

function measured(step: Step, upstream: AsyncIterable<TaskRecord> | undefined, s: StepStats, now: () => number, progress?: ProgressDisplay): AsyncIterable<TaskRecord> {
  const meter = new StepMeter();
  const { output } = metered(step, upstream, meter, now);
  const tap = progress?.tap(step.name);
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const record of output) {
          if (tap) progress!.see(tap, record);
          yield record;
        }
      } finally {
        meter.writeTo(s);
        if (tap) progress!.end(tap);
      }
    },
  };
}

/** Batches per lane a pooled segment reads ahead (the intent step's plan cache must hold what two segments' windows hold). */
export const READ_AHEAD_BATCHES = 8;

/** Which lane (worker) a record goes to: the same in every segment, from where it was read. */
function laneOf(record: TaskRecord, lanes: number): number {
  const key = `${record.provenance.source.path}\u0000${record.provenance.source.line}`;
  // FNV-1a: cheap, and spreads consecutive lines evenly
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/** Kept records of one lane on their way to its worker, and what came back. */
interface Batch {
  readonly lane: number;
  readonly records: TaskRecord[];
  sent: Promise<BatchResult> | null;
  result: BatchResult | null;
}

/** A record read from upstream, in order: where its result is (dropped ones stay here as they are). */
interface Slot {
  readonly record: TaskRecord;
  readonly batch: Batch | null;
  readonly index: number;
}

/**
 * A segment of worker steps on the pool (and switched-off steps between them, which this thread counts).
 * Each kept record goes to the lane of where it was read (`laneOf`), in every segment: the worker that
 * planned a configuration in the intent step still holds the plan when the security step asks. A lane
 * sends its batch when it is full, or when the oldest record waits for it; results are taken in input
 * order, each batch's metrics and warnings merged when its first record's turn comes, so the run's
 * context ends as one thread would leave it. Dropped records pass every worker step untouched and
 * never leave this thread (the progress display counts a dropped record by identity). Each step's stats
 * are the sum of what the workers measured.
 */
function pooled(steps: readonly Step[], upstream: AsyncIterable<TaskRecord>, stats: readonly StepStats[], pool: StepPool, progress?: ProgressDisplay): AsyncIterable<TaskRecord> {
  const remote = steps.filter((step) => step.worker);
  const segment = pool.segment(remote);
  const meters = steps.map(() => new StepMeter());
  const remoteMeters = meters.filter((_, i) => steps[i]!.worker);
  const localMeters = meters.filter((_, i) => !steps[i]!.worker);
  const taps: ProgressTap[] = progress ? steps.map((step) => progress.tap(step.name)) : [];
  // records read ahead: eight batches per lane. Records go to lanes by hash, so in a short window one
  // lane's batches run out while the oldest record waits on the other: with two batches per lane a
  // 2-worker build kept its cores 93 % busy, with eight 96 % (30k records, two runs each)
  const ahead = pool.size * pool.batchSize * READ_AHEAD_BATCHES;
  return {
    async *[Symbol.asyncIterator]() {
      const source = upstream[Symbol.asyncIterator]();
      // the first records decide: a short stream stays in this thread
      const first: TaskRecord[] = [];
      let short = false;
      while (first.length < pool.minRecords) {
        const r = await source.next();
        if (r.done) {
          short = true;
          break;
        }
        first.push(r.value);
      }
      if (short) {
        try {
          for await (const record of meterSteps(fromArray(first), steps, meters)) {
            for (const tap of taps) progress!.see(tap, record);
            yield record;
          }
        } finally {
          meters.forEach((meter, i) => meter.writeTo(stats[i]!));
          for (const tap of taps) progress!.end(tap);
        }
        return;
      }
      let taken = 0;
      const it = { next: async (): Promise<IteratorResult<TaskRecord>> => (taken < first.length ? { done: false, value: first[taken++]! } : source.next()), return: () => source.return?.() };
      const slots: Slot[] = [];
      const open = new Map<number, Batch>();
      let ended = false;
      const send = (batch: Batch) => {
        open.delete(batch.lane);
        batch.sent = pool.run(segment, batch.records, batch.lane);
        // a batch that fails while an earlier one is awaited is reported when its turn comes
        batch.sent.catch(() => {});
      };
      try {
        for (;;) {
          while (!ended && slots.length < ahead) {
            const r = await it.next();
            if (r.done) {
              ended = true;
              for (const batch of [...open.values()]) send(batch);
              break;
            }
            const record = r.value;
            if (record.status !== 'kept') {
              slots.push({ record, batch: null, index: 0 });
              continue;
            }
            const lane = laneOf(record, pool.size);
            let batch = open.get(lane);
            if (!batch) open.set(lane, (batch = { lane, records: [], sent: null, result: null }));
            slots.push({ record, batch, index: batch.records.length });
            batch.records.push(record);
            if (batch.records.length >= pool.batchSize) send(batch);
          }
          const slot = slots.shift();
          if (!slot) break;
          let out = slot.record;
          if (slot.batch) {
            const batch = slot.batch;
            if (!batch.sent) send(batch);
            if (!batch.result) {
              const result = await batch.sent!;
              if (result.records.length !== batch.records.length) throw new Error(`worker steps ${remote.map((s) => s.name).join(', ')} returned ${result.records.length} records for a batch of ${batch.records.length}: a worker step must yield one record per record`);
              pool.merge(result);
              result.meters.forEach((m, i) => remoteMeters[i]!.add(m));
              batch.result = result;
            }
            out = deepFreeze(batch.result.records[slot.index]!);
            for (const meter of localMeters) meter.passThrough(out);
          } else for (const meter of meters) meter.passThrough(out);
          for (const tap of taps) progress!.see(tap, out);
          yield out;
        }
      } finally {
        meters.forEach((meter, i) => meter.writeTo(stats[i]!));
        for (const tap of taps) progress!.end(tap);
        // the upstream steps' own cleanup runs when this segment stops early (an error downstream)
        if (!ended) await it.return();
      }
    },
  };
}
