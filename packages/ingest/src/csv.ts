import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type { TaskRecord } from '@tfpairs/core';
import { TaskInput, zodReason } from './schema';
import { invalidCode } from './jsonl';
import { rejectedInput, taskRecord } from './records';
import { canonicalHeader } from './columns';
import { isMultiIacEvalHeader, multiIacEvalRecord } from './multi-iac-eval';

const META_COLUMNS: Record<string, string> = {
  Resource: 'resource',
  Difficulty: 'difficulty',
  Intent: 'intent',
  'Rego intent': 'rego_intent',
};
const DRAFT_COLUMN = /^LLM Output #(\d+)$/;
/** IaC-Eval results columns that describe draft #N: kept in the candidate's `recorded` field. */
const RECORDED_COLUMN = /^LLM (Plannable\?|Correct\?|Plan Phase Error|OPA match phase Error|Notes) #(\d+)$/;

/** Counts newlines in `buf` from `from` to `to`, to turn csv-parse's byte offsets into line numbers. */
function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(10, from); i !== -1 && i < to; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * IaC-Eval CSV (RFC 4180 through csv-parse): `Prompt`, `Reference output`, optional metadata columns,
 * and in results files recorded drafts `LLM Output #N` with their verdict columns; headers in any case
 * and with JSONL's aliases. A Multi-IaC-Eval header (`initial`, `expected`, `utterance`) makes every
 * row a mutation record (multi-iac-eval.ts).
 * Each row's source line is the physical line where the row begins.
 */
export async function* readIacEvalCsv(path: string, displayPath = path, bytes?: Buffer): AsyncIterable<TaskRecord> {
  // `bytes`: the file already decoded to UTF-8 (--input-encoding)
  const buf = bytes ?? (await readFile(path));
  const parser = Readable.from([buf]).pipe(
    parse({ info: true, raw: true, bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true }),
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
  let offset = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // where the next row's region starts
  let line = 1; // line number at `offset`
  let parsedRows = 0;
  /** The line where the next row begins: after the blank lines csv-parse skips. */
  const nextRowLine = () => {
    let start = offset;
    while (buf[start] === 0x0d || buf[start] === 0x0a) start++;
    return line + countNewlines(buf, offset, start);
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
    yield* flushSkipped(parsedRows);
    parsedRows = info.records;
    // a row's region is its raw text ending at `bytes`: this finds its start even after rows csv-parse
    // skipped, whose extent it does not report
    const regionStart = info.bytes - Buffer.byteLength(raw, 'utf8');
    if (regionStart > offset) {
      line += countNewlines(buf, offset, regionStart);
      offset = regionStart;
    }
    const rowLine = nextRowLine();
    line += countNewlines(buf, offset, info.bytes);
    offset = info.bytes;
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
  yield* flushSkipped(Number.MAX_SAFE_INTEGER);
}
