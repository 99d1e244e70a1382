import type { RunContext } from '@tfpairs/core';
import { ChatClient } from './client';
import { Progress, type ProgressSink } from './progress';

declare module '@tfpairs/core' {
  interface RunServices {
    /** the run's one chat client (cache, queue, request progress), shared by generate, repair and mutate */
    chat?: ChatClient;
  }
}

/**
 * Request progress goes through the run's progress display when there is one (it owns the terminal:
 * its bar is cleared before a request line and redrawn after), else to the run's log.
 */
function progressSink(ctx: RunContext): ProgressSink {
  const display = ctx.services.progress;
  if (!display) return { tty: false, log: (line) => ctx.log(line) };
  return { tty: display.tty, log: (line) => display.log(line) };
}

/** The run's chat client, made on first use and kept in the run's services. */
export function clientFor(ctx: RunContext): ChatClient {
  ctx.services.chat ??= new ChatClient(ctx, { progress: new Progress('generate', progressSink(ctx)) });
  return ctx.services.chat;
}
