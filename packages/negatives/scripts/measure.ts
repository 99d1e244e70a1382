/**
 * Issue 15's measurements on the IaC-Eval subset: verified negatives per operator, the verification
 * success rate, and the total-variation distance of the synthetic diagnostic summaries from the
 * real drafts' terraform errors.
 *
 *   npx tsx packages/negatives/scripts/measure.ts <iac-eval-subset-140.csv> <drafts-140.csv> [n=8] [mix=real] [seed=1]
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { normaliseAnswer } from '@tfpairs/normalise';
import { verifyCode } from '@tfpairs/verify';
import { readDraftCases } from '@tfpairs/verify/fidelity';
import { negativesFor, summaryKind, type NegativeMix } from '../src/negatives';

const [goldCsv, draftsCsv, nArg, mixArg, seedArg] = process.argv.slice(2);
if (!goldCsv || !draftsCsv) throw new Error('usage: measure.ts <gold.csv> <drafts.csv> [n] [mix] [seed]');
const n = Number(nArg ?? 8);
const mix = (mixArg ?? 'real') as NegativeMix;
const seed = Number(seedArg ?? 1);

const rows = parse(readFileSync(goldCsv), { columns: true }) as Record<string, string>[];
const real: Record<string, number> = {};
for (const c of readDraftCases(draftsCsv)) for (const e of c.errors) real[e.summary] = (real[e.summary] ?? 0) + 1;

let verifyMs = 0;
let negMs = 0;
let valid = 0;
const attempted: Record<string, number> = {};
const discarded: Record<string, number> = {};
const made: Record<string, number> = {};
const synthetic: Record<string, number> = {};
let total = 0;
for (const r of rows) {
  const code = (await normaliseAnswer(r['Reference output'] ?? '', { format: true, stripComments: true, isAnswer: true })).code;
  if (!code) continue;
  let t = performance.now();
  const v = await verifyCode(code);
  verifyMs += performance.now() - t;
  if (v.verdict !== 'valid') continue;
  valid++;
  t = performance.now();
  const res = await negativesFor(code, { n, mix, seed, realDistribution: real });
  negMs += performance.now() - t;
  for (const [o, c] of Object.entries(res.attempted)) attempted[o] = (attempted[o] ?? 0) + c;
  for (const [o, c] of Object.entries(res.discarded)) discarded[o] = (discarded[o] ?? 0) + c;
  for (const neg of res.negatives) {
    made[neg.operator] = (made[neg.operator] ?? 0) + 1;
    const s = summaryKind(neg.diagnostics.find((d) => d.severity === 'error')!.summary);
    synthetic[s] = (synthetic[s] ?? 0) + 1;
    total++;
  }
}

const realKinds: Record<string, number> = {};
for (const [s, c] of Object.entries(real)) realKinds[summaryKind(s)] = (realKinds[summaryKind(s)] ?? 0) + c;
const realTotal = Object.values(realKinds).reduce((a, b) => a + b, 0);
const kinds = new Set([...Object.keys(realKinds), ...Object.keys(synthetic)]);
let tvd = 0;
for (const k of kinds) tvd += Math.abs((realKinds[k] ?? 0) / realTotal - (synthetic[k] ?? 0) / Math.max(1, total));
tvd /= 2;

console.log(`valid gold ${valid}/${rows.length}; n=${n} mix=${mix} seed=${seed}`);
console.log(`verified negatives: ${total}`);
console.log('operator                 made  attempted  discarded  success');
for (const o of Object.keys(attempted).sort()) {
  const a = attempted[o] ?? 0;
  console.log(`${o.padEnd(24)} ${String(made[o] ?? 0).padStart(5)} ${String(a).padStart(10)} ${String(discarded[o] ?? 0).padStart(10)}  ${a ? (((a - (discarded[o] ?? 0)) / a) * 100).toFixed(1) : '-'}%`);
}
console.log('summary kind: synthetic share vs real share');
for (const k of [...kinds].sort()) console.log(`  ${k.padEnd(45)} ${((synthetic[k] ?? 0) / Math.max(1, total)).toFixed(3)}  ${((realKinds[k] ?? 0) / realTotal).toFixed(3)}`);
console.log(`total-variation distance: ${tvd.toFixed(3)}`);
console.log(`time: verify gold ${verifyMs.toFixed(0)} ms, negatives ${negMs.toFixed(0)} ms (ratio ${(negMs / verifyMs).toFixed(2)})`);
