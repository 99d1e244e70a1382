import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, createRunContext, fromArray, parseConfig, pipe, type TaskRecord } from '@tfpairs/core';
import { dedupStage } from '@tfpairs/filter';
import { ingestInputs, readIacEvalCsv, readInput, readJsonlTasks, readTaskFolder } from './index';
import { DRAFTS_CSV, IAC_EVAL_CSV, requireShared } from '../../../test/paths';

const tmp = () => mkdtempSync(join(tmpdir(), 'tfpairs-ingest-'));
const outcome = (r: TaskRecord) => ({
  line: r.provenance.source.line,
  status: r.status,
  code: r.findings.find((f) => f.dropped)?.code,
});

describe('IaC-Eval CSV', () => {
  it('reads all 140 tasks of the shared subset with metadata', async () => {
    const records = await collect(readIacEvalCsv(requireShared(IAC_EVAL_CSV)));
    expect(records).toHaveLength(140);
    expect(records.every((r) => r.status === 'kept' && r.gold && r.candidates.length === 0)).toBe(true);
    expect(new Set(records.map((r) => r.meta.difficulty))).toEqual(new Set(['1', '2']));
    expect(records[0]!.meta.resource).toBeTruthy();
    expect(records[0]!.provenance.source.line).toBe(2);
    // line numbers grow strictly: each row starts after the previous one's (multi-line) fields
    for (let i = 1; i < records.length; i++) expect(records[i]!.provenance.source.line).toBeGreaterThan(records[i - 1]!.provenance.source.line);
  });

  it('reads the 140 recorded drafts with their real verdicts, model unknown', async () => {
    const records = await collect(readIacEvalCsv(requireShared(DRAFTS_CSV)));
    expect(records).toHaveLength(140);
    const candidates = records.flatMap((r) => r.candidates);
    expect(candidates).toHaveLength(140);
    expect(candidates.every((c) => c.origin === 'recorded' && c.generation?.model === null)).toBe(true);
    const plannable = candidates.filter((c) => c.recorded?.plannable === 'True').length;
    expect(plannable).toBe(85);
    expect(candidates.filter((c) => c.recorded?.plannable === 'False').length).toBe(55);
  });

  it('points every bad row at its physical first line', async () => {
    const dir = tmp();
    const path = join(dir, 'bad.csv');
    writeFileSync(
      path,
      [
        'Resource,Prompt,Difficulty,Reference output',
        'aws_s3_bucket,"Make a bucket",1,"resource ""aws_s3_bucket"" ""b"" {',
        '  bucket = ""x""',
        '}"',
        '',
        'aws_vpc,,1,"resource ""aws_vpc"" ""v"" {}"', // line 6: empty prompt
        'aws_vpc,"A VPC",1,', // line 7: empty gold
        'aws_vpc,"too many",1,"x = 1",extra', // line 8: wrong column count
        'aws_iam_role,"Multi',
        'line prompt",2,"a = 1"', // line 9: valid, spans two lines
      ].join('\r\n'),
    );
    const got = (await collect(readIacEvalCsv(path, 'bad.csv'))).map(outcome);
    expect(got).toEqual([
      { line: 2, status: 'kept', code: undefined },
      { line: 6, status: 'dropped', code: 'empty-prompt' },
      { line: 7, status: 'dropped', code: 'empty-gold' },
      { line: 8, status: 'dropped', code: 'csv-column-count' },
      { line: 9, status: 'kept', code: undefined },
    ]);
  });

  it('a row with a broken quote is one drop at its line, and later rows keep their own lines', async () => {
    const dir = tmp();
    const path = join(dir, 'q.csv');
    writeFileSync(path, 'Prompt,Reference output\n"p1","a = 1"\n"bad "x" quote",y\n"p3","b = 2"\n\n"p5","c = 3\nd = 4"\n');
    const got = (await collect(readIacEvalCsv(path))).map(outcome);
    expect(got).toEqual([
      { line: 2, status: 'kept', code: undefined },
      { line: 3, status: 'dropped', code: 'csv-syntax' },
      { line: 4, status: 'kept', code: undefined },
      { line: 6, status: 'kept', code: undefined },
    ]);
  });

  it('audits a header without the required columns on every row', async () => {
    const dir = tmp();
    const path = join(dir, 'h.csv');
    writeFileSync(path, 'Question,Answer\n"q1","a1"\n"q2","a2"\n');
    const got = (await collect(readIacEvalCsv(path))).map(outcome);
    expect(got).toEqual([
      { line: 2, status: 'dropped', code: 'csv-missing-column' },
      { line: 3, status: 'dropped', code: 'csv-missing-column' },
    ]);
  });
});

