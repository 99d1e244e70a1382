import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { parse, CsvError, type Parser } from 'csv-parse';
import type { TaskRecord } from '@tfpairs/core';
import { TaskInput, zodReason } from './schema';
import { invalidCode } from './jsonl';
import { rejectedInput, taskRecord } from './records';
import { canonicalHeader } from './columns';
import { isMultiIacEvalHeader, multiIacEvalRecord } from './multi-iac-eval';
import { chunkDecoder } from './encoding';

const META_COLUMNS: Record<string, string> = {
  Resource: 'resource',
  Difficulty: 'difficulty',
  Intent: 'intent',
  'Rego intent': 'rego_intent',
};
const DRAFT_COLUMN = /^LLM Output #(\d+)$/;
/** IaC-Eval results columns that describe draft #N: kept in the candidate's `recorded` field. */
const RECORDED_COLUMN = /^LLM (Plannable\?|Correct\?|Plan Phase Error|OPA match phase Error|Notes) #(\d+)$/;

/**
 * The bytes given to csv-parse that the rows read so far have not passed (csv-parse reports rows by byte
 * offset; their line numbers are counted here). Chunks are dropped once every row before their end is
 * read, so a file is held a row and the parser's read-ahead at a time, never whole.
 */
class ByteWindow {
  private readonly chunks: Buffer[] = [];
  /** the file offset of `chunks[0]`'s first byte */
  private base = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** The byte at file offset `at`, undefined past what was pushed (or before what was dropped). */
  byteAt(at: number): number | undefined {
    let start = this.base;
    for (const chunk of this.chunks) {
      if (at < start + chunk.length) return at >= start ? chunk[at - start] : undefined;
      start += chunk.length;
    }
    return undefined;
  }

  /** Newlines between file offsets `from` and `to`. */
  countNewlines(from: number, to: number): number {
    let n = 0;
    let start = this.base;
    for (const chunk of this.chunks) {
      const end = start + chunk.length;
      if (start >= to) break;
      if (end > from) {
        const stop = Math.min(to, end) - start;
        for (let i = chunk.indexOf(10, Math.max(from - start, 0)); i !== -1 && i < stop; i = chunk.indexOf(10, i + 1)) n++;
      }
      start = end;
    }
    return n;
  }

  /** Forgets the chunks that end at or before file offset `at`. */
  dropBefore(at: number): void {
    while (this.chunks.length > 0 && this.base + this.chunks[0]!.length <= at) this.base += this.chunks.shift()!.length;
  }
}

/**
 * The file as UTF-8 chunks: its bytes as they are, or decoded from `encoding` chunk by chunk (the
 * decoder keeps a character split between chunks, a UTF-16 surrogate pair included, for the next one).
 */
