/**
 * Per-operator verification success on the IaC-Eval gold: every gold that validates (with the given
 * schema file, else the bundled schemas) gets up to `n` negatives of each operator on its own.
 *
 *   npx tsx packages/negatives/scripts/measure-operators.ts <iac-eval-subset-140.csv> <op,op> [n=4] [schema.json(.gz)] [out.jsonl]
 *
 * With `out.jsonl` every negative is written as `{row, operator, what, code, diagnostics}` (to replay
 * against real terraform).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { normaliseAnswer } from '@tfpairs/normalise';
import { loadSchemaSet, verifyCode } from '@tfpairs/verify';
import { parseFile } from '@tfpairs/hcl/tree';
import { loadModule } from '@tfpairs/verify/module';
import { negativesFor } from '../src/negatives';

const [goldCsv, opsArg, nArg, schemaFile, out] = process.argv.slice(2);
if (!goldCsv || !opsArg) throw new Error('usage: measure-operators.ts <gold.csv> <op,op> [n] [schema file] [out.jsonl]');
const n = Number(nArg ?? 4);
const rows = parse(readFileSync(goldCsv), { columns: true }) as Record<string, string>[];
const stats: Record<string, { gold: number; attempted: number; discarded: number; made: number }> = {};
const lines: string[] = [];
let valid = 0;
for (const [i, r] of rows.entries()) {
  const code = (await normaliseAnswer(r['Reference output'] ?? '', { format: true, stripComments: true, isAnswer: true })).code;
  if (!code) continue;
  const file = await parseFile('main.tf', code);
  const schemas = loadSchemaSet({ userSchemaFiles: schemaFile ? [schemaFile] : [], requiredProviders: loadModule([file]).module.requiredProviders });
  if ((await verifyCode(code, { schemas })).verdict !== 'valid') continue;
  valid++;
  for (const op of opsArg.split(',')) {
    const res = await negativesFor(code, { n, operators: [op], mix: 'uniform', seed: 1, schemas });
    const s = (stats[op] ??= { gold: 0, attempted: 0, discarded: 0, made: 0 });
    if (res.attempted[op]) s.gold++;
    s.attempted += res.attempted[op] ?? 0;
    s.discarded += res.discarded[op] ?? 0;
    s.made += res.negatives.length;
    for (const neg of res.negatives) lines.push(JSON.stringify({ row: i, operator: neg.operator, what: neg.what, code: neg.code, diagnostics: neg.diagnostics }));
  }
}
console.log(`gold that validate: ${valid} of ${rows.length}`);
for (const [op, s] of Object.entries(stats)) console.log(`${op}: ${s.made} made, ${s.attempted} attempted, ${s.discarded} discarded (success ${s.attempted ? (((s.attempted - s.discarded) / s.attempted) * 100).toFixed(1) : '-'} %) on ${s.gold} gold`);
if (out) writeFileSync(out, lines.map((l) => `${l}\n`).join(''));