describe('JSONL', () => {
  it('keeps good lines, audits each bad one at its line, accepts aliases, BOM and CRLF', async () => {
    const dir = tmp();
    const path = join(dir, 't.jsonl');
    const lines = [
      JSON.stringify({ prompt: 'p1', gold: 'a = 1' }), // 1
      '{"prompt": "p2", "gold": ', // 2 bad json
      '', // 3 blank: not a record
      JSON.stringify(['not', 'an', 'object']), // 4
      JSON.stringify({ gold: 'a = 1' }), // 5 missing prompt
      JSON.stringify({ prompt: '   ', gold: 'a = 1' }), // 6 empty prompt
      JSON.stringify({ prompt: 'p7' }), // 7 missing gold
      JSON.stringify({ prompt: 'p8', gold: '\n' }), // 8 empty gold
      JSON.stringify({ prompt: 'p9', gold: 'a = 1', drafts: 'nope' }), // 9 bad drafts
      JSON.stringify({ prompt: 'p10', reference: 'a = 1' }), // 10 alias
      JSON.stringify({ prompt: 'p11', completion: 'a = 1', drafts: ['```hcl\na = 2\n```'], resource: 'aws_vpc' }), // 11 alias + extra meta
    ];
    writeFileSync(path, `\uFEFF${lines.join('\r\n')}\r\n`);
    const records = await collect(readJsonlTasks(path, 't.jsonl'));
    expect(records.map(outcome)).toEqual([
      { line: 1, status: 'kept', code: undefined },
      { line: 2, status: 'dropped', code: 'bad-json' },
      { line: 4, status: 'dropped', code: 'not-an-object' },
      { line: 5, status: 'dropped', code: 'missing-prompt' },
      { line: 6, status: 'dropped', code: 'empty-prompt' },
      { line: 7, status: 'dropped', code: 'missing-gold' },
      { line: 8, status: 'dropped', code: 'empty-gold' },
      { line: 9, status: 'dropped', code: 'invalid-task' },
      { line: 10, status: 'kept', code: undefined },
      { line: 11, status: 'kept', code: undefined },
    ]);
    expect(records.every((r) => r.provenance.source.path === 't.jsonl')).toBe(true);
    expect(records[9]!.candidates).toHaveLength(1);
    expect(records[9]!.meta.resource).toBe('aws_vpc');
    expect(records[7]!.findings[0]!.detail).toMatch(/drafts/);
  });
});

