/**
 * Records what real terraform says about the task folders with local modules in
 * `test/fixtures/module-tasks/tasks/<task>/` (prompt.md, main.tf, modules/<m>/*.tf), which
 * `test/module-tasks.test.ts` replays without terraform. For each task, on a copy in a temp dir:
 *
 * - `terraform fmt -recursive`: the formatted text of every `.tf` file (what the completion must hold);
 * - `terraform init -backend=false` (local modules; providers from TFPAIRS_PLUGIN_DIR when given, e.g. a
 *   filesystem mirror holding hashicorp/aws 5.100.0) then `terraform validate -json`;
 * - for a task with no provider but terraform's own (`terraform_data`): `plan -out=p` and `show -json p`.
 *
 *   TFPAIRS_PLUGIN_DIR=<mirror> npx tsx scripts/record-module-tasks-oracle.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/module-tasks/', import.meta.url));
const terraform = process.env.TFPAIRS_TERRAFORM ?? 'terraform';
const pluginDir = process.env.TFPAIRS_PLUGIN_DIR;
const ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

export interface RecordedTask {
  /** every `.tf` file after `terraform fmt -recursive`, by its path in the task folder */
  readonly fmt: Record<string, string>;
  /** `terraform validate -json` after init: exit status and output */
  readonly validate: { readonly exit: number; readonly output: unknown };
  /** `terraform show -json` of a saved plan (without `timestamp`), for provider-free tasks */
  readonly plan: Record<string, unknown> | null;
}

function run(args: readonly string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(terraform, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${terraform}: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tfFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.tf') && !f.split(sep).some((s) => s.startsWith('.')))
    .map((f) => f.split(sep).join('/'))
    .sort();
}

function recordTask(dir: string): RecordedTask {
  const work = mkdtempSync(join(tmpdir(), 'tfpairs-module-tasks-'));
  try {
    cpSync(dir, work, { recursive: true });
    const fmt = run(['fmt', '-recursive', '-no-color'], work);
    if (fmt.status !== 0) throw new Error(`terraform fmt failed in ${dir}: ${fmt.stderr}`);
    const formatted = Object.fromEntries(tfFiles(work).map((f) => [f, readFileSync(join(work, f), 'utf8')]));
    const init = run(['init', '-backend=false', '-input=false', '-no-color', ...(pluginDir ? [`-plugin-dir=${pluginDir}`] : [])], work);
    if (init.status !== 0) throw new Error(`terraform init failed in ${relative(FIXTURES, dir)}: ${init.stderr}`);
    const validate = run(['validate', '-json', '-no-color'], work);
    // init writes a lock file only when it installed a provider
    const usesProviders = existsSync(join(work, '.terraform.lock.hcl'));
    let plan: Record<string, unknown> | null = null;
    if (!usesProviders && validate.status === 0) {
      const planned = run(['plan', '-out=p', '-input=false', '-no-color', '-lock=false'], work);
      if (planned.status !== 0) throw new Error(`terraform plan failed in ${dir}: ${planned.stderr}`);
      const { timestamp: _t, ...shown } = JSON.parse(run(['show', '-json', '-no-color', 'p'], work).stdout) as Record<string, unknown>;
      plan = shown;
    }
    return { fmt: formatted, validate: { exit: validate.status, output: JSON.parse(validate.stdout) }, plan };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const tasksDir = join(FIXTURES, 'tasks');
  const tasks: Record<string, RecordedTask> = {};
  for (const name of readdirSync(tasksDir).sort()) {
    tasks[name] = recordTask(join(tasksDir, name));
    const v = tasks[name].validate.output as { valid: boolean; diagnostics: unknown[] };
    console.log(`${name}: valid=${v.valid} diagnostics=${v.diagnostics.length} plan=${tasks[name].plan ? 'yes' : 'no'}`);
  }
  const version = (JSON.parse(run(['version', '-json'], FIXTURES).stdout) as { terraform_version: string }).terraform_version;
  const recorded = { terraform: `Terraform v${version}`, command: 'terraform fmt -recursive; init -backend=false; validate -json; (provider-free) plan -out=p + show -json', tasks };
  writeFileSync(join(FIXTURES, 'recorded.json'), `${JSON.stringify(recorded, null, 1)}\n`);
  console.log(`wrote ${Object.keys(tasks).length} tasks to ${join(FIXTURES, 'recorded.json')}`);
}
