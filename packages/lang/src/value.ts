/**
 * cty values (github.com/zclconf/go-cty/cty Value): typed, possibly null, possibly unknown, possibly
 * marked (sensitive / ephemeral), immutable.
 *
 * Representation (read `raw` only after checking `isKnown` / `isNull`):
 *   string  -> JS string (NFC-normalised on construction, as cty.StringVal does)
 *   number  -> JS number (IEEE-754 double; see "Numbers" below)
 *   bool    -> JS boolean
 *   list, set, tuple -> readonly Value[] (a set's elements are deduplicated and in cty's set order)
 *   map, object      -> ReadonlyMap<string, Value> (keys in cty's iteration order: sorted)
 *   null    -> `null` (a null keeps its type: `nullVal(T.string)`)
 *   unknown -> the `UNKNOWN` symbol (an unknown keeps its type; `dynamicVal` is unknown of any type)
 *
 * Marks: `marks` holds the marks on this value itself (shallow, like cty). Elements of a collection can
 * carry their own marks ("deep" marks). Operations propagate marks: a result is marked with every mark
 * of the operands it was computed from (`unmarkDeep` collects them). Terraform's marks are `sensitive`
 * and `ephemeral`; other strings are allowed.
 *
 * Numbers: a JS double, not cty's 512-bit big.Float. Integers are exact up to 2^53; decimal fractions
 * round as doubles do, so `0.1 + 0.2` is 0.30000000000000004 here and 0.3 in terraform, and `1/3`
 * prints 17 digits here where terraform prints 155. `formatNumber` writes numbers as cty does
 * (fixed notation, never an exponent: 1e20 -> "100000000000000000000"). Infinity is not a value
 * terraform can produce from a literal; division by zero is an error in the evaluator.
 */
import { T, type Type, type ObjectType, listOf, setOf, mapOf, tupleOf, objectOf, emptyTuple, emptyObject, typeEquals, hasDynamic, isPrimitive } from './types';

/** The raw payload of every unknown value. */
export const UNKNOWN: unique symbol = Symbol('unknown');

export type Mark = 'sensitive' | 'ephemeral' | (string & {});
export type Marks = ReadonlySet<Mark>;
/** the one empty mark set every unmarked value shares (no allocation per value) */
export const NO_MARKS: Marks = Object.freeze(new Set<Mark>()) as Marks;

export type Raw = string | number | boolean | readonly Value[] | ReadonlyMap<string, Value> | null | typeof UNKNOWN;

export class Value {
  constructor(
    readonly type: Type,
    /** see the module comment; use the accessors below unless speed matters */
    readonly raw: Raw,
    readonly marks: Marks = NO_MARKS,
  ) {}

  get isNull(): boolean {
    return this.raw === null;
  }
  /** shallow: false only when this value itself is unknown (elements may still be unknown) */
  get isKnown(): boolean {
    return this.raw !== UNKNOWN;
  }
  get isMarked(): boolean {
    return this.marks.size > 0;
  }
  /** the string of a known, non-null string value (throws otherwise: a programming error) */
  asString(): string {
    if (typeof this.raw !== 'string') throw new TypeError(`asString on ${describe(this)}`);
    return this.raw;
  }
  asNumber(): number {
    if (typeof this.raw !== 'number') throw new TypeError(`asNumber on ${describe(this)}`);
    return this.raw;
  }
  asBool(): boolean {
    if (typeof this.raw !== 'boolean') throw new TypeError(`asBool on ${describe(this)}`);
    return this.raw;
  }
  /** elements of a known, non-null list, set or tuple */
  elements(): readonly Value[] {
    if (!Array.isArray(this.raw)) throw new TypeError(`elements on ${describe(this)}`);
    return this.raw as readonly Value[];
  }
  /** attributes / entries of a known, non-null object or map */
  entries(): ReadonlyMap<string, Value> {
    if (!(this.raw instanceof Map)) throw new TypeError(`entries on ${describe(this)}`);
    return this.raw as ReadonlyMap<string, Value>;
  }
}

function describe(v: Value): string {
  return `${v.raw === UNKNOWN ? 'unknown ' : v.raw === null ? 'null ' : ''}${v.type.kind} value`;
}

const ASCII = /^[\x00-\x7f]*$/;

// ---------------------------------------------------------------------------------------------------
// Constructors

