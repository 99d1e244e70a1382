import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, deepFreeze, fromArray, pipe, type TaskRecord } from '@tfpairs/core';
import { goldGateStage } from '@tfpairs/filter';
import { intentStage } from '@tfpairs/intent';
import { verifyStage } from '@tfpairs/verify';
import { repairStage } from '@tfpairs/generate/repair';
import { startOpenAIServer, type ChatCall, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';
import { taskRecord, tempDir, testContext } from '@tfpairs/generate/testing/fixtures';
import { REPO } from './paths';
import { cli } from './cli';

// the task's intent: one S3 bucket named "logs" (IaC-Eval style, v0 Rego)
const POLICY = `package terraform.validation
import future.keywords.in
default has_bucket = false
has_bucket {
  some r in input.configuration.root_module.resources
  r.type == "aws_s3_bucket"
}
default bucket_named_logs = false
bucket_named_logs {
  some r in input.planned_values.root_module.resources
  r.type == "aws_s3_bucket"
  r.values.bucket == "logs"
}
`;
const bucket = (name: string) => `resource "aws_s3_bucket" "b" {\n  bucket = "${name}"\n}\n`;
const BROKEN = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n  bogus_argument = 1\n}\n';
const fenced = (code: string) => `\`\`\`hcl\n${code}\`\`\`\n`;

/**
 * The fake model: told about validate errors it answers a valid bucket named "assets" (meets the
 * configuration, not the intent); told that the intent is not met it answers "logs", unless the task
 * says [[stubborn]]. The feedback it gets is what is under test.
 */
function respond(call: ChatCall) {
  const task = call.messages.find((m) => m.role === 'user')!.content;
  const last = call.messages[call.messages.length - 1]!.content;
  if (last.includes('Intent not met')) return { kind: 'answer' as const, content: fenced(bucket(task.includes('[[stubborn]]') ? 'still-assets' : 'logs')) };
  return { kind: 'answer' as const, content: fenced(bucket('assets')) };
}

