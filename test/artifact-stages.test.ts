import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNdjson } from '@tfpairs/core';
import { scriptedResponder, startOpenAIServer, type OpenAITestServer, type Responder } from '@tfpairs/generate/testing/openai-server';
import { cli } from './cli';

/**
 * Artifacts made late in the pipeline (repaired drafts, model mutations, recorded mutations) go through
 * the same normalise, scrub and verify functions as gold: same metrics, same findings, and a bad
 * `--schema` is a run warning for all of them, never a crash.
 */
const SECRET = 'h7Qz9vR2mK4tP8wX1nB6cJ3yL5sD0fG2aE7uI9oZ';
const REPAIRED = `resource "aws_s3_bucket" "fixed" {\n  bucket = "fixed"\n}\n\nresource "aws_iam_access_key" "k" {\n  user = "ci"\n}\n\nlocals {\n  aws_secret_access_key = "${SECRET}"\n}\n`;
const GOLD = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n';
const BROKEN_DRAFT = 'resource "aws_s3_bucket" "draft" {\n  bucket = "draft"\n';

const isRepairTurn = (messages: readonly { role: string; content: string }[]) => messages.some((m) => m.role === 'user' && m.content.includes('terraform validate'));
/** The scripted server, except that a repair answers with a fix that carries a credential. */
const respond: Responder = (call) => (isRepairTurn(call.messages) ? { kind: 'answer', content: `Fixed:\n\n\`\`\`hcl\n${REPAIRED}\`\`\`\n` } : scriptedResponder(call));

describe('late artifacts go through the same stage functions as gold', () => {
  let server: OpenAITestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startOpenAIServer({ respond });
    dir = mkdtempSync(join(tmpdir(), 'tfpairs-artifacts-'));
    const task = {
      prompt: 'Create an S3 bucket for logs.',
      gold: GOLD,
      drafts: [BROKEN_DRAFT],
      mutations: [{ utterance: 'Rename the bucket to audit-logs.', expected: GOLD.replace('"logs"\n', '"audit-logs"\n') }],
    };
    writeFileSync(join(dir, 't.jsonl'), `${JSON.stringify(task)}\n`);
  });
  afterAll(() => server.close());

  it('scrubs and verifies repaired drafts and mutations, with their metrics, and a bad --schema is one run warning', async () => {
    const out = join(dir, 'out');
    const run = await cli(
      ['build', '--no-report', '--input', 't.jsonl', '--out', 'out', '--model', 'gpt-4o', '--base-url', server.url, '--repair-turns', '1', '--mutations', '1', '--schema', 'nonexistent/schema.json'],
      { cwd: dir, env: { OPENAI_API_KEY: 'test' } },
    );
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const schemaWarnings = manifest.warnings.filter((w: { summary: string }) => w.summary === 'Provider schema file not used');
    expect(schemaWarnings).toHaveLength(1);
    expect(schemaWarnings[0].detail).toContain(join(dir, 'nonexistent/schema.json'));

    const [record] = await readNdjson<{ candidates: { id: string; origin: string; code: string; verdict: string; verifiedBy: string; raw: string }[]; mutations: { id: string; expected: { origin: string; verdict: string; verifiedBy: string } }[] }>(join(out, 'records.jsonl'));
    const repaired = record!.candidates.find((c) => c.origin === 'repaired')!;
    expect(repaired).toBeDefined();
    expect([repaired.verdict, repaired.verifiedBy]).toEqual(['valid', 'embedded']);
    // scrubbed by the stage's own function: placeholder in code and raw answer, the finding names it
    expect(repaired.code).toContain('<AWS_SECRET_ACCESS_KEY>');
    expect(readFileSync(join(out, 'records.jsonl'), 'utf8')).not.toContain(SECRET);
    const audit = await readNdjson<{ stage: string; code: string; subject: string }>(join(out, 'audit.jsonl'));
    expect(audit.some((l) => l.stage === 'scrub' && l.subject === `candidate:${repaired.id}`)).toBe(true);

    // both mutations (recorded and generated) verified by the verify stage's function
    const origins = record!.mutations.map((m) => m.expected.origin).sort();
    expect(origins).toEqual(['generated', 'recorded']);
    for (const m of record!.mutations) expect([m.expected.verdict, m.expected.verifiedBy]).toEqual(['valid', 'embedded']);
    // metrics count every artifact: gold + draft + repair answer + 2 mutations
    expect(manifest.metrics.verify['mutation.valid']).toBe(2);
    expect(manifest.metrics.verify['candidate.valid']).toBeGreaterThanOrEqual(1);
    expect(manifest.metrics.normalise.artifacts).toBeGreaterThanOrEqual(5);
    expect(Object.keys(manifest.metrics.scrub).some((k) => k.startsWith('rule.') && k.includes('aws-secret-access-key'))).toBe(true);
    // the runner's per-step stats are in the manifest, in pipeline order
    expect(manifest.steps.map((s: { name: string }) => s.name).slice(0, 3)).toEqual(['ingest', 'scrub-input', 'generate']);
    const repairStep = manifest.steps.find((s: { name: string }) => s.name === 'repair');
    expect(Object.keys(repairStep.findings).some((code) => code.startsWith('secret-'))).toBe(true);
  });
});