export function stringVal(s: string): Value {
  return new Value(T.string, ASCII.test(s) ? s : s.normalize('NFC'));
}
export function numberVal(n: number): Value {
  return new Value(T.number, n === 0 ? 0 : n); // no negative zero (big.Float prints -0 as "-0"; cty literals never make it)
}
export function boolVal(b: boolean): Value {
  return b ? True : False;
}
export const True: Value = new Value(T.bool, true);
export const False: Value = new Value(T.bool, false);
export const Zero: Value = new Value(T.number, 0);
export const EmptyString: Value = new Value(T.string, '');
/** cty.DynamicVal: unknown, of a type not known yet */
export const dynamicVal: Value = new Value(T.dynamic, UNKNOWN);
/** cty.EmptyTupleVal (`[]`) */
export const emptyTupleVal: Value = new Value(emptyTuple, []);
/** cty.EmptyObjectVal (`{}`) */
export const emptyObjectVal: Value = new Value(emptyObject, new Map());

export function nullVal(t: Type): Value {
  return new Value(t, null);
}
export function unknownVal(t: Type): Value {
  return t === T.dynamic ? dynamicVal : new Value(t, UNKNOWN);
}

/**
 * A list. All elements must have the same type (convert/unify first, see convert.ts); with no elements
 * the element type is required.
 */
export function listVal(elems: readonly Value[], elemType?: Type): Value {
  const et = elemType ?? elems[0]?.type;
  if (!et) throw new TypeError('listVal: an empty list needs its element type');
  return new Value(listOf(et), elems);
}
export function emptyListVal(elemType: Type): Value {
  return new Value(listOf(elemType), []);
}
/** A set: elements are deduplicated (cty RawEquals ignoring marks... see below) and put in cty's set order. */
export function setVal(elems: readonly Value[], elemType?: Type): Value {
  const et = elemType ?? elems[0]?.type;
  if (!et) throw new TypeError('setVal: an empty set needs its element type');
  return new Value(setOf(et), normaliseSet(elems));
}
export function emptySetVal(elemType: Type): Value {
  return new Value(setOf(elemType), []);
}
/** A map from a Map or a record; keys are put in sorted order. */
export function mapVal(entries: ReadonlyMap<string, Value> | Readonly<Record<string, Value>>, elemType?: Type): Value {
  const m = sortedMap(entries);
  const et = elemType ?? m.values().next().value?.type;
  if (!et) throw new TypeError('mapVal: an empty map needs its element type');
  return new Value(mapOf(et), m);
}
export function emptyMapVal(elemType: Type): Value {
  return new Value(mapOf(elemType), new Map());
}
export function tupleVal(elems: readonly Value[]): Value {
  if (elems.length === 0) return emptyTupleVal;
  return new Value(tupleOf(elems.map((e) => e.type)), elems);
}
/** An object; its type is implied from the attribute values. */
export function objectVal(attrs: ReadonlyMap<string, Value> | Readonly<Record<string, Value>>): Value {
  const m = sortedMap(attrs);
  if (m.size === 0) return emptyObjectVal;
  const types = new Map<string, Type>();
  for (const [k, v] of m) types.set(k, v.type);
  return new Value(objectOf(types), m);
}
/** An object of a given object type (attribute values must already have the attribute types). */
export function objectValOfType(type: ObjectType, attrs: ReadonlyMap<string, Value>): Value {
  return new Value(type, sortedMap(attrs));
}

function sortedMap(entries: ReadonlyMap<string, Value> | Readonly<Record<string, Value>>): ReadonlyMap<string, Value> {
  const list = entries instanceof Map ? [...(entries as ReadonlyMap<string, Value>).entries()] : Object.entries(entries as Record<string, Value>);
  let sorted = true;
  for (let i = 1; i < list.length; i++) if (compareStrings(list[i - 1]![0], list[i]![0]) > 0) sorted = false;
  if (sorted && entries instanceof Map) return entries as ReadonlyMap<string, Value>;
  if (!sorted) list.sort((a, b) => compareStrings(a[0], b[0]));
  return new Map(list);
}

