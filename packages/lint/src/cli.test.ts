import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintCommand } from './cli';

function run(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdin: process.stdin, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, env: {} };
  return lintCommand(argv, io).then((code) => ({ code, stdout, stderr }));
}

function module(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-lint-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const clean = 'terraform {\n  required_version = ">= 1.5"\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n\nresource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.micro"\n}\n';

describe('tfpairs lint', () => {
  it('prints TFLint JSON and exits 2 when issues are found', async () => {
    const dir = module({ 'main.tf': 'variable "v" {}\nresource "aws_instance" "web" {\n  instance_type = "t1.micro"\n}\n' });
    const r = await run(dir, '--format', 'json');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['issues', 'errors']);
    expect(out.errors).toEqual([]);
    expect(out.issues.find((i: { rule: { name: string } }) => i.rule.name === 'terraform_required_version')).toEqual({
      rule: { name: 'terraform_required_version', severity: 'warning', link: 'https://github.com/terraform-linters/tflint-ruleset-terraform/blob/v0.15.0/docs/rules/terraform_required_version.md' },
      message: 'terraform "required_version" attribute is required',
      range: { filename: 'main.tf', start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      callers: [],
      fixable: false,
      fixed: false,
    });
    // TFLint's order: same start, longer range first, then message
    expect(out.issues.map((i: { rule: { name: string } }) => i.rule.name)).toEqual([
      'terraform_typed_variables',
      'terraform_unused_declarations',
      'terraform_required_version',
      'terraform_required_providers',
      'aws_instance_previous_type',
    ]);
  });
  it('exits 0 on a clean module and prints nothing', async () => {
    const r = await run(module({ 'main.tf': clean }));
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });
  it('compact format, --only, --force and --minimum-failure-severity', async () => {
    const dir = module({ 'main.tf': clean.replace('"t3.micro"', '"t1.micro"') });
    const r = await run(dir, '--format=compact', '--only', 'aws_instance_previous_type');
    expect(r.stdout).toBe('1 issue(s) found:\n\nmain.tf:13:19: Warning - "t1.micro" is previous generation instance type. (aws_instance_previous_type)\n');
    expect(r.code).toBe(2);
    expect((await run(dir, '--force')).code).toBe(0);
    expect((await run(dir, '--minimum-failure-severity', 'error')).code).toBe(0);
  });
  it('reads .tflint.hcl: a disabled rule, and the AWS ruleset only when its plugin is enabled', async () => {
    const dir = module({ 'main.tf': 'variable "v" {}\nresource "aws_instance" "web" {\n  instance_type = "t1.micro"\n}\n', '.tflint.hcl': 'rule "terraform_typed_variables" {\n  enabled = false\n}\n' });
    const out = JSON.parse((await run(dir, '-f', 'json')).stdout);
    expect(out.issues.map((i: { rule: { name: string } }) => i.rule.name)).toEqual(['terraform_unused_declarations', 'terraform_required_version', 'terraform_required_providers']);
  });
  it('a syntax error is an error (exit 1) in the errors list', async () => {
    const r = await run(module({ 'main.tf': 'resource "aws_instance" "x" {\n' }), '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.issues).toEqual([]);
    expect(out.errors[0]).toMatchObject({ severity: 'error', summary: 'Unclosed configuration block' });
  });
  it('default format shows the source line and the reference', async () => {
    const r = await run(module({ 'main.tf': clean.replace('"t3.micro"', '"t1.micro"') }));
    expect(r.stdout).toBe(
      '1 issue(s) found:\n\nWarning: "t1.micro" is previous generation instance type. (aws_instance_previous_type)\n\n  on main.tf line 13:\n  13:   instance_type = "t1.micro"\n\nReference: https://github.com/terraform-linters/tflint-ruleset-aws/blob/v0.48.0/docs/rules/aws_instance_previous_type.md\n\n',
    );
  });
  it('unknown rules and bad flags exit 1', async () => {
    expect((await run(module({ 'main.tf': clean }), '--only', 'no_such_rule')).code).toBe(1);
    expect((await run(module({ 'main.tf': clean }), '--format', 'xml')).code).toBe(1);
  });
});
