/**
 * Small pieces every function family shares: building specs, cty's integer extraction (gocty), grapheme
 * clusters, Go's string helpers.
 */
import { T, type Type } from '../types';
import { type Value, stringVal, numberVal, listVal, emptyListVal } from '../value';
import { FunctionArgError, type FunctionSpec, type Parameter } from '../function';

export { FunctionArgError };

/** A spec with a static return type. */
export function simple(params: readonly Parameter[], ret: Type, impl: (args: readonly Value[]) => Value, varParam?: Parameter): FunctionSpec {
  return { params, ...(varParam ? { varParam } : {}), returnType: () => ret, impl: (args) => impl(args) };
}

export const p = (name: string, type: Type, flags: Omit<Parameter, 'name' | 'type'> = {}): Parameter => ({ name, type, ...flags });

/** string -> string function of one `str` parameter */
export function stringToString(fn: (s: string) => string, name = 'str'): FunctionSpec {
  return simple([p(name, T.string)], T.string, ([a]) => stringVal(fn(a!.asString())));
}

const MIN_INT64 = -9223372036854775808;
const MAX_INT64 = 9223372036854775807;

/**
 * A number as a Go int (gocty.FromCtyValue into an int): whole numbers within int64 only. `argIndex`
 * makes the failure an argument error.
 */
export function toInt(v: Value, argIndex?: number, prefix = ''): number {
  const n = v.asNumber();
  if (!Number.isInteger(n) || n < MIN_INT64 || n > MAX_INT64) {
    const msg = `${prefix}value must be a whole number, between -9223372036854775808 and 9223372036854775807`;
    throw argIndex === undefined ? new Error(msg) : new FunctionArgError(argIndex, msg);
  }
  return n;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The string's grapheme clusters (textseg.ScanGraphemeClusters, which cty counts and slices by). */
export function graphemes(s: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter.segment(s)) out.push(seg.segment);
  return out;
}

/** A list of strings (empty list of string when there are none). */
export function stringList(items: readonly string[]): Value {
  return items.length ? listVal(items.map(stringVal)) : emptyListVal(T.string);
}

export function num(n: number): Value {
  return numberVal(n);
}

/** Go's unicode.IsSpace */
export function isGoSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(c);
}

/** UTF-8 bytes of a string */
export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Whether the bytes are valid UTF-8 (Go's utf8.Valid). */
export function isValidUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Go's %q of a string (strconv.Quote) */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (!isGoPrintable(ch)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function isGoPrintable(ch: string): boolean {
  // letters, marks, numbers, punctuation, symbols and the ASCII space (unicode.IsPrint)
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}
