/**
 * Progress of model requests (done, requests, cached, retried, failed, cost so far), as plain lines
 * handed to the sink: whoever owns the terminal (the build's progress display) decides how a line is
 * drawn. On a terminal a line with a bar at most every `ttyEveryMs`; otherwise a quiet line every
 * `logEvery` records and at the end of each stage.
 */
export interface ProgressSink {
  readonly tty: boolean;
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
  private lastDraw = -Infinity;
  private lastShown = '';

  constructor(
    /** the stage making requests now (counts are for the whole run) */
    public label: string,
    private readonly sink: ProgressSink,
    private readonly logEvery = 100,
    private readonly ttyEveryMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  add(key: keyof ProgressCounts, by = 1): void {
    this.counts[key] += by;
    if (this.sink.tty) this.draw(false);
    else if (key === 'done' && this.counts.done % this.logEvery === 0) this.show();
  }

  line(): string {
    const c = this.counts;
    const of = this.total !== undefined ? `/${this.total}` : '';
    return `${this.label}: ${c.done}${of} done, ${c.requests} requests, ${c.cached} cached, ${c.retried} retried, ${c.failed} failed, ~$${(c.costMicros / 1e6).toFixed(4)}`;
  }

  bar(): string {
    const width = 24;
    if (!this.total) return '';
    const filled = Math.min(width, Math.round((this.counts.done / Math.max(1, this.total)) * width));
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
  }

  private show(): void {
    const text = `${this.bar()}${this.line()}`;
    if (text === this.lastShown) return;
    this.lastShown = text;
    this.sink.log(this.sink.tty ? text : this.line());
  }

  private draw(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastDraw < this.ttyEveryMs) return;
    this.lastDraw = now;
    this.show();
  }

  /** The stage's last line (nothing when nothing changed since the last one). */
  finish(): void {
    if (this.counts.done === 0 && this.counts.requests === 0 && this.counts.cached === 0 && this.counts.failed === 0) return;
    if (this.sink.tty) this.draw(true);
    else this.show();
  }
}
