import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SandboxRun, StepResult } from './runner';
import { judgeRun } from './verdict';

const REPLAYS = fileURLToPath(new URL('../../../docker/test-image/replays/', import.meta.url));
const replay = (name: string) => readFileSync(`${REPLAYS}${name}.json`, 'utf8');
const OPTS = { timeoutMs: 1000, memoryMb: 64, plan: false };
const INIT_OK: StepResult = { name: 'init', exitCode: 0, stdout: 'Terraform has been successfully initialized!\n', stderr: '' };

function run(steps: StepResult[], extra: Partial<SandboxRun> = {}): SandboxRun {
  return { containerId: 'c', steps, timedOut: false, oomKilled: false, aborted: false, exitCode: 0, completed: true, wrapperOutput: '', durationMs: 1, ...extra };
}

describe('judgeRun', () => {
  it('valid and invalid answers of terraform become verdicts with terraform\'s diagnostics', () => {
    const valid = judgeRun(run([INIT_OK, { name: 'validate', exitCode: 0, stdout: replay('deprecated-warning'), stderr: '' }]), OPTS);
    expect(valid.verdict).toBe('valid');
    expect(valid.diagnostics.map((d) => d.summary)).toEqual(['Argument is deprecated']);
    const invalid = judgeRun(run([INIT_OK, { name: 'validate', exitCode: 1, stdout: replay('undeclared-resource'), stderr: '' }]), OPTS);
    expect(invalid).toMatchObject({ verdict: 'invalid', problems: [] });
  });

  it.each([
    ['timeout', run([INIT_OK], { timedOut: true, completed: false }), 'sandbox-timeout'],
    // an OOM kill wins even when terraform printed a valid answer before dying
    ['oom', run([INIT_OK, { name: 'validate', exitCode: 0, stdout: replay('valid'), stderr: '' }], { oomKilled: true, exitCode: 137 }), 'sandbox-oom'],
    ['docker error', run([], { error: 'No such image', exitCode: null }), 'sandbox-crash'],
    ['no validate step', run([INIT_OK], { exitCode: 137, completed: false }), 'sandbox-crash'],
    ['crash banner', run([INIT_OK, { name: 'validate', exitCode: 2, stdout: '', stderr: 'panic: boom\n!!! TERRAFORM CRASH !!!' }]), 'sandbox-crash'],
    ['valid JSON but non-zero exit', run([INIT_OK, { name: 'validate', exitCode: 1, stdout: replay('valid'), stderr: '' }]), 'sandbox-crash'],
    ['aborted', run([], { aborted: true }), 'sandbox-aborted'],
  ])('%s -> unverified with %s', (_name, r, code) => {
    const judged = judgeRun(r, OPTS);
    expect(judged.verdict).toBe('unverified');
    expect(judged.problems.map((p) => p.code)).toEqual([code]);
  });

  it('init failure: located configuration errors still make it invalid, a missing provider leaves it unverified', () => {
    const initFail: StepResult = { name: 'init', exitCode: 1, stdout: '', stderr: 'Error: Failed to query available provider packages' };
    const located = judgeRun(run([initFail, { name: 'validate', exitCode: 1, stdout: replay('unsupported-argument'), stderr: '' }]), OPTS);
    expect(located.verdict).toBe('invalid');
    expect(located.problems.map((p) => p.code)).toEqual(['sandbox-init-failed']);
    const sourceless = judgeRun(run([initFail, { name: 'validate', exitCode: 1, stdout: replay('missing-provider'), stderr: '' }]), OPTS);
    expect(sourceless.verdict).toBe('unverified');
    expect(sourceless.problems[0]!.diagnostic.detail).toContain('Failed to query available provider packages');
  });

  it('plan: a change summary is valid, an error diagnostic invalid, a silent failure a crash', () => {
    const validate: StepResult = { name: 'validate', exitCode: 0, stdout: replay('valid'), stderr: '' };
    const summary = '{"@level":"info","@message":"Plan: 1 to add","@module":"terraform.ui","type":"change_summary","changes":{}}';
    const diag = '{"@level":"error","@message":"Error: x","@module":"terraform.ui","type":"diagnostic","diagnostic":{"severity":"error","summary":"x","detail":"y"}}';
    const plan = { ...OPTS, plan: true };
    expect(judgeRun(run([INIT_OK, validate, { name: 'plan', exitCode: 0, stdout: summary, stderr: '' }]), plan).verdict).toBe('valid');
    expect(judgeRun(run([INIT_OK, validate, { name: 'plan', exitCode: 1, stdout: diag, stderr: '' }]), plan).verdict).toBe('invalid');
    const silent = judgeRun(run([INIT_OK, validate, { name: 'plan', exitCode: 1, stdout: '', stderr: 'killed' }]), plan);
    expect(silent.verdict).toBe('unverified');
    expect(silent.problems[0]!.code).toBe('sandbox-crash');
    expect(judgeRun(run([INIT_OK, validate]), plan).verdict).toBe('unverified');
  });

  it('a container that could not be removed is audited next to the verdict', () => {
    const judged = judgeRun(run([INIT_OK, { name: 'validate', exitCode: 0, stdout: replay('valid'), stderr: '' }], { cleanupError: 'busy' }), OPTS);
    expect(judged.verdict).toBe('valid');
    expect(judged.problems.map((p) => p.code)).toEqual(['sandbox-cleanup-failed']);
  });
});