const lines = (path: string): unknown[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const withIntent = (r: TaskRecord, policy = POLICY): TaskRecord => deepFreeze({ ...r, meta: { ...r.meta, rego_intent: policy } });

describe('the repair loop and the intent (issue 13: false rules in the feedback; repaired = valid and meets the intent)', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ respond });
  });
  afterAll(() => server.close());

  const run = async (records: TaskRecord[], generate: Record<string, unknown> = {}) => {
    const ctx = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: tempDir(), maxRetries: 0, repairTurns: 2, ...generate });
    // as build orders them: intent before repair, and again for what repair made
    const out = (await collect(pipe(fromArray(records), verifyStage(ctx), intentStage(ctx), repairStage(ctx), intentStage(ctx), goldGateStage(ctx)))) as TaskRecord[];
    return { ctx, out };
  };

  it('a draft that validates but fails its intent gets a repair turn with the false rules and what they read; accepted once it meets the intent', async () => {
    const record = withIntent(taskRecord('One S3 bucket called logs', bucket('logs'), [bucket('assets')], 1));
    const { ctx, out } = await run([record]);
    const [r] = out as [TaskRecord];
    expect(r.status).toBe('kept');
    expect(r.gold!.intent).toEqual({ outcome: 'pass', falseRules: [] });
    const [draft, repaired] = r.candidates;
    expect(draft!.intent).toEqual({ outcome: 'fail', falseRules: ['data.terraform.validation.bucket_named_logs'] });
    expect(repaired).toMatchObject({ origin: 'repaired', repairedFrom: draft!.id, verdict: 'valid', intent: { outcome: 'pass', falseRules: [] } });
    expect(repaired!.code).toBe(bucket('logs'));
    expect(repaired!.trajectory).toHaveLength(1);
    const feedback = repaired!.trajectory![0]!.messages.at(-1)!.content;
    expect(feedback).toMatch(/^The configuration is valid, but it does not do what the task asks/);
    expect(feedback).toContain('Error: Intent not met: data.terraform.validation.bucket_named_logs');
    // the plan value the false rule read, as the plan holds it
    expect(feedback).toMatch(/planned_values\.root_module\.resources\[0\]\.values\.bucket = "assets"/);
    // the rule that held is not blamed
    expect(feedback).not.toContain('has_bucket');
    expect(r.findings.filter((f) => f.stage === 'repair')).toEqual([]);
    expect(ctx.metrics.get('repair.intent_attempted')).toBe(1);
    expect(ctx.metrics.get('repair.intent_fixed')).toBe(1);
    expect(ctx.metrics.get('repair.candidate_fixed')).toBe(1);
  });

  it('an invalid draft whose repair validates but fails the intent gets another turn, now with the false rules', async () => {
    const record = withIntent(taskRecord('One S3 bucket called logs, again', bucket('logs'), [BROKEN], 1));
    const { out } = await run([record]);
    const repaired = out[0]!.candidates[1]!;
    expect(repaired).toMatchObject({ verdict: 'valid', intent: { outcome: 'pass' } });
    const [first, second] = repaired.trajectory!;
    expect(first!.messages.at(-1)!.content).toMatch(/^`terraform validate` reported/);
    // the first answer ("assets") validated: its turn records the unmet intent, which the second turn was told
    expect(first!.code).toBe(bucket('assets'));
    expect(first!.diagnostics.map((d) => d.summary)).toEqual(['Intent not met: data.terraform.validation.bucket_named_logs']);
    expect(second!.messages.at(-1)!.content).toContain('Intent not met: data.terraform.validation.bucket_named_logs');
    expect(second!.code).toBe(bucket('logs'));
  });

  it('a repair that never meets the intent is not accepted: audited, and its candidate keeps the failing verdict', async () => {
    const record = withIntent(taskRecord('One S3 bucket called logs [[stubborn]]', bucket('logs'), [bucket('assets')], 1));
    const { ctx, out } = await run([record]);
    const r = out[0]!;
    const repaired = r.candidates[1]!;
    expect(repaired.trajectory).toHaveLength(2);
    expect(repaired).toMatchObject({ verdict: 'valid', intent: { outcome: 'fail', falseRules: ['data.terraform.validation.bucket_named_logs'] } });
    const failed = r.findings.find((f) => f.stage === 'repair')!;
    expect(failed).toMatchObject({ code: 'repair-failed', subject: `candidate:${r.candidates[0]!.id}` });
    expect(failed.summary).toBe('Draft validates but still fails its intent after 2 repair turn(s)');
    expect(ctx.metrics.get('repair.intent_fixed')).toBeUndefined();
    expect(ctx.metrics.get('repair.candidate_fixed')).toBeUndefined();
  });

  it('records without an intent: a valid draft is not repaired', async () => {
    const before = server.chatRequests();
    const { out } = await run([taskRecord('One S3 bucket, any name', bucket('logs'), [bucket('assets')], 1)]);
    expect(out[0]!.candidates).toHaveLength(1);
    expect(server.chatRequests()).toBe(before);
  });

  it('--repair-gold with an intent: the repaired gold is accepted only when it meets the intent, not by similarity', async () => {
    const onTask = withIntent(taskRecord('One S3 bucket called logs (gold)', BROKEN, [], 1));
    const offIntent = withIntent(taskRecord('One S3 bucket called logs (gold) [[stubborn]]', BROKEN, [], 2));
    const { ctx, out } = await run([onTask, offIntent], { repairGold: true });
    const [fixed, dropped] = out as [TaskRecord, TaskRecord];
    expect(fixed.status).toBe('kept');
    expect(fixed.gold).toMatchObject({ origin: 'repaired', code: bucket('logs'), intent: { outcome: 'pass' } });
    expect(fixed.findings.find((f) => f.code === 'gold-repaired')!.detail).toContain("the repair meets the task's intent");

    // same resource types as the original (the similarity floor would take it), but the intent does not hold
    expect(dropped.status).toBe('dropped');
    const cause = dropped.findings.find((f) => f.dropped)!;
    expect(cause).toMatchObject({ stage: 'repair', code: 'repaired-gold-off-task', subject: 'gold' });
    expect(cause.detail).toContain("the repair fails the task's intent");
    expect(cause.detail).toContain('data.terraform.validation.bucket_named_logs read:');
    expect(cause.detail).toContain('values.bucket = "still-assets"');
    expect(dropped.gold).toMatchObject({ origin: 'reference', raw: BROKEN });
    expect(dropped.gold!.trajectory!.at(-1)!.code).toBe(bucket('still-assets'));
    expect(ctx.metrics.get('repair.gold_fixed')).toBe(1);
    expect(ctx.metrics.get('repair.gold_rejected')).toBe(1);
  });

  it('--repair-gold without an intent (or with --intent-gate off): the similarity floor decides', async () => {
    const plain = taskRecord('One S3 bucket called logs (no intent)', BROKEN, [], 1);
    const { out } = await run([plain], { repairGold: true });
    expect(out[0]!.gold!.origin).toBe('repaired');
    expect(out[0]!.findings.find((f) => f.code === 'gold-repaired')!.detail).toContain('similarity to the original');

    const gateOff = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: tempDir(), maxRetries: 0, repairTurns: 2, repairGold: true }, { intent: { gate: 'off' } });
    const stubborn = withIntent(taskRecord('One S3 bucket called logs [[stubborn]] gate off', BROKEN, [], 1));
    const [r] = (await collect(pipe(fromArray([stubborn]), verifyStage(gateOff), intentStage(gateOff), repairStage(gateOff)))) as TaskRecord[];
    expect(r!.gold!.origin).toBe('repaired');
    expect(r!.findings.find((f) => f.code === 'gold-repaired')!.detail).toContain('similarity to the original 1.00');
    // one turn: an answer that validates ends the loop, the intent is not asked
    expect(r!.gold!.trajectory).toHaveLength(1);
    expect(r!.gold!.code).toBe(bucket('assets'));
  });

  it('tfpairs build --repair-gold: a repaired gold failing its intent is dropped with the finding, the original in records.jsonl', async () => {
    const dir = tempDir('tfpairs-intent-repair-');
    const input = join(dir, 'tasks.jsonl');
    writeFileSync(input, JSON.stringify({ prompt: 'One S3 bucket called logs [[stubborn]] (build)', gold: BROKEN, rego_intent: POLICY }) + '\n');
    const out = join(dir, 'out');
    await cli(['build', '--no-report', '--input', input, '--out', out, '--model', 'gpt-4o', '--base-url', server.url, '--repair-gold', '--repair-turns', '1', '--cache-dir', join(dir, 'cache')], {
      cwd: REPO,
      env: { OPENAI_API_KEY: 'test' },
    });
    const records = lines(join(out, 'records.jsonl')) as TaskRecord[];
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe('dropped');
    expect(records[0]!.gold!.raw).toBe(BROKEN);
    const audit = lines(join(out, 'audit.jsonl')) as { code: string; dropped: boolean; detail: string }[];
    const cause = audit.find((l) => l.dropped)!;
    expect(cause.code).toBe('repaired-gold-off-task');
    expect(cause.detail).toContain('data.terraform.validation.bucket_named_logs');
  });
});
