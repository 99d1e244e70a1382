/**
 * Progress of model requests (done, requests, cached, retried, failed, cost so far).
 * On a terminal (stderr) a bar with these counts is printed as a whole line at most every
 * `ttyEveryMs`, so it scrolls above the build's own self-redrawing bar (report's progress tap) instead
 * of fighting over the same line; otherwise a quiet log line every `logEvery` records and at the end of
 * each stage.
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
    // on a terminal: clear whatever bar is on the current line, print ours as a line of its own
    if (this.sink.tty) this.sink.write(`\r\x1b[2K${text}\n`);
    else this.sink.log(this.line());
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
