/**
 * Progress of a long generation run: a bar redrawn in place on a terminal (stderr), or a quiet log line
 * every `logEvery` records otherwise (CI logs, pipes).
 */
export interface ProgressSink {
  readonly tty: boolean;
  write(text: string): void;
  log(line: string): void;
}

export interface ProgressCounts {
  done: number;
  requests: number;
  cached: number;
  retried: number;
  failed: number;
  costMicros: number;
}

export class Progress {
  readonly counts: ProgressCounts = { done: 0, requests: 0, cached: 0, retried: 0, failed: 0, costMicros: 0 };
  total: number | undefined;
  private lastDraw = 0;
  private drawn = false;
  private lastFinished = '';

  constructor(
    /** the stage making requests now (counts are for the whole run) */
    public label: string,
    private readonly sink: ProgressSink,
    private readonly logEvery = 100,
  ) {}

  add(key: keyof ProgressCounts, by = 1): void {
    this.counts[key] += by;
    if (key === 'done' && !this.sink.tty && this.counts.done % this.logEvery === 0) this.sink.log(this.line());
    this.draw();
  }

  line(): string {
    const c = this.counts;
    const of = this.total !== undefined ? `/${this.total}` : '';
    return `${this.label}: ${c.done}${of} done, ${c.requests} requests, ${c.cached} cached, ${c.retried} retried, ${c.failed} failed, ~$${(c.costMicros / 1e6).toFixed(4)}`;
  }

  private draw(force = false): void {
    if (!this.sink.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 24;
    const filled = this.total ? Math.min(width, Math.round((this.counts.done / Math.max(1, this.total)) * width)) : 0;
    const bar = this.total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    this.sink.write(`\r\x1b[K${bar}${this.line()}`);
    this.drawn = true;
  }

  /** Final line: on a terminal the bar is completed and a newline ends it; otherwise one summary line. */
  finish(): void {
    const snapshot = JSON.stringify(this.counts);
    if (snapshot === this.lastFinished) return;
    this.lastFinished = snapshot;
    if (this.sink.tty) {
      this.draw(true);
      if (this.drawn) this.sink.write('\n');
    } else if (this.counts.done > 0) {
      this.sink.log(this.line());
    }
  }
}

/** stderr when it is a terminal (the CLI's), the run's log otherwise. */
export function defaultSink(log: (line: string) => void): ProgressSink {
  const tty = Boolean(process.stderr.isTTY);
  return { tty, write: (t) => process.stderr.write(t), log };
}
