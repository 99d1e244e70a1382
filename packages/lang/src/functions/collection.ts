/** Collection functions (cty stdlib collection.go, sequence.go, set.go; terraform funcs/collection.go). */
import { T, type Type, listOf, setOf, mapOf, tupleOf, objectOf, friendlyName, typeEquals } from '../types';
import {
  type Value, UNKNOWN, stringVal, numberVal, boolVal, True, False, listVal, emptyListVal, setVal, emptySetVal, mapVal, emptyMapVal,
  tupleVal, objectVal, nullVal, unknownVal, dynamicVal, isWhollyKnown, equals, unmark, withMarks, lengthOf, emptyObjectVal,
} from '../value';
import type { FunctionSpec } from '../function';
import { convert, unify } from './deps';
import { FunctionArgError, p, simple, stringList, toInt } from './helpers';
import { graphemes } from './helpers';

const isSeqType = (t: Type) => t.kind === 'list' || t.kind === 'set' || t.kind === 'tuple';

/** convert.UnifyUnsafe's type, or undefined */
export function unifyType(types: readonly Type[], unsafe = true): Type | undefined {
  return unify(types, unsafe)?.type;
}

function seqList(elems: readonly Value[], kind: 'list' | 'set', elemType: Type): Value {
  if (kind === 'set') return elems.length ? setVal(elems, elemType) : emptySetVal(elemType);
  return elems.length ? listVal(elems, elemType) : emptyListVal(elemType);
}

function flattenInto(v: Value, out: Value[]): boolean {
  for (const e of v.elements()) {
    if (!e.isKnown) return false;
    if (!e.isNull && isSeqType(e.type)) {
      if (!flattenInto(e, out)) return false;
    } else out.push(e);
  }
  return true;
}

function setArgsType(args: readonly Value[]): Type {
  const t = unifyType(args.map((a) => a.type));
  if (!t) throw new Error('given sets must all have compatible element types');
  return t;
}

function setElems(v: Value, t: Type, index: number): readonly Value[] {
  try {
    return convert(v, t).elements();
  } catch (e) {
    throw new FunctionArgError(index, (e as Error).message);
  }
}

const inSet = (set: readonly Value[], v: Value) => set.some((e) => equals(e, v).raw === true);

