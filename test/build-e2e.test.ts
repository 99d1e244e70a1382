import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNdjson } from '@tfpairs/core';
import { DRAFTS_CSV, REPO, requireShared } from './paths';
import { cli } from './cli';

const SAMPLE = ['data/sample/tasks.jsonl', 'data/sample/iac-eval-style.csv', 'data/sample/tasks-folder'];

async function build(out: string, inputs: string[], extra: string[] = []) {
  const args = ['build', '--offline', '--no-report', ...inputs.flatMap((i) => ['--input', i]), '--out', out, ...extra];
  const { stderr } = await cli(args, { cwd: REPO });
  return { stderr, manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) };
}

async function readSplitIds(out: string, corpus = 'tf-gen'): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const split of ['train', 'val', 'test']) for (const l of await readNdjson<{ id: string }>(join(out, corpus, `${split}.jsonl`))) ids.set(l.id, split);
  return ids;
}

describe('tfpairs build (real CLI, end to end)', () => {
  it('builds all corpora from data/sample offline and accounts for every record', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tfpairs-e2e-'));
    const { manifest, stderr } = await build(out, SAMPLE);
    expect(stderr).toMatch(/input records/);
    const { counts } = manifest;
    expect(counts.input).toBeGreaterThanOrEqual(10);
    expect(counts.kept + counts.dropped).toBe(counts.input);
    expect(counts.dropCodes.duplicate).toBeGreaterThanOrEqual(1);
    expect(counts.dropCodes['hcl-syntax']).toBeGreaterThanOrEqual(1);

    const kept = await readSplitIds(out);
    const audit = await readNdjson<{ id: string | null; dropped: boolean; source: { path: string; line: number } }>(join(out, 'audit.jsonl'));
    const dropped = audit.filter((l) => l.dropped);
    expect(kept.size).toBe(counts.kept);
    expect(dropped.length).toBe(counts.dropped);
    expect(dropped.every((l) => l.source.path.startsWith('data/sample/') && l.source.line >= 1)).toBe(true);
    expect(dropped.filter((l) => l.id && kept.has(l.id))).toEqual([]);

    // all corpora offline: DPO pairs from recorded drafts, TF-Mutn from recorded mutations (the one that
    // does not verify is audited, not written)
    const dpo = [...(await readSplitIds(out, 'dpo')).keys()];
    expect(dpo.length).toBeGreaterThan(0);
    const mutn = [...(await readSplitIds(out, 'tf-mutn')).keys()];
    expect(mutn.length).toBe(counts.corpora['tf-mutn'].train + counts.corpora['tf-mutn'].val + counts.corpora['tf-mutn'].test);
    expect(mutn.length).toBeGreaterThanOrEqual(2);
    expect(counts.findingCodes['mutation-invalid']).toBeGreaterThanOrEqual(1);
    const records = await readNdjson<{ status: string }>(join(out, 'records.jsonl'));
    expect(records.length).toBe(counts.input);
  });

  it('keeps every prompt in its split when more inputs are added', async () => {
    const small = mkdtempSync(join(tmpdir(), 'tfpairs-e2e-'));
    const big = mkdtempSync(join(tmpdir(), 'tfpairs-e2e-'));
    await build(small, SAMPLE);
    const { manifest } = await build(big, [...SAMPLE, requireShared(DRAFTS_CSV)]);
    expect(manifest.counts.input).toBeGreaterThan(140);
    const before = await readSplitIds(small);
    const after = await readSplitIds(big);
    for (const [id, split] of before) if (after.has(id)) expect(after.get(id)).toBe(split);
    expect([...before.keys()].filter((id) => after.has(id)).length).toBe(before.size);
  });

  it('a prompt whose first gold is broken keeps its next valid gold; identical rows get distinct ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-e2e-'));
    const valid = 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n';
    const rows = [
      { prompt: 'Make a VPC', gold: 'resource "aws_vpc" "v" {' }, // 1: broken gold
      { prompt: 'make a  vpc', gold: valid }, // 2: same prompt, valid gold: kept
      { prompt: 'Make a VPC', gold: valid }, // 3: duplicate of 2
      { prompt: 'Make a VPC', gold: valid }, // 4: identical to 3
    ];
    writeFileSync(join(dir, 'd.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const out = join(dir, 'out');
    const { manifest } = await build(out, [join(dir, 'd.jsonl')]);
    expect(manifest.counts).toMatchObject({ input: 4, kept: 1, dropped: 3, dropCodes: { 'hcl-syntax': 1, duplicate: 2 } });
    const kept = await readSplitIds(out);
    const records = await readNdjson<{ id: string; status: string; provenance: { source: { line: number } } }>(join(out, 'records.jsonl'));
    expect(records.find((r) => r.status === 'kept')!.provenance.source.line).toBe(2);
    // every record has its own id, and no kept id appears on a drop line of the audit
    expect(new Set(records.map((r) => r.id)).size).toBe(4);
    const audit = await readNdjson<{ id: string; dropped: boolean }>(join(out, 'audit.jsonl'));
    expect(audit.filter((l) => l.dropped && kept.has(l.id))).toEqual([]);
  });

  it('exits 1 with a one-line reason on unusable arguments or config', async () => {
    const bad = async (args: string[]) => {
      try {
        await cli(['build', ...args], { cwd: REPO });
        return { code: 0, stderr: '' };
      } catch (e) {
        return e as { code: number; stderr: string };
      }
    };
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-e2e-'));
    writeFileSync(join(dir, 'c.json'), '{ not json');
    // an output folder that cannot be created (a file stands in its path)
    const notADir = join(dir, 'c.json', 'out');
    for (const args of [['--input', 'data/sample/tasks.jsonl', '--out', notADir], ['--input', 'data/sample/nope.jsonl', '--out', dir], ['--input', 'README.md', '--out', dir], ['--out', dir], ['--input', 'x.csv'], ['--input', 'x', '--out', dir, '--bogus'], ['--input', 'x', '--out', dir, '--config', join(dir, 'c.json')], ['--input', 'x', '--out', dir, '--split-train', '2']]) {
      const r = await bad(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const help = await cli(['build', '--help'], { cwd: REPO });
    for (const flag of ['--input', '--out', '--config', '--offline', '--model', '--schema', '--sandbox', '--split-train']) expect(help.stdout).toContain(flag);
  });
});
