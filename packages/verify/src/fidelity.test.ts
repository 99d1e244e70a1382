import { describe, expect, it } from 'vitest';
import { measureFidelity, parseTerraformErrors, readDraftCases } from './fidelity';
import { loadSchemaSet } from './schemas';
import { SHARED_DATA } from './test-helpers';

describe('fidelity against real terraform verdicts (IaC-Eval, 140 drafts)', () => {
  it('parses terraform\'s error text into (summary, line)', () => {
    const text = '\nError: Unsupported argument\n\n  on main.tf line 7, in resource "a" "b":\n   7:   x = 1\n\nAn argument named "x" is not expected here.\n\nError: Provider configuration not present\n\nTo work with a.b its original provider configuration at\nprovider["x"].y is required\n';
    expect(parseTerraformErrors(text)).toEqual([
      { summary: 'Unsupported argument', line: 7 },
      { summary: 'Provider configuration not present', line: null },
    ]);
  });

  it('agrees with terraform on >= 93 % of verdicts, >= 85 % recall and precision of its errors', async () => {
    const cases = readDraftCases(`${SHARED_DATA}iac-eval/deepseek-coder-v2-16b-drafts-140.csv`);
    expect(cases).toHaveLength(140);
    expect(cases.filter((c) => c.plannable)).toHaveLength(85);
    const report = await measureFidelity(cases, loadSchemaSet());
    expect(report.agreement).toBeGreaterThanOrEqual(0.93);
    expect(report.recall).toBeGreaterThanOrEqual(0.85);
    expect(report.precision).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
