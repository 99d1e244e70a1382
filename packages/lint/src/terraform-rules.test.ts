import { describe, expect, it } from 'vitest';
import { lintConfig } from './lint';
import { TERRAFORM_RULES } from './terraform-rules';

const lint = (rule: string, files: Record<string, string> | string, options: Record<string, unknown> = {}) =>
  lintConfig(typeof files === 'string' ? [{ name: 'main.tf', text: files }] : Object.entries(files).map(([name, text]) => ({ name, text })), {
    only: [rule],
    config: { plugins: { terraform: { enabled: true }, aws: { enabled: true } }, rules: { [rule]: { enabled: true, options } } },
  });

const pinned = 'terraform {\n  required_version = ">= 1.0"\n}\n';

/** For every rule of tflint-ruleset-terraform: a violating and a compliant configuration. */
const CASES: Record<string, { bad: Record<string, string> | string; good: Record<string, string> | string; message: string; at?: [number, number, number, number] }> = {
  terraform_comment_syntax: { bad: '// hello\nlocals {}\n', good: '# hello\n/* one line */\nlocals {}\n', message: 'Comments should begin with #', at: [1, 1, 2, 1] },
  terraform_deprecated_index: { bad: 'output "a" {\n  value = foo.bar.0\n}\n', good: 'output "a" {\n  value = foo.bar[0]\n}\n', message: 'List items should be accessed using square brackets', at: [2, 18, 2, 20] },
  terraform_deprecated_interpolation: { bad: 'output "a" {\n  value = "${var.x}"\n}\n', good: 'output "a" {\n  value = "a-${var.x}"\n}\n', message: 'Interpolation-only expressions are deprecated in Terraform v0.12.14', at: [2, 11, 2, 21] },
  terraform_deprecated_lookup: { bad: 'output "a" {\n  value = lookup(var.m, "k")\n}\n', good: 'output "a" {\n  value = lookup(var.m, "k", "d")\n}\n', message: 'Lookup with 2 arguments is deprecated', at: [2, 11, 2, 29] },
  terraform_documented_outputs: { bad: 'output "a" {\n  value = 1\n}\n', good: 'output "a" {\n  value       = 1\n  description = "one"\n}\n', message: '`a` output has no description', at: [1, 1, 1, 11] },
  terraform_documented_variables: { bad: 'variable "a" {\n  description = ""\n}\n', good: 'variable "a" {\n  description = "the a"\n}\n', message: '`a` variable has no description', at: [1, 1, 1, 13] },
  terraform_empty_list_equality: { bad: 'output "a" {\n  value = var.l == []\n}\n', good: 'output "a" {\n  value = length(var.l) == 0\n}\n', message: 'Comparing a collection with an empty list is invalid. To detect an empty collection, check its length.', at: [2, 11, 2, 22] },
  terraform_json_syntax: { bad: { 'main.tf.json': '[{"locals": {"a": 1}}]' }, good: { 'main.tf.json': '{"locals": {"a": 1}}' }, message: 'JSON configuration uses array syntax at root, expected object', at: [1, 1, 1, 1] },
  terraform_map_duplicate_keys: { bad: 'locals {\n  m = {\n    a   = 1\n    "a" = 2\n  }\n}\n', good: 'locals {\n  m = {\n    a = 1\n    b = 2\n  }\n}\n', message: 'Duplicate key: "a", first defined at main.tf:3,5-6', at: [4, 5, 4, 8] },
  terraform_module_pinned_source: { bad: 'module "m" {\n  source = "git::https://example.com/m.git"\n}\n', good: 'module "m" {\n  source = "git::https://example.com/m.git?ref=v1.2.0"\n}\n', message: 'Module source "git::https://example.com/m.git" is not pinned', at: [2, 12, 2, 44] },
  terraform_module_shallow_clone: { bad: 'module "m" {\n  source = "git::https://example.com/m.git?ref=v1.2.0"\n}\n', good: 'module "m" {\n  source = "git::https://example.com/m.git?depth=1&ref=v1.2.0"\n}\n', message: 'Module source "git::https://example.com/m.git?ref=v1.2.0" should enable shallow cloning by adding "depth=1" parameter' },
  terraform_module_version: { bad: 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n', good: 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n', message: 'module "vpc" should specify a version', at: [1, 1, 1, 13] },
  terraform_naming_convention: { bad: 'resource "aws_s3_bucket" "myBucket" {}\n', good: 'resource "aws_s3_bucket" "my_bucket" {}\n', message: 'resource name `myBucket` must match the following format: snake_case', at: [1, 1, 1, 36] },
  terraform_required_providers: {
    bad: 'resource "aws_s3_bucket" "b" {}\n',
    good: 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\nresource "aws_s3_bucket" "b" {}\n',
    message: 'Missing version constraint for provider "aws" in `required_providers`',
    at: [1, 1, 1, 29],
  },
  terraform_required_version: { bad: 'terraform {\n  required_providers {}\n}\n', good: pinned, message: 'terraform "required_version" attribute is required', at: [1, 1, 1, 10] },
  terraform_standard_module_structure: {
    bad: { 'main.tf': 'variable "a" {\n  type = string\n}\n' },
    good: { 'main.tf': 'locals {}\n', 'variables.tf': 'variable "a" {\n  type = string\n}\n', 'outputs.tf': '' },
    message: 'Module should include an empty outputs.tf file',
  },
  terraform_typed_variables: { bad: 'variable "a" {}\n', good: 'variable "a" {\n  type = string\n}\n', message: '`a` variable has no type', at: [1, 1, 1, 13] },
  terraform_unused_declarations: { bad: 'variable "a" {\n  type = string\n}\n', good: 'variable "a" {\n  type = string\n}\noutput "o" {\n  value = var.a\n}\n', message: 'variable "a" is declared but not used', at: [1, 1, 1, 13] },
  terraform_unused_required_providers: {
    bad: 'terraform {\n  required_providers {\n    random = {\n      source = "hashicorp/random"\n    }\n  }\n}\n',
    good: 'terraform {\n  required_providers {\n    random = {\n      source = "hashicorp/random"\n    }\n  }\n}\nresource "random_id" "r" {}\n',
    message: "provider 'random' is declared in required_providers but not used by the module",
    at: [3, 5, 5, 6],
  },
  terraform_workspace_remote: {
    bad: 'terraform {\n  required_version = "~> 1.0"\n  backend "remote" {}\n}\noutput "w" {\n  value = terraform.workspace\n}\n',
    good: 'terraform {\n  required_version = ">= 1.1"\n  backend "remote" {}\n}\noutput "w" {\n  value = terraform.workspace\n}\n',
    message: "terraform.workspace should not be used with a 'remote' backend",
    at: [6, 11, 6, 30],
  },
};

