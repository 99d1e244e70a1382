import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRunContext,
  deepFreeze,
  dropRecord,
  finding,
  fromArray,
  newArtifact,
  parseConfig,
  readNdjson,
  updateArtifact,
  updateRecord,
  type TaskRecord,
} from '@tfpairs/core';
import { taskRecord } from '@tfpairs/ingest';
import { AccountingError, dpoPairs, KtoLineSchema, PostEditLineSchema, SyntheticPairLineSchema, writeOutputs } from './index';

const tmp = () => mkdtempSync(join(tmpdir(), 'tfpairs-write-'));
const src = (line: number) => ({ path: 'in.jsonl', line });

function kept(prompt: string, gold: string, drafts: string[], split: 'train' | 'val' | 'test', line: number): TaskRecord {
  const r = taskRecord({ prompt, gold, drafts, meta: {}, mutations: [], recorded: [] }, src(line), 'jsonl');
  return updateRecord(r, {
    split,
    gold: updateArtifact(r.gold!, { verdict: 'valid' }),
    candidates: r.candidates.map((c) => updateArtifact(c, { verdict: 'invalid', diagnostics: [{ severity: 'error', summary: 'Unsupported argument', detail: '' }] })),
  });
}

describe('writeOutputs', () => {
  it('writes TRL-shaped corpora and an audit where every input is kept xor dropped', async () => {
    const out = tmp();
    const a = kept('make a bucket', 'resource "aws_s3_bucket" "b" {}\n', ['resource "aws_s3_bucket" "b" {\n  acl = 1\n}\n', 'resource "aws_s3_bucket" "b" {}\n'], 'train', 1);
    const b = kept('make a vpc', 'resource "aws_vpc" "v" {}\n', [], 'test', 2);
    const c = dropRecord(
      taskRecord({ prompt: 'bad', gold: 'x {', drafts: [], meta: {}, mutations: [], recorded: [] }, src(3), 'jsonl'),
      finding('verify', 'hcl-syntax', { severity: 'error', summary: 'Unclosed configuration block', detail: '' }, 'gold'),
    );
    const ctx = createRunContext(parseConfig({}));
    const manifest = await writeOutputs(fromArray([a, b, c]), ctx, out);

    expect(manifest.counts).toMatchObject({ input: 3, kept: 2, dropped: 1, splits: { train: 1, val: 0, test: 1 }, dropCodes: { 'hcl-syntax': 1 } });
    const tfGen = [...(await readNdjson<any>(join(out, 'tf-gen/train.jsonl'))), ...(await readNdjson<any>(join(out, 'tf-gen/test.jsonl')))];
    expect(tfGen.map((l) => Object.keys(l).sort())).toEqual([['completion', 'id', 'meta', 'prompt', 'source'], ['completion', 'id', 'meta', 'prompt', 'source']]);
    expect(tfGen.every((l) => typeof l.prompt === 'string' && typeof l.completion === 'string')).toBe(true);
    expect(tfGen[0].source).toEqual({ path: 'in.jsonl', line: 1 });

    const dpo = await readNdjson<any>(join(out, 'dpo/train.jsonl'));
    // the draft identical to gold is not a rejected sample
    expect(dpo).toHaveLength(1);
    expect(Object.keys(dpo[0]).sort()).toEqual(['chosen', 'id', 'meta', 'prompt', 'rejected']);
    expect(dpo[0].chosen).toBe(a.gold!.code);
    expect(dpo[0].rejected).toContain('acl');
    expect(dpo[0].meta).toMatchObject({ record_id: a.id, chosen_verdict: 'valid', rejected_verdict: 'invalid', rejected_errors: ['Unsupported argument'] });

    const audit = await readNdjson<any>(join(out, 'audit.jsonl'));
    // b has no candidate: kept, with a warning; c dropped exactly once
    expect(audit.filter((l) => l.id === b.id)).toEqual([expect.objectContaining({ code: 'no-candidate', dropped: false, severity: 'warning' })]);
    expect(audit.filter((l) => l.dropped)).toEqual([expect.objectContaining({ id: c.id, stage: 'verify', code: 'hcl-syntax', source: { path: 'in.jsonl', line: 3 } })]);

    // the invariant, read back from disk: kept ids (tf-gen) and dropped ids (audit) partition the input
    const keptIds = new Set(tfGen.map((l) => l.id));
    const droppedIds = new Set(audit.filter((l) => l.dropped).map((l) => l.id));
    expect([...keptIds].filter((id) => droppedIds.has(id))).toEqual([]);
    expect(keptIds.size + droppedIds.size).toBe(manifest.counts.input);
    expect((await readNdjson(join(out, 'records.jsonl'))).length).toBe(3);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).counts.input).toBe(3);
    for (const corpus of ['tf-gen', 'dpo', 'dpo-postedit', 'tf-mutn']) for (const s of ['train', 'val', 'test']) expect(existsSync(join(out, corpus, `${s}.jsonl`))).toBe(true);
  });

  it('refuses a record that is both kept and dropped, or kept twice', async () => {
    const a = kept('p', 'a = 1\n', [], 'train', 1);
    const both = deepFreeze({ ...a, findings: [finding('x', 'y', { severity: 'error', summary: 's', detail: '' }, 'record', true)] });
    await expect(writeOutputs(fromArray([both]), createRunContext(parseConfig({})), tmp())).rejects.toThrow(AccountingError);
    await expect(writeOutputs(fromArray([a, a]), createRunContext(parseConfig({})), tmp())).rejects.toThrow(/kept twice/);
    const neither = deepFreeze({ ...a, status: 'dropped' as const });
    await expect(writeOutputs(fromArray([neither]), createRunContext(parseConfig({})), tmp())).rejects.toThrow(/0 drop findings/);
  });

  it('writes post-edit pairs from repaired drafts and TF-Mutn lines from verified mutations', async () => {
    const a = kept('make a bucket', 'resource "aws_s3_bucket" "b" {}\n', ['resource "aws_s3_bucket" "b" {\n  acl = 1\n}\n'], 'val', 1);
    const draft = a.candidates[0]!;
    const repaired = newArtifact('c-rep', 'repaired', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', {
      verdict: 'valid',
      repairedFrom: draft.id,
      generation: { model: 'gpt-4o' },
      trajectory: [{ messages: [], answer: '...', code: 'x', diagnostics: [] }],
    });
    const expected = newArtifact('m-1', 'generated', 'resource "aws_s3_bucket" "b" {\n  bucket = "y"\n}\n', { verdict: 'valid' });
    const record = updateRecord(a, {
      candidates: [...a.candidates, repaired],
      mutations: [{ id: 'm1', utterance: 'Rename the bucket to y', initial: a.gold!.code!, expected }],
    });
    const out = tmp();
    const manifest = await writeOutputs(fromArray([record]), createRunContext(parseConfig({})), out);
    const post = await readNdjson<any>(join(out, 'dpo-postedit/val.jsonl'));
    expect(post).toHaveLength(1);
    expect(post[0].prompt).toContain('Unsupported argument');
    expect(post[0].prompt).toContain('acl = 1');
    expect(post[0]).toMatchObject({ chosen: repaired.code, rejected: draft.code });
    const mutn = await readNdjson<any>(join(out, 'tf-mutn/val.jsonl'));
    expect(mutn[0]).toMatchObject({ utterance: 'Rename the bucket to y\n', completion: expected.code, expected: expected.code, initial: a.gold!.code });
    expect(mutn[0].prompt).toContain('Rename the bucket to y');
    expect(manifest.counts.corpora).toMatchObject({ 'dpo-postedit': { val: 1 }, 'tf-mutn': { val: 1 }, dpo: { val: 1 } });
  });

  it('writes a record\'s synthetic negatives: dpo-synthetic, post-edit with the diagnostics or false rules, KTO false', async () => {
    const a = kept('make a bucket', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', [], 'test', 1);
    const invalid = { id: 'n1', operator: 'misspell-argument', code: 'resource "aws_s3_bucket" "b" {\n  buckets = "x"\n}\n', diagnostics: [{ severity: 'error' as const, summary: 'Unsupported argument', detail: 'An argument named "buckets" is not expected here.', range: { filename: 'main.tf', start: { line: 2, column: 3, byte: 35 }, end: { line: 2, column: 10, byte: 42 } } }] };
    const semantic = {
      id: 'n2',
      operator: 'intent-constant',
      code: 'resource "aws_s3_bucket" "b" {\n  bucket = "y"\n}\n',
      diagnostics: [{ severity: 'error' as const, summary: 'Intent not met: data.terraform.validation.is_valid_bucket', detail: 'The rule is false on this configuration\'s plan.' }],
      intent: { outcome: 'fail' as const, falseRules: ['data.terraform.validation.is_valid_bucket'] },
    };
    // a negative that normalises to the gold is never a rejected
    const same = { id: 'n3', operator: 'misspell-argument', code: a.gold!.code!, diagnostics: [] };
    const record = updateRecord(a, { synthetic: [invalid, semantic, same], provenance: { ...a.provenance, group: { id: 'g1', size: 1 } } });
    const out = tmp();
    const manifest = await writeOutputs(fromArray([record]), createRunContext(parseConfig({})), out);
    const pairs = (await readNdjson<any>(join(out, 'dpo-synthetic/test.jsonl'))).map((l) => SyntheticPairLineSchema.parse(l));
    expect(pairs.map((p) => [p.meta.operator, p.meta.rejected_because, p.meta.false_rules])).toEqual([
      ['misspell-argument', 'invalid', []],
      ['intent-constant', 'intent', ['data.terraform.validation.is_valid_bucket']],
    ]);
    expect(pairs[0]!.meta).toMatchObject({ record_id: record.id, split: 'test', group: 'g1', source_id: `${record.id}/${a.gold!.id}`, diagnostics: [{ severity: 'error', summary: 'Unsupported argument', line: 2 }] });
    expect(pairs.every((p) => p.chosen === a.gold!.code)).toBe(true);
    const post = (await readNdjson<any>(join(out, 'dpo-postedit/test.jsonl'))).map((l) => PostEditLineSchema.parse(l));
    expect(post).toHaveLength(2);
    expect(post[0]!.prompt).toContain('Error: Unsupported argument');
    expect(post[0]!.prompt).toContain('on main.tf line 2');
    // the semantic negative validates: terraform's success line, then the intent's false rule
    expect(post[1]!.prompt).toContain('## terraform validate\nSuccess! The configuration is valid.\n');
    expect(post[1]!.prompt).toContain('Intent not met: data.terraform.validation.is_valid_bucket');
    expect(post[1]!.meta).toMatchObject({ origin: 'synthetic', operator: 'intent-constant', draft_false_rules: ['data.terraform.validation.is_valid_bucket'] });
    const kto = (await readNdjson<any>(join(out, 'kto/test.jsonl'))).map((l) => KtoLineSchema.parse(l));
    expect(kto.map((k) => [k.meta.origin, k.label, k.meta.label_reason, k.meta.group])).toEqual([
      ['reference', true, 'gold', 'g1'],
      ['synthetic', false, 'invalid', 'g1'],
      ['synthetic', false, 'intent', 'g1'],
    ]);
    expect(manifest.counts.corpora['dpo-synthetic']).toEqual({ train: 0, val: 0, test: 2 });
  });

  it('prefers the side with fewer high-severity findings when both validate and meet the intent, and rejects a draft failing --require', async () => {
    const base = kept('make a bucket', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', ['resource "aws_s3_bucket" "b" {\n  bucket = "y"\n}\n', 'resource "aws_s3_bucket" "b" {\n  bucket = "z"\n}\n', 'resource "aws_s3_bucket" "b" {\n  bucket = "w"\n}\n'], 'train', 1);
    const [cleaner, lintFailing, tie] = base.candidates.map((c) => updateArtifact(c, { verdict: 'valid', diagnostics: [], intent: { outcome: 'pass', falseRules: [] } }));
    const security = (subject: 'gold' | `candidate:${string}`, code: string) => finding('security', code, { severity: 'error', summary: `${code} failed`, detail: '' }, subject);
    const record = updateRecord(base, {
      candidates: [cleaner!, lintFailing!, tie!],
      findings: [
        security('gold', 'CKV_AWS_19'),
        security('gold', 'CKV_AWS_21'),
        // a warning is not a failure: it does not count
        finding('lint', 'terraform_required_version', { severity: 'warning', summary: 'w', detail: '' }, `candidate:${cleaner!.id}`),
        finding('lint', 'aws_instance_invalid_type', { severity: 'error', summary: 'e', detail: '' }, `candidate:${lintFailing!.id}`),
        security(`candidate:${tie!.id}`, 'CKV_AWS_19'),
        security(`candidate:${tie!.id}`, 'CKV_AWS_20'),
      ],
    });
    const { pairs } = dpoPairs(record, ['invalid', 'intent', 'differs'], ['lint']);
    const byDraft = (c: { code: string | null }) => pairs.find((p) => p.chosen === c.code || p.rejected === c.code)!;
    // the draft without failures beats a gold with two: it is the chosen, the gold the rejected
    expect(byDraft(cleaner!)).toMatchObject({ chosen: cleaner!.code, rejected: record.gold!.code, meta: { preferred_by: 'fewer-findings', chosen_high_findings: 0, rejected_high_findings: 2, rejected_origin: 'reference', rejected_because: 'differs' } });
    expect(byDraft(lintFailing!)).toMatchObject({ chosen: record.gold!.code, meta: { rejected_because: 'lint', preferred_by: 'required-check', rejected_required_failures: ['aws_instance_invalid_type'] } });
    expect(byDraft(tie!)).toMatchObject({ chosen: record.gold!.code, meta: { preferred_by: 'reference', chosen_high_findings: 2, rejected_high_findings: 2 } });
    // one key set on every pair
    expect(new Set(pairs.map((p) => Object.keys(p.meta).sort().join(','))).size).toBe(1);
    // without --require the lint-failing draft merely differs (and `differs` is not asked for by default)
    expect(dpoPairs(record, ['invalid', 'intent']).pairs).toEqual([]);
  });

  it('puts the intent\'s false rules of a draft that validated but failed its intent into its post-edit prompt', async () => {
    const a = kept('make a versioned bucket', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', ['resource "aws_s3_bucket" "b" {\n  bucket = "y"\n}\n'], 'train', 1);
    const draft = updateArtifact(a.candidates[0]!, { verdict: 'valid', diagnostics: [], intent: { outcome: 'fail', falseRules: ['data.terraform.validation.has_versioning'] } });
    const repaired = newArtifact('c-rep', 'repaired', a.gold!.code!, { verdict: 'valid', repairedFrom: draft.id, intent: { outcome: 'pass', falseRules: [] } });
    const failed = finding('policy', 'intent-failed', { severity: 'warning', summary: 'Intent not met: data.terraform.validation.has_versioning', detail: 'data.terraform.validation.has_versioning read:\n    resource_changes[1].type = (absent)' }, `candidate:${draft.id}`);
    const record = updateRecord(a, { candidates: [draft, repaired], findings: [failed] });
    const out = tmp();
    await writeOutputs(fromArray([record]), createRunContext(parseConfig({})), out);
    const [post] = (await readNdjson<any>(join(out, 'dpo-postedit/train.jsonl'))).map((l) => PostEditLineSchema.parse(l));
    expect(post!.prompt).toContain('## terraform validate\nSuccess! The configuration is valid.\n');
    expect(post!.prompt).toContain('Intent not met: data.terraform.validation.has_versioning\ndata.terraform.validation.has_versioning read:\n    resource_changes[1].type = (absent)');
    expect(post!.meta).toMatchObject({ origin: 'repair', operator: null, draft_false_rules: ['data.terraform.validation.has_versioning'], draft_errors: [] });
  });

  it('makes no pair whose sides differ in form (a file-set gold against a one-file draft), and no post-edit pair from a repair still failing its intent', async () => {
    const files = '-- main.tf --\nmodule "m" {\n  source = "./modules/m"\n}\n-- modules/m/main.tf --\nresource "aws_s3_bucket" "b" {}\n';
    const a = kept('make a bucket in a module', files, ['resource "aws_s3_bucket" "b" {\n  acl = 1\n}\n', '-- main.tf --\nmodule "m" {\n  source = "./modules/m"\n}\n-- modules/m/main.tf --\nresource "aws_s3_bucket" "b" {\n  acl = 1\n}\n'], 'train', 1);
    const { pairs, findings } = dpoPairs(a, ['invalid', 'intent']);
    // only the draft of the same form makes a pair
    expect(pairs.map((p) => p.rejected)).toEqual([a.candidates[1]!.code]);
    expect(findings).toEqual([]);
    const onlyOneFile = updateRecord(a, { candidates: [a.candidates[0]!] });
    const none = dpoPairs(onlyOneFile, ['invalid', 'intent']);
    expect(none.pairs).toEqual([]);
    expect(none.findings[0]!.detail).toContain('one file against a gold of several files');

    const b = kept('make a versioned bucket', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', ['resource "aws_s3_bucket" "b" {\n  acl = 1\n}\n'], 'train', 2);
    const stillFails = newArtifact('c-rep', 'repaired', 'resource "aws_s3_bucket" "b" {\n  bucket = "z"\n}\n', { verdict: 'valid', repairedFrom: b.candidates[0]!.id, intent: { outcome: 'fail', falseRules: ['data.terraform.validation.has_versioning'] } });
    const out = tmp();
    await writeOutputs(fromArray([updateRecord(b, { candidates: [b.candidates[0]!, stillFails] })]), createRunContext(parseConfig({})), out);
    expect(await readNdjson<any>(join(out, 'dpo-postedit/train.jsonl'))).toEqual([]);
  });

  it('names a negative that validates with only a deprecation warning as such, in dpo-synthetic and kto', async () => {
    const a = kept('make a bucket', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', [], 'train', 1);
    const deprecated = { id: 'n1', operator: 'deprecated-argument', code: 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl    = "private"\n}\n', diagnostics: [{ severity: 'warning' as const, summary: 'Argument is deprecated', detail: 'The argument "acl" is deprecated.', range: { filename: 'main.tf', start: { line: 3, column: 3, byte: 47 }, end: { line: 3, column: 6, byte: 50 } } }] };
    const out = tmp();
    await writeOutputs(fromArray([updateRecord(a, { synthetic: [deprecated] })]), createRunContext(parseConfig({})), out);
    const [pair] = (await readNdjson<any>(join(out, 'dpo-synthetic/train.jsonl'))).map((l) => SyntheticPairLineSchema.parse(l));
    expect(pair!.meta.rejected_because).toBe('deprecated');
    const kto = (await readNdjson<any>(join(out, 'kto/train.jsonl'))).map((l) => KtoLineSchema.parse(l));
    expect(kto.filter((k) => k.meta.origin === 'synthetic').map((k) => [k.label, k.meta.verdict, k.meta.label_reason])).toEqual([[false, 'valid', 'deprecated']]);
  });
});
