import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** One sharded build as Slurm jobs: an array job of `tfpairs build --shard K/N` and a merge job. */
export interface SlurmPlan {
  readonly shards: number;
  /** absolute output folder: shards go to OUT/shards/K, the merge to OUT */
  readonly out: string;
  /** absolute folder the jobs run in (relative build flags resolve against it, as on the command line) */
  readonly cwd: string;
  /** argv that runs tfpairs on a compute node, e.g. [node, /abs/packages/cli/bin/tfpairs.js] */
  readonly tfpairs: readonly string[];
  /** flags given to every `tfpairs build` (after `--`) */
  readonly buildArgs: readonly string[];
  readonly partition?: string;
  readonly time?: string;
  readonly cpus?: number;
  readonly mem?: string;
  readonly jobName?: string;
  /** the split groups file every shard reads (`--split-groups`), written once before submitting */
  readonly groupsFile?: string;
}

/** POSIX shell single-quoting: the job scripts must pass every flag exactly as the user typed it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const shardDir = (out: string, index: number | string): string => join(out, 'shards', String(index));

/** Flags that every shard needs besides the user's: one generation cache for all shards. */
export function shardBuildArgs(buildArgs: readonly string[], out: string): string[] {
  const given = (name: string) => buildArgs.some((a) => a === `-${name}` || a === `--${name}` || a.startsWith(`-${name}=`) || a.startsWith(`--${name}=`));
  // only a build that generates uses the cache; passing it otherwise would just change the recorded
  // config. OUT/cache is where a one-process build keeps it, so a rerun as one process reuses it.
  return given('model') && !given('cache-dir') ? ['--cache-dir', join(out, 'cache')] : [];
}

function header(plan: SlurmPlan, name: string, output: string): string[] {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${name}`, `#SBATCH --chdir=${plan.cwd}`, `#SBATCH --output=${output}`];
  if (plan.partition) lines.push(`#SBATCH --partition=${plan.partition}`);
  if (plan.time) lines.push(`#SBATCH --time=${plan.time}`);
  if (plan.cpus) lines.push(`#SBATCH --cpus-per-task=${plan.cpus}`);
  if (plan.mem) lines.push(`#SBATCH --mem=${plan.mem}`);
  return lines;
}

/** The two sbatch scripts (the merge job's dependency is given on sbatch's command line). */
export function slurmScripts(plan: SlurmPlan): { build: string; merge: string } {
  const name = plan.jobName ?? 'tfpairs';
  const tfpairs = plan.tfpairs.map(shellQuote).join(' ');
  const n = plan.shards;
  const groups = plan.groupsFile ? ['--split-groups', plan.groupsFile] : [];
  const extra = [...shardBuildArgs(plan.buildArgs, plan.out), ...groups, ...plan.buildArgs].map(shellQuote).join(' ');
  const build = [
    ...header(plan, `${name}-build`, join(plan.out, 'logs', 'build-%A_%a.out')),
    `#SBATCH --array=0-${n - 1}`,
    'set -euo pipefail',
    `# shard $SLURM_ARRAY_TASK_ID of ${n}; rerunning one task redoes just that shard`,
    `exec ${tfpairs} build --shard "$SLURM_ARRAY_TASK_ID/${n}" --out ${shellQuote(plan.out)}/shards/"$SLURM_ARRAY_TASK_ID"${extra ? ` ${extra}` : ''}`,
    '',
  ].join('\n');
  const folders = Array.from({ length: n }, (_, k) => shellQuote(shardDir(plan.out, k))).join(' ');
  const merge = [
    ...header(plan, `${name}-merge`, join(plan.out, 'logs', 'merge-%j.out')),
    'set -euo pipefail',
    `exec ${tfpairs} merge --shards ${n} ${folders} --out ${shellQuote(plan.out)}`,
    '',
  ].join('\n');
  return { build, merge };
}

export interface Exec {
  (command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Runs a Slurm client command; a missing binary is code 127 with the reason in stderr. */
export const execCommand: Exec = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (error && code === 127 ? error.message : '') });
    });
  });

