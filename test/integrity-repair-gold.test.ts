import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, fromArray, pipe, type TaskRecord } from '@tfpairs/core';
import { goldGateStage } from '@tfpairs/filter';
import { verifyStage } from '@tfpairs/verify';
import { configurationSimilarity, repairStage } from '@tfpairs/generate/repair';
import { startOpenAIServer, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';
import { taskRecord, tempDir, testContext } from '@tfpairs/generate/testing/fixtures';

// issue 14's case: a "2-node Redshift cluster" whose repair became an S3 bucket
const REDSHIFT_BROKEN = 'resource "aws_redshift_cluster" "c" {\n  cluster_identifier = "c"\n  node_type = "dc2.large"\n  number_of_nodes = 2\n  bogus_argument = 1\n}\n';
const REDSHIFT_FIXED = 'resource "aws_redshift_cluster" "c" {\n  cluster_identifier = "c"\n  node_type          = "dc2.large"\n  number_of_nodes    = 2\n  master_username    = "admin"\n  master_password    = "Passw0rd1234"\n}\n';
const S3_INSTEAD = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n';

describe('gold repair is opt-in, audited and floored (issue 14)', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      respond: (call) => {
        const asked = call.messages.map((m) => m.content).join('\n');
        return { kind: 'answer', content: `\`\`\`hcl\n${asked.includes('[[off-task]]') ? S3_INSTEAD : REDSHIFT_FIXED}\`\`\`\n` };
      },
    });
  });
  afterAll(() => server.close());

  const records = () => [taskRecord('A 2-node Redshift cluster [[on-task]]', REDSHIFT_BROKEN, [], 1), taskRecord('A 2-node Redshift cluster [[off-task]]', REDSHIFT_BROKEN, [], 2)];
  const run = async (repairGold: boolean) => {
    const ctx = testContext({ model: 'gpt-4o', baseUrl: server.url, cacheDir: tempDir(), maxRetries: 0, repairTurns: 1, repairGold });
    const out = (await collect(pipe(fromArray(records()), verifyStage(ctx), repairStage(ctx), goldGateStage(ctx)))) as TaskRecord[];
    return { ctx, out };
  };

  it('without --repair-gold no gold is changed: invalid gold is dropped by the gate', async () => {
    const before = server.chatRequests();
    const { out } = await run(false);
    expect(server.chatRequests()).toBe(before);
    for (const r of out) {
      expect(r.status).toBe('dropped');
      expect(r.gold!.origin).toBe('reference');
      expect(r.gold!.raw).toBe(REDSHIFT_BROKEN);
    }
  });

  it('with --repair-gold: an on-task repair replaces the gold with a warning and the original kept; an off-task one drops the record', async () => {
    const { out, ctx } = await run(true);
    const [onTask, offTask] = out as [TaskRecord, TaskRecord];
    expect(onTask.status).toBe('kept');
    expect(onTask.gold!.origin).toBe('repaired');
    expect(onTask.gold!.revisions[0]).toEqual({ stage: 'original', text: REDSHIFT_BROKEN });
    const warning = onTask.findings.find((f) => f.code === 'gold-repaired')!;
    expect(warning).toMatchObject({ severity: 'warning', subject: 'gold', dropped: false });
    expect(warning.detail).toContain('similarity to the original 1.00');

    expect(offTask.status).toBe('dropped');
    const cause = offTask.findings.find((f) => f.dropped)!;
    expect(cause.code).toBe('repaired-gold-off-task');
    expect(cause.detail).toContain('resource.aws_redshift_cluster');
    expect(cause.detail).toContain('resource.aws_s3_bucket');
    expect(offTask.gold!.origin).toBe('reference');
    expect(offTask.gold!.trajectory![0]!.code).toContain('aws_s3_bucket');
    expect(ctx.metrics.get('repair.gold_rejected')).toBe(1);
  });

  it('the similarity is over declared types', () => {
    expect(configurationSimilarity(REDSHIFT_BROKEN, S3_INSTEAD)).toBe(0);
    expect(configurationSimilarity(REDSHIFT_BROKEN, REDSHIFT_FIXED)).toBe(1);
    expect(configurationSimilarity(REDSHIFT_BROKEN, REDSHIFT_FIXED + S3_INSTEAD)).toBe(0.5);
  });
});
