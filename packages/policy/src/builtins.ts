/**
 * OPA's built-in functions. A builtin returns a value, `undefined` (the expression is undefined), or
 * throws BuiltinError: OPA then makes the expression undefined, unless --strict-builtin-errors.
 */
import YAML from 'yaml';
import semver from 'semver';
import {
  compare,
  equal,
  isObject,
  K_ARR,
  K_BOOL,
  K_NULL,
  K_NUM,
  K_OBJ,
  K_SET,
  K_STR,
  kindOf,
  makeObject,
  ObjBuilder,
  objEntries,
  objGet,
  objKeys,
  regoString,
  RObj,
  RSet,
  toJSON,
  typeName,
  type PlainObject,
  type Value,
} from './value';

export class BuiltinError extends Error {
  constructor(
    message: string,
    readonly code = 'eval_builtin_error',
    /** errors OPA raises even without --strict-builtin-errors */
    readonly halt = false,
  ) {
    super(message);
  }
}

export interface Builtin {
  /** -1: variadic */
  readonly arity: number;
  readonly fn: (args: Value[], s: { nowNs: number }) => Value | undefined;
  /** relations that produce several results (walk) */
  readonly many?: (args: Value[]) => Value[];
}

type Obj = PlainObject | RObj;

const typeErr = (i: number, want: string, got: Value) => new BuiltinError(`operand ${i + 1} must be ${want} but got ${typeName(got)}`, 'eval_type_error');

function str(a: Value[], i: number): string {
  const v = a[i]!;
  if (typeof v !== 'string') throw typeErr(i, 'string', v);
  return v;
}
function num(a: Value[], i: number): number {
  const v = a[i]!;
  if (typeof v !== 'number') throw typeErr(i, 'number', v);
  return v;
}
function int(a: Value[], i: number): number {
  const n = num(a, i);
  if (!Number.isInteger(n)) throw new BuiltinError(`operand ${i + 1} must be integer number but got floating-point number`, 'eval_type_error');
  return n;
}
function arr(a: Value[], i: number): Value[] {
  const v = a[i]!;
  if (!Array.isArray(v)) throw typeErr(i, 'array', v);
  return v;
}
function set(a: Value[], i: number): RSet {
  const v = a[i]!;
  if (!(v instanceof RSet)) throw typeErr(i, 'set', v);
  return v;
}
function obj(a: Value[], i: number): Obj {
  const v = a[i]!;
  if (!isObject(v)) throw typeErr(i, 'object', v);
  return v;
}
/** elements of an array or set */
function coll(a: Value[], i: number, want = 'one of {array, set}'): Value[] {
  const v = a[i]!;
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.values();
  throw typeErr(i, want, v);
}
const runes = (s: string) => Array.from(s);

function numbers(a: Value[], i: number): number[] {
  return coll(a, i).map((x) => {
    if (typeof x !== 'number') throw new BuiltinError(`operand ${i + 1} must be one of {set, array} containing numbers but got ${typeName(x)}`, 'eval_type_error');
    return x;
  });
}

const B: Record<string, Builtin> = {};
const def = (name: string, arity: number, fn: Builtin['fn']) => (B[name] = { arity, fn });

// ---- comparison ----
def('equal', 2, (a) => equal(a[0]!, a[1]!));
def('neq', 2, (a) => !equal(a[0]!, a[1]!));
def('lt', 2, (a) => compare(a[0]!, a[1]!) < 0);
def('gt', 2, (a) => compare(a[0]!, a[1]!) > 0);
def('lte', 2, (a) => compare(a[0]!, a[1]!) <= 0);
def('gte', 2, (a) => compare(a[0]!, a[1]!) >= 0);

