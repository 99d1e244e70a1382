import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collect, createRunContext, fromArray, newArtifact, parseConfig, recordId, type PipelineConfig, type TaskRecord } from '@tfpairs/core';
import { verifyCode } from '@tfpairs/verify';
import { renderFileSet } from '@tfpairs/configs/fileset';
import { AWS_4_SCHEMA, requireShared } from '../../../test/paths';
import { DRIFT_FILE, awsDriftSources, deriveDriftTable } from './drift';
import { negativesStage } from './stage';

const GOLD = `resource "aws_s3_bucket" "logs" {
  bucket        = "logs"
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}
`;
const DRAFT = `resource "aws_s3_bucket" "logs" {
  bucket     = "logs"
  versioning = true
}
`;
const PROMPT = 'Create an S3 bucket named logs with versioning enabled.';

async function record(): Promise<TaskRecord> {
  const gold = await verifyCode(GOLD);
  const draft = await verifyCode(DRAFT);
  return {
    id: recordId(PROMPT, GOLD),
    prompt: PROMPT,
    gold: newArtifact('gold', 'reference', GOLD, { verdict: gold.verdict, diagnostics: gold.diagnostics }),
    candidates: [newArtifact('d1', 'recorded', DRAFT, { verdict: draft.verdict, diagnostics: draft.diagnostics })],
    mutations: [],
    meta: {},
    provenance: { source: { path: 'tasks.jsonl', line: 1 }, format: 'jsonl', stages: {} },
    split: 'train',
    findings: [],
    status: 'kept',
  };
}

const configWith = (negatives: unknown): PipelineConfig => ({ ...parseConfig({}), negatives }) as PipelineConfig;

describe('negativesStage', () => {
  it('adds verified negatives to kept records with a valid gold and counts them per operator', async () => {
    const ctx = createRunContext(configWith({ count: 4, mix: 'uniform', seed: 2 }));
    const [out] = await collect(negativesStage(ctx)(fromArray([await record()])));
    expect(out!.synthetic).toHaveLength(4);
    expect(out!.provenance.stages.negatives).toBeDefined();
    const made = [...ctx.metrics].filter(([k]) => k.startsWith('negatives.made.')).reduce((a, [, v]) => a + v, 0);
    expect(made).toBe(4);
    for (const n of out!.synthetic!) expect((await verifyCode(n.code)).verdict).toBe('invalid');
  });

  it('gives a record the same negatives whatever came before it (a shard sees other records)', async () => {
    const r = await record();
    const VPC = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n';
    const other = { ...r, id: recordId('Make a VPC.', VPC), prompt: 'Make a VPC.', gold: newArtifact('gold', 'reference', VPC, { verdict: 'valid' as const, diagnostics: [] }), candidates: [] };
    const alone = await collect(negativesStage(createRunContext(configWith({ count: 6, mix: 'real', seed: 3 })))(fromArray([r])));
    const after = await collect(negativesStage(createRunContext(configWith({ count: 6, mix: 'real', seed: 3 })))(fromArray([other, r])));
    expect(after[1]!.synthetic).toEqual(alone[0]!.synthetic);
    expect(alone[0]!.synthetic!.length).toBeGreaterThan(0);
  });

  it('writes a negative text once per split group (a group is never cut by --shard)', async () => {
    const r = await record();
    const inGroup = (rec: TaskRecord, id: string, group: string): TaskRecord => ({ ...rec, id, provenance: { ...rec.provenance, group: { id: group, size: 2 } } });
    const ctx = createRunContext(configWith({ count: 3, mix: 'uniform', seed: 5 }));
    const out = await collect(negativesStage(ctx)(fromArray([inGroup(r, 'a', 'g1'), inGroup(r, 'b', 'g1'), inGroup(r, 'c', 'g2')])));
    const [a, b, c] = out.map((o) => o.synthetic!.map((n) => n.code));
    expect([a!.length, c!.length]).toEqual([3, 3]);
    // within group g1 no text twice: what b drew and a already had is counted, not written
    expect(new Set([...a!, ...b!]).size).toBe(a!.length + b!.length);
    const duplicates = [...ctx.metrics].filter(([k]) => k.startsWith('negatives.duplicate.')).reduce((n, [, v]) => n + v, 0);
    expect(b!.length + duplicates).toBe(3);
    // each record draws on its own: one gold in two tasks does not give the same three negatives
    expect(b!.length).toBeGreaterThan(0);
  });

  it('leaves a gold that is a file set (a task with local modules) alone', async () => {
    const r = await record();
    const files = renderFileSet([{ path: 'main.tf', text: GOLD }, { path: 'modules/m/main.tf', text: 'variable "x" {}\n' }]);
    const ctx = createRunContext(configWith({ count: 2 }));
    const [out] = await collect(negativesStage(ctx)(fromArray([{ ...r, gold: { ...r.gold!, code: files } }])));
    expect(out!.synthetic).toBeUndefined();
    expect(ctx.metrics.get('negatives.skipped-file-set')).toBe(1);
  });

  it('counts the real drafts\' error kinds beside the synthetic ones', async () => {
    const ctx = createRunContext(configWith({ count: 2, mix: 'uniform', seed: 1 }));
    await collect(negativesStage(ctx)(fromArray([await record()])));
    expect(ctx.metrics.get('negatives.real.Unsupported argument')).toBe(1);
    const synthetic = [...ctx.metrics].filter(([k]) => k.startsWith('negatives.summary.')).reduce((a, [, v]) => a + v, 0);
    expect(synthetic).toBe(2);
  });

  it('leaves records alone when count is 0 and skips an invalid gold', async () => {
    const r = await record();
    expect(await collect(negativesStage(createRunContext(configWith(undefined)))(fromArray([r])))).toEqual([r]);
    const bad = { ...r, gold: { ...r.gold!, verdict: 'invalid' as const } };
    const ctx = createRunContext(configWith({ count: 2 }));
    const [out] = await collect(negativesStage(ctx)(fromArray([bad])));
    expect(out!.synthetic).toBeUndefined();
    expect(ctx.metrics.get('negatives.skipped-unverified-gold')).toBe(1);
  });

  it('is byte-identical from run to run', async () => {
    const run = async () => JSON.stringify(await collect(negativesStage(createRunContext(configWith({ count: 5, seed: 9, mix: 'uniform' })))(fromArray([await record()]))));
    expect(await run()).toBe(await run());
  });
});

describe('drift table', () => {
  it('is what the AWS 4.36.1, 5.100.0 and 6.25.0 schemas give', () => {
    const derived = deriveDriftTable(awsDriftSources(requireShared(AWS_4_SCHEMA)));
    expect(`${JSON.stringify(derived)}\n`).toBe(readFileSync(DRIFT_FILE, 'utf8'));
    expect(derived.resources.aws_elasticache_replication_group!.arguments.replication_group_description!.in).toEqual(['4.36.1']);
  }, 60_000);
});
