import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs, ChatClient, costMicros, isLocalUrl, requestParams, retryAfterMs } from './client';
import { requestKey } from './cache';
import { startOpenAIServer, type OpenAITestServer } from './testing/openai-server';
import { tempDir, testContext } from './testing/fixtures';

const user = (content: string) => [{ role: 'user' as const, content }];

describe('retry arithmetic', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('backs off exponentially with jitter inside [half, full] and never above the cap', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
    for (let a = 0; a < 8; a++) {
      const d = backoffMs(a, 100, 5_000);
      expect(d).toBeGreaterThanOrEqual(Math.min(5_000, 100 * 2 ** a) / 2);
      expect(d).toBeLessThanOrEqual(Math.min(5_000, 100 * 2 ** a));
    }
  });

  it('prices usage per million tokens, half for batches', () => {
    const settings = testContext({ model: 'm', pricePerMInput: 2.5, pricePerMOutput: 10 }).config.generate;
    expect(costMicros(settings, { promptTokens: 1000, completionTokens: 100 }, 'sync')).toBe(3500);
    expect(costMicros(settings, { promptTokens: 1000, completionTokens: 100 }, 'batch')).toBe(1750);
  });

  it('treats only loopback hosts as local servers', () => {
    expect(isLocalUrl('http://127.0.0.1:8080/v1')).toBe(true);
    expect(isLocalUrl('http://localhost/v1')).toBe(true);
    expect(isLocalUrl('http://[::1]:1/v1')).toBe(true);
    expect(isLocalUrl('https://api.openai.com/v1')).toBe(false);
    expect(isLocalUrl(undefined)).toBe(false);
  });
});

