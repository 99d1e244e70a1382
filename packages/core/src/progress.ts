import type { CliIO } from './cli-io';
import type { TaskRecord } from './record';

/**
 * The one progress display of a run, owned by the step runner: after every step the runner reports
 * each record to the step's tap, so the display can say how many records were read (the first tap), how
 * many went through every tap (the last), how many were dropped so far and which step is working. On a
 * terminal stderr it draws one self-updating bar; otherwise it writes a plain log line now and then, so
 * CI logs stay readable. Log lines and other progress lines (model requests) go through it too, so
 * nothing else draws on the terminal.
 */

export interface ProgressOptions {
  /** redraw at most this often on a terminal (ms) */
  readonly redrawMs?: number;
  /** write a plain line at most this often when stderr is not a terminal (ms) */
  readonly logEveryMs?: number;
  /** clock, replaceable in tests */
  readonly now?: () => number;
}

export interface ProgressTap {
  readonly label: string;
  seen: number;
  done: boolean;
}

export class ProgressDisplay {
  readonly taps: ProgressTap[] = [];
  /** drop findings already counted: a dropped record passes later taps as the same object */
  private readonly countedDrops = new WeakSet<object>();
  dropped = 0;
  kept = 0;
  private lastDraw = -Infinity;
  private drawn = false;
  private finished = false;
  private readonly started: number;

  private readonly options: Required<ProgressOptions>;

  constructor(
    private readonly io: Pick<CliIO, 'stderr'>,
    options: ProgressOptions = {},
  ) {
    this.options = { redrawMs: options.redrawMs ?? 100, logEveryMs: options.logEveryMs ?? 5000, now: options.now ?? Date.now };
    this.started = this.options.now();
  }

  /** A new tap, after the taps made before it (the runner makes one per step, in pipeline order). */
  tap(label: string): ProgressTap {
    const tap: ProgressTap = { label, seen: 0, done: false };
    this.taps.push(tap);
    return tap;
  }

  /** A tap's stream ended; the last tap ending finishes the display. */
  end(tap: ProgressTap): void {
    tap.done = true;
    if (tap === this.taps[this.taps.length - 1]) this.finish();
  }

  /** A line of its own (a stage's log, a request counter): the bar is cleared first and redrawn later. */
  log(message: string): void {
    this.io.stderr.write(`${this.tty && this.drawn ? '\r\x1b[2K' : ''}${message}\n`);
    if (this.tty) this.lastDraw = -Infinity;
  }

  get tty(): boolean {
    return this.io.stderr.isTTY === true;
  }

  see(tap: ProgressTap, record: TaskRecord): void {
    tap.seen += 1;
    if (record.status === 'dropped') {
      const cause = record.findings.find((f) => f.dropped) ?? record;
      if (!this.countedDrops.has(cause)) {
        this.countedDrops.add(cause);
        this.dropped += 1;
      }
    } else if (tap === this.taps[this.taps.length - 1]) {
      this.kept += 1;
    }
    this.tick(false);
  }

  read(): number {
    return this.taps[0]?.seen ?? 0;
  }

  through(): number {
    return this.taps[this.taps.length - 1]?.seen ?? 0;
  }

  /** The stage records are waiting in: the first tap that has seen fewer than the one before it. */
  current(): string {
    for (let i = 1; i < this.taps.length; i++) if (this.taps[i]!.seen < this.taps[i - 1]!.seen) return this.taps[i]!.label;
    const first = this.taps[0];
    return first && !first.done ? first.label : (this.taps[this.taps.length - 1]?.label ?? '');
  }

  line(width: number): string {
    const read = this.read();
    const through = this.through();
    const counts = `${through}/${read} through · kept ${this.kept} · dropped ${this.dropped} · ${this.current()}`;
    const barWidth = Math.max(10, Math.min(40, width - counts.length - 4));
    const filled = read === 0 ? 0 : Math.round((barWidth * through) / read);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${counts}`.slice(0, Math.max(20, width - 1));
  }

  tick(force: boolean): void {
    if (this.finished) return;
    const now = this.options.now();
    const every = this.tty ? this.options.redrawMs : this.options.logEveryMs;
    if (!force && now - this.lastDraw < every) return;
    this.lastDraw = now;
    if (this.tty) {
      const width = (this.io.stderr as { columns?: number }).columns ?? 100;
      this.io.stderr.write(`\r\x1b[2K${this.line(width)}`);
      this.drawn = true;
    } else {
      this.io.stderr.write(
        `progress: read ${this.read()}, through ${this.through()}, kept ${this.kept}, dropped ${this.dropped}, stage ${this.current()}\n`,
      );
    }
  }

  finish(): void {
    if (this.finished) return;
    this.tick(true);
    this.finished = true;
    const seconds = ((this.options.now() - this.started) / 1000).toFixed(1);
    if (this.tty && this.drawn) this.io.stderr.write(`\r\x1b[2K${this.line(100).replace(/ · [^·]*$/, '')} · done in ${seconds}s\n`);
    else if (!this.tty) this.io.stderr.write(`progress: done in ${seconds}s\n`);
  }
}

