import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '@tfpairs/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fmtCommand, unifiedDiff } from './cli';
import { repoRoot } from './testing';

// terraform's fmtFixture (fmt_test.go): input and golden output
const INPUT = '  foo  =  "bar"\n';
const GOLDEN = 'foo = "bar"\n';

function io(cwd: string, stdin = '') {
  const out = { stdout: '', stderr: '' };
  const cli: CliIO = {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    cwd,
    env: {},
  };
  return { cli, out };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixtureDir(files: Record<string, string> = { 'main.tf': INPUT }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-fmt-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('tfpairs fmt (in-process)', () => {
  it('rewrites files in place and lists them (TestFmt_directoryArg / workingDirectory)', async () => {
    const dir = fixtureDir({ 'main.tf': INPUT, 'ok.tf': GOLDEN, 'notes.txt': INPUT, '.hidden.tf': INPUT });
    const { cli, out } = io(dir);
    expect(await fmtCommand([], cli)).toBe(0);
    expect(out.stdout).toBe('main.tf\n');
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(GOLDEN);
    expect(readFileSync(join(dir, '.hidden.tf'), 'utf8')).toBe(INPUT);
  });

  it('-check exits 3, lists the file and writes nothing (TestFmt_check)', async () => {
    const dir = fixtureDir();
    const { cli, out } = io(dir);
    expect(await fmtCommand(['-check', dir], cli)).toBe(3);
    expect(out.stdout).toBe('main.tf\n');
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(INPUT);
    const clean = io(dir);
    writeFileSync(join(dir, 'main.tf'), GOLDEN);
    expect(await fmtCommand(['-check'], clean.cli)).toBe(0);
    expect(clean.out.stdout).toBe('');
  });

  it('--check (double dash) and -check -list=false print nothing but still exit 3 (TestFmt_checkStdin)', async () => {
    const dir = fixtureDir();
    const a = io(dir);
    expect(await fmtCommand(['--check', '--list=false'], a.cli)).toBe(3);
    expect(a.out.stdout).toBe('');
    const b = io(dir, INPUT);
    expect(await fmtCommand(['-check', '-'], b.cli)).toBe(3);
    expect(b.out.stdout).toBe('');
  });

  it('- reads stdin and writes the result to stdout (TestFmt_stdinArg)', async () => {
    const { cli, out } = io(tmpdir(), INPUT);
    expect(await fmtCommand(['-'], cli)).toBe(0);
    expect(out.stdout).toBe(GOLDEN);
    const rewrites = io(tmpdir(), 'resource foo bar {\n  x = "${var.y}"\n}\nvariable "v" { type = list }\n');
    expect(await fmtCommand(['-'], rewrites.cli)).toBe(0);
    expect(rewrites.out.stdout).toBe('resource "foo" "bar" {\n  x = var.y\n}\nvariable "v" { type = list(any) }\n');
  });

  it('- ends STDOUT with a newline even when the input has none (terraform writes through cli.UiWriter)', async () => {
    const a = io(tmpdir(), 'a=1');
    expect(await fmtCommand(['-'], a.cli)).toBe(0);
    expect(a.out.stdout).toBe('a = 1\n');
    const empty = io(tmpdir(), '');
    expect(await fmtCommand(['-'], empty.cli)).toBe(0);
    expect(empty.out.stdout).toBe('\n');
    // a file keeps what hclwrite printed: no newline is added
    const dir = fixtureDir({ 'main.tf': 'a=1' });
    expect(await fmtCommand([], io(dir).cli)).toBe(0);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe('a = 1');
  });

  it('exits 2 on a syntax error with the HCL diagnostic (TestFmt_syntaxError)', async () => {
    const dir = fixtureDir({ 'invalid.tf': '\na = 1 +\n', 'main.tf': INPUT });
    const { cli, out } = io(dir);
    expect(await fmtCommand([dir], cli)).toBe(2);
    expect(out.stderr).toContain('Error: Invalid expression');
    expect(out.stderr).toContain('invalid.tf line 2:\n   2: a = 1 +\n');
    expect(readFileSync(join(dir, 'invalid.tf'), 'utf8')).toBe('\na = 1 +\n');
    // the other file was still formatted and listed, as terraform does
    expect(out.stdout).toBe('main.tf\n');
    const check = io(dir, 'a = 1 +\n');
    expect(await fmtCommand(['-check', '-'], check.cli)).toBe(2);
  });

  it('exits 2 on a missing path or an unsupported file (TestFmt_nonexist)', async () => {
    const dir = fixtureDir({ 'notes.txt': 'x' });
    const a = io(dir);
    expect(await fmtCommand(['doesnotexist'], a.cli)).toBe(2);
    expect(a.out.stderr).toContain('No file or directory at doesnotexist');
    const b = io(dir);
    expect(await fmtCommand(['notes.txt'], b.cli)).toBe(2);
    expect(b.out.stderr).toContain('Only .tf, .tfvars, and .tftest.hcl files');
  });

  it('-list=false -write=false -diff prints only the diff (TestFmt_nonDefaultOptions)', async () => {
    const dir = fixtureDir();
    const { cli, out } = io(dir);
    expect(await fmtCommand(['-list=false', '-write=false', '-diff', dir], cli)).toBe(0);
    expect(out.stdout).toBe(`--- old/main.tf\n+++ new/main.tf\n@@ -1 +1 @@\n-${INPUT}+${GOLDEN}`);
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(INPUT);
  });

  it('-write=false lists without writing; -list=false writes without listing', async () => {
    const dir = fixtureDir();
    const a = io(dir);
    expect(await fmtCommand(['-write=false'], a.cli)).toBe(0);
    expect(a.out.stdout).toBe('main.tf\n');
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(INPUT);
    const b = io(dir);
    expect(await fmtCommand(['-list=false'], b.cli)).toBe(0);
    expect(b.out.stdout).toBe('');
    expect(readFileSync(join(dir, 'main.tf'), 'utf8')).toBe(GOLDEN);
  });

  it('-recursive descends into subdirectories, in name order; without it they are skipped', async () => {
    const dir = fixtureDir({ 'b.tf': INPUT, 'mod/a.tfvars': INPUT, 'mod/deep/c.tf': INPUT, 'a.tf': INPUT });
    const flat = io(dir);
    expect(await fmtCommand(['-write=false'], flat.cli)).toBe(0);
    expect(flat.out.stdout).toBe('a.tf\nb.tf\n');
    const deep = io(dir);
    expect(await fmtCommand(['-recursive'], deep.cli)).toBe(0);
    expect(deep.out.stdout).toBe('a.tf\nb.tf\nmod/a.tfvars\nmod/deep/c.tf\n');
    expect(readFileSync(join(dir, 'mod/deep/c.tf'), 'utf8')).toBe(GOLDEN);
  });

  it('rejects unknown flags with exit 1', async () => {
    const { cli, out } = io(tmpdir());
    expect(await fmtCommand(['-frobnicate'], cli)).toBe(1);
    expect(out.stderr).toContain('flag provided but not defined: -frobnicate');
  });

  it('unified diff in GNU diff -u shape', () => {
    expect(unifiedDiff('a\nb\n', 'a\nc\n', 'x.tf')).toBe('--- old/x.tf\n+++ new/x.tf\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  });
});

describe('tfpairs fmt through the real bin', () => {
  it('node packages/cli/bin/tfpairs.js fmt - formats stdin; -check exits 3', { timeout: 120_000 }, () => {
    const bin = join(repoRoot, 'packages/cli/bin/tfpairs.js');
    const run = spawnSync(process.execPath, [bin, 'fmt', '-'], { input: 'resource aws_s3_bucket b {\nbucket="${var.name}"\n}\n', encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('resource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n');
    const check = spawnSync(process.execPath, [bin, 'fmt', '-check', '-'], { input: INPUT, encoding: 'utf8', timeout: 60_000 });
    expect(check.status).toBe(3);
  });
});
