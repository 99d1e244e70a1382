import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '@tfpairs/core';
import { isUtf8File } from './encoding';
import { readInput } from './index';

/** createReadStream's chunk size: the files below are several chunks long, with characters across the seams */
const CHUNK = 64 * 1024;

async function collect(it: AsyncIterable<TaskRecord>): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** JSONL lines whose prompts carry 2-, 3- and 4-byte characters, long enough to span chunk seams */
function lines(n: number): { prompt: string; gold: string }[] {
  return Array.from({ length: n }, (_, i) => ({ prompt: `Create bucket ${i} café – 🪣 ${'é'.repeat(i % 97)}`, gold: `resource "aws_s3_bucket" "b${i}" {\n  bucket = "b-${i}"\n}\n` }));
}

describe('JSONL read in chunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-ingest-stream-'));

  it('reads a file of many chunks (BOM, CRLF, characters split between chunks) line by line as it was written', async () => {
    const tasks = lines(2000);
    const path = join(dir, 'big.jsonl');
    writeFileSync(path, `\uFEFF${tasks.map((t) => JSON.stringify(t)).join('\r\n')}\r\n\r\n`);
    const records = await collect(readInput(path, dir));
    expect(records).toHaveLength(2000);
    expect(records.every((r) => r.status === 'kept')).toBe(true);
    expect(records.map((r) => r.prompt)).toEqual(tasks.map((t) => t.prompt));
    expect(records.map((r) => r.provenance.source.line)).toEqual(tasks.map((_, i) => i + 1));
  });

  it('a 4-byte character across a chunk seam is UTF-8; a bad byte far into the file drops the file at its line', async () => {
    const path = join(dir, 'seam.jsonl');
    const head = Buffer.from('{"prompt": "');
    // the emoji's 4 bytes start 2 bytes before the first seam
    const pad = Buffer.from('y'.repeat(CHUNK - 2 - head.length));
    writeFileSync(path, Buffer.concat([head, pad, Buffer.from('🪣", "gold": "a = 1"}\n'), Buffer.from(`${JSON.stringify({ prompt: 'p', gold: 'a = 1' })}\n`)]));
    expect(await isUtf8File(path)).toBe(true);
    const ok = await collect(readInput(path, dir));
    expect(ok.map((r) => r.status)).toEqual(['kept', 'kept']);
    expect(ok[0]!.prompt.endsWith('y🪣')).toBe(true);

    const bad = join(dir, 'bad.jsonl');
    const good = lines(1500).map((t) => JSON.stringify(t)).join('\n');
    writeFileSync(bad, Buffer.concat([Buffer.from(`${good}\n`), Buffer.from('{"prompt": "caf'), Buffer.from([0xe9]), Buffer.from('", "gold": "a = 1"}\n')]));
    expect(await isUtf8File(bad)).toBe(false);
    const records = await collect(readInput(bad, dir));
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe('dropped');
    expect(records[0]!.findings[0]).toMatchObject({ code: 'not-utf8' });
    expect(records[0]!.provenance.source.line).toBe(1501);
  });

  it('decodes --input-encoding in chunks (UTF-16 surrogate pairs and windows-1252 across seams)', async () => {
    const tasks = lines(1200).map((t, i) => ({ ...t, prompt: `${t.prompt} “${i}”` }));
    const text = `${tasks.map((t) => JSON.stringify(t)).join('\n')}\n`;
    const utf16 = join(dir, 'u16.jsonl');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const records = await collect(readInput(utf16, dir, { encoding: 'utf-16le' }));
    expect(records.map((r) => r.prompt)).toEqual(tasks.map((t) => t.prompt));

    const latin = lines(1500).map((t, i) => ({ prompt: `Create bucket ${i} café “quoted” – ${'é'.repeat(i % 50)}`, gold: t.gold }));
    const cp1252 = join(dir, 'cp.jsonl');
    const bytes = Buffer.from(
      [...`${latin.map((t) => JSON.stringify(t)).join('\n')}\n`].map((c) => ({ '“': 0x93, '”': 0x94, '–': 0x96 })[c] ?? c.charCodeAt(0)),
    );
    writeFileSync(cp1252, bytes);
    const decoded = await collect(readInput(cp1252, dir, { encoding: 'windows-1252' }));
    expect(decoded.map((r) => r.prompt)).toEqual(latin.map((t) => t.prompt));
  });
});
