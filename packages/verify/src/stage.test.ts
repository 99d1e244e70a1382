import { collect, createRunContext, deepFreeze, fromArray, newArtifact, parseConfig, recordId, type TaskRecord } from '@tfpairs/core';
import { describe, expect, it } from 'vitest';
import { goldGateStage } from '@tfpairs/filter';
import { verifyStage, VERIFY_VERSION } from './stage';
import { AWS_4_36_1 } from './test-helpers';

function record(gold: string, drafts: string[], line = 1): TaskRecord {
  return deepFreeze({
    id: recordId(`task ${line}`, gold),
    prompt: `task ${line}`,
    gold: newArtifact(`g-${line}`, 'reference', gold),
    candidates: drafts.map((d, i) => newArtifact(`c-${line}-${i}`, 'recorded', d)),
    mutations: [],
    meta: {},
    provenance: { source: { path: 'tasks.jsonl', line }, format: 'jsonl', stages: {} },
    split: null,
    findings: [],
    status: 'kept',
  } satisfies TaskRecord);
}

const VALID = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n';
const SCHEMA_ERRORS = 'resource "aws_elasticache_user" "u" {\n  username = "x"\n}\n';
const SYNTAX_ERROR = 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n';

describe('verifyStage + goldGateStage', () => {
  it('verifies gold and candidates, drops invalid gold with every diagnostic audited, never drops for candidates', async () => {
    const ctx = createRunContext(parseConfig({ verify: { schemas: [AWS_4_36_1] } }));
    const input = [record(VALID, [SCHEMA_ERRORS, VALID], 1), record(SCHEMA_ERRORS, [VALID], 2), record(SYNTAX_ERROR, [], 3)];
    const out = await collect(goldGateStage(ctx)(verifyStage(ctx)(fromArray(input))));
    expect(out.map((r) => r.status)).toEqual(['kept', 'dropped', 'dropped']);

    const [kept, invalid, syntax] = out as [TaskRecord, TaskRecord, TaskRecord];
    expect(kept.gold!.verdict).toBe('valid');
    expect(kept.gold!.verifiedBy).toBe('embedded');
    expect(kept.candidates.map((c) => c.verdict)).toEqual(['invalid', 'valid']);
    expect(kept.candidates[0]!.diagnostics.map((d) => d.summary)).toEqual(['Missing required argument', 'Missing required argument', 'Missing required argument', 'Missing required argument', 'Unsupported argument']);
    expect(kept.findings).toEqual([]);
    expect(kept.provenance.stages).toMatchObject({ verify: VERIFY_VERSION, 'verify-gate': VERIFY_VERSION });

    expect(invalid.findings.every((f) => f.stage === 'verify' && f.code === 'invalid-gold' && f.subject === 'gold')).toBe(true);
    expect(invalid.findings).toHaveLength(invalid.gold!.diagnostics.length);
    const cause = invalid.findings.filter((f) => f.dropped);
    expect(cause).toHaveLength(1);
    expect(cause[0]!.summary).toBe('Gold does not verify: Missing required argument');
    expect(cause[0]!.detail).toMatch(/is required, but no definition was found\. \(main\.tf line 1\)$/);

    expect(syntax.findings).toHaveLength(1);
    expect(syntax.findings[0]).toMatchObject({ code: 'hcl-syntax', dropped: true, summary: 'Gold does not verify: Invalid expression' });

    expect(Object.fromEntries(ctx.metrics)).toMatchObject({
      'verify.gold.valid': 1,
      'verify.gold.invalid': 2,
      'verify.candidate.valid': 2,
      'verify.candidate.invalid': 1,
      'verify.gold.dropped.invalid-gold': 1,
      'verify.gold.dropped.hcl-syntax': 1,
      'verify.error.unsupported-argument': 2,
    });
  });

  it('a schema file that cannot be read is a run warning, not a crash', async () => {
    const ctx = createRunContext(parseConfig({ verify: { schemas: ['/nonexistent/schema.json'] } }));
    const out = await collect(verifyStage(ctx)(fromArray([record(VALID, [])])));
    expect(out[0]!.gold!.verdict).toBe('valid');
    expect(ctx.warnings).toHaveLength(1);
    expect(ctx.warnings[0]!.summary).toBe('Provider schema file not used');
  });

  it('without provider checks only core-language errors count', async () => {
    const ctx = createRunContext(parseConfig({ verify: { providerChecks: false } }));
    const out = await collect(verifyStage(ctx)(fromArray([record(SCHEMA_ERRORS, ['output "o" { value = aws_s3_bucket.none.id }\n'])])));
    expect(out[0]!.gold!.verdict).toBe('valid');
    expect(out[0]!.candidates[0]!.diagnostics.map((d) => d.summary)).toEqual(['Reference to undeclared resource']);
  });
});
