/** Type conversion and mark functions (cty stdlib conversion.go MakeToFunc; terraform funcs/sensitive.go, conversion.go). */
import { T, type Type, listOf, setOf, mapOf, typeEquals, friendlyName } from '../types';
import { type Value, unmark, unmarkDeep, withMarks, True, False, unknownVal, nullVal, stringVal, hasMarkDeep, UNKNOWN } from '../value';
import type { FunctionSpec } from '../function';
import { convert, mismatchMessage } from './deps';
import { canConvert } from '../convert';
import { FunctionArgError, goQuote, p } from './helpers';

/** cty's FriendlyNameForConstraint, where the dynamic type reads "any single type". */
function constraintName(t: Type): string {
  if (t === T.dynamic) return 'any single type';
  if (t.kind === 'list' || t.kind === 'set' || t.kind === 'map') return `${t.kind} of ${constraintName(t.elem)}`;
  return friendlyName(t);
}

function toFunc(want: Type): FunctionSpec {
  return {
    params: [p('v', T.dynamic, { allowNull: true, allowDynamicType: true })],
    returnType: ([v]) => {
      const got = v!.type;
      if (typeEquals(got, want)) return want;
      if (got !== T.dynamic && !canConvert(got, want, true)) {
        if (got.kind === 'tuple' && want.kind === 'tuple') throw new FunctionArgError(0, `incompatible tuple type for conversion: ${mismatchMessage(got, want)}`);
        if (got.kind === 'object' && want.kind === 'object') throw new FunctionArgError(0, `incompatible object type for conversion: ${mismatchMessage(got, want)}`);
        throw new FunctionArgError(0, `cannot convert ${friendlyName(got)} to ${constraintName(want)}`);
      }
      return want;
    },
    impl: ([v], ret) => {
      try {
        return convert(v!, ret);
      } catch {
        const got = v!.type;
        const what = v!.isNull ? 'string' : got === T.string ? goQuote(v!.asString()) : '';
        if (got === T.string && want === T.bool) throw new FunctionArgError(0, `cannot convert ${what} to bool; only the strings "true" or "false" are allowed`);
        if (got === T.string && want === T.number) throw new FunctionArgError(0, `cannot convert ${what} to number; given string must be a decimal representation of a number`);
        throw new FunctionArgError(0, `cannot convert ${friendlyName(got)} to ${constraintName(want)}`);
      }
    },
  };
}

const markParam = p('value', T.dynamic, { allowUnknown: true, allowNull: true, allowMarked: true, allowDynamicType: true });

export const conversionFunctions: Record<string, FunctionSpec> = {
  tobool: toFunc(T.bool),
  tonumber: toFunc(T.number),
  tostring: toFunc(T.string),
  tolist: toFunc(listOf(T.dynamic)),
  toset: toFunc(setOf(T.dynamic)),
  tomap: toFunc(mapOf(T.dynamic)),
  sensitive: { params: [markParam], returnType: ([v]) => v!.type, impl: ([v]) => withMarks(v!, 'sensitive') },
  nonsensitive: {
    params: [markParam],
    returnType: ([v]) => v!.type,
    impl: ([v]) => {
      const [u, m] = unmark(v!);
      const rest = new Set(m);
      rest.delete('sensitive');
      return withMarks(u, rest);
    },
  },
  issensitive: {
    params: [markParam],
    returnType: () => T.bool,
    impl: ([v]) => (v!.marks.has('sensitive') ? True : v!.raw === UNKNOWN ? unknownVal(T.bool) : False),
  },
  ephemeralasnull: {
    params: [markParam],
    returnType: ([v]) => v!.type,
    impl: ([v]) => stripEphemeral(v!),
  },
};

/** ephemeralasnull: every ephemeral-marked part (at any depth) becomes null of its type. */
function stripEphemeral(v: Value): Value {
  if (v.marks.has('ephemeral')) {
    const rest = new Set(v.marks);
    rest.delete('ephemeral');
    return withMarks(nullVal(v.type), rest);
  }
  if (!hasMarkDeep(v, 'ephemeral')) return v;
  const x = v.raw;
  const Ctor = v.constructor as new (t: Type, r: unknown, m: ReadonlySet<string>) => Value;
  if (Array.isArray(x)) return new Ctor(v.type, (x as readonly Value[]).map(stripEphemeral), v.marks);
  if (x instanceof Map) return new Ctor(v.type, new Map([...(x as ReadonlyMap<string, Value>)].map(([k, e]) => [k, stripEphemeral(e)])), v.marks);
  return v;
}

/**
 * `type(value)`, available in `terraform console` only: the value's type in type-expression syntax as
 * console prints it (see consoleTypeString).
 */
export const typeFunction: FunctionSpec = {
  params: [markParam],
  returnType: () => T.string,
  impl: ([v]) => stringVal(consoleTypeString(unmarkDeep(v!)[0].type)),
};

/** terraform console's rendering of a type (repl writeType): structural types one member a line, indented by 4. */
export function consoleTypeString(t: Type, level = 0): string {
  const ind = (n: number) => '    '.repeat(n);
  switch (t.kind) {
    case 'object':
      if (t.names.length === 0) return 'object({})';
      return `object({\n${t.names.map((n) => `${ind(level + 1)}${n}: ${consoleTypeString(t.attrs.get(n)!, level + 1)},\n`).join('')}${ind(level)}})`;
    case 'tuple':
      if (t.elems.length === 0) return 'tuple([])';
      return `tuple([\n${t.elems.map((e) => `${ind(level + 1)}${consoleTypeString(e, level + 1)},\n`).join('')}${ind(level)}])`;
    case 'list':
    case 'set':
    case 'map': {
      const complex = t.elem.kind === 'object' || t.elem.kind === 'tuple';
      if (!complex) return `${t.kind}(${consoleTypeString(t.elem, level)})`;
      return `${t.kind}(\n${ind(level + 1)}${consoleTypeString(t.elem, level + 1)},\n${ind(level)})`;
    }
    default:
      return friendlyName(t);
  }
}
