import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '@tfpairs/core';
import { describe, expect, it } from 'vitest';
import { recordCase } from '../../../scripts/record-core-oracle';
import { validateModule } from './validate';

/**
 * Core-language checks (no provider plugin involved) against real terraform: each folder in
 * `__fixtures__/core-oracle/` is a small configuration, `recorded.json` holds what a real
 * `terraform validate -json` said about it (recorded by `scripts/record-core-oracle.ts`, version
 * inside the file). validateModule must say the same, diagnostic for diagnostic: validity, severity,
 * summary, detail and range (file, line, column, byte). Re-record after adding a case folder:
 *   TFPAIRS_TERRAFORM=/usr/local/bin/terraform npx tsx scripts/record-core-oracle.ts
 */
interface RecordedDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  readonly range?: Diagnostic['range'];
}
interface RecordedOutput {
  readonly valid: boolean;
  readonly diagnostics: RecordedDiagnostic[];
}
const FIXTURES = fileURLToPath(new URL('./__fixtures__/core-oracle/', import.meta.url));
const recorded = JSON.parse(readFileSync(join(FIXTURES, 'recorded.json'), 'utf8')) as {
  terraform: string;
  cases: Record<string, { exit: number; output: RecordedOutput }>;
};

/**
 * Cases where the embedded verifier knowingly differs from terraform, each with why. A case listed
 * here must still differ (so the list cannot go stale); any case not listed must agree exactly.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'backend-variable': 'validate ignores backend settings; tfpairs reports what `terraform init` rejects (drafts must survive init)',
  'file-heredoc-arg': 'same message; terraform points at the heredoc\'s text (column 5), tfpairs at the heredoc marker (column 1)',
  'file-number-then-template': 'same message; for this path terraform\'s range includes the quotes, the static file check points inside them',
  'invalid-reference-var-no-name': 'terraform also reports a second, sourceless-looking undeclared variable "" at 0:0 (a terraform quirk)',
  'local-self-cycle': 'the cycle is reported, but terraform lists its members in a run-dependent order (the summary differs only in order)',
  'function-known-bad-args': 'the three errors are reported; jsondecode("{") says "unexpected EOF" where Go\'s encoding/json says "EOF" (lang/functions)',
  'module-local-source': 'recorded without `terraform init`, so terraform says "Module not installed"; tfpairs treats module calls as installed and opaque, by design',
  'moved-invalid': 'reserved keywords (var, local, ...) in moved addresses are not checked',
};

function caseFiles(name: string): { filename: string; text: string }[] {
  const dir = join(FIXTURES, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tf') && statSync(join(dir, f)).isFile())
    .sort()
    .map((filename) => ({ filename, text: readFileSync(join(dir, filename), 'utf8') }));
}

/** what is compared: validity, then per diagnostic severity, summary, detail and the full range */
function comparable(valid: boolean, diags: readonly RecordedDiagnostic[]) {
  return {
    valid,
    diagnostics: diags
      .map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, range: d.range ?? null }))
      // terraform walks the graph concurrently: its diagnostic order varies from run to run (seen on
      // multi-error-walk), so both sides are compared in one canonical order
      .sort((a, b) => canonicalKey(a).localeCompare(canonicalKey(b))),
  };
}

function canonicalKey(d: { severity: string; summary: string; range: RecordedDiagnostic['range'] | null }): string {
  const r = d.range;
  return [d.severity, r?.filename ?? '', String(r?.start.byte ?? -1).padStart(8, '0'), d.summary].join('\u0000');
}

async function embedded(name: string) {
  const diags = await validateModule(caseFiles(name), { baseDir: join(FIXTURES, name), snippets: false });
  return comparable(!diags.some((d) => d.severity === 'error'), diags);
}

const names = Object.keys(recorded.cases).sort();

describe(`validateModule against recorded ${recorded.terraform} core-language verdicts`, () => {
  it('every case folder has a recording and vice versa', () => {
    const folders = readdirSync(FIXTURES).filter((n) => statSync(join(FIXTURES, n)).isDirectory()).sort();
    expect(folders).toEqual(names);
    expect(names.length).toBeGreaterThanOrEqual(40);
    for (const n of Object.keys(KNOWN_DIFFERENCES)) expect(names).toContain(n);
  });

  it.each(names)('%s', async (name) => {
    const { output } = recorded.cases[name]!;
    const want = comparable(output.valid, output.diagnostics);
    const got = await embedded(name);
    if (name in KNOWN_DIFFERENCES) expect(got, `listed as a known difference: ${KNOWN_DIFFERENCES[name]}`).not.toEqual(want);
    else expect(got).toEqual(want);
  });
});

// Opt-in: re-runs a live terraform on every case, to catch a terraform release that validates
// differently from the recording. Set TFPAIRS_TERRAFORM to the binary (never assumed on a machine).
const terraform = process.env.TFPAIRS_TERRAFORM;
describe.runIf(!!terraform)('recorded core oracle still matches a live terraform (TFPAIRS_TERRAFORM)', () => {
  it('terraform validate -json says what was recorded', { timeout: 300_000 }, () => {
    for (const name of names) {
      const live = recordCase(join(FIXTURES, name), terraform!);
      const want = recorded.cases[name]!;
      expect({ name, valid: (live.output as RecordedOutput).valid, exit: live.exit }).toEqual({ name, valid: want.output.valid, exit: want.exit });
      expect(comparable(true, (live.output as RecordedOutput).diagnostics)).toEqual(comparable(true, want.output.diagnostics));
    }
  });
});