export const collectionFunctions: Record<string, FunctionSpec> = {
  length: {
    params: [p('value', T.dynamic, { allowDynamicType: true, allowUnknown: true, allowMarked: true })],
    returnType: ([v]) => {
      const t = v!.type;
      if (t === T.string || t.kind === 'tuple' || t.kind === 'object' || t.kind === 'list' || t.kind === 'map' || t.kind === 'set' || t === T.dynamic) return T.number;
      throw new Error('argument must be a string, a collection type, or a structural type');
    },
    impl: ([v]) => {
      const x = v!;
      const t = x.type;
      if (t === T.dynamic) return withMarks(unknownVal(T.number), x.marks);
      if (t.kind === 'tuple') return withMarks(numberVal(t.elems.length), x.marks);
      if (t.kind === 'object') return withMarks(numberVal(t.names.length), x.marks);
      const [u, m] = unmark(x);
      if (t === T.string) return withMarks(u.isKnown ? numberVal(graphemes(u.asString()).length) : unknownVal(T.number), m);
      return lengthOf(x);
    },
  },
  alltrue: simple([p('list', listOf(T.bool))], T.bool, ([l]) => {
    for (const e of l!.elements()) {
      if (!e.isKnown) return unknownVal(T.bool);
      if (e.isNull || e.raw === false) return False;
    }
    return True;
  }),
  anytrue: simple([p('list', listOf(T.bool))], T.bool, ([l]) => {
    let unknown = false;
    for (const e of l!.elements()) {
      if (!e.isKnown) unknown = true;
      else if (e.raw === true) return True;
    }
    return unknown ? unknownVal(T.bool) : False;
  }),
  chunklist: {
    params: [p('list', listOf(T.dynamic)), p('size', T.number)],
    returnType: ([l]) => listOf(l!.type),
    impl: ([l, s], ret) => {
      const size = toInt(s!, undefined, 'invalid size: ');
      if (size < 0) throw new Error('the size argument must be positive');
      const elems = l!.elements();
      const lt = l!.type as { elem: Type };
      if (elems.length === 0) return emptyListVal((ret as { elem: Type }).elem);
      if (size === 0) return listVal([l!]);
      const chunks: Value[] = [];
      for (let i = 0; i < elems.length; i += size) chunks.push(listVal(elems.slice(i, i + size), lt.elem));
      return listVal(chunks);
    },
  },
  coalesce: {
    params: [],
    varParam: p('vals', T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true }),
    returnType: (args) => {
      const t = unifyType(args.map((a) => a.type));
      if (!t) throw new Error('all arguments must have the same type');
      return t;
    },
    impl: (args, ret) => {
      for (const a of args) {
        const v = convert(a, ret);
        if (!v.isKnown) return unknownVal(ret);
        if (v.isNull) continue;
        if (ret === T.string && v.raw === '') continue;
        return v;
      }
      throw new Error('no non-null, non-empty-string arguments');
    },
  },
  coalescelist: {
    params: [],
    varParam: p('vals', T.dynamic, { allowUnknown: true, allowDynamicType: true }),
    returnType: (args) => {
      if (args.length === 0) throw new Error('at least one argument is required');
      for (const a of args) if (a.type.kind !== 'list' && a.type.kind !== 'tuple' && a.type !== T.dynamic) throw new Error('coalescelist arguments must be lists or tuples');
      return unifyType(args.map((a) => a.type)) ?? T.dynamic;
    },
    impl: (args, ret) => {
      for (const a of args) {
        if (!a.isKnown) return unknownVal(ret);
        if (a.elements().length > 0) return ret === T.dynamic ? a : convert(a, ret);
      }
      throw new Error('no non-null arguments');
    },
  },
  compact: simple([p('list', listOf(T.string))], listOf(T.string), ([l]) => {
    if (!isWhollyKnown(l!)) return unknownVal(listOf(T.string));
    return stringList(l!.elements().filter((e) => !e.isNull && e.raw !== '').map((e) => e.asString()));
  }),
  concat: {
    params: [],
    varParam: p('seqs', T.dynamic, { allowMarked: true }),
    returnType: (args) => {
      if (args.length === 0) throw new Error('at least one argument is required');
      if (args.every((a) => a.type.kind === 'list')) {
        const t = unifyType(args.map((a) => a.type));
        if (t) return t;
      }
      const etys: Type[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a.type.kind === 'tuple') etys.push(...a.type.elems);
        else if (a.type.kind === 'list') {
          if (!a.isKnown) return T.dynamic;
          for (let j = 0; j < a.elements().length; j++) etys.push(a.type.elem);
        } else throw new FunctionArgError(i, `all arguments must be lists or tuples; got ${friendlyName(a.type)}`);
      }
      return tupleOf(etys);
    },
    impl: (args, ret) => {
      const out: Value[] = [];
      const marks = args.map((a) => a.marks);
      for (let i = 0; i < args.length; i++) {
        const a = unmark(args[i]!)[0];
        if (!a.isKnown) return withMarks(unknownVal(ret), ...marks);
        out.push(...(ret.kind === 'list' ? convert(a, ret) : a).elements());
      }
      if (ret.kind === 'list') return withMarks(out.length ? listVal(out, ret.elem) : emptyListVal(ret.elem), ...marks);
      return withMarks(tupleVal(out), ...marks);
    },
  },
  contains: simple([p('list', T.dynamic), p('value', T.dynamic)], T.bool, ([l, v]) => {
    if (!isSeqType(l!.type)) throw new Error('argument must be list, tuple, or set');
    if (l!.isNull) throw new Error('cannot search a nil list or set');
    if (!isWhollyKnown(l!)) return unknownVal(T.bool);
    let unknown = false;
    for (const e of l!.elements()) {
      const eq = equals(e, v!);
      if (!eq.isKnown) unknown = true;
      else if (eq.raw === true) return True;
    }
    return unknown ? unknownVal(T.bool) : False;
  }),
  distinct: {
    params: [p('list', listOf(T.dynamic))],
    returnType: ([l]) => l!.type,
    impl: ([l], ret) => {
      if (!isWhollyKnown(l!)) return unknownVal(ret);
      const out: Value[] = [];
      for (const e of l!.elements()) if (!inSet(out, e)) out.push(e);
      return out.length ? listVal(out) : l!;
    },
  },
  element: {
    params: [p('list', T.dynamic), p('index', T.number)],
    returnType: ([l, i]) => {
      const t = l!.type;
      if (t.kind === 'tuple') {
        if (!i!.isKnown) return T.dynamic;
        const idx = toInt(i!, undefined, 'invalid index: ');
        if (t.elems.length === 0) throw new Error('cannot use element function with an empty list');
        if (idx < 0) throw new Error(`panic in function implementation: runtime error: index out of range [${idx}]`);
        return t.elems[idx % t.elems.length]!;
      }
      if (t.kind === 'list') return t.elem;
      throw new Error(`cannot read elements from ${friendlyName(t)}`);
    },
    impl: ([l, i]) => {
      const idx = toInt(i!, undefined, 'invalid index: ');
      if (!l!.isKnown) return dynamicVal;
      const elems = l!.elements();
      if (elems.length === 0) throw new Error('cannot use element function with an empty list');
      if (idx < 0) throw new Error(`panic in function implementation: runtime error: index out of range [${idx}]`);
      return elems[idx % elems.length]!;
    },
  },
  flatten: {
    params: [p('list', T.dynamic)],
    returnType: ([l]) => {
      if (!isSeqType(l!.type)) throw new Error('can only flatten lists, sets and tuples');
      if (!l!.isKnown) return T.dynamic;
      const out: Value[] = [];
      if (!flattenInto(l!, out)) return T.dynamic;
      return tupleOf(out.map((e) => e.type));
    },
    impl: ([l], ret) => {
      if (ret === T.dynamic) return dynamicVal;
      const out: Value[] = [];
      flattenInto(l!, out);
      return tupleVal(out);
    },
  },
  index: simple([p('list', T.dynamic), p('value', T.dynamic)], T.number, ([l, v]) => {
    const t = l!.type;
    if (t.kind !== 'list' && t.kind !== 'tuple') throw new Error('argument must be a list or tuple');
    const elems = l!.elements();
    if (elems.length === 0) throw new Error('cannot search an empty list');
    for (let i = 0; i < elems.length; i++) {
      const eq = equals(elems[i]!, v!);
      if (!eq.isKnown) return unknownVal(T.number);
      if (eq.raw === true) return numberVal(i);
    }
    throw new Error('item not found');
  }),
  keys: {
    params: [p('inputMap', T.dynamic, { allowUnknown: true, allowMarked: true })],
    returnType: ([m]) => {
      const t = m!.type;
      if (t.kind === 'map') return listOf(T.string);
      if (t.kind === 'object') return tupleOf(t.names.map(() => T.string));
      if (t === T.dynamic) return T.dynamic;
      throw new FunctionArgError(0, 'must have map or object type');
    },
    impl: ([m], ret) => {
      const [u, marks] = unmark(m!);
      if (u.type.kind === 'object') return withMarks(tupleVal(u.type.names.map(stringVal)), marks);
      if (!u.isKnown) return withMarks(unknownVal(ret), marks);
      return withMarks(stringList([...u.entries().keys()]), marks);
    },
  },
  values: {
    params: [p('mapping', T.dynamic)],
    returnType: ([m]) => {
      const t = m!.type;
      if (t.kind === 'map') return listOf(t.elem);
      if (t.kind === 'object') return tupleOf(t.names.map((n) => t.attrs.get(n)!));
      throw new Error('values() requires a map as the first argument');
    },
    impl: ([m], ret) => {
      const vals = [...m!.entries().values()];
      if (ret.kind === 'list') return vals.length ? listVal(vals, ret.elem) : emptyListVal(ret.elem);
      return tupleVal(vals);
    },
  },
  lookup: {
    params: [p('inputMap', T.dynamic, { allowMarked: true, allowUnknown: true }), p('key', T.string, { allowMarked: true, allowUnknown: true })],
    varParam: p('default', T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true, allowMarked: true }),
    returnType: (args) => {
      if (args.length < 1 || args.length > 3) throw new Error(`lookup() takes two or three arguments, got ${args.length}`);
      const t = args[0]!.type;
      if (t.kind === 'object') {
        if (!args[1]!.isKnown) return T.dynamic;
        const key = unmark(args[1]!)[0].asString();
        if (t.attrs.has(key)) return t.attrs.get(key)!;
        if (args.length === 3) return args[2]!.type;
        throw new FunctionArgError(0, `the given object has no attribute ${JSON.stringify(key)}`);
      }
      if (t.kind === 'map') {
        if (args.length === 3) {
          try {
            convert(args[2]!, t.elem);
          } catch {
            throw new FunctionArgError(2, 'the default value must have the same type as the map elements');
          }
        }
        return t.elem;
      }
      throw new FunctionArgError(0, 'lookup() requires a map as the first argument');
    },
    impl: (args, ret) => {
      const [m, mm] = unmark(args[0]!);
      const [k, km] = unmark(args[1]!);
      if (!m.isKnown || !k.isKnown) return withMarks(unknownVal(ret), mm, km);
      const key = k.asString();
      const hit = m.isNull ? undefined : m.entries().get(key);
      if (hit) return withMarks(hit, mm, km);
      if (args.length === 3) return withMarks(convert(args[2]!, ret), mm, km);
      throw new Error(`lookup failed to find key ${km.has('sensitive') ? '(sensitive value)' : JSON.stringify(key)}`);
    },
  },
  matchkeys: {
    params: [p('values', listOf(T.dynamic)), p('keys', listOf(T.dynamic)), p('searchset', listOf(T.dynamic))],
    returnType: ([v, k, s]) => {
      if (!unifyType([k!.type, s!.type])) throw new Error('keys and searchset must be of the same type');
      return v!.type;
    },
    impl: ([v, k, s], ret) => {
      const et = (ret as { elem: Type }).elem;
      if (!v!.isKnown) return unknownVal(ret);
      if (v!.elements().length !== k!.elements().length) throw new Error('length of keys and values should be equal');
      const t = unifyType([k!.type, s!.type])!;
      const keys = convert(k!, t).elements();
      const search = convert(s!, t).elements();
      if (search.length === 0) return emptyListVal(et);
      if (!isWhollyKnown(v!) || !isWhollyKnown(k!)) return unknownVal(ret);
      const out: Value[] = [];
      keys.forEach((key, i) => {
        if (search.some((x) => equals(key, x).raw === true)) out.push(v!.elements()[i]!);
      });
      return out.length ? listVal(out, et) : emptyListVal(et);
    },
  },
  merge: {
    params: [],
    varParam: p('maps', T.dynamic, { allowDynamicType: true, allowNull: true, allowMarked: true }),
    returnType: (args) => {
      if (args.length === 0) return objectOf({});
      const attrs = new Map<string, Type>();
      let first: Type | undefined;
      let matching = true;
      let attrsKnown = true;
      for (let i = 0; i < args.length; i++) {
        const t = args[i]!.type;
        if (t === T.dynamic) return T.dynamic;
        if (t.kind !== 'map' && t.kind !== 'object') throw new Error(`arguments must be maps or objects, got "${friendlyName(t)}"`);
        const a = unmark(args[i]!)[0];
        if (t.kind === 'object' && !a.isNull) for (const n of t.names) attrs.set(n, t.attrs.get(n)!);
        else if (t.kind === 'map') {
          if (a.isNull) {
            /* nothing */
          } else if (a.isKnown) for (const k of a.entries().keys()) attrs.set(k, t.elem);
          else attrsKnown = false;
        }
        if (i === 0) first = t;
        else if (!typeEquals(t, first!)) matching = false;
      }
      if (matching) return first!;
      if (!attrsKnown) return T.dynamic;
      return objectOf(attrs);
    },
    impl: (args, ret) => {
      const out = new Map<string, Value>();
      const marks = [];
      for (const arg of args) {
        if (arg.isNull) continue;
        const [a, m] = unmark(arg);
        marks.push(m);
        for (const [k, v] of a.entries()) out.set(k, v);
      }
      if (ret.kind === 'map') return withMarks(out.size ? mapVal(out, ret.elem) : emptyMapVal(ret.elem), ...marks);
      return withMarks(out.size ? objectVal(out) : emptyObjectVal, ...marks);
    },
  },
  one: {
    params: [p('list', T.dynamic)],
    returnType: ([l]) => {
      const t = l!.type;
      if (t.kind === 'list' || t.kind === 'set') return t.elem;
      if (t.kind === 'tuple' && t.elems.length <= 1) return t.elems[0] ?? T.dynamic;
      throw new FunctionArgError(0, 'must be a list, set, or tuple value with either zero or one elements');
    },
    impl: ([l], ret) => {
      const elems = l!.elements();
      if (elems.length === 0) return nullVal(ret);
      if (elems.length === 1) return elems[0]!;
      throw new FunctionArgError(0, 'must be a list, set, or tuple value with either zero or one elements');
    },
  },
  range: {
    params: [],
    varParam: p('params', T.number),
    returnType: () => listOf(T.number),
    impl: (args) => {
      let start = 0;
      let end: number;
      let step = 1;
      if (args.length === 1) end = args[0]!.asNumber();
      else if (args.length === 2) {
        start = args[0]!.asNumber();
        end = args[1]!.asNumber();
      } else if (args.length === 3) {
        start = args[0]!.asNumber();
        end = args[1]!.asNumber();
        step = args[2]!.asNumber();
      } else throw new Error('must have one, two, or three arguments');
      if (args.length < 3 && end < start) step = -1;
      if (step === 0) throw new FunctionArgError(2, 'step must not be zero');
      if (step < 0 && start < end) throw new FunctionArgError(1, 'end must be less than start when step is negative');
      if (step > 0 && start > end) throw new FunctionArgError(1, 'end must be greater than start when step is positive');
      const out: Value[] = [];
      for (let v = start; step > 0 ? v < end : v > end; v += step) {
        if (out.length >= 1024) throw new Error('more than 1024 values were generated; either decrease the difference between start and end or use a smaller step');
        out.push(numberVal(v));
      }
      return out.length ? listVal(out) : emptyListVal(T.number);
    },
  },
  reverse: {
    params: [p('list', T.dynamic)],
    returnType: ([l]) => {
      const t = l!.type;
      if (t.kind === 'tuple') return tupleOf([...t.elems].reverse());
      if (t.kind === 'list') return t;
      if (t.kind === 'set') return listOf(t.elem);
      throw new FunctionArgError(0, `can only reverse list or tuple values, not ${friendlyName(t)}`);
    },
    impl: ([l], ret) => {
      const rev = [...l!.elements()].reverse();
      if (ret.kind === 'tuple') return tupleVal(rev);
      return rev.length ? listVal(rev, (ret as { elem: Type }).elem) : emptyListVal((ret as { elem: Type }).elem);
    },
  },
  setintersection: setOp((sets) => sets[0]!.filter((e) => sets.slice(1).every((s) => inSet(s, e)))),
  setunion: setOp((sets) => sets.flat()),
  setsubtract: {
    params: [p('a', setOf(T.dynamic)), p('b', setOf(T.dynamic))],
    returnType: setArgsType,
    impl: (args, ret) => {
      const a = setElems(args[0]!, ret, 0);
      const b = setElems(args[1]!, ret, 1);
      return seqList(a.filter((e) => !inSet(b, e)), 'set', (ret as { elem: Type }).elem);
    },
  },
  setproduct: {
    params: [],
    varParam: p('sets', T.dynamic),
    returnType: (args) => {
      if (args.length < 2) throw new Error('at least two arguments are required');
      let lists = 0;
      const etys: Type[] = [];
      args.forEach((a, i) => {
        const t = a.type;
        if (t.kind === 'set' || t.kind === 'list') {
          if (t.kind === 'list') lists++;
          etys.push(t.elem);
        } else if (t.kind === 'tuple') {
          lists++;
          const u = t.elems.length ? unifyType(t.elems) : T.dynamic;
          if (!u) throw new FunctionArgError(i, 'all elements must be of the same type');
          etys.push(u);
        } else throw new FunctionArgError(i, 'a set or a list is required');
      });
      return lists === args.length ? listOf(tupleOf(etys)) : setOf(tupleOf(etys));
    },
    impl: (args, ret) => {
      const tt = (ret as { elem: Type }).elem as { elems: readonly Type[] };
      const lists = args.map((a, i) => (a.type.kind === 'tuple' ? (tt.elems[i] === T.dynamic ? a.elements() : convert(a, listOf(tt.elems[i]!)).elements()) : a.elements()));
      let rows: Value[][] = [[]];
      for (const l of lists) rows = rows.flatMap((r) => l.map((e) => [...r, e]));
      if (lists.some((l) => l.length === 0)) rows = [];
      const tuples = rows.map((r) => tupleVal(r));
      return seqList(tuples, ret.kind === 'set' ? 'set' : 'list', (ret as { elem: Type }).elem);
    },
  },
  slice: {
    params: [p('list', T.dynamic), p('start_index', T.number), p('end_index', T.number)],
    returnType: ([l, s, e]) => {
      const t = l!.type;
      if (t.kind === 'set') throw new FunctionArgError(0, 'cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important');
      if (t.kind !== 'list' && t.kind !== 'tuple') throw new FunctionArgError(0, 'must be a list or tuple value');
      if (t.kind === 'list') return t;
      if (!s!.isKnown || !e!.isKnown) return T.dynamic;
      const [a, b] = sliceIndexes(t.elems.length, s!, e!);
      return tupleOf(t.elems.slice(a, b));
    },
    impl: ([l, s, e], ret) => {
      if (!l!.isKnown) return unknownVal(ret);
      const elems = l!.elements();
      const [a, b] = sliceIndexes(elems.length, s!, e!);
      const part = elems.slice(a, b);
      if (ret.kind === 'list') return part.length ? listVal(part, ret.elem) : emptyListVal(ret.elem);
      return tupleVal(part);
    },
  },
  transpose: simple([p('values', mapOf(listOf(T.string)))], mapOf(listOf(T.string)), ([m]) => {
    const rt = mapOf(listOf(T.string));
    if (!isWhollyKnown(m!)) return unknownVal(rt);
    const tmp = new Map<string, string[]>();
    for (const [k, l] of m!.entries()) {
      if (l.isNull) throw new Error('input must not contain null list');
      for (const v of l.elements()) {
        if (v.isNull) throw new Error('input list must not contain null string');
        const arr = tmp.get(v.asString()) ?? [];
        arr.push(k);
        arr.sort();
        tmp.set(v.asString(), arr);
      }
    }
    if (tmp.size === 0) return emptyMapVal(listOf(T.string));
    return mapVal(new Map([...tmp].map(([k, v]) => [k, stringList(v)])));
  }),
  zipmap: {
    params: [p('keys', listOf(T.string)), p('values', T.dynamic)],
    returnType: ([k, v]) => {
      const vt = v!.type;
      if (vt.kind === 'list') return mapOf(vt.elem);
      if (vt.kind === 'tuple') {
        if (!k!.isKnown) return T.dynamic;
        const keys = k!.elements();
        if (keys.length !== vt.elems.length) throw new Error(`number of keys (${keys.length}) does not match number of values (${vt.elems.length})`);
        const attrs = new Map<string, Type>();
        keys.forEach((key, i) => {
          if (key.isNull) throw new Error(`keys list has null value at index ${i}`);
          if (key.isKnown) attrs.set(key.asString(), vt.elems[i]!);
        });
        return objectOf(attrs);
      }
      throw new Error('values argument must be a list or tuple value');
    },
    impl: ([k, v], ret) => {
      if (!k!.isKnown || !v!.isKnown) return unknownVal(ret);
      const keys = k!.elements();
      const vals = v!.elements();
      if (keys.length !== vals.length) throw new Error(`number of keys (${keys.length}) does not match number of values (${vals.length})`);
      const out = new Map<string, Value>();
      keys.forEach((key, i) => out.set(key.asString(), vals[i]!));
      if (ret.kind === 'map') return out.size ? mapVal(out, ret.elem) : emptyMapVal(ret.elem);
      return out.size ? objectVal(out) : emptyObjectVal;
    },
  },
  list: removed('list', 'the "list" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list'),
  map: removed('map', 'the "map" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map'),
};

