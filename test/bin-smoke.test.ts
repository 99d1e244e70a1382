import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { usage } from '../packages/cli/src/main';
import { CLI_BIN, REPO } from './paths';

/**
 * Every other CLI test runs commands in-process (test/cli.ts); these go through the real bin once per
 * command, so the bin, tsx registration and each command's lazy import are covered as a user runs them.
 */
const run = promisify(execFile);
const commands = usage()
  .split('\n')
  .map((l) => /^ {2}([a-z0-9-]+) {2,}/.exec(l)?.[1])
  .filter((c): c is string => Boolean(c));

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('the real bin', () => {
  it('lists at least the core commands', () => {
    for (const c of ['build', 'fmt', 'validate', 'scrub', 'audit', 'report', 'compare']) expect(commands).toContain(c);
  });

  it('answers --help for every command with its usage and exit 0', async () => {
    await inBatches(commands, 3, async (command) => {
      const { stdout } = await run(process.execPath, [CLI_BIN, command, '--help'], { cwd: REPO });
      expect(stdout, command).toMatch(new RegExp(`^Usage: tfpairs ${command}\\b`));
    });
  }, 120_000);

  it('runs a command on real files: validate -json exits 1 on an error and prints terraform\'s JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-bin-'));
    writeFileSync(join(dir, 'main.tf'), 'variable "x" {\n  type = string\n  default = 1\n  bogus = true\n}\n');
    const result = await run(process.execPath, [CLI_BIN, 'validate', '-json', dir], { cwd: REPO }).catch((e: { code: number; stdout: string }) => e);
    expect((result as { code?: number }).code).toBe(1);
    const json = JSON.parse((result as { stdout: string }).stdout);
    expect(json).toMatchObject({ format_version: '1.0', valid: false });
    expect(json.diagnostics.map((d: { summary: string }) => d.summary)).toContain('Unsupported argument');
  });
});
