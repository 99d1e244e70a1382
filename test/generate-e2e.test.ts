import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNdjson } from '@tfpairs/core';
import { ResponseCache } from '@tfpairs/generate/cache';
import { scriptedResponder, startOpenAIServer, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';
import { CLI_BIN, IAC_EVAL_CSV, REPO, requireShared } from './paths';
import { cli } from './cli';

const GOLD = (name: string) => `resource "aws_s3_bucket" "${name}" {\n  bucket = "${name}-bucket"\n}\n`;
const BROKEN_DRAFT = 'resource "aws_s3_bucket" "draft" {\n  bucket = "draft"\n';

function writeTasks(dir: string, tasks: { prompt: string; gold: string; drafts?: string[] }[]): string {
  const path = join(dir, 'tasks.jsonl');
  writeFileSync(path, tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
  return path;
}

/** one response cache for this file's runs (never the user's) */
const CACHE = mkdtempSync(join(tmpdir(), 'tfpairs-gen-e2e-cache-'));

async function build(args: string[], env: Record<string, string> = {}) {
  const { stderr } = await cli(['build', '--no-report', '--retry-base-ms', '5', ...args], {
    cwd: REPO,
    env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', TFPAIRS_CACHE_DIR: CACHE, ...env },
  });
  return stderr;
}

const manifest = (out: string) => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
type Rec = { id: string; prompt: string; status: string; candidates: { origin: string; generation?: { model: string | null; cached?: boolean } }[] };

describe('tfpairs build --model (real CLI against a local OpenAI-compatible server)', () => {
  let server: OpenAITestServer;
  let dir: string;
  let input: string;
  const prompts = [
    'Create an S3 bucket for build logs.',
    'Create an S3 bucket [[429:2]] for static assets.',
    'Create an S3 bucket [[503:1]] for database backups.',
    'Create an S3 bucket [[broken]] for media uploads.',
    'Create an S3 bucket [[fail]] for nothing.',
    'Create an S3 bucket [[truncate]] for reports.',
  ];
  beforeAll(async () => {
    server = await startOpenAIServer({ batchPolls: 2 });
    dir = mkdtempSync(join(tmpdir(), 'tfpairs-gen-e2e-'));
    input = writeTasks(
      dir,
      prompts.map((prompt, i) => ({ prompt, gold: GOLD(`g${i}`), ...(prompt.includes('[[broken]]') ? { drafts: [BROKEN_DRAFT] } : {}) })),
    );
  });
  afterAll(() => server.close());

  it('drafts a baseline per prompt through rate limits and failures; an identical rerun sends nothing; a new model regenerates all', async () => {
    const out = join(dir, 'out');
    const common = ['--input', input, '--out', out, '--base-url', server.url, '--max-retries', '3', '--mutations', '1'];
    const before = server.chatRequests();
    const stderr = await build([...common, '--model', 'gpt-4o']);
    expect(stderr).toMatch(/generate: 6 done, \d+ requests, 0 cached, \d+ retried, 1 failed/);
    const first = server.chatRequests() - before;
    const m = manifest(out);
    // [[fail]] fails twice: its draft and its mutation request
    expect(m.metrics.generate).toMatchObject({ failed: 2 });
    expect(m.metrics.generate.requests).toBe(first);
    expect(m.metrics.generate.retries).toBeGreaterThanOrEqual(2 + 1 + 3);
    expect(m.metrics.generate.prompt_tokens).toBeGreaterThan(0);
    expect(m.metrics.generate.cost_usd_micros).toBeGreaterThan(0);

    const records = await readNdjson<Rec>(join(out, 'records.jsonl'));
    const drafted = records.filter((r) => r.candidates.some((c) => c.origin === 'generated' && c.generation?.model === 'gpt-4o'));
    expect(drafted.map((r) => r.prompt).sort()).toEqual(prompts.filter((p) => !p.includes('[[fail]]')).sort());
    const audit = await readNdjson<{ stage: string; code: string; dropped: boolean }>(join(out, 'audit.jsonl'));
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ stage: 'generate', code: 'server-error', dropped: false })]));
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ stage: 'generate', code: 'truncated' })]));
    // the broken recorded draft was repaired: a post-edit DPO pair; each verified gold got a mutation
    const postedit = (await Promise.all(['train', 'val', 'test'].map((s) => readNdjson<{ rejected: string; chosen: string }>(join(out, 'dpo-postedit', `${s}.jsonl`))))).flat();
    expect(postedit.some((p) => p.rejected.includes('"draft"'))).toBe(true);
    const mutn = (await Promise.all(['train', 'val', 'test'].map((s) => readNdjson<{ utterance: string }>(join(out, 'tf-mutn', `${s}.jsonl`))))).flat();
    expect(mutn.length).toBe(prompts.length - 1); // [[fail]] cannot mutate either

    const tfGen = () => ['train', 'val', 'test'].map((s) => readFileSync(join(out, 'dpo', `${s}.jsonl`), 'utf8')).join('');
    const firstDpo = tfGen();
    // identical rerun: every answer (drafts, repairs, mutations) comes from OUT/cache; only the two
    // requests that failed ([[fail]]'s draft and its mutation) are tried again
    const before2 = server.chatRequests();
    await build([...common, '--model', 'gpt-4o', '--max-retries', '0']);
    expect(server.chatRequests() - before2).toBe(2);
    expect(manifest(out).metrics.generate.cached).toBeGreaterThanOrEqual(prompts.length - 1);
    expect(tfGen()).toBe(firstDpo);

    // --offline: nothing at all is sent, the pipeline still completes from the cache
    const before3 = server.chatRequests();
    await build([...common, '--model', 'gpt-4o', '--offline']);
    expect(server.chatRequests()).toBe(before3);
    expect(tfGen()).toBe(firstDpo);

    // a new model: every baseline is drafted again
    const before4 = server.chatRequests();
    await build([...common, '--model', 'gpt-4o-mini']);
    expect(server.chatRequests() - before4).toBeGreaterThanOrEqual(prompts.length);
    const again = await readNdjson<Rec>(join(out, 'records.jsonl'));
    expect(again.filter((r) => r.candidates.some((c) => c.origin === 'generated' && c.generation?.model === 'gpt-4o-mini' && c.generation.cached === false))).toHaveLength(prompts.length - 1);
  }, 300_000);

  it('--batch drafts the same baselines, repairs and mutations through Files + Batches only', async () => {
    const out = join(dir, 'out-batch');
    const lines = server.batchLines();
    const chat = server.chatRequests();
    const args = ['--input', input, '--out', out, '--base-url', server.url, '--model', 'gpt-4o-batch', '--batch', '--batch-poll-ms', '10', '--mutations', '1'];
    const stderr = await build(args);
    expect(server.chatRequests()).toBe(chat);
    const records = await readNdjson<Rec>(join(out, 'records.jsonl'));
    // [[fail]] lands in the error file; every other prompt has its draft
    expect(records.filter((r) => r.candidates.some((c) => c.origin === 'generated' && c.generation?.model === 'gpt-4o-batch'))).toHaveLength(prompts.length - 1);
    expect(records.some((r) => r.candidates.some((c) => c.origin === 'repaired' && c.generation?.model === 'gpt-4o-batch'))).toBe(true);
    const m = manifest(out).metrics.generate;
    expect(m.batch_requests).toBe(server.batchLines() - lines);
    expect(m.batch_requests).toBeGreaterThan(prompts.length);
    expect(stderr).toMatch(/repair: \d+ batch round\(s\)/);
    expect(stderr).toMatch(/mutate: \d+ batch round\(s\)/);
    const mutn = (await Promise.all(['train', 'val', 'test'].map((s) => readNdjson<{ utterance: string }>(join(out, 'tf-mutn', `${s}.jsonl`))))).flat();
    expect(mutn.length).toBe(prompts.length - 1);
    // rerun: only the failed lines go out again ([[fail]]'s draft and its mutation)
    const linesBefore = server.batchLines();
    await build(args);
    expect(server.batchLines() - linesBefore).toBe(2);
    expect(server.chatRequests()).toBe(chat);
  }, 180_000);

  it('a killed run resumes without sending again what it had already received', async () => {
    const resumeDir = mkdtempSync(join(tmpdir(), 'tfpairs-gen-kill-'));
    const many = Array.from({ length: 24 }, (_, i) => ({ prompt: `Create S3 bucket number ${i} for team ${i} [[slow:60]]`, gold: GOLD(`k${i}`) }));
    const tasks = writeTasks(resumeDir, many);
    const out = join(resumeDir, 'out');
    const args = [CLI_BIN, 'build', '--no-report', '--input', tasks, '--out', out, '--base-url', server.url, '--model', 'gpt-4o-kill', '--concurrency', '2', '--repair-turns', '0', '--cache-dir', join(out, 'cache')];
    const answeredBefore = new Set(server.answered.keys());
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: 'ignore', env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', TFPAIRS_CACHE_DIR: join(out, 'cache') } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
    const answeredNow = () => [...server.answered.keys()].filter((k) => !answeredBefore.has(k)).length;
    while (answeredNow() < 6) {
      if (child.exitCode !== null) throw new Error('the build finished before it could be killed');
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    expect(await exited).toBeNull();

    const cache = new ResponseCache(join(out, 'cache'));
    const cachedAfterKill = new Set(cache.keys());
    // 6 answers were sent; at most 2 (the concurrency) were still on their way into the cache
    expect(cachedAfterKill.size).toBeGreaterThanOrEqual(4);
    expect(cachedAfterKill.size).toBeLessThan(many.length);
    // every entry that exists is complete (atomic writes)
    for (const key of cachedAfterKill) expect(cache.get(key)).toBeDefined();

    const receivedFrom = server.received.length;
    await build(['--input', tasks, '--out', out, '--base-url', server.url, '--model', 'gpt-4o-kill', '--concurrency', '2', '--repair-turns', '0', '--cache-dir', join(out, 'cache')]);
    const resent = server.received.slice(receivedFrom).map((r) => r.key);
    const records = await readNdjson<Rec & { findings: unknown[] }>(join(out, 'records.jsonl'));
    // (requests are counted when they arrive: a killed run's late answers are not the rerun's requests)
    expect(resent.filter((k) => cachedAfterKill.has(k))).toEqual([]);
    expect(new Set(resent).size).toBe(resent.length);
    expect(resent.length).toBe(many.length - cachedAfterKill.size);
    expect(records.filter((r) => r.candidates.some((c) => c.origin === 'generated'))).toHaveLength(many.length);
    // each prompt was answered at most once more than the requests in flight at the kill (2)
    const answeredTwice = many.length - [...server.answered.entries()].filter(([k, n]) => !answeredBefore.has(k) && n === 1).length;
    expect(answeredTwice).toBeLessThanOrEqual(2);
  }, 180_000);

  it('--batch: a run killed while polling resumes the same batch instead of submitting again', async () => {
    // a batch that needs many polls, so the child is surely still polling when it is killed
    const slow = await startOpenAIServer({ batchPolls: 40 });
    try {
      const killDir = mkdtempSync(join(tmpdir(), 'tfpairs-gen-batchkill-'));
      const tasks = writeTasks(killDir, Array.from({ length: 5 }, (_, i) => ({ prompt: `Bucket ${i} for batch`, gold: GOLD(`bk${i}`) })));
      const out = join(killDir, 'out');
      const args = ['--input', tasks, '--out', out, '--base-url', slow.url, '--model', 'gpt-4o', '--batch', '--batch-poll-ms', '50', '--repair-turns', '0', '--cache-dir', join(out, 'cache')];
      const child = spawn(process.execPath, [CLI_BIN, 'build', '--no-report', ...args], { cwd: REPO, stdio: 'ignore', env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', TFPAIRS_CACHE_DIR: join(out, 'cache') } });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
      const jobs = join(out, 'cache', 'batches');
      const submitted = () =>
        existsSync(jobs) && readdirSync(jobs).some((n) => n.endsWith('.json') && JSON.parse(readFileSync(join(jobs, n), 'utf8')).status === 'submitted');
      while (!submitted() || slow.log.filter((l) => l.path.startsWith('/batches/')).length < 3) {
        if (child.exitCode !== null) throw new Error('the build finished before it could be killed');
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill('SIGKILL');
      expect(await exited).toBeNull();
      const [batch] = [...slow.batches.values()];
      expect(slow.batches.size).toBe(1);
      expect(batch!.status).not.toBe('completed');

      await build(args);
      expect(slow.batches.size).toBe(1);
      expect([...slow.files.values()].filter((f) => f.purpose === 'batch')).toHaveLength(1);
      expect(slow.batchLines()).toBe(5);
      expect(slow.chatRequests()).toBe(0);
      const records = await readNdjson<Rec>(join(out, 'records.jsonl'));
      expect(records.filter((r) => r.candidates.some((c) => c.origin === 'generated'))).toHaveLength(5);
    } finally {
      await slow.close();
    }
  }, 180_000);

  it('drafts a baseline for every IaC-Eval prompt through a server that rate-limits and fails now and then', async () => {
    // about one request in four is rate-limited and one in seven answered 503 on its first attempt
    const flaky = await startOpenAIServer({
      respond: (call) => {
        const h = parseInt(call.key.slice(0, 8), 16);
        if (call.attempt === 0 && h % 4 === 0) return { kind: 'error', status: 429, headers: { 'retry-after-ms': '10' }, message: 'Rate limit reached', code: 'rate_limit_exceeded' };
        if (call.attempt === 0 && h % 7 === 1) return { kind: 'error', status: 503, message: 'The server is overloaded or not ready yet.' };
        return scriptedResponder(call);
      },
    });
    try {
      const out = mkdtempSync(join(tmpdir(), 'tfpairs-gen-iac-'));
      const args = ['--input', requireShared(IAC_EVAL_CSV), '--out', out, '--base-url', flaky.url, '--model', 'gpt-4o', '--repair-turns', '0'];
      await build(args);
      const m = manifest(out);
      const records = await readNdjson<Rec>(join(out, 'records.jsonl'));
      // every task that reached generation (ingest and dedup drops never do)
      const tasks = records.filter((r) => r.id !== null && !(r as { findings?: { code: string; dropped: boolean }[] }).findings?.some((f) => f.dropped && f.code === 'duplicate'));
      expect(tasks.length).toBeGreaterThanOrEqual(138);
      expect(tasks.every((r) => r.candidates.some((c) => c.origin === 'generated' && c.generation?.model === 'gpt-4o'))).toBe(true);
      expect(m.metrics.generate.failed ?? 0).toBe(0);
      expect(m.metrics.generate.rate_limited).toBeGreaterThan(10);
      expect(m.metrics.generate.retries).toBeGreaterThan(m.metrics.generate.rate_limited);
      expect(m.metrics.generate.requests).toBe(tasks.length + m.metrics.generate.retries);
      expect(flaky.maxInFlight()).toBeLessThanOrEqual(4);
      const sent = flaky.chatRequests();
      await build(args);
      expect(flaky.chatRequests()).toBe(sent);
      expect(manifest(out).metrics.generate.cached).toBe(tasks.length);
    } finally {
      await flaky.close();
    }
  }, 300_000);
});
