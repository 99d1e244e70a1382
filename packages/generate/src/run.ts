import type { RunContext } from '@tfpairs/core';
import { ChatClient } from './client';
import { defaultSink, Progress, type ProgressSink } from './progress';

/** One client (cache, queue, progress) per run, shared by the generate, repair and mutate stages. */
const clients = new WeakMap<RunContext, ChatClient>();
const sinks = new WeakMap<RunContext, ProgressSink>();

/** Lets a caller (tests, a CLI with its own streams) decide where progress goes. */
export function setProgressSink(ctx: RunContext, sink: ProgressSink): void {
  sinks.set(ctx, sink);
}

export function clientFor(ctx: RunContext): ChatClient {
  let client = clients.get(ctx);
  if (!client) {
    const progress = new Progress('generate', sinks.get(ctx) ?? defaultSink((line) => ctx.log(line)));
    client = new ChatClient(ctx, { progress });
    clients.set(ctx, client);
  }
  return client;
}
