import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import {
  collect,
  createRunContext,
  deepFreeze,
  dropRecord,
  finding,
  diagnostic,
  fromArray,
  newArtifact,
  parseConfig,
  updateArtifact,
  type Artifact,
  type TaskRecord,
} from '@tfpairs/core';
import { newRunId, SANDBOX_LABEL, sandboxStage, SandboxVerifier } from '@tfpairs/sandbox';
import { readFileSync } from 'node:fs';
import { doubleConfig, engineGate, leftovers, REPO_ROOT, TEST_IMAGE, testEngine } from './engine';

const REPLAYS = `${REPO_ROOT}docker/test-image/replays/`;
const source = (name: string) => readFileSync(`${REPLAYS}${name}.tf`, 'utf8');

function record(id: string, gold: Artifact | null, candidates: Artifact[]): TaskRecord {
  return deepFreeze({
    id,
    prompt: `prompt ${id}`,
    gold,
    candidates,
    mutations: [],
    meta: {},
    provenance: { source: { path: 'tasks.jsonl', line: 1 }, format: 'jsonl' as const, stages: { verify: 'test' } },
    split: null,
    findings: [],
    status: 'kept' as const,
  });
}

/** an artifact as the embedded verifier left it */
function verified(id: string, code: string | null, verdict: Artifact['verdict']): Artifact {
  const base = newArtifact(id, id === 'gold' ? 'reference' : 'recorded', code ?? '', { code });
  const diagnostics = verdict === 'invalid' ? [diagnostic('error', 'Embedded says broken', 'detail')] : [];
  return updateArtifact(base, { verdict, verifiedBy: 'embedded', diagnostics });
}

/** run ids the stage announced in its log (`... (run <id>)`), to look for leftovers of exactly those */
const announcedRuns: string[] = [];
function context(sandbox: Record<string, unknown>) {
  return createRunContext(parseConfig({ sandbox: { mode: 'docker', image: TEST_IMAGE, ...sandbox } }), {
    env: process.env,
    log: (line) => {
      const run = /\(run ([^)]+)\)/.exec(line)?.[1];
      if (run) announcedRuns.push(run);
    },
  });
}

