/**
 * Fidelity of the embedded `terraform validate` against real terraform verdicts (IaC-Eval's 140
 * deepseek-coder-v2 drafts, planned by terraform): verdict agreement and recall / precision of
 * terraform's (summary, line) errors, plus every remaining disagreement.
 *
 *   npx tsx scripts/bench-fidelity.ts [-schema FILE]... [-json]
 *
 * Without -schema the bundled schemas are used (chosen by each draft's required_providers).
 */
import { fileURLToPath } from 'node:url';
import { loadSchemaSet } from '../packages/verify/src/schemas';
import { measureFidelity, missReason, readDraftCases } from '../packages/verify/src/fidelity';

const root = fileURLToPath(new URL('..', import.meta.url));
const csv = `${root}../shared/data/iac-eval/deepseek-coder-v2-16b-drafts-140.csv`;
const args = process.argv.slice(2);
const schemaFiles: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!.replace(/^--?/, '-');
  if (a === '-schema') schemaFiles.push(args[++i]!);
  else if (a.startsWith('-schema=')) schemaFiles.push(a.slice(8));
}
const json = args.some((a) => /^--?json$/.test(a));

const schemas = loadSchemaSet({ userSchemaFiles: schemaFiles });
const report = await measureFidelity(readDraftCases(csv), schemas);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
if (json) {
  console.log(JSON.stringify({ schemas: schemas.label, total: report.total, agreement: report.agreement, recall: report.recall, precision: report.precision, disagreements: report.cases.filter((c) => !c.agree || c.missed.length || c.extra.length).map(({ diagnostics: _d, ...c }) => c) }, null, 2));
} else {
  console.log(`schemas: ${schemas.label}`);
  console.log(`verdict agreement: ${report.cases.filter((c) => c.agree).length}/${report.total} = ${pct(report.agreement)}`);
  console.log(`error recall:      ${report.truePositives}/${report.expectedCount} = ${pct(report.recall)}`);
  console.log(`error precision:   ${report.truePositives}/${report.gotCount} = ${pct(report.precision)}`);
  for (const c of report.cases) {
    if (c.agree && !c.missed.length && !c.extra.length) continue;
    console.log(`\nrow ${c.row}: terraform ${c.plannable ? 'plannable' : 'failed'}, embedded ${c.ours}`);
    for (const k of c.missed) console.log(`  missed: ${k.summary} (line ${k.line ?? '-'}): ${missReason(k)}`);
    for (const k of c.extra) {
      const d = c.diagnostics.find((x) => x.summary === k.summary && (x.range?.start.line ?? null) === k.line);
      console.log(`  extra:  ${k.summary} (line ${k.line ?? '-'})${d ? `: ${d.detail.split('\n')[0]}` : ''}`);
    }
  }
}
