import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, fromArray, pipe, type TaskRecord } from '@tfpairs/core';
import { generateStage } from './stage';
import { goodCode, startOpenAIServer, type OpenAITestServer } from './testing/openai-server';
import { taskRecord, tempDir, testContext } from './testing/fixtures';

const GOLD = 'resource "aws_s3_bucket" "gold" {\n  bucket = "gold"\n}\n';
const PROMPTS = [
  'Create an S3 bucket for logs.',
  'Create an S3 bucket [[429:1]] for assets.',
  'Create a bucket [[503:1]] for backups.',
  'Create a bucket [[truncate]] with versioning.',
  'Create a bucket [[nocode]] somewhere.',
  'Create a bucket [[fail]] that never works.',
  'Create a bucket [[refuse]] for secrets.',
  'Create a bucket [[filtered]] for content.',
];

describe('generateStage', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  const records = () => PROMPTS.map((p, i) => taskRecord(p, GOLD, [], i + 1));
  async function run(generate: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const ctx = testContext({ baseUrl: server.url, maxRetries: 2, ...generate }, extra);
    const before = server.chatRequests();
    const out = await collect(pipe(fromArray(records()), generateStage(ctx)));
    return { ctx, out, sent: server.chatRequests() - before };
  }
  const generated = (r: TaskRecord) => r.candidates.filter((c) => c.origin === 'generated');

  it('drafts one candidate per prompt with provenance, audits truncation and failures, keeps every record', async () => {
    const cacheDir = tempDir();
    const { ctx, out } = await run({ model: 'gpt-4o', cacheDir });
    expect(out.map((r) => r.id)).toEqual(records().map((r) => r.id));
    expect(out.every((r) => r.status === 'kept' && r.provenance.stages.generate)).toBe(true);
    const [logs, rate, flaky, cut, prose, broken, refused, filtered] = out as TaskRecord[] as [TaskRecord, TaskRecord, TaskRecord, TaskRecord, TaskRecord, TaskRecord, TaskRecord, TaskRecord];
    for (const r of [logs, rate, flaky]) {
      const [c] = generated(r);
      expect(c!.raw).toContain(goodCode('gpt-4o', r.prompt).trim());
      expect(c!.generation).toMatchObject({ model: 'gpt-4o', finishReason: 'stop', cached: false, params: { temperature: 0, max_tokens: 2048 } });
      expect(c!.generation!.templateHash).toMatch(/^[0-9a-f]{16}$/);
      expect(c!.generation!.usage!.completionTokens).toBeGreaterThan(0);
      expect(r.findings).toEqual([]);
    }
    const [t] = generated(cut);
    expect(t!.truncated).toBe(true);
    expect(cut.findings).toEqual([expect.objectContaining({ stage: 'generate', code: 'truncated', severity: 'warning', subject: `candidate:${t!.id}` })]);
    expect(generated(prose)[0]!.raw).not.toContain('```');
    expect(generated(broken)).toEqual([]);
    expect(broken.findings).toEqual([expect.objectContaining({ stage: 'generate', code: 'server-error', dropped: false })]);
    expect(broken.gold).not.toBeNull();
    expect(generated(refused)).toEqual([]);
    expect(refused.findings).toEqual([expect.objectContaining({ stage: 'generate', code: 'refusal', detail: expect.stringContaining("I'm sorry") })]);
    expect(generated(filtered)[0]!.generation!.finishReason).toBe('content_filter');
    expect(filtered.findings.map((f) => f.code)).toEqual(['content-filter']);
    expect(ctx.metrics.get('generate.retries')).toBe(2 + 2); // 429 once, 503 once, [[fail]] twice
    expect(ctx.metrics.get('generate.failed')).toBe(1);
    expect(ctx.metrics.get('generate.prompt_tokens')).toBeGreaterThan(0);
    expect(ctx.lines.some((l) => /generate: 8 done, \d+ requests, 0 cached, 4 retried, 1 failed/.test(l))).toBe(true);
  });

  it('an identical rerun sends no request; a new model, param or template regenerates everything', async () => {
    const cacheDir = tempDir();
    const first = await run({ model: 'gpt-4o', cacheDir, maxRetries: 0 });
    expect(first.sent).toBe(PROMPTS.length);
    const failed = first.ctx.metrics.get('generate.failed')!;
    expect(failed).toBe(1);

    const again = await run({ model: 'gpt-4o', cacheDir, maxRetries: 0 });
    // only the request that failed is sent again (failures are never cached)
    expect(again.sent).toBe(failed);
    expect(again.out.flatMap(generated).every((c) => c.generation!.cached)).toBe(true);
    expect(again.out.flatMap(generated).map((c) => c.raw)).toEqual(first.out.flatMap(generated).map((c) => c.raw));
    expect(again.ctx.metrics.get('generate.cached')).toBe(PROMPTS.length - failed);

    const newModel = await run({ model: 'gpt-4o-mini', cacheDir, maxRetries: 0 });
    expect(newModel.sent).toBe(PROMPTS.length);
    expect(newModel.out.flatMap(generated).every((c) => !c.generation!.cached && c.generation!.model === 'gpt-4o-mini')).toBe(true);
    expect(generated(newModel.out[0]!)[0]!.raw).toContain(goodCode('gpt-4o-mini', PROMPTS[0]!).trim());

    const newParam = await run({ model: 'gpt-4o', cacheDir, maxRetries: 0, temperature: 0.7 });
    expect(newParam.sent).toBe(PROMPTS.length);

    const template = join(tempDir(), 'mine.txt');
    writeFileSync(template, '=== system ===\nYou write Terraform for AWS.\n=== user ===\nTask: {{prompt}}\n');
    const newTemplate = await run({ model: 'gpt-4o', cacheDir, maxRetries: 0, templateFile: template });
    expect(newTemplate.sent).toBe(PROMPTS.length);
    expect(generated(newTemplate.out[0]!)[0]!.generation!.params).toMatchObject({ template: 'mine.txt' });
    expect(generated(newTemplate.out[0]!)[0]!.generation!.templateHash).not.toBe(generated(first.out[0]!)[0]!.generation!.templateHash);
  });

  it('offline: answers from the cache only, a miss is audited as offline-cache-miss, nothing is sent', async () => {
    const cacheDir = tempDir();
    await run({ model: 'gpt-4o', cacheDir, maxRetries: 0 });
    const offline = await run({ model: 'gpt-4o', cacheDir }, { offline: true });
    expect(offline.sent).toBe(0);
    expect(offline.out[0]!.candidates).toHaveLength(1);
    const missed = offline.out.find((r) => r.prompt.includes('[[fail]]'))!;
    expect(missed.findings.map((f) => f.code)).toEqual(['offline-cache-miss']);
    const cold = await run({ model: 'gpt-4o', cacheDir: tempDir() }, { offline: true });
    expect(cold.sent).toBe(0);
    expect(cold.out.every((r) => r.status === 'kept' && r.findings.map((f) => f.code).join() === 'offline-cache-miss')).toBe(true);
  });

  it('passes records through untouched without a model, and dropped records always', async () => {
    const ctx = testContext({});
    const input = records();
    const out = await collect(pipe(fromArray(input), generateStage(ctx)));
    expect(out).toEqual(input);
  });

  it('two records answered with the same text get different candidate ids, and a rerun the same ones', async () => {
    // [[always-broken]]: the server answers every such prompt with the same text
    const twins = () => ['A bucket [[always-broken]] for logs.', 'A bucket [[always-broken]] for assets.'].map((p, i) => taskRecord(p, GOLD, [], i + 1));
    const cacheDir = tempDir();
    const once = async () => collect(pipe(fromArray(twins()), generateStage(testContext({ baseUrl: server.url, model: 'gpt-4o', cacheDir }))));
    const first = await once();
    const [a, b] = first.map((r) => generated(r)[0]!);
    expect(a!.raw).toBe(b!.raw);
    expect(first[0]!.id).not.toBe(first[1]!.id);
    expect(a!.id).not.toBe(b!.id);
    expect(a!.id).toMatch(/^[0-9a-f]{16}$/);
    // from the cache (no request), the same ids: corpora's rejected_id stays put across runs
    const before = server.chatRequests();
    const again = await once();
    expect(server.chatRequests()).toBe(before);
    expect(again.map((r) => generated(r)[0]!.id)).toEqual([a!.id, b!.id]);
  });

  it('rejects a template without {{prompt}} as a config error', () => {
    const template = join(tempDir(), 'bad.txt');
    writeFileSync(template, 'Write Terraform.');
    expect(() => generateStage(testContext({ model: 'm', baseUrl: server.url, cacheDir: tempDir(), templateFile: template }))).toThrow(/no \{\{prompt\}\} placeholder/);
    expect(() => generateStage(testContext({ model: 'm', baseUrl: server.url, cacheDir: tempDir(), templateFile: '/nonexistent/t.txt' }))).toThrow(/cannot read prompt template/);
  });
});