// ---- arithmetic ----
/** floats from decimal arithmetic rounded as OPA's big decimals would print them */
const tidy = (n: number) => (Number.isInteger(n) ? n : Number(n.toPrecision(15)));
def('plus', 2, (a) => tidy(num(a, 0) + num(a, 1)));
def('minus', 2, (a) => {
  if (a[0] instanceof RSet) {
    const x = set(a, 0), y = set(a, 1);
    return RSet.of(x.values().filter((v) => !y.has(v)));
  }
  if (typeof a[0] !== 'number') throw typeErr(0, 'one of {number, set}', a[0]!);
  return tidy(num(a, 0) - num(a, 1));
});
def('mul', 2, (a) => tidy(num(a, 0) * num(a, 1)));
def('div', 2, (a) => {
  const x = num(a, 0), y = num(a, 1);
  if (y === 0) throw new BuiltinError('divide by zero');
  return tidy(x / y);
});
def('rem', 2, (a) => {
  const x = num(a, 0), y = num(a, 1);
  if (!Number.isInteger(x) || !Number.isInteger(y)) throw new BuiltinError('modulo on floating-point number');
  if (y === 0) throw new BuiltinError('modulo by zero');
  const r = x % y;
  return r === 0 ? 0 : r;
});
def('abs', 1, (a) => Math.abs(num(a, 0)));
def('round', 1, (a) => {
  const n = num(a, 0);
  return n < 0 ? -Math.round(-n) : Math.round(n);
});
def('ceil', 1, (a) => Math.ceil(num(a, 0)));
def('floor', 1, (a) => Math.floor(num(a, 0)));
def('numbers.range', 2, (a) => {
  const x = int(a, 0), y = int(a, 1);
  const out: number[] = [];
  if (x <= y) for (let i = x; i <= y; i++) out.push(i);
  else for (let i = x; i >= y; i--) out.push(i);
  return out;
});
def('numbers.range_step', 3, (a) => {
  const x = int(a, 0), y = int(a, 1), st = int(a, 2);
  if (st <= 0) throw new BuiltinError('numbers.range_step: step must be a positive number above zero');
  const out: number[] = [];
  if (x <= y) for (let i = x; i <= y; i += st) out.push(i);
  else for (let i = x; i >= y; i -= st) out.push(i);
  return out;
});
def('to_number', 1, (a) => {
  const v = a[0]!;
  switch (kindOf(v)) {
    case K_NULL:
      return 0;
    case K_BOOL:
      return v ? 1 : 0;
    case K_NUM:
      return v;
    case K_STR: {
      const s = v as string;
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) || s.trim() !== s) throw new BuiltinError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
      return Number(s);
    }
    default:
      throw typeErr(0, 'one of {boolean, null, number, string}', v);
  }
});
for (const [name, f] of [
  ['bits.or', (x: bigint, y: bigint) => x | y],
  ['bits.and', (x: bigint, y: bigint) => x & y],
  ['bits.xor', (x: bigint, y: bigint) => x ^ y],
  ['bits.lsh', (x: bigint, y: bigint) => x << y],
  ['bits.rsh', (x: bigint, y: bigint) => x >> y],
] as const) def(name, 2, (a) => Number(f(BigInt(int(a, 0)), BigInt(int(a, 1)))));
def('bits.negate', 1, (a) => ~int(a, 0));

// ---- aggregates ----
def('count', 1, (a) => {
  const v = a[0]!;
  switch (kindOf(v)) {
    case K_ARR:
      return (v as Value[]).length;
    case K_SET:
      return (v as RSet).size;
    case K_OBJ:
      return v instanceof RObj ? v.m.size : Object.keys(v as PlainObject).length;
    case K_STR:
      return runes(v as string).length;
    default:
      throw typeErr(0, 'one of {array, object, set, string}', v);
  }
});
def('sum', 1, (a) => tidy(numbers(a, 0).reduce((x, y) => x + y, 0)));
def('product', 1, (a) => tidy(numbers(a, 0).reduce((x, y) => x * y, 1)));
def('max', 1, (a) => {
  const xs = coll(a, 0);
  return xs.length ? xs.reduce((m, x) => (compare(x, m) > 0 ? x : m)) : undefined;
});
def('min', 1, (a) => {
  const xs = coll(a, 0);
  return xs.length ? xs.reduce((m, x) => (compare(x, m) < 0 ? x : m)) : undefined;
});
def('sort', 1, (a) => [...coll(a, 0)].sort(compare));
def('all', 1, (a) => coll(a, 0).every((x) => x === true));
def('any', 1, (a) => coll(a, 0).some((x) => x === true));

// ---- arrays ----
def('array.concat', 2, (a) => [...arr(a, 0), ...arr(a, 1)]);
def('array.slice', 3, (a) => {
  const xs = arr(a, 0);
  let i = Math.max(0, int(a, 1)), j = Math.min(xs.length, int(a, 2));
  if (i > j) i = j;
  return xs.slice(i, j);
});
def('array.reverse', 1, (a) => [...arr(a, 0)].reverse());

