import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, fromArray, pipe, writeFileAtomic, type TaskRecord } from '@tfpairs/core';
import { chunkRequests } from './batch';
import { ChatClient } from './client';
import { generateStage } from './stage';
import { goodCode, startOpenAIServer, type OpenAITestServer } from './testing/openai-server';
import { taskRecord, tempDir, testContext } from './testing/fixtures';

const GOLD = 'resource "aws_s3_bucket" "gold" {\n  bucket = "gold"\n}\n';
const user = (content: string) => [{ role: 'user' as const, content }];

describe('chunkRequests', () => {
  const requests = Array.from({ length: 7 }, (_, i) => ({ model: 'm', params: { temperature: 0 }, messages: user(`prompt ${i} ${'x'.repeat(i * 10)}`) }));

  it('writes one JSONL line per request with custom_id, method, url and body', () => {
    const [chunk] = chunkRequests(requests, { maxRequests: 50_000, maxBytes: 200 << 20 });
    const lines = chunk!.jsonl.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    expect(lines[0]).toEqual({ custom_id: chunk!.keys[0], method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: user('prompt 0 '), temperature: 0 } });
  });

  it('splits above the request limit and the byte limit, never splitting a line', () => {
    expect(chunkRequests(requests, { maxRequests: 3, maxBytes: 200 << 20 }).map((c) => c.keys.length)).toEqual([3, 3, 1]);
    const bySize = chunkRequests(requests, { maxRequests: 50_000, maxBytes: 400 });
    expect(bySize.length).toBeGreaterThan(1);
    for (const c of bySize) expect(Buffer.byteLength(c.jsonl) <= 400 || c.keys.length === 1).toBe(true);
    expect(bySize.flatMap((c) => c.keys)).toEqual(chunkRequests(requests, { maxRequests: 50_000, maxBytes: 200 << 20 })[0]!.keys);
  });
});

