/**
 * The bundled security pack (data/policies/security): every Checkov-style policy carries its metadata and
 * is run, through the embedded Rego engine, on the plan JSON of its violating and compliant fixtures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '@tfpairs/plan';
import { compilePolicy } from '@tfpairs/policy';
import { checkNamespace } from '@tfpairs/policy/conftest';
import { REPO } from '../../../test/paths';

const PACK = join(REPO, 'data', 'policies', 'security');
const checks = readdirSync(PACK)
  .filter((f) => f.endsWith('.rego'))
  .map((f) => f.replace(/\.rego$/, ''))
  .sort();
const regoFiles = [...checks.map((id) => join(PACK, `${id}.rego`)), ...readdirSync(join(PACK, 'lib')).map((f) => join(PACK, 'lib', f))];
const policy = compilePolicy(regoFiles.map((file) => ({ file, text: readFileSync(file, 'utf8') })));

async function planOf(id: string, kind: 'fail' | 'pass') {
  const text = readFileSync(join(PACK, 'fixtures', id, `${kind}.tf`), 'utf8');
  const { plan, diagnostics } = await buildPlan({ files: [{ name: 'main.tf', text }] });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(plan).not.toBeNull();
  return plan!;
}

describe('security policy pack', () => {
  it('holds about 40 common AWS checks, each with both fixtures', () => {
    expect(checks.length).toBeGreaterThanOrEqual(40);
    expect(readdirSync(join(PACK, 'fixtures')).sort()).toEqual(checks);
    for (const id of checks) {
      expect(existsSync(join(PACK, 'fixtures', id, 'fail.tf')), id).toBe(true);
      expect(existsSync(join(PACK, 'fixtures', id, 'pass.tf')), id).toBe(true);
    }
  });

  for (const id of checks) {
    describe(id, () => {
      it('declares its package and metadata', () => {
        const [meta] = policy.query(`data.security.${id}.__rego_metadata__`).map((r) => r.expressions[0]!.value as Record<string, unknown>);
        expect(meta).toBeDefined();
        expect(meta!.id).toBe(id);
        expect(typeof meta!.title).toBe('string');
        expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(meta!.severity);
        expect((meta!.resource_types as string[]).length).toBeGreaterThan(0);
        expect(meta!.link).toMatch(/^https:\/\/github\.com\/bridgecrewio\/checkov\/blob\/main\/checkov\/terraform\/checks\/.+\.(py|yaml)$/);
      });
      it('fails the violating fixture', async () => {
        const plan = await planOf(id, 'fail');
        const result = checkNamespace(policy, plan, 'fail.tf', `security.${id}`);
        expect(result.failures?.length ?? 0).toBeGreaterThan(0);
        const addresses = (plan.resource_changes as { address: string }[]).map((r) => r.address);
        for (const f of result.failures!) {
          expect(f.msg.startsWith(`${id}: `)).toBe(true);
          expect(addresses).toContain(f.metadata!.resource);
          expect(f.metadata!.id).toBe(id);
        }
      });
      it('passes the compliant fixture', async () => {
        const result = checkNamespace(policy, await planOf(id, 'pass'), 'pass.tf', `security.${id}`);
        expect(result.failures ?? []).toEqual([]);
        expect(result.successes).toBeGreaterThan(0);
      });
    });
  }
});

describe('security checks: Checkov semantics on plan JSON', () => {
  const failuresFor = async (id: string, text: string) => {
    const { plan, diagnostics } = await buildPlan({ files: [{ name: 'main.tf', text }] });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return (checkNamespace(policy, plan, 'main.tf', `security.${id}`).failures ?? []).map((f) => f.metadata!.resource);
  };
  it('CKV_AWS_19: a bucket without any encryption configuration passes (S3 encrypts by default)', async () => {
    expect(await failuresFor('CKV_AWS_19', 'resource "aws_s3_bucket" "b" {\n  bucket = "tfpairs-b"\n}\n')).toEqual([]);
  });
  it('CKV_AWS_20: a companion matched by the literal bucket name counts', async () => {
    const text = 'resource "aws_s3_bucket" "b" {\n  bucket = "tfpairs-b"\n}\nresource "aws_s3_bucket_acl" "a" {\n  bucket = "tfpairs-b"\n  acl    = "public-read"\n}\n';
    expect(await failuresFor('CKV_AWS_20', text)).toEqual(['aws_s3_bucket.b']);
  });
  it('CKV_AWS_24: a source security group known only after apply is a source; self rules pass', async () => {
    const sgRule = 'resource "aws_security_group" "a" {\n  name = "a"\n}\nresource "aws_security_group_rule" "r" {\n  type                     = "ingress"\n  from_port                = 22\n  to_port                  = 22\n  protocol                 = "tcp"\n  source_security_group_id = aws_security_group.a.id\n  security_group_id        = aws_security_group.a.id\n}\n';
    expect(await failuresFor('CKV_AWS_24', sgRule)).toEqual([]);
    const self = 'resource "aws_security_group" "a" {\n  name = "a"\n  ingress {\n    from_port = 22\n    to_port   = 22\n    protocol  = "tcp"\n    self      = true\n  }\n}\n';
    expect(await failuresFor('CKV_AWS_24', self)).toEqual([]);
    const all = 'resource "aws_security_group" "a" {\n  name = "a"\n  ingress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
    expect(await failuresFor('CKV_AWS_24', all)).toEqual(['aws_security_group.a']);
  });
  it('CKV_AWS_133: an unset backup retention passes, 0 fails', async () => {
    const db = (extra: string) => `resource "aws_db_instance" "d" {\n  engine            = "mysql"\n  instance_class    = "db.t3.micro"\n  allocated_storage = 20\n${extra}}\n`;
    expect(await failuresFor('CKV_AWS_133', db(''))).toEqual([]);
    expect(await failuresFor('CKV_AWS_133', db('  backup_retention_period = 0\n'))).toEqual(['aws_db_instance.d']);
  });
});
