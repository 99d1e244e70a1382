/**
 * Variable type constraints (hcl ext/typeexpr with terraform's `optional(type, default)`) read from
 * the positioned tree into `@tfpairs/lang` types, and the values of constant expressions (what a
 * variable default or a literal module argument is), so that defaults and arguments are converted as
 * terraform converts them (cty convert, with its error wording and value paths).
 */
import type { Range } from '@tfpairs/core';
import { literalOf, type Expr } from '@tfpairs/hcl/tree';
import {
  ConversionError,
  T,
  convert,
  formatConversionError,
  listOf,
  mapOf,
  objectOf,
  setOf,
  tupleOf,
  typeToJson,
  nullVal,
  numberVal,
  objectVal,
  stringVal,
  tupleVal,
  boolVal,
  type Type,
  type Value,
} from '@tfpairs/lang';

/** an `optional(type, default)` attribute's default, by its path of attribute names from the root */
export interface OptionalDefault {
  readonly path: readonly string[];
  readonly type: Type;
  readonly expr: Expr;
}

export interface TypeConstraint {
  readonly type: Type;
  readonly defaults: readonly OptionalDefault[];
}

function keyName(e: Expr): string | undefined {
  if (e.kind === 'traversal' && e.steps.length === 0) return e.root;
  const lit = literalOf(e);
  return typeof lit === 'string' ? lit : undefined;
}

/** The type a constraint expression names, or undefined when it is not a valid constraint. */
export function typeConstraint(e: Expr): TypeConstraint | undefined {
  const defaults: OptionalDefault[] = [];
  const read = (x: Expr, path: readonly string[], allowOptional: boolean): Type | undefined => {
    if (x.kind === 'traversal' && x.steps.length === 0) {
      if (x.root === 'string' || x.root === 'number' || x.root === 'bool') return T[x.root];
      if (x.root === 'any') return T.dynamic;
      return undefined;
    }
    if (x.kind !== 'call') return undefined;
    const [arg, second] = x.args;
    switch (x.name) {
      case 'list':
      case 'set':
      case 'map': {
        if (!arg || x.args.length !== 1) return undefined;
        const elem = read(arg, path, false);
        if (!elem) return undefined;
        return x.name === 'list' ? listOf(elem) : x.name === 'set' ? setOf(elem) : mapOf(elem);
      }
      case 'tuple': {
        if (!arg || arg.kind !== 'tuple') return undefined;
        const elems: Type[] = [];
        for (const item of arg.items) {
          const t = read(item, path, false);
          if (!t) return undefined;
          elems.push(t);
        }
        return tupleOf(elems);
      }
      case 'object': {
        if (!arg || arg.kind !== 'object') return undefined;
        const attrs = new Map<string, Type>();
        const optional: string[] = [];
        for (const item of arg.items) {
          const name = keyName(item.key);
          if (name === undefined) return undefined;
          const v = item.value;
          if (v.kind === 'call' && v.name === 'optional') {
            const inner = v.args[0] && read(v.args[0], [...path, name], false);
            if (!inner || v.args.length > 2) return undefined;
            attrs.set(name, inner);
            optional.push(name);
            if (v.args[1]) defaults.push({ path: [...path, name], type: inner, expr: v.args[1] });
            continue;
          }
          const t = read(v, [...path, name], false);
          if (!t) return undefined;
          attrs.set(name, t);
        }
        return objectOf(attrs, optional);
      }
      default:
        void allowOptional;
        void second;
        return undefined;
    }
  };
  const type = read(e, [], false);
  return type ? { type, defaults } : undefined;
}

/** the constraint in `providers schema -json` form (what the schema-level literal checks take) */
export function constraintAsSchemaType(e: Expr): unknown {
  const c = typeConstraint(e);
  return c ? typeToJson(c.type) : undefined;
}

/**
 * The value of a constant expression: literals, quoted strings without interpolation, tuples and
 * objects of those, negated numbers. Undefined when evaluating it would need anything else.
 */
export function constValue(e: Expr): Value | undefined {
  switch (e.kind) {
    case 'literal':
      if (e.value === null) return nullVal(T.dynamic);
      return typeof e.value === 'string' ? stringVal(e.value) : typeof e.value === 'number' ? numberVal(e.value) : boolVal(e.value);
    case 'template': {
      const lit = literalOf(e);
      return typeof lit === 'string' ? stringVal(lit) : undefined;
    }
    case 'tuple': {
      const items: Value[] = [];
      for (const item of e.items) {
        const v = constValue(item);
        if (!v) return undefined;
        items.push(v);
      }
      return tupleVal(items);
    }
    case 'object': {
      const attrs = new Map<string, Value>();
      for (const item of e.items) {
        const k = keyName(item.key);
        const v = constValue(item.value);
        if (k === undefined || !v) return undefined;
        attrs.set(k, v);
      }
      return objectVal(attrs);
    }
    case 'other':
      if (e.what === 'paren') return constValue(e.inner);
      if (e.what === 'unary_operation' && e.op === '-' && e.operand.kind === 'literal' && typeof e.operand.value === 'number') return numberVal(-e.operand.value);
      return undefined;
    default:
      return undefined;
  }
}

/** terraform's message when a constant value does not convert to the constraint, else undefined */
export function conversionProblem(value: Value, type: Type): string | undefined {
  try {
    convert(value, type);
    return undefined;
  } catch (e) {
    if (e instanceof ConversionError) return formatConversionError(e);
    throw e;
  }
}

export interface DefaultProblem {
  readonly summary: string;
  readonly detail: string;
  readonly range: Range;
}

/** A variable's default against its type constraint (configs/named_values.go decodeVariableBlock). */
export function checkVariableDefault(typeExpr: Expr, def: Expr): DefaultProblem | undefined {
  const c = typeConstraint(typeExpr);
  if (!c) return undefined;
  for (const d of c.defaults) {
    const v = constValue(d.expr);
    if (!v) continue;
    const problem = conversionProblem(v, d.type);
    if (problem) return { summary: 'Invalid default value for optional attribute', detail: `This default value is not compatible with the attribute's type constraint: ${problem}.`, range: d.expr.range };
  }
  const v = constValue(def);
  if (!v || v.isNull) return undefined;
  const problem = conversionProblem(v, c.type);
  if (problem) return { summary: 'Invalid default value for variable', detail: `This default value is not compatible with the variable's type constraint: ${problem}.`, range: def.range };
  return undefined;
}

