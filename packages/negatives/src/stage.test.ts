import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collect, createRunContext, fromArray, newArtifact, parseConfig, recordId, type PipelineConfig, type TaskRecord } from '@tfpairs/core';
import { verifyCode } from '@tfpairs/verify';
import { PairLineSchema } from '@tfpairs/write/lines';
import { AWS_4_SCHEMA, requireShared } from '../../../test/paths';
import { DRIFT_FILE, awsDriftSources, deriveDriftTable } from './drift';
import { negativesStage } from './stage';
import { syntheticLines } from './corpus';

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

  it('follows the drafts\' errors with mix real (the draft raises Unsupported argument)', async () => {
    const ctx = createRunContext(configWith({ count: 3, mix: 'real' }));
    const [out] = await collect(negativesStage(ctx)(fromArray([await record()])));
    expect(out!.synthetic!.map((n) => n.diagnostics.find((d) => d.severity === 'error')!.summary)).toEqual(['Unsupported argument', 'Unsupported argument', 'Unsupported argument']);
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

describe('syntheticLines', () => {
  it('writes DPO, post-edit (with terraform\'s rendered diagnostics) and KTO lines', async () => {
    const [out] = await collect(negativesStage(createRunContext(configWith({ count: 2, mix: 'uniform', seed: 1 })))(fromArray([await record()])));
    const lines = syntheticLines(out!);
    expect(lines['dpo-synthetic']).toHaveLength(2);
    for (const l of lines['dpo-synthetic']) {
      PairLineSchema.parse(l);
      expect(l.chosen).toBe(GOLD);
      expect(l.rejected).not.toBe(GOLD);
      expect(l.meta).toMatchObject({ source_id: out!.id, operator: expect.any(String), diagnostics: [{ summary: expect.any(String), line: expect.any(Number) }] });
    }
    const post = lines['dpo-postedit'][0]!;
    expect(post.prompt).toContain(PROMPT);
    expect(post.prompt).toContain(`Error: ${out!.synthetic![0]!.diagnostics[0]!.summary}`);
    expect(post.prompt).toContain(post.rejected.trimEnd());
    expect(post.chosen).toBe(GOLD);
    // gold true, the invalid draft false, each negative false
    expect(lines.kto.map((l) => [l.meta.origin, l.label])).toEqual([['reference', true], ['recorded', false], ['synthetic', false], ['synthetic', false]]);
  });
});

describe('drift table', () => {
  it('is what the AWS 4.36.1, 5.100.0 and 6.25.0 schemas give', () => {
    const derived = deriveDriftTable(awsDriftSources(requireShared(AWS_4_SCHEMA)));
    expect(`${JSON.stringify(derived)}\n`).toBe(readFileSync(DRIFT_FILE, 'utf8'));
    expect(derived.resources.aws_elasticache_replication_group!.arguments.replication_group_description!.in).toEqual(['4.36.1']);
  }, 60_000);
});
