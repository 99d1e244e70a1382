import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '@tfpairs/core';
import { readInput } from './index';

/** createReadStream's chunk size: the files below are many chunks long */
const CHUNK = 64 * 1024;
const HEADER = 'Resource,Prompt,Difficulty,Reference output,LLM Output #0,LLM Plannable? #0';

/** What a record of the file must be: kept with this text, or dropped with this code, at this line. */
type Expected =
  | { line: number; status: 'kept'; prompt: string; gold: string; draft: string | null }
  | { line: number; status: 'dropped'; code: string };

const quoted = (field: string) => `"${field.replace(/"/g, '""')}"`;

/**
 * An IaC-Eval CSV of `rows` rows and, built beside it, the records it must give: multi-line quoted
 * fields (LF and CRLF inside), `""` escapes, blank lines between rows, CRLF row ends, and bad rows (wrong
 * field count, empty prompt, a quote csv-parse cannot parse). `size` measures text in the file's
 * encoding; the first row's prompt is padded so that `seamChar` starts `seamAt` bytes before the first
 * chunk's end (a character across the seam). `chars` are the non-ASCII characters rows carry.
 */
function iacEvalCsv(rows: number, opts: { size: (text: string) => number; seamChar: string; seamAt: number; chars: string[] }) {
  let text = `${HEADER}\r\n`;
  let line = 2;
  const expected: Expected[] = [];
  const add = (row: string, expect: Expected | null) => {
    if (expect) expected.push(expect);
    text += `${row}\r\n`;
    line += (row.match(/\n/g) ?? []).length + 1;
  };
  const c = (i: number) => opts.chars[i % opts.chars.length]!;
  for (let i = 0; i < rows; i++) {
    const gold = `resource "aws_s3_bucket" "b${i}" {\n  bucket = "b-${i}"\r\n}\n`;
    switch (i % 6) {
      case 0: {
        let prompt = `Bucket ${i} "quoted" ${c(i)}\nsecond line ${c(i + 1).repeat(i % 41)}\r\n\r\nlast ${c(i + 2)}`;
        if (i === 0) {
          const before = opts.size(`${text}aws_s3_bucket,"`);
          prompt = `${'y'.repeat((CHUNK - opts.seamAt - before) / opts.size('y'))}${opts.seamChar} ${prompt}`;
        }
        const draft = `Here it is:\n\`\`\`hcl\n${gold}\`\`\` ${c(i + 3)}`;
        add(`aws_s3_bucket,${quoted(prompt)},1,${quoted(gold)},${quoted(draft)},True`, { line, status: 'kept', prompt, gold, draft });
        break;
      }
      case 1: {
        const prompt = `plain ${i} ${c(i)}${c(i + 1)}`;
        add(`aws_vpc,${prompt},2,${quoted(`a = ${i}`)},,`, { line, status: 'kept', prompt, gold: `a = ${i}`, draft: null });
        break;
      }
      case 2:
        add(`aws_vpc,${quoted(`too many ${i}\n${c(i)}`)},1,"a = 1",,,extra`, { line, status: 'dropped', code: 'csv-column-count' });
        break;
      case 3: {
        add('', null);
        add('', null);
        const prompt = `after blank lines ${i} ${c(i)}`;
        add(`aws_vpc,${quoted(prompt)},1,${quoted(gold)},,`, { line, status: 'kept', prompt, gold, draft: null });
        break;
      }
      case 4:
        add(`aws_vpc,,1,${quoted(gold)},,`, { line, status: 'dropped', code: 'empty-prompt' });
        break;
      default:
        add(`aws_vpc,"bad quote ${i} ${c(i)}"x,1,"a = 1",,`, { line, status: 'dropped', code: 'csv-syntax' });
    }
  }
  return { text, expected };
}

const outcome = (r: TaskRecord): Expected =>
  r.status === 'kept'
    ? { line: r.provenance.source.line, status: 'kept', prompt: r.prompt, gold: r.gold!.raw, draft: r.candidates[0]?.raw ?? null }
    : { line: r.provenance.source.line, status: 'dropped', code: r.findings.find((f) => f.dropped)!.code };

async function collect(it: AsyncIterable<TaskRecord>): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** Whether some chunk seam of `bytes` falls inside a UTF-8 character (the byte after it continues one). */
const seamSplitsCharacter = (bytes: Buffer) => Array.from({ length: Math.floor(bytes.length / CHUNK) }, (_, k) => bytes[(k + 1) * CHUNK]!).some((b) => b >= 0x80 && b <= 0xbf);

