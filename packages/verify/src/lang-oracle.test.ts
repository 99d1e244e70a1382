import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCases } from './oracle-cases';
import { readRecorded, scoreLangOracle, type CaseScore } from './lang-oracle';

/**
 * The language oracle (issue 19): `__fixtures__/lang-oracle/*.cases` are provider-free configurations
 * (modules, values, functions, typed variables, file set, sensitivity, static rules, lexer), and
 * `recorded.json` what real terraform said after `init -backend=false` (`scripts/record-lang-oracle.ts`).
 * Compared as issue 19 measures: the multiset of (severity, summary, start line) per case. A case that
 * agrees must keep agreeing (AGREEING lists none: it is computed, and the floors below only rise), and no
 * valid configuration may get a false error. `npx tsx scripts/score-lang-oracle.ts -v` lists differences.
 */
const FIXTURES = fileURLToPath(new URL('./__fixtures__/lang-oracle/', import.meta.url));

/** valid cases the embedded validator still rejects, each with why (must stay empty for gold's sake) */
const FALSE_ERRORS_ALLOWED: Readonly<Record<string, string>> = {};

/** floors of identical cases (dev / held-out): raise them as differences are fixed, never lower */
const FLOOR = { dev: 0.97, heldOut: 0.95 };

describe('validate against recorded terraform 1.11.4 on the language oracle', () => {
  let scores: CaseScore[] = [];
  it('every case has a recording', async () => {
    const recorded = readRecorded(FIXTURES);
    const cases = loadCases(FIXTURES);
    expect(cases.length).toBeGreaterThanOrEqual(250);
    for (const c of cases) expect(recorded.cases[c.name], c.name).toBeDefined();
    expect(recorded.terraform).toBe('Terraform v1.11.4');
    scores = await scoreLangOracle(FIXTURES);
  }, 60_000);

  it('no valid configuration gets a false error', () => {
    const falseErrors = scores.filter((s) => s.wantValid && !s.gotValid && !(s.name in FALSE_ERRORS_ALLOWED));
    expect(falseErrors.map((s) => `${s.name}: ${s.got.join(' | ')}`)).toEqual([]);
  });

  it('identical (severity, summary, line) multisets on at least the floor share of cases', () => {
    for (const heldOut of [false, true]) {
      const rs = scores.filter((s) => s.heldOut === heldOut);
      const share = rs.filter((s) => s.same).length / rs.length;
      expect(share, heldOut ? 'held-out' : 'dev').toBeGreaterThanOrEqual(heldOut ? FLOOR.heldOut : FLOOR.dev);
    }
  });
});
