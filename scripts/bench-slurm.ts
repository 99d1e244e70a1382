/**
 * A sharded build on Slurm against one process, on the same synthetic corpus: wall time of
 * `tfpairs build` (one process, default workers) and of `tfpairs slurm --shards N --wait` (groups file
 * written before submitting, array job, merge job), and whether the merge is byte-identical to the
 * one process (cluster/testing's diffOutputs: corpora, records and audit byte for byte, manifest and
 * report up to timing). Needs a running Slurm (scripts/ci-slurm.sh) whose nodes see this folder.
 * The corpus is scripts/measure-integrity.ts's synthetic one (the drafts CSV's 140 rows varied).
 *
 *   npx tsx scripts/bench-slurm.ts DRAFTS_CSV [records=20000] [shards=4] [runs=1]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffOutputs } from '../packages/cluster/src/testing';

const [csv, nArg, shardsArg, runsArg] = process.argv.slice(2);
if (!csv) throw new Error('usage: bench-slurm.ts DRAFTS_CSV [records] [shards] [runs]');
const n = Number(nArg ?? 20000);
const shards = Number(shardsArg ?? 4);
const runs = Number(runsArg ?? 1);
const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'packages', 'cli', 'bin', 'tfpairs.js');
const dir = mkdtempSync(join(tmpdir(), 'tfpairs-bench-slurm-'));
const corpus = join(dir, 'corpus.jsonl');
execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'measure-integrity.ts'), 'synth', csv, String(n), corpus], { cwd: repo, stdio: 'inherit' });

const build = ['--offline', '--no-report', '--input', corpus];
function timed(args: string[]): number {
  const t = performance.now();
  execFileSync(process.execPath, [bin, ...args], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  return (performance.now() - t) / 1000;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const one: number[] = [];
const sharded: number[] = [];
const rows: unknown[] = [];
for (let r = 0; r < runs; r++) {
  const oneOut = join(dir, `one-${r}`);
  const loadBefore = load();
  one.push(timed(['build', ...build, '--out', oneOut]));
  const slurmOut = join(dir, `slurm-${r}`);
  // one CPU per array task and one worker thread per shard: the node runs as many shards as it has cores
  sharded.push(timed(['slurm', '--shards', String(shards), '--cpus', '1', '--wait', '--out', slurmOut, '--', ...build, '--workers', '1']));
  const manifest = JSON.parse(readFileSync(join(oneOut, 'manifest.json'), 'utf8'));
  const shardSeconds = Array.from({ length: shards }, (_, k) => {
    const m = JSON.parse(readFileSync(join(slurmOut, 'shards', String(k), 'manifest.json'), 'utf8'));
    return +(m.steps as { ms: number }[]).reduce((a, s) => a + s.ms, 0).toFixed(0) / 1000;
  });
  rows.push({ run: r, loadBefore, loadAfter: load(), oneSeconds: +one[r]!.toFixed(1), slurmSeconds: +sharded[r]!.toFixed(1), shardStepSeconds: shardSeconds, splits: manifest.counts.splits, groups: manifest.counts.groups, differ: diffOutputs(oneOut, slurmOut) });
  console.log(JSON.stringify(rows.at(-1)));
}
console.log(JSON.stringify({ records: n, shards, runs, medianOneSeconds: +median(one).toFixed(1), medianSlurmSeconds: +median(sharded).toFixed(1), ratio: +(median(sharded) / median(one)).toFixed(2), out: dir }));
