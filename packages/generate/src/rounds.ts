import { mapKeptConcurrent, stampStage, type RunContext, type Stage, type TaskRecord } from '@tfpairs/core';
import { requestKey, type ChatRequest } from './cache';
import { BatchRunner } from './batch';
import type { ChatClient, CompletionResult } from './client';
import type { ChatMessage } from './template';

/** How a stage asks for one chat completion (the client directly, or through batch rounds). */
export type Complete = (messages: readonly ChatMessage[]) => Promise<CompletionResult>;

/**
 * Runs per-record work whose model requests go out through the Batch API in rounds: a request is held
 * until every unfinished task is waiting for an answer, then all held requests go out as one batch
 * (split by the API limits), and the answers are handed back. Multi-turn work (the repair loop, a
 * change request and its repairs) thus needs one batch per turn for all records together, and the
 * stage code is the same as in synchronous mode.
 */
export class BatchRounds {
  private unfinished = 0;
  private waiting = 0;
  private flushing = false;
  private readonly held = new Map<string, { request: ChatRequest; resolve: ((r: CompletionResult) => void)[] }>();
  private readonly runner: BatchRunner;
  rounds = 0;

  constructor(private readonly client: ChatClient) {
    this.runner = new BatchRunner(client);
  }

  readonly complete: Complete = (messages) => {
    const request = this.client.request(messages);
    const key = requestKey(request);
    const hit = this.client.fromCache(request, key);
    if (hit) return Promise.resolve(hit);
    // offline: the client reports the miss without any network use
    if (this.client.ctx.config.offline) return this.client.complete(messages);
    return new Promise<CompletionResult>((resolve) => {
      const slot = this.held.get(key) ?? { request, resolve: [] };
      slot.resolve.push(resolve);
      this.held.set(key, slot);
      this.waiting += 1;
      this.check();
    });
  };

  private check(): void {
    if (!this.flushing && this.held.size > 0 && this.waiting >= this.unfinished) void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const slots = [...this.held.entries()];
    this.held.clear();
    this.rounds += 1;
    await this.runner.run(slots.map(([, s]) => s.request));
    const answers: [(r: CompletionResult) => void, CompletionResult][] = [];
    for (const [key, slot] of slots) {
      const problem = this.runner.problems.get(key);
      const result =
        this.client.fromCache(slot.request, key) ??
        this.client.failure(slot.request, key, problem?.code ?? 'batch-error', problem?.summary ?? 'No batch answer', problem?.detail ?? 'the batch returned no answer for this request');
      for (const resolve of slot.resolve) answers.push([resolve, result]);
    }
    // counts first, so that tasks resuming (and asking again) see a consistent state
    this.waiting -= answers.length;
    this.flushing = false;
    for (const [resolve, result] of answers) resolve(result);
  }

  /** Runs `fn` on every item at once; resolves in item order. */
  async run<T, R>(items: readonly T[], fn: (item: T, complete: Complete) => Promise<R>): Promise<R[]> {
    this.unfinished += items.length;
    return Promise.all(
      items.map(async (item) => {
        try {
          return await fn(item, this.complete);
        } finally {
          this.unfinished -= 1;
          this.check();
        }
      }),
    );
  }
}

/**
 * The batch form of a per-record stage: reads every record, runs the kept ones together in batch
 * rounds, and yields all records in input order (dropped ones untouched).
 */
export function batchRoundsStage(
  ctx: RunContext,
  client: ChatClient,
  name: string,
  version: string,
  fn: (record: TaskRecord, complete: Complete) => Promise<TaskRecord>,
): Stage {
  return async function* (input) {
    const records: TaskRecord[] = [];
    for await (const record of input) records.push(record);
    const kept = records.filter((r) => r.status === 'kept');
    const rounds = new BatchRounds(client);
    const done = await rounds.run(kept, (record, complete) => fn(stampStage(record, name, version), complete));
    if (rounds.rounds) ctx.log(`${name}: ${rounds.rounds} batch round(s)`);
    let i = 0;
    for (const record of records) yield record.status === 'kept' ? done[i++]! : record;
  };
}

/**
 * A stage whose per-record work talks to the model: through Batch API rounds with `--batch` (and not
 * offline), else record by record with bounded concurrency; the progress display is labelled with it.
 */
export function modelStage(
  ctx: RunContext,
  client: ChatClient,
  name: string,
  version: string,
  work: (record: TaskRecord, complete: Complete) => Promise<TaskRecord>,
): Stage {
  const inner =
    ctx.config.generate.batch && !ctx.config.offline
      ? batchRoundsStage(ctx, client, name, version, work)
      : mapKeptConcurrent(name, version, Math.max(2, ctx.config.generate.concurrency * 2), (r) => work(r, (m) => client.complete(m)));
  return async function* (input) {
    if (client.progress) client.progress.label = name;
    yield* inner(input);
    client.progress?.finish();
  };
}
