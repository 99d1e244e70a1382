/**
 * Speed of `tfpairs eval`'s scoring: the 140 shared deepseek-coder-v2 drafts (`LLM Output #0`) as
 * predictions against their IaC-Eval golds, all metrics together (extract + normalise, CodeBLEU,
 * embedded validate, error lines, intent, lint pass, security compliance), and each part alone in the
 * same run (plan alone too). References are prepared once (as eval does); the bootstrap of
 * the summary (1000 resamples) is timed apart. Medians of several runs after one warm-up pass, as
 * wall-clock and as this process's CPU time (the machine is shared: CPU time is what the work costs,
 * wall-clock includes waiting for a core).
 *
 *   npx tsx scripts/bench-eval.ts [runs=5]
 */
import { join } from 'node:path';
import type { Diagnostic } from '../packages/core/src/index';
import { codebleuStats, prepareCode, pairStats } from '../packages/codebleu/src/index';
import { normaliseAnswer } from '../packages/normalise/src/index';
import { verifyCode } from '../packages/verify/src/index';
import { matchPredictions, readPredictions, referencesFromInput } from '../packages/eval/src/inputs';
import { loadIntentChecker, loadPlanner } from '../packages/eval/src/intent';
import { loadLintChecker, loadSecurityChecker } from '../packages/eval/src/checks';
import { scoreAll, summarise } from '../packages/eval/src/evaluate';
import { forgetSyntaxVerdicts } from '../packages/hcl/src/syntax';
import { forgetTrees } from '../packages/hcl/src/tree';

const runs = Number(process.argv[2] ?? 5);
const csv = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');
const cwd = process.cwd();
const refs = await referencesFromInput(csv, cwd);
const preds = await readPredictions(csv, cwd);
const pairs = matchPredictions(preds.items, refs.items).items;
const planner = await loadPlanner();
const [intent, lint, security] = await Promise.all([loadIntentChecker(planner), loadLintChecker(), loadSecurityChecker(planner)]);
for (const c of [intent, lint, security]) if (!('checker' in c)) throw new Error(c.reason);
const opts = { intent: 'checker' in intent ? intent.checker : null, lint: 'checker' in lint ? lint.checker : null, security: 'checker' in security ? security.checker : null };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function time(f: () => Promise<unknown>): Promise<[number, number]> {
  // every pass starts cold: the parser's recent verdicts are for repeats within one pass, not across passes
  forgetSyntaxVerdicts();
  forgetTrees();
  const [t0, c0] = [performance.now(), cpuMs()];
  await f();
  return [performance.now() - t0, cpuMs() - c0];
}
const normalised = await Promise.all(pairs.map((p) => normaliseAnswer(p.prediction.completion, { isAnswer: true, format: true, stripComments: true })));
// the predictions that validate (eval plans, lints and checks no others), with their validation
const valid: { i: number; validation: Diagnostic[] }[] = [];
for (let i = 0; i < pairs.length; i++) {
  const code = normalised[i]!.code;
  if (code === null) continue;
  const v = await verifyCode(code, { snippets: false });
  if (v.verdict === 'valid') valid.push({ i, validation: v.diagnostics });
}
const planned = valid.filter(({ i }) => pairs[i]!.reference.intent !== null);
// a fresh plan each time: the planner remembers the last few configurations
const { buildPlan } = await import('../packages/plan/src/index');
const parts = {
  all: () => scoreAll(pairs, opts),
  // issue 16's metrics before lint and security were added (same run, for the ratio)
  'no lint/sec': () => scoreAll(pairs, { ...opts, lint: null, security: null }),
  normalise: async () => {
    for (const p of pairs) await normaliseAnswer(p.prediction.completion, { isAnswer: true, format: true, stripComments: true });
  },
  codebleu: async () => {
    for (let i = 0; i < pairs.length; i++) pairStats(await prepareCode(pairs[i]!.reference.code), await prepareCode(normalised[i]!.code ?? ''));
  },
  validate: async () => {
    for (const n of normalised) if (n.code !== null) await verifyCode(n.code, { snippets: false });
  },
  // plan + policy of the predictions that validate (eval plans no others, on the validation it has)
  intent: async () => {
    for (const { i, validation } of planned) await opts.intent!.check(normalised[i]!.code!, pairs[i]!.reference.intent!, validation);
  },
  lint: async () => {
    for (const { i } of valid) await opts.lint!.check(normalised[i]!.code!);
  },
  // plan + pack (the planner remembers only the last few plans, so here it mostly plans again; in
  // `all` the security check reads the plan the intent check of the same prediction made)
  security: async () => {
    for (const { i, validation } of valid) await opts.security!.check(normalised[i]!.code!, validation);
  },
  plan: async () => {
    for (const { i, validation } of valid) await buildPlan({ files: [{ name: 'main.tf', text: normalised[i]!.code! }] }, { validation });
  },
};
await codebleuStats('a = 1', 'a = 1');
for (const f of Object.values(parts)) await f();
const ms: Record<string, [number, number][]> = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
const bootMs: [number, number][] = [];
for (let r = 0; r < runs; r++) {
  for (const [k, f] of Object.entries(parts)) ms[k]!.push(await time(f));
  const scored = await scoreAll(pairs, opts);
  bootMs.push(await time(async () => summarise(scored, { resamples: 1000 })));
}
console.log(`predictions: ${pairs.length} (${valid.length} validate, ${planned.length} with an intent), runs: ${runs}; all = every metric (intent, lint, security on)`);
const rate = (msPerPass: number) => (pairs.length / (msPerPass / 1000)).toFixed(0).padStart(6);
for (const [k, xs] of Object.entries(ms)) {
  const [wall, cpu] = [median(xs.map((x) => x[0])), median(xs.map((x) => x[1]))];
  console.log(`${k.padEnd(12)} ${rate(wall)} predictions/s wall, ${rate(cpu)} per CPU-second  (medians ${wall.toFixed(0)} / ${cpu.toFixed(0)} ms per pass${k === 'codebleu' ? ', reference prepared each time' : ''})`);
}
console.log(`bootstrap  ${median(bootMs.map((x) => x[0])).toFixed(0)} ms wall, ${median(bootMs.map((x) => x[1])).toFixed(0)} ms CPU for the 1000-resample summary of ${pairs.length} predictions (medians)`);
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