function removed(_name: string, message: string): FunctionSpec {
  return {
    params: [],
    varParam: p('vals', T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true }),
    returnType: () => {
      throw new Error(message);
    },
    impl: () => {
      throw new Error(message);
    },
  };
}

function setOp(op: (sets: readonly (readonly Value[])[]) => readonly Value[]): FunctionSpec {
  return {
    params: [p('first_set', setOf(T.dynamic), { allowUnknown: true })],
    varParam: p('other_sets', setOf(T.dynamic), { allowUnknown: true }),
    returnType: setArgsType,
    impl: (args, ret) => {
      if (!args.every(isWhollyKnown)) return unknownVal(ret);
      const sets = args.map((a, i) => setElems(a, ret, i));
      return seqList(op(sets), 'set', (ret as { elem: Type }).elem);
    },
  };
}

function sliceIndexes(len: number, s: Value, e: Value): [number, number] {
  const a = toInt(s, 1, 'invalid start index: ');
  if (a < 0) throw new FunctionArgError(1, 'start index must not be less than zero');
  if (a > len) throw new FunctionArgError(1, 'start index must not be greater than the length of the list');
  const b = toInt(e, 2, 'invalid end index: ');
  if (b < 0) throw new FunctionArgError(2, 'end index must not be less than zero');
  if (b > len) throw new FunctionArgError(2, 'end index must not be greater than the length of the list');
  if (a > b) throw new FunctionArgError(1, 'start index must not be greater than end index');
  return [a, b];
}

