/**
 * Type constraints as written in `variable "x" { type = ... }` (hcl ext/typeexpr: TypeConstraint with
 * defaults): keywords `string`, `number`, `bool`, `any`; constructors `list(T)`, `set(T)`, `map(T)`,
 * `tuple([...])`, `object({...})`; `optional(T)` / `optional(T, default)` on object attributes. Errors
 * are typeexpr's "Invalid type specification" diagnostics. `applyDefaults` fills optional attributes'
 * defaults into a value the way terraform does before converting a variable's value.
 */
import type { Expr } from '@tfpairs/hcl';
import { T, type Type, listOf, setOf, mapOf, tupleOf, objectOf, withoutOptional } from './types';
import { Value, UNKNOWN, nullVal, tupleVal, objectVal, unmark, withMarks } from './value';
import { convert, unify } from './convert';
import { evaluate, type EvalDiagnostic } from './eval';

/** Default values for optional attributes, nested like the type (hcl typeexpr.Defaults). */
export interface TypeDefaults {
  readonly type: Type;
  /** attribute name -> default value (already converted to the attribute's type) */
  readonly values: ReadonlyMap<string, Value>;
  /** attribute name, tuple index as a string, or "" for every element of a collection */
  readonly children: ReadonlyMap<string, TypeDefaults>;
}

export interface ParsedType {
  readonly type: Type;
  readonly defaults?: TypeDefaults;
  readonly diagnostics: readonly EvalDiagnostic[];
}

const SUMMARY = 'Invalid type specification';

/** typeexpr.TypeConstraintWithDefaults over a `type = ...` expression. */
export function parseTypeConstraint(expr: Expr): ParsedType {
  const diags: EvalDiagnostic[] = [];
  const r = new TypeReader(diags).read(expr, true);
  return r.defaults ? { type: r.type, defaults: r.defaults, diagnostics: diags } : { type: r.type, diagnostics: diags };
}

function bad(diags: EvalDiagnostic[], detail: string, e: Expr, summary = SUMMARY): { type: Type } {
  diags.push({ severity: 'error', summary, detail, range: e.range });
  return { type: T.dynamic };
}

function keyword(e: Expr): string | undefined {
  return e.kind === 'traversal' && e.steps.length === 0 ? e.root : undefined;
}

class TypeReader {
  constructor(private readonly diags: EvalDiagnostic[]) {}

  read(e: Expr, constraint: boolean): { type: Type; defaults?: TypeDefaults } {
    const diags = this.diags;
    const kw = keyword(e);
    if (kw !== undefined) {
      switch (kw) {
        case 'bool':
        case 'string':
        case 'number':
          return { type: T[kw] };
        case 'any':
          if (constraint) return { type: T.dynamic };
          return bad(diags, `The keyword "any" cannot be used in this type specification: an exact type is required.`, e);
        case 'list':
        case 'map':
        case 'set':
          return bad(diags, `The ${kw} type constructor requires one argument specifying the element type.`, e);
        case 'object':
          return bad(diags, 'The object type constructor requires one argument specifying the attribute types and values as a map.', e);
        case 'tuple':
          return bad(diags, 'The tuple type constructor requires one argument specifying the element types as a list.', e);
        default:
          return bad(diags, `The keyword "${kw}" is not a valid type specification.`, e);
      }
    }
    if (e.kind !== 'call') return bad(diags, 'A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).', e);
    const name = e.name;
    switch (name) {
      case 'bool':
      case 'string':
      case 'number':
        return bad(diags, `Primitive type keyword "${name}" does not expect arguments.`, e);
      case 'any':
        return bad(diags, `Type constraint keyword "${name}" does not expect arguments.`, e);
    }
    if (e.args.length !== 1) {
      if (name === 'list' || name === 'set' || name === 'map') return bad(diags, `The ${name} type constructor requires one argument specifying the element type.`, e);
      if (name === 'object') return bad(diags, 'The object type constructor requires one argument specifying the attribute types and values as a map.', e);
      if (name === 'tuple') return bad(diags, 'The tuple type constructor requires one argument specifying the element types as a list.', e);
    }
    const arg = e.args[0]!;
    switch (name) {
      case 'list':
      case 'set':
      case 'map': {
        const el = this.read(arg, constraint);
        const type = name === 'list' ? listOf(el.type) : name === 'set' ? setOf(el.type) : mapOf(el.type);
        return el.defaults ? { type, defaults: { type, values: new Map(), children: new Map([['', el.defaults]]) } } : { type };
      }
      case 'object': {
        if (arg.kind !== 'object') return bad(diags, 'Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.', arg);
        const attrs = new Map<string, Type>();
        const optional: string[] = [];
        const values = new Map<string, Value>();
        const children = new Map<string, TypeDefaults>();
        for (const item of arg.items) {
          const k = keyword(item.key);
          if (k === undefined) {
            bad(diags, 'Object constructor map keys must be attribute names.', item.key);
            continue;
          }
          if (attrs.has(k)) {
            bad(diags, 'Object constructor map keys must be unique.', item.key);
            continue;
          }
          let atyExpr = item.value;
          let defaultExpr: Expr | undefined;
          if (atyExpr.kind === 'call' && atyExpr.name === 'optional') {
            if (!constraint) {
              bad(diags, 'Optional attribute modifier is only for type constraints, not for exact types.', atyExpr);
              continue;
            }
            if (atyExpr.args.length === 0) {
              bad(diags, 'Optional attribute modifier requires the attribute type as its argument.', atyExpr);
              continue;
            }
            if (atyExpr.args.length > 2) {
              bad(diags, 'Optional attribute modifier expects at most two arguments: the attribute type, and a default value.', atyExpr);
              continue;
            }
            defaultExpr = atyExpr.args[1];
            atyExpr = atyExpr.args[0]!;
            optional.push(k);
          }
          const at = this.read(atyExpr, constraint);
          attrs.set(k, at.type);
          if (at.defaults) children.set(k, at.defaults);
          if (defaultExpr) {
            const dv = evaluate(defaultExpr);
            this.diags.push(...dv.diagnostics);
            try {
              values.set(k, convert(dv.value, withoutOptional(at.type)));
            } catch (x) {
              bad(diags, `This default value is not compatible with the attribute's type constraint: ${(x as Error).message}.`, defaultExpr, 'Invalid default value for optional attribute');
            }
          }
        }
        const type = objectOf(attrs, optional);
        return values.size || children.size ? { type, defaults: { type, values, children } } : { type };
      }
      case 'tuple': {
        if (arg.kind !== 'tuple') return bad(diags, 'Tuple type constructor requires a list of element types.', arg);
        const elems: Type[] = [];
        const children = new Map<string, TypeDefaults>();
        arg.items.forEach((it, i) => {
          const r = this.read(it, constraint);
          elems.push(r.type);
          if (r.defaults) children.set(String(i), r.defaults);
        });
        const type = tupleOf(elems);
        return children.size ? { type, defaults: { type, values: new Map(), children } } : { type };
      }
      default:
        return bad(diags, `Keyword "${name}" is not a valid type constructor.`, e);
    }
  }
}

