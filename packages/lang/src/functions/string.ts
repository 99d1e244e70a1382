/** String functions (cty stdlib string.go, format.go, regexp.go; terraform funcs/string.go). */
import { T, listOf, objectOf, tupleOf, type Type } from '../types';
import { type Value, stringVal, boolVal, numberVal, listVal, emptyListVal, tupleVal, objectVal, nullVal, unknownVal, isWhollyKnown, UNKNOWN, compareStrings } from '../value';
import type { FunctionSpec } from '../function';
import { FunctionArgError, graphemes, isGoSpace, p, simple, stringList, stringToString, toInt } from './helpers';
import { formatString } from './format';
import { compileGo, expandGo, GoRegexpError, type CompiledRegexp } from './regexp';

/** Go's strings.ToUpper/ToLower: per code point, keeping characters whose mapping is not one code point. */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** strings.Title: the first letter of each word (after a separator) in title case. */
/** the four Unicode digraphs whose title case differs from their upper case */
const TITLE_CASE: Record<string, string> = { 'Ǆ': 'ǅ', 'ǅ': 'ǅ', 'ǆ': 'ǅ', 'Ǉ': 'ǈ', 'ǈ': 'ǈ', 'ǉ': 'ǈ', 'Ǌ': 'ǋ', 'ǋ': 'ǋ', 'ǌ': 'ǋ', 'Ǳ': 'ǲ', 'ǲ': 'ǲ', 'ǳ': 'ǲ' };

function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += isSeparator(prev) ? (TITLE_CASE[c] ?? mapRunes(c, (x) => x.toUpperCase())) : c;
    prev = c;
  }
  return out;
}
function isSeparator(c: string): boolean {
  const code = c.codePointAt(0)!;
  if (code <= 0x7f) return !/[0-9A-Za-z_]/.test(c);
  if (/^[\p{L}\p{Nd}]$/u.test(c)) return false;
  return isGoSpace(c);
}

