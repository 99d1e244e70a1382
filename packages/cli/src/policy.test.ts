import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '@tfpairs/plan';
import { cli } from '../../../test/cli';
import { REPO } from '../../../test/paths';

/** `tfpairs policy test --policy security`: the bundled pack by name, on plan JSON or on Terraform planned offline. */
const FIXTURES = join(REPO, 'data', 'policies', 'security', 'fixtures');
const OPEN_SSH = readFileSync(join(FIXTURES, 'CKV_AWS_24', 'fail.tf'), 'utf8');
const CLOSED_SSH = readFileSync(join(FIXTURES, 'CKV_AWS_24', 'pass.tf'), 'utf8');

interface Result {
  filename: string;
  namespace: string;
  successes: number;
  failures?: { msg: string; metadata?: Record<string, unknown> }[];
  warnings?: unknown[];
}

describe('tfpairs policy test --policy security', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-policy-'));
  writeFileSync(join(dir, 'open.tf'), OPEN_SSH);
  mkdirSync(join(dir, 'closed'));
  writeFileSync(join(dir, 'closed', 'main.tf'), CLOSED_SSH);

  it('tests a .tf file with every bundled check (its plan JSON), conftest JSON shape, exit 1 on failures', async () => {
    const run = await cli(['policy', 'test', 'open.tf', '--policy', 'security', '--output', 'json'], { cwd: dir, allowFailure: true });
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as Result[];
    const namespaces = results.map((r) => r.namespace);
    expect(namespaces).toContain('security.CKV_AWS_24');
    expect(namespaces).not.toContain('main');
    expect(namespaces).not.toContain('security.lib');
    expect(results.every((r) => r.filename === 'open.tf')).toBe(true);
    const ssh = results.find((r) => r.namespace === 'security.CKV_AWS_24')!;
    expect(ssh.failures?.[0]?.msg).toMatch(/^CKV_AWS_24: /);
    expect(ssh.failures?.[0]?.metadata?.id).toBe('CKV_AWS_24');
  });

  it('passes the compliant folder on the same check, and gives the same verdict on prepared plan JSON', async () => {
    const folder = await cli(['policy', 'test', 'closed', '-p', 'security', '--namespace', 'security.CKV_AWS_24', '--output', 'json'], { cwd: dir });
    expect(JSON.parse(folder.stdout)).toEqual([{ filename: 'closed', namespace: 'security.CKV_AWS_24', successes: 1 }]);
    const { plan } = await buildPlan({ files: [{ name: 'main.tf', text: OPEN_SSH }] });
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const json = await cli(['policy', 'test', 'plan.json', '--policy=security', '--namespace', 'security.CKV_AWS_24'], { cwd: dir, allowFailure: true });
    expect(json.code).toBe(1);
    expect(json.stdout).toContain('FAIL - plan.json - security.CKV_AWS_24 - CKV_AWS_24: ');
  });

  it('adds main when a pack of the user is given too; ./security is a folder, not the bundled pack', async () => {
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'p.rego'), 'package main\n\nwarn contains "a plan" if input.format_version\n');
    // (another bundled check may fail the folder: only the namespaces tested are looked at)
    const both = await cli(['policy', 'test', 'closed', '--policy', 'mine', '--policy', 'security', '--output', 'json'], { cwd: dir, allowFailure: true });
    const results = JSON.parse(both.stdout) as Result[];
    expect(results[0]).toEqual({ filename: 'closed', namespace: 'main', successes: 0, warnings: [{ msg: 'a plan' }] });
    expect(results.length).toBeGreaterThan(40);
    const folder = await cli(['policy', 'test', 'closed', '--policy', './security'], { cwd: dir, allowFailure: true });
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain('security');
  });

  it('reports a configuration that cannot be planned as conftest reports an unparsable input', async () => {
    writeFileSync(join(dir, 'broken.tf'), 'resource "aws_vpc" "v" {\n');
    const run = await cli(['policy', 'test', 'broken.tf', '--policy', 'security'], { cwd: dir, allowFailure: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Error: running test: parse configurations: broken.tf: cannot be planned: /);
  });
});