describe('generateStage --batch', () => {
  let server: OpenAITestServer;
  beforeEach(async () => {
    server = await startOpenAIServer({ batchPolls: 3 });
  });
  afterEach(() => server.close());

  const prompts = ['bucket for logs', 'bucket for assets', 'bucket [[batch-error]] for backups', 'bucket [[truncate]] for media', 'bucket for data'];
  const records = (list = prompts) => list.map((p, i) => taskRecord(p, GOLD, [], i + 1));
  const ctxFor = (generate: Record<string, unknown> = {}, cacheDir = tempDir()) => testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir, batch: true, ...generate });
  const generated = (r: TaskRecord) => r.candidates.filter((c) => c.origin === 'generated');

  it('goes through Files + Batches, joins reordered output on custom_id, audits error-file lines', async () => {
    const ctx = ctxFor({ batchMaxRequests: 2 });
    const out = await collect(pipe(fromArray(records()), generateStage(ctx)));
    expect(server.chatRequests()).toBe(0);
    expect(server.batchLines()).toBe(prompts.length);
    expect(server.batches.size).toBe(3);
    expect([...server.files.values()].filter((f) => f.purpose === 'batch')).toHaveLength(3);
    for (const r of out) {
      if (r.prompt.includes('[[batch-error]]')) {
        expect(generated(r)).toEqual([]);
        expect(r.findings).toEqual([expect.objectContaining({ stage: 'generate', code: 'batch-error', severity: 'warning' })]);
        expect(r.findings[0]!.detail).toMatch(/HTTP 500/);
        continue;
      }
      // each answer belongs to its own prompt although the output file is in reverse order
      if (r.prompt.includes('[[truncate]]')) continue;
      expect(generated(r)[0]!.raw).toContain(goodCode('gpt-4o', r.prompt).trim());
      expect(generated(r)[0]!.generation!.cached).toBe(false);
    }
    expect(generated(out[3]!)[0]!.truncated).toBe(true);
    expect(ctx.metrics.get('generate.batches')).toBe(3);
    expect(ctx.metrics.get('generate.batch_requests')).toBe(5);
    // batch tokens cost half
    const tokens = { p: ctx.metrics.get('generate.prompt_tokens')!, c: ctx.metrics.get('generate.completion_tokens')! };
    // (rounded per response: at most half a micro-dollar off per answer)
    expect(Math.abs(ctx.metrics.get('generate.cost_usd_micros')! - (tokens.p * 2.5 + tokens.c * 10) / 2)).toBeLessThanOrEqual(2);
    // every job is done and its input file removed
    const jobs = readdirSync(join(ctx.config.generate.cacheDir!, 'batches'));
    expect(jobs.filter((n) => n.endsWith('.jsonl'))).toEqual([]);
    expect(jobs.map((n) => JSON.parse(readFileSync(join(ctx.config.generate.cacheDir!, 'batches', n), 'utf8')).status)).toEqual(['done', 'done', 'done']);

    // an identical rerun: only the failed request goes out again
    const rerun = ctxFor({}, ctx.config.generate.cacheDir);
    const again = await collect(pipe(fromArray(records()), generateStage(rerun)));
    expect(server.batchLines()).toBe(prompts.length + 1);
    expect(again.flatMap(generated).every((c) => c.generation!.cached)).toBe(true);
  });

  /** how often each request (custom_id) was uploaded in a batch input file */
  const uploads = () => {
    const times = new Map<string, number>();
    for (const f of server.files.values()) {
      if (f.purpose !== 'batch') continue;
      for (const line of f.content.split('\n')) if (line.trim()) times.set(JSON.parse(line).custom_id, (times.get(JSON.parse(line).custom_id) ?? 0) + 1);
    }
    return times;
  };

  it('shards sharing a cache at the same time upload a request they share once, and both get its answer', async () => {
    const cacheDir = tempDir();
    // the same prompt in two shards (e.g. prompts that scrub to the same text), 2 prompts of their own each
    const shard = (own: string[]) => records([...own, 'bucket shared by both shards']);
    const runs = [shard(['bucket a1', 'bucket a2']), shard(['bucket b1', 'bucket b2'])].map((list) => collect(pipe(fromArray(list), generateStage(ctxFor({ batchPollMs: 20 }, cacheDir)))));
    const [a, b] = await Promise.all(runs);
    const times = uploads();
    expect(times.size).toBe(5);
    expect([...times.values()].every((n) => n === 1), JSON.stringify([...times.values()])).toBe(true);
    expect(server.batchLines()).toBe(5);
    for (const out of [a!, b!]) {
      expect(out.map((r) => generated(r).length)).toEqual([1, 1, 1]);
      expect(generated(out[2]!)[0]!.raw).toContain(goodCode('gpt-4o', 'bucket shared by both shards').trim());
    }
  });

  it('plans no batch while another process plans in the same cache folder; a planning lock a killed host left is taken over', async () => {
    const cacheDir = tempDir();
    const lock = join(cacheDir, 'batches', '.planning.lock');
    mkdirSync(join(cacheDir, 'batches'), { recursive: true });
    // a live process on this host that is not this one (the test runner's parent) holds the lock
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid: process.ppid, at: new Date().toISOString() }));
    const ctx = ctxFor({ batchPollMs: 20 }, cacheDir);
    const running = collect(pipe(fromArray(records(['bucket p1', 'bucket p2'])), generateStage(ctx)));
    await new Promise((r) => setTimeout(r, 300));
    expect(server.files.size).toBe(0);
    expect(ctx.lines.some((l) => /another run sharing .* is planning its batches; waiting/.test(l))).toBe(true);
    rmSync(lock);
    const out = await running;
    expect(out.map((r) => generated(r).length)).toEqual([1, 1]);
    expect(existsSync(lock)).toBe(false);

    // another host's lock, 11 minutes old: its planner was killed (planning takes seconds)
    const again = tempDir();
    mkdirSync(join(again, 'batches'), { recursive: true });
    const stale = join(again, 'batches', '.planning.lock');
    writeFileSync(stale, JSON.stringify({ host: 'another-node', pid: 1, at: '2000-01-01T00:00:00Z' }));
    const old = new Date(Date.now() - 11 * 60_000);
    utimesSync(stale, old, old);
    const next = await collect(pipe(fromArray(records(['bucket q1'])), generateStage(ctxFor({ batchPollMs: 20 }, again))));
    expect(next.map((r) => generated(r).length)).toEqual([1]);
  });

  it('handles a batch that completes with only an error file', async () => {
    const ctx = ctxFor();
    const out = await collect(pipe(fromArray(records(['a [[batch-error]]', 'b [[batch-error]]'])), generateStage(ctx)));
    const [batch] = [...server.batches.values()];
    expect(batch).toMatchObject({ status: 'completed', output_file_id: null, request_counts: { completed: 0, failed: 2 } });
    expect(batch!.error_file_id).toBeTruthy();
    expect(out.map((r) => r.findings.map((f) => f.code))).toEqual([['batch-error'], ['batch-error']]);
  });

  it('a rerun resumes polling a submitted batch instead of submitting again', async () => {
    const cacheDir = tempDir();
    const abort = new AbortController();
    const first = Object.assign(ctxFor({ batchPollMs: 20 }, cacheDir), { signal: abort.signal });
    const running = collect(pipe(fromArray(records()), generateStage(first)));
    // stop the run as soon as the batch exists (as a kill would), before it completes
    while (server.batches.size === 0) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    await running;
    const [job] = readdirSync(join(cacheDir, 'batches')).filter((n) => n.endsWith('.json'));
    expect(JSON.parse(readFileSync(join(cacheDir, 'batches', job!), 'utf8'))).toMatchObject({ status: 'submitted' });
    expect([...server.batches.values()][0]!.status).not.toBe('completed');

    const second = ctxFor({}, cacheDir);
    const out = await collect(pipe(fromArray(records()), generateStage(second)));
    expect(server.batches.size).toBe(1);
    expect(server.batchLines()).toBe(prompts.length);
    expect(out.filter((r) => generated(r).length)).toHaveLength(prompts.length - 1);
    expect(second.lines.some((l) => /resuming 1 unfinished batch job/.test(l))).toBe(true);
  });

  it('adopts a batch created by a run killed before it saved the batch id', async () => {
    const cacheDir = tempDir();
    const ctx = ctxFor({}, cacheDir);
    const client = new ChatClient(ctx);
    const api = client.openai()!;
    const { toFile } = await import('openai');
    const requests = records().map((r) => client.request(user(r.prompt)));
    const [chunk] = chunkRequests(requests, { maxRequests: 50_000, maxBytes: 200 << 20 });
    const file = await api.files.create({ file: await toFile(Buffer.from(chunk!.jsonl), 'in.jsonl'), purpose: 'batch' });
    await api.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    // the job file as the killed run left it: uploaded, no batch id
    writeFileAtomic(
      join(cacheDir, 'batches', 'job-killed.json'),
      JSON.stringify({ id: 'job-killed', model: 'gpt-4o', keys: chunk!.keys, status: 'uploaded', inputFileId: file.id, createdAt: new Date().toISOString() }),
    );
    const { BatchRunner } = await import('./batch');
    const runner = new BatchRunner(new ChatClient(ctxFor({}, cacheDir)));
    await runner.run(requests);
    expect(server.batches.size).toBe(1);
    expect(server.batchLines()).toBe(prompts.length);
    expect(client.cache.keys()).toHaveLength(prompts.length - 1);
    expect(existsSync(join(cacheDir, 'batches', 'job-killed.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(cacheDir, 'batches', 'job-killed.json'), 'utf8')).status).toBe('done');
  });

  it('an expired batch keeps the answers it has; the rest is audited as batch-expired and resubmitted next run', async () => {
    const expiring = await startOpenAIServer({ batchPolls: 1, batchOutcome: 'expired' });
    try {
      const cacheDir = tempDir();
      const ctx = testContext({ model: 'gpt-4o', baseUrl: expiring.url, cacheDir, batch: true });
      const list = ['a', 'b', 'c', 'd'].map((x) => `bucket ${x}`);
      const out = await collect(pipe(fromArray(records(list)), generateStage(ctx)));
      expect([...expiring.batches.values()][0]!.status).toBe('expired');
      expect(out.filter((r) => generated(r).length)).toHaveLength(2);
      expect(out.filter((r) => r.findings.some((f) => f.code === 'batch-expired'))).toHaveLength(2);
      await collect(pipe(fromArray(records(list)), generateStage(testContext({ model: 'gpt-4o', baseUrl: expiring.url, cacheDir, batch: true }))));
      expect(expiring.batchLines()).toBe(2 + 1);
      expect(expiring.batches.size).toBe(2);
    } finally {
      await expiring.close();
    }
  });

  it('a batch that fails validation audits every request with the API\'s reason', async () => {
    const rejecting = await startOpenAIServer({ batchPolls: 1, batchOutcome: 'failed' });
    try {
      const ctx = testContext({ model: 'gpt-4o', baseUrl: rejecting.url, cacheDir: tempDir(), batch: true });
      const out = await collect(pipe(fromArray(records(['x', 'y'])), generateStage(ctx)));
      expect(out.map((r) => r.findings.map((f) => f.code))).toEqual([['batch-error'], ['batch-error']]);
      expect(out[0]!.findings[0]!.detail).toMatch(/token_limit_exceeded: Enqueued token limit reached/);
      expect(out[0]!.findings[0]!.summary).toBe('Batch failed validation');
    } finally {
      await rejecting.close();
    }
  });

  it('without an API key for a remote API, submits nothing and audits every request as no-api-key', async () => {
    const cacheDir = tempDir();
    const ctx = testContext({ model: 'gpt-4o', baseUrl: 'https://api.example.invalid/v1', cacheDir, batch: true });
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const out = await collect(pipe(fromArray(records(['x'])), generateStage(ctx)));
      expect(out[0]!.findings.map((f) => f.code)).toEqual(['no-api-key']);
      expect(readdirSync(join(cacheDir, 'batches'))).toEqual([]);
      expect(ctx.warnings.map((w) => w.summary)).toEqual(['Generation skipped: no API key']);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});
