import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNdjson } from '@tfpairs/core';
import { cli } from './cli';

/**
 * `build --require lint|security|DIR`: a gold that fails a required check is dropped with the failures in
 * the audit; without `--require` the same findings are kept and nothing is dropped.
 */
const CLEAN = 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n';
// aws_instance_invalid_type is a TFLint `error`
const BAD_INSTANCE = 'resource "aws_instance" "web" {\n  ami           = "ami-12345678"\n  instance_type = "t9.mega"\n}\n';
// only TFLint warnings (terraform_typed_variables, terraform_unused_declarations)
const LINT_WARNINGS = 'variable "unused" {\n  default = "x"\n}\n\nresource "aws_vpc" "other" {\n  cidr_block = "10.1.0.0/16"\n}\n';
// CKV_AWS_24: SSH open to the world
const OPEN_SSH = 'resource "aws_security_group" "ssh" {\n  name = "ssh"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';

const TASKS = [
  { prompt: 'Create a VPC.', gold: CLEAN },
  { prompt: 'Create a web instance.', gold: BAD_INSTANCE },
  { prompt: 'Create another VPC.', gold: LINT_WARNINGS },
  { prompt: 'Create a security group for SSH.', gold: OPEN_SSH },
];

const DENY_VPC = 'package main\n\ndeny contains msg if {\n  some r in input.resource_changes\n  r.type == "aws_vpc"\n  msg := sprintf("%s: no VPCs", [r.address])\n}\n';
const WARN_VPC = 'package main\n\nwarn contains msg if {\n  some r in input.resource_changes\n  r.type == "aws_vpc"\n  msg := sprintf("%s: a VPC", [r.address])\n}\n';

interface AuditLine {
  readonly id: string;
  readonly stage: string;
  readonly code: string;
  readonly subject: string;
  readonly severity: string;
  readonly dropped: boolean;
  readonly detail: string;
  readonly line?: number;
}

describe('build --require', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfpairs-require-'));
    writeFileSync(join(dir, 't.jsonl'), TASKS.map((t) => JSON.stringify(t)).join('\n') + '\n');
    mkdirSync(join(dir, 'deny'));
    writeFileSync(join(dir, 'deny', 'vpc.rego'), DENY_VPC);
    mkdirSync(join(dir, 'warn'));
    writeFileSync(join(dir, 'warn', 'vpc.rego'), WARN_VPC);
  });

  const build = async (name: string, ...flags: string[]) => {
    await cli(['build', '--offline', '--no-report', '--input', 't.jsonl', '--out', name, ...flags], { cwd: dir, env: {} });
    const audit = await readNdjson<AuditLine>(join(dir, name, 'audit.jsonl'));
    const drops = audit.filter((l) => l.dropped);
    return { audit, drops };
  };

  it('keeps every gold without --require, with lint errors and failed checks as error findings', async () => {
    const { audit, drops } = await build('plain');
    expect(drops).toEqual([]);
    const lint = audit.filter((l) => l.stage === 'lint' && l.code === 'aws_instance_invalid_type');
    expect(lint.map((l) => l.severity)).toEqual(['error']);
    expect(audit.filter((l) => l.stage === 'lint' && l.code === 'terraform_typed_variables').map((l) => l.severity)).toEqual(['warning']);
    expect(audit.filter((l) => l.stage === 'security' && l.code === 'CKV_AWS_24').map((l) => l.severity)).toEqual(['error']);
  }, 120_000);

  it('--require lint drops only the gold with a TFLint error', async () => {
    const { drops } = await build('lint', '--require', 'lint');
    expect(drops.map((d) => [d.stage, d.code, d.subject])).toEqual([['lint', 'lint-required', 'gold']]);
    expect(drops[0]!.detail).toContain('aws_instance_invalid_type');
  }, 120_000);

  it('--require security drops exactly the golds failing a bundled check; --no-security with it is a config error', async () => {
    const plain = await build('security-plain');
    const failing = new Set(plain.audit.filter((l) => l.stage === 'security' && l.subject === 'gold').map((l) => l.id));
    const { audit, drops } = await build('security', '--require', 'security');
    expect(new Set(drops.map((d) => d.id))).toEqual(failing);
    expect(drops.every((d) => d.stage === 'security' && d.code === 'security-required')).toBe(true);
    // the open SSH group is one of them, and the failures it names are audited with the drop
    const ssh = audit.find((l) => l.stage === 'security' && l.code === 'CKV_AWS_24')!;
    expect(drops.find((d) => d.id === ssh.id)!.detail).toContain('CKV_AWS_24');
    const bad = await cli(['build', '--offline', '--no-report', '--input', 't.jsonl', '--out', 'x', '--no-security', '--require', 'security'], { cwd: dir, env: {}, allowFailure: true });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--require security');
  }, 120_000);

  it('--require DIR runs the folder and drops on its deny rules, not on its warn rules', async () => {
    const deny = await build('deny', '--no-security', '--require', 'deny');
    expect(deny.drops.map((d) => [d.stage, d.code]).sort()).toEqual([
      ['security', 'policy-required'],
      ['security', 'policy-required'],
    ]);
    expect(deny.audit.filter((l) => l.stage === 'policy-pack' && l.subject === 'gold').map((l) => l.severity)).toEqual(['error', 'error']);
    const warn = await build('warn', '--no-security', '--policy', 'warn', '--require', 'warn', '--policy', 'deny');
    expect(warn.drops).toEqual([]);
    // the deny folder ran (as --policy) but is not required: error findings, no drop
    expect(warn.audit.filter((l) => l.stage === 'policy-pack').map((l) => l.severity).sort()).toEqual(['error', 'error', 'warning', 'warning']);
  }, 120_000);

  it('--policy security is the bundled pack, not a folder named security', async () => {
    const { audit } = await build('by-name', '--no-security', '--policy', 'security');
    expect(audit.filter((l) => l.stage === 'security').map((l) => l.code)).toContain('CKV_AWS_24');
  }, 120_000);
});