describe('recorded TF-Mutn samples', () => {
  it('reads mutations in tfpairs and TF-Mutn field names, and audits a malformed one', async () => {
    const dir = tmp();
    const path = join(dir, 'm.jsonl');
    writeFileSync(
      path,
      [
        { prompt: 'p1', gold: 'a = 1', mutations: [{ utterance: 'set a to 2', expected: 'a = 2' }, { change_request: 'add b', completion: 'a = 1\nb = 2' }] },
        { prompt: 'p2', gold: 'a = 1', mutations: [{ utterance: 'no code' }] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const [a, b] = await collect(readJsonlTasks(path));
    expect(a!.mutations.map((m) => [m.utterance, m.expected.raw, m.expected.origin, m.expected.verdict])).toEqual([
      ['set a to 2', 'a = 2', 'recorded', 'unverified'],
      ['add b', 'a = 1\nb = 2', 'recorded', 'unverified'],
    ]);
    expect(new Set(a!.mutations.map((m) => m.id)).size).toBe(2);
    expect(outcome(b!)).toEqual({ line: 2, status: 'dropped', code: 'invalid-task' });
    expect(b!.findings[0]!.detail).toMatch(/mutations\.0\.expected/);
  });
});

describe('folder of tasks', () => {
  it('reads prompt + .tf files and recorded drafts; audits incomplete tasks', async () => {
    const root = tmp();
    const mk = (rel: string, text: string) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    mk('ok/prompt.md', 'Create a VPC\n');
    mk('ok/main.tf', 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n');
    mk('ok/outputs.tf', 'output "id" {\n  value = aws_vpc.v.id\n}\n');
    mk('ok/drafts/a.md', '```hcl\nresource "aws_vpc" "v" {}\n```\n');
    mk('noprompt/main.tf', 'a = 1\n');
    mk('emptyprompt/prompt.txt', '  \n');
    mk('emptyprompt/main.tf', 'a = 1\n');
    mk('notf/prompt.md', 'Do something\n');
    const records = await collect(readTaskFolder(root, 'tasks'));
    const byTask = Object.fromEntries(records.map((r) => [r.provenance.source.path, outcome(r)]));
    expect(byTask).toEqual({
      'tasks/emptyprompt/prompt.txt': { line: 1, status: 'dropped', code: 'empty-prompt' },
      'tasks/noprompt/main.tf': { line: 1, status: 'dropped', code: 'missing-prompt' },
      'tasks/notf/prompt.md': { line: 1, status: 'dropped', code: 'missing-gold' },
      'tasks/ok/prompt.md': { line: 1, status: 'kept', code: undefined },
    });
    const ok = records.find((r) => r.status === 'kept')!;
    expect(ok.gold!.raw).toMatch(/^resource "aws_vpc"[\s\S]*output "id"/); // main.tf first
    expect(ok.candidates).toHaveLength(1);
  });
});

describe('inputs and dedup', () => {
  it('an unreadable or unknown input is one audited drop, and the run goes on', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.txt'), 'hello');
    writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify({ prompt: 'p', gold: 'a = 1' })}\n`);
    const ctx = createRunContext(parseConfig({ inputs: ['missing.csv', 'x.txt', 'a.jsonl'] }), { cwd: dir });
    const got = (await collect(ingestInputs(ctx))).map((r) => [r.provenance.source.path, r.status, r.findings[0]?.code]);
    expect(got).toEqual([
      ['missing.csv', 'dropped', 'unreadable-input'],
      ['x.txt', 'dropped', 'unknown-input-format'],
      ['a.jsonl', 'kept', undefined],
    ]);
  });

  it('drops a repeated prompt (case/whitespace-insensitive) and keeps the first', async () => {
    const dir = tmp();
    const path = join(dir, 'd.jsonl');
    writeFileSync(path, [{ prompt: 'Create a  VPC', gold: 'a = 1' }, { prompt: 'create a vpc\n', gold: 'b = 2' }].map((o) => JSON.stringify(o)).join('\n'));
    const records = await collect(pipe(readInput(path, dir), dedupStage()));
    expect(records.map((r) => r.status)).toEqual(['kept', 'dropped']);
    const cause = records[1]!.findings.find((f) => f.dropped)!;
    expect(cause.code).toBe('duplicate');
    expect(cause.detail).toContain(`${records[0]!.id}`);
    expect(cause.detail).toContain('d.jsonl:1');
  });

  it('flags bytes that are not UTF-8 without dropping the record', async () => {
    const dir = tmp();
    const path = join(dir, 'u.jsonl');
    writeFileSync(path, Buffer.concat([Buffer.from('{"prompt": "caf'), Buffer.from([0xe9]), Buffer.from('", "gold": "a = 1"}\n{"prompt": "ok", "gold": "a = 1"}\n')]));
    const [bad, good] = await collect(readJsonlTasks(path));
    expect(bad!.status).toBe('kept');
    expect(bad!.findings).toEqual([expect.objectContaining({ stage: 'ingest', code: 'invalid-utf8', severity: 'warning', dropped: false })]);
    expect(good!.findings).toEqual([]);
  });

  it('ids depend on content only', async () => {
    const dir = tmp();
    const path = join(dir, 'i.jsonl');
    writeFileSync(path, `${JSON.stringify({ prompt: 'p', gold: 'a = 1' })}\n`);
    const [a] = await collect(readJsonlTasks(path));
    writeFileSync(path, `\n\n${JSON.stringify({ prompt: ' P ', gold: 'a = 1\n' })}\n`);
    const [b] = await collect(readJsonlTasks(path));
    expect(a!.id).toBe(b!.id);
    expect(a!.provenance.source.line).not.toBe(b!.provenance.source.line);
    expect(await collect(fromArray([]))).toEqual([]);
  });
});