describe('sandbox stage without a Docker engine', () => {
  const saved = process.env.DOCKER_HOST;
  beforeEach(() => {
    process.env.DOCKER_HOST = 'unix:///tmp/tfpairs-no-such-docker.sock';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('passes records through unchanged with one run-level warning that says why', async () => {
    const ctx = context({});
    const input = [record('a', verified('gold', 'resource "a" "b" {}\n', 'valid'), []), record('b', null, [])];
    const output = await collect(sandboxStage(ctx)(fromArray(input)));
    expect(output).toHaveLength(2);
    output.forEach((r, i) => expect(r).toBe(input[i]));
    expect(ctx.warnings).toHaveLength(1);
    expect(ctx.warnings[0]!.summary).toBe('Sandbox stage skipped: no Docker engine reachable');
    expect(ctx.warnings[0]!.detail).toContain('DOCKER_HOST=unix:///tmp/tfpairs-no-such-docker.sock');
  });

  it('does nothing at all when the sandbox is off', async () => {
    const ctx = createRunContext(parseConfig({}));
    const input = [record('a', verified('gold', 'x', 'valid'), [])];
    expect(await collect(sandboxStage(ctx)(fromArray(input)))).toEqual(input);
    expect(ctx.warnings).toEqual([]);
  });
});

const engine = await testEngine();
const suffix = engineGate(engine);

(engine.docker ? describe : describe.skip)(`sandbox stage on the real Docker engine${suffix}`, () => {
  const docker = engine.docker!;
  afterEach(async () => {
    for (const run of announcedRuns.splice(0)) expect(await leftovers(docker, run)).toEqual({ containers: [], volumes: [] });
  });

  it('skips with one warning when the image is not on the engine', async () => {
    const ctx = context({ image: 'tfpairs/no-such-image:none' });
    const input = [record('a', verified('gold', 'x', 'valid'), [])];
    const output = await collect(sandboxStage(ctx)(fromArray(input)));
    expect(output[0]).toBe(input[0]);
    expect(ctx.warnings.map((w) => w.summary)).toEqual(['Sandbox stage skipped: image tfpairs/no-such-image:none is not on the Docker engine']);
  });

  it('terraform\'s verdict overrides the embedded one; disagreements, timeouts and crashes are audited', async () => {
    // generous for the quick configurations on a loaded CI machine; only c-slow reaches it
    const ctx = context({ timeoutMs: 8_000, memoryMb: 64, concurrency: 2 });
    const gold = verified('gold', doubleConfig(source('valid'), 'replay valid'), 'valid');
    const missed = verified('c-missed', doubleConfig(source('unsupported-argument'), 'replay unsupported-argument'), 'valid');
    const slow = verified('c-slow', doubleConfig(source('valid'), 'sleep 120'), 'valid');
    const crashing = verified('c-crash', doubleConfig(source('valid'), 'crash'), 'invalid');
    const noCode = verified('c-nocode', null, 'unverified');
    const dropped = dropRecord(record('dropped', gold, []), finding('ingest', 'no-code', diagnostic('error', 'x')));
    const input = [record('r1', gold, [missed, slow, crashing, noCode]), dropped];

    const [r1, r2] = await collect(sandboxStage(ctx)(fromArray(input)));
    expect(announcedRuns).toHaveLength(1);
    expect(r2).toBe(dropped);
    expect(r1!.provenance.stages.sandbox).toBeDefined();

    expect(r1!.gold).toMatchObject({ verdict: 'valid', verifiedBy: 'sandbox', diagnostics: [] });
    const [c1, c2, c3, c4] = r1!.candidates;
    expect(c1).toMatchObject({ verdict: 'invalid', verifiedBy: 'sandbox' });
    expect(c1!.diagnostics.map((d) => [d.summary, d.range?.start.line])).toEqual([['Unsupported argument', 7]]);
    expect(c2).toMatchObject({ verdict: 'unverified', verifiedBy: 'sandbox' });
    // a failed run never upgrades: the embedded "invalid" stays, with its diagnostics
    expect(c3).toBe(crashing);
    expect(c4).toBe(noCode);

    const findings = r1!.findings.map((f) => [f.code, f.subject, f.stage, f.dropped]);
    expect(findings).toEqual([
      ['verifier-disagreement', 'candidate:c-missed', 'sandbox', false],
      ['sandbox-timeout', 'candidate:c-slow', 'sandbox', false],
      ['sandbox-crash', 'candidate:c-crash', 'sandbox', false],
    ]);
    const disagreement = r1!.findings[0]!;
    expect(disagreement.summary).toBe('Embedded verifier said valid, terraform says invalid');
    expect(disagreement.detail).toContain('error: Unsupported argument (main.tf:7)');
    expect(r1!.findings[1]!.detail).toContain('The embedded verifier (embedded) said valid');
    expect(ctx.warnings).toEqual([]);
    expect(Object.fromEntries([...ctx.metrics].filter(([k]) => k.startsWith('sandbox.')))).toEqual({
      'sandbox.runs': 4,
      'sandbox.verdict.valid': 1,
      'sandbox.verdict.invalid': 1,
      'sandbox.verdict.unverified': 2,
      'sandbox.sandbox-timeout': 1,
      'sandbox.sandbox-crash': 1,
      'sandbox.disagreements': 1,
      // gold: none either side; c-missed: embedded had none, terraform one
      'sandbox.diagnostics.matched': 0,
      'sandbox.diagnostics.only-embedded': 0,
      'sandbox.diagnostics.only-terraform': 1,
    });
  });

  it('never runs more containers at once than the pool allows', async () => {
    const ctx = context({ concurrency: 2, timeoutMs: 30_000 });
    const verifier = new SandboxVerifier(docker, ctx.config.sandbox, ctx);
    let max = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const running = await docker.listContainers({ filters: JSON.stringify({ label: [`${SANDBOX_LABEL}=${verifier.runId}`], status: ['running'] }) });
        max = Math.max(max, running.length);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const judgements = await Promise.all(Array.from({ length: 5 }, () => verifier.judge({ 'main.tf': doubleConfig('', 'sleep 2') })));
    polling = false;
    await poll;
    expect(judgements.map((j) => j.verdict)).toEqual(['valid', 'valid', 'valid', 'valid', 'valid']);
    expect(max).toBe(2);
    expect(await leftovers(docker, verifier.runId)).toEqual({ containers: [], volumes: [] });
  });

  it('removes its container when the process is interrupted (Ctrl-C)', async () => {
    const runId = newRunId();
    const child = spawn(process.execPath, ['--import', 'tsx', `${REPO_ROOT}test/sandbox/fixtures/interrupted-run.ts`, TEST_IMAGE, runId], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('started ')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${out}${err}`)));
    });
    expect((await leftovers(docker, runId)).containers).toHaveLength(1);
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    // if the run got to report before the re-raised signal ended the process, it reported an interruption
    expect(out).not.toContain('aborted=false');
    expect(out).not.toContain('completed=true');
    expect(await leftovers(docker, runId)).toEqual({ containers: [], volumes: [] });
  });
});

(engine.docker ? describe : describe.skip)(`sandbox stage with plan and a provider file${suffix}`, () => {
  afterEach(async () => {
    for (const run of announcedRuns.splice(0)) expect(await leftovers(engine.docker!, run)).toEqual({ containers: [], volumes: [] });
  });

  it('uploads the provider file beside each configuration and plans after a valid validate', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/tfpairs-provider-`);
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(`${dir}/provider.tf`, 'provider "aws" {\n  region                      = "us-east-1"\n  skip_credentials_validation = true\n}\n');
    const ctx = context({ plan: true, providerFile: `${dir}/provider.tf` });
    const gold = verified('gold', doubleConfig('resource "aws_s3_bucket" "b" {}\n', 'probe'), 'valid');
    const failing = verified('c-plan', doubleConfig('resource "aws_s3_bucket" "b" {}\n', 'plan-fail'), 'valid');
    const [r] = await collect(sandboxStage(ctx)(fromArray([record('p', gold, [failing])])));
    const files = r!.gold!.diagnostics.find((d) => d.summary === 'tfpairs-double files');
    expect(files?.detail).toBe('main.tf tfpairs_provider.tf');
    expect(r!.gold).toMatchObject({ verdict: 'valid', verifiedBy: 'sandbox' });
    expect(r!.candidates[0]).toMatchObject({ verdict: 'invalid', verifiedBy: 'sandbox' });
    expect(r!.candidates[0]!.diagnostics.map((d) => d.summary)).toEqual(['No valid credential sources found']);
    expect(r!.findings.map((f) => f.code)).toEqual(['verifier-disagreement']);
    expect(announcedRuns).toHaveLength(1);
  });
});
