/**
 * Records real terraform plans (`terraform plan -out=p && terraform show -json p`) as oracle fixtures
 * for packages/plan, which its tests replay without terraform:
 *
 * - core: every provider-free case folder under packages/plan/src/__fixtures__/plan-oracle/cases/
 *   (`init -backend=false` for local modules, then plan; an optional `args.json` holds extra plan
 *   arguments such as `["-var", "name=x"]`) -> plan-oracle/recorded.json
 * - iac-eval: the 140 IaC-Eval reference outputs and the drafts real terraform planned, against the
 *   schema-only provider (scripts/schema-provider.ts serving the bundled AWS schema the plan builder
 *   picks for the configuration's required_providers, 6.25.0 or 5.100.0, with its computed overlay), no init -> __fixtures__/iac-eval/{reference,draft}-NNN.json (the plan JSON and
 *   a hash of the code only: the tests read the code itself from shared/)
 *
 * - aws-cases: our own AWS configurations under plan-oracle/aws-cases/ (same provider) -> aws-recorded.json
 *
 *   npx tsx scripts/record-plan-oracle.ts [core] [iac-eval] [aws-cases] [--shared DIR]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { extractDraftCode } from '../packages/verify/src/fidelity';
import { awsOverlay } from '../packages/plan/src/overlay';
import { parseFile } from '../packages/hcl/src/tree';
import { loadModule } from '../packages/verify/src/module';
import { loadSchemaSet } from '../packages/verify/src/schemas';
import { readProviderSchemas, startSchemaProvider } from './schema-provider';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'packages/plan/src/__fixtures__');
const terraform = process.env.TFPAIRS_TERRAFORM ?? 'terraform';
const BASE_ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

export interface RecordedPlan {
  /** exit status of `terraform plan` */
  readonly exit: number;
  /** `terraform show -json` of the saved plan (without its `timestamp`), null when planning failed */
  readonly plan: Record<string, unknown> | null;
  /** the error summaries terraform printed when planning failed */
  readonly errors: readonly string[];
}

export const codeHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

function errorSummaries(stderr: string): string[] {
  return [...stderr.matchAll(/Error: ([^\n]+)/g)].map((m) => m[1]!.trim());
}

