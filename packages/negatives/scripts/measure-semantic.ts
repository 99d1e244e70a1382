/**
 * Semantic negatives on IaC-Eval gold (issue 15): how many gold that validate and meet their own intent
 * get one, per operator made / attempted / discarded.
 *
 *   npx tsx packages/negatives/scripts/measure-semantic.ts <iac-eval-subset-140.csv> [seed=1]   (SHOW=1 prints each edit)
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { createRunContext, parseConfig, recordId, type TaskRecord } from '@tfpairs/core';
import { normaliseAnswer } from '@tfpairs/normalise';
import { verifyCode } from '@tfpairs/verify';
import { planOf } from '@tfpairs/intent/plan-of';
import { recordIntentCheck } from '@tfpairs/intent/stage';
import { evaluateIntent } from '@tfpairs/policy';
import { semanticNegativesFor } from '@tfpairs/negatives/semantic';
if (!process.argv[2]) throw new Error('usage: measure-semantic.ts <gold.csv> [seed]');
const rows = parse(readFileSync(process.argv[2]), { columns: true }) as Record<string, string>[];
const seed = Number(process.argv[3] ?? 1);
const ctx = createRunContext(parseConfig({}));
let withIntentPass = 0;
let got = 0;
const made: Record<string, number> = {};
const att: Record<string, number> = {};
const dis: Record<string, number> = {};
for (const r of rows) {
  const code = (await normaliseAnswer(r['Reference output'] ?? '', { format: true, stripComments: true, isAnswer: true })).code;
  if (!code || (await verifyCode(code)).verdict !== 'valid') continue;
  const policy = r['Rego intent']!;
  const { plan } = await planOf(ctx, code);
  if (!plan || evaluateIntent(policy, plan).outcome !== 'pass') continue;
  withIntentPass++;
  // the intent check reads only the record's intent
  const record = { id: recordId(r.Prompt!, code), prompt: r.Prompt, meta: { rego_intent: policy } } as unknown as TaskRecord;
  const res = await semanticNegativesFor(code, { policy, plan, operators: ['intent-constant', 'intent-missing-resource'], seed, check: (m) => recordIntentCheck(ctx, record, m) });
  if (res.negatives.length) got++;
  for (const n of res.negatives) made[n.operator] = (made[n.operator] ?? 0) + 1;
  for (const [o, c] of Object.entries(res.attempted)) att[o] = (att[o] ?? 0) + c;
  for (const [o, c] of Object.entries(res.discarded)) dis[o] = (dis[o] ?? 0) + c;
  if (process.env.SHOW && res.negatives[0]) for (const n of res.negatives) console.log(`${n.what} => ${n.falseRules.join(', ')}`);
}
console.log(`gold that validate and meet their intent: ${withIntentPass}; with at least one semantic negative: ${got}`);
for (const o of Object.keys(att).sort()) console.log(`${o.padEnd(24)} made ${made[o] ?? 0}  attempted ${att[o]}  discarded ${dis[o] ?? 0}`);
