/**
 * Speed of the embedded `terraform validate` over the 280 shared texts (the 140 IaC-Eval gold
 * references and the 140 deepseek-coder-v2 drafts): configs/s, and the ratio to the bare HCL parse of
 * the same texts with HashiCorp's parser (@cdktf/hcl2json) in the same run. Medians of several runs,
 * after one warm-up pass (WASM init, schema index load).
 *
 *   npx tsx scripts/bench-validate.ts [runs=5]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { parse } from 'csv-parse/sync';
import { extractDraftCode } from '../packages/verify/src/fidelity';
import { loadSchemaSet } from '../packages/verify/src/schemas';
import { validateModule } from '../packages/verify/src/validate';

const runs = Number(process.argv[2] ?? 5);
const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval');
const gold = parse(readFileSync(join(shared, 'iac-eval-subset-140.csv')), { columns: true, bom: true }) as Record<string, string>[];
const drafts = parse(readFileSync(join(shared, 'deepseek-coder-v2-16b-drafts-140.csv')), { columns: true, bom: true }) as Record<string, string>[];
const texts = [...gold.map((r) => r['Reference output'] ?? ''), ...drafts.map((r) => extractDraftCode(r['LLM Output #0'] ?? ''))];
const schemas = loadSchemaSet();

async function parseAll(): Promise<number> {
  const t0 = performance.now();
  for (const text of texts) {
    try {
      await parseHcl('main.tf', text);
    } catch {
      // invalid HCL costs a parse too
    }
  }
  return performance.now() - t0;
}

async function validateAll(): Promise<number> {
  const t0 = performance.now();
  for (const text of texts) await validateModule([{ filename: 'main.tf', text }], { schemas });
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await parseAll();
await validateAll();
const parseMs: number[] = [];
const validateMs: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < runs; i++) {
  const p = await parseAll();
  const v = await validateAll();
  parseMs.push(p);
  validateMs.push(v);
  ratios.push(v / p);
}
const vps = texts.length / (median(validateMs) / 1000);
const pps = texts.length / (median(parseMs) / 1000);
console.log(`texts: ${texts.length}, runs: ${runs}, schemas: ${schemas.label}`);
console.log(`validate: ${vps.toFixed(0)} configs/s (median ${median(validateMs).toFixed(0)} ms per pass)`);
console.log(`bare HCL parse: ${pps.toFixed(0)} configs/s (median ${median(parseMs).toFixed(0)} ms per pass)`);
console.log(`validate / parse: ${median(ratios).toFixed(2)}x (median of per-run ratios)`);
// on a shared machine the least-disturbed pass shows what the code costs, the median what a run gets
const min = (xs: number[]) => Math.min(...xs);
console.log(`fastest pass: validate ${(texts.length / (min(validateMs) / 1000)).toFixed(0)} configs/s, parse ${(texts.length / (min(parseMs) / 1000)).toFixed(0)} configs/s`);