describe('tflint-ruleset-terraform rules', () => {
  it('has a case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(TERRAFORM_RULES.map((r) => r.name).sort());
  });
  for (const [rule, c] of Object.entries(CASES)) {
    it(`${rule}: flags the violating configuration`, async () => {
      const issues = await lint(rule, c.bad);
      expect(issues.map((i) => i.message)).toContain(c.message);
      const issue = issues.find((i) => i.message === c.message)!;
      expect(issue.rule).toBe(rule);
      if (c.at) expect([issue.range.start.line, issue.range.start.column, issue.range.end.line, issue.range.end.column]).toEqual(c.at);
    });
    it(`${rule}: accepts the compliant configuration`, async () => {
      expect(await lint(rule, c.good)).toEqual([]);
    });
  }
});

describe('rule details from the rule documentation', () => {
  it('unused_declarations: a variable used only in its own validation is unused; locals, data and provider aliases', async () => {
    const text = [
      'variable "v" {',
      '  type = number',
      '  validation {',
      '    condition     = var.v > 0',
      '    error_message = "positive"',
      '  }',
      '}',
      'locals {',
      '  a = 1',
      '  b = local.a',
      '}',
      'data "aws_ami" "x" {}',
      'data "aws_ami" "y" {}',
      'provider "aws" {',
      '  alias = "west"',
      '}',
      'provider "aws" {',
      '  alias = "east"',
      '}',
      'resource "aws_instance" "i" {',
      '  provider = aws.east',
      '  ami      = data.aws_ami.y.id',
      '}',
      '',
    ].join('\n');
    const messages = (await lint('terraform_unused_declarations', text)).map((i) => i.message);
    expect(messages).toEqual(['variable "v" is declared but not used', 'local.b is declared but not used', 'data "aws_ami" "x" is declared but not used', 'provider "aws" with alias "west" is declared but not used']);
  });
  it('required_providers: legacy string, missing source, provider version attribute, builtin terraform', async () => {
    const text = 'terraform {\n  required_providers {\n    aws    = "~> 5.0"\n    random = {\n      version = "~> 3.0"\n    }\n  }\n}\nprovider "aws" {\n  version = "5.0"\n}\nresource "random_id" "r" {}\nresource "terraform_data" "d" {}\n';
    const messages = (await lint('terraform_required_providers', text)).map((i) => i.message);
    expect(messages.sort()).toEqual(['Legacy version constraint for provider "aws" in `required_providers`', 'Missing `source` for provider "random" in `required_providers`', 'provider version constraint should be specified via `required_providers`'].sort());
  });
  it('required_version: no terraform block in a one-file module points at the start of the file', async () => {
    const [issue] = await lint('terraform_required_version', 'locals {}\n');
    expect(issue!.range).toMatchObject({ filename: 'main.tf', start: { line: 1, column: 1 }, end: { line: 1, column: 1 } });
  });
  it('module_pinned_source: github shorthand, default branch, semver style', async () => {
    const gh = await lint('terraform_module_pinned_source', 'module "m" {\n  source = "github.com/hashicorp/example"\n}\n');
    expect(gh.map((i) => i.message)).toEqual(['Module source "github.com/hashicorp/example" is not pinned']);
    const branch = await lint('terraform_module_pinned_source', 'module "m" {\n  source = "git@github.com:org/repo.git?ref=master"\n}\n');
    expect(branch.map((i) => i.message)).toEqual(['Module source "git@github.com:org/repo.git?ref=master" uses a default branch as ref (master)']);
    const semverStyle = await lint('terraform_module_pinned_source', 'module "m" {\n  source = "git::https://example.com/m.git?ref=feature"\n}\n', { style: 'semver' });
    expect(semverStyle.map((i) => i.message)).toEqual(['Module source "git::https://example.com/m.git?ref=feature" uses a ref which is not a semantic version string']);
    expect(await lint('terraform_module_pinned_source', 'module "m" {\n  source = "./modules/m"\n}\n')).toEqual([]);
  });
  it('module_version: exact option', async () => {
    const issues = await lint('terraform_module_version', 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 5.0"\n}\n', { exact: true });
    expect(issues.map((i) => i.message)).toEqual(['module "vpc" should specify an exact version, but a range was found']);
  });
  it('naming_convention: locals, custom regexp and per-block format none', async () => {
    const text = 'locals {\n  badName = 1\n}\nresource "aws_s3_bucket" "Bucket" {}\n';
    expect((await lint('terraform_naming_convention', text)).map((i) => i.message)).toEqual(['local value name `badName` must match the following format: snake_case', 'resource name `Bucket` must match the following format: snake_case']);
    expect((await lint('terraform_naming_convention', text, { custom: '^[a-z]+$', resource: { format: 'none' } })).map((i) => i.message)).toEqual(['local value name `badName` must match the following RegExp: ^[a-z]+$']);
  });
  it('standard_module_structure: variables outside variables.tf must move', async () => {
    const issues = await lint('terraform_standard_module_structure', { 'main.tf': 'variable "a" {\n  type = string\n}\n', 'outputs.tf': '' });
    expect(issues.map((i) => i.message)).toEqual(['variable "a" should be moved from main.tf to variables.tf']);
  });
  it('deprecated_index: legacy splat marker', async () => {
    const issues = await lint('terraform_deprecated_index', 'output "a" {\n  value = aws_instance.web.*.id\n}\n');
    expect(issues.map((i) => [i.message, i.range.start.column, i.range.end.column])).toEqual([['List items should be accessed using square brackets', 27, 29]]);
  });
  it('comment_syntax: multi-line block comments are flagged, single-line ones are not', async () => {
    const issues = await lint('terraform_comment_syntax', '/* one\ntwo */\n/* single */\nlocals {}\n');
    expect(issues.map((i) => [i.range.start.line, i.range.end.line])).toEqual([[1, 2]]);
  });
  it('tflint-ignore annotations silence the next line', async () => {
    expect(await lint('terraform_typed_variables', '# tflint-ignore: terraform_typed_variables\nvariable "a" {}\n')).toEqual([]);
    expect(await lint('terraform_typed_variables', '# tflint-ignore-file: all\n\n\nvariable "a" {}\n')).toEqual([]);
  });
});
