import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFlags, type CliIO } from '@tfpairs/core';
import { buildCommand } from '@tfpairs/cli/build';
import { makeSlurmCommand } from '@tfpairs/cluster/cli';
import { execCommand } from '@tfpairs/cluster/slurm';
import { diffOutputs } from '@tfpairs/cluster/testing';
import { REPO } from './paths';

/**
 * `tfpairs slurm` against a real slurmctld + slurmd (scripts/ci-slurm.sh starts a single-node cluster).
 * Without a controller the suite says why it skips; TFPAIRS_REQUIRE_SLURM=1 (set by .ci/run once the
 * cluster is up) makes that a failure instead.
 */
const REQUIRE_SLURM = process.env.TFPAIRS_REQUIRE_SLURM === '1';

function probeSlurm(): string | null {
  try {
    execFileSync('sbatch', ['--version'], { stdio: 'pipe' });
  } catch {
    return 'sbatch is not on PATH';
  }
  try {
    const ping = execFileSync('scontrol', ['ping'], { stdio: 'pipe', timeout: 15_000 }).toString();
    if (!/is UP/.test(ping)) return `no Slurm controller answers (scontrol ping: ${ping.trim()})`;
  } catch (e) {
    return `no Slurm controller answers (${(e as Error).message.split('\n')[0]})`;
  }
  return null;
}

const missing = probeSlurm();
const suffix = missing ? ` [skipped: ${missing}]` : '';
if (missing && !REQUIRE_SLURM) console.warn(`[slurm tests skipped] ${missing}. Run scripts/ci-slurm.sh to start a single-node cluster.`);

const work = mkdtempSync(join(tmpdir(), 'tfpairs-slurm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function captureIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdin: new PassThrough(), stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) }, cwd: REPO, env: process.env, out: () => out, err: () => err };
}

const slurm = makeSlurmCommand(execCommand);
const INPUTS = ['--offline', '--input', 'data/sample/tasks.jsonl', '--input', 'data/sample/iac-eval-style.csv', '--input', 'data/sample/tasks-folder'];

describe(`tfpairs slurm on a real cluster${suffix}`, () => {
  if (missing && REQUIRE_SLURM) {
    it('has a Slurm controller (TFPAIRS_REQUIRE_SLURM=1)', () => expect.fail(`TFPAIRS_REQUIRE_SLURM=1 but ${missing}`));
    return;
  }

  it.skipIf(!!missing)('writes scripts the controller accepts (sbatch --test-only)', async () => {
    const out = join(work, 'test-only');
    const cli = captureIO();
    expect(await slurm(['--shards', '4', '--cpus', '1', '--time', '10', '--out', out, '--dry-run', '--', ...INPUTS], cli), cli.err()).toBe(0);
    expect(cli.out()).toContain('#SBATCH --array=0-3');
    // --dry-run submits nothing and writes nothing
    expect(existsSync(out)).toBe(false);
    const scripts = cli.out().split(/^# \/.*\.sbatch$/m).slice(1, 3).map((s) => s.trim());
    for (const script of scripts) {
      const r = await execCommand('bash', ['-c', 'sbatch --test-only /dev/stdin <<"EOF"\n' + script + '\nEOF']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/sbatch: Job \d+ to start at/);
    }
  });

  it.skipIf(!!missing)('names every failed array task and cancels the merge that can never start', async () => {
    const out = join(work, 'failing');
    const cli = captureIO();
    // /bin/false is a real program that fails: each array task exits 1, so afterok is never satisfied
    expect(await slurm(['--shards', '2', '--tfpairs', '/bin/false', '--wait', '--out', out, '--', ...INPUTS], cli)).toBe(1);
    const [, build, merge] = /array job (\d+) \(2 tasks[^\n]*\nmerge job (\d+) \(afterok:(\d+)\)/.exec(cli.out()) ?? [];
    expect(build, cli.out()).toBeDefined();
    expect(cli.err()).toContain(`tfpairs slurm: shard 0 of 2 ended FAILED (exit 1:0): see ${out}/logs/build-${build}_0.out`);
    expect(cli.err()).toContain(`tfpairs slurm: shard 1 of 2 ended FAILED (exit 1:0)`);
    expect(cli.err()).toContain(`tfpairs slurm: merge job ${merge} ended CANCELLED`);
    expect(readFileSync(join(out, 'slurm', 'build.sbatch'), 'utf8')).toContain('#SBATCH --array=0-1');
  }, 120_000);

  const hasShard = buildFlags.some((f) => f.name === 'shard');
  it.skipIf(!!missing || !hasShard)(
    `runs 3 shards as an array job plus the merge, byte-identical to one process${hasShard ? '' : ' [skipped: tfpairs build has no --shard flag yet]'}`,
    async () => {
      const one = join(work, 'one');
      const b = captureIO();
      expect(await buildCommand([...INPUTS, '--out', one], b), b.err()).toBe(0);
      const out = join(work, 'sharded');
      const cli = captureIO();
      expect(await slurm(['--shards', '3', '--cpus', '1', '--wait', '--out', out, '--', ...INPUTS], cli), `${cli.out()}${cli.err()}`).toBe(0);
      expect(cli.out()).toMatch(/array job \d+ \(3 tasks/);
      for (let k = 0; k < 3; k++) expect(existsSync(join(out, 'shards', String(k), 'manifest.json'))).toBe(true);
      expect(diffOutputs(one, out)).toEqual([]);
      // the groups were computed once, before submitting, and every shard read them from the file
      const groupsFile = join(out, 'split-groups.jsonl');
      expect(cli.err()).toContain(`-> ${groupsFile}`);
      expect(readFileSync(join(out, 'slurm', 'build.sbatch'), 'utf8')).toContain(`--split-groups ${groupsFile}`);
      for (let k = 0; k < 3; k++) expect(JSON.parse(readFileSync(join(out, 'shards', String(k), 'manifest.json'), 'utf8')).config.split.groupsFile).toBe(groupsFile);
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).config.split.groupsFile).toBeUndefined();
    },
    300_000,
  );
});
