import { describe, expect, it } from 'vitest';
import { parseFile } from '@tfpairs/hcl/tree';
import { objectVal, stringVal, markSensitive, unknownVal, listOf, mapOf, T, tupleVal } from '@tfpairs/lang';
import { buildPlan } from './index';
import { referencesOf } from './references';
import { sensitiveAsBool } from './json';
import { applyOverlay } from './overlay';
import { planCommand } from './cli';

async function refs(expr: string): Promise<string[]> {
  const f = await parseFile('x.tf', `x = ${expr}\n`);
  return referencesOf(f.body.attributes[0]!.expr);
}

describe('references as terraform lists them', () => {
  it('each traversal, then shorter down to its subject, then the unkeyed resource', async () => {
    expect(await refs('aws_instance.web[0].id')).toEqual(['aws_instance.web[0].id', 'aws_instance.web[0]', 'aws_instance.web']);
    expect(await refs('data.aws_ami.x.tags["a"]')).toEqual(['data.aws_ami.x.tags["a"]', 'data.aws_ami.x.tags', 'data.aws_ami.x']);
    expect(await refs('module.m.out')).toEqual(['module.m.out', 'module.m']);
    expect(await refs('"${var.a}-${local.b.c}"')).toEqual(['var.a', 'local.b.c', 'local.b']);
    expect(await refs('[for s in var.list : s.name]')).toEqual(['var.list']);
    expect(await refs('aws_subnet.a[count.index].id')).toEqual(['aws_subnet.a', 'count.index']);
    expect(await refs('upper("x")')).toEqual([]);
  });
});

describe('sensitive_values trees', () => {
  it('marks, unknown collections as empty containers', () => {
    const v = objectVal({ a: markSensitive(stringVal('s')), b: unknownVal(listOf(T.string)), c: unknownVal(mapOf(T.string)), d: unknownVal(T.string), e: tupleVal([stringVal('x')]) });
    expect(sensitiveAsBool(v)).toEqual({ a: true, b: [], c: {}, e: [false] });
  });
});

describe('computed overlay', () => {
  it('marks nested paths computed without touching the shared schema', () => {
    const block = { attributes: { acl: { type: 'string', optional: true } }, block_types: { rule: { nesting_mode: 'list' as const, block: { attributes: { id: { type: 'string', optional: true } } } } } };
    const out = applyOverlay(block, { version: 1, computed: ['acl', 'rule.id'] });
    expect(out.attributes!.acl!.computed).toBe(true);
    expect(out.block_types!.rule!.block.attributes!.id!.computed).toBe(true);
    expect(block.attributes.acl).toEqual({ type: 'string', optional: true });
  });
});

describe('buildPlan', () => {
  it('plans AWS resources with unknown computed attributes and a read for data sources', async () => {
    const text = `
provider "aws" {
  region = "us-east-1"
}
data "aws_caller_identity" "me" {}
resource "aws_s3_bucket" "b" {
  bucket = "logs-\${data.aws_caller_identity.me.account_id}"
  tags   = { Team = "x" }
}
`;
    const { plan } = await buildPlan({ files: [{ name: 'main.tf', text }] });
    const changes = plan!.resource_changes!;
    expect(changes.map((c) => [c.address, (c.change as { actions: string[] }).actions])).toEqual([
      ['data.aws_caller_identity.me', ['read']],
      ['aws_s3_bucket.b', ['create']],
    ]);
    const bucket = changes[1]!.change as { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
    expect(bucket.after.tags).toEqual({ Team: 'x' });
    // computed in the real 4.36.1 schema: unknown, not null
    expect(bucket.after_unknown.tags_all).toBe(true);
    expect(bucket.after_unknown.bucket).toBe(true);
    expect(bucket.after_unknown.arn).toBe(true);
  });

  it("a data source's configured arguments are known to references, its results unknown", async () => {
    const text = 'data "aws_s3_bucket" "src" {\n  bucket = "logs"\n}\nresource "aws_s3_bucket" "copy" {\n  bucket = "${data.aws_s3_bucket.src.bucket}-copy"\n  tags   = { arn = data.aws_s3_bucket.src.arn }\n}\n';
    const { plan } = await buildPlan({ files: [{ name: 'main.tf', text }] });
    const copy = plan!.resource_changes!.find((c) => c.address === 'aws_s3_bucket.copy')!.change as { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
    expect(copy.after.bucket).toBe('logs-copy');
    expect(copy.after_unknown.tags).toEqual({ arn: true });
    expect(plan!.relevant_attributes).toEqual(expect.arrayContaining([{ resource: 'data.aws_s3_bucket.src', attribute: ['arn'] }]));
  });

  it('returns validate diagnostics and no plan for an invalid configuration', async () => {
    const { plan, diagnostics } = await buildPlan({ files: [{ name: 'main.tf', text: 'resource "aws_s3_bucket" "b" {\n  bukket = "x"\n}\n' }] });
    expect(plan).toBeNull();
    expect(diagnostics.map((d) => d.summary)).toContain('Unsupported argument');
  });

  it('a required variable needs -var', async () => {
    const text = 'variable "n" {\n  type = number\n}\nresource "terraform_data" "r" {\n  count = var.n\n}\n';
    expect((await buildPlan({ files: [{ name: 'main.tf', text }] })).plan).toBeNull();
    const { plan } = await buildPlan({ files: [{ name: 'main.tf', text }] }, { vars: { n: '2' } });
    expect(plan!.resource_changes!.map((c) => c.address)).toEqual(['terraform_data.r[0]', 'terraform_data.r[1]']);
    expect(plan!.variables).toEqual({ n: { value: '2' } });
  });
});

describe('tfpairs plan', () => {
  const io = (cwd: string) => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { cwd, stdout: { write: (s: string) => (out.push(s), true), isTTY: false }, stderr: { write: (s: string) => (err.push(s), true) }, stdin: process.stdin, env: {} } as never, out, err };
  };
  it('one object per PATH with "path" when several are given; exit 1 when one is invalid', async () => {
    const dir = new URL('./__fixtures__/plan-oracle/cases/', import.meta.url).pathname;
    const { io: cli, out } = io(dir);
    const code = await planCommand(['-json', 'basic', 'count', 'missing'], cli);
    expect(code).toBe(1);
    const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l) as { path: string; format_version: string; valid?: boolean });
    expect(lines.map((l) => [l.path, l.format_version])).toEqual([['basic', '1.2'], ['count', '1.2'], ['missing', '1.0']]);
    expect(lines[2]!.valid).toBe(false);
  });
});
