import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '@tfpairs/core';
import { buildCommand } from '@tfpairs/cli/build';
import { engineGate, leftovers, REPO_ROOT, TEST_IMAGE, testEngine } from './engine';

/** `tfpairs build --sandbox docker` end to end on the bundled sample. */
const out = mkdtempSync(`${tmpdir()}/tfpairs-build-sandbox-`);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function io(): CliIO & { err: () => string } {
  let err = '';
  return { stdin: new PassThrough(), stdout: { write: () => true }, stderr: { write: (c: string) => (err += c) }, cwd: REPO_ROOT, env: process.env, err: () => err };
}

const ARGS = ['--offline', '--no-report', '--input', 'data/sample/tasks.jsonl', '--sandbox', 'docker', '--sandbox-image', TEST_IMAGE];

interface Manifest {
  warnings: { summary: string; detail: string }[];
  metrics: Record<string, Record<string, number>>;
}

describe('tfpairs build --sandbox docker without an engine', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('completes and says in the manifest and on stderr why the stage was skipped', async () => {
    process.env.DOCKER_HOST = 'unix:///tmp/tfpairs-no-such-docker.sock';
    const cli = io();
    expect(await buildCommand([...ARGS, '--out', `${out}/no-engine`], cli)).toBe(0);
    const manifest = JSON.parse(readFileSync(`${out}/no-engine/manifest.json`, 'utf8')) as Manifest;
    const skipped = manifest.warnings.filter((w) => w.summary.startsWith('Sandbox stage skipped'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.summary).toBe('Sandbox stage skipped: no Docker engine reachable');
    expect(cli.err()).toContain('warning: Sandbox stage skipped: no Docker engine reachable');
    const records = readFileSync(`${out}/no-engine/records.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.some((r) => r.gold?.verifiedBy === 'sandbox')).toBe(false);
  });
});

const engine = await testEngine();
const suffix = engineGate(engine);

(engine.docker ? describe : describe.skip)(`tfpairs build --sandbox docker on the real engine${suffix}`, () => {
  it('verifies every artifact in a container and leaves none behind', async () => {
    const cli = io();
    expect(await buildCommand([...ARGS, '--sandbox-concurrency', '2', '--out', `${out}/engine`], cli)).toBe(0);
    const manifest = JSON.parse(readFileSync(`${out}/engine/manifest.json`, 'utf8')) as Manifest;
    expect(manifest.warnings.filter((w) => w.summary.startsWith('Sandbox'))).toEqual([]);
    const records = readFileSync(`${out}/engine/records.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const judged = records.filter((r) => r.provenance.stages.sandbox);
    expect(judged.length).toBeGreaterThan(0);
    // every kind of artifact goes through the sandbox: gold, drafts and the recorded mutations
    const artifacts = judged.flatMap((r) => [r.gold, ...r.candidates, ...r.mutations.map((m: { expected: unknown }) => m.expected)]).filter((a) => a && a.code !== null);
    expect(judged.some((r) => r.mutations.length > 0)).toBe(true);
    expect(manifest.metrics.sandbox?.runs).toBe(artifacts.length);
    // the double answers "valid" to configurations without directives: terraform's word is final
    for (const a of artifacts) expect([a.verdict, a.verifiedBy]).toEqual(['valid', 'sandbox']);
    const run = /sandbox: verifying with .*\(run ([^)]+)\)/.exec(cli.err())?.[1];
    expect(run).toBeDefined();
    expect(await leftovers(engine.docker!, run!)).toEqual({ containers: [], volumes: [] });
  });
});

(engine.docker ? describe : describe.skip)(`tfpairs build --sandbox docker: late artifacts${suffix}`, () => {
  it('sandboxes repaired drafts and model mutations too, each once', async () => {
    const { startOpenAIServer } = await import('@tfpairs/generate/testing/openai-server');
    const { writeFileSync } = await import('node:fs');
    const server = await startOpenAIServer();
    try {
      const dir = mkdtempSync(`${tmpdir()}/tfpairs-build-sandbox-late-`);
      const gold = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n';
      writeFileSync(`${dir}/t.jsonl`, `${JSON.stringify({ prompt: 'Create an S3 bucket [[broken]] for logs.', gold, drafts: ['# tfpairs-double: replay unsupported-argument\nresource "aws_s3_bucket" "d" {\n  bucket = "d"\n'] })}\n`);
      const cli = { ...io(), cwd: dir, env: { ...process.env, OPENAI_API_KEY: 'test', OPENAI_BASE_URL: '' } };
      const args = ['--no-report', '--input', 't.jsonl', '--out', 'out', '--model', 'gpt-4o', '--base-url', server.url, '--repair-turns', '1', '--mutations', '1', '--sandbox', 'docker', '--sandbox-image', TEST_IMAGE];
      expect(await buildCommand(args, cli)).toBe(0);
      const [record] = readFileSync(`${dir}/out/records.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const repaired = record.candidates.filter((c: { origin: string }) => c.origin === 'repaired');
      expect(repaired.length).toBeGreaterThan(0);
      const late = [...repaired, ...record.mutations.map((m: { expected: unknown }) => m.expected)];
      expect(record.mutations.length).toBeGreaterThan(0);
      for (const a of late) expect(a.verifiedBy).toBe('sandbox');
      const manifest = JSON.parse(readFileSync(`${dir}/out/manifest.json`, 'utf8')) as Manifest;
      // the broken draft is the one the double calls invalid (its directive survives: invalid HCL keeps
      // its comments, and the unclosed block keeps the lines before it); every artifact runs in one container, none twice
      const artifacts = [record.gold, ...record.candidates, ...record.mutations.map((m: { expected: unknown }) => m.expected)].filter((a) => a.code !== null);
      expect(manifest.metrics.sandbox?.runs).toBe(artifacts.length);
    } finally {
      await server.close();
    }
  });
});
