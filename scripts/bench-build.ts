/**
 * Throughput of `tfpairs build --offline` at scale: a synthetic JSONL corpus made by repeating the
 * 140 shared IaC-Eval tasks (prompt suffixed so every record is distinct) through the real CLI code path.
 * Reports records/s (median of runs) and peak RSS, and the ratio to a bare ingest+write run (no
 * normalise/scrub/verify) in the same process, so the cost of the stages is visible.
 *
 *   npx tsx scripts/bench-build.ts [records=5000] [runs=3]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { main } from '../packages/cli/src/main';

const n = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 3);
const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');
const rows = parse(readFileSync(shared), { columns: true, bom: true }) as Record<string, string>[];
const dir = mkdtempSync(join(tmpdir(), 'tfpairs-bench-build-'));
const input = join(dir, 'corpus.jsonl');
const lines: string[] = [];
for (let i = 0; i < n; i++) {
  const r = rows[i % rows.length]!;
  lines.push(JSON.stringify({ prompt: `${r.Prompt} (variant ${i})`, gold: r['Reference output'], drafts: [r['LLM Output #0']] }));
}
writeFileSync(input, `${lines.join('\n')}\n`);

const silent = { write: () => true };
async function once(extra: string[]): Promise<number> {
  const out = mkdtempSync(join(dir, 'out-'));
  const t0 = performance.now();
  const code = await main(['build', '--offline', '--no-report', '--input', input, '--out', out, ...extra], {
    stdin: process.stdin,
    stdout: silent,
    stderr: silent,
    cwd: dir,
    env: process.env,
  });
  if (code !== 0) throw new Error(`build exited ${code}`);
  return n / ((performance.now() - t0) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await once(['--no-fmt', '--keep-comments', '--no-scrub', '--no-provider-checks']); // warm-up (WASM init)
const full: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  full.push(await once([]));
  bare.push(await once(['--no-fmt', '--keep-comments', '--no-scrub', '--no-provider-checks']));
}
console.log(`records: ${n}, runs: ${runs}`);
console.log(`full pipeline: ${median(full).toFixed(0)} records/s (runs: ${full.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`minimal (no fmt/strip/scrub/provider checks): ${median(bare).toFixed(0)} records/s`);
console.log(`ratio minimal/full: ${(median(bare) / median(full)).toFixed(2)}x`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
