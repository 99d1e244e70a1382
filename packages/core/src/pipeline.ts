import type { TaskRecord } from './record';
import { stampStage } from './record';

/** Every step of tfpairs takes a stream of records and yields a stream of records (datatrove's shape). */
export type Stage = (input: AsyncIterable<TaskRecord>) => AsyncIterable<TaskRecord>;

/** Composes stages left to right: `pipe(source, a, b, c)` is `c(b(a(source)))`. */
export function pipe(source: AsyncIterable<TaskRecord>, ...stages: readonly Stage[]): AsyncIterable<TaskRecord> {
  return stages.reduce<AsyncIterable<TaskRecord>>((stream, stage) => stage(stream), source);
}

/**
 * A stage that transforms kept records one at a time; dropped records pass through untouched so the
 * writer still sees them (every input record must reach the audit or a corpus).
 * The stage name and version are stamped into each kept record's provenance.
 */
export function mapKept(
  name: string,
  version: string,
  fn: (record: TaskRecord) => TaskRecord | Promise<TaskRecord>,
): Stage {
  return async function* (input) {
    for await (const record of input) {
      if (record.status !== 'kept') {
        yield record;
        continue;
      }
      yield await fn(stampStage(record, name, version));
    }
  };
}

/**
 * Like mapKept, but runs up to `concurrency` records at once and yields them in input order
 * (order matters: outputs must be identical from run to run).
 */
export function mapKeptConcurrent(
  name: string,
  version: string,
  concurrency: number,
  fn: (record: TaskRecord) => Promise<TaskRecord>,
): Stage {
  return async function* (input) {
    const window: Promise<TaskRecord>[] = [];
    for await (const record of input) {
      window.push(record.status === 'kept' ? fn(stampStage(record, name, version)) : Promise.resolve(record));
      if (window.length >= Math.max(1, concurrency)) yield await window.shift()!;
    }
    while (window.length) yield await window.shift()!;
  };
}

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

export async function* fromArray<T>(items: Iterable<T>): AsyncIterable<T> {
  for (const item of items) yield item;
}

/** How the CLI's build assembles its pipeline: every stage package exports factories of this shape. */
export type StageFactory = (ctx: import('./context').RunContext) => Stage;

/** A stage that changes nothing (used when a stage is switched off by config). */
export const passThrough: Stage = (input) => input;
