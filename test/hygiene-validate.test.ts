import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '@tfpairs/core';
import { renderTerraformDiagnostic } from '@tfpairs/verify/render';
import { cli } from './cli';
import { REPO } from './paths';

const FIXTURES = join(REPO, 'packages', 'verify', 'src', '__fixtures__');
/** terraform 1.11.4's `validate -no-color` text per case (scripts/record-validate-text.ts) */
const text = JSON.parse(readFileSync(join(FIXTURES, 'validate-text', 'recorded.json'), 'utf8')) as { terraform: string; cases: Record<string, { exit: number; stdout: string; stderr: string }> };
/** terraform's `validate -json` of the same cases (scripts/record-core-oracle.ts) */
const json = JSON.parse(readFileSync(join(FIXTURES, 'core-oracle', 'recorded.json'), 'utf8')) as { cases: Record<string, { output: { diagnostics: Diagnostic[] } }> };

/** terraform lists a cycle's members in an order that varies between runs: compared as a set */
const cycleAsSet = (block: string) => block.replace(/Cycle: (.*)/, (_, items: string) => `Cycle: ${items.split(', ').sort().join(', ')}`);

/** A run's diagnostics as separate blocks (terraform's order varies between runs: compared as multisets). */
const blocks = (out: string) =>
  out
    .replace(/^Success! [\s\S]*$/m, '')
    .split(/(?=\n(?:Error|Warning): )/)
    .filter((b) => b.trim())
    .map(cycleAsSet)
    .sort();

describe('validate -no-color prints terraform plain diagnostics (no ╷│╵ box)', () => {
  it(`renders terraform's own diagnostics as ${text.terraform} prints them with -no-color, on every recorded case`, () => {
    expect(text.terraform).toBe('Terraform v1.11.4');
    let compared = 0;
    for (const [name, run] of Object.entries(text.cases)) {
      const diagnostics = json.cases[name]?.output.diagnostics ?? [];
      const printed = blocks(run.stderr + run.stdout);
      // the text view leaves out what the JSON view adds (e.g. some warnings): compare what both have
      if (printed.length !== diagnostics.length) continue;
      const ours = diagnostics.map((d) => cycleAsSet(`\n${renderTerraformDiagnostic(d, { plain: true })}`)).sort();
      expect(ours, name).toEqual(printed);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('the command on a broken provider-free configuration prints what terraform printed, byte for byte', async () => {
    for (const name of ['output-unknown-argument', 'syntax-error', 'multi-error', 'valid-basic']) {
      const run = await cli(['validate', '-no-color', join(FIXTURES, 'core-oracle', name)], { cwd: REPO, allowFailure: true });
      const recorded = text.cases[name]!;
      expect(run.code, name).toBe(recorded.exit);
      expect(blocks(run.stderr), name).toEqual(blocks(recorded.stderr));
      expect(run.stdout, name).toBe(recorded.stdout);
    }
    // a warning only: the Success line is wrapped as terraform wraps it
    for (const name of ['depends-on-invalid']) {
      const run = await cli(['validate', '-no-color', join(FIXTURES, 'core-oracle', name)], { cwd: REPO, allowFailure: true });
      expect(run.stdout, name).toBe(text.cases[name]!.stdout);
      expect(run.stderr + run.stdout).not.toMatch(/[╷│╵]/);
    }
  });
});
