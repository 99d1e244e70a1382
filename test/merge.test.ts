import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlags, sha256, SPLITS, type CliIO } from '@tfpairs/core';
import { CORPORA } from '@tfpairs/write';
import { buildCommand } from '@tfpairs/cli/build';
import { mergeCommand } from '@tfpairs/cluster/cli';
import { diffOutputs, OUTPUT_FILES } from '@tfpairs/cluster/testing';
import { DRAFTS_CSV, REPO, requireShared } from './paths';

/**
 * tfpairs merge against a one-process build of the same input. Until `build --shard` exists the shard
 * folders are cut out of the one-process build's own files (as a shard build would write them: its
 * records' lines in input order, counts of its records, a share of every counter); once it exists the
 * shards are real builds too.
 */
const work = mkdtempSync(join(tmpdir(), 'tfpairs-merge-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function captureIO(): CliIO & { err: () => string; out: () => string } {
  let err = '';
  let out = '';
  return {
    stdin: new PassThrough(),
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    cwd: REPO,
    env: process.env,
    err: () => err,
    out: () => out,
  };
}

// the bundled sample covers all three input kinds (JSONL, CSV, a folder of tasks), a drop, a
// duplicate and a scrub; the shared drafts CSV adds 140 real rows with recorded drafts
const INPUTS = ['--input', 'data/sample/tasks.jsonl', '--input', requireShared(DRAFTS_CSV), '--input', 'data/sample/iac-eval-style.csv', '--input', 'data/sample/tasks-folder'];
const ONE = join(work, 'one');
const N = 3;

interface Rec {
  id: string | null;
  prompt: string;
  status: 'kept' | 'dropped';
  split: 'train' | 'val' | 'test' | null;
  provenance: { source: { path: string; line: number } };
  findings: { stage: string; code: string; severity: string; dropped: boolean }[];
}

const readLines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : []);

