import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

export type NdjsonLine =
  | { readonly line: number; readonly ok: true; readonly value: unknown }
  | { readonly line: number; readonly ok: false; readonly error: string; readonly text: string };

/**
 * Reads a JSONL file line by line with 1-based line numbers. A line that is not JSON is reported, not
 * thrown, so the caller can audit it and go on. Blank lines are skipped (they are not records).
 */
export async function* readNdjsonLines(path: string): AsyncIterable<NdjsonLine> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line += 1;
    const parsed = ndjsonLine(line === 1 ? text.replace(/^\uFEFF/, '') : text, line);
    if (parsed) yield parsed;
  }
}

/** One JSONL line as a parsed value or the reason it is not JSON; a blank line is no record (null). */
export function ndjsonLine(body: string, line: number): NdjsonLine | null {
  if (body.trim() === '') return null;
  try {
    return { line, ok: true, value: JSON.parse(body) };
  } catch (e) {
    return { line, ok: false, error: (e as Error).message, text: body.slice(0, 200) };
  }
}

/** Reads a whole JSONL file (for outputs tfpairs wrote itself). */
export async function readNdjson<T = unknown>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const l of readNdjsonLines(path)) {
    if (!l.ok) throw new Error(`${path}:${l.line}: ${l.error}`);
    out.push(l.value as T);
  }
  return out;
}

/**
 * A JSONL writer: `JSON.stringify` lines handed to the file stream in chunks, with back-pressure and a
 * promise that settles on close. (No cycle-safe serializer in between: records are plain trees, and the
 * ndjson package's cost the build's main thread a fifth of its writing time; one write per line cost
 * it more than the serializing.)
 */
export class NdjsonWriter {
  private readonly file: WriteStream;
  private readonly done: Promise<void>;
  /** lines not yet handed to the file: one write per ~256 KB instead of one per line */
  private pending: string[] = [];
  private pendingChars = 0;
  count = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.file = createWriteStream(path, { encoding: 'utf8' });
    this.done = new Promise((resolve, reject) => {
      this.file.on('finish', resolve);
      this.file.on('error', reject);
    });
    // a write error rejects `done`; until close() awaits it, it must not be an unhandled rejection
    this.done.catch(() => {});
  }

  async write(value: unknown): Promise<void> {
    this.count += 1;
    const line = `${JSON.stringify(value)}\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= WRITE_CHUNK_CHARS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.file.write(chunk)) await new Promise<void>((resolve) => this.file.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.file.end();
    await this.done;
  }
}

const WRITE_CHUNK_CHARS = 256 * 1024;

/** Writes a file so that a kill mid-write never leaves a truncated file behind. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Calls `fn` with each line of a file (without its LF), read in 1 MB chunks: a build's records.jsonl
 * passes V8's longest string (~512 MB) at about 60k records, so it is never read as one string. Lines are
 * cut at LF bytes, which never occur inside a UTF-8 character, and decoded one by one.
 */
export function eachLineSync(path: string, fn: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      const bytes = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = bytes.indexOf(0x0a, start); nl >= 0; nl = bytes.indexOf(0x0a, start)) {
        fn(bytes.toString('utf8', start, nl));
        start = nl + 1;
      }
      carry = Buffer.from(bytes.subarray(start));
    }
    if (carry.length) fn(carry.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}