function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set([...cutset]);
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && cut.has(cs[a]!)) a++;
  if (right) while (b > a && cut.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

function trimSpace(s: string): string {
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  while (a < b && isGoSpace(cs[a]!)) a++;
  while (b > a && isGoSpace(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

/** strings.Replace(s, old, new, -1), including Go's empty `old` (insert at every code point boundary). */
function replaceAll(s: string, old: string, rep: string): string {
  if (old === '') return rep + [...s].join(rep) + (s === '' ? '' : rep);
  return s.split(old).join(rep);
}

function substr(s: string, offsetV: Value, lengthV: Value): string {
  let offset = toInt(offsetV);
  const length = toInt(lengthV);
  const g = graphemes(s);
  if (offset < 0) offset += g.length;
  else if (length === 0) return '';
  if (offset < 0) offset = 0;
  if (offset >= g.length) return '';
  const rest = g.slice(offset);
  return (length < 0 ? rest : rest.slice(0, length)).join('');
}

/** regex()/regexall() result type for a pattern: string, tuple of strings, or object of strings. */
function regexType(c: CompiledRegexp): Type {
  if (c.groups.length === 0) return T.string;
  const named = c.groups.filter((g) => g !== '');
  if (named.length === 0) return tupleOf(c.groups.map(() => T.string));
  if (named.length !== c.groups.length) throw new FunctionArgError(0, 'invalid regexp pattern: cannot mix both named and unnamed capture groups');
  return objectOf(Object.fromEntries(named.map((n) => [n, T.string])));
}

function compilePatternArg(pattern: string): CompiledRegexp {
  try {
    return compileGo(pattern, true);
  } catch (e) {
    if (e instanceof GoRegexpError) throw new FunctionArgError(0, `invalid regexp pattern: ${e.code} in ${e.expr}`);
    throw e;
  }
}

function matchValue(c: CompiledRegexp, m: RegExpExecArray): Value {
  if (c.groups.length === 0) return stringVal(m[0]);
  const caps = c.groups.map((_, i) => (m[i + 1] === undefined ? nullVal(T.string) : stringVal(m[i + 1]!)));
  if (c.groups[0] === '') return tupleVal(caps);
  return objectVal(Object.fromEntries(c.groups.map((g, i) => [g, caps[i]!])));
}

function patternType(args: readonly Value[], all: boolean): Type {
  const pat = args[0]!;
  if (!pat.isKnown) return all ? listOf(T.dynamic) : T.dynamic;
  const t = regexType(compilePatternArg(pat.asString()));
  return all ? listOf(t) : t;
}

/** Go's FindAll: successive non-overlapping matches; an empty match right after a match is skipped. */
function* matches(c: CompiledRegexp, s: string): Generator<RegExpExecArray> {
  c.re.lastIndex = 0;
  let prevEnd = -1;
  for (;;) {
    const m = c.re.exec(s);
    if (!m) return;
    if (m[0] === '') c.re.lastIndex++;
    if (m[0] === '' && m.index === prevEnd) continue;
    prevEnd = m.index + m[0].length;
    yield m;
  }
}

export const stringFunctions: Record<string, FunctionSpec> = {
  upper: stringToString((s) => mapRunes(s, (c) => c.toUpperCase())),
  // U+0130's simple lower case is i (JavaScript's full mapping adds a combining dot)
  lower: stringToString((s) => mapRunes(s, (c) => (c === 'İ' ? 'i' : c.toLowerCase()))),
  title: stringToString(title),
  strrev: stringToString((s) => graphemes(s).reverse().join('')),
  chomp: stringToString((s) => s.replace(/(?:\r\n?|\n)*$/, '')),
  trimspace: stringToString(trimSpace),
  indent: simple([p('spaces', T.number), p('str', T.string)], T.string, ([n, s]) => stringVal(s!.asString().split('\n').join(`\n${' '.repeat(Math.max(0, toInt(n!)))}`))),
  trim: simple([p('str', T.string), p('cutset', T.string)], T.string, ([s, c]) => stringVal(trimCutset(s!.asString(), c!.asString(), true, true))),
  trimprefix: simple([p('str', T.string), p('prefix', T.string)], T.string, ([s, x]) => {
    const str = s!.asString();
    const pre = x!.asString();
    return stringVal(str.startsWith(pre) ? str.slice(pre.length) : str);
  }),
  trimsuffix: simple([p('str', T.string), p('suffix', T.string)], T.string, ([s, x]) => {
    const str = s!.asString();
    const suf = x!.asString();
    return stringVal(suf && str.endsWith(suf) ? str.slice(0, str.length - suf.length) : str);
  }),
  startswith: simple([p('str', T.string), p('prefix', T.string)], T.bool, ([s, x]) => boolVal(s!.asString().startsWith(x!.asString()))),
  endswith: simple([p('str', T.string), p('suffix', T.string)], T.bool, ([s, x]) => boolVal(s!.asString().endsWith(x!.asString()))),
  strcontains: simple([p('str', T.string), p('substr', T.string)], T.bool, ([s, x]) => boolVal(s!.asString().includes(x!.asString()))),
  substr: simple([p('str', T.string), p('offset', T.number), p('length', T.number)], T.string, ([s, o, l]) => stringVal(substr(s!.asString(), o!, l!))),
  split: simple([p('separator', T.string), p('str', T.string)], listOf(T.string), ([sep, s]) => {
    const str = s!.asString();
    const sp = sep!.asString();
    return stringList(sp === '' ? [...str] : str.split(sp));
  }),
  join: {
    params: [p('separator', T.string)],
    varParam: p('lists', listOf(T.string)),
    returnType: () => T.string,
    impl: (args) => {
      const sep = args[0]!.asString();
      const lists = args.slice(1);
      if (lists.length < 1) throw new Error('at least one list is required');
      if (!lists.every(isWhollyKnown)) return unknownVal(T.string);
      const items: string[] = [];
      lists.forEach((l, ai) => {
        l.elements().forEach((e, ei) => {
          if (e.isNull) throw new FunctionArgError(ai + 1, lists.length > 1 ? `element ${ei} of list ${ai + 1} is null; cannot concatenate null values` : `element ${ei} is null; cannot concatenate null values`);
          items.push(e.asString());
        });
      });
      return stringVal(items.join(sep));
    },
  },
  replace: simple([p('str', T.string), p('substr', T.string), p('replace', T.string)], T.string, ([s, sub, rep]) => {
    const str = s!.asString();
    const substr = sub!.asString();
    const replacement = rep!.asString();
    if (substr.length > 1 && substr.startsWith('/') && substr.endsWith('/')) {
      const c = compileGo(substr.slice(1, -1), true);
      let out = '';
      let last = 0;
      for (const m of matches(c, str)) {
        out += str.slice(last, m.index) + expandGo(replacement, m, c.groups);
        last = m.index + m[0].length;
      }
      return stringVal(out + str.slice(last));
    }
    return stringVal(replaceAll(str, substr, replacement));
  }),
  regex: {
    params: [p('pattern', T.string), p('string', T.string)],
    returnType: (args) => patternType(args, false),
    impl: ([pat, s]) => {
      const c = compilePatternArg(pat!.asString());
      const m = matches(c, s!.asString()).next();
      if (m.done) throw new Error('pattern did not match any part of the given string');
      return matchValue(c, m.value);
    },
  },
  regexall: {
    params: [p('pattern', T.string), p('string', T.string)],
    returnType: (args) => patternType(args, true),
    impl: ([pat, s], ret) => {
      const c = compilePatternArg(pat!.asString());
      const all = [...matches(c, s!.asString())].map((m) => matchValue(c, m));
      return all.length ? listVal(all) : emptyListVal((ret as { elem: Type }).elem);
    },
  },
  format: {
    params: [p('format', T.string)],
    varParam: p('args', T.dynamic, { allowNull: true }),
    returnType: () => T.string,
    impl: (args) => {
      for (const a of args.slice(1)) if (!isWhollyKnown(a)) return unknownVal(T.string);
      return stringVal(formatString(args[0]!.asString(), args.slice(1)));
    },
  },
  formatlist: {
    params: [p('format', T.string)],
    varParam: p('args', T.dynamic, { allowNull: true, allowUnknown: true }),
    returnType: () => listOf(T.string),
    impl: (all) => {
      const fmt = all[0]!.asString();
      const args = all.slice(1);
      if (args.length === 0) return listVal([stringVal(formatString(fmt, []))]);
      let iterLen = -1;
      let chooser = -1;
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const k = a.type.kind;
        if ((k === 'list' || k === 'set' || k === 'tuple') && !a.isNull) {
          if (a.raw === UNKNOWN) return unknownVal(listOf(T.string));
          const len = a.elements().length;
          if (iterLen === -1) {
            iterLen = len;
            chooser = i;
          } else if (len !== iterLen) {
            throw new FunctionArgError(i + 1, `argument ${i + 1} has length ${len}, which is inconsistent with argument ${chooser + 1} of length ${iterLen}`);
          }
        } else if (a.type === T.dynamic && a.raw === UNKNOWN) return unknownVal(listOf(T.string));
      }
      if (iterLen === 0) return emptyListVal(T.string);
      if (iterLen === -1) iterLen = 1;
      const out: Value[] = [];
      for (let n = 0; n < iterLen; n++) {
        const row = args.map((a) => {
          const k = a.type.kind;
          return (k === 'list' || k === 'set' || k === 'tuple') && !a.isNull ? a.elements()[n]! : a;
        });
        if (!row.every(isWhollyKnown)) {
          out.push(unknownVal(T.string));
          continue;
        }
        try {
          out.push(stringVal(formatString(fmt, row)));
        } catch (e) {
          throw new Error(`error on format iteration ${n}: ${(e as Error).message}`);
        }
      }
      return listVal(out);
    },
  },
  sort: {
    params: [p('list', listOf(T.string), { allowUnknown: true })],
    returnType: () => listOf(T.string),
    impl: ([l]) => {
      if (!isWhollyKnown(l!)) return unknownVal(listOf(T.string));
      const items = l!.elements().map((e, i) => {
        if (e.isNull) throw new Error(`given list element ${i} is null; a null string cannot be sorted`);
        return e.asString();
      });
      return stringList(items.sort(compareStrings));
    },
  },
};

