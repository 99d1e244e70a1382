import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { normaliseAnswer } from '@tfpairs/normalise';
import { loadSchemaSet, verifyCode, type SchemaSet } from '@tfpairs/verify';
import { parseFile } from '@tfpairs/hcl/tree';
import { loadModule } from '@tfpairs/verify/module';
import { AWS_4_SCHEMA, IAC_EVAL_CSV, requireShared } from '../../../test/paths';
import { negativesFor, operatorWeights, raisesExactly, summaryKind } from './negatives';
import { VALIDATE_OPERATORS, WARNING_OPERATORS, nearMisses, type Operator } from './operators';

/** The real `terraform providers schema -json` of AWS 4.36.1: it marks deprecations (the bundled 5.x/6.x do not). */
const aws4361 = (): SchemaSet => loadSchemaSet({ userSchemaFiles: [requireShared(AWS_4_SCHEMA)] });

/** A small valid configuration where every operator has a site. */
const CONFIG = `provider "aws" {
  region = "us-east-1"
}

variable "bucket_name" {
  type    = string
  default = "logs"
}

locals {
  env = "dev"
}

resource "aws_s3_bucket" "logs" {
  bucket        = var.bucket_name
  force_destroy = true
  tags = {
    Env = local.env
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = "{}"
}

resource "aws_lb_listener" "web" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1"
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  vpc_security_group_ids = ["sg-12345678"]

  root_block_device {
    volume_size = 8
  }

  ebs_block_device {
    device_name = "/dev/sdb"
    volume_size = 10
  }
}
`;

