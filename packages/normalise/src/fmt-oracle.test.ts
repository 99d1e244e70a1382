import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHcl } from './fmt';

/**
 * 132 edge cases (interpolation unwrapping, legacy types, labels and their escapes, comments, CRLF,
 * heredocs, syntax errors) with the bytes real terraform wrote for each: `fmt-oracle.json` was
 * recorded with `terraform fmt FILE` (version inside the file). formatHcl must print the same bytes.
 */
interface OracleCase {
  readonly input: string;
  readonly output: string | null;
  readonly exit: number;
}
const oracle = JSON.parse(readFileSync(new URL('./__fixtures__/fmt-oracle.json', import.meta.url), 'utf8')) as { terraform: string; cases: OracleCase[] };

describe(`formatHcl against recorded ${oracle.terraform} output`, () => {
  it('has the recorded cases', () => {
    expect(oracle.cases.length).toBe(132);
  });
  it.each(oracle.cases.map((c, i) => [i, JSON.stringify(c.input).slice(0, 60), c] as const))('case %i %s', async (_i, _name, c) => {
    const result = await formatHcl(c.input);
    if (c.output === null) {
      expect(c.exit).toBe(2);
      expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expect(result.text).toBe(c.input);
    } else {
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.text).toBe(c.output);
    }
  });
});

// Opt-in: re-records the oracle from a live terraform binary, to catch a terraform release that formats
// differently. Set TFPAIRS_TERRAFORM to the binary (terraform cannot be assumed on a machine).
const terraform = process.env.TFPAIRS_TERRAFORM;
describe.runIf(!!terraform)('recorded oracle still matches a live terraform (TFPAIRS_TERRAFORM)', () => {
  it('terraform fmt FILE prints what was recorded', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-oracle-'));
    try {
      const file = join(dir, 'main.tf');
      for (const c of oracle.cases) {
        writeFileSync(file, c.input);
        let exit = 0;
        try {
          execFileSync(terraform!, ['fmt', file], { stdio: 'pipe', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
        } catch (e) {
          exit = (e as { status: number }).status;
        }
        expect(exit).toBe(c.exit);
        if (c.output !== null) expect(readFileSync(file, 'utf8')).toBe(c.output);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
