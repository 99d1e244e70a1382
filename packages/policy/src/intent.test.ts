import { describe, expect, it } from 'vitest';
import { evaluateIntent, inputReadsOf } from './intent';

// v0, as IaC-Eval writes them
const POLICY = `package terraform.validation
import future.keywords.in
default has_bucket = false
default valid = false
has_bucket {
  some r in input.planned_values.root_module.resources
  r.type == "aws_s3_bucket"
  r.values.bucket == "logs"
}
valid { has_bucket }
names[n] { n := input.planned_values.root_module.resources[_].name }
`;

const plan = (bucket: string) => ({ planned_values: { root_module: { resources: [{ type: 'aws_s3_bucket', name: 'b', values: { bucket } }] } } });

describe('evaluateIntent', () => {
  it('passes when no leaf of data is false, fails naming the false leaves', () => {
    expect(evaluateIntent(POLICY, plan('logs'))).toEqual({
      outcome: 'pass',
      falseRules: [],
      value: { terraform: { validation: { has_bucket: true, valid: true, names: ['b'] } } },
    });
    const r = evaluateIntent(POLICY, plan('other'));
    expect(r.outcome).toBe('fail');
    expect(r.falseRules).toEqual(['data.terraform.validation.has_bucket', 'data.terraform.validation.valid']);
  });

  it('reports parse errors as an error outcome with OPA code and location', () => {
    const r = evaluateIntent('package x\np { input.a ==  }', {});
    expect(r.outcome).toBe('error');
    expect(r.error).toMatchObject({ code: 'rego_parse_error', location: { file: 'policy.rego', row: 2 } });
  });

  it('reports eval conflicts as an error outcome', () => {
    const r = evaluateIntent('package x\np = input.a[_]', { a: [1, 2] });
    expect(r).toMatchObject({ outcome: 'error', error: { code: 'eval_conflict_error' } });
  });

  it('inputReadsOf lists the plan values a false rule read, missing keys included', () => {
    const reads = inputReadsOf(POLICY, plan('other'), 'data.terraform.validation.has_bucket');
    expect(reads).toEqual([
      { path: 'planned_values.root_module.resources[0].type', value: 'aws_s3_bucket' },
      { path: 'planned_values.root_module.resources[0].values.bucket', value: 'other' },
    ]);
    const missing = inputReadsOf(POLICY, { planned_values: {} }, 'data.terraform.validation.has_bucket');
    expect(missing).toEqual([{ path: 'planned_values.root_module' }]);
  });
});