async function* utf8Chunks(path: string, encoding: string | undefined): AsyncIterable<Buffer> {
  if (encoding === undefined) {
    for await (const chunk of createReadStream(path)) yield chunk as Buffer;
    return;
  }
  const decoder = chunkDecoder(encoding);
  for await (const chunk of createReadStream(path)) {
    const text = decoder.decode(chunk as Buffer);
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.flush();
  if (rest) yield Buffer.from(rest, 'utf8');
}

/**
 * IaC-Eval CSV (RFC 4180 through csv-parse): `Prompt`, `Reference output`, optional metadata columns,
 * and in results files recorded drafts `LLM Output #N` with their verdict columns; headers in any case
 * and with JSONL's aliases. A Multi-IaC-Eval header (`initial`, `expected`, `utterance`) makes every
 * row a mutation record (multi-iac-eval.ts).
 * Each row's source line is the physical line where the row begins.
 *
 * The file is read in chunks (decoded from `encoding` when given) and rows are yielded as they are
 * parsed; `bytes` is a whole text already in UTF-8 (a pipe, which cannot be checked and then read again).
 * The caller checks that the file is UTF-8 first (`isUtf8File`).
 */
export async function* readIacEvalCsv(
  path: string,
  displayPath = path,
  from: { readonly bytes?: Buffer; readonly encoding?: string } = {},
): AsyncIterable<TaskRecord> {
  const window = new ByteWindow();
  const chunks = async function* () {
    for await (const chunk of from.bytes ? [from.bytes] : utf8Chunks(path, from.encoding)) {
      window.push(chunk);
      yield chunk;
    }
  };
  const parser: Parser = pipeline(
    Readable.from(chunks()),
    parse({ info: true, raw: true, bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true }),
    // a read error reaches the loop below through the parser, which pipeline destroys with it
    () => {},
  );
  // csv-parse reports rows it cannot parse as 'skip' events, possibly before we consume the rows read
  // ahead of them: `records` (rows parsed so far) tells where each one belongs in the output order.
  // csv-parse may report one bad row twice (same error, same position): one row is one drop
  const skipped: { after: number; detectedAt: number; error: CsvError }[] = [];
  const seenSkips = new Set<string>();
  parser.on('skip', (error: CsvError) => {
    const e = error as CsvError & { records?: number; lines?: number; bytes?: number };
    const key = `${e.code}:${e.bytes}:${e.lines}:${e.records}`;
    if (seenSkips.has(key)) return;
    seenSkips.add(key);
    skipped.push({ after: Number(e.records ?? 0), detectedAt: Number(e.lines ?? 0), error });
  });

  let header: string[] | null = null;
  let multi = false;
  let offset = 0; // where the next row's region starts
  let line = 1; // line number at `offset`
  let parsedRows = 0;
  let started = false;
  /** csv-parse counts a BOM in its byte offsets; the first row's region starts after it. */
  const start = () => {
    if (started) return;
    started = true;
    if (window.byteAt(0) === 0xef && window.byteAt(1) === 0xbb && window.byteAt(2) === 0xbf) offset = 3;
  };
  /** The line where the next row begins: after the blank lines csv-parse skips. */
  const nextRowLine = () => {
    let at = offset;
    for (let b = window.byteAt(at); b === 0x0d || b === 0x0a; b = window.byteAt(at)) at++;
    return line + window.countNewlines(offset, at);
  };
  const flushSkipped = function* (upTo: number) {
    let first = true;
    while (skipped.length && skipped[0]!.after <= upTo) {
      const s = skipped.shift()!;
      // the first bad row after a good one starts right after it; once csv-parse has lost track of
      // quoting, later errors in the same stretch are only known by the line where they were detected
      const at = first ? nextRowLine() : s.detectedAt;
      first = false;
      yield rejectedInput({ path: displayPath, line: at }, 'iac-eval-csv', 'csv-syntax', 'Malformed CSV', `${s.error.code}: ${s.error.message}`);
    }
  };
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; raw: string; info: { bytes: number; records: number } }>) {
    start();
    yield* flushSkipped(parsedRows);
    parsedRows = info.records;
    // a row's region is its raw text ending at `bytes`: this finds its start even after rows csv-parse
    // skipped, whose extent it does not report
    const regionStart = info.bytes - Buffer.byteLength(raw, 'utf8');
    if (regionStart > offset) {
      line += window.countNewlines(offset, regionStart);
      offset = regionStart;
    }
    const rowLine = nextRowLine();
    line += window.countNewlines(offset, info.bytes);
    offset = info.bytes;
    window.dropBefore(offset);
    const source = { path: displayPath, line: rowLine };

    if (!header) {
      // any case, and the aliases JSONL takes (prompt, reference/completion/gold)
      header = canonicalHeader(record);
      multi = isMultiIacEvalHeader(header);
      continue;
    }
    if (multi) {
      if (record.length !== header.length) {
        yield rejectedInput(source, 'iac-eval-csv', 'csv-column-count', 'Row has the wrong number of fields', `expected ${header.length} fields as in the header, found ${record.length}`);
        continue;
      }
      yield multiIacEvalRecord(Object.fromEntries(header.map((h, i) => [h.toLowerCase(), record[i] ?? ''])), source);
      continue;
    }
    if (!header.includes('Prompt') || !header.includes('Reference output')) {
      const missing = ['Prompt', 'Reference output'].filter((c) => !header!.includes(c));
      yield rejectedInput(source, 'iac-eval-csv', 'csv-missing-column', 'CSV header lacks a required column', `missing column(s) ${missing.join(', ')} in header [${header.join(', ')}]`);
      continue;
    }
    if (record.length !== header.length) {
      yield rejectedInput(source, 'iac-eval-csv', 'csv-column-count', 'Row has the wrong number of fields', `expected ${header.length} fields as in the header, found ${record.length}`);
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, record[i] ?? '']));
    const meta: Record<string, string> = {};
    for (const [column, key] of Object.entries(META_COLUMNS)) if (row[column]) meta[key] = row[column]!;
    const drafts: { n: number; text: string; recorded: Record<string, string> }[] = [];
    for (const column of header) {
      const m = DRAFT_COLUMN.exec(column);
      if (!m || !row[column]?.trim()) continue;
      const recorded: Record<string, string> = {};
      for (const c of header) {
        const r = RECORDED_COLUMN.exec(c);
        if (r && r[2] === m[1] && row[c]) recorded[r[1]!.replace(/\?$/, '').toLowerCase().replace(/ /g, '_')] = row[c]!;
      }
      drafts.push({ n: Number(m[1]), text: row[column]!, recorded });
    }
    drafts.sort((a, b) => a.n - b.n);
    const task = TaskInput.safeParse({
      prompt: row.Prompt,
      gold: row['Reference output'],
      drafts: drafts.map((d) => d.text),
      recorded: drafts.map((d) => d.recorded),
      meta,
    });
    if (!task.success) {
      const reason = zodReason(task.error);
      yield rejectedInput(source, 'iac-eval-csv', invalidCode(reason), 'Invalid task', reason.replace(/\bgold\b/g, 'Reference output').replace(/\bprompt\b/g, 'Prompt'), row.Prompt ?? '');
      continue;
    }
    yield taskRecord(task.data, source, 'iac-eval-csv');
  }
  start();
  yield* flushSkipped(Number.MAX_SAFE_INTEGER);
}