// ---- sets ----
def('and', 2, (a) => {
  const x = set(a, 0), y = set(a, 1);
  return RSet.of(x.values().filter((v) => y.has(v)));
});
def('or', 2, (a) => RSet.of([...set(a, 0).values(), ...set(a, 1).values()]));
def('intersection', 1, (a) => {
  const sets = set(a, 0).values();
  if (!sets.length) return new RSet();
  for (const x of sets) if (!(x instanceof RSet)) throw new BuiltinError(`operand 1 must be set of sets`, 'eval_type_error');
  const [first, ...rest] = sets as RSet[];
  return RSet.of(first!.values().filter((v) => rest.every((r) => r.has(v))));
});
def('union', 1, (a) => {
  const out = new RSet();
  for (const x of set(a, 0).values()) {
    if (!(x instanceof RSet)) throw new BuiltinError(`operand 1 must be set of sets`, 'eval_type_error');
    for (const v of x.values()) out.add(v);
  }
  return out;
});
def('internal.member_2', 2, (a) => {
  const x = a[0]!, c = a[1]!;
  if (Array.isArray(c)) return c.some((v) => equal(v, x));
  if (c instanceof RSet) return c.has(x);
  if (isObject(c)) return objEntries(c).some(([, v]) => equal(v, x));
  return false;
});
def('internal.member_3', 3, (a) => {
  const k = a[0]!, x = a[1]!, c = a[2]!;
  if (Array.isArray(c)) return typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < c.length && equal(c[k]!, x);
  if (c instanceof RSet) return equal(k, x) && c.has(x);
  if (isObject(c)) {
    const v = objGet(c, k);
    return v !== undefined && equal(v, x);
  }
  return false;
});

// ---- strings ----
def('concat', 2, (a) => {
  const d = str(a, 0);
  return coll(a, 1).map((x, i) => {
    if (typeof x !== 'string') throw new BuiltinError(`operand 2 must be one of {array, set} containing strings but got ${typeName(x)} at ${i}`, 'eval_type_error');
    return x;
  }).join(d);
});
def('contains', 2, (a) => str(a, 0).includes(str(a, 1)));
def('startswith', 2, (a) => str(a, 0).startsWith(str(a, 1)));
def('endswith', 2, (a) => str(a, 0).endsWith(str(a, 1)));
def('lower', 1, (a) => str(a, 0).toLowerCase());
def('upper', 1, (a) => str(a, 0).toUpperCase());
def('split', 2, (a) => {
  const s = str(a, 0), d = str(a, 1);
  return d === '' ? runes(s) : s.split(d);
});
def('replace', 3, (a) => {
  const s = str(a, 0), old = str(a, 1), nw = str(a, 2);
  if (old === '') return runes(s).reduce((acc, ch) => acc + ch + nw, nw);
  return s.split(old).join(nw);
});
const cut = (s: string, cutset: string, left: boolean, right: boolean) => {
  const cs = new Set(runes(cutset));
  const r = runes(s);
  let i = 0, j = r.length;
  if (left) while (i < j && cs.has(r[i]!)) i++;
  if (right) while (j > i && cs.has(r[j - 1]!)) j--;
  return r.slice(i, j).join('');
};
def('trim', 2, (a) => cut(str(a, 0), str(a, 1), true, true));
def('trim_left', 2, (a) => cut(str(a, 0), str(a, 1), true, false));
def('trim_right', 2, (a) => cut(str(a, 0), str(a, 1), false, true));
def('trim_prefix', 2, (a) => {
  const s = str(a, 0), p = str(a, 1);
  return s.startsWith(p) ? s.slice(p.length) : s;
});
def('trim_suffix', 2, (a) => {
  const s = str(a, 0), p = str(a, 1);
  return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
});
def('trim_space', 1, (a) => str(a, 0).replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, ''));
def('indexof', 2, (a) => {
  const s = runes(str(a, 0)), sub = str(a, 1);
  if (sub === '') throw new BuiltinError('empty search character');
  const subR = runes(sub);
  for (let i = 0; i + subR.length <= s.length; i++) if (s.slice(i, i + subR.length).join('') === sub) return i;
  return -1;
});
def('indexof_n', 2, (a) => {
  const s = runes(str(a, 0)), sub = str(a, 1);
  if (sub === '') throw new BuiltinError('empty search character');
  const subR = runes(sub);
  const out: number[] = [];
  for (let i = 0; i + subR.length <= s.length; i++) if (s.slice(i, i + subR.length).join('') === sub) out.push(i);
  return out;
});
def('substring', 3, (a) => {
  const s = runes(str(a, 0));
  const start = int(a, 1), len = int(a, 2);
  if (start < 0) throw new BuiltinError('negative offset');
  if (start >= s.length) return '';
  return (len < 0 ? s.slice(start) : s.slice(start, start + len)).join('');
});
def('strings.reverse', 1, (a) => runes(str(a, 0)).reverse().join(''));
def('strings.count', 2, (a) => {
  const s = str(a, 0), sub = str(a, 1);
  if (sub === '') return runes(s).length + 1;
  return s.split(sub).length - 1;
});
def('strings.replace_n', 2, (a) => {
  const pats = obj(a, 0);
  let s = str(a, 1);
  const entries = objEntries(pats).map(([k, v]) => {
    if (typeof k !== 'string' || typeof v !== 'string') throw new BuiltinError('operand 1 must be object[string: string]', 'eval_type_error');
    return [k, v] as const;
  });
  // Go's strings.NewReplacer: leftmost match, patterns tried in argument (sorted) order
  let out = '';
  outer: while (s.length) {
    for (const [k, v] of entries) {
      if (k && s.startsWith(k)) {
        out += v;
        s = s.slice(k.length);
        continue outer;
      }
    }
    out += s[0];
    s = s.slice(1);
  }
  return out;
});
const prefixes = (a: Value[], i: number): string[] => {
  const v = a[i]!;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) && !(v instanceof RSet)) throw typeErr(i, 'one of {string, set, array}', v);
  const kind = Array.isArray(v) ? 'array' : 'set';
  return coll(a, i).map((x) => {
    if (typeof x !== 'string') throw new BuiltinError(`operand ${i + 1} must be ${kind} of strings but got ${kind} containing ${typeName(x)}`, 'eval_type_error');
    return x;
  });
};
def('strings.any_prefix_match', 2, (a) => prefixes(a, 0).some((s) => prefixes(a, 1).some((p) => s.startsWith(p))));
def('strings.any_suffix_match', 2, (a) => prefixes(a, 0).some((s) => prefixes(a, 1).some((p) => s.endsWith(p))));
def('format_int', 2, (a) => {
  const n = num(a, 0), base = int(a, 1);
  if (![2, 8, 10, 16].includes(base)) throw new BuiltinError('operand 2 must be one of {2, 8, 10, 16}');
  return Math.trunc(n).toString(base);
});
def('sprintf', 2, (a) => sprintf(str(a, 0), arr(a, 1)));

