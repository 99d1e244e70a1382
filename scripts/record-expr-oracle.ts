/**
 * Records the expression oracle for `packages/lang` (the evaluator): every case of
 * `packages/lang/src/__fixtures__/expr-cases.txt` is put in a configuration that declares the
 * `local.*` and `var.*` the cases use (`ORACLE_CONTEXT`), as `output "r" { value = EXPR }`, and real
 * terraform answers twice:
 *
 * - `terraform validate -json`: its diagnostics (summary, detail, range relative to the expression:
 *   line 1 is the expression's first line). Validate evaluates with every input variable unknown.
 * - when validate found no error and the case reads no `var.*`: `terraform console` of `type(EXPR)`
 *   and `jsonencode(EXPR)` with the same locals (console evaluates for real).
 *
 * Output: `packages/lang/src/__fixtures__/expr-oracle.json`, replayed by `src/oracle.test.ts`.
 *
 * With `--modules`, each case of `__fixtures__/module-cases.txt` (a whole main.tf: locals, variables
 * with type constraints and defaults) is validated, and console prints `jsonencode(local.out)` when it
 * is valid: `__fixtures__/module-oracle.json`, replayed by `src/module-oracle.test.ts`.
 *
 *   npx tsx scripts/record-expr-oracle.ts [--modules]     (TFPAIRS_TERRAFORM overrides the binary)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consoleEval, inTempDir, mapLimit, terraformVersion, unquoteConsoleString, validateJson } from './lib/terraform-console';
import { EXPR_LINE, ORACLE_LOCALS, oracleMain, readExprCases, relativePos, type RecordedExprCase } from '../packages/lang/src/oracle-cases';

const FIXTURES = fileURLToPath(new URL('../packages/lang/src/__fixtures__/', import.meta.url));
const VERSIONS = 'terraform {\n  required_providers {\n    terraform = { source = "terraform.io/builtin/terraform" }\n  }\n}\n';

async function recordCase(expr: string): Promise<RecordedExprCase> {
  const main = oracleMain(expr);
  const diagnostics = await inTempDir({ 'main.tf': main, 'versions.tf': VERSIONS }, (dir) => validateJson(dir));
  const rec: RecordedExprCase = {
    expr,
    diagnostics: diagnostics.map((d) => {
      const r = d.range;
      const inExpr = r && r.filename === 'main.tf' && r.start.line >= EXPR_LINE;
      return { severity: d.severity, summary: d.summary, detail: d.detail, ...(inExpr ? { range: { start: relativePos(r.start), end: relativePos(r.end) } } : {}) };
    }),
  };
  if (diagnostics.some((d) => d.severity === 'error') || /\bvar\./.test(expr) || expr.includes('\n')) return rec;
  return inTempDir({ 'main.tf': ORACLE_LOCALS, 'versions.tf': VERSIONS }, async (dir) => {
    const t = await consoleEval(dir, `type(${expr})`);
    if (!t.ok) return { ...rec, console: { error: t.error } };
    const j = await consoleEval(dir, `jsonencode(${expr})`);
    return { ...rec, console: j.ok ? { type: t.text, json: unquoteConsoleString(j.text) } : { type: t.text, error: j.error } };
  });
}

export interface RecordedModuleCase {
  readonly name: string;
  readonly main: string;
  /** other files of the module (templates), by name */
  readonly files?: Readonly<Record<string, string>>;
  readonly diagnostics: readonly { readonly severity: string; readonly summary: string; readonly detail: string; readonly range?: { readonly start: { line: number; column: number }; readonly end: { line: number; column: number } } }[];
  /** console's jsonencode(local.out), when validate passed and the case declares `out` */
  readonly out?: string;
  /** console's error for jsonencode(local.out) */
  readonly outError?: string;
}

async function recordModule(name: string, block: string): Promise<RecordedModuleCase> {
  // a block is main.tf, then optionally `--- <file>` sections for other files of the module
  const [main = '', ...rest] = block.split(/^--- /m);
  const files: Record<string, string> = {};
  for (const r of rest) files[r.slice(0, r.indexOf('\n')).trim()] = r.slice(r.indexOf('\n') + 1);
  const extra = Object.keys(files).length ? { files } : {};
  return inTempDir({ ...files, 'main.tf': main }, async (dir) => {
    const diags = await validateJson(dir);
    const diagnostics = diags.map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, ...(d.range ? { range: { start: { line: d.range.start.line, column: d.range.start.column }, end: { line: d.range.end.line, column: d.range.end.column } } } : {}) }));
    if (diags.some((d) => d.severity === 'error') || !/\bout\s*=/.test(main)) return { name, main, ...extra, diagnostics };
    const j = await consoleEval(dir, 'jsonencode(local.out)');
    return { name, main, ...extra, diagnostics, ...(j.ok ? { out: unquoteConsoleString(j.text) } : { outError: j.error }) };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--modules')) {
  const text = readFileSync(`${FIXTURES}module-cases.txt`, 'utf8');
  const blocks = text.split(/^=== /m).slice(1).map((b) => ({ name: b.slice(0, b.indexOf('\n')).trim(), main: b.slice(b.indexOf('\n') + 1) }));
  const version = await terraformVersion();
  const cases = await mapLimit(blocks, 3, (b) => recordModule(b.name, b.main));
  writeFileSync(`${FIXTURES}module-oracle.json`, `${JSON.stringify({ terraform: version, command: 'terraform validate -json, then terraform console of jsonencode(local.out)', cases }, null, 1)}\n`);
  console.log(`${cases.length} module cases`);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const exprs = readExprCases(readFileSync(`${FIXTURES}expr-cases.txt`, 'utf8'));
  const version = await terraformVersion();
  const cases = await mapLimit(exprs, 3, recordCase);
  const recorded = { terraform: version, command: 'terraform validate -json of output "r" { value = EXPR } (with ORACLE_VARIABLES and ORACLE_LOCALS), then terraform console of type(EXPR) and jsonencode(EXPR)', cases };
  writeFileSync(`${FIXTURES}expr-oracle.json`, `${JSON.stringify(recorded, null, 1)}\n`);
  console.log(`${cases.length} cases, ${cases.filter((c) => c.diagnostics.some((d) => d.severity === 'error')).length} with errors`);
}
