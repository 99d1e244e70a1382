import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareKeys, sourceOrder } from './order';
import { parseShardSpec, shardOfManifest } from './shard';
import { parseJobId, parseScontrolJobs, shellQuote, slurmScripts } from './slurm';

describe('input order of sources', () => {
  const key = sourceOrder(['data/a.jsonl', './tasks', '/home/u/proj/b.csv']);
  const sorted = (paths: [string, number][]) => paths.map(([path, line]) => ({ path, line, key: key({ path, line }) })).sort((x, y) => compareKeys(x.key, y.key)).map((x) => `${x.path}:${x.line}`);

  it('orders by --input, then line, then folder task as ingest sorts task directories', () => {
    expect(
      sorted([
        ['b.csv', 3], // an absolute --input inside the working directory is shown relative
        ['tasks/a/prompt.md', 1],
        ['data/a.jsonl', 10],
        ['tasks/a-b/prompt.md', 1],
        ['data/a.jsonl', 2],
        ['data/a.jsonl', 0], // could not be read to the end: after its lines
        ['tasks/prompt.md', 1],
      ]),
    ).toEqual(['data/a.jsonl:2', 'data/a.jsonl:10', 'data/a.jsonl:0', 'tasks/prompt.md:1', 'tasks/a/prompt.md:1', 'tasks/a-b/prompt.md:1', 'b.csv:3']);
    // an input outside the working directory (../) is shown absolute
    const outside = sourceOrder(['../shared/x.csv', 'y.csv']);
    expect(outside({ path: '/work/shared/x.csv', line: 5 })).toEqual([0, 0, '', 5]);
    expect(outside({ path: 'y.csv', line: 1 })).toEqual([1, 0, '', 1]);
    // the folder order is Array.prototype.sort's over the task directories, not over whole paths
    expect(['a', 'a-b', '.'].sort()).toEqual(['.', 'a', 'a-b']);
  });
});

describe('shard specs', () => {
  it('parses K/N and reads the shard a manifest records', () => {
    expect(parseShardSpec('3/4')).toEqual({ index: 3, count: 4 });
    expect(() => parseShardSpec('4/4')).toThrow(/K must be in 0..N-1/);
    expect(() => parseShardSpec('1')).toThrow(/expected K\/N/);
    expect(shardOfManifest({ shard: '1/2' })).toEqual({ index: 1, count: 2 });
    expect(shardOfManifest({ config: { shard: { index: 0, count: 3 } } })).toEqual({ index: 0, count: 3 });
    expect(shardOfManifest({ config: {} })).toBeNull();
  });
});

describe('sbatch scripts', () => {
  const plan = { shards: 4, out: '/shared/run 1', cwd: '/shared/proj', tfpairs: ['/usr/bin/node', '/opt/tfpairs/bin/tfpairs.js'], buildArgs: ['--input', "it's.csv", '--model', 'gpt-4o'], partition: 'cpu', time: '01:00:00', cpus: 2, mem: '4G' };

  it('array script: one task per shard, flags quoted as typed, the cache shared', () => {
    const { build, merge } = slurmScripts(plan);
    expect(build).toContain('#SBATCH --array=0-3\n');
    expect(build).toContain('#SBATCH --partition=cpu\n#SBATCH --time=01:00:00\n#SBATCH --cpus-per-task=2\n#SBATCH --mem=4G\n');
    expect(build).toContain(`exec /usr/bin/node /opt/tfpairs/bin/tfpairs.js build --shard "$SLURM_ARRAY_TASK_ID/4" --out '/shared/run 1'/shards/"$SLURM_ARRAY_TASK_ID" --cache-dir '/shared/run 1/cache' --input 'it'\\''s.csv' --model gpt-4o\n`);
    expect(merge).toContain(`merge --shards 4 '/shared/run 1/shards/0' '/shared/run 1/shards/1' '/shared/run 1/shards/2' '/shared/run 1/shards/3' --out '/shared/run 1'\n`);
    expect(merge).not.toContain('--array');
  });

  it('bash reads the quoted words back as the original arguments', () => {
    const args = ["it's", 'a b', '$HOME', '"x"', 'plain-1.csv', ''];
    const echoed = execFileSync('bash', ['-c', `printf '%s\\n' ${args.map(shellQuote).join(' ')}`]).toString();
    expect(echoed).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it('reads sbatch --parsable and scontrol -o output', () => {
    expect(parseJobId('42\n')).toBe('42');
    expect(parseJobId('42;cluster\n')).toBe('42');
    expect(() => parseJobId('sbatch: error: x')).toThrow(/no job id/);
    // the shape scontrol 22.05 prints for an array task and a pending dependent job
    const jobs = parseScontrolJobs(
      'JobId=7 ArrayJobId=6 ArrayTaskId=1 JobName=tfpairs-build UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0\n' +
        'JobId=8 JobName=tfpairs-merge JobState=PENDING Reason=DependencyNeverSatisfied Dependency=afterok:6_*(failed) ExitCode=0:0\n',
    );
    expect(jobs).toEqual([
      { id: '7', arrayTask: '1', state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '1:0' },
      { id: '8', arrayTask: undefined, state: 'PENDING', reason: 'DependencyNeverSatisfied', exitCode: '0:0' },
    ]);
  });
});
