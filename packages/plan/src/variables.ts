/**
 * Input variables: type constraints (`string`, `list(object({a = optional(number, 1)}))`, `any`),
 * their defaults converted as terraform converts them (optional attributes filled with their
 * defaults), and `-var NAME=VALUE` values parsed as terraform parses them (the raw string for a
 * primitive type, an HCL expression otherwise).
 */
import type { Block, Expr } from '@tfpairs/hcl/tree';
import { parseFile } from '@tfpairs/hcl/tree';
import { T, convert, listOf, setOf, mapOf, tupleOf, objectOf, stringVal, objectVal, tupleVal, isPrimitive, type Type, type Value } from '@tfpairs/lang';
import { constantValue } from './eval';

/** A type constraint plus the defaults of its optional object attributes. */
export interface TypeConstraint {
  readonly type: Type;
  /** for object types: attribute -> default value; for collections: the element's constraint */
  readonly defaults?: ReadonlyMap<string, Value>;
  readonly attrs?: ReadonlyMap<string, TypeConstraint>;
  readonly elem?: TypeConstraint;
}

const ANY: TypeConstraint = { type: T.dynamic };

export function parseTypeConstraint(e: Expr): TypeConstraint {
  if (e.kind === 'traversal' && e.steps.length === 0) {
    switch (e.root) {
      case 'string':
        return { type: T.string };
      case 'number':
        return { type: T.number };
      case 'bool':
        return { type: T.bool };
      default:
        return ANY;
    }
  }
  if (e.kind === 'call') {
    const arg = e.args[0];
    switch (e.name) {
      case 'list':
      case 'set':
      case 'map': {
        const elem = arg ? parseTypeConstraint(arg) : ANY;
        const type = e.name === 'list' ? listOf(elem.type) : e.name === 'set' ? setOf(elem.type) : mapOf(elem.type);
        return { type, elem };
      }
      case 'tuple': {
        const items = arg && arg.kind === 'tuple' ? arg.items.map(parseTypeConstraint) : [];
        return { type: tupleOf(items.map((i) => i.type)) };
      }
      case 'object': {
        const attrs = new Map<string, TypeConstraint>();
        const defaults = new Map<string, Value>();
        const optional: string[] = [];
        if (arg && arg.kind === 'object') {
          for (const it of arg.items) {
            const name = it.key.kind === 'traversal' && it.key.steps.length === 0 ? it.key.root : String(constantValue(it.key)?.raw ?? '');
            let v = it.value;
            if (v.kind === 'call' && v.name === 'optional') {
              optional.push(name);
              const inner = v.args[0] ? parseTypeConstraint(v.args[0]) : ANY;
              attrs.set(name, inner);
              const d = v.args[1] ? constantValue(v.args[1]) : undefined;
              if (d) {
                try {
                  defaults.set(name, convert(d, inner.type));
                } catch {
                  /* validate reports it */
                }
              }
              continue;
            }
            attrs.set(name, parseTypeConstraint(v));
          }
        }
        return { type: objectOf(new Map([...attrs].map(([k, c]) => [k, c.type])), optional), attrs, defaults };
      }
      default:
        return ANY;
    }
  }
  return ANY;
}

export function variableConstraint(block: Block): TypeConstraint {
  const t = block.body.attributes.find((a) => a.name === 'type');
  return t ? parseTypeConstraint(t.expr) : ANY;
}

export const variableType = variableConstraint;

/** Fills optional attributes' defaults (terraform's typeexpr Defaults.Apply), deeply. */
export function applyDefaults(v: Value, c: TypeConstraint): Value {
  if (!v.isKnown || v.isNull) return v;
  const k = v.type.kind;
  if (c.attrs && (k === 'object' || k === 'map')) {
    const m = new Map(v.entries());
    for (const [name, sub] of c.attrs) {
      const cur = m.get(name);
      if ((cur === undefined || cur.isNull) && c.defaults?.has(name)) m.set(name, c.defaults.get(name)!);
      else if (cur) m.set(name, applyDefaults(cur, sub));
    }
    return objectVal(m);
  }
  if (c.elem && (k === 'list' || k === 'tuple' || k === 'set')) return convert(tupleVal(v.elements().map((e) => applyDefaults(e, c.elem!))), v.type.kind === 'set' ? setOf(c.elem.type) : listOf(c.elem.type));
  if (c.elem && (k === 'map' || k === 'object')) return convert(objectVal(new Map([...v.entries()].map(([n, e]) => [n, applyDefaults(e, c.elem!)]))), mapOf(c.elem.type));
  return v;
}

/** A value converted to a constraint with its defaults applied; undefined when it does not conform. */
export function conform(v: Value, c: TypeConstraint): Value | undefined {
  try {
    return convert(applyDefaults(v, c), c.type);
  } catch {
    try {
      return applyDefaults(convert(v, c.type), c);
    } catch {
      return undefined;
    }
  }
}

/** The variable's default as terraform stores it: converted to the type, optional defaults filled. */
export function typeConvertedDefault(e: Expr, c: TypeConstraint): Value | undefined {
  const v = constantValue(e);
  if (v === undefined) return undefined;
  return conform(v, c);
}

/** A `-var NAME=VALUE` value: the raw string for primitive types, an HCL expression otherwise. */
export async function parseVarFlag(raw: string, c: TypeConstraint): Promise<Value | undefined> {
  if (isPrimitive(c.type)) return conform(stringVal(raw), c);
  const parsed = await parseFile('<value for var>', `v = ${raw}\n`);
  const a = parsed.body.attributes[0];
  const v = a ? constantValue(a.expr) : undefined;
  if (v === undefined) return c.type === T.dynamic ? stringVal(raw) : undefined;
  return conform(v, c);
}