/** Go's fmt verbs, over values converted as OPA converts them (numbers to int or float, strings raw, others as Rego text) */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let ai = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const m = /^([+\-# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) {
      out += '%!(NOVERB)';
      continue;
    }
    i += m[0].length;
    const [, flags = '', width, prec, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const v = args[ai++]!;
    let s: string;
    switch (verb) {
      case 's':
      case 'v':
        s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : regoString(v);
        if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
        break;
      case 'q':
        s = typeof v === 'string' ? JSON.stringify(v) : regoString(v);
        break;
      case 'd':
        s = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'number' ? `%!d(float64=${v})` : `%!d(string=${regoString(v)})`;
        if (flags.includes('+') && typeof v === 'number' && v >= 0) s = '+' + s;
        break;
      case 'f':
      case 'F':
        s = typeof v === 'number' ? v.toFixed(prec !== undefined ? Number(prec) : 6) : `%!f(${typeName(v)}=${regoString(v)})`;
        break;
      case 'e':
        s = typeof v === 'number' ? v.toExponential(prec !== undefined ? Number(prec) : 6).replace(/e([+-])(\d)$/, 'e$10$2') : regoString(v);
        break;
      case 'g':
        s = typeof v === 'number' ? String(v) : regoString(v);
        break;
      case 'x':
      case 'X':
        s = typeof v === 'number' ? Math.trunc(v).toString(16) : typeof v === 'string' ? Buffer.from(v).toString('hex') : regoString(v);
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 'o':
        s = typeof v === 'number' ? Math.trunc(v).toString(8) : regoString(v);
        break;
      case 'b':
        s = typeof v === 'number' ? Math.trunc(v).toString(2) : regoString(v);
        break;
      case 't':
        s = typeof v === 'boolean' ? String(v) : `%!t(${regoString(v)})`;
        break;
      default:
        s = `%!${verb}(${regoString(v)})`;
    }
    if (width !== undefined && s.length < Number(width)) {
      const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(Number(width) - s.length);
      s = flags.includes('-') ? s + pad : pad + s;
    }
    out += s;
  }
  if (ai < args.length) out += '%!(EXTRA ' + args.slice(ai).map((v) => `${typeof v === 'number' ? 'int' : 'string'}=${typeof v === 'string' ? v : regoString(v)}`).join(', ') + ')';
  return out;
}

