/**
 * Value-model rules the oracles do not reach directly: marks through operations and functions, plan
 * JSON's after_unknown / after_sensitive trees, set normalisation, unknown-aware equality, number text.
 */
import { describe, expect, it } from 'vitest';
import { parseFile } from '@tfpairs/hcl';
import { T, listOf, objectOf } from './types';
import { stringVal, numberVal, objectVal, tupleVal, setVal, unknownVal, nullVal, markSensitive, equals, valueToJson, unknownToJson, sensitiveToJson, formatNumber, hasMarkDeep, type Value } from './value';
import { convert, unify } from './convert';
import { evaluate } from './eval';
import { callFunction, type FunctionSpec } from './function';

async function ev(src: string, vars: Record<string, Value>) {
  const f = await parseFile('main.tf', `x = ${src}\n`);
  return evaluate(f.body.attributes[0]!.expr, { variables: { var: objectVal(vars) } });
}

describe('marks', () => {
  it('flow from operands to results through operators, templates, conditionals and indexes', async () => {
    const s = markSensitive(stringVal('pw'));
    for (const src of ['var.s == "pw"', '"x${var.s}"', 'true ? var.s : "a"', '[var.s][0]', '{a = var.s}.a', '[for c in [1] : var.s][0]']) {
      const r = await ev(src, { s });
      expect(r.diagnostics, src).toEqual([]);
      expect(hasMarkDeep(r.value, 'sensitive'), src).toBe(true);
    }
    expect((await ev('length("abc") + 1', { s })).value.marks.size).toBe(0);
  });

  it('move from arguments to results for parameters without allowMarked', () => {
    const upper: FunctionSpec = { params: [{ name: 's', type: T.string }], returnType: () => T.string, impl: ([v]) => stringVal(v!.asString().toUpperCase()) };
    const r = callFunction(upper, [markSensitive(stringVal('a'))]);
    expect([r.raw, r.marks.has('sensitive')]).toEqual(['A', true]);
    expect(callFunction(upper, [unknownVal(T.string)]).isKnown).toBe(false);
  });
});

describe('plan JSON', () => {
  it('omits unknown attributes, nulls unknown elements, and writes the after_unknown tree', () => {
    const v = objectVal({ id: unknownVal(T.string), name: stringVal('a'), tags: tupleVal([stringVal('x'), unknownVal(T.string)]) });
    expect(valueToJson(v)).toEqual({ name: 'a', tags: ['x', null] });
    expect(unknownToJson(v)).toEqual({ id: true, tags: [false, true] });
    expect(sensitiveToJson(objectVal({ a: markSensitive(stringVal('s')), b: numberVal(1) }))).toEqual({ a: true });
  });
});

describe('values', () => {
  it('sets are deduplicated and ordered as cty orders them', () => {
    expect(setVal([stringVal('b'), stringVal('a'), stringVal('b')]).elements().map((e) => e.raw)).toEqual(['a', 'b']);
    expect(setVal([numberVal(10), numberVal(9)]).elements().map((e) => e.raw)).toEqual([9, 10]);
  });

  it('equality is unknown only when an unknown decides it', () => {
    expect(equals(unknownVal(T.string), stringVal('a')).isKnown).toBe(false);
    expect(equals(unknownVal(T.string), numberVal(1)).raw).toBe(false);
    expect(equals(nullVal(T.string), stringVal('a')).raw).toBe(false);
    expect(equals(tupleVal([numberVal(1)]), tupleVal([unknownVal(T.number)])).isKnown).toBe(false);
  });

  it('numbers print without exponents', () => {
    expect([formatNumber(1e21), formatNumber(2e-7), formatNumber(-1.5), formatNumber(Infinity)]).toEqual(['1000000000000000000000', '0.0000002', '-1.5', '+Inf']);
  });

  it('converts and unifies as cty does', () => {
    expect(convert(tupleVal([numberVal(1), stringVal('a')]), listOf(T.string)).elements().map((e) => e.raw)).toEqual(['1', 'a']);
    expect(() => convert(stringVal('x'), T.number)).toThrow('a number is required');
    expect(() => convert(objectVal({ a: numberVal(1) }), objectOf({ a: T.number, b: T.string }))).toThrow('attribute "b" is required');
    expect(unify([T.number, T.string], false)?.type).toBe(T.string);
    expect(unify([T.number, T.bool], true)).toBeUndefined();
  });
});
