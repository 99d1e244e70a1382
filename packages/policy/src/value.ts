/**
 * Rego values. JSON values stay native (input from JSON.parse is used as is, never converted):
 * null, boolean, number, string, arrays, string-keyed objects. Sets are `RSet`; objects with a
 * non-string key are `RObj`. Iteration over objects and sets is in Rego's sorted order, as OPA's.
 */
export type Value = null | boolean | number | string | Value[] | { [k: string]: Value } | RSet | RObj;

export class RSet {
  readonly m = new Map<string, Value>();
  private sorted: Value[] | undefined;
  add(v: Value): void {
    const k = keyOf(v);
    if (!this.m.has(k)) {
      this.m.set(k, v);
      this.sorted = undefined;
    }
  }
  has(v: Value): boolean {
    return this.m.has(keyOf(v));
  }
  get size(): number {
    return this.m.size;
  }
  values(): Value[] {
    if (!this.sorted) this.sorted = [...this.m.values()].sort(compare);
    return this.sorted;
  }
  static of(items: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of items) s.add(v);
    return s;
  }
}

/** An object with at least one non-string key. */
export class RObj {
  readonly m = new Map<string, [Value, Value]>();
  private sorted: [Value, Value][] | undefined;
  set(k: Value, v: Value): void {
    this.m.set(keyOf(k), [k, v]);
    this.sorted = undefined;
  }
  get(k: Value): Value | undefined {
    return this.m.get(keyOf(k))?.[1];
  }
  entries(): [Value, Value][] {
    if (!this.sorted) this.sorted = [...this.m.values()].sort((a, b) => compare(a[0], b[0]));
    return this.sorted;
  }
}

export type PlainObject = { [k: string]: Value };

export const K_NULL = 0, K_BOOL = 1, K_NUM = 2, K_STR = 3, K_ARR = 4, K_OBJ = 5, K_SET = 6;

export function kindOf(v: Value): number {
  switch (typeof v) {
    case 'string':
      return K_STR;
    case 'number':
      return K_NUM;
    case 'boolean':
      return K_BOOL;
    default:
      if (v === null) return K_NULL;
      if (Array.isArray(v)) return K_ARR;
      if (v instanceof RSet) return K_SET;
      return K_OBJ;
  }
}

export function isObject(v: Value): v is PlainObject | RObj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RSet);
}

export function isPlain(v: Value): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RSet) && !(v instanceof RObj);
}

const hasOwn = Object.prototype.hasOwnProperty;
const sortedKeysCache = new WeakMap<object, string[]>();

export function sortedKeys(o: PlainObject): string[] {
  let ks = sortedKeysCache.get(o);
  if (!ks) {
    ks = Object.keys(o).sort(cmpStr);
    sortedKeysCache.set(o, ks);
  }
  return ks;
}

export function objGet(o: PlainObject | RObj, k: Value): Value | undefined {
  if (o instanceof RObj) return o.get(k);
  if (typeof k !== 'string') return undefined;
  return hasOwn.call(o, k) ? o[k] : undefined;
}

export function objSize(o: PlainObject | RObj): number {
  return o instanceof RObj ? o.m.size : Object.keys(o).length;
}

export function objEntries(o: PlainObject | RObj): [Value, Value][] {
  if (o instanceof RObj) return o.entries();
  return sortedKeys(o).map((k) => [k, o[k]!]);
}

export function objKeys(o: PlainObject | RObj): Value[] {
  if (o instanceof RObj) return o.entries().map((e) => e[0]);
  return sortedKeys(o);
}

/** Builds an object from entries: a plain object when every key is a string. */
export class ObjBuilder {
  private plain: PlainObject | undefined = Object.create(null) as PlainObject;
  private r: RObj | undefined;
  set(k: Value, v: Value): void {
    if (this.plain && typeof k === 'string') {
      this.plain[k] = v;
      return;
    }
    if (!this.r) {
      this.r = new RObj();
      for (const key of Object.keys(this.plain!)) this.r.set(key, this.plain![key]!);
      this.plain = undefined;
    }
    this.r.set(k, v);
  }
  get(k: Value): Value | undefined {
    if (this.plain) return typeof k === 'string' && hasOwn.call(this.plain, k) ? this.plain[k] : undefined;
    return this.r!.get(k);
  }
  done(): PlainObject | RObj {
    return this.plain ?? this.r!;
  }
}

