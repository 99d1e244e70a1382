/**
 * The plan builder's expression evaluation over @tfpairs/hcl's positioned tree, on @tfpairs/lang's cty
 * values. Interim: @tfpairs/lang's own evaluator was not published when this was written; this one
 * evaluates what plans need most (literals, templates, collections, references, `for`, conditionals,
 * arithmetic/comparison/logic operators, index steps, splats of known lists, the functions lang
 * provides) and gives an *unknown* result for anything else, so a value it cannot compute is never
 * shown as a wrong known value.
 */
import { type Expr, type ForExpr, type PostfixStep, type TraversalStep } from '@tfpairs/hcl/tree';
import {
  T, Value, UNKNOWN, dynamicVal, nullVal, stringVal, numberVal, boolVal, tupleVal, objectVal, unknownVal, convert, callFunction, formatNumber, unmark, unmarkDeep, withMarks, isWhollyKnown, equals, typeEquals,
  type FunctionSpec, type Marks,
} from '@tfpairs/lang';

export interface EvalContext {
  /** the value of a reference's subject (`var.x`, `aws_instance.web`, `count.index`); undefined: not a known name */
  resolve(root: string, steps: readonly TraversalStep[]): { value: Value; used: number } | undefined;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
}

class EvalFailure extends Error {}

const marksOf = (vs: readonly Value[]): Marks[] => vs.map((v) => unmarkDeep(v)[1]).filter((m) => m.size > 0);

/** Index / attribute access on a value (hcl's Index and GetAttr), unknown-propagating. */
export function step(v: Value, s: { kind: 'attr'; name: string } | { kind: 'index'; key: Value }): Value {
  if (!v.isKnown) return dynamicVal;
  // only the collection's own marks carry over to the element (its siblings' marks do not)
  const [u, marks] = unmark(v);
  if (u.isNull) throw new EvalFailure('null value');
  const t = u.type;
  let out: Value | undefined;
  if (s.kind === 'attr') {
    if (t.kind === 'object' || t.kind === 'map') out = u.entries().get(s.name);
    else if (t.kind === 'dynamic') return dynamicVal;
  } else {
    const key = s.key;
    if (!key.isKnown) return dynamicVal;
    if (t.kind === 'list' || t.kind === 'tuple') {
      const n = key.type.kind === 'number' ? key.asNumber() : Number(key.raw);
      out = u.elements()[n];
    } else if (t.kind === 'map' || t.kind === 'object') {
      out = u.entries().get(key.type.kind === 'string' ? key.asString() : String(key.raw));
    } else if (t.kind === 'dynamic') return dynamicVal;
  }
  if (!out) throw new EvalFailure('no such element');
  return marks.size ? withMarks(out, marks) : out;
}

function toStringValue(v: Value): Value {
  if (!v.isKnown) return unknownVal(T.string);
  if (v.isNull) throw new EvalFailure('null in template');
  return convert(v, T.string);
}

