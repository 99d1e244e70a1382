import {
  collect,
  createRunContext,
  deepFreeze,
  dropRecord,
  finding,
  fromArray,
  newArtifact,
  parseConfig,
  recordId,
  reviseArtifact,
  type TaskRecord,
} from '@tfpairs/core';
import { describe, expect, it } from 'vitest';
import { SecretFactory } from './planted';
import { SCRUB_VERSION, scrubStage } from './stage';

const f = new SecretFactory(11);
const pw = f.password();
const keyId = f.awsKeyId();
const awsSecret = f.awsSecret();
const promptPw = f.password();
const noteToken = `ghp_${f.alnum(36)}`;
const mutationPw = f.password();
const secrets = [pw, keyId, awsSecret, promptPw, noteToken, mutationPw];

const goldRaw = `provider "aws" {\n  access_key = "${keyId}"\n  secret_key = "${awsSecret}"\n}\n\nresource "aws_db_instance" "db" {\n  password            = "${pw}"\n  skip_final_snapshot = true\n}\n`;
const draftCode = `resource "aws_db_instance" "db" {\n  password = "${pw}"\n}\n`;
const answer = `Here is the configuration:\n\n\`\`\`hcl\n${draftCode}\`\`\`\n\nThen push it with the token ${noteToken}.`;
const prompt = `Create an RDS MySQL instance. Use the master password: ${promptPw}`;

function secretRecord(): TaskRecord {
  // as normalise leaves it: code extracted / formatted, the earlier text kept in revisions
  const gold = reviseArtifact(newArtifact('g-1', 'reference', goldRaw, { code: goldRaw.replace('\n\n', '\n') }), 'normalise', goldRaw);
  const candidate = reviseArtifact(
    newArtifact('c-1', 'recorded', answer, { recorded: { 'LLM Plan Phase Error #0': `Error: on main.tf line 2: password = "${pw}"` } }),
    'normalise',
    draftCode,
  );
  return deepFreeze({
    id: recordId(prompt, goldRaw),
    prompt,
    gold,
    candidates: [candidate],
    mutations: [
      {
        id: 'm1',
        utterance: `Rotate the password to ${mutationPw}`,
        initial: goldRaw,
        expected: newArtifact('m-1', 'recorded', goldRaw.replace(pw, mutationPw)),
      },
    ],
    meta: { Intent: `has password ${pw}` },
    provenance: { source: { path: 'tasks.jsonl', line: 1 }, format: 'jsonl', stages: { ingest: '0.1.0' } },
    split: null,
    findings: [],
    status: 'kept',
  } satisfies TaskRecord);
}

function cleanRecord(): TaskRecord {
  const code = 'resource "aws_db_instance" "db" {\n  password = var.db_password\n}\n';
  return deepFreeze({
    id: recordId('Create a database', code),
    prompt: 'Create a database',
    gold: newArtifact('g-2', 'reference', code),
    candidates: [newArtifact('c-2', 'recorded', code)],
    mutations: [],
    meta: {},
    provenance: { source: { path: 'tasks.jsonl', line: 2 }, format: 'jsonl', stages: {} },
    split: null,
    findings: [],
    status: 'kept',
  } satisfies TaskRecord);
}

async function run(records: TaskRecord[], config: object = {}) {
  const ctx = createRunContext(parseConfig(config));
  const out = await collect(scrubStage(ctx)(fromArray(records)));
  return { out, ctx };
}