/** typeexpr Defaults.Apply: fills defaults for null or absent optional attributes, at every depth. */
export function applyDefaults(d: TypeDefaults, v: Value): Value {
  if (v.raw === UNKNOWN || v.raw === null) return v;
  if (d.values.size === 0 && d.children.size === 0) return v;
  const [u, marks] = unmark(v);
  const child = (key: string | number): TypeDefaults | undefined => {
    if (typeof key === 'number' && d.type.kind === 'tuple') return d.children.get(String(key));
    if (typeof key === 'string' && d.type.kind === 'object') return d.children.get(key);
    return d.children.get('');
  };
  const k = u.type.kind;
  let out: Value = u;
  if (k === 'set' || k === 'list' || k === 'tuple') {
    const vals = (u.raw as readonly Value[]).map((e, i) => {
      const c = child(i);
      return c ? applyDefaults(c, e) : e;
    });
    if (k !== 'tuple') {
      const elemType = (u.type as { elem: Type }).elem;
      if (vals.length === 0) out = new Value(u.type, []);
      else {
        const unified = unifyValues(vals);
        out = unified ? new Value(k === 'set' ? setOf(unified[0]!.type) : listOf(unified[0]!.type), unified) : tupleVal(vals);
        void elemType;
      }
    } else out = tupleVal(vals);
  } else if (k === 'object' || k === 'map') {
    const vals = new Map<string, Value>();
    for (const [key, e] of u.raw as ReadonlyMap<string, Value>) {
      const c = child(key);
      vals.set(key, c ? applyDefaults(c, e) : e);
    }
    for (const [key, dv] of d.values) {
      const cur = vals.get(key);
      if (!cur || cur.raw === null) {
        const c = d.children.get(key);
        vals.set(key, c ? applyDefaults(c, dv) : dv);
      }
    }
    if (k === 'map') {
      if (vals.size === 0) out = new Value(u.type, new Map());
      else {
        const keys = [...vals.keys()].sort();
        const unified = unifyValues(keys.map((x) => vals.get(x)!));
        out = unified ? new Value(mapOf(unified[0]!.type), new Map(keys.map((x, i) => [x, unified[i]!]))) : objectVal(vals);
      }
    } else out = objectVal(vals);
  }
  return withMarks(out, marks);
}

function unifyValues(vals: readonly Value[]): Value[] | undefined {
  const u = unify(
    vals.map((v) => v.type),
    true,
  );
  if (!u) return undefined;
  try {
    return vals.map((v, i) => (u.conversions[i] ? u.conversions[i]!(v, []) : v));
  } catch {
    return undefined;
  }
}

/** A null of a type constraint's value type (what an unset optional attribute becomes). */
export function nullOf(t: Type): Value {
  return nullVal(withoutOptional(t));
}
