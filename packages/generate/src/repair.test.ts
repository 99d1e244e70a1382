import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, fromArray, pipe, type TaskRecord } from '@tfpairs/core';
import { goldGateStage } from '@tfpairs/filter';
import { verifyStage } from '@tfpairs/verify';
import { repairStage } from './repair';
import { BROKEN_CODE, goodCode, scriptedResponder, startOpenAIServer, type OpenAITestServer } from './testing/openai-server';
import { taskRecord, tempDir, testContext } from './testing/fixtures';

const VALID = 'resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n';
const DRAFT_BROKEN = 'resource "aws_s3_bucket" "draft" {\n  bucket = "draft"\n';

describe('repairStage (multi-turn self-correction)', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  const input = () => [
    taskRecord('A bucket [[broken]] for logs', BROKEN_CODE, [DRAFT_BROKEN], 1),
    taskRecord('A bucket [[always-broken]] for assets', BROKEN_CODE, [], 2),
    taskRecord('A bucket that is fine', VALID, [VALID], 3),
    taskRecord('A bucket [[fail]] for backups', BROKEN_CODE, [], 4),
  ];
  async function run(cacheDir: string, extra: Record<string, unknown> = {}) {
    const ctx = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir, maxRetries: 0, repairTurns: 2, repairGold: true }, extra);
    const before = server.chatRequests();
    const out = await collect(pipe(fromArray(input()), verifyStage(ctx), repairStage(ctx), goldGateStage(ctx)));
    return { ctx, out: out as [TaskRecord, TaskRecord, TaskRecord, TaskRecord], sent: server.chatRequests() - before };
  }

  it('repairs gold and drafts with terraform-rendered diagnostics, keeps every turn, audits what stays broken', async () => {
    const cacheDir = tempDir();
    const { ctx, out, sent } = await run(cacheDir);
    const [fixed, hopeless, fine, failing] = out;

    // gold repaired in one turn: replaced, with provenance
    expect(fixed.status).toBe('kept');
    expect(fixed.gold).toMatchObject({ origin: 'repaired', verdict: 'valid', repairedFrom: input()[0]!.gold!.id });
    expect(fixed.gold!.code).toBe(goodCode('gpt-4o', 'A bucket [[broken]] for logs'));
    const [turn] = fixed.gold!.trajectory!;
    expect(fixed.gold!.trajectory).toHaveLength(1);
    expect(turn!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(turn!.messages[2]!.content).toBe(`\`\`\`hcl\n${BROKEN_CODE.trimEnd()}\n\`\`\``);
    const feedback = turn!.messages[3]!.content;
    expect(feedback).toMatch(/^`terraform validate` reported/);
    expect(feedback).toMatch(/Error: .+\n\n {2}on main\.tf line \d+(, in [^\n]+)?:\n +\d+: /);
    expect(turn!.diagnostics).toEqual([]);

    // the draft: a NEW repaired candidate next to the original
    expect(fixed.candidates.map((c) => c.origin)).toEqual(['recorded', 'repaired']);
    const [draft, repaired] = fixed.candidates;
    expect(draft!.verdict).toBe('invalid');
    expect(repaired).toMatchObject({ repairedFrom: draft!.id, verdict: 'valid' });
    expect(repaired!.generation).toMatchObject({ model: 'gpt-4o', cached: false });
    expect(repaired!.trajectory![0]!.messages[2]!.content).toContain('"draft"');

    // two turns without success: the gold keeps its text and diagnostics, gains the trajectory, is dropped by the gate
    expect(hopeless.gold!.origin).toBe('reference');
    expect(hopeless.gold!.trajectory).toHaveLength(2);
    expect(hopeless.gold!.trajectory![1]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(hopeless.findings.map((f) => `${f.stage}/${f.code}`)).toEqual(expect.arrayContaining(['repair/repair-failed', 'verify/hcl-syntax']));
    expect(hopeless.status).toBe('dropped');

    expect(fine.candidates).toHaveLength(1);
    expect(fine.findings).toEqual([]);
    expect(failing.findings.map((f) => `${f.stage}/${f.code}`)).toEqual(['repair/server-error', 'verify/hcl-syntax']);

    // 1 (gold) + 1 (draft) + 2 (hopeless) + 1 ([[fail]]) requests
    expect(sent).toBe(5);
    expect(ctx.metrics.get('repair.gold_fixed')).toBe(1);
    expect(ctx.metrics.get('repair.candidate_fixed')).toBe(1);

    // offline rerun from the same cache: the same result, no request
    const again = await run(cacheDir, { offline: true });
    expect(again.sent).toBe(0);
    expect(again.out[0].gold!.code).toBe(fixed.gold!.code);
    expect(again.out[0].candidates[1]!.generation!.cached).toBe(true);
    expect(again.out[1].gold!.trajectory).toHaveLength(2);
    expect(again.out[3].findings.map((f) => f.code)).toEqual(['offline-cache-miss', 'hcl-syntax']);
  });

  it('does nothing with --repair-turns 0 or without a model', async () => {
    for (const generate of [{ model: 'gpt-4o', repairTurns: 0, baseUrl: server.url, cacheDir: tempDir() }, {}]) {
      const ctx = testContext(generate);
      const before = server.chatRequests();
      const verified = await collect(pipe(fromArray(input()), verifyStage(ctx)));
      const out = await collect(pipe(fromArray(verified), repairStage(ctx)));
      expect(out).toEqual(verified);
      expect(server.chatRequests()).toBe(before);
    }
  });

  it('scrubs credentials a repaired answer brings in, in the code, the raw answer and the trajectory', async () => {
    const KEY = 'AKIA4Q7ZB2XK9M3PLW8N';
    const SECRET = 'q8Vz3XkP0aLr7TbN2mYc5HdWf9GsJ4uEo1iR6tQx';
    const leaky = await startOpenAIServer({
      respond: (call) =>
        call.messages.some((m) => m.content.includes('terraform validate'))
          ? {
              kind: 'answer',
              content: `Fixed:\n\n\`\`\`hcl\nprovider "aws" {\n  region     = "us-east-1"\n  access_key = "${KEY}"\n  secret_key = "${SECRET}"\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n\`\`\`\nUse key ${KEY} to deploy.\n`,
            }
          : scriptedResponder(call),
    });
    try {
      const ctx = testContext({ model: 'gpt-4o', baseUrl: leaky.url, cacheDir: tempDir(), repairTurns: 1, repairGold: true });
      const [r] = await collect(pipe(fromArray([taskRecord('A bucket', BROKEN_CODE, [], 1)]), verifyStage(ctx), repairStage(ctx)));
      const gold = r!.gold!;
      expect(gold.origin).toBe('repaired');
      expect(gold.verdict).toBe('valid');
      const everything = JSON.stringify(gold);
      expect(everything).not.toContain(KEY);
      expect(everything).not.toContain(SECRET);
      expect(gold.code).toMatch(/access_key = "[^"]+"/);
      expect(gold.trajectory![0]!.answer).not.toContain(KEY);
      expect(r!.findings.filter((f) => f.stage === 'scrub').length).toBeGreaterThanOrEqual(2);
      expect(r!.findings.every((f) => !JSON.stringify(f).includes(SECRET))).toBe(true);
    } finally {
      await leaky.close();
    }
  });

  it('--batch: the same repairs through batch rounds (one batch per turn for all records), no synchronous request', async () => {
    const batchServer = await startOpenAIServer({ batchPolls: 1 });
    try {
      const project = (rs: TaskRecord[]) =>
        rs.map((r) => ({
          status: r.status,
          gold: [r.gold!.origin, r.gold!.verdict, r.gold!.code, r.gold!.trajectory?.length ?? 0],
          candidates: r.candidates.map((c) => [c.origin, c.verdict, c.code, c.trajectory?.map((t) => t.messages.length)]),
          findings: r.findings.map((f) => `${f.stage}/${f.code === 'batch-error' ? 'server-error' : f.code}`),
        }));
      const sync = await run(tempDir());
      const ctx = testContext({ model: 'gpt-4o', baseUrl: batchServer.url, cacheDir: tempDir(), maxRetries: 0, repairTurns: 2, repairGold: true, batch: true });
      const out = await collect(pipe(fromArray(input()), verifyStage(ctx), repairStage(ctx), goldGateStage(ctx)));
      expect(batchServer.chatRequests()).toBe(0);
      // turn 1: both [[broken]] artifacts, [[always-broken]] and [[fail]]; turn 2: [[always-broken]] only
      expect(batchServer.batches.size).toBe(2);
      expect(batchServer.batchLines()).toBe(5);
      expect(project(out)).toEqual(project(sync.out));
      expect(ctx.lines).toContain('repair: 2 batch round(s)');
    } finally {
      await batchServer.close();
    }
  });
});