export class SlurmError extends Error {}

/** `sbatch --parsable` prints `jobid` or `jobid;cluster`. */
export function parseJobId(stdout: string): string {
  const id = stdout.trim().split('\n').pop()?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch printed no job id: ${JSON.stringify(stdout.trim())}`);
  return id;
}

export async function submit(exec: Exec, buildScript: string, mergeScript: string): Promise<{ build: string; merge: string }> {
  const b = await exec('sbatch', ['--parsable', buildScript]);
  if (b.code === 127) throw new SlurmError(`sbatch is not on PATH (${b.stderr.trim()}): run tfpairs slurm on a Slurm login node`);
  if (b.code !== 0) throw new SlurmError(`sbatch ${buildScript} failed (exit ${b.code}): ${b.stderr.trim() || b.stdout.trim()}`);
  const build = parseJobId(b.stdout);
  // afterok: the merge starts only when every array task succeeded
  const m = await exec('sbatch', ['--parsable', `--dependency=afterok:${build}`, mergeScript]);
  if (m.code !== 0) throw new SlurmError(`sbatch ${mergeScript} failed (exit ${m.code}): ${m.stderr.trim() || m.stdout.trim()}`);
  return { build, merge: parseJobId(m.stdout) };
}

export interface JobState {
  readonly id: string;
  readonly arrayTask?: string;
  readonly state: string;
  readonly reason: string;
  readonly exitCode: string;
}

/** `scontrol show job -o ID`: one line per job (per array task), `Key=Value` fields. */
export function parseScontrolJobs(stdout: string): JobState[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes('JobId='))
    .map((line) => {
      const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1] ?? '';
      return { id: field('JobId'), arrayTask: field('ArrayTaskId') || undefined, state: field('JobState'), reason: field('Reason'), exitCode: field('ExitCode') };
    });
}

/** No slurmdbd is needed: scontrol knows jobs until MinJobAge after they end; sacct is the fallback. */
export async function jobStates(exec: Exec, id: string): Promise<JobState[] | null> {
  const s = await exec('scontrol', ['show', 'job', '-o', id]);
  if (s.code === 0) return parseScontrolJobs(s.stdout);
  const a = await exec('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'JobID,State,ExitCode']);
  if (a.code !== 0 || !a.stdout.trim()) return null;
  return a.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [jobId = '', state = '', exitCode = ''] = l.split('|');
      const [base, task] = jobId.split('_');
      return { id: base!, arrayTask: task, state: state.split(' ')[0]!, reason: '', exitCode };
    });
}

const FINAL = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)/;

export interface WaitResult {
  readonly ok: boolean;
  readonly state: string;
  /** array tasks that did not complete, with their state and exit code */
  readonly failedShards: readonly { task: string; state: string; exitCode: string }[];
}

/**
 * Polls until the merge job ends. A merge whose dependency can never be met (an array task failed) is
 * cancelled rather than left pending forever, and the failed shards are named.
 */
export async function waitForMerge(exec: Exec, ids: { build: string; merge: string }, options: { pollMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<WaitResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const failed = async () =>
    ((await jobStates(exec, ids.build)) ?? [])
      .filter((j) => FINAL.test(j.state) && !j.state.startsWith('COMPLETED'))
      .map((j) => ({ task: j.arrayTask ?? '?', state: j.state, exitCode: j.exitCode }));
  for (;;) {
    const merge = (await jobStates(exec, ids.merge))?.[0];
    if (!merge) return { ok: false, state: 'UNKNOWN (Slurm no longer knows the merge job)', failedShards: await failed() };
    if (FINAL.test(merge.state)) return { ok: merge.state.startsWith('COMPLETED'), state: merge.state, failedShards: await failed() };
    if (merge.reason === 'DependencyNeverSatisfied') {
      await exec('scancel', [ids.merge]);
      return { ok: false, state: 'CANCELLED (an array task failed: DependencyNeverSatisfied)', failedShards: await failed() };
    }
    await sleep(options.pollMs ?? 2000);
  }
}
