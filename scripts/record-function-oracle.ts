/**
 * Records the built-in function oracle for `packages/lang/src/functions`: every expression in
 * `packages/lang/src/functions/__fixtures__/cases/<group>.txt` (one a line, `#` comments) is evaluated by a
 * real terraform twice, in a temp dir holding a copy of `__fixtures__/files/` and a `required_providers`
 * entry for the builtin `terraform` provider (so `provider::terraform::*` resolves):
 *
 * - `terraform validate -json` of `output "r" { value = EXPR }`: the diagnostics (summary, detail, and the
 *   range as offsets into EXPR); validate evaluates with impure functions unknown, as plan does;
 * - when that is valid, `terraform console` of `type(EXPR)`, `jsonencode(EXPR)` and `EXPR` (console
 *   evaluates impure functions for real and prints one result per run).
 *
 * The results go to `__fixtures__/<group>.json`, which `oracle.test.ts` replays without terraform.
 *
 *   npx tsx scripts/record-function-oracle.ts [group...]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleText, runTerraform as run, type Run } from './lib/terraform-console';

const FIXTURES = fileURLToPath(new URL('../packages/lang/src/functions/__fixtures__/', import.meta.url));

const VERSIONS_TF = 'terraform {\n  required_providers {\n    terraform = { source = "terraform.io/builtin/terraform" }\n  }\n}\n';
/** where EXPR starts in main.tf: line 2 after `  value = ` */
const EXPR_LINE = 2;
const EXPR_COLUMN = 11;

export interface RecordedDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  /** [start, end) character offsets into the expression, when the range lies on its line */
  readonly range?: readonly [number, number];
}

export interface RecordedCase {
  readonly expr: string;
  readonly diagnostics: readonly RecordedDiagnostic[];
  /** console's answers when validate found no error */
  readonly console?: { readonly type: string; readonly json: string; readonly value: string } | { readonly error: string };
}

/**
 * The text of console's rendering of a string (Go's strconv.Quote: JSON's escapes plus `\xHH`, `\a`,
 * `\v`, `\UHHHHHHHH`); other renderings (unknown, sensitive) are kept as printed.
 */
function unquote(rendered: string): string {
  if (!rendered.startsWith('"')) return rendered;
  const json = rendered.replace(/\\(\\|x([0-9a-f]{2})|a|v|U([0-9a-f]{8}))/g, (m, _all, x?: string, u?: string) => {
    if (m === '\\\\') return m;
    if (x) return `\\u00${x}`;
    if (u) return JSON.stringify(String.fromCodePoint(parseInt(u, 16))).slice(1, -1);
    return m === '\\a' ? '\\u0007' : '\\u000b';
  });
  try {
    return JSON.parse(json) as string;
  } catch {
    return rendered;
  }
}

async function console_(dir: string, line: string): Promise<Run> {
  return run(['console'], dir, `${line}\n`);
}

export async function recordCase(expr: string): Promise<RecordedCase> {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-fn-oracle-'));
  try {
    cpSync(join(FIXTURES, 'files'), dir, { recursive: true });
    writeFileSync(join(dir, 'versions.tf'), VERSIONS_TF);
    writeFileSync(join(dir, 'main.tf'), `output "r" {\n  value = ${expr}\n  sensitive = true\n}\n`);
    const v = await run(['validate', '-json', '-no-color'], dir);
    let parsed: { diagnostics: { severity: string; summary: string; detail: string; range?: { start: { line: number; column: number }; end: { line: number; column: number } } }[] };
    try {
      parsed = JSON.parse(v.stdout);
    } catch {
      throw new Error(`validate printed no JSON for ${expr}: ${v.stderr.slice(0, 300)}`);
    }
    const diagnostics = parsed.diagnostics.map((d): RecordedDiagnostic => {
      const r = d.range;
      const onLine = r && r.start.line === EXPR_LINE && r.end.line === EXPR_LINE;
      return {
        severity: d.severity,
        summary: d.summary,
        detail: d.detail,
        ...(onLine ? { range: [r.start.column - EXPR_COLUMN, r.end.column - EXPR_COLUMN] as const } : {}),
      };
    });
    if (diagnostics.some((d) => d.severity === 'error')) return { expr, diagnostics };
    // console loads the configuration too: without main.tf its own evaluation is the only one
    rmSync(join(dir, 'main.tf'));
    const t = await console_(dir, `type(${expr})`);
    if (t.code !== 0) return { expr, diagnostics, console: { error: consoleText(t) } };
    const j = await console_(dir, `jsonencode(${expr})`);
    const val = await console_(dir, expr);
    return { expr, diagnostics, console: { type: t.stdout.trimEnd(), json: j.code === 0 ? unquote(j.stdout.trimEnd()) : consoleText(j), value: val.stdout.trimEnd() } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readCases(group: string): string[] {
  return readFileSync(join(FIXTURES, 'cases', `${group}.txt`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

async function terraformVersion(): Promise<string> {
  const r = await run(['version', '-json'], tmpdir());
  return `Terraform v${(JSON.parse(r.stdout) as { terraform_version: string }).terraform_version}`;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const groups = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(join(FIXTURES, 'cases')).filter((n) => n.endsWith('.txt')).map((n) => n.slice(0, -4)).sort();
  const version = await terraformVersion();
  for (const group of groups) {
    const exprs = readCases(group);
    const cases = await mapLimit(exprs, 3, recordCase);
    const recorded = { terraform: version, command: 'terraform validate -json of output "r" { value = EXPR }, then terraform console of type(EXPR), jsonencode(EXPR), EXPR', cases };
    writeFileSync(join(FIXTURES, `${group}.json`), `${JSON.stringify(recorded, null, 1)}\n`);
    const errors = cases.filter((c) => c.diagnostics.some((d) => d.severity === 'error') || (c.console && 'error' in c.console)).length;
    console.log(`${group}: ${cases.length} cases (${errors} errors)`);
  }
}
