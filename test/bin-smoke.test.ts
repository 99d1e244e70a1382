import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

const bin = async () => (await import(pathToFileURL(CLI_BIN).href)) as { MALLOC_TUNABLE: string; buildTunables: (given: string | undefined) => string };

describe('the bin starts build under a bounded main heap', () => {
  // every process the bin runs appends its heap limit here (a preload: the build itself is not told)
  const probe = (dir: string) => {
    const out = join(dir, 'heaps.jsonl');
    const preload = join(dir, 'probe.cjs');
    writeFileSync(
      preload,
      `const v8 = require('node:v8'); process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(out)}, JSON.stringify({ limitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20, applied: process.env.TFPAIRS_MAIN_HEAP_MB_APPLIED ?? null, tunables: process.env.GLIBC_TUNABLES ?? null }) + '\\n'));\n`,
    );
    const read = () => readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { limitMb: number; applied: string | null; tunables: string | null });
    return { preload, read };
  };
  const sample = ['--offline', '--no-report', '--input', join(REPO, 'data', 'sample', 'tasks.jsonl')];

  it('the executable and the config agree on the default and on the variable that marks a build it started', async () => {
    const bin = (await import(pathToFileURL(CLI_BIN).href)) as { APPLIED: string; DEFAULT_MAIN_HEAP_MB: number; mainHeapFor: (argv: string[]) => number | null };
    const { DEFAULT_MAIN_HEAP_MB } = await import('../packages/core/src/config/scale');
    const { MAIN_HEAP_APPLIED } = await import('../packages/cli/src/main-heap');
    expect(bin.DEFAULT_MAIN_HEAP_MB).toBe(DEFAULT_MAIN_HEAP_MB);
    expect(bin.APPLIED).toBe(MAIN_HEAP_APPLIED);
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-heap-'));
    writeFileSync(join(dir, 'c.json'), '{"mainHeapMb": 700}');
    expect(bin.mainHeapFor(['build'])).toBe(DEFAULT_MAIN_HEAP_MB);
    expect(bin.mainHeapFor(['build', '--main-heap', '300'])).toBe(300);
    expect(bin.mainHeapFor(['build', '--main-heap=300', '--config', join(dir, 'c.json')])).toBe(300);
    expect(bin.mainHeapFor(['build', '--config', join(dir, 'c.json')])).toBe(700);
    expect(bin.mainHeapFor(['build', '--main-heap', 'lots'])).toBeNull();
  });

  it('--main-heap MB becomes the build process heap limit; a limit given to node wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-heap-'));
    const { preload, read } = probe(dir);
    await run(process.execPath, [CLI_BIN, 'build', ...sample, '--out', join(dir, 'out'), '--main-heap', '300'], { cwd: REPO, env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } });
    const build = read().find((p) => p.applied === '300');
    // old generation 300 MB plus the young generation
    expect(build?.limitMb).toBeGreaterThanOrEqual(300);
    expect(build!.limitMb).toBeLessThan(400);
    // on Linux the build also runs with glibc's mmap threshold fixed (freed large blocks leave RSS)
    if (process.platform === 'linux') expect(build!.tunables).toBe((await bin()).MALLOC_TUNABLE);

    const own = mkdtempSync(join(tmpdir(), 'tfpairs-heap-'));
    const p2 = probe(own);
    await run(process.execPath, [CLI_BIN, 'build', ...sample, '--out', join(own, 'out'), '--main-heap', '300'], { cwd: REPO, env: { ...process.env, NODE_OPTIONS: `--require ${p2.preload} --max-old-space-size=2000` } });
    const heaps = p2.read();
    expect(heaps).toHaveLength(1);
    expect(heaps[0]!.applied).toBeNull();
    expect(heaps[0]!.limitMb).toBeGreaterThan(2000);
  }, 120_000);

  it("adds glibc's fixed mmap threshold to the user's GLIBC_TUNABLES, and keeps theirs when they set it", async () => {
    const { MALLOC_TUNABLE, buildTunables } = await bin();
    expect(MALLOC_TUNABLE).toMatch(/^glibc\.malloc\.mmap_threshold=\d+$/);
    expect(buildTunables(undefined)).toBe(MALLOC_TUNABLE);
    expect(buildTunables('glibc.malloc.arena_max=2')).toBe(`glibc.malloc.arena_max=2:${MALLOC_TUNABLE}`);
    expect(buildTunables('glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=4096')).toBe('glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=4096');
  });

  it('writes the HTML report in a process of its own, outside the build heap limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-heap-'));
    const { preload, read } = probe(dir);
    const out = join(dir, 'out');
    const { stderr } = await run(process.execPath, [CLI_BIN, 'build', '--offline', '--input', join(REPO, 'data', 'sample', 'tasks.jsonl'), '--out', out, '--main-heap', '300'], { cwd: REPO, env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } });
    expect(stderr).toContain(`report: ${join(out, 'report.html')}`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data-chart="funnel"');
    const heaps = read();
    // the build under 300 MB, the report under node's own limit
    expect(heaps.filter((h) => h.applied === '300' && h.limitMb < 400)).toHaveLength(1);
    expect(heaps.filter((h) => h.applied === '300' && h.limitMb > 1000).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
