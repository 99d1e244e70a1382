/**
 * Benchmark of the report package: time to load a build output, summarise the audit, render report.html
 * (Vega-Lite -> SVG) and compare two runs, for a small and a 4x larger synthetic output written by the
 * real writer. Prints medians of several runs and the large/small ratio (≈4 means linear).
 *   npx tsx scripts/bench-report.ts [runs=5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compareRuns, loadBuildOutput, renderReportHtml, summariseAudit } from '@tfpairs/report';
import { diagAt, draft, dropped, task, writeRun } from '@tfpairs/report/testing';

const RUNS = Number(process.argv[2] ?? 5);
const SUMMARIES = ['Unsupported argument', 'Missing required argument', 'Invalid reference', 'Unsupported block type', 'Invalid value'];

function records(n: number, seed: number) {
  return Array.from({ length: n }, (_, i) => {
    const bad = (i * 7 + seed) % 3 === 0;
    const r = task({
      prompt: `Create resource number ${i} with some description text`,
      gold: `resource "aws_s3_bucket" "g${i}" {\n  bucket = "b-${i}"\n}\n`,
      line: i + 1,
      split: (['train', 'val', 'test'] as const)[i % 3],
      candidates: [
        draft(`c${i}a`, `resource "aws_s3_bucket" "a${i}" {\n  acl = "x"\n}\n`, 'model-a', bad ? [diagAt('error', SUMMARIES[i % 5]!, 2), diagAt('warning', 'Deprecated', 3)] : []),
        draft(`c${i}b`, `resource "aws_s3_bucket" "b${i}" {}\n`, null, (i + seed) % 4 === 0 ? [diagAt('error', SUMMARIES[(i + 2) % 5]!, 1)] : []),
      ],
    });
    return i % 10 === seed % 10 ? dropped(r, 'verify', 'hcl-syntax', 'Gold does not verify', `line ${i}`) : r;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(n: number): Promise<Record<string, number>> {
  const a = mkdtempSync(join(tmpdir(), 'tfpairs-bench-a-'));
  const b = mkdtempSync(join(tmpdir(), 'tfpairs-bench-b-'));
  await writeRun(a, records(n, 1));
  await writeRun(b, records(n, 2));
  const times: Record<string, number[]> = { load: [], audit: [], html: [], compare: [] };
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const output = await loadBuildOutput(a, { pairs: true });
    times.load!.push(performance.now() - t);
    t = performance.now();
    summariseAudit(output);
    times.audit!.push(performance.now() - t);
    t = performance.now();
    await renderReportHtml(output);
    times.html!.push(performance.now() - t);
    const other = await loadBuildOutput(b, { pairs: true });
    t = performance.now();
    compareRuns(output, other);
    times.compare!.push(performance.now() - t);
  }
  rmSync(a, { recursive: true });
  rmSync(b, { recursive: true });
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

await measure(200); // warm-up: JIT and module initialisation out of the first numbers
const small = await measure(500);
const large = await measure(2000);
console.log(`median of ${RUNS} runs, ms (500 records | 2000 records | ratio)`);
for (const k of Object.keys(small)) console.log(`${k.padEnd(8)} ${small[k]!.toFixed(1).padStart(8)} ${large[k]!.toFixed(1).padStart(9)} ${(large[k]! / small[k]!).toFixed(2).padStart(7)}`);
