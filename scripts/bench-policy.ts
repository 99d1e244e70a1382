/**
 * The IaC-Eval intent stage of @tfpairs/policy: speed and fidelity.
 *
 * Speed: evaluateIntent (IaC-Eval's `opa eval -i plan.json -d policy.rego data` decision) over the 140
 * shared policies, each on a prepared plan JSON of its task's reference solution (built by `planFor`,
 * before the clock), in evaluations/s, median of runs. Policies are compiled once (cached by text).
 *
 * Fidelity: for the drafts IaC-Eval could plan (`LLM Plannable? #0` = True, 85 rows), the decision on
 * `planFor(draft)` against IaC-Eval's recorded `LLM Correct? #0` (Success = pass, Failure = fail). This
 * measures the planner and the engine together: a disagreement can be either's.
 *
 *   npx tsx scripts/bench-policy.ts [runs=7]
 *
 * `planFor` defaults to @tfpairs/plan's buildPlan on the code as one `main.tf`; import `benchPolicy`
 * to pass another.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { extractCode } from '../packages/normalise/src/index';
import { evaluateIntent } from '../packages/policy/src/index';

export type PlanFor = (code: string) => Promise<unknown | undefined>;

const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function defaultPlanFor(): Promise<PlanFor> {
  const { buildPlan } = await import('../packages/plan/src/index');
  return async (code) => {
    try {
      return (await buildPlan({ files: [{ name: 'main.tf', text: code }] })).plan ?? undefined;
    } catch {
      return undefined;
    }
  };
}

export async function benchPolicy(planFor: PlanFor, runs: number): Promise<void> {
  const rows = parse(readFileSync(shared), { columns: true, bom: true }) as Record<string, string>[];

  // ---- speed ----
  const pairs: { policy: string; plan: unknown }[] = [];
  for (const r of rows) {
    const plan = await planFor(r['Reference output']!);
    if (plan !== undefined) pairs.push({ policy: r['Rego intent']!, plan });
  }
  console.error(`speed inputs: ${pairs.length}/${rows.length} reference solutions planned`);
  if (!pairs.length) throw new Error('no plan could be built: nothing to measure');
  const pass = (): number => {
    const t0 = performance.now();
    let n = 0;
    // repeat so one pass lasts long enough to time
    for (let rep = 0; rep < 20; rep++) for (const p of pairs) {
      evaluateIntent(p.policy, p.plan);
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  pass(); // warm-up: compiles every policy once and lets the JIT settle
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    rates.push(pass());
    console.error(`run ${i + 1}/${runs}: ${rates[i]!.toFixed(0)} evaluations/s`);
  }
  console.log(`evaluateIntent: ${median(rates).toFixed(0)} evaluations/s (median of ${runs} runs, ${pairs.length} policy/plan pairs)`);

  // ---- fidelity ----
  const outcomes = { agree: 0, disagree: [] as string[], unplanned: 0, errors: 0 };
  const plannable = rows.filter((r) => r['LLM Plannable? #0'] === 'True');
  for (const [i, r] of rows.entries()) {
    if (r['LLM Plannable? #0'] !== 'True') continue;
    const code = extractCode(r['LLM Output #0']!).code ?? '';
    const plan = await planFor(code);
    if (plan === undefined) {
      outcomes.unplanned++;
      continue;
    }
    const res = evaluateIntent(r['Rego intent']!, plan);
    if (res.outcome === 'error') outcomes.errors++;
    const want = r['LLM Correct? #0'] === 'Success' ? 'pass' : 'fail';
    if (res.outcome === want) outcomes.agree++;
    else outcomes.disagree.push(`row ${i}: IaC-Eval ${want}, ours ${res.outcome} ${res.falseRules.join(' ')}`);
  }
  const judged = outcomes.agree + outcomes.disagree.length;
  console.log(
    `fidelity: ${outcomes.agree}/${judged} agree with IaC-Eval's recorded verdict (${plannable.length} plannable drafts; ${outcomes.unplanned} not planned by planFor; ${outcomes.errors} engine errors)`,
  );
  for (const d of outcomes.disagree) console.log(`  ${d}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchPolicy(await defaultPlanFor(), Number(process.argv[2] ?? 7));
}
