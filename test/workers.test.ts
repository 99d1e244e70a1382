import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { threadId } from 'node:worker_threads';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildFlags, collect, ConfigError, createRunContext, deepFreeze, fromArray, newArtifact, parseConfig, parseFlags, resolveConfig, runSteps, type Step, type StepRecipe, type TaskRecord } from '@tfpairs/core';
import { openStepPool, WorkerError } from '@tfpairs/core/workers';
import * as fixtureStages from './fixtures/workers/stages';
import { syntheticTasks } from '../scripts/lib/synthetic-corpus';
import { cli } from './cli';
import { DRAFTS_CSV, REPO, requireShared } from './paths';

const FIXTURE = new URL('./fixtures/workers/stages.ts', import.meta.url).href;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** manifest.json without what may differ between two runs of the same build: when, where to, how long */
function comparableManifest(path: string): unknown {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { createdAt?: string; config: { out?: string }; steps: { ms?: number }[] };
  delete manifest.createdAt;
  delete manifest.config.out;
  for (const step of manifest.steps) delete step.ms;
  return manifest;
}

describe('tfpairs build --workers', () => {
  it('is a config field and a flag in --help; not a whole number of at least 1 is an error', async () => {
    const config = (argv: string[]) => resolveConfig(parseFlags(argv, buildFlags).values, tmpdir());
    expect(config(['--workers', '3']).workers).toBe(3);
    expect(config([]).workers).toBeUndefined();
    expect(() => config(['--workers', '0'])).toThrow(ConfigError);
    expect(() => config(['--workers', '1.5'])).toThrow(/workers must be a whole number/);
    const help = (await cli(['build', '--help'], { cwd: tmpdir() })).stdout;
    expect(help).toMatch(/-workers N\s+worker threads for the CPU-bound per-record steps/);
    expect(config(['--worker-heap', '512']).workerHeapMb).toBe(512);
    expect(() => config(['--worker-heap', '32'])).toThrow(/worker heap must be at least 64 MB/);
    expect(help).toMatch(/-worker-heap MB\s+old-generation heap limit of each worker thread/);
    expect(config(['--main-heap', '700']).mainHeapMb).toBe(700);
    expect(() => config(['--main-heap', '64'])).toThrow(/main heap must be at least 128 MB/);
    expect(() => config(['--main-heap', '1.5'])).toThrow(/main heap must be a whole number/);
    expect(help).toMatch(/-main-heap MB\s+old-generation heap limit of the build's own process/);
  });

  it('writes byte-identical corpora, records, audit and manifest with 2 workers as with 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfpairs-workers-'));
    // run warnings each worker's context makes once: an unreadable schema file, a policy folder that does not compile
    const badSchema = join(root, 'bad-schema.json');
    writeFileSync(badSchema, '{"format_version": ');
    const badPolicies = join(root, 'bad-policies');
    mkdirSync(badPolicies);
    writeFileSync(join(badPolicies, 'broken.rego'), 'package main\n\ndeny[msg] {\n');
    const sample = join(REPO, 'data', 'sample');
    // past the pool's minimum (a short run stays in one thread): the shared rows once more, relabelled
    const rows = parse(readFileSync(requireShared(DRAFTS_CSV)), { columns: true, bom: true }) as Record<string, string>[];
    const variants = join(root, 'variants.jsonl');
    writeFileSync(variants, `${[...syntheticTasks(rows, rows.length * 2)].slice(rows.length).join('\n')}\n`);
    const inputs = [DRAFTS_CSV, variants, join(sample, 'tasks.jsonl'), join(sample, 'iac-eval-style.csv'), join(sample, 'tasks-folder'), join(sample, 'multi-iac-eval.csv')];
    const outs: string[] = [];
    for (const workers of [1, 2]) {
      const out = join(root, `w${workers}`, 'corpus');
      await cli(['build', '--offline', '--no-report', ...inputs.flatMap((i) => ['--input', i]), '--schema', badSchema, '--policy', badPolicies, '--policy', 'security', '--out', out, '--workers', String(workers)], { cwd: root });
      outs.push(out);
    }
    const [one, two] = outs as [string, string];
    const files = filesUnder(one);
    expect(filesUnder(two)).toEqual(files);
    for (const f of ['records.jsonl', 'audit.jsonl', 'manifest.json', 'tf-gen/train.jsonl', 'dpo/train.jsonl', 'tf-mutn/train.jsonl']) expect(files).toContain(f);
    for (const file of files) {
      if (file === 'manifest.json') continue;
      const a = readFileSync(join(one, file), 'utf8');
      const b = readFileSync(join(two, file), 'utf8');
      // the dataset card says when it was built
      const undated = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, 'DATE');
      expect(file === 'README.md' ? undated(b) : b, file).toBe(file === 'README.md' ? undated(a) : a);
    }
    const manifest = comparableManifest(join(one, 'manifest.json')) as { config: Record<string, unknown>; warnings: { summary: string }[]; counts: { input: number; dropped: number }; steps: { name: string; in: number }[] };
    expect(comparableManifest(join(two, 'manifest.json'))).toEqual(manifest);
    // what makes the comparison worth something: drops, the per-worker warnings once each, every step counted
    expect(manifest.counts.dropped).toBeGreaterThan(0);
    expect(manifest.warnings.map((w) => w.summary).sort()).toEqual(['Policy folder not used', 'Provider schema file not used']);
    expect(manifest.counts.input).toBeGreaterThan(2 * 140);
    expect(manifest.steps.find((s) => s.name === 'verify')!.in).toBe(manifest.counts.input);
    expect('workers' in manifest.config).toBe(false);
  }, 180_000);
});