describe('ChatClient against a local OpenAI-compatible server', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ hangLimitMs: 3_000 });
  });
  afterAll(() => server.close());

  const client = (generate: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    const ctx = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: tempDir(), ...generate }, extra);
    return { ctx, client: new ChatClient(ctx) };
  };

  it('answers, caches atomically, and an identical request is served from the cache', async () => {
    const { ctx, client: c } = client();
    const before = server.chatRequests();
    const first = await c.complete(user('An S3 bucket #1'));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.cached).toBe(false);
    expect(first.response.content).toContain('resource "aws_s3_bucket"');
    expect(first.response.usage.promptTokens).toBeGreaterThan(0);
    expect(server.chatRequests() - before).toBe(1);
    // a second client on the same folder (a rerun) reads it without a request
    const again = new ChatClient(testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: c.cache.dir }));
    const second = await again.complete(user('An S3 bucket #1'));
    expect(second.ok && second.cached).toBe(true);
    expect(server.chatRequests() - before).toBe(1);
    const files = readdirSync(join(c.cache.responsesDir, first.key.slice(0, 2)));
    expect(files).toEqual([`${first.key}.json`]);
    const entry = JSON.parse(readFileSync(c.cache.pathFor(first.key), 'utf8'));
    expect(entry.request).toMatchObject({ model: 'gpt-4o', params: { temperature: 0, max_tokens: 2048 } });
    expect(ctx.metrics.get('generate.requests')).toBe(1);
    expect(ctx.metrics.get('generate.cost_usd_micros')).toBeGreaterThan(0);
  });

  it('sends every configured parameter, the token limit under the configured name', () => {
    const ctx = testContext({ model: 'o3-mini', tokenLimitParam: 'max_completion_tokens', maxTokens: 500, seed: 7, topP: 0.9, extraParams: { stop: ['END'], stream: true, model: 'x' } });
    expect(requestParams(ctx.config.generate)).toEqual({ temperature: 0, max_completion_tokens: 500, seed: 7, top_p: 0.9, stop: ['END'] });
  });

  it('keys on model, every param and the messages', () => {
    const base = { model: 'gpt-4o', params: { temperature: 0, max_tokens: 10 }, messages: user('x') };
    const k = requestKey(base);
    expect(requestKey({ ...base, params: { max_tokens: 10, temperature: 0 } })).toBe(k);
    expect(requestKey({ ...base, model: 'gpt-4o-mini' })).not.toBe(k);
    expect(requestKey({ ...base, params: { temperature: 0.2, max_tokens: 10 } })).not.toBe(k);
    expect(requestKey({ ...base, params: { temperature: 0, max_tokens: 10, seed: 1 } })).not.toBe(k);
    expect(requestKey({ ...base, messages: user('y') })).not.toBe(k);
  });

  it('waits out a 429 (retry-after-ms) and retries until it succeeds', async () => {
    const { ctx, client: c } = client();
    const r = await c.complete(user('A bucket [[429:2]]'));
    expect(r.ok).toBe(true);
    const log = server.log.filter((l) => l.key === r.key);
    expect(log.map((l) => l.status)).toEqual([429, 429, 200]);
    // the server asked for 30 ms between attempts (a lower bound, not a speed assertion)
    expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(29);
    expect(ctx.metrics.get('generate.retries')).toBe(2);
    expect(ctx.metrics.get('generate.rate_limited')).toBe(2);
  });

  it('honours retry-after in seconds', async () => {
    const { client: c } = client({ retryMaxDelayMs: 2_000, retryBaseMs: 1 });
    const r = await c.complete(user('A bucket [[429s:1]]'));
    expect(r.ok).toBe(true);
    const log = server.log.filter((l) => l.key === r.key);
    expect(log.map((l) => l.status)).toEqual([429, 200]);
    expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it('retries 503 with backoff and gives up after the cap with a stable code', async () => {
    const { ctx, client: c } = client({ maxRetries: 3 });
    const ok = await c.complete(user('A bucket [[503:2]]'));
    expect(ok.ok).toBe(true);
    const bad = await c.complete(user('A bucket [[fail]]'));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.code).toBe('server-error');
    expect(bad.attempts).toBe(4);
    expect(bad.detail).toMatch(/gave up after 4 attempts/);
    expect(server.log.filter((l) => l.key === bad.key)).toHaveLength(4);
    expect(ctx.metrics.get('generate.failed')).toBe(1);
  });

  it('does not retry a request the API rejects', async () => {
    const { client: c } = client();
    const bad = await c.complete(user('A bucket [[bad-request]]'));
    expect(!bad.ok && bad.code).toBe('api-error');
    expect(server.log.filter((l) => l.key === bad.key)).toHaveLength(1);
  });

  it('times out a request that hangs and retries it', async () => {
    const { ctx, client: c } = client({ timeoutMs: 300 });
    const r = await c.complete(user('A bucket [[hang:1]]'));
    expect(r.ok).toBe(true);
    expect(server.log.filter((l) => l.key === r.key).length).toBe(2);
    expect(ctx.metrics.get('generate.retries')).toBe(1);
  });

  it('keeps requests in flight within the concurrency bound and shares identical ones', async () => {
    const isolated = await startOpenAIServer();
    try {
      const ctx = testContext({ model: 'gpt-4o', baseUrl: isolated.url, cacheDir: tempDir(), concurrency: 2 });
      const c = new ChatClient(ctx);
      const prompts = Array.from({ length: 8 }, (_, i) => `bucket ${i} [[slow:150]]`);
      const results = await Promise.all([...prompts, prompts[0]!, prompts[1]!].map((p) => c.complete(user(p))));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(isolated.chatRequests()).toBe(8);
      expect(isolated.maxInFlight()).toBeLessThanOrEqual(2);
      expect(isolated.maxInFlight()).toBe(2);
    } finally {
      await isolated.close();
    }
  });

  it('offline: cache hits only, a miss is offline-cache-miss and nothing is sent', async () => {
    const { client: online } = client();
    await online.complete(user('offline hit'));
    const before = server.chatRequests();
    const offline = new ChatClient(testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: online.cache.dir }, { offline: true }));
    expect((await offline.complete(user('offline hit'))).ok).toBe(true);
    const miss = await offline.complete(user('offline miss'));
    expect(!miss.ok && miss.code).toBe('offline-cache-miss');
    expect(server.chatRequests()).toBe(before);
  });

  it('without a key for a remote API, fails with no-api-key and a run warning, sending nothing', async () => {
    const ctx = testContext({ model: 'gpt-4o', baseUrl: 'https://api.example.invalid/v1', cacheDir: tempDir() });
    const c = new ChatClient(ctx, { env: {} });
    const r = await c.complete(user('x'));
    expect(!r.ok && r.code).toBe('no-api-key');
    expect(ctx.warnings.map((w) => w.summary)).toEqual(['Generation skipped: no API key']);
  });

  it('takes the base URL from OPENAI_BASE_URL when --base-url is not given', async () => {
    const ctx = testContext({ model: 'gpt-4o', cacheDir: tempDir() });
    const c = new ChatClient(ctx, { env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: '' } });
    const before = server.chatRequests();
    expect((await c.complete(user('via env'))).ok).toBe(true);
    expect(server.chatRequests() - before).toBe(1);
  });

  it('a corrupt cache entry is a miss, not a crash', async () => {
    const { client: c } = client();
    const r = await c.complete(user('corrupt me'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(c.cache.pathFor(r.key), '{"key": "trunc');
    const again = new ChatClient(testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: c.cache.dir }));
    const before = server.chatRequests();
    expect((await again.complete(user('corrupt me'))).ok).toBe(true);
    expect(again.cache.corrupt).toBeGreaterThanOrEqual(1);
    expect(server.chatRequests() - before).toBe(1);
  });
});