describe('IaC-Eval CSV read in chunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-csv-stream-'));
  const utf8 = { size: (t: string) => Buffer.byteLength(t), seamChar: '🪣', seamAt: 2, chars: ['é', '–', '🪣', '日本', '“ok”'] };

  it('gives every row of a many-chunk file with its first line, text and drop code, characters and quoted fields across seams', async () => {
    const { text, expected } = iacEvalCsv(6000, { ...utf8, size: (t) => (t === 'y' ? 1 : 3 + Buffer.byteLength(t)) });
    const bytes = Buffer.from(`\uFEFF${text}\r\n`);
    expect(bytes.length).toBeGreaterThan(10 * CHUNK);
    expect(seamSplitsCharacter(bytes)).toBe(true);
    // the emoji placed across the first seam
    expect(bytes.subarray(CHUNK - 2, CHUNK + 2).toString()).toBe('🪣');
    const path = join(dir, 'big.csv');
    writeFileSync(path, bytes);
    const records = await collect(readInput(path, dir));
    expect(records.map(outcome)).toEqual(expected);
    const kept = records.find((r) => r.status === 'kept')!;
    expect(kept.candidates[0]!.recorded).toEqual({ plannable: 'True' });
    expect(kept.provenance).toMatchObject({ source: { path: 'big.csv' }, format: 'iac-eval-csv' });
  });

  it('rejects a file with a bad byte far into it whole, at the line of the byte', async () => {
    const { text, expected } = iacEvalCsv(1500, utf8);
    const badLine = expected.at(-1)!.line + 1;
    const path = join(dir, 'bad.csv');
    writeFileSync(path, Buffer.concat([Buffer.from(text), Buffer.from('aws_vpc,"caf'), Buffer.from([0xe9]), Buffer.from('",1,"a = 1",,\r\n')]));
    const records = await collect(readInput(path, dir));
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe('dropped');
    expect(records[0]!.provenance.source.line).toBe(badLine);
    expect(records[0]!.findings[0]).toMatchObject({
      code: 'not-utf8',
      dropped: true,
      detail: `bad.csv is not UTF-8 (byte 0xe9 on line ${badLine}); it looks like iso-8859-1: rerun with --input-encoding iso-8859-1`,
    });
  });

  it('yields rows as they are parsed: the first rows of a file too large to read whole come at once', async () => {
    const { text, expected } = iacEvalCsv(3000, utf8);
    const path = join(dir, 'huge.csv');
    writeFileSync(path, text);
    // a 3 GiB file (sparse: NUL bytes after the rows take no disk) is past what readFile reads in one buffer
    truncateSync(path, 3 * 1024 ** 3);
    const first: TaskRecord[] = [];
    try {
      // --input-encoding skips the UTF-8 pass over the whole file
      for await (const r of readInput(path, dir, { encoding: 'utf-8' })) if (first.push(r) === 12) break;
    } finally {
      rmSync(path);
    }
    expect(first.map(outcome)).toEqual(expected.slice(0, 12));
  });

  it('decodes --input-encoding in chunks: UTF-16 (a surrogate pair split at a seam) and windows-1252', async () => {
    const utf16 = iacEvalCsv(1500, { size: (t) => (t === 'y' ? 2 : 2 + 2 * t.length), seamChar: '🪣', seamAt: 2, chars: utf8.chars });
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16.text, 'utf16le')]);
    // the seam falls between the emoji's two UTF-16 code units
    expect(u16.subarray(CHUNK - 2, CHUNK + 2).toString('utf16le')).toBe('🪣');
    writeFileSync(join(dir, 'u16.csv'), u16);
    expect((await collect(readInput('u16.csv', dir, { encoding: 'utf-16le' }))).map(outcome)).toEqual(utf16.expected);

    const CP1252: Record<string, number> = { '“': 0x93, '”': 0x94, '–': 0x96, '€': 0x80 };
    const latin = iacEvalCsv(1500, { size: (t) => t.length, seamChar: '€', seamAt: 1, chars: ['é', '–', '“ok”', '€', 'ñü'] });
    const cp = Buffer.from([...latin.text].map((ch) => CP1252[ch] ?? ch.charCodeAt(0)));
    expect(cp[CHUNK - 1]).toBe(0x80);
    writeFileSync(join(dir, 'cp1252.csv'), cp);
    const rejected = await collect(readInput('cp1252.csv', dir));
    expect(rejected.map((r) => r.findings[0]!.code)).toEqual(['not-utf8']);
    expect((await collect(readInput('cp1252.csv', dir, { encoding: 'windows-1252' }))).map(outcome)).toEqual(latin.expected);
  });
});