// ---- regular expressions (RE2 syntax mapped onto JavaScript's) ----
const reCache = new Map<string, RegExp>();
export function goRegex(pattern: string, global = false): RegExp {
  const key = (global ? 'g' : '') + pattern;
  let re = reCache.get(key);
  if (re) return re;
  let flags = global ? 'g' : '';
  let p = pattern;
  const m = /^\(\?([imsU]+)\)/.exec(p);
  if (m) {
    p = p.slice(m[0].length);
    for (const f of m[1]!) if ('ims'.includes(f)) flags += f;
  }
  p = p.replace(/\\z/g, '$').replace(/\\A/g, '^').replace(/\(\?P</g, '(?<').replace(/\[\[:alpha:\]\]/g, '[A-Za-z]').replace(/\[\[:digit:\]\]/g, '[0-9]').replace(/\[:alnum:\]/g, 'A-Za-z0-9').replace(/\[:space:\]/g, '\\s');
  try {
    re = new RegExp(p, flags);
  } catch (e) {
    throw new BuiltinError(`error parsing regexp: ${(e as Error).message}`);
  }
  if (reCache.size > 5000) reCache.clear();
  reCache.set(key, re);
  return re;
}
def('regex.match', 2, (a) => goRegex(str(a, 0)).test(str(a, 1)));
def('re_match', 2, (a) => goRegex(str(a, 0)).test(str(a, 1)));
def('regex.is_valid', 1, (a) => {
  if (typeof a[0] !== 'string') return false;
  try {
    goRegex(a[0]);
    return true;
  } catch {
    return false;
  }
});
def('regex.find_n', 3, (a) => {
  const re = goRegex(str(a, 0), true), s = str(a, 1), n = int(a, 2);
  const out: string[] = [];
  for (const m of s.matchAll(re)) {
    if (n >= 0 && out.length >= n) break;
    out.push(m[0]);
  }
  return out;
});
def('regex.find_all_string_submatch_n', 3, (a) => {
  const re = goRegex(str(a, 0), true), s = str(a, 1), n = int(a, 2);
  const out: Value[] = [];
  for (const m of s.matchAll(re)) {
    if (n >= 0 && out.length >= n) break;
    out.push([...m].map((x) => x ?? ''));
  }
  return out;
});
def('regex.split', 2, (a) => str(a, 1).split(goRegex(str(a, 0), true)));
def('regex.replace', 3, (a) => str(a, 0).replace(goRegex(str(a, 1), true), str(a, 2).replace(/\$\{?(\w+)\}?/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`))));

// ---- glob ----
function globRegex(pattern: string, delims: string[]): RegExp {
  const notDelim = delims.length ? `[^${delims.map((d) => d.replace(/[\]\\^-]/g, '\\$&')).join('')}]` : '[\\s\\S]';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '[\\s\\S]*';
        i++;
      } else re += `${notDelim}*`;
    } else if (c === '?') re += notDelim;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new BuiltinError('unexpected end of input');
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) throw new BuiltinError('unexpected end of input');
      re += '(?:' + pattern.slice(i + 1, end).split(',').map((alt) => globRegex(alt, delims).source.slice(1, -1)).join('|') + ')';
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
def('glob.match', 3, (a) => {
  const d = a[1]!;
  let delims: string[];
  if (d === null) delims = [];
  else {
    delims = arr(a, 1).map((x) => (typeof x === 'string' ? x : (() => { throw typeErr(1, 'array of strings', x); })()));
    if (!delims.length) delims = ['.'];
  }
  return globRegex(str(a, 0), delims).test(str(a, 2));
});
def('glob.quote_meta', 1, (a) => str(a, 0).replace(/[*?\\[\]{}]/g, '\\$&'));

// ---- types ----
def('is_number', 1, (a) => typeof a[0] === 'number' || undefined);
def('is_string', 1, (a) => typeof a[0] === 'string' || undefined);
def('is_boolean', 1, (a) => typeof a[0] === 'boolean' || undefined);
def('is_array', 1, (a) => Array.isArray(a[0]) || undefined);
def('is_set', 1, (a) => a[0] instanceof RSet || undefined);
def('is_object', 1, (a) => isObject(a[0]!) || undefined);
def('is_null', 1, (a) => a[0] === null || undefined);
def('type_name', 1, (a) => typeName(a[0]!));

// ---- objects ----
def('object.get', 3, (a) => {
  const o = a[0]!, key = a[1]!, dflt = a[2]!;
  if (!isObject(o) && !Array.isArray(o) && !(o instanceof RSet)) throw typeErr(0, 'object', o);
  if (!isObject(o)) throw typeErr(0, 'object', o);
  if (Array.isArray(key)) {
    let cur: Value | undefined = o;
    for (const k of key) {
      if (cur === undefined) break;
      cur = Array.isArray(cur) ? (typeof k === 'number' ? cur[k] : undefined) : isObject(cur) ? objGet(cur, k) : cur instanceof RSet ? (cur.has(k) ? k : undefined) : undefined;
    }
    return cur === undefined ? dflt : cur;
  }
  const v = objGet(o, key);
  return v === undefined ? dflt : v;
});
def('object.keys', 1, (a) => RSet.of(objKeys(obj(a, 0))));
function deepUnion(x: Value, y: Value): Value {
  if (!isObject(x) || !isObject(y)) return y;
  const b = new ObjBuilder();
  for (const [k, v] of objEntries(x)) b.set(k, v);
  for (const [k, v] of objEntries(y)) {
    const prev = b.get(k);
    b.set(k, prev !== undefined ? deepUnion(prev, v) : v);
  }
  return b.done();
}
def('object.union', 2, (a) => deepUnion(obj(a, 0), obj(a, 1)));
def('object.union_n', 1, (a) => arr(a, 0).reduce<Value>((acc, x, i) => {
  if (!isObject(x)) throw new BuiltinError(`operand 1 must be array of objects but got ${typeName(x)} at ${i}`, 'eval_type_error');
  return deepUnion(acc, x);
}, Object.create(null) as PlainObject));
const keySet = (a: Value[], i: number): RSet => {
  const v = a[i]!;
  if (Array.isArray(v)) return RSet.of(v);
  if (v instanceof RSet) return v;
  if (isObject(v)) return RSet.of(objKeys(v));
  throw typeErr(i, 'one of {object, set, array}', v);
};
def('object.remove', 2, (a) => {
  const o = obj(a, 0), ks = keySet(a, 1);
  return makeObject(objEntries(o).filter(([k]) => !ks.has(k)));
});
def('object.filter', 2, (a) => {
  const o = obj(a, 0), ks = keySet(a, 1);
  return makeObject(objEntries(o).filter(([k]) => ks.has(k)));
});
function subset(sup: Value, sub: Value): boolean {
  if (isObject(sup) && isObject(sub)) return objEntries(sub).every(([k, v]) => {
    const x = objGet(sup, k);
    return x !== undefined && (isObject(x) && isObject(v) ? subset(x, v) : x instanceof RSet && v instanceof RSet ? subset(x, v) : equal(x, v));
  });
  if (sup instanceof RSet && sub instanceof RSet) return sub.values().every((v) => sup.has(v));
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (!sub.length) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) if (sub.every((v, j) => equal(sup[i + j]!, v))) return true;
    return false;
  }
  if (Array.isArray(sup) && sub instanceof RSet) return sub.values().every((v) => sup.some((x) => equal(x, v)));
  throw new BuiltinError('both arguments to object.subset must be of the same type or array and set');
}
def('object.subset', 2, (a) => subset(a[0]!, a[1]!));

// ---- encodings ----
def('json.marshal', 1, (a) => JSON.stringify(toJSON(a[0]!)));
def('json.marshal_with_options', 2, (a) => {
  const o = obj(a, 1);
  const indent = objGet(o, 'indent'), prefix = objGet(o, 'prefix'), pretty = objGet(o, 'pretty');
  if (pretty === false || (pretty === undefined && indent === undefined && prefix === undefined)) return JSON.stringify(toJSON(a[0]!));
  const text = JSON.stringify(toJSON(a[0]!), null, typeof indent === 'string' ? indent : '\t');
  return typeof prefix === 'string' ? text.split('\n').map((l) => prefix + l).join('\n') : text;
});
function parseJSON(s: string): Value {
  try {
    return JSON.parse(s) as Value;
  } catch (e) {
    throw new BuiltinError(`${(e as Error).message}`);
  }
}
def('json.unmarshal', 1, (a) => parseJSON(str(a, 0)));
def('json.is_valid', 1, (a) => {
  if (typeof a[0] !== 'string') return false;
  try {
    JSON.parse(a[0]);
    return true;
  } catch {
    return false;
  }
});
def('yaml.marshal', 1, (a) => YAML.stringify(toJSON(a[0]!)));
def('yaml.unmarshal', 1, (a) => {
  try {
    return (YAML.parse(str(a, 0)) ?? null) as Value;
  } catch (e) {
    throw new BuiltinError(`yaml: ${(e as Error).message}`);
  }
});
def('yaml.is_valid', 1, (a) => {
  if (typeof a[0] !== 'string') return false;
  try {
    YAML.parse(a[0]);
    return true;
  } catch {
    return false;
  }
});
const b64re = /^[A-Za-z0-9+/]*={0,2}$/;
def('base64.encode', 1, (a) => Buffer.from(str(a, 0), 'utf8').toString('base64'));
def('base64.decode', 1, (a) => {
  const s = str(a, 0);
  if (!b64re.test(s) || s.length % 4 !== 0) throw new BuiltinError('illegal base64 data at input byte 0');
  return Buffer.from(s, 'base64').toString('utf8');
});
def('base64.is_valid', 1, (a) => b64re.test(str(a, 0)) && str(a, 0).length % 4 === 0);
def('base64url.encode', 1, (a) => Buffer.from(str(a, 0), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
def('base64url.encode_no_pad', 1, (a) => Buffer.from(str(a, 0), 'utf8').toString('base64url'));
def('base64url.decode', 1, (a) => {
  const s = str(a, 0);
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) throw new BuiltinError('illegal base64 data at input byte 0');
  return Buffer.from(s, 'base64url').toString('utf8');
});
def('hex.encode', 1, (a) => Buffer.from(str(a, 0), 'utf8').toString('hex'));
def('hex.decode', 1, (a) => {
  const s = str(a, 0);
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new BuiltinError('encoding/hex: invalid byte');
  return Buffer.from(s, 'hex').toString('utf8');
});
const qEsc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%7E/g, '~');
def('urlquery.encode', 1, (a) => qEsc(str(a, 0)));
def('urlquery.decode', 1, (a) => {
  try {
    return decodeURIComponent(str(a, 0).replace(/\+/g, ' '));
  } catch {
    throw new BuiltinError('invalid URL escape');
  }
});
def('urlquery.encode_object', 1, (a) => {
  const parts: string[] = [];
  for (const [k, v] of objEntries(obj(a, 0))) {
    const vals = typeof v === 'string' ? [v] : Array.isArray(v) || v instanceof RSet ? coll([v], 0) : [];
    for (const x of vals) parts.push(`${qEsc(String(k))}=${qEsc(String(x))}`);
  }
  return parts.join('&');
});
def('urlquery.decode_object', 1, (a) => {
  const b = new ObjBuilder();
  for (const part of str(a, 0).split('&')) {
    if (!part) continue;
    const [k = '', v = ''] = part.split('=');
    const key = decodeURIComponent(k.replace(/\+/g, ' '));
    const prev = (b.get(key) as Value[] | undefined) ?? [];
    b.set(key, [...prev, decodeURIComponent(v.replace(/\+/g, ' '))]);
  }
  return b.done();
});

// ---- net ----
interface Cidr {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}
function parseIP(s: string): { v6: boolean; n: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { v6: false, n: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!s.includes(':')) return undefined;
  let tail: bigint[] = [];
  let text = s;
  const v4 = /(\d{1,3}(\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    const ip = parseIP(v4[1]!);
    if (!ip) return undefined;
    tail = [(ip.n >> 16n) & 0xffffn, ip.n & 0xffffn];
    text = s.slice(0, -v4[1]!.length) + (s.endsWith('::' + v4[1]) ? '' : '0');
    if (text.endsWith(':0') && !s.endsWith('::' + v4[1])) text = text.slice(0, -2) + ':';
    text = text.replace(/:$/, s.endsWith('::' + v4[1]) ? ':' : '');
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h ? h.split(':') : []);
  const head = group(halves[0]!), rest = halves.length === 2 ? group(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const total = head.length + rest.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head.map((g) => BigInt(parseInt(g, 16))), ...new Array(8 - total).fill(0n), ...rest.map((g) => BigInt(parseInt(g, 16))), ...tail];
  return { v6: true, n: groups.reduce((acc, g) => (acc << 16n) | g, 0n) };
}
function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText), width = ip.v6 ? 128 : 32;
  if (bits > width) return undefined;
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - bits)) - 1n);
  return { v6: ip.v6, base: ip.n & mask, bits };
}
function cidrArg(a: Value[], i: number): Cidr {
  const s = str(a, i);
  const c = parseCidr(s);
  if (!c) throw new BuiltinError(`invalid CIDR address: ${s}`);
  return c;
}
const cidrEnd = (c: Cidr) => c.base | ((1n << BigInt((c.v6 ? 128 : 32) - c.bits)) - 1n);
def('net.cidr_is_valid', 1, (a) => typeof a[0] === 'string' && parseCidr(a[0]) !== undefined);
def('net.cidr_contains', 2, (a) => {
  const c = cidrArg(a, 0);
  const s = str(a, 1);
  let inner: Cidr | undefined = parseCidr(s);
  if (!inner) {
    const ip = parseIP(s);
    if (!ip) throw new BuiltinError(`invalid CIDR address: ${s}`);
    inner = { v6: ip.v6, base: ip.n, bits: ip.v6 ? 128 : 32 };
  }
  if (inner.v6 !== c.v6) return false;
  return inner.base >= c.base && cidrEnd(inner) <= cidrEnd(c);
});
def('net.cidr_intersects', 2, (a) => {
  const x = cidrArg(a, 0), y = cidrArg(a, 1);
  if (x.v6 !== y.v6) return false;
  return x.base <= cidrEnd(y) && y.base <= cidrEnd(x);
});
def('net.cidr_expand', 1, (a) => {
  const c = cidrArg(a, 0);
  if (c.v6 || c.bits < 16) throw new BuiltinError('net.cidr_expand: range too large');
  const out = new RSet();
  for (let n = c.base; n <= cidrEnd(c); n++) out.add([24n, 16n, 8n, 0n].map((sh) => Number((n >> sh) & 255n)).join('.'));
  return out;
});

// ---- time, units, versions ----
def('time.now_ns', 0, (_a, s) => s.nowNs);
def('time.parse_rfc3339_ns', 1, (a) => {
  const s = str(a, 0);
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new BuiltinError(`parsing time ${JSON.stringify(s)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8]!.toUpperCase()}`);
  const frac = m[7] ? Math.round(Number('0' + m[7]) * 1e9) : 0;
  return ms * 1e6 + frac;
});
const nsArg = (a: Value[]) => {
  const v = a[0]!;
  if (typeof v === 'number') return { ms: Math.floor(v / 1e6), tz: 'UTC' };
  const [n, tz] = arr(a, 0);
  return { ms: Math.floor((n as number) / 1e6), tz: (tz as string) || 'UTC' };
};
def('time.date', 1, (a) => {
  const d = new Date(nsArg(a).ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
});
def('time.clock', 1, (a) => {
  const d = new Date(nsArg(a).ms);
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
});
def('time.weekday', 1, (a) => ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][new Date(nsArg(a).ms).getUTCDay()]!);
def('time.add_date', 4, (a) => {
  const ns = num(a, 0);
  const d = new Date(Math.floor(ns / 1e6));
  d.setUTCFullYear(d.getUTCFullYear() + int(a, 1), d.getUTCMonth() + int(a, 2), d.getUTCDate() + int(a, 3));
  return d.getTime() * 1e6 + (ns % 1e6);
});
const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15, e: 1e18, ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40, pi: 2 ** 50, ei: 2 ** 60 };
def('units.parse_bytes', 1, (a) => {
  const s = str(a, 0).replace(/"/g, '');
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(s);
  if (!m) throw new BuiltinError('units.parse_bytes: no byte amount provided');
  const u = m[2]!.toLowerCase().replace(/b$/, '');
  if (UNITS[u] === undefined) throw new BuiltinError(`units.parse_bytes: byte unit ${m[2]} not recognized`);
  return Math.floor(Number(m[1]) * UNITS[u]);
});
def('units.parse', 1, (a) => {
  const s = str(a, 0).replace(/"/g, '');
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)$/.exec(s);
  if (!m) throw new BuiltinError('units.parse: no amount provided');
  const u = m[2]!;
  if (u === 'm') return tidy(Number(m[1]) / 1000);
  const f = UNITS[u.toLowerCase()];
  if (f === undefined || (u.length === 1 && u !== u.toUpperCase() && u !== 'k')) throw new BuiltinError(`units.parse: unit ${u} not recognized`);
  return tidy(Number(m[1]) * f);
});
def('semver.is_valid', 1, (a) => typeof a[0] === 'string' && semver.valid(a[0]) === a[0]);
def('semver.compare', 2, (a) => {
  const x = str(a, 0), y = str(a, 1);
  if (semver.valid(x) !== x) throw new BuiltinError(`semver.compare: string "${x}" is not a valid SemVer`);
  if (semver.valid(y) !== y) throw new BuiltinError(`semver.compare: string "${y}" is not a valid SemVer`);
  return semver.compare(x, y);
});

// ---- misc ----
def('print', -1, () => true);
def('trace', 1, () => true);
def('opa.runtime', 0, () => Object.create(null) as PlainObject);

B.walk = {
  arity: 1,
  fn: () => {
    throw new BuiltinError('walk needs an output argument');
  },
  many: (a) => {
    const out: Value[] = [];
    const rec = (path: Value[], v: Value) => {
      out.push([path, v]);
      if (Array.isArray(v)) v.forEach((x, i) => rec([...path, i], x));
      else if (v instanceof RSet) for (const x of v.values()) rec([...path, x], x);
      else if (isObject(v)) for (const [k, x] of objEntries(v)) rec([...path, k], x);
    };
    rec([], a[0]!);
    return out;
  },
};

export const BUILTINS: Readonly<Record<string, Builtin>> = B;
