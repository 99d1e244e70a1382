import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '@tfpairs/core';
import { describe, expect, it } from 'vitest';
import { policyCommand } from './cli';
import { makeTestCommand } from './conftest';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const streams: CliIO = { stdin: Readable.from([]), stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd, env: {} };
  return { streams, out: () => out.join(''), err: () => err.join('') };
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-policy-'));
  mkdirSync(join(dir, 'policy', 'cfg'), { recursive: true });
  writeFileSync(
    join(dir, 'policy', 'main.rego'),
    `package main
deny contains msg if {
  some r in input.resource_changes
  r.type == "aws_s3_bucket"
  not r.change.after.versioning
  msg := sprintf("%s has no versioning", [r.address])
}
warn_tags contains {"msg": "untagged", "severity": data.cfg.level} if not input.tags
violation contains "never" if false
`,
  );
  writeFileSync(join(dir, 'policy', 'cfg', 'level.json'), '{"level": "low"}');
  writeFileSync(join(dir, 'policy', 'v0.rego'), 'package legacy\nallow { input.ok }\n');
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ resource_changes: [{ type: 'aws_s3_bucket', address: 'aws_s3_bucket.a', change: { after: {} } }] }));
  writeFileSync(join(dir, 'good.json'), JSON.stringify({ resource_changes: [], tags: { a: 1 } }));
  return dir;
}

describe('tfpairs policy eval', () => {
  it("prints opa eval's JSON: result, expressions, text, location and bindings", async () => {
    const dir = fixture();
    const t = io(dir);
    const code = await policyCommand(['eval', '-d', 'policy/main.rego', '-d', 'policy/cfg', '-i', 'plan.json', 'x := data.main.deny[_]'], t.streams);
    expect(t.err()).toBe('');
    expect(code).toBe(0);
    expect(t.out()).toBe(
      JSON.stringify({ result: [{ expressions: [{ value: true, text: 'x := data.main.deny[_]', location: { row: 1, col: 1 } }], bindings: { x: 'aws_s3_bucket.a has no versioning' } }] }, null, 2) + '\n',
    );
  });

  it('prints {} when undefined, and the value false when a rule is false', async () => {
    const dir = fixture();
    const t = io(dir);
    expect(await policyCommand(['eval', 'data.nothing.here'], t.streams)).toBe(0);
    expect(t.out()).toBe('{}\n');
    const f = io(dir);
    writeFileSync(join(dir, 'f.rego'), 'package f\ndefault allow := false\n');
    await policyCommand(['eval', '-d', 'f.rego', '--format', 'json', 'data.f.allow'], f.streams);
    expect(JSON.parse(f.out()).result[0].expressions[0].value).toBe(false);
  });

  it('a directory loads its .rego modules and merges data files at their folder path', async () => {
    const dir = fixture();
    const t = io(dir);
    // v0.rego is v0 syntax: OPA 1.x rejects it unless --v0-compatible
    expect(await policyCommand(['eval', '-d', 'policy', 'data.cfg'], t.streams)).toBe(1);
    const err = JSON.parse(t.out());
    expect(err.errors[0]).toMatchObject({ code: 'rego_parse_error', location: { file: 'policy/v0.rego', row: 2 } });
    const ok = io(dir);
    expect(await policyCommand(['eval', '--v0-compatible', '-d', 'policy', 'data.cfg'], ok.streams)).toBe(0);
    expect(JSON.parse(ok.out()).result[0].expressions[0].value).toEqual({ level: 'low' });
  });

  it('eval_conflict_error exits 1 with the error object', async () => {
    const dir = fixture();
    writeFileSync(join(dir, 'c.rego'), 'package c\np := 1\np := 2\n');
    const t = io(dir);
    expect(await policyCommand(['eval', '-d', 'c.rego', 'data.c.p'], t.streams)).toBe(1);
    expect(JSON.parse(t.out()).errors[0]).toEqual({ message: 'rule data.c.p produced conflicting values', code: 'eval_conflict_error', location: { file: 'c.rego', row: 3, col: 1 } });
  });
});

describe('tfpairs policy test (conftest)', () => {
  it("prints conftest's JSON and exits 1 on failures", async () => {
    const dir = fixture();
    const t = io(dir);
    const code = await policyCommand(['test', 'plan.json', '--policy', 'policy/main.rego', '--data', 'policy', '--output', 'json'], t.streams);
    expect(t.err()).toBe('');
    expect(code).toBe(1);
    expect(JSON.parse(t.out())).toEqual([
      { filename: 'plan.json', namespace: 'main', successes: 1, warnings: [{ msg: 'untagged', metadata: { severity: 'low' } }], failures: [{ msg: 'aws_s3_bucket.a has no versioning' }] },
    ]);
  });

  it('passes a clean input (exit 0) and prints the summary line', async () => {
    const dir = fixture();
    const t = io(dir);
    expect(await policyCommand(['test', 'good.json', '-p', 'policy/main.rego'], t.streams)).toBe(0);
    expect(t.out()).toBe('\n3 tests, 3 passed, 0 warnings, 0 failures, 0 exceptions\n');
  });

  it('takes an injected input loader (for Terraform folders)', async () => {
    const dir = fixture();
    const seen: string[] = [];
    const cmd = makeTestCommand(() => async (path) => {
      seen.push(path);
      return { resource_changes: [{ type: 'aws_s3_bucket', address: `${path}.b`, change: { after: { versioning: [{}] } } }], tags: {} };
    });
    const t = io(dir);
    expect(await cmd(['some-folder', '-p', 'policy/main.rego', '-o', 'json'], t.streams)).toBe(0);
    expect(seen).toEqual(['some-folder']);
    expect(JSON.parse(t.out())[0].successes).toBe(3);
  });
});