const record = (i: number): TaskRecord =>
  deepFreeze({
    id: `r${i}`,
    prompt: `p${i}`,
    gold: newArtifact(`g${i}`, 'reference', `g${i}`),
    candidates: [],
    mutations: [],
    meta: {},
    provenance: { source: { path: 'x.jsonl', line: i + 1 }, format: 'jsonl', stages: {} },
    split: null,
    findings: [],
    status: 'kept',
  });

function pooledRun(factories: (keyof typeof fixtureStages)[], n: number, options: { batchSize?: number; minRecords?: number; recycleAfter?: number; heapMb?: number } = {}) {
  const ctx = createRunContext(parseConfig({}));
  const steps: Step[] = factories.map((factory) => {
    const worker: StepRecipe = { module: FIXTURE, factory };
    return { name: factory, run: fixtureStages[factory](ctx), worker };
  });
  const pool = openStepPool(ctx, 2, { batchSize: options.batchSize ?? 2, minRecords: options.minRecords ?? 8, recycleAfter: options.recycleAfter ?? 0, ...(options.heapMb ? { heapMb: options.heapMb } : {}) })!;
  const { stream, stats } = runSteps({ name: 'source', run: () => fromArray(Array.from({ length: n }, (_, i) => record(i))) }, steps, { pool });
  return { ctx, pool, stream, stats };
}

