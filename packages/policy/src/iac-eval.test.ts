import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DRAFTS_CSV, IAC_EVAL_CSV, requireShared } from '../../../test/paths';
import { evaluateIntent } from './intent';

const EMPTY_PLAN = { configuration: {}, resource_changes: [], planned_values: {} };

function intents(csv: string): string[] {
  const rows = parse(readFileSync(requireShared(csv)), { columns: true, bom: true }) as Record<string, string>[];
  return rows.map((r) => r['Rego intent']!);
}

describe('IaC-Eval intents', () => {
  for (const [name, csv] of [['subset', IAC_EVAL_CSV], ['drafts', DRAFTS_CSV]] as const) {
    it(`all 140 ${name} policies parse and evaluate without engine errors on an empty plan`, () => {
      const policies = intents(csv);
      expect(policies).toHaveLength(140);
      const errors = policies.map((p, i) => [i, evaluateIntent(p, EMPTY_PLAN)] as const).filter(([, r]) => r.outcome === 'error');
      expect(errors.map(([i, r]) => `${i}: ${JSON.stringify(r.error)}`)).toEqual([]);
    });
  }

  it('an empty plan fails every policy that has a false default (nothing is configured)', () => {
    const results = intents(IAC_EVAL_CSV).map((p) => evaluateIntent(p, EMPTY_PLAN));
    const failing = results.filter((r) => r.outcome === 'fail');
    // every IaC-Eval policy asserts that some resource exists; an empty plan satisfies none
    expect(failing.length).toBe(results.length);
    for (const r of failing) for (const path of r.falseRules) expect(path).toMatch(/^data\.[A-Za-z_][\w.]*$/);
  });
});
