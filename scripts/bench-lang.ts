/**
 * Speed of the expression evaluator over the 280 shared texts (the 140 IaC-Eval gold references and
 * the 140 deepseek-coder-v2 drafts): every attribute expression of every block (nested blocks too) is
 * evaluated with terraform's scope, all references unknown (validate's situation) and the built-in
 * functions. Reports configs/s and expressions/s of evaluation alone, and the ratio to building the
 * positioned tree (parseFile) of the same texts in the same run. Medians of several runs after a warm-up.
 *
 *   npx tsx scripts/bench-lang.ts [runs=5]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseFile, type Body, type Expr } from '../packages/hcl/src/index';
import { extractDraftCode } from '../packages/verify/src/fidelity';
import { evaluate, dynamicVal, type EvalContext } from '../packages/lang/src/index';
import { terraformFunctions } from '../packages/lang/src/functions/index';

const runs = Number(process.argv[2] ?? 5);
const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval');
const gold = parse(readFileSync(join(shared, 'iac-eval-subset-140.csv')), { columns: true, bom: true }) as Record<string, string>[];
const drafts = parse(readFileSync(join(shared, 'deepseek-coder-v2-16b-drafts-140.csv')), { columns: true, bom: true }) as Record<string, string>[];
const texts = [...gold.map((r) => r['Reference output'] ?? ''), ...drafts.map((r) => extractDraftCode(r['LLM Output #0'] ?? ''))];

// validate's view: every reference is unknown, consumed whole
const ctx: EvalContext = { resolve: (t) => ({ value: dynamicVal, consumed: t.steps.length }), functions: terraformFunctions({ baseDir: '.' }) };

function exprsOf(body: Body, out: Expr[]): Expr[] {
  for (const a of body.attributes) out.push(a.expr);
  for (const b of body.blocks) exprsOf(b.body, out);
  return out;
}

const files = await Promise.all(texts.map((t) => parseFile('main.tf', t)));
const exprs = files.map((f) => exprsOf(f.body, []));
const exprCount = exprs.reduce((n, e) => n + e.length, 0);

async function parseAll(): Promise<number> {
  const t0 = performance.now();
  for (const t of texts) await parseFile('main.tf', t);
  return performance.now() - t0;
}

function evalAll(): number {
  const t0 = performance.now();
  let diags = 0;
  for (const list of exprs) for (const e of list) diags += evaluate(e, ctx).diagnostics.length;
  if (diags < 0) throw new Error('unreachable');
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await parseAll();
evalAll();
const p: number[] = [];
const e: number[] = [];
for (let i = 0; i < runs; i++) {
  p.push(await parseAll());
  e.push(evalAll());
}
const pm = median(p);
const em = median(e);
console.log(`${texts.length} configs, ${exprCount} attribute expressions, ${runs} runs (medians)`);
console.log(`evaluate: ${em.toFixed(1)} ms  = ${((texts.length / em) * 1000).toFixed(0)} configs/s, ${((exprCount / em) * 1000).toFixed(0)} expressions/s`);
console.log(`parseFile: ${pm.toFixed(1)} ms  = ${((texts.length / pm) * 1000).toFixed(0)} configs/s`);
console.log(`evaluation costs ${(em / pm).toFixed(2)}x the tree build`);
