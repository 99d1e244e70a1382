/**
 * Speed of the split grouping (MinHash/LSH over prompts) on a synthetic corpus of N prompts built from
 * the shared IaC-Eval prompts with names and trailing periods varied: medians of several runs.
 * Usage: npx tsx scripts/bench-split.ts CSV [N=150000] [RUNS=5]
 */
import { readIacEvalCsv } from '@tfpairs/ingest';
import { NearDuplicateGrouper } from '@tfpairs/split';

const [csv, nArg, runsArg] = process.argv.slice(2);
if (!csv) throw new Error('usage: bench-split.ts CSV [N] [RUNS]');
const n = Number(nArg ?? 150_000);
const runs = Number(runsArg ?? 5);
const base: string[] = [];
for await (const r of readIacEvalCsv(csv, csv)) if (r.status === 'kept') base.push(r.prompt);
const prompts = Array.from({ length: n }, (_, i) => {
  const p = base[i % base.length]!;
  const words = p.split(' ');
  words[(i * 7) % words.length] = `name${i % 1000}`;
  return i % 3 === 0 ? `${words.join(' ')}.` : words.join(' ');
});
const times: number[] = [];
let groups = 0;
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  const g = new NearDuplicateGrouper({ threshold: 0.6 });
  for (let i = 0; i < n; i++) g.add({ key: String(i), prompt: prompts[i]!, goldHash: null });
  groups = g.finish().groups;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const mem = process.memoryUsage();
console.log(JSON.stringify({ prompts: n, runs, medianMs: Math.round(times[runs >> 1]!), minMs: Math.round(times[0]!), groups, rssMiB: Math.round(mem.rss / 2 ** 20), heapMiB: Math.round(mem.heapUsed / 2 ** 20) }));