describe('the step pool', () => {
  it('shares the batches between the threads and gives records, counts and warnings back in order', async () => {
    const { ctx, pool, stream, stats } = pooledRun(['threadStage', 'taggingStage'], 40);
    try {
      const out = await collect(stream);
      expect(out.map((r) => r.prompt)).toEqual(Array.from({ length: 40 }, (_, i) => `p${i}!`));
      const threads = new Set(out.map((r) => r.meta.thread));
      expect(threads.size).toBe(2);
      expect(threads.has(String(threadId))).toBe(false);
      expect(Object.isFrozen(out[0]!.gold)).toBe(true);
      expect(stats.map((s) => [s.name, s.in, s.out])).toEqual([['source', 0, 40], ['threadStage', 40, 40], ['taggingStage', 40, 40]]);
      expect(ctx.metrics.get('tagging.records')).toBe(40);
      expect(pool.running).toBe(2);
      // each thread's context warned once: the run warns once, as one thread would
      expect(ctx.warnings.map((w) => w.summary)).toEqual(['Tagging warns once per context']);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('replaces a thread that took its share by a fresh one, and the run goes on as before', async () => {
    const { ctx, pool, stream, stats } = pooledRun(['threadStage', 'taggingStage'], 40, { recycleAfter: 6 });
    try {
      const out = await collect(stream);
      expect(out.map((r) => r.prompt)).toEqual(Array.from({ length: 40 }, (_, i) => `p${i}!`));
      expect(new Set(out.map((r) => r.meta.thread)).size).toBeGreaterThan(4);
      expect(pool.startedThreads).toBeGreaterThan(4);
      expect(stats.map((s) => [s.name, s.in, s.out])).toEqual([['source', 0, 40], ['threadStage', 40, 40], ['taggingStage', 40, 40]]);
      expect(ctx.metrics.get('tagging.records')).toBe(40);
      // every fresh context warns once more; the run still warns once
      expect(ctx.warnings.map((w) => w.summary)).toEqual(['Tagging warns once per context']);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('runs a segment shorter than its minimum in this thread, without starting a worker', async () => {
    const { ctx, pool, stream, stats } = pooledRun(['threadStage', 'taggingStage'], 7);
    try {
      const out = await collect(stream);
      expect(out.map((r) => [r.prompt, r.meta.thread])).toEqual(Array.from({ length: 7 }, (_, i) => [`p${i}!`, String(threadId)]));
      expect(stats.map((s) => [s.name, s.in, s.out])).toEqual([['source', 0, 7], ['threadStage', 7, 7], ['taggingStage', 7, 7]]);
      expect(ctx.metrics.get('tagging.records')).toBe(7);
      expect(pool.running).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('bounds each thread by heapMb when the process was started with a heap limit of its own (as the executable starts a build)', () => {
    // V8 hands a process-wide --max-old-space-size to every isolate over resourceLimits unless the pool clears it
    const script = `
      import { getHeapStatistics } from 'node:v8';
      import { collect, createRunContext, fromArray, parseConfig, runSteps } from ${JSON.stringify(new URL('../packages/core/src/index.ts', import.meta.url).href)};
      import { openStepPool } from ${JSON.stringify(new URL('../packages/core/src/workers.ts', import.meta.url).href)};
      import * as stages from ${JSON.stringify(FIXTURE)};
      const ctx = createRunContext(parseConfig({}));
      const pool = openStepPool(ctx, 2, { batchSize: 2, minRecords: 8, heapMb: 128 });
      const record = (i) => ({ id: 'r' + i, prompt: 'p' + i, gold: null, candidates: [], mutations: [], meta: {}, provenance: { source: { path: 'x.jsonl', line: i + 1 }, format: 'jsonl', stages: {} }, split: null, findings: [], status: 'kept' });
      const { stream } = runSteps({ name: 'source', run: () => fromArray(Array.from({ length: 20 }, (_, i) => record(i))) }, [{ name: 'heap', run: stages.heapLimitStage(ctx), worker: { module: ${JSON.stringify(FIXTURE)}, factory: 'heapLimitStage' } }], { pool });
      const out = await collect(stream);
      await pool.close();
      console.log(JSON.stringify({ main: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20), threads: [...new Set(out.map((r) => Number(r.meta.heapLimitMb)))] }));
    `;
    // a file, not -e: the threads inherit the process's node flags
    const file = join(mkdtempSync(join(tmpdir(), 'tfpairs-heap-')), 'pool.mjs');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, ['--max-old-space-size=1024', '--import', 'tsx', file], { cwd: REPO, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const { main, threads } = JSON.parse(child.stdout.trim().split('\n').pop()!) as { main: number; threads: number[] };
    expect(main).toBeGreaterThanOrEqual(1024);
    expect(threads.length).toBeGreaterThan(0);
    // 128 MB of old generation and the young generation's semispaces (V8 reports both in the limit)
    for (const limit of threads) expect(limit).toBeLessThan(256);
  }, 60_000);

  // each must end the run with an error, not leave it waiting for a result that never comes
  it.each([
    ['a worker thread exits', 'exitingStage', /worker \d exited with code 3/],
    ['a step throws in a worker', 'throwingStage', /worker step failed: cannot handle p5/],
    ['a worker step loses a record', 'losingStage', /one record per record/],
    ['a worker thread outgrows its heap limit', 'hoardingStage', /worker \d ran out of memory: its heap is limited to 64 MB \(raise it with --worker-heap MB\)/],
  ] as const)('fails the run when %s', async (_, factory, message) => {
    const { pool, stream } = pooledRun([factory], 40, { heapMb: 64 });
    try {
      const error = await collect(stream).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      if (factory !== 'losingStage') expect(error).toBeInstanceOf(WorkerError);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