describe('negativesFor', () => {
  it('starts from a configuration the validator accepts', async () => {
    expect((await verifyCode(CONFIG)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  // the warning operator needs a schema with deprecations: tested below with AWS 4.36.1's
  it.each(VALIDATE_OPERATORS.filter((o) => !WARNING_OPERATORS.has(o)).map((o) => [o]))('%s makes negatives that raise exactly its error', async (operator) => {
    const res = await negativesFor(CONFIG, { n: 3, operators: [operator as Operator], mix: 'uniform', seed: 7 });
    expect(res.negatives.length).toBeGreaterThan(0);
    expect(res.discarded[operator]).toBe(0);
    for (const n of res.negatives) {
      expect(n.operator).toBe(operator);
      expect(n.code).not.toBe(CONFIG);
      // checked again here, independently of the generator's own check
      const errors = (await verifyCode(n.code)).diagnostics.filter((d) => d.severity === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.summary).toBe(n.diagnostics.find((d) => d.severity === 'error')!.summary);
    }
    expect(new Set(res.negatives.map((n) => n.code)).size).toBe(res.negatives.length);
  });

  it('writes an argument only an older AWS major has (IaC-DPO Figure 3)', async () => {
    const code = `resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "cache"
  node_type            = "cache.t3.micro"
}
`;
    const res = await negativesFor(code, { n: 10, operators: ['drift-argument'], mix: 'uniform', seed: 1 });
    // `description` is required in 5.x and 6.x, so renaming it would raise two errors: the 4.x name is added
    const old = res.negatives.find((n) => /^  replication_group_description = "example"$/m.test(n.code));
    expect(old?.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ summary: 'Unsupported argument', range: { start: { line: 2 } } });
    expect(res.negatives.every((n) => /^  description += "cache"$/m.test(n.code))).toBe(true);
  });

  it('repeats a block the schema allows once: Too many blocks, on the copy', async () => {
    const res = await negativesFor(CONFIG, { n: 3, operators: ['too-many-blocks'], mix: 'uniform', seed: 1 });
    // root_block_device is the only max_items 1 block here (ebs_block_device and default_action have no maximum)
    expect(res.negatives.map((n) => n.what)).toEqual(['aws_instance.web: + second block root_block_device (max 1)']);
    const neg = res.negatives[0]!;
    const lines = neg.code.split('\n');
    const copy = lines.findIndex((l, i) => l === '  root_block_device {' && i > lines.indexOf('  root_block_device {')) + 1;
    expect(copy).toBeGreaterThan(0);
    const errors = (await verifyCode(neg.code)).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toMatchObject([{ summary: 'Too many root_block_device blocks', detail: 'No more than 1 "root_block_device" blocks are allowed', range: { start: { line: copy } } }]);
  });

  it('sets a deprecated argument: no error and exactly that one warning', async () => {
    const code = `resource "aws_db_instance" "db" {
  allocated_storage = 10
  engine            = "mysql"
  instance_class    = "db.t3.micro"
  db_name           = "app"
  username          = "admin"
  password          = "change-me-please"
}
`;
    const schemas = aws4361();
    expect((await verifyCode(code, { schemas })).diagnostics).toEqual([]);
    const res = await negativesFor(code, { n: 20, operators: ['deprecated-argument'], mix: 'uniform', seed: 2, schemas });
    expect(res.negatives.length).toBeGreaterThan(0);
    expect(res.discarded['deprecated-argument']).toBe(0);
    for (const n of res.negatives) {
      const diags = (await verifyCode(n.code, { schemas })).diagnostics;
      expect(diags).toHaveLength(1);
      expect(diags[0]).toMatchObject({ severity: 'warning', summary: 'Argument is deprecated' });
      expect(diags[0]!.detail).toMatch(/^The argument "\w+" is deprecated\. Refer to the provider documentation for details\.$/);
      expect((await verifyCode(n.code, { schemas })).verdict).toBe('valid');
    }
    // 4.x's deprecated `name` is what db_name replaced: the rename an LLM trained on old docs makes
    const renamed = res.negatives.find((n) => n.what === 'aws_db_instance.db: db_name -> name (deprecated)');
    expect(renamed?.code).toMatch(/^ {2}name += "app"$/m);
    expect(renamed?.diagnostics[0]?.range?.start.line).toBe(5);
    // without deprecation flags (the bundled 6.25.0) there is nothing to set
    expect((await negativesFor(code, { n: 3, operators: ['deprecated-argument'], mix: 'uniform' })).negatives).toEqual([]);
  });

  it('leaves a source that already warns to the other operators', async () => {
    const code = 'resource "aws_db_instance" "db" {\n  instance_class = "db.t3.micro"\n  name           = "x"\n}\n';
    const schemas = aws4361();
    expect((await verifyCode(code, { schemas })).diagnostics.map((d) => d.severity)).toEqual(['warning']);
    const res = await negativesFor(code, { n: 3, operators: ['deprecated-argument'], mix: 'uniform', schemas });
    expect(res).toMatchObject({ negatives: [], attempted: { 'deprecated-argument': 0 } });
  });

  it('is deterministic for a seed and changes with it', async () => {
    const a = await negativesFor(CONFIG, { n: 6, mix: 'uniform', seed: 3 });
    const b = await negativesFor(CONFIG, { n: 6, mix: 'uniform', seed: 3 });
    const c = await negativesFor(CONFIG, { n: 6, mix: 'uniform', seed: 4 });
    expect(b.negatives.map((n) => n.code)).toEqual(a.negatives.map((n) => n.code));
    expect(c.negatives.map((n) => n.code)).not.toEqual(a.negatives.map((n) => n.code));
  });

  it('with mix real draws only operators whose error real drafts make', async () => {
    const res = await negativesFor(CONFIG, { n: 12, mix: 'real', seed: 1 });
    const used = new Set(res.negatives.map((n) => n.operator));
    expect(used.has('unclosed-block')).toBe(false);
    expect(used.has('wrong-literal-type')).toBe(false);
    // no real draft says Too many blocks; a deprecation is a warning, and the table counts errors
    expect(used.has('too-many-blocks')).toBe(false);
    expect(used.has('deprecated-argument')).toBe(false);
    expect(used.has('missing-required') || used.has('misspell-argument')).toBe(true);
  });

  it('follows a given real distribution', async () => {
    const ops: string[] = [];
    for (const seed of [1, 2, 3]) {
      const res = await negativesFor(CONFIG, { n: 8, mix: 'real', seed, realDistribution: { 'Unclosed configuration block': 3, 'Reference to undeclared resource': 1 } });
      ops.push(...res.negatives.map((n) => n.operator));
    }
    expect(new Set(ops)).toEqual(new Set(['unclosed-block', 'undeclared-reference']));
    // drawn 3:1 from the mix (no redraw among what is left): the likelier operator makes more
    expect(ops.filter((o) => o === 'unclosed-block').length).toBeGreaterThan(ops.filter((o) => o === 'undeclared-reference').length);
  });
});

describe('operatorWeights', () => {
  it('splits a summary between the operators that raise it', () => {
    const w = operatorWeights(['drift-argument', 'misspell-argument', 'missing-required'], 'real', { 'Unsupported argument': 10, 'Missing required argument': 4, 'Insufficient rule blocks': 2 });
    expect(Object.fromEntries(w)).toEqual({ 'drift-argument': 5, 'misspell-argument': 5, 'missing-required': 4 });
  });
  it('is uniform when asked, or when no chosen operator matches a real error', () => {
    expect([...operatorWeights(['unclosed-block', 'wrong-attribute'], 'uniform').values()]).toEqual([1, 1]);
    expect([...operatorWeights(['unclosed-block'], 'real', { 'Unsupported argument': 3 }).values()]).toEqual([1]);
  });
});

describe('raisesExactly', () => {
  const err = (summary: string, line: number) => ({ severity: 'error' as const, summary, detail: '', range: { filename: 'main.tf', start: { line, column: 1, byte: 0 }, end: { line, column: 2, byte: 1 } } });
  it('needs one error with the summary on the line', () => {
    expect(raisesExactly([err('Unsupported argument', 3)], { summary: 'Unsupported argument', line: 3 })).toBe(true);
    expect(raisesExactly([err('Unsupported argument', 4)], { summary: 'Unsupported argument', line: 3 })).toBe(false);
    expect(raisesExactly([err('Unsupported argument', 3), err('Missing required argument', 1)], { summary: 'Unsupported argument', line: 3 })).toBe(false);
    expect(raisesExactly([err('Insufficient rule blocks', 2)], { summary: /^Insufficient \S+ blocks$/, line: 2 })).toBe(true);
  });
  it('for a warning: no error and that one warning, detail included', () => {
    const warn = { ...err('Argument is deprecated', 3), severity: 'warning' as const, detail: 'The argument "acl" is deprecated.' };
    const expectWarn = { summary: 'Argument is deprecated', line: 3, severity: 'warning' as const, detail: 'The argument "acl" is deprecated.' };
    expect(raisesExactly([warn], expectWarn)).toBe(true);
    expect(raisesExactly([warn, warn], expectWarn)).toBe(false);
    expect(raisesExactly([warn, err('Unsupported argument', 3)], expectWarn)).toBe(false);
    expect(raisesExactly([{ ...warn, detail: 'The argument "policy" is deprecated.' }], expectWarn)).toBe(false);
    expect(raisesExactly([], expectWarn)).toBe(false);
    // an error operator's check ignores warnings the source had
    expect(raisesExactly([warn, err('Unsupported argument', 4)], { summary: 'Unsupported argument', line: 4 })).toBe(true);
  });
  it('groups insufficient-block summaries into one kind', () => {
    expect(summaryKind('Insufficient rule blocks')).toBe('Insufficient blocks');
    expect(summaryKind('Too many rule blocks')).toBe('Too many blocks');
    expect(summaryKind('Unsupported argument')).toBe('Unsupported argument');
  });
});

describe('nearMisses', () => {
  it('makes the camelCase, plural and synonym an LLM writes', () => {
    expect(nearMisses('instance_type')).toEqual(expect.arrayContaining(['instanceType', 'instance-type', 'instance_types', 'instance_class']));
    expect(nearMisses('tags')).toEqual(expect.arrayContaining(['tag', 'labels']));
    expect(nearMisses('policy')).toContain('policies');
  });
});

describe('on IaC-Eval gold (shared data)', () => {
  it('verifies at least 95 % of the candidates of every operator', async () => {
    const rows = parse(readFileSync(requireShared(IAC_EVAL_CSV)), { columns: true }) as Record<string, string>[];
    const attempted: Record<string, number> = {};
    const discarded: Record<string, number> = {};
    let made = 0;
    for (const r of rows.slice(0, 25)) {
      const code = (await normaliseAnswer(r['Reference output'] ?? '', { format: true, stripComments: true, isAnswer: true })).code;
      if (!code || (await verifyCode(code)).verdict !== 'valid') continue;
      const res = await negativesFor(code, { n: 4, mix: 'uniform', seed: 1 });
      made += res.negatives.length;
      for (const [o, c] of Object.entries(res.attempted)) attempted[o] = (attempted[o] ?? 0) + c;
      for (const [o, c] of Object.entries(res.discarded)) discarded[o] = (discarded[o] ?? 0) + c;
    }
    expect(made).toBeGreaterThan(60);
    for (const [o, a] of Object.entries(attempted)) if (a >= 5) expect({ o, rate: (a - discarded[o]!) / a }).toEqual({ o, rate: expect.toSatisfy((x: number) => x >= 0.95) });
  }, 120_000);

  // the two operators with few sites, each alone on all 140 gold (deprecations need AWS 4.36.1's real schema)
  it.each([
    { operator: 'too-many-blocks', schemaFile: undefined, minMade: 25 },
    { operator: 'deprecated-argument', schemaFile: AWS_4_SCHEMA, minMade: 100 },
  ] as const)('$operator verifies at least 95 percent of its candidates on the 140 gold', async ({ operator, schemaFile, minMade }) => {
    const rows = parse(readFileSync(requireShared(IAC_EVAL_CSV)), { columns: true }) as Record<string, string>[];
    let attempted = 0;
    let discarded = 0;
    let made = 0;
    for (const r of rows) {
      const code = (await normaliseAnswer(r['Reference output'] ?? '', { format: true, stripComments: true, isAnswer: true })).code;
      if (!code) continue;
      const schemas = loadSchemaSet({ userSchemaFiles: schemaFile ? [schemaFile] : [], requiredProviders: loadModule([await parseFile('main.tf', code)]).module.requiredProviders });
      if ((await verifyCode(code, { schemas })).verdict !== 'valid') continue;
      const res = await negativesFor(code, { n: 4, operators: [operator], mix: 'uniform', seed: 1, schemas });
      attempted += res.attempted[operator]!;
      discarded += res.discarded[operator]!;
      made += res.negatives.length;
    }
    expect(made).toBeGreaterThanOrEqual(minMade);
    expect((attempted - discarded) / attempted).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});
