import { collect, createRunContext, deepFreeze, dropRecord, finding, fromArray, newArtifact, parseConfig, type TaskRecord } from '@tfpairs/core';
import { describe, expect, it } from 'vitest';
import { normaliseAnswer } from './normalise';
import { NORMALISE_VERSION, normaliseStage } from './stage';

const GOLD = '# the bucket\nresource "aws_s3_bucket" "b" {\nbucket="logs"\n}\n';
const GOLD_NORMALISED = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n';

function record(gold: string, drafts: string[], id = 'r1'): TaskRecord {
  return deepFreeze({
    id,
    prompt: 'make a bucket',
    gold: newArtifact('g', 'reference', gold),
    candidates: drafts.map((d, i) => newArtifact(`c${i}`, 'recorded', d)),
    mutations: [],
    meta: {},
    provenance: { source: { path: 'tasks.jsonl', line: 1 }, format: 'jsonl', stages: {} },
    split: null,
    findings: [],
    status: 'kept',
  });
}

async function run(records: TaskRecord[], config: object = {}) {
  const ctx = createRunContext(parseConfig(config));
  const out = await collect(normaliseStage(ctx)(fromArray(records)));
  return { out, metrics: Object.fromEntries(ctx.metrics) };
}

describe('normaliseAnswer', () => {
  it('records each step that changed the text', async () => {
    const answer = `Here:\n\`\`\`hcl\n${GOLD}\`\`\`\n`;
    const r = await normaliseAnswer(answer, { format: true, stripComments: true, isAnswer: true });
    expect(r.revisions.map((x) => x.stage)).toEqual(['extract', 'strip-comments', 'fmt']);
    expect(r.revisions[0]!.text).toBe(GOLD);
    expect(r.code).toBe(GOLD_NORMALISED);
    expect(r.findings).toEqual([]);
  });

  it('keeps code with syntax errors as extracted, with an hcl-syntax warning', async () => {
    const r = await normaliseAnswer('```hcl\nresource "a" "b" {\n  x = \n}\n```', { format: true, stripComments: true, isAnswer: true });
    expect(r.code).toBe('resource "a" "b" {\n  x = \n}\n');
    expect(r.revisions.map((x) => x.stage)).toEqual(['extract']);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.code).toBe('hcl-syntax');
    expect(r.findings[0]!.diagnostic).toMatchObject({ severity: 'warning', range: { start: { line: 2, column: 7 } } });
  });

  it('returns findings that are also complete core Findings once a subject is set', async () => {
    const r = await normaliseAnswer('no code here', { format: true, stripComments: true, isAnswer: true });
    expect({ ...r.findings[0], subject: 'candidate:x' }).toMatchObject({ stage: 'normalise', code: 'no-code', severity: 'error', summary: 'The answer holds no code', subject: 'candidate:x', dropped: false });
  });

  it('respects format=false and stripComments=false', async () => {
    expect((await normaliseAnswer(GOLD, { format: false, stripComments: false, isAnswer: false })).code).toBe(GOLD);
    const onlyStrip = await normaliseAnswer(GOLD, { format: false, stripComments: true, isAnswer: false });
    expect(onlyStrip.code).toBe('resource "aws_s3_bucket" "b" {\nbucket="logs"\n}\n');
    const onlyFmt = await normaliseAnswer(GOLD, { format: true, stripComments: false, isAnswer: false });
    expect(onlyFmt.code).toBe(`# the bucket\n${GOLD_NORMALISED}`);
  });
});

describe('normaliseStage', () => {
  it('normalises gold and candidates, keeping raw and the revision trail', async () => {
    const { out, metrics } = await run([record(GOLD, [`\`\`\`hcl\n${GOLD}\`\`\``])]);
    const r = out[0]!;
    expect(r.status).toBe('kept');
    expect(r.provenance.stages.normalise).toBe(NORMALISE_VERSION);
    expect(r.gold!.raw).toBe(GOLD);
    expect(r.gold!.code).toBe(GOLD_NORMALISED);
    expect(r.gold!.revisions.map((x) => x.stage)).toEqual(['strip-comments', 'fmt']);
    expect(r.candidates[0]!.code).toBe(GOLD_NORMALISED);
    expect(r.candidates[0]!.revisions.map((x) => x.stage)).toEqual(['extract', 'strip-comments', 'fmt']);
    expect(r.findings).toEqual([]);
    expect(metrics['normalise.artifacts']).toBe(2);
  });

  it('keeps a broken candidate unformatted and a code-less one as null, each with a finding', async () => {
    const broken = '```hcl\nresource "a" "b" {\n  x =\n}\n```';
    const { out, metrics } = await run([record(GOLD, [broken, 'Sorry, I cannot do that.', '```hcl\nresource "a" "b" {\n  x = 1\n'])]);
    const r = out[0]!;
    expect(r.status).toBe('kept');
    expect(r.candidates[0]!.code).toBe('resource "a" "b" {\n  x =\n}\n');
    expect(r.candidates[1]!.code).toBeNull();
    expect(r.candidates[1]!.raw).toBe('Sorry, I cannot do that.');
    expect(r.candidates[2]!.truncated).toBe(true);
    expect(r.findings.map((f) => [f.stage, f.code, f.subject, f.severity])).toEqual([
      ['normalise', 'hcl-syntax', 'candidate:c0', 'warning'],
      ['normalise', 'no-code', 'candidate:c1', 'warning'],
      ['normalise', 'truncated-fence', 'candidate:c2', 'warning'],
      ['normalise', 'hcl-syntax', 'candidate:c2', 'warning'],
    ]);
    expect(metrics).toMatchObject({ 'normalise.hcl-syntax': 2, 'normalise.no-code': 1, 'normalise.truncated-fence': 1 });
  });

  it('drops a record whose gold has no code; leaves a broken gold for verify', async () => {
    const { out, metrics } = await run([record('   \n', []), record('resource "a" "b" {\n', [], 'r2')]);
    expect(out[0]!.status).toBe('dropped');
    const cause = out[0]!.findings.find((f) => f.dropped)!;
    expect([cause.stage, cause.code, cause.subject]).toEqual(['normalise', 'no-code', 'gold']);
    expect(out[1]!.status).toBe('kept');
    expect(out[1]!.gold!.code).toBe('resource "a" "b" {\n');
    expect(out[1]!.findings).toEqual([]);
    expect(metrics['normalise.gold-dropped']).toBe(1);
  });

  it('respects normalise.format / normalise.stripComments and passes dropped records through', async () => {
    const dropped = dropRecord(record(GOLD, [], 'r0'), finding('dedup', 'duplicate', { severity: 'warning', summary: 'dup', detail: '' }));
    const { out } = await run([dropped, record(GOLD, [])], { normalise: { format: false, stripComments: false } });
    expect(out[0]).toBe(dropped);
    expect(out[1]!.gold!.code).toBe(GOLD);
    expect(out[1]!.gold!.revisions).toEqual([]);
  });
});