export function makeObject(entries: Iterable<[Value, Value]>): PlainObject | RObj {
  const b = new ObjBuilder();
  for (const [k, v] of entries) b.set(k, v);
  return b.done();
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** OPA's total order: null < boolean < number < string < array < object < set. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ka = kindOf(a), kb = kindOf(b);
  if (ka !== kb) return ka - kb;
  switch (ka) {
    case K_BOOL:
      return a === b ? 0 : a ? 1 : -1;
    case K_NUM:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case K_STR:
      return cmpStr(a as string, b as string);
    case K_ARR: {
      const x = a as Value[], y = b as Value[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c) return c;
      }
      return x.length - y.length;
    }
    case K_OBJ: {
      const x = objEntries(a as PlainObject), y = objEntries(b as PlainObject);
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]![0], y[i]![0]) || compare(x[i]![1], y[i]![1]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    case K_SET: {
      const x = (a as RSet).values(), y = (b as RSet).values();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c) return c;
      }
      return x.length - y.length;
    }
  }
  return 0;
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  switch (ka) {
    case K_ARR: {
      const x = a as Value[], y = b as Value[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!equal(x[i]!, y[i]!)) return false;
      return true;
    }
    case K_OBJ: {
      if (a instanceof RObj || b instanceof RObj) return compare(a, b) === 0;
      const x = a as PlainObject, y = b as PlainObject;
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length) return false;
      for (const k of kx) {
        if (!hasOwn.call(y, k) || !equal(x[k]!, y[k]!)) return false;
      }
      return true;
    }
    case K_SET: {
      const x = a as RSet, y = b as RSet;
      if (x.size !== y.size) return false;
      for (const k of x.m.keys()) if (!y.m.has(k)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** A canonical string per value (equal values, equal keys): the key of sets and objects. */
export function keyOf(v: Value): string {
  switch (typeof v) {
    case 'string':
      return '"' + v;
    case 'number':
      return '#' + v;
    case 'boolean':
      return v ? 't' : 'f';
  }
  if (v === null) return 'n';
  if (Array.isArray(v)) return '[' + v.map(keyOf).join(',') + ']';
  if (v instanceof RSet) return '<' + v.values().map(keyOf).join(',') + '>';
  return '{' + objEntries(v).map(([k, x]) => keyOf(k) + ':' + keyOf(x)).join(',') + '}';
}

export function typeName(v: Value): string {
  return ['null', 'boolean', 'number', 'string', 'array', 'object', 'set'][kindOf(v)]!;
}

/** The JSON OPA prints for a value: sets become sorted arrays, object keys sorted, non-string keys stringified. */
export function toJSON(v: Value): unknown {
  switch (kindOf(v)) {
    case K_ARR:
      return (v as Value[]).map(toJSON);
    case K_SET:
      return (v as RSet).values().map(toJSON);
    case K_OBJ: {
      const out: Record<string, unknown> = {};
      for (const [k, x] of objEntries(v as PlainObject)) {
        const ks = typeof k === 'string' ? k : JSON.stringify(toJSON(k));
        Object.defineProperty(out, ks, { value: toJSON(x), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      return v;
  }
}

/** Converts parsed JSON into values (only needed for JSON that might hold `-0` or similar; identity otherwise). */
export function fromJSON(v: unknown): Value {
  return v as Value;
}

/** Rego's text form of a value (what sprintf's %v and error messages print). */
export function regoString(v: Value): string {
  switch (kindOf(v)) {
    case K_NULL:
      return 'null';
    case K_STR:
      return JSON.stringify(v);
    case K_ARR:
      return '[' + (v as Value[]).map(regoString).join(', ') + ']';
    case K_SET: {
      const s = v as RSet;
      return s.size ? '{' + s.values().map(regoString).join(', ') + '}' : 'set()';
    }
    case K_OBJ:
      return '{' + objEntries(v as PlainObject).map(([k, x]) => regoString(k) + ': ' + regoString(x)).join(', ') + '}';
    default:
      return String(v);
  }
}
