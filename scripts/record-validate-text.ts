/**
 * Records terraform's human-readable `validate -no-color` output (stdout, stderr, exit) for every
 * provider-free case of the core oracle (`packages/verify/src/__fixtures__/core-oracle/<case>/`, copied
 * into a fresh temp dir, no init), into `packages/verify/src/__fixtures__/validate-text/recorded.json`.
 * `test/hygiene-validate.test.ts` replays it: our plain renderer, given terraform's own JSON diagnostics
 * of the same case (core-oracle/recorded.json), must print what terraform printed.
 *
 *   TFPAIRS_TERRAFORM=/usr/local/bin/terraform npx tsx scripts/record-validate-text.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseNames } from './record-core-oracle';

const FIXTURES = fileURLToPath(new URL('../packages/verify/src/__fixtures__/core-oracle/', import.meta.url));
const OUT = fileURLToPath(new URL('../packages/verify/src/__fixtures__/validate-text/', import.meta.url));
const terraform = process.env.TFPAIRS_TERRAFORM ?? 'terraform';
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

const version = spawnSync(terraform, ['version', '-json'], { encoding: 'utf8', env });
if (version.error) throw new Error(`cannot run ${terraform}: ${version.error.message}`);
const cases: Record<string, { exit: number; stdout: string; stderr: string }> = {};
for (const name of caseNames()) {
  const work = mkdtempSync(join(tmpdir(), 'tfpairs-validate-text-'));
  try {
    cpSync(join(FIXTURES, name), work, { recursive: true });
    const run = spawnSync(terraform, ['validate', '-no-color'], { cwd: work, encoding: 'utf8', env });
    if (run.error) throw new Error(`cannot run ${terraform}: ${run.error.message}`);
    cases[name] = { exit: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
mkdirSync(OUT, { recursive: true });
const recorded = {
  terraform: `Terraform v${(JSON.parse(version.stdout) as { terraform_version: string }).terraform_version}`,
  command: 'terraform validate -no-color (no init, case folder copied to a temp dir, stdout not a terminal)',
  cases,
};
writeFileSync(join(OUT, 'recorded.json'), `${JSON.stringify(recorded, null, 1)}\n`);
console.log(`wrote ${Object.keys(cases).length} cases to ${join(OUT, 'recorded.json')}`);
