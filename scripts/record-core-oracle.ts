/**
 * Records the core-language oracle for `packages/verify`: runs a real `terraform validate -json` on
 * every provider-free configuration in `packages/verify/src/__fixtures__/core-oracle/<case>/` (each
 * copied into a fresh temp dir, no `terraform init`: provider-free configurations need none) and writes
 * the outputs to `core-oracle/recorded.json`, which `core-oracle.test.ts` replays without terraform.
 *
 *   TFPAIRS_TERRAFORM=/usr/local/bin/terraform npx tsx scripts/record-core-oracle.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../packages/verify/src/__fixtures__/core-oracle/', import.meta.url));
const terraform = process.env.TFPAIRS_TERRAFORM ?? 'terraform';

export interface RecordedValidate {
  readonly exit: number;
  /** `terraform validate -json` stdout, parsed */
  readonly output: unknown;
}

/** `terraform validate -json` of one case folder, run on a copy in a temp dir. */
export function recordCase(dir: string, binary = terraform): RecordedValidate {
  const work = mkdtempSync(join(tmpdir(), 'tfpairs-core-oracle-'));
  try {
    cpSync(dir, work, { recursive: true });
    const run = spawnSync(binary, ['validate', '-json', '-no-color'], {
      cwd: work,
      encoding: 'utf8',
      // no CLI config, no plugin cache, no checkpoint call: the same run on every machine
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    });
    if (run.error) throw new Error(`cannot run ${binary}: ${run.error.message}`);
    let output: unknown;
    try {
      output = JSON.parse(run.stdout);
    } catch {
      throw new Error(`${binary} validate -json in ${dir} printed no JSON (exit ${run.status}): ${run.stderr.slice(0, 500)}`);
    }
    return { exit: run.status ?? -1, output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function caseNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((n) => statSync(join(FIXTURES, n)).isDirectory())
    .sort();
}

function terraformVersion(): string {
  const run = spawnSync(terraform, ['version', '-json'], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
  if (run.error) throw new Error(`cannot run ${terraform}: ${run.error.message}`);
  return `Terraform v${(JSON.parse(run.stdout) as { terraform_version: string }).terraform_version}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cases: Record<string, RecordedValidate> = {};
  for (const name of caseNames()) {
    cases[name] = recordCase(join(FIXTURES, name));
    const out = cases[name].output as { valid: boolean; diagnostics: unknown[] };
    console.log(`${name}: valid=${out.valid} diagnostics=${out.diagnostics.length}`);
  }
  const recorded = { terraform: terraformVersion(), command: 'terraform validate -json -no-color (no init, case folder copied to a temp dir)', cases };
  writeFileSync(join(FIXTURES, 'recorded.json'), `${JSON.stringify(recorded, null, 1)}\n`);
  console.log(`wrote ${Object.keys(cases).length} cases to ${join(FIXTURES, 'recorded.json')}`);
}
