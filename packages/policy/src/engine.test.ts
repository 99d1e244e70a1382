import { describe, expect, it } from 'vitest';
import { CompiledPolicy, RegoError } from './engine';

/** the value of `query` against one module (v1 unless v0), undefined when undefined */
function value(module: string, query: string, opts: { input?: unknown; data?: unknown; v0?: boolean; strict?: boolean } = {}): unknown {
  const p = new CompiledPolicy([{ file: 'p.rego', text: module }], { v0: opts.v0 });
  const r = p.query(query, { input: opts.input, data: opts.data, strictBuiltinErrors: opts.strict });
  return r.length ? r[0]!.expressions[0]!.value : undefined;
}

function error(module: string, query: string, opts: { v0?: boolean; strict?: boolean; input?: unknown } = {}): RegoError {
  try {
    const p = new CompiledPolicy([{ file: 'p.rego', text: module }], { v0: opts.v0 });
    p.query(query, { strictBuiltinErrors: opts.strict, input: opts.input });
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('Rego semantics', () => {
  it('undefined differs from false, and default fills in', () => {
    expect(value('package p\nq if input.x == 1', 'data.p.q', { input: { x: 2 } })).toBeUndefined();
    expect(value('package p\ndefault q := false\nq if input.x == 1', 'data.p.q', { input: { x: 2 } })).toBe(false);
    expect(value('package p\nq if not input.x', 'data.p.q', { input: {} })).toBe(true);
    // a false expression fails the body; `not false` succeeds
    expect(value('package p\nq if false', 'data.p.q')).toBeUndefined();
    expect(value('package p\nq if not false', 'data.p.q')).toBe(true);
  });

  it('complete rules with different values are an eval_conflict_error', () => {
    const e = error('package p\nq := 1 if true\nq := 2 if true', 'data.p.q');
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toBe('rule data.p.q produced conflicting values');
    expect(value('package p\nq := 1 if true\nq := 1 if true', 'data.p.q')).toBe(1);
  });

  it('partial sets and objects merge over definitions; object key clashes conflict', () => {
    expect(value('package p\ns contains 1\ns contains x if some x in [2, 1]', 'data.p.s')).toEqual([1, 2]);
    expect(value('package p\no[k] := 1 if some k in ["a"]\no[k] := 2 if some k in ["b"]', 'data.p.o')).toEqual({ a: 1, b: 2 });
    expect(error('package p\no[k] := v if { some k, v in {"a": 1} }\no["a"] := 2', 'data.p.o').code).toBe('eval_conflict_error');
  });

  it('functions: several definitions, patterns, else, conflicts', () => {
    const m = `package p
f(1) := "one"
f(2) := "two"
g(x) := "small" if { x < 10 } else := "big"
h([a, b]) := a + b
k(x) := 1 if x > 0
k(x) := 2 if x > 1`;
    expect(value(m, 'data.p.f(2)')).toBe('two');
    expect(value(m, 'data.p.f(3)')).toBeUndefined();
    expect(value(m, 'data.p.g(50)')).toBe('big');
    expect(value(m, 'data.p.h([3, 4])')).toBe(7);
    expect(value(m, 'data.p.k(1)')).toBe(1);
    expect(error(m, 'data.p.k(5)').message).toBe('function data.p.k produced conflicting values for the same inputs');
  });

  it('some/in, every, wildcards, unification and comprehensions', () => {
    const input = { xs: [{ n: 1, t: 'a' }, { n: 2, t: 'b' }, { n: 3, t: 'a' }] };
    expect(value('package p\nq := [x.n | some x in input.xs; x.t == "a"]', 'data.p.q', { input })).toEqual([1, 3]);
    expect(value('package p\nq := {i | input.xs[i].t == "a"}', 'data.p.q', { input })).toEqual([0, 2]);
    expect(value('package p\nq := {x.t: x.n | some x in input.xs}', 'data.p.q', { input: { xs: [{ n: 1, t: 'a' }] } })).toEqual({ a: 1 });
    expect(value('package p\nq if every x in input.xs { x.n > 0 }', 'data.p.q', { input })).toBe(true);
    expect(value('package p\nq if every x in input.xs { x.n > 1 }', 'data.p.q', { input })).toBeUndefined();
    expect(value('package p\nq := n if [_, n] = ["a", 5]', 'data.p.q')).toBe(5);
    expect(value('package p\nq if { some k, v in {"a": 1}; k == "a"; v == 1 }', 'data.p.q')).toBe(true);
    expect(value('package p\nq if 2 in [1, 2]', 'data.p.q')).toBe(true);
    expect(value('package p\nq := count([x | input.xs[_].n = x])', 'data.p.q', { input })).toBe(3);
  });

  it('v0 syntax: bodies without if, partial sets with brackets, future keywords', () => {
    const m = `package terraform.validation
import future.keywords.in
default ok = false
names[n] { some r in input.rs; n := r.name }
ok { count(names) == 2 }`;
    expect(value(m, 'data.terraform.validation', { input: { rs: [{ name: 'a' }, { name: 'b' }] }, v0: true })).toEqual({ names: ['a', 'b'], ok: true });
    // v1 rejects the same text, as OPA 1.x does
    expect(error(m, 'data').code).toBe('rego_parse_error');
  });

  it('with replaces input and data for one expression', () => {
    const m = 'package p\nq := input.x\nr := x if { x := data.p.q with input.x as 7 }\nt := x if { x := data.cfg.v with data.cfg.v as 3 }';
    expect(value(m, 'data.p.r', { input: { x: 1 } })).toBe(7);
    expect(value(m, 'data.p.q', { input: { x: 1 } })).toBe(1);
    expect(value(m, 'data.p.t')).toBe(3);
  });

  it('imports with aliases, data documents and ref heads', () => {
    const m = 'package p\nimport data.cfg.limits as lim\nq if lim.max > 1\na.b.c := 5';
    expect(value(m, 'data.p.q', { data: { cfg: { limits: { max: 3 } } } })).toBe(true);
    expect(value(m, 'data.p.a')).toEqual({ b: { c: 5 } });
  });

  it('ref heads with variables before the last element build nested documents', () => {
    const m = 'package p\nby_type[r.type][r.name] := r.n if some r in input.rs\ntags[t] contains n if { some r in input.rs; t := r.type; n := r.name }';
    const input = { rs: [{ type: 'a', name: 'x', n: 1 }, { type: 'a', name: 'y', n: 2 }, { type: 'b', name: 'z', n: 3 }] };
    expect(value(m, 'data.p.by_type', { input })).toEqual({ a: { x: 1, y: 2 }, b: { z: 3 } });
    expect(value(m, 'data.p.tags', { input })).toEqual({ a: ['x', 'y'], b: ['z'] });
    expect(error(m, 'data.p.by_type', { input: { rs: [{ type: 'a', name: 'x', n: 1 }, { type: 'a', name: 'x', n: 2 }] } }).code).toBe('eval_conflict_error');
  });

  it('builtin errors make the expression undefined unless strict', () => {
    expect(value('package p\nq := 1 / 0', 'data.p.q')).toBeUndefined();
    const e = error('package p\nq := 1 / 0', 'data.p.q', { strict: true });
    expect(e.code).toBe('eval_builtin_error');
    expect(error('package p\nq := count(input)', 'data.p.q', { strict: true, input: 5 }).code).toBe('eval_type_error');
  });

  it('parse errors carry rego_parse_error and a location', () => {
    const e = error('package p\nq := [1, 2', 'data');
    expect(e.code).toBe('rego_parse_error');
    expect(e.loc).toMatchObject({ file: 'p.rego', row: 2 });
    expect(error('package p\nq := nope(1)', 'data').code).toBe('rego_type_error');
  });

  it('sets, set operators and ordering', () => {
    expect(value('package p\nq := {3, 1} | {2}', 'data.p.q')).toEqual([1, 2, 3]);
    expect(value('package p\nq := {3, 1} & {1}', 'data.p.q')).toEqual([1]);
    expect(value('package p\nq := {3, 1} - {1}', 'data.p.q')).toEqual([3]);
    expect(value('package p\nq := sort([{"a": 1}, "s", 2, null, [1], true, {1}])', 'data.p.q')).toEqual([null, true, 2, 's', [1], { a: 1 }, [1]]);
  });
});

describe('built-ins', () => {
  const cases: [string, unknown][] = [
    ['concat("-", ["a", "b"])', 'a-b'],
    ['sprintf("%s=%d (%v) %.2f", ["x", 3, [1, "a"], 1.5])', 'x=3 ([1, "a"]) 1.50'],
    ['split("a.b", ".")', ['a', 'b']],
    ['trim_prefix("foobar", "foo")', 'bar'],
    ['indexof("abc", "c")', 2],
    ['substring("abcdef", 1, 3)', 'bcd'],
    ['format_int(255, 16)', 'ff'],
    ['regex.match("^a+$", "aaa")', true],
    ['regex.find_n("[0-9]", "a1b2c3", 2)', ['1', '2']],
    ['regex.split(",\\\\s*", "a, b,c")', ['a', 'b', 'c']],
    ['object.get({"a": {"b": 1}}, ["a", "b"], 0)', 1],
    ['object.get({"a": 1}, "z", "d")', 'd'],
    ['object.keys({"a": 1, "b": 2})', ['a', 'b']],
    ['object.union({"a": {"x": 1}}, {"a": {"y": 2}})', { a: { x: 1, y: 2 } }],
    ['object.remove({"a": 1, "b": 2}, ["a"])', { b: 2 }],
    ['json.unmarshal("{\\"a\\": [1]}")', { a: [1] }],
    ['json.marshal({"b": 1, "a": [true]})', '{"a":[true],"b":1}'],
    ['base64.decode(base64.encode("hi"))', 'hi'],
    ['urlquery.encode("a b&c")', 'a+b%26c'],
    ['net.cidr_contains("10.0.0.0/16", "10.0.3.4")', true],
    ['net.cidr_contains("10.0.0.0/16", "10.1.0.0/24")', false],
    ['net.cidr_intersects("10.0.0.0/8", "10.2.0.0/16")', true],
    ['net.cidr_is_valid("10.0.0.0/33")', false],
    ['net.cidr_contains("2001:db8::/32", "2001:db8::1")', true],
    ['glob.match("*.example.com", ["."], "api.example.com")', true],
    ['glob.match("*.example.com", ["."], "a.b.example.com")', false],
    ['glob.match("**.example.com", ["."], "a.b.example.com")', true],
    ['count("héllo")', 5],
    ['max([1, 5, 3])', 5],
    ['sum([1, 2.5])', 3.5],
    ['type_name({1})', 'set'],
    ['union({{1}, {2}})', [1, 2]],
    ['intersection({{1, 2}, {2}})', [2]],
    ['[p | walk({"a": [1]}, [p, _])]', [[], ['a'], ['a', 0]]],
    ['array.slice([1, 2, 3, 4], 1, 3)', [2, 3]],
    ['strings.replace_n({"a": "1", "b": "2"}, "abc")', '12c'],
    ['to_number("12.5")', 12.5],
    ['units.parse_bytes("10KiB")', 10240],
    ['semver.compare("1.2.3", "1.10.0")', -1],
  ];
  for (const [expr, want] of cases) {
    it(expr, () => expect(value('package p', `x := ${expr}`) === true ? new CompiledPolicy([]).query(`x := ${expr}`)[0]!.bindings!.x : undefined).toEqual(want));
  }

  it('is_* are undefined (not false) for other types, as in OPA', () => {
    expect(new CompiledPolicy([]).query('is_null(1)')).toEqual([]);
    expect(new CompiledPolicy([]).query('is_null(null)')).toHaveLength(1);
  });

  it('time.now_ns is fixed within one evaluation', () => {
    const r = new CompiledPolicy([]).query('a := time.now_ns(); b := time.now_ns(); a == b', { nowNs: 42 });
    expect(r[0]!.bindings).toEqual({ a: 42, b: 42 });
  });
});

describe('safety', () => {
  it('reorders literals so that variables are bound before they are used, as OPA does', () => {
    expect(value('package p\nq := x if { x > 1; x = 2 }', 'data.p.q')).toBe(2);
    expect(value('package p\nq contains y if { y = x + 1; x := input.xs[_] }', 'data.p.q', { input: { xs: [1, 2] } })).toEqual([2, 3]);
  });

  it('a variable nothing binds is a rego_unsafe_var_error', () => {
    const e = error('package p\nq if { x > 1 }', 'data.p.q');
    expect(e.code).toBe('rego_unsafe_var_error');
    expect(e.message).toBe('var x is unsafe');
  });
});
