import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '@tfpairs/core';
import { fidelityCommand } from '@tfpairs/sandbox/cli';
import { doubleConfig, engineGate, REPO_ROOT, TEST_IMAGE, testEngine } from './engine';

function captureIO(cwd: string, env: Record<string, string | undefined> = process.env): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: new PassThrough(),
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    cwd,
    env,
    out: () => out,
    err: () => err,
  };
}

const work = mkdtempSync(`${tmpdir()}/tfpairs-fidelity-`);
afterAll(() => rmSync(work, { recursive: true, force: true }));
const REPLAYS = `${REPO_ROOT}docker/test-image/replays/`;

/** folder NAME with main.tf = recorded configuration + directives for the terraform test double */
function configuration(name: string, source: string, ...directives: string[]): string {
  mkdirSync(`${work}/${name}`, { recursive: true });
  writeFileSync(`${work}/${name}/main.tf`, doubleConfig(readFileSync(`${REPLAYS}${source}.tf`, 'utf8'), ...directives));
  return name;
}

describe('tfpairs fidelity: arguments and no engine', () => {
  it('exits 1 with a clear message when no Docker engine is reachable', async () => {
    const io = captureIO(work, { ...process.env, DOCKER_HOST: 'unix:///tmp/tfpairs-no-such-docker.sock' });
    const dir = configuration('noengine', 'valid');
    expect(await fidelityCommand(['--sandbox-image', TEST_IMAGE, dir], io)).toBe(1);
    expect(io.err()).toContain('no Docker engine reachable');
    expect(io.err()).toContain('DOCKER_HOST=unix:///tmp/tfpairs-no-such-docker.sock');
  });

  it('exits 1 on a missing path, no path, or an unknown flag', async () => {
    const io = captureIO(work);
    expect(await fidelityCommand(['does-not-exist'], io)).toBe(1);
    expect(io.err()).toContain('cannot read does-not-exist: ENOENT');
    expect(await fidelityCommand([], io)).toBe(1);
    expect(await fidelityCommand(['-bogus', 'x'], io)).toBe(1);
    expect(io.err()).toContain('flag provided but not defined: -bogus');
  });

  it('-help prints the usage', async () => {
    const io = captureIO(work);
    expect(await fidelityCommand(['-help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: tfpairs fidelity');
  });
});

const engine = await testEngine();
const suffix = engineGate(engine);

(engine.docker ? describe : describe.skip)(`tfpairs fidelity against the terraform test double${suffix}`, () => {
  it('reports verdict agreement and per-diagnostic differences (-json)', async () => {
    const agree = configuration('agree', 'unsupported-argument', 'replay unsupported-argument');
    const disagree = configuration('disagree', 'valid', 'replay missing-provider');
    const slow = configuration('slow', 'valid', 'sleep 120');
    const io = captureIO(work);
    const code = await fidelityCommand(['--sandbox-image', TEST_IMAGE, '-json', '--sandbox-timeout-ms=8000', agree, disagree, slow], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.image).toBe(TEST_IMAGE);
    const [a, d, s] = report.configurations;
    expect(a).toMatchObject({ path: 'agree', files: ['main.tf'], agree: true, embedded: { verdict: 'invalid' }, terraform: { verdict: 'invalid' } });
    expect(a.diagnostics.matched).toEqual([{ severity: 'error', summary: 'Unsupported argument', filename: 'main.tf', line: 7, detail_differs: false }]);
    expect(d).toMatchObject({ agree: false, embedded: { verdict: 'valid' }, terraform: { verdict: 'invalid' } });
    expect(d.diagnostics.only_terraform.map((x: { summary: string }) => x.summary)).toEqual(['Missing required provider']);
    expect(s).toMatchObject({ agree: null, terraform: { verdict: 'unverified', problems: [{ code: 'sandbox-timeout' }] } });
    expect(report.summary).toEqual({
      configurations: 3,
      compared: 2,
      agree: 1,
      disagree: 1,
      agreement: 0.5,
      embedded_valid_terraform_invalid: 1,
      embedded_invalid_terraform_valid: 0,
      not_judged: { 'sandbox-timeout': 1 },
      diagnostics: { matched: 1, only_embedded: 0, only_terraform: 1, detail_differs: 0 },
    });
  });

  it('prints a readable report and accepts a single .tf file', async () => {
    cpSync(`${work}/agree/main.tf`, `${work}/single.tf`);
    const io = captureIO(work);
    expect(await fidelityCommand(['--sandbox-image', TEST_IMAGE, 'agree'], io)).toBe(0);
    expect(io.out()).toContain('agree: embedded invalid, terraform invalid: agree');
    expect(io.out()).toContain('both:           error: Unsupported argument (main.tf:7)');
    expect(io.out()).toContain('verdict agreement: 100.0%');
    const single = captureIO(work);
    expect(await fidelityCommand(['--sandbox-image', TEST_IMAGE, 'single.tf'], single)).toBe(0);
    // the double replays terraform's answer for main.tf: the file name is part of the comparison
    expect(single.out()).toContain('only terraform: error: Unsupported argument (main.tf:7)');
    expect(single.out()).toContain('only embedded:  error: Unsupported argument (single.tf:7)');
  });
});

describe('tfpairs fidelity: schema files', () => {
  it('exits 1 before running anything when a -schema file cannot be used', async () => {
    const io = captureIO(work);
    writeFileSync(`${work}/broken-schema.json`, '{ not json');
    expect(await fidelityCommand(['-schema', 'broken-schema.json', 'agree'], io)).toBe(1);
    expect(io.err()).toMatch(/^tfpairs fidelity: schema broken-schema\.json: /);
  });
});
