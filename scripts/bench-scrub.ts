/**
 * Scrub cost per file, as a ratio to HashiCorp's HCL parse of the same file (both in this process, so
 * machine noise cancels): `npx tsx scripts/bench-scrub.ts`. Median of 5 runs over the 140 IaC-Eval
 * references and the planted-secret corpus.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { parse as parseCsv } from 'csv-parse/sync';
import { plantedCorpus } from '@tfpairs/scrub/planted';
import { scrubText } from '@tfpairs/scrub';

const root = fileURLToPath(new URL('..', import.meta.url));
const rows = parseCsv(readFileSync(`${root}../shared/data/iac-eval/iac-eval-subset-140.csv`), { columns: true }) as Record<string, string>[];
const sets = {
  references: rows.map((r) => r['Reference output']!),
  planted: plantedCorpus().map((c) => c.hcl),
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timePerFile(files: readonly string[], fn: (t: string) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (const t of files) await fn(t);
  return (performance.now() - t0) / files.length;
}

await scrubText('x = 1\n', { kind: 'hcl' }); // load wasm grammars once
await parse('main.tf', 'x = 1\n');
for (const [name, files] of Object.entries(sets)) {
  const scrub: number[] = [];
  const hcl: number[] = [];
  const ratio: number[] = [];
  for (let run = 0; run < 5; run++) {
    const s = await timePerFile(files, (t) => scrubText(t, { kind: 'hcl' }));
    const h = await timePerFile(files, (t) => parse('main.tf', t).catch(() => null));
    scrub.push(s);
    hcl.push(h);
    ratio.push(s / h);
  }
  console.log(`${name} (${files.length} files): scrub ${median(scrub).toFixed(2)} ms/file, hcl2json parse ${median(hcl).toFixed(2)} ms/file, ratio ${median(ratio).toFixed(2)} (median of 5)`);
}
