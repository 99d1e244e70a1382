/**
 * Records the language oracle for `packages/verify` (issue 19's classes: modules, values, functions,
 * typed variables, file set, sensitivity, static rules, lexer): each case of
 * `packages/verify/src/__fixtures__/lang-oracle/*.cases` is written to a fresh temp dir, then real
 * terraform runs `init -backend=false` (installs local modules; registry/remote ones cannot be
 * fetched offline) and `validate -json`. Output: `lang-oracle/recorded.json`.
 *
 *   npx tsx scripts/record-lang-oracle.ts [case-name...]     (TFPAIRS_TERRAFORM overrides the binary)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases, materialise, type OracleCase } from '../packages/verify/src/oracle-cases';

const FIXTURES = fileURLToPath(new URL('../packages/verify/src/__fixtures__/lang-oracle/', import.meta.url));
const terraform = process.env.TFPAIRS_TERRAFORM ?? 'terraform';
const ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

export interface RecordedLangCase {
  /** exit status of `terraform init -backend=false` */
  readonly initExit: number;
  readonly exit: number;
  /** `terraform validate -json` stdout, parsed */
  readonly output: { valid: boolean; diagnostics: unknown[] };
}

function run(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraform, args, { cwd, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

export async function recordLangCase(c: OracleCase): Promise<RecordedLangCase> {
  const work = mkdtempSync(join(tmpdir(), 'tfpairs-lang-oracle-'));
  try {
    materialise(c, work);
    const init = await run(['init', '-backend=false', '-input=false', '-no-color'], work);
    const v = await run(['validate', '-json', '-no-color'], work);
    let output: RecordedLangCase['output'];
    try {
      output = JSON.parse(v.stdout);
    } catch {
      throw new Error(`${c.name}: validate -json printed no JSON (exit ${v.status}): ${v.stderr.slice(0, 300)}`);
    }
    return { initExit: init.status, exit: v.status, output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = new Set(process.argv.slice(2));
  const cases = loadCases(FIXTURES).filter((c) => only.size === 0 || only.has(c.name));
  const file = join(FIXTURES, 'recorded.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { cases: Record<string, RecordedLangCase> }).cases : {};
  const recorded: Record<string, RecordedLangCase> = only.size ? { ...previous } : {};
  const version = JSON.parse((await run(['version', '-json'], tmpdir())).stdout).terraform_version as string;
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const r = await recordLangCase(c);
      recorded[c.name] = r;
      console.log(`${c.name}: init=${r.initExit} valid=${r.output.valid} diagnostics=${r.output.diagnostics.length}`);
    }
  };
  await Promise.all([worker(), worker()]);
  const sorted = Object.fromEntries(Object.entries(recorded).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(file, `${JSON.stringify({ terraform: `Terraform v${version}`, command: 'terraform init -backend=false && terraform validate -json -no-color (case written to a temp dir)', cases: sorted }, null, 1)}\n`);
  console.log(`wrote ${Object.keys(sorted).length} cases to ${file}`);
}
