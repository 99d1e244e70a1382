import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, fromArray, pipe } from '@tfpairs/core';
import { generateStage } from '@tfpairs/generate';
import { claimFile, ResponseCache } from '@tfpairs/generate/cache';
import { ChatClient } from '@tfpairs/generate/client';
import { tempDir, taskRecord, testContext } from '@tfpairs/generate/testing/fixtures';
import { startOpenAIServer, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';

const GOLD = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n';
const prompts = ['bucket for logs', 'bucket for assets', 'bucket for backups', 'bucket for media'];
const records = () => prompts.map((p, i) => taskRecord(p, GOLD, [], i + 1));
const generated = (r: { candidates: readonly { origin: string }[] }) => r.candidates.filter((c) => c.origin === 'generated');

describe('runs sharing one response cache', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ batchPolls: 3 });
  });
  afterAll(() => server.close());

  it('two concurrent batch runs upload the batch once; both get every answer', async () => {
    const cacheDir = tempDir();
    const ctx = () => testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir, batch: true, batchPollMs: 20 });
    const [a, b] = await Promise.all([collect(pipe(fromArray(records()), generateStage(ctx()))), collect(pipe(fromArray(records()), generateStage(ctx())))]);
    expect(server.batches.size).toBe(1);
    expect(server.batchLines()).toBe(prompts.length);
    expect([...server.files.values()].filter((f) => f.purpose === 'batch')).toHaveLength(1);
    expect(a.map((r) => generated(r).length)).toEqual([1, 1, 1, 1]);
    expect(b.map((r) => generated(r).length)).toEqual([1, 1, 1, 1]);
    // no claim is left behind
    expect(readdirSync(join(cacheDir, 'batches')).filter((n) => n.endsWith('.lock'))).toEqual([]);
  });

  it('concurrent synchronous runs leave only whole entries', async () => {
    const cacheDir = tempDir();
    const clients = [0, 1, 2].map(() => new ChatClient(testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir })));
    const messages = Array.from({ length: 12 }, (_, i) => [{ role: 'user' as const, content: `bucket ${i} [[slow:20]]` }]);
    const results = await Promise.all(clients.flatMap((c) => messages.map((m) => c.complete(m))));
    expect(results.every((r) => r.ok)).toBe(true);
    const cache = new ResponseCache(cacheDir);
    expect(cache.keys()).toHaveLength(12);
    for (const key of cache.keys()) expect(cache.get(key)).toBeDefined();
    expect(cache.corrupt).toBe(0);
  });

  it('a claim is exclusive while its holder lives, and taken over from a dead one', async () => {
    const dir = tempDir();
    const path = join(dir, 'job.lock');
    const release = claimFile(path)!;
    expect(release).toBeTypeOf('function');
    expect(claimFile(path)).toBeUndefined();
    release();
    const again = claimFile(path);
    expect(again).toBeTypeOf('function');
    again!();
    // a claim written by a process that no longer exists
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    writeFileSync(path, JSON.stringify({ host: hostname(), pid: 2 ** 22 + 12345, at: '2026-01-01T00:00:00Z' }));
    const taken = claimFile(path);
    expect(taken).toBeTypeOf('function');
    taken!();
  });
});