/** Evaluates one expression; throws EvalFailure for errors (the caller decides: unknown or diagnostic). */
function evalExpr(e: Expr, ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value {
  switch (e.kind) {
    case 'literal':
      if (e.value === null) return nullVal(T.dynamic);
      if (typeof e.value === 'string') return stringVal(e.value);
      if (typeof e.value === 'number') return numberVal(e.value);
      return boolVal(e.value);
    case 'template': {
      if (!e.heredoc && e.parts.length === 1 && e.parts[0]!.kind !== 'literal' && e.parts[0]!.kind !== 'for') {
        // "${x}" alone is x itself (hcl's template unwrapping)
        return evalExpr(e.parts[0]!, ctx, locals);
      }
      return concat(e.parts, ctx, locals);
    }
    case 'traversal': {
      let v: Value;
      let rest: readonly TraversalStep[];
      const bound = locals.get(e.root);
      if (bound) {
        v = bound;
        rest = e.steps;
      } else {
        const r = ctx.resolve(e.root, e.steps);
        if (!r) throw new EvalFailure(`unknown reference ${e.root}`);
        v = r.value;
        rest = e.steps.slice(r.used);
      }
      for (const s of rest) v = step(v, s.kind === 'attr' ? s : { kind: 'index', key: literalValue(s.key) });
      return v;
    }
    case 'tuple':
      return tupleVal(e.items.map((i) => evalExpr(i, ctx, locals)));
    case 'object': {
      const attrs = new Map<string, Value>();
      for (const it of e.items) {
        // a bare name (or keyword: `null = 1`) as a key is the string itself
        const k =
          it.key.kind === 'traversal' && it.key.steps.length === 0 && !locals.has(it.key.root)
            ? stringVal(it.key.root)
            : it.key.kind === 'literal' && (it.key.value === null || typeof it.key.value === 'boolean')
              ? stringVal(String(it.key.value))
              : evalExpr(it.key, ctx, locals);
        if (!k.isKnown) return dynamicVal;
        attrs.set(convert(unmarkDeep(k)[0], T.string).asString(), evalExpr(it.value, ctx, locals));
      }
      return objectVal(attrs);
    }
    case 'for':
      return evalFor(e, ctx, locals);
    case 'call': {
      const spec = ctx.functions[e.name];
      if (!spec || e.expand) return dynamicVal;
      const args = e.args.map((a) => evalExpr(a, ctx, locals));
      const converted = args.map((a, i) => {
        const p = i < spec.params.length ? spec.params[i]! : spec.varParam;
        if (!p || p.type === T.dynamic || !a.isKnown && a.type === T.dynamic) return a;
        return convert(a, p.type);
      });
      return callFunction(spec, converted);
    }
    case 'other':
      return evalOther(e, ctx, locals);
  }
}

function literalValue(k: string | number | boolean | null): Value {
  if (typeof k === 'string') return stringVal(k);
  if (typeof k === 'number') return numberVal(k);
  if (typeof k === 'boolean') return boolVal(k);
  return nullVal(T.dynamic);
}

function concat(parts: readonly Expr[], ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value {
  let out = '';
  let known = true;
  const marks: Marks[] = [];
  for (const p of parts) {
    if (p.kind === 'literal') {
      out += String(p.value ?? '');
      continue;
    }
    if (p.kind === 'for') {
      const coll = evalExpr(p.collection, ctx, locals);
      if (!isWhollyKnown(coll)) {
        known = false;
        continue;
      }
      for (const [k, v] of pairs(coll)) {
        const inner = new Map(locals);
        if (p.vars.length === 2) inner.set(p.vars[0]!, k).set(p.vars[1]!, v);
        else inner.set(p.vars[0]!, v);
        const s = concat(p.body, ctx, inner);
        if (!s.isKnown) known = false;
        else out += unmarkDeep(s)[0].asString();
      }
      continue;
    }
    if (p.kind === 'other' && p.what === 'directive') {
      const c = evalExpr(p.cond, ctx, locals);
      if (!c.isKnown) {
        known = false;
        continue;
      }
      const s = concat(bool(c) ? p.then : p.else, ctx, locals);
      if (!s.isKnown) known = false;
      else out += unmarkDeep(s)[0].asString();
      continue;
    }
    const v = toStringValue(evalExpr(p, ctx, locals));
    marks.push(...marksOf([v]));
    if (!v.isKnown) known = false;
    else out += unmarkDeep(v)[0].asString();
  }
  const result = known ? stringVal(out) : unknownVal(T.string);
  return marks.length ? withMarks(result, ...marks) : result;
}

function pairs(coll: Value): [Value, Value][] {
  const [u] = unmarkDeep(coll);
  if (u.isNull) throw new EvalFailure('null collection');
  const k = u.type.kind;
  if (k === 'list' || k === 'tuple' || k === 'set') return u.elements().map((v, i) => [k === 'set' ? v : numberVal(i), v]);
  if (k === 'map' || k === 'object') return [...u.entries()].map(([key, v]) => [stringVal(key), v]);
  throw new EvalFailure('not iterable');
}

function evalFor(e: ForExpr, ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value {
  const coll = evalExpr(e.collection, ctx, locals);
  if (!coll.isKnown) return dynamicVal;
  const isObject = e.form === 'object';
  const valueExpr = e.valueExpr ?? e.body[isObject ? 1 : 0];
  if (!valueExpr) return dynamicVal;
  const items: Value[] = [];
  const attrs = new Map<string, Value>();
  const groups = new Map<string, Value[]>();
  for (const [k, v] of pairs(coll)) {
    const inner = new Map(locals);
    if (e.vars.length === 2) inner.set(e.vars[0]!, k).set(e.vars[1]!, v);
    else inner.set(e.vars[0]!, v);
    if (e.cond) {
      const c = evalExpr(e.cond, ctx, inner);
      if (!c.isKnown) return dynamicVal;
      if (!convert(unmarkDeep(c)[0], T.bool).asBool()) continue;
    }
    if (isObject) {
      if (!e.keyExpr) return dynamicVal;
      const key = evalExpr(e.keyExpr, ctx, inner);
      if (!key.isKnown) return dynamicVal;
      const name = convert(unmarkDeep(key)[0], T.string).asString();
      const val = evalExpr(valueExpr, ctx, inner);
      if (e.grouping) groups.set(name, [...(groups.get(name) ?? []), val]);
      else {
        if (attrs.has(name)) throw new EvalFailure('duplicate key');
        attrs.set(name, val);
      }
    } else items.push(evalExpr(valueExpr, ctx, inner));
  }
  if (!isObject) return tupleVal(items);
  if (e.grouping) for (const [k, vs] of groups) attrs.set(k, tupleVal(vs));
  return objectVal(attrs);
}

const num = (v: Value): number => convert(unmarkDeep(v)[0], T.number).asNumber();
const bool = (v: Value): boolean => convert(unmarkDeep(v)[0], T.bool).asBool();

function evalOther(e: Extract<Expr, { kind: 'other' }>, ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value {
  switch (e.what) {
    case 'paren':
      return evalExpr(e.inner, ctx, locals);
    case 'conditional': {
      const c = evalExpr(e.cond, ctx, locals);
      const a = evalExpr(e.then, ctx, locals);
      const b = evalExpr(e.else, ctx, locals);
      if (!c.isKnown) return dynamicVal;
      const chosen = bool(c) ? a : b;
      const marks = marksOf([c]);
      return marks.length ? withMarks(chosen, ...marks) : chosen;
    }
    case 'unary_operation': {
      const v = evalExpr(e.operand, ctx, locals);
      const marks = marksOf([v]);
      const out = e.op === '-' ? (v.isKnown ? numberVal(-num(v)) : unknownVal(T.number)) : v.isKnown ? boolVal(!bool(v)) : unknownVal(T.bool);
      return marks.length ? withMarks(out, ...marks) : out;
    }
    case 'binary_operation': {
      const a = evalExpr(e.left, ctx, locals);
      const b = evalExpr(e.right, ctx, locals);
      const out = binary(e.op, a, b);
      const marks = marksOf([a, b]);
      return marks.length ? withMarks(out, ...marks) : out;
    }
    case 'relative':
      return applySteps(evalExpr(e.source, ctx, locals), e.steps, ctx, locals);
    case 'splat': {
      const v = evalExpr(e.source, ctx, locals);
      if (!v.isKnown) return dynamicVal;
      const [u, marks] = unmark(v);
      const k = u.type.kind;
      const isSeq = k === 'list' || k === 'tuple' || k === 'set';
      // a splat over a non-list wraps it in a one-element tuple (null: empty)
      const elems = u.isNull ? [] : isSeq ? u.elements() : [u];
      const out = tupleVal(elems.map((el) => applySteps(el, e.each, ctx, locals)));
      return marks.size ? withMarks(out, marks) : out;
    }
    default:
      return dynamicVal;
  }
}

function applySteps(v: Value, steps: readonly PostfixStep[], ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value {
  for (const s of steps) {
    if (s.kind === 'attr') v = step(v, s);
    else if (s.kind === 'index') v = step(v, { kind: 'index', key: literalValue(s.key) });
    else v = step(v, { kind: 'index', key: unmarkDeep(evalExpr(s.key, ctx, locals))[0] });
  }
  return v;
}

function binary(op: string, a: Value, b: Value): Value {
  const arith = ['+', '-', '*', '/', '%'];
  const cmp = ['<', '>', '<=', '>='];
  if (arith.includes(op)) {
    if (!a.isKnown || !b.isKnown) return unknownVal(T.number);
    const x = num(a);
    const y = num(b);
    if ((op === '/' || op === '%') && y === 0) throw new EvalFailure('division by zero');
    const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
    return numberVal(r);
  }
  if (cmp.includes(op)) {
    if (!a.isKnown || !b.isKnown) return unknownVal(T.bool);
    const x = num(a);
    const y = num(b);
    return boolVal(op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y);
  }
  if (op === '==' || op === '!=') {
    const [ua] = unmarkDeep(a);
    const [ub] = unmarkDeep(b);
    if (!isWhollyKnown(ua) || !isWhollyKnown(ub)) return unknownVal(T.bool);
    // hcl compares without conversion: values of different types are unequal
    const same = typeEquals(ua.type, ub.type) || ua.isNull || ub.isNull ? equals(ua, ub) : boolVal(false);
    if (!same.isKnown) return unknownVal(T.bool);
    return op === '==' ? same : boolVal(!same.asBool());
  }
  if (op === '&&' || op === '||') {
    if (a.isKnown && op === '&&' && !bool(a)) return boolVal(false);
    if (a.isKnown && op === '||' && bool(a)) return boolVal(true);
    if (!a.isKnown || !b.isKnown) return unknownVal(T.bool);
    return boolVal(op === '&&' ? bool(a) && bool(b) : bool(a) || bool(b));
  }
  return dynamicVal;
}

/** The value of an expression, or undefined when it is an error (terraform would report it). */
export function evaluate(e: Expr, ctx: EvalContext, locals: ReadonlyMap<string, Value> = new Map()): Value | undefined {
  try {
    return evalExpr(e, ctx, locals);
  } catch (err) {
    if (err instanceof RangeError && /call stack/.test(err.message)) return undefined;
    return undefined;
  }
}

/** terraform's constant_value: the value HCL gets with no variables and no functions, when wholly known. */
export function constantValue(e: Expr): Value | undefined {
  const v = evaluate(e, NO_SCOPE);
  return v && isWhollyKnown(v) ? v : undefined;
}

const NO_SCOPE: EvalContext = { resolve: () => undefined, functions: {} };

export { formatNumber, UNKNOWN };
