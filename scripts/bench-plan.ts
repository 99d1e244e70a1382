/**
 * The plan builder (`@tfpairs/plan`) on the 280 shared texts (140 IaC-Eval references, 140
 * deepseek-coder-v2 drafts): configs/s (median of several runs after a warm-up pass; invalid texts
 * cost their validation), the ratio to the embedded validate alone in the same run, and the fidelity
 * against the recorded terraform 1.11.4 plans (packages/plan/src/__fixtures__/iac-eval, recorded by
 * scripts/record-plan-oracle.ts with the schema-only provider).
 *
 *   npx tsx scripts/bench-plan.ts [runs=5] [-v]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateModule } from '../packages/verify/src/validate';
import { buildPlan } from '../packages/plan/src/index';
import { csvPaths, iacEvalTexts } from '../packages/plan/src/iac-eval-cases';
import { scorePlan, summarise, type PlanScore } from '../packages/plan/src/score';
import { codeHash } from './record-plan-oracle';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const verbose = args.includes('-v');
const root = fileURLToPath(new URL('..', import.meta.url));
const csv = csvPaths(join(root, '..', 'shared'));
const all = iacEvalTexts(csv.reference, csv.drafts, false);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: (text: string) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (const t of all) await fn(t.code);
  return performance.now() - t0;
}
const plan = (text: string) => buildPlan({ files: [{ name: 'main.tf', text }] });
const validate = (text: string) => validateModule([{ filename: 'main.tf', text }]);

await time(plan);
const planMs: number[] = [];
const validateMs: number[] = [];
for (let i = 0; i < runs; i++) {
  validateMs.push(await time(validate));
  planMs.push(await time(plan));
}
const p = median(planMs);
const v = median(validateMs);
console.log(`plan:     ${(all.length / (p / 1000)).toFixed(0)} configs/s (median of ${runs}: ${p.toFixed(0)} ms for ${all.length} texts)`);
console.log(`validate: ${(all.length / (v / 1000)).toFixed(0)} configs/s; plan / validate = ${(p / v).toFixed(2)}`);

// fidelity against the recorded plans
const scores: PlanScore[] = [];
let terraformFailedWePlanned = 0;
let stale = 0;
for (const t of iacEvalTexts(csv.reference, csv.drafts)) {
  const rec = JSON.parse(readFileSync(join(root, 'packages/plan/src/__fixtures__/iac-eval', t.fixture), 'utf8')) as { code_sha256: string; plan: Record<string, unknown> | null; errors: string[] };
  if (rec.code_sha256 !== codeHash(t.code)) stale++;
  const ours = await plan(t.code);
  if (!rec.plan) {
    if (ours.plan) terraformFailedWePlanned++;
    if (verbose) console.log(`${t.fixture}: terraform failed (${rec.errors.join('; ')}), ours ${ours.plan ? 'planned' : 'failed'}`);
    continue;
  }
  const s = scorePlan(rec.plan, ours.plan as Record<string, unknown> | null);
  scores.push(s);
  if (verbose && (!s.configurationIdentical || !s.changesIdentical || s.knownMatched < s.knownLeaves)) console.log(`${t.fixture}: configuration ${s.configurationIdentical ? 'same' : 'differs'}, changes ${s.changesMatched}/${s.changesExpected} (+${s.changesExtra}), known ${s.knownMatched}/${s.knownLeaves} ${s.misses.slice(0, 4).join(' ')}`);
}
const f = summarise(scores);
const pct = (a: number, b: number) => `${a}/${b} = ${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
console.log(`fidelity on ${f.plans} plans terraform made (${stale} fixtures stale):`);
console.log(`  configuration identical:            ${pct(f.configurationIdentical, f.plans)}`);
console.log(`  managed addresses+actions identical: ${pct(f.changesIdentical, f.plans)} of plans, ${pct(f.changesMatched, f.changesExpected)} of changes`);
console.log(`  known planned values reproduced:     ${pct(f.knownMatched, f.knownLeaves)} (non-null ${pct(f.knownNonNullMatched, f.knownNonNullLeaves)})`);
console.log(`  unknown-ness identical (after_unknown of every change): ${pct(scores.filter((s) => s.afterUnknownIdentical).length, f.plans)}`);
console.log(`  relevant_attributes identical (as sets): ${pct(scores.filter((s) => s.relevantIdentical).length, f.plans)}`);
console.log(`  terraform failed to plan, we planned: ${terraformFailedWePlanned}`);
