import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '@tfpairs/core';
import { describe, expect, it } from 'vitest';
import { validateCommand } from './cli';
import { AWS_4_36_1 } from './test-helpers';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const streams: CliIO = {
    stdin: Readable.from([]),
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    cwd,
    env: {},
  };
  return { streams, out: () => out.join(''), err: () => err.join('') };
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-validate-'));
  mkdirSync(join(dir, 'bad'));
  mkdirSync(join(dir, 'good'));
  writeFileSync(join(dir, 'bad', 'main.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n  expected_hash = "1"\n}\n');
  writeFileSync(join(dir, 'bad', 'variables.tf'), 'variable "name" {}\n');
  writeFileSync(join(dir, 'good', 'main.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n');
  writeFileSync(join(dir, 'good', 'notes.txt'), 'not terraform');
  return dir;
}

describe('tfpairs validate', () => {
  it('-json prints terraform\'s validate object and exits 1 on errors', async () => {
    const dir = fixture();
    const t = io(join(dir, 'bad'));
    expect(await validateCommand(['-json', '-schema', AWS_4_36_1], t.streams)).toBe(1);
    const obj = JSON.parse(t.out());
    expect(Object.keys(obj)).toEqual(['format_version', 'valid', 'error_count', 'warning_count', 'diagnostics']);
    expect(obj).toMatchObject({ format_version: '1.0', valid: false, error_count: 1, warning_count: 0 });
    expect(obj.diagnostics[0]).toEqual({
      severity: 'error',
      summary: 'Unsupported argument',
      detail: 'An argument named "expected_hash" is not expected here.',
      range: { filename: 'main.tf', start: { line: 3, column: 3, byte: 53 }, end: { line: 3, column: 16, byte: 66 } },
      snippet: { context: 'resource "aws_s3_bucket" "b"', code: '  expected_hash = "1"', start_line: 3, highlight_start_offset: 2, highlight_end_offset: 15, values: [] },
    });
    expect(t.out()).toContain('\n  "format_version": "1.0",\n');
  });

  it('several paths: one JSON object per line with "path"; a single file works too', async () => {
    const dir = fixture();
    const t = io(dir);
    expect(await validateCommand(['--json', '--schema=' + AWS_4_36_1, 'good', 'bad', 'good/main.tf'], t.streams)).toBe(1);
    const lines = t.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.path, l.valid, l.error_count])).toEqual([
      ['good', true, 0],
      ['bad', false, 1],
      ['good/main.tf', true, 0],
    ]);
  });

  it('human output looks like terraform\'s', async () => {
    const dir = fixture();
    const bad = io(join(dir, 'bad'));
    expect(await validateCommand(['-no-color', '-schema', AWS_4_36_1, '.'], bad.streams)).toBe(1);
    expect(bad.err()).toBe(
      // -no-color: terraform's plain form, without the box (test/hygiene-validate.test.ts replays terraform's)
      [
        '',
        'Error: Unsupported argument',
        '',
        '  on main.tf line 3, in resource "aws_s3_bucket" "b":',
        '   3:   expected_hash = "1"',
        '',
        'An argument named "expected_hash" is not expected here.',
        '',
      ].join('\n'),
    );
    const good = io(join(dir, 'good'));
    expect(await validateCommand(['-schema', AWS_4_36_1], good.streams)).toBe(0);
    expect(good.out()).toBe('Success! The configuration is valid.\n\n');
  });

  it('bad arguments and paths give clear errors', async () => {
    const dir = fixture();
    const t = io(dir);
    expect(await validateCommand(['-bogus'], t.streams)).toBe(1);
    expect(t.err()).toContain('flag provided but not defined: -bogus');
    const m = io(dir);
    expect(await validateCommand(['-json', 'missing'], m.streams)).toBe(1);
    expect(JSON.parse(m.out()).diagnostics[0]).toEqual({ severity: 'error', summary: 'Invalid path', detail: 'The path "missing" does not exist.' });
    const s = io(dir);
    expect(await validateCommand(['-schema', 'nope.json', 'good'], s.streams)).toBe(1);
    expect(s.err()).toMatch(/^tfpairs validate: .*nope\.json/);
    const e = io(dir);
    mkdirSync(join(dir, 'empty'));
    // terraform 1.11 validates a directory without configuration files as valid (lang-oracle fs-no-config)
    expect(await validateCommand(['empty'], e.streams)).toBe(0);
    expect(e.out()).toContain('Success!');
  });
});
