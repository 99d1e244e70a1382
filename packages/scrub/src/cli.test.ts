import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '@tfpairs/core';
import { afterAll, describe, expect, it } from 'vitest';
import { scrubCommand } from './cli';
import { CLEAN_FILES, plantedCorpus } from './planted';

const dir = mkdtempSync(join(tmpdir(), 'tfpairs-scrub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(stdin = ''): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([stdin]),
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    cwd: dir,
    env: {},
    out: () => out,
    err: () => err,
  };
}

const planted = plantedCorpus().find((c) => c.name === 'aws provider keys')!;

describe('tfpairs scrub', () => {
  it('prints the scrubbed file (relative path against cwd)', async () => {
    writeFileSync(join(dir, 'main.tf'), planted.hcl);
    const t = io();
    expect(await scrubCommand(['main.tf'], t)).toBe(0);
    expect(t.out()).toContain('access_key = "<AWS_ACCESS_KEY_ID>"');
    for (const s of planted.secrets) expect(t.out().includes(s)).toBe(false);
    expect(t.err()).toBe('');
  });

  it('prints {text, findings} with -json / --json, reading - from stdin', async () => {
    for (const flag of ['-json', '--json', '-json=true']) {
      const t = io(planted.hcl);
      expect(await scrubCommand([flag, '-'], t)).toBe(0);
      const parsed = JSON.parse(t.out()) as { text: string; findings: { rule: string; placeholder: string; range: { filename: string } }[] };
      expect(parsed.text).toContain('secret_key = "<AWS_SECRET_ACCESS_KEY>"');
      expect(parsed.findings.map((f) => f.placeholder)).toEqual(['<AWS_ACCESS_KEY_ID>', '<AWS_SECRET_ACCESS_KEY>']);
      expect(parsed.findings[0]!.range.filename).toBe('<stdin>');
      for (const s of planted.secrets) expect(t.out().includes(s)).toBe(false);
    }
  });

  it('prints a clean file byte for byte', async () => {
    const clean = CLEAN_FILES[0]!.hcl;
    const t = io(clean);
    expect(await scrubCommand(['-'], t)).toBe(0);
    expect(t.out()).toBe(clean);
  });

  it('exits 1 with a message on an unreadable path, a missing path or an unknown flag', async () => {
    const missing = io();
    expect(await scrubCommand(['nope.tf'], missing)).toBe(1);
    expect(missing.err()).toMatch(/cannot read nope\.tf: ENOENT/);
    expect(missing.out()).toBe('');
    const none = io();
    expect(await scrubCommand([], none)).toBe(1);
    expect(none.err()).toMatch(/missing PATH/);
    const bad = io();
    expect(await scrubCommand(['-list', 'main.tf'], bad)).toBe(1);
    expect(bad.err()).toMatch(/flag provided but not defined: -list/);
  });

  it('shows help with -help', async () => {
    const t = io();
    expect(await scrubCommand(['-help'], t)).toBe(0);
    expect(t.out()).toMatch(/^Usage: tfpairs scrub/);
  });
});