describe('scrubStage', () => {
  it('leaves no secret anywhere in the record it writes', async () => {
    const input = secretRecord();
    const inputJson = JSON.stringify(input);
    for (const s of secrets) expect(inputJson.includes(s), 'planted').toBe(true);
    const { out } = await run([input]);
    const json = JSON.stringify(out[0]);
    for (const s of secrets) expect(json.includes(s), `secret ${s.slice(0, 4)}… survived`).toBe(false);
  });

  it('revises code, keeps one placeholder per secret across the record and reports findings', async () => {
    const { out, ctx } = await run([secretRecord()]);
    const r = out[0]!;
    expect(r.status).toBe('kept');
    expect(Object.isFrozen(r)).toBe(true);
    expect(r.provenance.stages.scrub).toBe(SCRUB_VERSION);
    expect(r.provenance.promptRaw).toBeUndefined();
    expect(r.prompt).toBe('Create an RDS MySQL instance. Use the master password: <PASSWORD_3>');
    expect(r.gold!.code).toContain('password            = "<PASSWORD>"');
    expect(r.gold!.code).toContain('secret_key = "<AWS_SECRET_ACCESS_KEY>"');
    expect(r.gold!.revisions.map((v) => v.stage)).toEqual(['normalise', 'scrub']);
    expect(r.gold!.revisions[1]!.text).toBe(r.gold!.code);
    // the same password in the draft, its raw answer and terraform's recorded error: the same placeholder
    expect(r.candidates[0]!.code).toBe('resource "aws_db_instance" "db" {\n  password = "<PASSWORD>"\n}\n');
    expect(r.candidates[0]!.raw).toContain('password = "<PASSWORD>"');
    expect(r.candidates[0]!.raw).toContain('the token <TOKEN>.');
    expect(r.candidates[0]!.recorded!['LLM Plan Phase Error #0']).toBe('Error: on main.tf line 2: password = "<PASSWORD>"');
    expect(r.meta.Intent).toBe('has password <PASSWORD>');
    const m = r.mutations[0]!;
    expect(m.initial).toContain('password            = "<PASSWORD>"');
    expect(m.expected.code).toContain('password            = "<PASSWORD_2>"');
    expect(m.utterance).toBe('Rotate the password to <PASSWORD_2>');

    for (const x of r.findings) {
      expect(x).toMatchObject({ stage: 'scrub', severity: 'warning', dropped: false });
      expect(x.code).toMatch(/^secret-[a-z0-9-]+$/);
      expect(x.summary).toMatch(/^Credential replaced by <[A-Z][A-Z0-9_]*>$/);
    }
    const bySubject = (s: string) => r.findings.filter((x) => x.subject === s).map((x) => x.summary.replace('Credential replaced by ', ''));
    expect(bySubject('prompt')).toEqual(['<PASSWORD_3>']);
    expect(bySubject('mutation:m1')).toEqual(['<AWS_ACCESS_KEY_ID>', '<AWS_SECRET_ACCESS_KEY>', '<PASSWORD_2>']);
    expect(bySubject('gold')).toEqual(['<AWS_ACCESS_KEY_ID>', '<AWS_SECRET_ACCESS_KEY>', '<PASSWORD>']);
    expect(bySubject('candidate:c-1')).toEqual(['<PASSWORD>', '<TOKEN>']);
    expect(r.findings.find((x) => x.summary.endsWith('<TOKEN>'))!.range!.filename).toBe('raw');
    expect(ctx.metrics.get('scrub.rule.sensitive-argument')).toBe(3);
    expect(ctx.metrics.get('scrub.rule.aws-secret-access-key')).toBe(2);
    expect(ctx.metrics.get('scrub.rule.secretlint-aws-access-key-id')).toBe(2);
    expect(ctx.metrics.get('scrub.records-changed')).toBe(1);
  });

  it('is idempotent: a second pass finds nothing', async () => {
    const { out } = await run([secretRecord()]);
    const again = await run(out);
    expect(again.out[0]).toEqual(out[0]);
    expect(again.ctx.metrics.size).toBe(0);
  });

  it('returns a clean record with the same artifacts and no finding', async () => {
    const input = cleanRecord();
    const { out, ctx } = await run([input]);
    expect(out[0]!.gold).toBe(input.gold);
    expect(out[0]!.candidates[0]).toBe(input.candidates[0]);
    expect(out[0]!.findings).toEqual([]);
    expect(out[0]!.provenance.stages.scrub).toBe(SCRUB_VERSION);
    expect(ctx.metrics.size).toBe(0);
  });

  it('passes dropped records untouched and does nothing when scrub.enabled is false', async () => {
    const dropped = dropRecord(secretRecord(), finding('verify', 'hcl-syntax', { severity: 'error', summary: 'x', detail: '' }));
    expect((await run([dropped])).out[0]).toBe(dropped);
    const input = secretRecord();
    const { out, ctx } = await run([input], { scrub: { enabled: false } });
    expect(out[0]).toBe(input);
    expect(ctx.metrics.size).toBe(0);
  });

  it('scans a markdown answer not yet normalised as prose, and a draft of plain HCL as HCL', async () => {
    const withCandidate = (c: ReturnType<typeof newArtifact>, stages: Record<string, string>): TaskRecord =>
      deepFreeze({ ...cleanRecord(), candidates: [c], provenance: { source: { path: 'tasks.jsonl', line: 3 }, format: 'jsonl', stages } });
    const rules = async (r: TaskRecord) => (await run([r])).out[0]!.findings.map((x) => `${x.subject} ${x.code}`);
    expect(await rules(withCandidate(newArtifact('c-3', 'recorded', answer), { ingest: '0.1.0' }))).toEqual(['candidate:c-3 secret-embedded-assignment', 'candidate:c-3 secret-secretlint-github-token']);
    expect(await rules(withCandidate(newArtifact('c-4', 'recorded', draftCode), { ingest: '0.1.0' }))).toEqual(['candidate:c-4 secret-sensitive-argument']);
    // after normalise an answer's code is HCL whatever it looks like
    expect(await rules(withCandidate(newArtifact('c-5', 'recorded', answer), { ingest: '0.1.0', normalise: '1.0.0' }))).toContain('candidate:c-5 secret-sensitive-argument');
  });

  it('never gives a new secret a placeholder that an earlier pass put elsewhere in the record', async () => {
    const other = f.password();
    const code = 'resource "aws_db_instance" "db" {\n  password = "<PASSWORD>"\n}\n';
    const record = deepFreeze({
      ...cleanRecord(),
      gold: newArtifact('g-5', 'reference', code),
      candidates: [newArtifact('c-6', 'recorded', code.replace('<PASSWORD>', other))],
      provenance: { source: { path: 'tasks.jsonl', line: 4 }, format: 'jsonl', stages: { ingest: '0.1.0', normalise: '1.0.0' } },
    } satisfies TaskRecord);
    const r = (await run([record])).out[0]!;
    expect(r.candidates[0]!.code).toBe(code.replace('<PASSWORD>', '<PASSWORD_2>'));
    expect(r.gold!.code).toBe(code);
  });
});
