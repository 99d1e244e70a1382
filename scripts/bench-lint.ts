/**
 * Throughput of `lintConfig` (HashiCorp's parser for syntax, the positioned tree, TFLint's terraform
 * recommended rules and the AWS ruleset) over the 280 shared IaC-Eval texts (140 references, 140 real
 * deepseek-coder-v2 answers, code extracted with normalise). Reports configs/s (median of runs), the
 * lint pass rate (no issue at all) and the most frequent rules for gold and drafts. Each run also times
 * the bare parse the linter cannot avoid (checkSyntax + parseFile) and the build's path (syntax already
 * checked by verify), so the ratios hold on a loaded machine.
 *
 * The same texts are then planned with @tfpairs/plan (outside the clock) and the bundled security pack
 * (data/policies/security) is timed on the prepared plan JSON: plans/s, compliance rate (no failure)
 * and the most frequent checks.
 *
 *   npx tsx scripts/bench-lint.ts [runs=7]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { checkSyntax, parseFile } from '../packages/hcl/src/index';
import { lintConfig, lintReport } from '../packages/lint/src/index';
import { lintModules } from '../packages/lint/src/lint';
import { buildPlan } from '../packages/plan/src/index';
import { compilePolicy } from '../packages/policy/src/index';
import { checkNamespace } from '../packages/policy/src/conftest';
import { readdirSync } from 'node:fs';
import { extractCode } from '../packages/normalise/src/index';
import { checkResourceTypes, checksFor } from '../packages/intent/src/security';

const runs = Number(process.argv[2] ?? 7);
const csv = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');
const rows = parse(readFileSync(csv), { columns: true, bom: true }) as Record<string, string>[];
const gold = rows.map((r) => r['Reference output']!);
const drafts = rows.map((r) => extractCode(r['LLM Output #0']!).code).filter((c): c is string => c !== null);
const texts = [...gold, ...drafts];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// configs per CPU-second of this process, per timed pass (the machine is shared: wall-clock includes
// waiting for a core, CPU time is what the work costs)
const cpuRates = new Map<(text: string) => Promise<unknown>, number[]>();
async function timed(fn: (text: string) => Promise<unknown>): Promise<number> {
  const [t0, c0] = [performance.now(), cpuMs()];
  for (const text of texts) await fn(text);
  const [wall, cpu] = [performance.now() - t0, cpuMs() - c0];
  cpuRates.set(fn, [...(cpuRates.get(fn) ?? []), texts.length / (cpu / 1000)]);
  return texts.length / (wall / 1000);
}
const full = (text: string) => lintConfig([{ name: 'main.tf', text }]);
const checked = (text: string) => lintConfig([{ name: 'main.tf', text }], buildOptions);
const bare = async (text: string) => (await checkSyntax(text, 'main.tf'), await parseFile('main.tf', text));
// `tfpairs lint PATH...`: every module at once (HashiCorp's parser on groups of files)
const modules = texts.map((text, i) => [{ name: `m${i}/main.tf`, text }]);
const groupedRates: number[] = [];
const groupedCpuRates: number[] = [];
async function timedGrouped(): Promise<void> {
  const [t0, c0] = [performance.now(), cpuMs()];
  await lintModules(modules);
  groupedRates.push(texts.length / ((performance.now() - t0) / 1000));
  groupedCpuRates.push(texts.length / ((cpuMs() - c0) / 1000));
}
const buildOptions = { syntaxChecked: true };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// warm-up: WASM instantiation, JIT, rule data
await timed(full);
await timed(checked);
await timed(bare);
await timedGrouped();
cpuRates.clear();
groupedRates.length = groupedCpuRates.length = 0;
const rates: number[] = [];
const checkedRates: number[] = [];
const bareRates: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < runs; i++) {
  rates.push(await timed(full));
  checkedRates.push(await timed(checked));
  bareRates.push(await timed(bare));
  await timedGrouped();
  ratios.push(rates[i]! / bareRates[i]!);
  console.error(`run ${i + 1}/${runs}: lint ${rates[i]!.toFixed(0)}/s, grouped ${groupedRates[i]!.toFixed(0)}/s, lint (syntax checked) ${checkedRates[i]!.toFixed(0)}/s, checkSyntax+parseFile ${bareRates[i]!.toFixed(0)}/s`);
}

async function summary(name: string, set: string[]) {
  let clean = 0;
  let syntax = 0;
  const byRule = new Map<string, number>();
  const bySeverity = new Map<string, number>();
  for (const text of set) {
    const r = await lintReport([{ name: 'main.tf', text }]);
    if (r.errors.length) {
      syntax++;
      continue;
    }
    if (r.issues.length === 0) clean++;
    for (const i of new Set(r.issues.map((x) => x.rule))) byRule.set(i, (byRule.get(i) ?? 0) + 1);
    for (const i of r.issues) bySeverity.set(i.severity, (bySeverity.get(i.severity) ?? 0) + 1);
  }
  const linted = set.length - syntax;
  const top = [...byRule].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(`${name}: ${set.length} configs, ${syntax} not valid HCL, lint pass rate ${clean}/${linted} (${((100 * clean) / Math.max(linted, 1)).toFixed(1)} %), issues by severity ${JSON.stringify(Object.fromEntries(bySeverity))}`);
  for (const [rule, n] of top) console.log(`  ${String(n).padStart(4)} configs  ${rule}`);
}

console.log(`lintConfig over ${texts.length} texts, medians of ${runs} runs: ${median(rates).toFixed(0)} configs/s (syntax checked by the caller: ${median(checkedRates).toFixed(0)}/s); bare checkSyntax+parseFile ${median(bareRates).toFixed(0)}/s; lint/bare ratio ${median(ratios).toFixed(2)}`);
console.log(`  tfpairs lint's path (lintModules, all ${texts.length} modules at once): ${median(groupedRates).toFixed(0)} configs/s wall, ${median(groupedCpuRates).toFixed(0)} per CPU-second`);
console.log(`  per CPU-second (medians): lint ${median(cpuRates.get(full)!).toFixed(0)}, syntax checked ${median(cpuRates.get(checked)!).toFixed(0)}, bare ${median(cpuRates.get(bare)!).toFixed(0)}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
await summary('gold (Reference output)', gold);
await summary('drafts (LLM Output #0)', drafts);

// ---- security pack on prepared plan JSON
const pack = join(import.meta.dirname, '..', 'data', 'policies', 'security');
const ids = readdirSync(pack).filter((f) => f.endsWith('.rego')).map((f) => f.replace(/\.rego$/, '')).sort();
const regoFiles = [...ids.map((id) => join(pack, `${id}.rego`)), ...readdirSync(join(pack, 'lib')).map((f) => join(pack, 'lib', f))];
const policy = compilePolicy(regoFiles.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
const plans = async (set: string[]) => (await Promise.all(set.map(async (text) => (await buildPlan({ files: [{ name: 'main.tf', text }] })).plan))).filter((p) => p !== null);
const goldPlans = await plans(gold);
const draftPlans = await plans(drafts);
const allPlans = [...goldPlans, ...draftPlans];
const namespaces = ids.map((id) => `security.${id}`);
const types = checkResourceTypes(policy, namespaces);
const failuresIn = (plan: unknown, nss: readonly string[]) => nss.flatMap((ns) => checkNamespace(policy, plan, 'plan.json', ns).failures ?? []);
const failuresOf = (plan: unknown) => failuresIn(plan, namespaces);
// what the build's security step runs: only the checks about a resource type the plan has
const selectedFailures = (plan: unknown) => failuresIn(plan, checksFor(namespaces, types, plan));
for (const plan of allPlans) {
  if (JSON.stringify(selectedFailures(plan)) !== JSON.stringify(failuresOf(plan))) throw new Error('skipping checks by resource type lost a failure');
}
const securityPass = (f: (plan: unknown) => unknown) => {
  const [t0, c0] = [performance.now(), cpuMs()];
  for (const plan of allPlans) f(plan);
  return [allPlans.length / ((performance.now() - t0) / 1000), allPlans.length / ((cpuMs() - c0) / 1000)] as const;
};
securityPass(failuresOf);
securityPass(selectedFailures);
const securityRates: (readonly [number, number])[] = [];
const selectedRates: (readonly [number, number])[] = [];
for (let i = 0; i < runs; i++) {
  securityRates.push(securityPass(failuresOf));
  selectedRates.push(securityPass(selectedFailures));
}
const show = (xs: (readonly [number, number])[]) => `${median(xs.map((x) => x[0])).toFixed(0)} plans/s wall, ${median(xs.map((x) => x[1])).toFixed(0)} per CPU-second`;
console.log(`security pack (${ids.length} checks) on prepared plan JSON, ${allPlans.length} plans, medians of ${runs} runs: every check ${show(securityRates)}; only the checks of the plan's resource types (the build's security step, same failures) ${show(selectedRates)}`);
for (const [name, set, total] of [['gold', goldPlans, gold.length], ['drafts', draftPlans, drafts.length]] as const) {
  let compliant = 0;
  const byCheck = new Map<string, number>();
  for (const plan of set) {
    const failures = failuresOf(plan);
    if (failures.length === 0) compliant++;
    for (const id of new Set(failures.map((f) => String(f.metadata?.id)))) byCheck.set(id, (byCheck.get(id) ?? 0) + 1);
  }
  console.log(`${name}: ${set.length}/${total} planned, security compliance ${compliant}/${set.length} (${((100 * compliant) / Math.max(set.length, 1)).toFixed(1)} %)`);
  for (const [id, n] of [...byCheck].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${String(n).padStart(4)} configs  ${id}`);
}
