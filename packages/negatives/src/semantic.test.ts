import { describe, expect, it } from 'vitest';
import { collect, createRunContext, fromArray, newArtifact, parseConfig, recordId, type PipelineConfig, type TaskRecord } from '@tfpairs/core';
import { buildPlan } from '@tfpairs/plan';
import { evaluateIntent } from '@tfpairs/policy';
import { verifyCode } from '@tfpairs/verify';
import { recordIntentCheck } from '@tfpairs/intent/stage';
import { semanticNegativesFor } from './semantic';
import { negativesStage } from './stage';

// IaC-Eval's shape of intent (v0 Rego over the plan's configuration), with a gold that meets it
const POLICY = `package terraform.validation

default is_valid_zone = false

default is_valid_record = false

is_valid_zone {
    some i
    resource := input.configuration.root_module.resources[i]
    resource.type == "aws_route53_zone"
    resource.expressions.name.constant_value == "example53.com"
}

is_valid_record {
    some i
    resource := input.configuration.root_module.resources[i]
    resource.type == "aws_route53_record"
    resource.expressions.type.constant_value == "A"
    resource.expressions.ttl
}
`;
const GOLD = `provider "aws" {
  region = "us-east-1"
}

resource "aws_route53_zone" "main" {
  name = "example53.com"
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www.example53.com"
  type    = "A"
  ttl     = 300
  records = ["192.0.2.1"]
}
`;

const planOfCode = async (code: string) => (await buildPlan({ files: [{ name: 'main.tf', text: code }] })).plan;

async function negatives(seed = 1) {
  const ctx = createRunContext(parseConfig({}));
  const record = { id: recordId('p', GOLD), prompt: 'p', meta: { rego_intent: POLICY } } as unknown as TaskRecord;
  const plan = await planOfCode(GOLD);
  expect(evaluateIntent(POLICY, plan).outcome).toBe('pass');
  return semanticNegativesFor(GOLD, { policy: POLICY, plan, operators: ['intent-constant', 'intent-missing-resource'], perOperator: 3, seed, check: (code) => recordIntentCheck(ctx, record, code) });
}

describe('semanticNegativesFor', () => {
  it('makes negatives that validate and fail the intent on their own plan', async () => {
    const res = await negatives();
    expect(new Set(res.negatives.map((n) => n.operator))).toEqual(new Set(['intent-constant', 'intent-missing-resource']));
    for (const n of res.negatives) {
      expect((await verifyCode(n.code)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const verdict = evaluateIntent(POLICY, await planOfCode(n.code));
      expect(verdict.outcome, n.what).toBe('fail');
      expect(n.falseRules).toEqual(verdict.falseRules);
      expect(n.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary)).toEqual(verdict.falseRules.map((r) => `Intent not met: ${r}`));
    }
    expect(res.discarded).toEqual({ 'intent-constant': 0, 'intent-missing-resource': 0 });
  });

  it('changes only constants the intent compares, and removes only resources nothing references', async () => {
    const res = await negatives();
    const constants = res.negatives.filter((n) => n.operator === 'intent-constant');
    // the zone name and the record type are compared; ttl is only read for presence, the record name not at all
    for (const n of constants) expect(n.what).toMatch(/aws_route53_zone\.main: name = |aws_route53_record\.www: type = /);
    const removed = res.negatives.filter((n) => n.operator === 'intent-missing-resource');
    // the zone is referenced by the record: removing it would not validate
    expect(removed.map((n) => n.what)).toEqual(['- resource aws_route53_record.www']);
    expect(removed[0]!.code).not.toContain('aws_route53_record');
  });

  it('is deterministic for a seed', async () => {
    expect(JSON.stringify(await negatives(4))).toBe(JSON.stringify(await negatives(4)));
  });

  it('makes nothing when the source does not meet its intent', async () => {
    const ctx = createRunContext(parseConfig({}));
    const broken = GOLD.replace('"example53.com"', '"other.com"');
    const res = await semanticNegativesFor(broken, { policy: POLICY, plan: await planOfCode(broken), operators: ['intent-constant', 'intent-missing-resource'], check: () => recordIntentCheck(ctx, {} as TaskRecord, broken) });
    expect(res.negatives).toEqual([]);
  });

  it('runs in the negatives stage for a record whose gold meets its intent, and counts per operator', async () => {
    const ctx = createRunContext({ ...parseConfig({}), negatives: { count: 1, operators: ['intent-constant', 'intent-missing-resource'], mix: 'uniform' } } as PipelineConfig);
    const record: TaskRecord = {
      id: recordId('Make a zone and an A record.', GOLD),
      prompt: 'Make a zone and an A record.',
      gold: newArtifact('gold', 'reference', GOLD, { verdict: 'valid', intent: { outcome: 'pass', falseRules: [] } }),
      candidates: [],
      mutations: [],
      meta: { rego_intent: POLICY },
      provenance: { source: { path: 't.jsonl', line: 1 }, format: 'jsonl', stages: {} },
      split: 'train',
      findings: [],
      status: 'kept',
    };
    const [out] = await collect(negativesStage(ctx)(fromArray([record])));
    expect(out!.synthetic!.map((n) => [n.operator, n.intent?.outcome])).toEqual([
      ['intent-constant', 'fail'],
      ['intent-missing-resource', 'fail'],
    ]);
    expect(ctx.metrics.get('negatives.made.intent-constant')).toBe(1);
    expect(ctx.metrics.get('negatives.attempted.intent-missing-resource')).toBe(1);
    // validate's error distribution is not where an intent failure goes
    expect([...ctx.metrics.keys()].filter((k) => k.startsWith('negatives.summary.'))).toEqual([]);
    // a gold whose intent was not checked (intent off) gets none
    const unchecked = { ...record, gold: newArtifact('gold', 'reference', GOLD, { verdict: 'valid' }) };
    const [none] = await collect(negativesStage(createRunContext(ctx.config))(fromArray([unchecked])));
    expect(none!.synthetic).toEqual([]);
  });
});