/** Cuts a one-process build into N shard folders, grouping records by prompt as sharding does. */
function cutShards(oneDir: string, into: string, n: number): string[] {
  const manifest = JSON.parse(readFileSync(join(oneDir, 'manifest.json'), 'utf8'));
  const records = readLines(join(oneDir, 'records.jsonl')).map((l) => ({ line: l, rec: JSON.parse(l) as Rec }));
  const shardOf = new Map<string, number>();
  const shardOfRecord = (r: Rec) => parseInt(sha256(r.prompt.trim().toLowerCase() || `${r.provenance.source.path}:${r.provenance.source.line}`).slice(0, 8), 16) % n;
  for (const { rec } of records) shardOf.set(rec.id ?? `${rec.provenance.source.path}\u0000${rec.provenance.source.line}`, shardOfRecord(rec));
  const dirs: string[] = [];
  for (let k = 0; k < n; k++) {
    const dir = join(into, String(k));
    dirs.push(dir);
    const mine = records.filter(({ rec }) => shardOfRecord(rec) === k);
    const ids = new Set(mine.map(({ rec }) => rec.id));
    const write = (file: string, lines: string[]) => {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), lines.map((l) => `${l}\n`).join(''));
    };
    write('records.jsonl', mine.map(({ line }) => line));
    write(
      'audit.jsonl',
      readLines(join(oneDir, 'audit.jsonl')).filter((l) => {
        const a = JSON.parse(l);
        return shardOf.get(a.id ?? `${a.source.path}\u0000${a.source.line}`) === k;
      }),
    );
    const corpora: Record<string, Record<string, number>> = {};
    for (const corpus of CORPORA) {
      corpora[corpus] = {};
      for (const split of SPLITS) {
        const lines = readLines(join(oneDir, corpus, `${split}.jsonl`)).filter((l) => {
          const o = JSON.parse(l);
          return ids.has(corpus === 'tf-gen' ? o.id : o.meta.record_id);
        });
        write(`${corpus}/${split}.jsonl`, lines);
        corpora[corpus]![split] = lines.length;
      }
    }
    // the counts a shard's writer would make from its own records, in its own first-seen order
    const byStage: Record<string, { dropped: number; warnings: number; errors: number }> = {};
    const dropCodes: Record<string, number> = {};
    const findingCodes: Record<string, number> = {};
    const splits = { train: 0, val: 0, test: 0 };
    for (const { rec } of mine) {
      if (rec.status === 'kept') splits[rec.split!] += 1;
      else {
        const cause = rec.findings.find((f) => f.dropped)!;
        dropCodes[cause.code] = (dropCodes[cause.code] ?? 0) + 1;
      }
      for (const f of rec.findings) {
        const s = (byStage[f.stage] ??= { dropped: 0, warnings: 0, errors: 0 });
        if (f.dropped) s.dropped += 1;
        if (f.severity === 'warning') s.warnings += 1;
        else s.errors += 1;
        findingCodes[f.code] = (findingCodes[f.code] ?? 0) + 1;
      }
    }
    // every counter split among the shards (the remainder to shard 0), so that only a sum restores it
    const metrics: Record<string, Record<string, number>> = {};
    for (const [group, values] of Object.entries(manifest.metrics as Record<string, Record<string, number>>)) {
      metrics[group] = Object.fromEntries(Object.entries(values).map(([name, v]) => [name, Math.floor(v / n) + (k === 0 ? v % n : 0)]));
    }
    const kept = mine.filter(({ rec }) => rec.status === 'kept').length;
    const shardManifest = {
      ...manifest,
      createdAt: new Date(Date.parse(manifest.createdAt) - (n - k) * 1000).toISOString(),
      config: { ...manifest.config, out: dir, shard: { index: k, count: n } },
      counts: {
        input: mine.length, kept, dropped: mine.length - kept, splits, byStage, dropCodes, findingCodes, corpora,
        // whole-run tallies a cut cannot recompute: shard 0 carries them, the others none
        groups: k === 0 ? manifest.counts.groups : { count: 0, multiMember: 0, largest: null },
        rejectedBecause: k === 0 ? manifest.counts.rejectedBecause : {},
      },
      metrics,
    };
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(shardManifest, null, 2)}\n`);
  }
  return dirs;
}

beforeAll(async () => {
  const cli = captureIO();
  expect(await buildCommand([...INPUTS, '--offline', '--out', ONE], cli), cli.err()).toBe(0);
}, 180_000);

describe('tfpairs merge of shard folders cut from a one-process build', () => {
  it('writes exactly the files one process wrote (bytes; manifest up to createdAt/out/shards)', async () => {
    const dirs = cutShards(ONE, join(work, 'cut'), N);
    // every shard holds some records, and the cut interleaves: a shard's lines are not one block
    const sizes = dirs.map((d) => readLines(join(d, 'records.jsonl')).length);
    expect(sizes.every((s) => s > 0)).toBe(true);
    const out = join(work, 'merged');
    const cli = captureIO();
    expect(await mergeCommand([...dirs, '--out', out], cli), cli.err()).toBe(0);
    for (const file of OUTPUT_FILES) expect(existsSync(join(out, file)), file).toBe(true);
    expect(diffOutputs(ONE, out)).toEqual([]);
    expect(readFileSync(join(out, 'records.jsonl'))).toEqual(readFileSync(join(ONE, 'records.jsonl')));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.config.out).toBe(out);
    expect(manifest.config.shard).toBeUndefined();
    expect(manifest.shards.map((s: { shard: string }) => s.shard)).toEqual(['0/3', '1/3', '2/3']);
    expect(cli.err()).toMatch(new RegExp(`tfpairs merge: 3 shards, ${sizes.reduce((a, b) => a + b)} input records`));
  });

  it('names a shard without a manifest and the command that redoes it (exit 1)', async () => {
    const dirs = cutShards(ONE, join(work, 'failed'), 4);
    rmSync(join(dirs[2]!, 'manifest.json'));
    const cli = captureIO();
    expect(await mergeCommand([...dirs, '--out', join(work, 'failed-out')], cli)).toBe(1);
    expect(cli.err()).toContain('tfpairs merge: shard 2 of 4 is missing/incomplete (it has no manifest.json (not finished or failed)): rerun tfpairs build --shard 2/4 --input data/sample/tasks.jsonl');
    expect(cli.err()).toContain(`--out ${dirs[2]}`);
    expect(existsSync(join(work, 'failed-out', 'manifest.json'))).toBe(false);
  });

  it('names a shard whose folder was not given at all, and one marked incomplete', async () => {
    const dirs = cutShards(ONE, join(work, 'absent'), 3);
    const m = JSON.parse(readFileSync(join(dirs[0]!, 'manifest.json'), 'utf8'));
    writeFileSync(join(dirs[0]!, 'manifest.json'), JSON.stringify({ ...m, complete: false }));
    const cli = captureIO();
    expect(await mergeCommand([dirs[0]!, dirs[1]!, '--out', join(work, 'absent-out')], cli)).toBe(1);
    expect(cli.err()).toContain('shard 0 of 3 is missing/incomplete (its manifest is marked incomplete): rerun tfpairs build --shard 0/3');
    expect(cli.err()).toContain('shard 2 of 3 is missing/incomplete (no folder was given for it)');
  });

  it('refuses shards built with different configurations, or cut by different groupings', async () => {
    const dirs = cutShards(ONE, join(work, 'mixed'), 2);
    const m = JSON.parse(readFileSync(join(dirs[1]!, 'manifest.json'), 'utf8'));
    writeFileSync(join(dirs[1]!, 'manifest.json'), JSON.stringify({ ...m, config: { ...m.config, split: { ...m.config.split, salt: 'x' } } }));
    let cli = captureIO();
    expect(await mergeCommand([...dirs, '--out', join(work, 'mixed-out')], cli)).toBe(1);
    expect(cli.err()).toContain('shard 1 was built with another configuration than shard 0 (differs in: split)');

    const again = cutShards(ONE, join(work, 'overlap'), 2);
    cpSync(join(again[0]!, 'records.jsonl'), join(again[1]!, 'records.jsonl'));
    cli = captureIO();
    expect(await mergeCommand([...again, '--out', join(work, 'overlap-out')], cli)).toBe(1);
    expect(cli.err()).toMatch(/record \S+ is in shard 0 and shard 1: the shards were not cut by one grouping/);
  });

  it('refuses a shard whose files are not in input order instead of reordering them', async () => {
    const dirs = cutShards(ONE, join(work, 'order'), 2);
    const lines = readLines(join(dirs[0]!, 'records.jsonl'));
    writeFileSync(join(dirs[0]!, 'records.jsonl'), [...lines.slice(1), lines[0]].map((l) => `${l}\n`).join(''));
    const cli = captureIO();
    expect(await mergeCommand([...dirs, '--out', join(work, 'order-out')], cli)).toBe(1);
    expect(cli.err()).toMatch(/shard 0: records.jsonl is not in input order/);
  });
});

const hasShardFlag = buildFlags.some((f) => f.name === 'shard');

describe(`tfpairs merge of real shard builds${hasShardFlag ? '' : ' [skipped: tfpairs build has no --shard flag yet]'}`, () => {
  it.skipIf(!hasShardFlag)('merges `build --shard K/3` outputs into the one-process bytes', async () => {
    const dirs: string[] = [];
    for (let k = 0; k < N; k++) {
      const dir = join(work, 'real', String(k));
      const cli = captureIO();
      expect(await buildCommand([...INPUTS, '--offline', '--shard', `${k}/${N}`, '--out', dir], cli), cli.err()).toBe(0);
      dirs.push(dir);
    }
    const out = join(work, 'real-merged');
    const cli = captureIO();
    expect(await mergeCommand([...dirs, '--out', out], cli), cli.err()).toBe(0);
    expect(diffOutputs(ONE, out)).toEqual([]);
  }, 300_000);
});

describe('shards that read the split groups from one file (as tfpairs slurm writes it)', () => {
  it('merge into the one-process bytes; the shards use the file, and refuse it once the inputs changed', async () => {
    const { writeSplitGroups } = await import('@tfpairs/cluster/groups-file');
    const { parseFlags, resolveConfig } = await import('@tfpairs/core');
    const file = join(work, 'split-groups.jsonl');
    const config = resolveConfig(parseFlags([...INPUTS, '--offline'], buildFlags).values, REPO);
    const summary = await writeSplitGroups(file, config, { cwd: REPO, env: process.env, shards: N });
    expect(summary.records).toBeGreaterThan(150);
    const dirs: string[] = [];
    for (let k = 0; k < N; k++) {
      const dir = join(work, 'from-file', String(k));
      const cli = captureIO();
      expect(await buildCommand([...INPUTS, '--offline', '--shard', `${k}/${N}`, '--split-groups', file, '--out', dir], cli), cli.err()).toBe(0);
      dirs.push(dir);
    }
    const out = join(work, 'from-file-merged');
    const cli = captureIO();
    expect(await mergeCommand([...dirs, '--out', out], cli), cli.err()).toBe(0);
    expect(diffOutputs(ONE, out)).toEqual([]);

    // the shard follows the file, not a pass of its own: a record the file moves to shard 0 is built there
    const lines = readFileSync(file, 'utf8').split('\n');
    const header = JSON.parse(lines[0]!);
    const at = lines.findIndex((l, i) => i > header.groups && l.startsWith('[') && JSON.parse(l)[1] !== 0 && JSON.parse(l)[2] >= 0 && JSON.parse(lines[1 + JSON.parse(l)[2]]!)[2] === 1);
    const [key, shard] = JSON.parse(lines[at]!);
    const moved = [...lines];
    moved[at] = JSON.stringify([key, 0, JSON.parse(lines[at]!)[2]]);
    const movedFile = join(work, 'split-groups-moved.jsonl');
    writeFileSync(movedFile, moved.join('\n'));
    const dir0 = join(work, 'moved', '0');
    const b = captureIO();
    expect(await buildCommand([...INPUTS, '--offline', '--shard', `0/${N}`, '--split-groups', movedFile, '--out', dir0], b), b.err()).toBe(0);
    const sources = (d: string) => readLines(join(d, 'records.jsonl')).map((l) => { const r = JSON.parse(l) as Rec; return `${r.provenance.source.path}:${r.provenance.source.line}`; });
    expect(sources(dirs[0]!)).not.toContain(key);
    expect(sources(dir0)).toContain(key);
    expect(shard).not.toBe(0);

    // other inputs than the file was written for (other paths; the same paths with other contents): exit 1, no output
    const copy = join(work, 'tasks-changed.jsonl');
    writeFileSync(copy, readFileSync(join(REPO, 'data/sample/tasks.jsonl'), 'utf8'));
    const c = captureIO();
    expect(await buildCommand([...INPUTS.map((a) => (a === 'data/sample/tasks.jsonl' ? copy : a)), '--offline', '--shard', `0/${N}`, '--split-groups', file, '--out', join(work, 'changed')], c)).toBe(1);
    expect(c.err()).toMatch(/^tfpairs build: split groups file \S+: written for the inputs/);
    expect(existsSync(join(work, 'changed', 'manifest.json'))).toBe(false);
    for (const [flags, why] of [[['--shard', '0/2'], 'written for 3 shards, this build is one of 2'], [['--shard', `0/${N}`, '--near-duplicate', '0.7'], 'written for other split settings']] as const) {
      const o = captureIO();
      expect(await buildCommand([...INPUTS, '--offline', ...flags, '--split-groups', file, '--out', join(work, 'refused')], o)).toBe(1);
      expect(o.err()).toContain(why);
    }
    const here = join(work, 'elsewhere');
    cpSync(join(REPO, 'data'), join(here, 'data'), { recursive: true, filter: (src) => !src.includes('schemas') && !src.includes('policies') });
    const there = { ...captureIO(), cwd: here };
    const copied = resolveConfig(parseFlags([...INPUTS, '--offline'], buildFlags).values, here);
    const hereFile = join(here, 'groups.jsonl');
    await writeSplitGroups(hereFile, copied, { cwd: here, env: process.env, shards: N });
    writeFileSync(join(here, 'data/sample/tasks-folder', 'extra.txt'), 'not a task file, but a change');
    let err = '';
    expect(await buildCommand([...INPUTS, '--offline', '--shard', `0/${N}`, '--split-groups', hereFile, '--out', join(here, 'out')], { ...there, stderr: { write: (t: string) => (err += t) } })).toBe(1);
    expect(err).toContain('the inputs changed since it was written');
  }, 300_000);
});

describe('shards with --batch sharing one cache', () => {
  it('upload every request once, as many as one process sends, and merge into its bytes', async () => {
    const { startOpenAIServer } = await import('@tfpairs/generate/testing/openai-server');
    const server = await startOpenAIServer({ batchPolls: 2 });
    try {
      const sample = ['--input', 'data/sample/tasks.jsonl', '--input', 'data/sample/iac-eval-style.csv', '--input', 'data/sample/tasks-folder'];
      const flags = (cache: string) => [...sample, '--no-report', '--model', 'gpt-4o', '--batch', '--batch-poll-ms', '10', '--base-url', server.url, '--cache-dir', cache];
      const env = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };
      /** custom_id -> times uploaded, over the batch input files the server received since `from` */
      const uploads = (from: Set<string>) => {
        const times = new Map<string, number>();
        for (const f of server.files.values()) {
          if (f.purpose !== 'batch' || from.has(f.id)) continue;
          for (const line of f.content.split('\n')) if (line.trim()) times.set(JSON.parse(line).custom_id, (times.get(JSON.parse(line).custom_id) ?? 0) + 1);
        }
        return times;
      };
      const one = join(work, 'batch-one');
      const b = { ...captureIO(), env };
      expect(await buildCommand([...flags(join(work, 'batch-one-cache')), '--out', one], b), b.err()).toBe(0);
      const oneUploads = uploads(new Set());
      expect(oneUploads.size).toBeGreaterThan(10);
      const before = new Set(server.files.keys());

      // the shards run at the same time, as array tasks do, with the cache tfpairs slurm gives them
      const cache = join(work, 'batch-shards-cache');
      const dirs = Array.from({ length: N }, (_, k) => join(work, 'batch-shards', String(k)));
      const ios = dirs.map(() => ({ ...captureIO(), env }));
      const codes = await Promise.all(dirs.map((dir, k) => buildCommand([...flags(cache), '--shard', `${k}/${N}`, '--out', dir], ios[k]!)));
      expect(codes, ios.map((io) => io.err()).join('\n')).toEqual(dirs.map(() => 0));
      const shardUploads = uploads(before);
      expect([...shardUploads.entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect([...shardUploads.keys()].sort()).toEqual([...oneUploads.keys()].sort());

      const out = join(work, 'batch-merged');
      const m = captureIO();
      expect(await mergeCommand([...dirs, '--out', out, '--no-report'], m), m.err()).toBe(0);
      const ignoringCache = (dir: string) => readFileSync(join(dir, 'records.jsonl'), 'utf8');
      expect(ignoringCache(out)).toBe(ignoringCache(one));
      // the manifests differ in the cache folder each run was given, and in how many batches carried
      // the requests: each shard sends its own batches per round (one process: one per round)
      expect(diffOutputs(one, out).filter((f) => f !== 'manifest.json')).toEqual([]);
      const { comparableManifest } = await import('@tfpairs/cluster/testing');
      const batchesOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).metrics.generate.batches as number;
      expect(batchesOf(out)).toBe(dirs.map(batchesOf).reduce((a, c) => a + c, 0));
      for (const dir of dirs) expect(batchesOf(dir)).toBeLessThanOrEqual(batchesOf(one));
      const manifestOf = (dir: string) => {
        const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        m.config.generate.cacheDir = '<cache>';
        delete m.metrics.generate.batches;
        return comparableManifest(JSON.stringify(m));
      };
      expect(manifestOf(out)).toBe(manifestOf(one));
    } finally {
      await server.close();
    }
  }, 300_000);
});
