import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, createRunContext, parseConfig } from '@tfpairs/core';
import { ingestInputs, readIacEvalCsv } from '@tfpairs/ingest';
import { decodeBytes, guessEncoding } from '@tfpairs/ingest/encoding';
import { cli } from './cli';
import { REPO } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'tfpairs-hyg-ingest-'));
const GOLD = 'resource "aws_s3_bucket" "b" {\n  bucket = "café-b"\n}\n';
const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const ingest = (inputs: string[], ingestConfig: Record<string, unknown> = {}) => {
  const ctx = createRunContext(parseConfig({ inputs, ingest: ingestConfig }), { cwd: dir });
  return collect(ingestInputs(ctx)).then((records) => ({ records, warnings: ctx.warnings }));
};

describe('Multi-IaC-Eval input (data/sample/multi-iac-eval.csv)', () => {
  it('rows become verified mutation records: tf-mutn only, non-Terraform rows and invalid expected code audited', async () => {
    const out = join(dir, 'mie');
    await cli(['build', '--offline', '--no-report', '--input', 'data/sample/multi-iac-eval.csv', '--out', out], { cwd: REPO, env: {} });
    const mutn = ['train', 'val', 'test'].flatMap((s) => lines(join(out, 'tf-mutn', `${s}.jsonl`)));
    expect(mutn.map((m) => String(m.utterance).trim()).sort()).toEqual([
      'Give the jobs queue a two-minute visibility timeout and add a dead-letter queue named render-jobs-dlq.',
      'Keep the API logs for 30 days.',
    ]);
    for (const m of mutn) expect(m.source).toMatchObject({ path: 'data/sample/multi-iac-eval.csv' });
    // a change request is not a task its initial configuration answers
    for (const corpus of ['tf-gen', 'dpo', 'kto']) expect(['train', 'val', 'test'].flatMap((s) => lines(join(out, corpus, `${s}.jsonl`)))).toEqual([]);
    const audit = lines(join(out, 'audit.jsonl')) as { code: string; dropped: boolean; source: { line: number }; detail: string }[];
    expect(audit.find((a) => a.code === 'not-terraform')).toMatchObject({ dropped: true, source: { line: 108 } });
    expect(audit.find((a) => a.code === 'mutation-invalid')).toMatchObject({ dropped: false, source: { line: 74 } });
    expect(audit.find((a) => a.code === 'mutation-invalid')!.detail).toContain('Unsupported argument');
  });
});

describe('input conveniences', () => {
  it('CSV headers in any case and with JSONL aliases read like IaC-Eval', async () => {
    const path = join(dir, 'lower.csv');
    writeFileSync(path, `prompt,COMPLETION,resource,llm output #0\n"Make a bucket",${csvCell(GOLD)},aws_s3_bucket,${csvCell('resource "x" "y" {}')}\n`);
    const [r] = await collect(readIacEvalCsv(path, 'lower.csv'));
    expect(r).toMatchObject({ status: 'kept', prompt: 'Make a bucket', gold: { raw: GOLD }, meta: { resource: 'aws_s3_bucket' } });
    expect(r!.candidates.map((c) => c.raw)).toEqual(['resource "x" "y" {}']);
  });

  it('a 0-byte input is a run warning', async () => {
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const { records, warnings } = await ingest(['empty.jsonl']);
    expect(records).toEqual([]);
    expect(warnings).toEqual([{ severity: 'warning', summary: 'Empty input', detail: 'empty.jsonl is 0 bytes: it holds no task' }]);
  });

  it('a prompt over the configured size is a warning finding, the record kept', async () => {
    writeFileSync(join(dir, 'long.jsonl'), JSON.stringify({ prompt: 'p'.repeat(120), gold: GOLD }) + '\n' + JSON.stringify({ prompt: 'short', gold: GOLD }) + '\n');
    const { records } = await ingest(['long.jsonl'], { maxPromptChars: 100 });
    expect(records.map((r) => [r.status, r.findings.map((f) => `${f.code}:${f.detail}`)])).toEqual([
      ['kept', ['long-prompt:120 characters (--max-prompt-chars 100)']],
      ['kept', []],
    ]);
  });

  it('bytes that are not UTF-8 are reported with an encoding guess; --input-encoding decodes them', async () => {
    const text = `prompt,gold\n"Bucket for \u201creports\u201d",${csvCell(GOLD)}\n`;
    writeFileSync(join(dir, 'cp1252.csv'), Buffer.from([...text].map((ch) => ({ '\u201c': 0x93, '\u201d': 0x94, é: 0xe9 })[ch] ?? ch.charCodeAt(0))));
    const { records } = await ingest(['cp1252.csv']);
    expect(records).toHaveLength(1);
    expect(records[0]!.findings[0]).toMatchObject({
      code: 'not-utf8',
      dropped: true,
      detail: 'cp1252.csv is not UTF-8 (byte 0x93 on line 2); it looks like windows-1252: rerun with --input-encoding windows-1252',
    });
    const decoded = await ingest(['cp1252.csv'], { inputEncoding: 'windows-1252' });
    expect(decoded.records[0]).toMatchObject({ status: 'kept', prompt: 'Bucket for \u201creports\u201d', gold: { raw: GOLD } });
    // JSONL in UTF-16 (with BOM)
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ prompt: 'Grüße', gold: GOLD }) + '\n', 'utf16le')]);
    writeFileSync(join(dir, 'u16.jsonl'), utf16);
    expect((await ingest(['u16.jsonl'])).records[0]!.findings[0]!.detail).toContain('it looks like utf-16le');
    expect((await ingest(['u16.jsonl'], { inputEncoding: 'utf-16le' })).records[0]).toMatchObject({ status: 'kept', prompt: 'Grüße' });
  });

  it("decodes windows-1252 by the WHATWG table (Node 20's own decoder gives Latin-1)", () => {
    expect(decodeBytes(Buffer.from([0x93, 0x68, 0x94, 0x80, 0xe9]), 'windows-1252')).toBe('\u201ch\u201d\u20ac\u00e9');
    expect(decodeBytes(Buffer.from([0x93]), 'latin1')).toBe('\u201c');
    expect(decodeBytes(Buffer.from([0xa4]), 'iso-8859-15')).toBe('\u20ac');
  });

  it('guesses the common encodings', () => {
    expect(guessEncoding(Buffer.from('caf\xe9', 'latin1'))).toBe('iso-8859-1');
    expect(guessEncoding(Buffer.from('a\u2013b', 'utf16le'))).toBe('utf-16le');
    expect(guessEncoding(Buffer.from([0x93, 0x61, 0x94]))).toBe('windows-1252');
  });

  it('an unknown --input-encoding is a config error', async () => {
    const run = await cli(['build', '--input', 'data/sample/tasks.jsonl', '--out', join(dir, 'x'), '--input-encoding', 'klingon'], { cwd: REPO, env: {}, allowFailure: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ingest\.inputEncoding: not an encoding this runtime can decode/);
  });
});
