/**
 * Throughput of the normalise stage's work on one text (extract + terraform fmt + strip comments, i.e.
 * `normaliseAnswer`) over the 280 shared IaC-Eval texts (140 references, 140 real deepseek-coder-v2
 * answers), against bare `hclwrite.Format` (@cdktf/hcl-tools) on the same extracted code in the same
 * process. Each run times both passes back to back; the report gives files/s (median of runs) and the
 * median of the per-run ratios, so machine noise affects both sides alike.
 *
 *   npx tsx scripts/bench-normalise.ts [runs=7]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format as hclwriteFormat } from '@cdktf/hcl-tools';
import { parse } from 'csv-parse/sync';
import { extractCode, normaliseAnswer } from '../packages/normalise/src/index';

const runs = Number(process.argv[2] ?? 7);
const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');
const rows = parse(readFileSync(shared), { columns: true, bom: true }) as Record<string, string>[];
const texts = [
  ...rows.map((r) => ({ raw: r['Reference output']!, isAnswer: false })),
  ...rows.map((r) => ({ raw: r['LLM Output #0']!, isAnswer: true })),
];
// the baseline formats the same code the full pass formats (answers are extracted first, outside the clock)
const codes = texts.map((t) => (t.isAnswer ? extractCode(t.raw).code ?? '' : t.raw));

async function fullPass(): Promise<number> {
  const t0 = performance.now();
  for (const t of texts) await normaliseAnswer(t.raw, { format: true, stripComments: true, isAnswer: t.isAnswer });
  return texts.length / ((performance.now() - t0) / 1000);
}

async function barePass(): Promise<number> {
  const t0 = performance.now();
  for (const code of codes) await hclwriteFormat(code);
  return codes.length / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// warm-up: WASM instantiation and JIT, not measured
await fullPass();
await barePass();

const full: number[] = [];
const bare: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < runs; i++) {
  const f = await fullPass();
  const b = await barePass();
  full.push(f);
  bare.push(b);
  ratios.push(b / f);
  console.error(`run ${i + 1}/${runs}: normaliseAnswer ${f.toFixed(1)} files/s, hclwrite.Format ${b.toFixed(1)} files/s, ratio ${(b / f).toFixed(2)}`);
}

console.log(
  JSON.stringify(
    {
      texts: texts.length,
      runs,
      normaliseFilesPerSecond: Number(median(full).toFixed(1)),
      hclwriteFormatFilesPerSecond: Number(median(bare).toFixed(1)),
      formatOverFullRatio: Number(median(ratios).toFixed(2)),
    },
    null,
    2,
  ),
);
process.exit(0);
