/**
 * Type conversion and unification as cty's convert package does them (github.com/zclconf/go-cty/cty/
 * convert): `convert(value, type)` (cty convert.Convert, which allows the "unsafe" conversions too:
 * string -> number/bool, list -> set, map -> object), `getConversion(from, to, unsafe)` to check a
 * type pair once and convert many values, `unify(types, unsafe)` for the common type of a list of types,
 * and `mismatchMessage(got, want)` for cty's wording when no conversion exists.
 *
 * Errors are `ConversionError`s: `message` is cty's text (no final period), `path` the steps inside the
 * value where it happened (terraform prints some errors with the path, e.g. `attribute "a": ...`; see
 * `formatConversionError`).
 */
import { T, type Type, type ObjectType, listOf, setOf, mapOf, tupleOf, objectOf, typeEquals, isPrimitive, isCollection, friendlyConstraintName, withoutOptional } from './types';
import { Value, UNKNOWN, stringVal, numberVal, formatNumber, parseNumber, nullVal, unknownVal, dynamicVal, setVal, True, False } from './value';

export type PathStep = { readonly kind: 'attr'; readonly name: string } | { readonly kind: 'index'; readonly key: Value };

export class ConversionError extends Error {
  constructor(
    message: string,
    readonly path: readonly PathStep[] = [],
  ) {
    super(message);
    this.name = 'ConversionError';
  }
}

/** A path as terraform prints it (format.CtyPath): `.a`, `[0]`, `["k"]` joined. */
export function formatPath(path: readonly PathStep[]): string {
  return path
    .map((s) => {
      if (s.kind === 'attr') return `.${s.name}`;
      const k = s.key;
      if (typeof k.raw === 'string') return `[${JSON.stringify(k.raw)}]`;
      if (typeof k.raw === 'number') return `[${formatNumber(k.raw)}]`;
      return '[...]';
    })
    .join('');
}

