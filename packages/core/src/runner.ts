import type { Stage } from './pipeline';
import type { ProgressDisplay } from './progress';
import type { TaskRecord } from './record';

/**
 * One step of a pipeline (datatrove's PipelineStep): a name, the version stamped into provenance by
 * the stages it wraps, and a stream transform. The runner owns everything around the transform:
 * counting, timing and the progress display, so steps stay plain stream functions.
 */
export interface Step {
  readonly name: string;
  readonly version?: string;
  readonly run: Stage;
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
  /** wall-clock milliseconds spent inside the step (time waiting for the step before is not counted) */
  ms: number;
}

export interface RunOptions {
  /** the display the runner reports every record to (one per run; none in library use) */
  readonly progress?: ProgressDisplay;
  /** clock, replaceable in tests */
  readonly now?: () => number;
}

function countCodes(record: TaskRecord, into: Map<string, number>, sign: 1 | -1): void {
  for (const f of record.findings) into.set(f.code, (into.get(f.code) ?? 0) + sign);
}

/**
 * Runs `steps` over `source` in order and returns the final stream; `stats` (filled as the stream is
 * consumed) has one entry per step plus the source's. Records come out in input order, untouched by
 * the runner.
 */
export function runSteps(source: Step, steps: readonly Step[], options: RunOptions = {}): { stream: AsyncIterable<TaskRecord>; stats: StepStats[] } {
  const now = options.now ?? (() => performance.now());
  const stats: StepStats[] = [];
  let stream: AsyncIterable<TaskRecord> | undefined;
  for (const step of [source, ...steps]) {
    const s: StepStats = { name: step.name, version: step.version ?? null, in: 0, out: 0, dropped: 0, findings: {}, ms: 0 };
    stats.push(s);
    stream = measured(step, stream, s, now, options.progress);
  }
  return { stream: stream!, stats };
}

function measured(step: Step, upstream: AsyncIterable<TaskRecord> | undefined, s: StepStats, now: () => number, progress?: ProgressDisplay): AsyncIterable<TaskRecord> {
  // net change of finding codes and drops between what came in and what went out
  const codes = new Map<string, number>();
  let upstreamMs = 0;
  let droppedIn = 0;
  const input: AsyncIterable<TaskRecord> = upstream
    ? {
        async *[Symbol.asyncIterator]() {
          const it = upstream[Symbol.asyncIterator]();
          for (;;) {
            const t = now();
            const r = await it.next();
            upstreamMs += now() - t;
            if (r.done) return;
            s.in += 1;
            if (r.value.status === 'dropped') droppedIn += 1;
            countCodes(r.value, codes, -1);
            yield r.value;
          }
        },
      }
    : (async function* () {})();
  const output = step.run(input);
  const tap = progress?.tap(step.name);
  return {
    async *[Symbol.asyncIterator]() {
      const it = output[Symbol.asyncIterator]();
      let droppedOut = 0;
      try {
        for (;;) {
          const t = now();
          const before = upstreamMs;
          const r = await it.next();
          s.ms += now() - t - (upstreamMs - before);
          if (r.done) break;
          s.out += 1;
          if (r.value.status === 'dropped') droppedOut += 1;
          countCodes(r.value, codes, 1);
          if (tap) progress!.see(tap, r.value);
          yield r.value;
        }
      } finally {
        s.dropped = droppedOut - droppedIn;
        for (const [code, n] of [...codes].sort(([a], [b]) => a.localeCompare(b))) if (n > 0) s.findings[code] = n;
        s.ms = Math.round(s.ms);
        if (tap) progress!.end(tap);
      }
    },
  };
}