/** Go's string order (UTF-8 bytes), which differs from JS's UTF-16 order only around surrogates. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogates (astral characters) sort after U+E000..U+FFFF in UTF-8
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x - y;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------------
// Marks

function unionMarks(a: Marks, b: Marks): Marks {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  let all = true;
  for (const m of b) if (!a.has(m)) all = false;
  if (all) return a;
  return new Set([...a, ...b]);
}

/** The value with `marks` added to its own (shallow) marks. */
export function withMarks(v: Value, ...marks: (Marks | Mark)[]): Value {
  let m = v.marks;
  for (const x of marks) m = unionMarks(m, typeof x === 'string' ? new Set([x]) : x);
  return m === v.marks ? v : new Value(v.type, v.raw, m);
}
export function markSensitive(v: Value): Value {
  return withMarks(v, 'sensitive');
}
/** [the value without its own marks, those marks] (cty Unmark: nested marks stay) */
export function unmark(v: Value): [Value, Marks] {
  return v.marks.size === 0 ? [v, NO_MARKS] : [new Value(v.type, v.raw), v.marks];
}
/** [the value with every mark removed at every depth, the union of all those marks] (cty UnmarkDeep) */
export function unmarkDeep(v: Value): [Value, Marks] {
  if (!containsMarked(v)) return [v, NO_MARKS];
  const all = new Set<Mark>();
  const strip = (x: Value): Value => {
    for (const m of x.marks) all.add(m);
    if (Array.isArray(x.raw)) return new Value(x.type, (x.raw as readonly Value[]).map(strip));
    if (x.raw instanceof Map) {
      const m = new Map<string, Value>();
      for (const [k, e] of x.raw as ReadonlyMap<string, Value>) m.set(k, strip(e));
      return new Value(x.type, m);
    }
    return x.marks.size ? new Value(x.type, x.raw) : x;
  };
  return [strip(v), all];
}
/** Whether the value or anything inside it is marked (cty ContainsMarked). */
export function containsMarked(v: Value): boolean {
  if (v.marks.size) return true;
  if (Array.isArray(v.raw)) {
    for (const e of v.raw as readonly Value[]) if (containsMarked(e)) return true;
  } else if (v.raw instanceof Map) {
    for (const e of (v.raw as ReadonlyMap<string, Value>).values()) if (containsMarked(e)) return true;
  }
  return false;
}
/** Whether the value or anything inside it carries `mark`. */
export function hasMarkDeep(v: Value, mark: Mark): boolean {
  if (v.marks.has(mark)) return true;
  if (Array.isArray(v.raw)) {
    for (const e of v.raw as readonly Value[]) if (hasMarkDeep(e, mark)) return true;
  } else if (v.raw instanceof Map) {
    for (const e of (v.raw as ReadonlyMap<string, Value>).values()) if (hasMarkDeep(e, mark)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Inspection

/** Known at every depth (cty IsWhollyKnown). */
export function isWhollyKnown(v: Value): boolean {
  if (v.raw === UNKNOWN) return false;
  if (Array.isArray(v.raw)) {
    for (const e of v.raw as readonly Value[]) if (!isWhollyKnown(e)) return false;
  } else if (v.raw instanceof Map) {
    for (const e of (v.raw as ReadonlyMap<string, Value>).values()) if (!isWhollyKnown(e)) return false;
  }
  return true;
}

/**
 * Number of elements (cty Length) as a number value: unknown when the collection is unknown, or when a
 * set holds unknown elements (they might turn out equal). Marks of the collection carry over.
 */
export function lengthOf(v: Value): Value {
  if (v.raw === UNKNOWN) return new Value(T.number, UNKNOWN, v.marks);
  if (v.type.kind === 'tuple') return new Value(T.number, v.type.elems.length, v.marks);
  if (v.type.kind === 'set' && !(v.raw as readonly Value[]).every((e) => e.raw !== UNKNOWN)) return new Value(T.number, UNKNOWN, v.marks);
  if (Array.isArray(v.raw)) return new Value(T.number, v.raw.length, v.marks);
  if (v.raw instanceof Map) return new Value(T.number, v.raw.size, v.marks);
  throw new TypeError(`lengthOf on ${describe(v)}`);
}

/** Whether the value can be iterated element by element (known, not null, a collection or structure). */
export function canIterate(v: Value): boolean {
  return v.raw !== UNKNOWN && v.raw !== null && typeof v.raw === 'object';
}

/**
 * Elements as [key, value] pairs as cty's ElementIterator gives them: numeric index keys for
 * lists/tuples, the element itself as key for sets, string keys for maps/objects.
 */
export function elementPairs(v: Value): [Value, Value][] {
  const t = v.type;
  if (t.kind === 'list' || t.kind === 'tuple') return v.elements().map((e, i) => [numberVal(i), e]);
  if (t.kind === 'set') return v.elements().map((e) => [e, e]);
  if (t.kind === 'map' || t.kind === 'object') return [...v.entries()].map(([k, e]) => [stringVal(k), e]);
  throw new TypeError(`elementPairs on ${describe(v)}`);
}

// ---------------------------------------------------------------------------------------------------
// Equality

/** Identical values: same type, same nullness/knownness, same content, same marks (cty RawEquals). */
export function rawEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (!typeEquals(a.type, b.type)) return false;
  if (a.marks.size !== b.marks.size) return false;
  for (const m of a.marks) if (!b.marks.has(m)) return false;
  return rawPayloadEquals(a, b, true);
}

function rawPayloadEquals(a: Value, b: Value, marks: boolean): boolean {
  const x = a.raw;
  const y = b.raw;
  if (x === y) return true;
  if (x === null || y === null || x === UNKNOWN || y === UNKNOWN) return false;
  if (Array.isArray(x)) {
    const ya = y as readonly Value[];
    if (x.length !== ya.length) return false;
    for (let i = 0; i < x.length; i++) if (!(marks ? rawEquals(x[i]!, ya[i]!) : sameIgnoringMarks(x[i]!, ya[i]!))) return false;
    return true;
  }
  if (x instanceof Map) {
    const ym = y as ReadonlyMap<string, Value>;
    if (x.size !== ym.size) return false;
    for (const [k, e] of x as ReadonlyMap<string, Value>) {
      const f = ym.get(k);
      if (!f || !(marks ? rawEquals(e, f) : sameIgnoringMarks(e, f))) return false;
    }
    return true;
  }
  return false; // primitives differ (x !== y)
}

function sameIgnoringMarks(a: Value, b: Value): boolean {
  return a === b || (typeEquals(a.type, b.type) && rawPayloadEquals(a, b, false));
}

/**
 * `a == b` as terraform evaluates it (cty Value.Equals): a bool value, unknown when the answer depends
 * on unknowns, marked with the operands' marks (deep marks of both when compared deeply; a comparison
 * with null only carries the top-level marks). Values of different types are not equal (`1 == "1"` is
 * false); no conversion happens.
 */
export function equals(a: Value, b: Value): Value {
  if (containsMarked(a) || containsMarked(b)) {
    let [ua, ma] = unmarkDeep(a);
    let [ub, mb] = unmarkDeep(b);
    if ((a.raw === null) !== (b.raw === null)) {
      ma = a.marks;
      mb = b.marks;
    }
    return withMarks(equals(ua, ub), ma, mb);
  }
  const an = a.raw === null;
  const bn = b.raw === null;
  const ak = a.raw !== UNKNOWN;
  const bk = b.raw !== UNKNOWN;
  // a null and a value that is certainly not null (known non-null) differ
  if (an && bk && !bn) return False;
  if (bn && ak && !an) return False;
  if (!ak && !bk) return UNKNOWN_BOOL;
  if (ak && !bk) return an || hasDynamic(b.type) ? UNKNOWN_BOOL : !typeEquals(a.type, b.type) ? False : UNKNOWN_BOOL;
  if (bk && !ak) return bn || hasDynamic(a.type) ? UNKNOWN_BOOL : !typeEquals(b.type, a.type) ? False : UNKNOWN_BOOL;
  if (an && bn) return True;
  if (an || bn) return False;
  if (!typeEquals(a.type, b.type)) return False;
  const r = deepEquals(a, b);
  return r === undefined ? UNKNOWN_BOOL : boolVal(r);
}
const UNKNOWN_BOOL = new Value(T.bool, UNKNOWN);

/** true / false, or undefined when an unknown decides it (same-typed, unmarked, known operands) */
function deepEquals(a: Value, b: Value): boolean | undefined {
  const x = a.raw;
  const y = b.raw;
  if (x === UNKNOWN || y === UNKNOWN) return undefined;
  if (x === null || y === null) return x === y;
  if (typeof x !== 'object') return x === y;
  if (a.type.kind === 'set') {
    const xs = x as readonly Value[];
    const ys = y as readonly Value[];
    if (xs.some((e) => !isWhollyKnown(e)) || ys.some((e) => !isWhollyKnown(e))) return undefined;
    if (xs.length !== ys.length) return false;
    return xs.every((e) => ys.some((f) => sameIgnoringMarks(e, f)));
  }
  if (Array.isArray(x)) {
    const ys = y as readonly Value[];
    if (x.length !== ys.length) return false;
    for (let i = 0; i < x.length; i++) {
      const r = deepEquals(x[i]!, ys[i]!);
      if (r !== true) return r;
    }
    return true;
  }
  const xm = x as ReadonlyMap<string, Value>;
  const ym = y as ReadonlyMap<string, Value>;
  if (xm.size !== ym.size) return false;
  for (const [k, e] of xm) {
    const f = ym.get(k);
    if (!f) return false;
    const r = deepEquals(e, f);
    if (r !== true) return r;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Sets

/** Deduplicated (ignoring marks on equal elements: the first one's marks win) and sorted as cty sorts. */
function normaliseSet(elems: readonly Value[]): readonly Value[] {
  if (elems.length < 2) return elems;
  const out: Value[] = [];
  outer: for (const e of elems) {
    if (e.raw !== UNKNOWN) for (const o of out) if (sameIgnoringMarks(o, e)) continue outer;
    out.push(e);
  }
  return out.sort(setOrder);
}

/** cty's set order: known non-null first; strings, numbers, bools by value; others by a canonical key. */
export function setOrder(a: Value, b: Value): number {
  const an = a.raw === null;
  const bn = b.raw === null;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  const ak = a.raw !== UNKNOWN;
  const bk = b.raw !== UNKNOWN;
  if (!ak || !bk) return ak === bk ? 0 : ak ? -1 : 1;
  if (typeof a.raw === 'string' && typeof b.raw === 'string') return compareStrings(a.raw, b.raw);
  if (typeof a.raw === 'number' && typeof b.raw === 'number') return a.raw - b.raw;
  if (typeof a.raw === 'boolean' && typeof b.raw === 'boolean') return a.raw === b.raw ? 0 : a.raw ? 1 : -1;
  return compareStrings(canonicalKey(a), canonicalKey(b));
}

/** A string identifying a value's content (not cty's hash bytes; used to order sets of structures). */
export function canonicalKey(v: Value): string {
  const x = v.raw;
  if (x === null) return '~';
  if (x === UNKNOWN) return '?';
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'number') return formatNumber(x);
  if (typeof x === 'boolean') return x ? 'T' : 'F';
  if (Array.isArray(x)) return `[${(x as readonly Value[]).map(canonicalKey).join(';')}]`;
  return `<${[...(x as ReadonlyMap<string, Value>)].map(([k, e]) => `${JSON.stringify(k)}:${canonicalKey(e)}`).join(';')}>`;
}

// ---------------------------------------------------------------------------------------------------
// Numbers

/**
 * A number as cty writes it (big.Float Text('f', -1)): the shortest decimal that reads back as the same
 * double, in fixed notation, no exponent, no trailing `.0`.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n === 0 ? '0' : String(n);
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s[0] === '-';
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return neg ? `-${out}` : out;
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal string as cty.ParseNumberVal reads it (base 10, optional sign and exponent), or undefined. */
export function parseNumber(s: string): number | undefined {
  if (!NUMBER_TEXT.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

// ---------------------------------------------------------------------------------------------------
// JSON (as terraform writes values in plan/state JSON)

/**
 * The value as JSON the way terraform's plan JSON writes it (ctyjson.Marshal after jsonplan's
 * omitUnknowns): unknown attributes of objects/maps are left out, unknown elements of sequences become
 * null, a wholly unknown value is `undefined`. Marks are ignored (see `sensitiveToJson`).
 */
export function valueToJson(v: Value): unknown {
  const x = v.raw;
  if (x === UNKNOWN) return undefined;
  if (x === null) return null;
  if (typeof x !== 'object') return x;
  if (Array.isArray(x)) return (x as readonly Value[]).map((e) => (e.raw === UNKNOWN ? null : valueToJson(e)));
  const o: Record<string, unknown> = {};
  for (const [k, e] of x as ReadonlyMap<string, Value>) if (e.raw !== UNKNOWN) o[k] = valueToJson(e);
  return o;
}

/**
 * Plan JSON's `after_unknown` tree for a value (jsonplan unknownAsBool): `true` for an unknown value,
 * `false` for a known primitive or null; sequences become arrays of these; objects and maps become
 * objects holding only their non-false entries.
 */
export function unknownToJson(v: Value): unknown {
  return marksToJson(v, (x) => x.raw === UNKNOWN);
}

/** Plan JSON's `after_sensitive` tree (jsonplan sensitiveAsBool), same shape rules as unknownToJson. */
export function sensitiveToJson(v: Value): unknown {
  return marksToJson(v, (x) => x.marks.has('sensitive'));
}

function marksToJson(v: Value, hit: (v: Value) => boolean): unknown {
  if (hit(v)) return true;
  const x = v.raw;
  if (x === null || x === UNKNOWN || typeof x !== 'object') return false;
  if (Array.isArray(x)) return (x as readonly Value[]).map((e) => marksToJson(e, hit));
  const o: Record<string, unknown> = {};
  for (const [k, e] of x as ReadonlyMap<string, Value>) {
    const j = marksToJson(e, hit);
    if (j !== false) o[k] = j;
  }
  return o;
}

/**
 * The type ctyjson.ImpliedType gives a JSON value: objects -> object types, arrays -> tuple types,
 * numbers, strings, bools; null -> dynamic.
 */
export function impliedJsonType(j: unknown): Type {
  if (j === null || j === undefined) return T.dynamic;
  if (typeof j === 'string') return T.string;
  if (typeof j === 'number') return T.number;
  if (typeof j === 'boolean') return T.bool;
  if (Array.isArray(j)) return tupleOf(j.map(impliedJsonType));
  const attrs = new Map<string, Type>();
  for (const [k, e] of Object.entries(j as Record<string, unknown>)) attrs.set(k, impliedJsonType(e));
  return objectOf(attrs);
}

/**
 * A JSON value (as JSON.parse gives it) as a cty value of `type` (ctyjson.Unmarshal); with no type (or
 * dynamic) the implied type is used. Throws a `PathError`-free TypeError with a message when the JSON
 * does not fit the type.
 */
export function valueFromJson(j: unknown, type: Type = T.dynamic): Value {
  if (type === T.dynamic) {
    if (j === null || j === undefined) return nullVal(T.dynamic);
    return valueFromJson(j, impliedJsonType(j));
  }
  if (j === null || j === undefined) return nullVal(type);
  switch (type.kind) {
    case 'string':
      if (typeof j === 'string') return stringVal(j);
      if (typeof j === 'number') return stringVal(formatNumber(j));
      if (typeof j === 'boolean') return stringVal(String(j));
      break;
    case 'number':
      if (typeof j === 'number') return numberVal(j);
      if (typeof j === 'string' && parseNumber(j) !== undefined) return numberVal(parseNumber(j)!);
      break;
    case 'bool':
      if (typeof j === 'boolean') return boolVal(j);
      if (j === 'true' || j === 'false') return boolVal(j === 'true');
      break;
    case 'list':
    case 'set':
      if (Array.isArray(j)) {
        const elems = j.map((e) => valueFromJson(e, type.elem));
        return type.kind === 'list' ? new Value(type, elems) : new Value(type, normaliseSet(elems));
      }
      break;
    case 'tuple':
      if (Array.isArray(j) && j.length === type.elems.length) return new Value(type, j.map((e, i) => valueFromJson(e, type.elems[i])));
      break;
    case 'map':
      if (typeof j === 'object' && !Array.isArray(j)) {
        const m = new Map<string, Value>();
        for (const [k, e] of Object.entries(j as Record<string, unknown>)) m.set(k, valueFromJson(e, type.elem));
        return new Value(type, sortedMap(m));
      }
      break;
    case 'object':
      if (typeof j === 'object' && !Array.isArray(j)) {
        const o = j as Record<string, unknown>;
        const m = new Map<string, Value>();
        for (const n of type.names) {
          if (!(n in o) && !type.optional.has(n)) throw new TypeError(`missing required attribute "${n}"`);
          m.set(n, valueFromJson(o[n] ?? null, type.attrs.get(n)!));
        }
        for (const k of Object.keys(o)) if (!type.attrs.has(k)) throw new TypeError(`unsupported attribute "${k}"`);
        return new Value(type, m);
      }
      break;
  }
  throw new TypeError(`${typeof j === 'object' ? (Array.isArray(j) ? 'array' : 'object') : typeof j} where ${type.kind} is required`);
}

/** Whether the value's type is primitive (string, number, bool). */
export function isPrimitiveValue(v: Value): boolean {
  return isPrimitive(v.type);
}