function planIn(dir: string, args: readonly string[], env: NodeJS.ProcessEnv, init: boolean): RecordedPlan {
  if (init) {
    const r = spawnSync(terraform, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) return { exit: r.status ?? -1, plan: null, errors: errorSummaries(r.stderr) };
  }
  const run = spawnSync(terraform, ['plan', '-out=p', '-input=false', '-no-color', '-lock=false', ...args], { cwd: dir, env, encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run ${terraform}: ${run.error.message}`);
  if (run.status !== 0) return { exit: run.status ?? -1, plan: null, errors: errorSummaries(run.stderr) };
  const show = spawnSync(terraform, ['show', '-json', '-no-color', 'p'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  const plan = JSON.parse(show.stdout) as Record<string, unknown>;
  delete plan.timestamp;
  return { exit: 0, plan, errors: [] };
}

function recordCore(): void {
  const casesDir = join(FIXTURES, 'plan-oracle/cases');
  const out: Record<string, RecordedPlan> = {};
  for (const name of readdirSync(casesDir).sort()) {
    const src = join(casesDir, name);
    if (!statSync(src).isDirectory()) continue;
    const work = mkdtempSync(join(tmpdir(), 'tfpairs-plan-oracle-'));
    try {
      cpSync(src, work, { recursive: true });
      const argsFile = join(work, 'args.json');
      const args = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, 'utf8')) as string[]) : [];
      out[name] = planIn(work, args, BASE_ENV, true);
      console.log(`${name}: exit ${out[name]!.exit} ${out[name]!.errors.join('; ')}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  writeFileSync(join(FIXTURES, 'plan-oracle/recorded.json'), `${JSON.stringify(out, null, 1)}\n`);
}

/** Resource and data source types a text names (the schema the provider serves for it). */
function namedTypes(text: string): Set<string> {
  return new Set([...text.matchAll(/^\s*(?:resource|data)\s+"?([A-Za-z0-9_-]+)"?/gm)].map((m) => m[1]!));
}

async function recordIacEval(shared: string, awsCasesOnly: boolean): Promise<void> {
  // one schema-only provider per bundled AWS version; each configuration gets the version the plan
  // builder picks for its required_providers (the newest satisfying the constraint)
  let only: Set<string> | undefined;
  const servers = new Map<string, { server: { forceShutdown(): void }; env: NodeJS.ProcessEnv }>();
  for (const version of ['6.25.0', '5.100.0']) {
    const bundled = join(ROOT, `data/schemas/registry.terraform.io/hashicorp/aws/${version}.json.gz`);
    const schemas = readProviderSchemas(bundled, awsOverlay(version) ?? undefined);
    const socket = join(tmpdir(), `tfpairs-plan-oracle-${process.pid}-${version}.sock`);
    const { server, reattach } = await startSchemaProvider(schemas, socket, () => only);
    servers.set(version, { server, env: { ...BASE_ENV, TF_REATTACH_PROVIDERS: reattach } });
  }
  const versionFor = async (code: string) => {
    const { module } = loadModule([await parseFile('main.tf', code)]);
    const m = /hashicorp\/aws (\d+\.\d+\.\d+)/.exec(loadSchemaSet({ requiredProviders: module.requiredProviders }).label);
    return m && servers.has(m[1]!) ? m[1]! : '6.25.0';
  };
  let env: NodeJS.ProcessEnv = BASE_ENV;
  const outDir = join(FIXTURES, 'iac-eval');
  mkdirSync(outDir, { recursive: true });
  const awsCases: Record<string, RecordedPlan> = {};
  const csv = (f: string) => parse(readFileSync(join(shared, 'data/iac-eval', f)), { columns: true, relax_column_count: true }) as Record<string, string>[];
  const jobs: { file: string; code: string }[] = [];
  csv('iac-eval-subset-140.csv').forEach((r, i) => jobs.push({ file: `reference-${String(i).padStart(3, '0')}.json`, code: r['Reference output'] ?? '' }));
  csv('deepseek-coder-v2-16b-drafts-140.csv').forEach((r, i) => {
    if ((r['LLM Plannable? #0'] ?? '').trim() === 'True') jobs.push({ file: `draft-${String(i).padStart(3, '0')}.json`, code: extractDraftCode(r['LLM Output #0'] ?? '') });
  });
  // async spawns would let the in-process gRPC server answer; spawnSync would block it
  const { spawn } = await import('node:child_process');
  const run = (args: string[], cwd: string) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(terraform, args, { cwd, env });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
    });
  // our own AWS cases (dynamic blocks, sensitive attributes, a module with resources, count/for_each):
  // `init -backend=false` installs the local module; the reattached provider needs no installation
  const awsDir = join(FIXTURES, 'plan-oracle/aws-cases');
  for (const name of readdirSync(awsDir).sort()) {
    const work = mkdtempSync(join(tmpdir(), 'tfpairs-plan-oracle-'));
    try {
      cpSync(join(awsDir, name), work, { recursive: true });
      const code = readdirSync(work, { recursive: true }).filter((f) => String(f).endsWith('.tf')).map((f) => readFileSync(join(work, String(f)), 'utf8')).join('\n');
      only = namedTypes(code);
      env = servers.get(await versionFor(readFileSync(join(work, 'main.tf'), 'utf8')))!.env;
      const init = await run(['init', '-backend=false', '-input=false', '-no-color'], work);
      let rec: RecordedPlan;
      const p = init.status === 0 ? await run(['plan', '-out=p', '-input=false', '-no-color', '-lock=false'], work) : init;
      if (p.status !== 0) rec = { exit: p.status, plan: null, errors: errorSummaries(p.stderr) };
      else {
        const plan = JSON.parse((await run(['show', '-json', '-no-color', 'p'], work)).stdout) as Record<string, unknown>;
        delete plan.timestamp;
        rec = { exit: 0, plan, errors: [] };
      }
      awsCases[name] = rec;
      console.log(`aws case ${name}: exit ${rec.exit} ${rec.errors.join('; ')}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  writeFileSync(join(FIXTURES, 'plan-oracle/aws-recorded.json'), `${JSON.stringify(awsCases, null, 1)}\n`);
  let planned = 0;
  for (const job of awsCasesOnly ? [] : jobs) {
    const work = mkdtempSync(join(tmpdir(), 'tfpairs-plan-oracle-'));
    try {
      writeFileSync(join(work, 'main.tf'), job.code);
      only = namedTypes(job.code);
      env = servers.get(await versionFor(job.code))!.env;
      let rec: RecordedPlan;
      const p = await run(['plan', '-out=p', '-input=false', '-no-color', '-lock=false'], work);
      if (p.status !== 0) rec = { exit: p.status, plan: null, errors: errorSummaries(p.stderr) };
      else {
        const show = await run(['show', '-json', '-no-color', 'p'], work);
        const plan = JSON.parse(show.stdout) as Record<string, unknown>;
        delete plan.timestamp;
        rec = { exit: 0, plan, errors: [] };
        planned++;
      }
      writeFileSync(join(outDir, job.file), `${JSON.stringify({ code_sha256: codeHash(job.code), ...rec })}\n`);
      console.log(`${job.file}: exit ${rec.exit} ${rec.errors.join('; ').slice(0, 160)}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  console.log(`planned ${planned}/${jobs.length}`);
  for (const { server } of servers.values()) server.forceShutdown();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--shared');
  const shared = i >= 0 ? args[i + 1]! : join(ROOT, '..', 'shared');
  const which = args.filter((a, j) => !a.startsWith('--') && (i < 0 || j !== i + 1));
  if (which.length === 0 || which.includes('core')) recordCore();
  if (which.length === 0 || which.includes('iac-eval') || which.includes('aws-cases')) await recordIacEval(shared, !which.includes('iac-eval') && which.includes('aws-cases'));
}
