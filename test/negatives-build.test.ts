import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlags, SPLITS } from '@tfpairs/core';
import { verifyCode } from '@tfpairs/verify';
import { KtoLineSchema, PostEditLineSchema, SyntheticPairLineSchema } from '@tfpairs/write';
import { diffOutputs } from '@tfpairs/cluster/testing';
import { cli } from './cli';
import { REPO } from './paths';

/**
 * `tfpairs build --negatives N` end to end: the synthetic corpora follow their record's split, every
 * rejected fails exactly as its meta says, one key set per corpus file, the same bytes on a second run,
 * and the same bytes when the input is built in shards and merged.
 */
const work = mkdtempSync(join(tmpdir(), 'tfpairs-negatives-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const INPUTS = ['--input', 'data/sample/tasks.jsonl', '--input', 'data/sample/iac-eval-style.csv', '--input', 'data/sample/tasks-folder'];
const FLAGS = ['--offline', '--negatives', '4', '--negative-seed', '7'];
const ONE = join(work, 'one');

const readLines = (path: string): Record<string, any>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
const corpus = (dir: string, name: string) => SPLITS.flatMap((s) => readLines(join(dir, name, `${s}.jsonl`)).map((line) => ({ split: s, line })));

beforeAll(async () => {
  await cli(['build', ...INPUTS, ...FLAGS, '--out', ONE], { cwd: REPO });
}, 240_000);

describe('build --negatives', () => {
  it('writes dpo-synthetic pairs whose rejected fails as meta says, in the split of their record', async () => {
    const tfGen = new Map(corpus(ONE, 'tf-gen').map(({ split, line }) => [line.id as string, { split, completion: line.completion as string }]));
    const pairs = corpus(ONE, 'dpo-synthetic');
    expect(pairs.length).toBeGreaterThan(10);
    for (const { split, line } of pairs) {
      const pair = SyntheticPairLineSchema.parse(line);
      const record = tfGen.get(pair.meta.record_id)!;
      expect(record, pair.meta.record_id).toBeDefined();
      expect(pair.meta.split).toBe(split);
      expect(split).toBe(record.split);
      expect(pair.chosen).toBe(record.completion);
      expect(pair.rejected).not.toBe(pair.chosen);
    }
    // every negative fails validate with the one error its meta names, on that line (a sample: it costs a verify each)
    // (a semantic negative validates: its meta's errors are the intent's, `Intent not met: <rule>`)
    const sample = pairs.filter(({ line }, i) => i % 5 === 0 || line.meta.rejected_because === 'intent');
    expect(sample.some(({ line }) => line.meta.rejected_because === 'intent')).toBe(true);
    for (const { line } of sample) {
      const errors = (await verifyCode(line.rejected)).diagnostics.filter((d) => d.severity === 'error');
      const said = line.meta.diagnostics.filter((d: { severity: string; summary: string }) => d.severity === 'error' && !d.summary.startsWith('Intent not met'));
      if (line.meta.rejected_because === 'intent') expect(line.meta.false_rules.length).toBeGreaterThan(0);
      expect(errors.map((d) => [d.summary, d.range?.start.line ?? null])).toEqual(said.map((d: { summary: string; line: number | null }) => [d.summary, d.line]));
    }
    // the same negative text is never written twice within a split group
    const texts = pairs.map(({ line }) => `${line.meta.group}\u0000${line.rejected}`);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('adds post-edit pairs with terraform\'s diagnostics and KTO lines labelled false, one key set per corpus file', () => {
    const synthetic = corpus(ONE, 'dpo-synthetic');
    const post = corpus(ONE, 'dpo-postedit').map(({ line }) => PostEditLineSchema.parse(line));
    const fromNegatives = post.filter((p) => p.meta.origin === 'synthetic');
    expect(fromNegatives.length).toBe(synthetic.length);
    for (const p of fromNegatives) {
      // a semantic negative validates: the prompt carries the intent's false rules instead
      if (p.meta.draft_false_rules.length) for (const rule of p.meta.draft_false_rules) expect(p.prompt).toContain(`Intent not met: ${rule}`);
      else expect(p.prompt).toContain(`Error: ${p.meta.draft_errors[0]}`);
      expect(p.prompt).toContain(p.rejected.trimEnd());
    }
    expect(fromNegatives.some((p) => p.meta.draft_false_rules.length > 0)).toBe(true);
    const kto = corpus(ONE, 'kto').map(({ line }) => KtoLineSchema.parse(line));
    const negatives = kto.filter((k) => k.meta.origin === 'synthetic');
    expect(negatives.length).toBe(synthetic.length);
    expect(negatives.every((k) => k.label === false && k.meta.operator !== null)).toBe(true);
    expect(kto.every((k) => typeof k.meta.group === 'string')).toBe(true);
    for (const name of ['dpo-synthetic', 'dpo-postedit', 'kto']) {
      for (const s of SPLITS) {
        const keys = new Set(readLines(join(ONE, name, `${s}.jsonl`)).map((l) => JSON.stringify([Object.keys(l).sort(), Object.keys(l.meta).sort()])));
        expect(keys.size, `${name}/${s}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('counts per operator in the manifest and shows them in the report', () => {
    const manifest = JSON.parse(readFileSync(join(ONE, 'manifest.json'), 'utf8'));
    const negatives = manifest.metrics.negatives as Record<string, number>;
    const made = Object.entries(negatives).filter(([k]) => k.startsWith('made.')).reduce((n, [, v]) => n + v, 0);
    expect(made).toBe(SPLITS.reduce((n, s) => n + manifest.counts.corpora['dpo-synthetic'][s], 0));
    const report = readFileSync(join(ONE, 'report.html'), 'utf8');
    expect(report).toContain('id="negatives-table"');
    const anOperator = Object.keys(negatives).find((k) => k.startsWith('made.'))!.slice('made.'.length);
    expect(report).toContain(`<td>${anOperator}</td>`);
  });

  it('writes the same bytes on a second run', async () => {
    const again = join(work, 'again');
    await cli(['build', ...INPUTS, ...FLAGS, '--out', again], { cwd: REPO });
    expect(diffOutputs(ONE, again)).toEqual([]);
  }, 240_000);

  it.skipIf(!buildFlags.some((f) => f.name === 'shard'))('writes the same bytes when built in 2 shards and merged', async () => {
    const dirs = [0, 1].map((k) => join(work, 'shard', String(k)));
    for (const [k, dir] of dirs.entries()) await cli(['build', ...INPUTS, ...FLAGS, '--shard', `${k}/2`, '--out', dir], { cwd: REPO });
    // each shard made negatives of its own records: neither holds all of them
    const inShard = dirs.map((d) => corpus(d, 'dpo-synthetic').length);
    expect(inShard.every((n) => n > 0)).toBe(true);
    const merged = join(work, 'merged');
    await cli(['merge', ...dirs, '--out', merged], { cwd: REPO });
    expect(diffOutputs(ONE, merged)).toEqual([]);
  }, 240_000);
});