/** tfdiags.FormatError: a path-carrying error as `<path>: <message>`, others as their message. */
export function formatConversionError(e: unknown): string {
  if (e instanceof ConversionError && e.path.length) return `${formatPath(e.path)}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

type Conv = (v: Value, path: PathStep[]) => Value;

/**
 * Converts `v` to type `want` (cty convert.Convert: safe and unsafe conversions). Marks are kept.
 * Throws ConversionError.
 */
export function convert(v: Value, want: Type): Value {
  if (typeEquals(v.type, want) && (want.kind !== 'object' || want.optional.size === 0) && !hasOptionalDeep(want)) return v;
  const conv = getConversion(v.type, want, true);
  if (!conv) throw new ConversionError(mismatchMessage(v.type, want));
  return conv(v, []);
}

/** Like convert but only safe conversions (cty GetConversion): no string -> number/bool, list -> set. */
export function convertSafe(v: Value, want: Type): Value {
  if (typeEquals(v.type, want) && !hasOptionalDeep(want)) return v;
  const conv = getConversion(v.type, want, false);
  if (!conv) throw new ConversionError(mismatchMessage(v.type, want));
  return conv(v, []);
}

/** Whether values of type `from` can convert to `to` (they still may fail by value, e.g. "x" -> number). */
export function canConvert(from: Type, to: Type, unsafe = true): boolean {
  return typeEquals(from, to) || getConversionKnown(from, to, unsafe) !== undefined;
}

function hasOptionalDeep(t: Type): boolean {
  switch (t.kind) {
    case 'object':
      if (t.optional.size) return true;
      for (const a of t.attrs.values()) if (hasOptionalDeep(a)) return true;
      return false;
    case 'list':
    case 'set':
    case 'map':
      return hasOptionalDeep(t.elem);
    case 'tuple':
      return t.elems.some(hasOptionalDeep);
    default:
      return false;
  }
}

/** A conversion function for values of type `from` to `to`, or undefined when none exists. */
export function getConversion(from: Type, to: Type, unsafe: boolean): Conv | undefined {
  const known = getConversionKnown(from, to, unsafe);
  if (!known) return undefined;
  const ret: Conv = (v, path) => {
    if (v.marks.size) {
      const inner = ret(new Value(v.type, v.raw), path);
      return new Value(inner.type, inner.raw, inner.marks.size ? new Set([...inner.marks, ...v.marks]) : v.marks);
    }
    if (to === T.dynamic) return v;
    if (v.raw === UNKNOWN) return unknownVal(dynamicReplace(v.type, withoutOptional(to)));
    if (v.raw === null) return nullVal(dynamicReplace(v.type, withoutOptional(to)));
    return known(v, path);
  };
  return ret;
}

const passthrough: Conv = (v) => v;

function getConversionKnown(from: Type, to: Type, unsafe: boolean): Conv | undefined {
  if (to === T.dynamic) return passthrough;
  if (unsafe && from === T.dynamic) {
    return (v, path) => {
      try {
        return convert(v, to);
      } catch (e) {
        if (e instanceof ConversionError) throw new ConversionError(e.message, [...path, ...e.path]);
        throw e;
      }
    };
  }
  if (isPrimitive(from) && isPrimitive(to)) {
    if (from === to) return passthrough;
    if (to === T.string) {
      if (from === T.number) return (v) => stringVal(formatNumber(v.raw as number));
      if (from === T.bool) return (v) => stringVal(v.raw ? 'true' : 'false');
    }
    if (!unsafe || from !== T.string) return undefined;
    if (to === T.number)
      return (v, path) => {
        const n = parseNumber(v.raw as string);
        if (n === undefined) throw new ConversionError('a number is required', path.slice());
        return numberVal(n);
      };
    return (v, path) => {
      const s = v.raw as string;
      if (s === 'true' || s === '1') return True;
      if (s === 'false' || s === '0') return False;
      const l = s.toLowerCase();
      if (l === 'true' || l === 'false') throw new ConversionError(`a bool is required; to convert from string, use lowercase "${l}"`, path.slice());
      throw new ConversionError('a bool is required', path.slice());
    };
  }
  if (to.kind === 'object' && from.kind === 'object') return objectToObject(from, to, unsafe);
  if (to.kind === 'tuple' && from.kind === 'tuple') return tupleToTuple(from.elems, to.elems, unsafe);
  if (to.kind === 'list' && (from.kind === 'list' || from.kind === 'set')) {
    if (typeEquals(from.elem, to.elem)) return collectionToList(to.elem, undefined);
    const ce = getConversion(from.elem, to.elem, unsafe);
    return ce && collectionToList(to.elem, ce);
  }
  if (to.kind === 'set' && (from.kind === 'list' || from.kind === 'set')) {
    if (from.kind === 'list' && !unsafe) return undefined;
    if (typeEquals(from.elem, to.elem)) return collectionToSet(to.elem, undefined);
    const ce = getConversion(from.elem, to.elem, unsafe);
    return ce && collectionToSet(to.elem, ce);
  }
  if (to.kind === 'map' && from.kind === 'map') {
    const ce = getConversion(from.elem, to.elem, unsafe);
    return ce && collectionToMap(to.elem, ce);
  }
  if (to.kind === 'list' && from.kind === 'tuple') return tupleToSequence(from.elems, to.elem, unsafe, 'list');
  if (to.kind === 'set' && from.kind === 'tuple') return tupleToSequence(from.elems, to.elem, unsafe, 'set');
  if (to.kind === 'map' && from.kind === 'object') return objectToMap(from, to.elem, unsafe);
  if (to.kind === 'object' && from.kind === 'map') return unsafe ? mapToObject(from.elem, to, unsafe) : undefined;
  return undefined;
}

function nullWithoutOptional(v: Value): Value {
  return v.raw === null && hasOptionalDeep(v.type) ? nullVal(withoutOptional(v.type)) : v;
}

function collectionToList(ety: Type, conv: Conv | undefined): Conv {
  return (v, path) => {
    if (v.type.kind === 'set' && (v.raw as readonly Value[]).some((e) => e.raw === UNKNOWN)) return unknownVal(listOf((v.type as { elem: Type }).elem));
    const src = v.raw as readonly Value[];
    if (src.length === 0) return new Value(listOf(ety === T.dynamic ? (v.type as { elem: Type }).elem : withoutOptional(ety)), []);
    const out = conv ? src.map((e, i) => nullWithoutOptional(conv(e, [...path, { kind: 'index', key: numberVal(i) }]))) : src.map(nullWithoutOptional);
    const et = commonType(out);
    if (!et) throw new ConversionError('element types must all match for conversion to list', path.slice());
    return new Value(listOf(et), out);
  };
}

function collectionToSet(ety: Type, conv: Conv | undefined): Conv {
  return (v, path) => {
    const src = v.raw as readonly Value[];
    if (src.length === 0) return new Value(setOf(ety === T.dynamic ? (v.type as { elem: Type }).elem : withoutOptional(ety)), []);
    const out = conv ? src.map((e, i) => nullWithoutOptional(conv(e, [...path, { kind: 'index', key: numberVal(i) }]))) : src.map(nullWithoutOptional);
    const et = commonType(out);
    if (!et) throw new ConversionError('element types must all match for conversion to set', path.slice());
    return setVal(out, et);
  };
}

function collectionToMap(ety: Type, conv: Conv | undefined): Conv {
  return (v, path) => {
    const src = v.raw as ReadonlyMap<string, Value>;
    if (src.size === 0) return new Value(mapOf(ety === T.dynamic ? (v.type as { elem: Type }).elem : withoutOptional(ety)), new Map());
    let out = new Map<string, Value>();
    for (const [k, e] of src) out.set(k, conv ? conv(e, [...path, { kind: 'index', key: stringVal(k) }]) : e);
    if (isCollection(ety) || ety.kind === 'object') out = unifyElements(out, path, false);
    const et = commonType([...out.values()]);
    if (!et) throw new ConversionError('element types must all match for conversion to map', path.slice());
    return new Value(mapOf(et), out);
  };
}

function tupleToSequence(etys: readonly Type[], want: Type, unsafe: boolean, kind: 'list' | 'set'): Conv | undefined {
  if (etys.length === 0) return () => new Value(kind === 'list' ? listOf(withoutOptional(want)) : setOf(withoutOptional(want)), []);
  let ety = want;
  if (ety === T.dynamic) {
    const u = unify(etys, unsafe);
    if (!u) return undefined;
    ety = u.type;
    if (ety === T.dynamic && etys.some((t) => t !== T.dynamic)) return undefined;
  }
  const convs: (Conv | undefined)[] = [];
  for (const t of etys) {
    if (typeEquals(t, ety)) {
      convs.push(undefined);
      continue;
    }
    const c = getConversion(t, ety, unsafe);
    if (!c) return undefined;
    convs.push(c);
  }
  return (v, path) => {
    const src = v.raw as readonly Value[];
    let out = src.map((e, i) => {
      const c = convs[i];
      const r = c ? c(e, [...path, { kind: 'index', key: numberVal(i) }]) : e;
      return kind === 'set' ? nullWithoutOptional(r) : r;
    });
    if (kind === 'list') out = unifyList(out, path, unsafe);
    const et = commonType(out);
    if (!et) throw new ConversionError(`element types must all match for conversion to ${kind}`, path.slice());
    return kind === 'list' ? new Value(listOf(et), out) : setVal(out, et);
  };
}

function objectToMap(from: ObjectType, want: Type, unsafe: boolean): Conv | undefined {
  if (from.names.length === 0) return () => new Value(mapOf(withoutOptional(want)), new Map());
  let ety = want;
  if (ety === T.dynamic) {
    const u = unify([...from.attrs.values()], unsafe);
    if (!u) return undefined;
    ety = u.type;
  }
  const convs = new Map<string, Conv | undefined>();
  for (const n of from.names) {
    const t = from.attrs.get(n)!;
    if (typeEquals(t, ety)) continue;
    const c = getConversion(t, ety, unsafe);
    if (!c) return undefined;
    convs.set(n, c);
  }
  return (v, path) => {
    let out = new Map<string, Value>();
    for (const [k, e] of v.raw as ReadonlyMap<string, Value>) {
      const c = convs.get(k);
      out.set(k, c ? c(e, [...path, { kind: 'index', key: stringVal(k) }]) : e);
    }
    if (isCollection(ety) || ety.kind === 'object') out = unifyElements(out, path, unsafe);
    const et = commonType([...out.values()]);
    if (!et) throw new ConversionError('attribute types must all match for conversion to map', path.slice());
    return new Value(mapOf(et), out);
  };
}

function mapToObject(ety: Type, to: ObjectType, unsafe: boolean): Conv | undefined {
  const convs = new Map<string, Conv | undefined>();
  for (const n of to.names) {
    const at = to.attrs.get(n)!;
    if (typeEquals(at, ety)) {
      convs.set(n, undefined);
      continue;
    }
    const c = getConversion(ety, at, unsafe);
    if (!c) {
      if (to.optional.has(n) && unsafe) continue;
      return undefined;
    }
    convs.set(n, c);
  }
  return (v, path) => {
    const out = new Map<string, Value>();
    for (const [k, e] of v.raw as ReadonlyMap<string, Value>) {
      if (!to.attrs.has(k)) continue;
      let r = e;
      if (convs.has(k)) {
        const c = convs.get(k);
        if (c) r = c(e, [...path, { kind: 'index', key: stringVal(k) }]);
      } else throw new ConversionError(`map element type is incompatible with attribute "${k}": ${mismatchMessage(e.type, to.attrs.get(k)!)}`, path.slice());
      out.set(k, nullWithoutOptional(r));
    }
    for (const n of to.names) {
      if (out.has(n)) continue;
      if (to.optional.has(n)) out.set(n, nullVal(to.attrs.get(n)!));
      else throw new ConversionError(`map has no element for required attribute "${n}"`, path.slice());
    }
    return objectFromMap(out);
  };
}

function objectToObject(from: ObjectType, to: ObjectType, unsafe: boolean): Conv | undefined {
  const convs = new Map<string, Conv | undefined>();
  for (const n of to.names) {
    const it = from.attrs.get(n);
    if (!it) {
      if (to.optional.has(n)) continue;
      return undefined;
    }
    const ot = to.attrs.get(n)!;
    if (typeEquals(it, ot)) {
      convs.set(n, undefined);
      continue;
    }
    const c = getConversion(it, ot, unsafe);
    if (!c) return undefined;
    convs.set(n, c);
  }
  return (v, path) => {
    const out = new Map<string, Value>();
    for (const [k, e] of v.raw as ReadonlyMap<string, Value>) {
      if (!convs.has(k)) continue;
      const c = convs.get(k);
      out.set(k, nullWithoutOptional(c ? c(e, [...path, { kind: 'attr', name: k }]) : e));
    }
    for (const n of to.optional) if (!out.has(n)) out.set(n, nullVal(withoutOptional(to.attrs.get(n)!)));
    return objectFromMap(out);
  };
}

function tupleToTuple(from: readonly Type[], to: readonly Type[], unsafe: boolean): Conv | undefined {
  if (from.length !== to.length) return undefined;
  const convs: (Conv | undefined)[] = [];
  for (let i = 0; i < to.length; i++) {
    if (typeEquals(from[i]!, to[i]!)) {
      convs.push(undefined);
      continue;
    }
    const c = getConversion(from[i]!, to[i]!, unsafe);
    if (!c) return undefined;
    convs.push(c);
  }
  return (v, path) => {
    const out = (v.raw as readonly Value[]).map((e, i) => {
      const c = convs[i];
      return c ? c(e, [...path, { kind: 'index', key: numberVal(i) }]) : e;
    });
    return new Value(tupleOf(out.map((e) => e.type)), out);
  };
}

function objectFromMap(m: Map<string, Value>): Value {
  const names = [...m.keys()].sort();
  const attrs = new Map<string, Type>();
  const vals = new Map<string, Value>();
  for (const n of names) {
    attrs.set(n, m.get(n)!.type);
    vals.set(n, m.get(n)!);
  }
  return new Value(objectOf(attrs), vals);
}

/** The one type all values share, if they do (cty CanListVal): undefined when they differ. */
function commonType(vals: readonly Value[]): Type | undefined {
  const t = vals[0]!.type;
  for (let i = 1; i < vals.length; i++) if (!typeEquals(vals[i]!.type, t)) return undefined;
  return t;
}

function unifyElements(m: Map<string, Value>, path: PathStep[], unsafe: boolean): Map<string, Value> {
  const u = unify([...m.values()].map((v) => v.type), unsafe);
  if (!u) throw new ConversionError('cannot find a common base type for all elements', path.slice());
  const out = new Map<string, Value>();
  for (const [k, e] of m) {
    if (typeEquals(e.type, u.type)) out.set(k, e);
    else out.set(k, getConversion(e.type, u.type, unsafe)!(e, [...path, { kind: 'index', key: stringVal(k) }]));
  }
  return out;
}

function unifyList(vals: Value[], path: PathStep[], unsafe: boolean): Value[] {
  const u = unify(vals.map((v) => v.type), unsafe);
  if (!u) throw new ConversionError('cannot find a common base type for all elements', path.slice());
  return vals.map((e, i) => (typeEquals(e.type, u.type) ? e : getConversion(e.type, u.type, unsafe)!(e, [...path, { kind: 'index', key: numberVal(i) }])));
}

/** cty's dynamicReplace: the result type of converting an unknown/null of type `from` to `to`. */
function dynamicReplace(from: Type, to: Type): Type {
  if (from === T.dynamic) return to;
  if (to === T.dynamic) return from;
  switch (to.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return to;
    case 'map':
      if (from.kind === 'map') return mapOf(dynamicReplace(from.elem, to.elem));
      if (from.kind === 'object') return mapOf(dynamicReplace(unify([...from.attrs.values()], true)?.type ?? T.dynamic, to.elem));
      return to;
    case 'object': {
      const attrs = new Map<string, Type>();
      for (const n of to.names) {
        const at = to.attrs.get(n)!;
        if (from.kind === 'map') attrs.set(n, dynamicReplace(from.elem, at));
        else if (from.kind === 'object') attrs.set(n, from.attrs.has(n) ? dynamicReplace(from.attrs.get(n)!, at) : at);
      }
      return objectOf(attrs);
    }
    case 'set':
    case 'list': {
      const mk = to.kind === 'set' ? setOf : listOf;
      if (from.kind === 'set' || from.kind === 'list') return mk(dynamicReplace(from.elem, to.elem));
      if (from.kind === 'tuple') return mk(dynamicReplace(unify(from.elems, true)?.type ?? T.dynamic, to.elem));
      return to;
    }
    case 'tuple':
      return tupleOf(to.elems.map((t, i) => dynamicReplace(from.kind === 'tuple' ? (from.elems[i] ?? T.dynamic) : T.dynamic, t)));
    default:
      return to;
  }
}

// ---------------------------------------------------------------------------------------------------
// Unification

export interface Unified {
  readonly type: Type;
  /** per input type: a conversion to `type`, or undefined when that input already has it */
  readonly conversions: readonly (Conv | undefined)[];
}

const toDynamic: Conv = () => dynamicVal;

/** The common type of `types` (cty convert.Unify / UnifyUnsafe), or undefined when there is none. */
export function unify(types: readonly Type[], unsafe: boolean): Unified | undefined {
  if (types.length === 0) return undefined;
  let mapCt = 0,
    listCt = 0,
    setCt = 0,
    objectCt = 0,
    tupleCt = 0,
    dynamicCt = 0;
  for (const t of types) {
    if (t.kind === 'map') mapCt++;
    else if (t.kind === 'list') listCt++;
    else if (t.kind === 'set') setCt++;
    else if (t.kind === 'object') objectCt++;
    else if (t.kind === 'tuple') tupleCt++;
    else if (t.kind === 'dynamic') dynamicCt++;
  }
  const n = types.length;
  if (mapCt > 0 && mapCt + dynamicCt === n) return unifyCollections(mapOf, types, unsafe, dynamicCt > 0);
  if (mapCt > 0 && mapCt + objectCt + dynamicCt === n) {
    const r = unifyStructuralAs('map', types, unsafe);
    if (r) return r;
  } else if (listCt > 0 && listCt + dynamicCt === n) return unifyCollections(listOf, types, unsafe, dynamicCt > 0);
  else if (listCt > 0 && listCt + tupleCt + dynamicCt === n) {
    const r = unifyStructuralAs('list', types, unsafe);
    if (r) return r;
  } else if (setCt > 0 && setCt + dynamicCt === n) return unifyCollections(setOf, types, unsafe, dynamicCt > 0);
  else if (objectCt > 0 && objectCt + dynamicCt === n) return unifyObjects(types, unsafe, dynamicCt > 0);
  else if (tupleCt > 0 && tupleCt + dynamicCt === n) return unifyTuples(types, unsafe, dynamicCt > 0);
  else if (objectCt > 0 && tupleCt > 0) return undefined;

  outer: for (const wi of sortTypes(types)) {
    const want = types[wi]!;
    const convs: (Conv | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const t = types[i]!;
      if (i === wi || typeEquals(t, want)) {
        convs.push(undefined);
        continue;
      }
      const c = getConversion(t, want, unsafe);
      if (!c) continue outer;
      convs.push(c);
    }
    return { type: want, conversions: convs };
  }
  return undefined;
}

function allTo(types: readonly Type[], ret: Type, unsafe: boolean): Unified | undefined {
  const convs: (Conv | undefined)[] = [];
  for (const t of types) {
    if (typeEquals(t, ret)) {
      convs.push(undefined);
      continue;
    }
    const c = getConversion(t, ret, unsafe);
    if (!c) return undefined;
    convs.push(c);
  }
  return { type: ret, conversions: convs };
}

function unifyCollections(mk: (t: Type) => Type, types: readonly Type[], unsafe: boolean, dyn: boolean): Unified | undefined {
  if (dyn) return { type: T.dynamic, conversions: types.map(() => toDynamic) };
  const e = unify(types.map((t) => (t as { elem: Type }).elem), unsafe);
  return e && allTo(types, mk(e.type), unsafe);
}

/** cty unifyObjectsAsMaps / unifyTuplesAsList: the structural members become the collection first. */
function unifyStructuralAs(kind: 'map' | 'list', types: readonly Type[], unsafe: boolean): Unified | undefined {
  const structural = types.filter((t) => t.kind === (kind === 'map' ? 'object' : 'tuple'));
  const first = kind === 'map' ? unifyObjectsToMap(structural, unsafe) : unifyTuplesToList(structural, unsafe);
  if (!first || first.type.kind !== kind) return undefined;
  const replaced = types.map((t) => (t.kind === (kind === 'map' ? 'object' : 'tuple') ? first.type : t));
  const again = unify(replaced, unsafe);
  if (!again || again.type.kind !== kind) return undefined;
  return allTo(types, again.type, unsafe);
}

function unifyObjects(types: readonly Type[], unsafe: boolean, dyn: boolean): Unified | undefined {
  if (dyn) return { type: T.dynamic, conversions: types.map(() => toDynamic) };
  const first = types[0] as ObjectType;
  for (const t of types.slice(1)) {
    const o = t as ObjectType;
    if (o.names.length !== first.names.length || o.names.some((n) => !first.attrs.has(n))) return unifyObjectsToMap(types, unsafe);
  }
  const attrs = new Map<string, Type>();
  for (const n of first.names) {
    const u = unify(
      types.map((t) => (t as ObjectType).attrs.get(n)!),
      unsafe,
    );
    if (!u) return undefined;
    attrs.set(n, u.type);
  }
  return allTo(types, objectOf(attrs), unsafe) ?? unifyObjectsToMap(types, unsafe);
}

function unifyObjectsToMap(types: readonly Type[], unsafe: boolean): Unified | undefined {
  const atys: Type[] = [];
  for (const t of types) for (const a of (t as ObjectType).attrs.values()) atys.push(a);
  const e = unify(atys, unsafe);
  return e && allTo(types, mapOf(e.type), unsafe);
}

function unifyTuples(types: readonly Type[], unsafe: boolean, dyn: boolean): Unified | undefined {
  if (dyn) return { type: T.dynamic, conversions: types.map(() => toDynamic) };
  const first = (types[0] as { elems: readonly Type[] }).elems;
  for (const t of types.slice(1)) if ((t as { elems: readonly Type[] }).elems.length !== first.length) return unifyTuplesToList(types, unsafe);
  const elems: Type[] = [];
  for (let i = 0; i < first.length; i++) {
    const u = unify(
      types.map((t) => (t as { elems: readonly Type[] }).elems[i]!),
      unsafe,
    );
    if (!u) return undefined;
    elems.push(u.type);
  }
  return allTo(types, tupleOf(elems), unsafe) ?? unifyTuplesToList(types, unsafe);
}

function unifyTuplesToList(types: readonly Type[], unsafe: boolean): Unified | undefined {
  const etys: Type[] = [];
  for (const t of types) etys.push(...(t as { elems: readonly Type[] }).elems);
  const e = unify(etys, unsafe);
  return e && allTo(types, listOf(e.type), unsafe);
}

/** cty compareTypes: <0 when a is preferred (more general) over b. */
function compareTypes(a: Type, b: Type): number {
  if (a === T.dynamic || b === T.dynamic) return a === b ? 0 : a !== T.dynamic ? -1 : 1;
  if (isPrimitive(a) && isPrimitive(b)) {
    if (a === T.string || b === T.string) return a === b ? 0 : a !== T.string ? 1 : -1;
  }
  if ((a.kind === 'list' && b.kind === 'list') || (a.kind === 'set' && b.kind === 'set') || (a.kind === 'map' && b.kind === 'map')) return compareTypes(a.elem, b.elem);
  let swap = 1;
  if ((a.kind === 'tuple' && b.kind === 'list') || (a.kind === 'object' && b.kind === 'map') || (a.kind === 'set' && (b.kind === 'tuple' || b.kind === 'list'))) {
    [a, b] = [b, a];
    swap = -1;
  }
  if (b.kind === 'set' && (a.kind === 'tuple' || a.kind === 'list')) return -1 * swap;
  if (a.kind === 'list' && b.kind === 'tuple') return -1 * swap;
  if (a.kind === 'map' && b.kind === 'object') return -1 * swap;
  if (a.kind === 'object' && b.kind === 'object') {
    if (a.names.length !== b.names.length) return 0;
    let aSuper = false;
    let bSuper = false;
    for (const n of a.names) {
      const bt = b.attrs.get(n);
      if (!bt) return 0;
      const c = compareTypes(a.attrs.get(n)!, bt);
      if (c < 0) aSuper = true;
      else if (c > 0) bSuper = true;
    }
    if (aSuper && bSuper) return 0;
    return aSuper ? -1 * swap : bSuper ? 1 * swap : 0;
  }
  return 0;
}

/** cty sortTypes: a topological order of preference (Kahn's algorithm, same tie order as cty). */
function sortTypes(types: readonly Type[]): number[] {
  const l = types.length;
  const edges: number[][] = types.map(() => []);
  for (let i = 0; i < l - 1; i++)
    for (let j = i + 1; j < l; j++) {
      const c = compareTypes(types[i]!, types[j]!);
      if (c < 0) edges[i]!.push(j);
      else if (c > 0) edges[j]!.push(i);
    }
  const inDeg = new Array<number>(l).fill(0);
  for (const outs of edges) for (const j of outs) inDeg[j]!++;
  const queue: number[] = [];
  for (let i = 0; i < l; i++) if (inDeg[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) for (const j of edges[queue[q]!]!) if (--inDeg[j]! === 0) queue.push(j);
  return queue;
}

// ---------------------------------------------------------------------------------------------------
// Messages

/** cty convert.MismatchMessage: why no conversion from `got` to `want` exists. */
export function mismatchMessage(got: Type, want: Type): string {
  if (got.kind === 'object' && want.kind === 'object') return mismatchObjects(got, want);
  if (got.kind === 'tuple' && want.kind === 'list' && want.elem === T.dynamic) return 'all list elements must have the same type';
  if (got.kind === 'tuple' && want.kind === 'set' && want.elem === T.dynamic) return 'all set elements must have the same type';
  if (got.kind === 'object' && want.kind === 'map' && want.elem === T.dynamic) return 'all map elements must have the same type';
  if ((got.kind === 'tuple' || got.kind === 'object') && isCollection(want)) return mismatchFromStructural(got, want);
  if (isCollection(got) && isCollection(want)) return mismatchFromCollections(got, want);
  // (newer cty says "X required, but have Y" here; terraform 1.11's cty does not)
  return `${friendlyConstraintName(want)} required`;
}

function mismatchObjects(got: ObjectType, want: ObjectType): string {
  const missing: string[] = [];
  let unsafeMismatch = '';
  let safeMismatch = '';
  for (const n of want.names) {
    const wt = want.attrs.get(n)!;
    const gt = got.attrs.get(n);
    if (!gt) {
      if (!want.optional.has(n)) missing.push(n);
      continue;
    }
    if (typeEquals(gt, wt)) continue;
    if (unsafeMismatch) continue;
    if (!getConversion(gt, wt, true)) unsafeMismatch = `attribute "${n}": ${mismatchMessage(gt, wt)}`;
    if (safeMismatch) continue;
    if (!getConversion(gt, wt, false)) safeMismatch = `attribute "${n}": ${mismatchMessage(gt, wt)}`;
  }
  if (missing.length) {
    missing.sort();
    const q = missing.map((m) => JSON.stringify(m));
    if (q.length === 1) return `attribute ${q[0]} is required`;
    if (q.length === 2) return `attributes ${q[0]} and ${q[1]} are required`;
    return `attributes ${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]} are required`;
  }
  return unsafeMismatch || safeMismatch || 'incorrect object attributes';
}

function mismatchFromStructural(got: Type, want: Type & { elem: Type }): string {
  if ((want.kind === 'list' || want.kind === 'set') && got.kind !== 'tuple') return `${friendlyConstraintName(want)} required`;
  if (want.kind === 'map' && got.kind !== 'object') return `${friendlyConstraintName(want)} required`;
  const we = want.elem;
  if (got.kind === 'tuple') {
    for (let i = 0; i < got.elems.length; i++) {
      const ge = got.elems[i]!;
      if (typeEquals(ge, we) || getConversion(ge, we, true)) continue;
      return `element ${i}: ${mismatchMessage(ge, we)}`;
    }
  } else if (got.kind === 'object') {
    for (const n of got.names) {
      const ge = got.attrs.get(n)!;
      if (typeEquals(ge, we) || getConversion(ge, we, true)) continue;
      return `element "${n}": ${mismatchMessage(ge, we)}`;
    }
  }
  return `all elements must be ${friendlyConstraintName(we)}`;
}

function mismatchFromCollections(got: Type & { elem: Type }, want: Type & { elem: Type }): string {
  if ((want.kind === 'list' || want.kind === 'set') && !(got.kind === 'list' || got.kind === 'set')) return `${friendlyConstraintName(want)} required`;
  if (want.kind === 'map' && got.kind !== 'map') return `${friendlyConstraintName(want)} required`;
  return `incorrect ${want.kind} element type: ${mismatchMessage(got.elem, want.elem)}`;
}


