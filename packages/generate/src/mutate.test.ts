import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, fromArray, pipe } from '@tfpairs/core';
import { verifyStage } from '@tfpairs/verify';
import { CHANGE_KINDS, mutateStage, parseMutationAnswer } from './mutate';
import { scriptedResponder, startOpenAIServer, type OpenAITestServer } from './testing/openai-server';
import { taskRecord, tempDir, testContext } from './testing/fixtures';

const GOLD = 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\n';

describe('parseMutationAnswer', () => {
  it('reads the "Change request:" + fenced configuration form, with or without Markdown emphasis', () => {
    const a = parseMutationAnswer('Change request: Enable versioning on the bucket.\n\n```hcl\nresource "x" "y" {}\n```\n');
    expect(a).toEqual({ utterance: 'Enable versioning on the bucket.', codeAnswer: '```hcl\nresource "x" "y" {}\n```\n' });
    expect(parseMutationAnswer('**Change request:** Add a   log bucket\nfor access logs.\n```terraform\nx\n```')!.utterance).toBe('Add a log bucket for access logs.');
  });

  it('reads JSON answers (plain or fenced)', () => {
    const json = JSON.stringify({ change_request: 'Tag it with env=prod', configuration: 'resource "a" "b" {\n  tags = { env = "prod" }\n}' });
    expect(parseMutationAnswer(json)).toEqual({ utterance: 'Tag it with env=prod', codeAnswer: '```hcl\nresource "a" "b" {\n  tags = { env = "prod" }\n}\n```\n' });
    expect(parseMutationAnswer(`Here you go:\n\`\`\`json\n${json}\n\`\`\``)!.utterance).toBe('Tag it with env=prod');
  });

  it('rejects answers without a change request or without code', () => {
    expect(parseMutationAnswer('I would rather not change anything.')).toBeUndefined();
    expect(parseMutationAnswer('```hcl\nresource "a" "b" {}\n```')).toBeUndefined();
    expect(parseMutationAnswer('{"change_request": "x"}')).toBeUndefined();
  });
});

describe('mutateStage (TF-Mutn)', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  it('writes verified, changed configurations with their change requests; audits unusable answers', async () => {
    const cacheDir = tempDir();
    const ctx = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir, mutations: 2 });
    const records = [
      taskRecord('A data bucket', GOLD, [], 1),
      taskRecord('A data bucket [[mutation-garbage]]', GOLD, [], 2),
      taskRecord('A broken one', 'resource "x" {', [], 3),
    ];
    const before = server.chatRequests();
    const [good, garbage, broken] = await collect(pipe(fromArray(records), verifyStage(ctx), mutateStage(ctx)));
    expect(server.chatRequests() - before).toBe(4);
    expect(good!.mutations).toHaveLength(2);
    for (const [i, m] of good!.mutations.entries()) {
      expect(m.initial).toBe(GOLD);
      expect(m.utterance).toMatch(/^Please also create a log bucket named logs-\w+/);
      expect(m.utterance).toContain(CHANGE_KINDS[i]!);
      expect(m.expected).toMatchObject({ origin: 'generated', verdict: 'valid' });
      expect(m.expected.code).toContain(GOLD.trim());
      expect(m.expected.code).toMatch(/resource "aws_s3_bucket" "logs_\w+"/);
      expect(m.expected.generation).toMatchObject({ model: 'gpt-4o', params: { kind: CHANGE_KINDS[i] } });
    }
    expect(new Set(good!.mutations.map((m) => m.id)).size).toBe(2);
    expect(good!.provenance.stages.mutate).toBeDefined();
    expect(garbage!.mutations).toEqual([]);
    expect(garbage!.findings.map((f) => `${f.stage}/${f.code}`)).toEqual(['mutate/mutation-unparseable', 'mutate/mutation-unparseable']);
    expect(garbage!.findings[0]!.subject).toMatch(/^mutation:/);
    expect(broken!.mutations).toEqual([]);
    expect(ctx.metrics.get('mutate.kept')).toBe(2);

    // rerun: all from the cache, identical mutations
    const again = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir, mutations: 2 }, { offline: true });
    const [good2] = await collect(pipe(fromArray(records.slice(0, 1)), verifyStage(again), mutateStage(again)));
    expect(good2!.mutations.map((m) => m.id)).toEqual(good!.mutations.map((m) => m.id));
  });

  it('keeps no credential the model brings into a change request, its code or its raw answer', async () => {
    const SECRET = 'q8Vz3XkP0aLr7TbN2mYc5HdWf9GsJ4uEo1iR6tQx';
    const KEY = 'AKIA4Q7ZB2XK9M3PLW8N';
    const leaky = await startOpenAIServer({
      respond: (call) =>
        call.messages.some((m) => m.content.includes('Change request:'))
          ? {
              kind: 'answer',
              content: `Change request: Deploy with access key ${KEY} and secret ${SECRET} in us-west-2.\n\n\`\`\`hcl\nprovider "aws" {\n  region     = "us-west-2"\n  access_key = "${KEY}"\n  secret_key = "${SECRET}"\n}\n\n${GOLD}\`\`\`\n`,
            }
          : scriptedResponder(call),
    });
    try {
      const ctx = testContext({ model: 'gpt-4o', baseUrl: leaky.url, cacheDir: tempDir(), mutations: 1 });
      const [r] = await collect(pipe(fromArray([taskRecord('A data bucket', GOLD, [], 1)]), verifyStage(ctx), mutateStage(ctx)));
      expect(r!.mutations).toHaveLength(1);
      const text = JSON.stringify(r);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(KEY);
      const [m] = r!.mutations;
      expect(m!.utterance).toMatch(/^Deploy with access key \S+ and secret \S+ in us-west-2\.$/);
      expect(m!.expected.code).toContain('region     = "us-west-2"');
      expect(r!.findings.filter((f) => f.stage === 'scrub').length).toBeGreaterThanOrEqual(2);
    } finally {
      await leaky.close();
    }
  });
});
