/**
 * cty's JSON encoding (cty/json Marshal, ImpliedType, Unmarshal) as jsonencode/jsondecode and `%#v` use
 * it: object keys in cty's (sorted) order, Go's encoding/json string escaping (`<`, `>`, `&`, U+2028,
 * U+2029 escaped; `\b \f \n \r \t`; other control characters as `\u00XX`), numbers in fixed notation.
 * jsondecode keeps the last of duplicate keys and reads numbers as doubles.
 */
import { T } from '../types';
import { type Value, UNKNOWN, formatNumber, stringVal, numberVal, boolVal, nullVal, tupleVal, objectVal } from '../value';

export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** json.Marshal(v, v.Type()); throws for unknown values and infinities as cty does. */
export function marshalJson(v: Value): string {
  const x = v.raw;
  if (x === UNKNOWN) throw new Error('value is not known');
  if (x === null) return 'null';
  if (typeof x === 'string') return goJsonString(x);
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new Error('cannot serialize infinity as JSON');
    return formatNumber(x);
  }
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (Array.isArray(x)) return `[${(x as readonly Value[]).map(marshalJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, e] of x as ReadonlyMap<string, Value>) parts.push(`${goJsonString(k)}:${marshalJson(e)}`);
  return `{${parts.join(',')}}`;
}

/** JSON text -> value with the implied type (objects, tuples, numbers, strings, bools, dynamic null). */
export function unmarshalJson(text: string): Value {
  const p = new JsonReader(text);
  p.skipWs();
  if (p.i >= text.length) throw new Error('EOF');
  const v = p.value();
  p.skipWs();
  if (p.i < text.length) throw new Error('extraneous data after JSON object');
  return v;
}

/** Go's encoding/json Decoder.Token messages: the character and what was expected there. */
const VALUE = ' looking for beginning of value';

class JsonReader {
  i = 0;
  constructor(readonly s: string) {}
  skipWs(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }
  fail(context = ''): never {
    if (this.i >= this.s.length) throw new Error('unexpected EOF');
    throw new Error(`invalid character ${goRune(this.s[this.i]!)}${context}`);
  }
  value(context = VALUE): Value {
    this.skipWs();
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      const attrs = new Map<string, Value>();
      this.skipWs();
      if (this.s[this.i] === '}') {
        this.i++;
        return objectVal(attrs);
      }
      let keyContext = '';
      for (;;) {
        this.skipWs();
        if (this.s[this.i] !== '"') this.fail(keyContext);
        const k = this.string();
        this.skipWs();
        if (this.s[this.i] !== ':') this.fail(' after object key');
        this.i++;
        attrs.set(k, this.value());
        this.skipWs();
        if (this.s[this.i] === ',') {
          this.i++;
          keyContext = ' looking for beginning of object key string';
          continue;
        }
        if (this.s[this.i] === '}') {
          this.i++;
          return objectVal(attrs);
        }
        this.fail(' after object key:value pair');
      }
    }
    if (c === '[') {
      this.i++;
      const elems: Value[] = [];
      this.skipWs();
      if (this.s[this.i] === ']') {
        this.i++;
        return tupleVal(elems);
      }
      for (;;) {
        elems.push(this.value());
        this.skipWs();
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (this.s[this.i] === ']') {
          this.i++;
          return tupleVal(elems);
        }
        this.fail(' after array element');
      }
    }
    if (c === '"') return stringVal(this.string());
    for (const [word, v] of [['true', boolVal(true)], ['false', boolVal(false)], ['null', nullVal(T.dynamic)]] as const) {
      if (c === word[0]) {
        for (let k = 1; k < word.length; k++) {
          const x = this.s[this.i + k];
          if (x === undefined) throw new Error('unexpected EOF');
          if (x !== word[k]) {
            this.i += k;
            this.fail(` in literal ${word} (expecting ${goRune(word[k]!)})`);
          }
        }
        this.i += word.length;
        return v;
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i));
      if (!m) {
        this.i++;
        this.fail(' in numeric literal');
      }
      this.i += m[0].length;
      const next = this.s[this.i];
      if (next === undefined && /[-.eE+]$/.test(m[0])) throw new Error('unexpected EOF');
      return numberVal(Number(m[0]));
    }
    return this.fail(context);
  }
  string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail();
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\') {
        const e = this.s[this.i + 1];
        if (e === undefined) this.fail();
        if (!'"\\/bfnrtu'.includes(e)) {
          this.i++;
          this.fail(' in string escape code');
        }
        if (e === 'u' && !/^[0-9a-fA-F]{4}/.test(this.s.slice(this.i + 2))) {
          this.i += 2;
          while (/[0-9a-fA-F]/.test(this.s[this.i] ?? '')) this.i++;
          this.fail(' in \\u hexadecimal character escape');
        }
        this.i++;
      } else if (c.charCodeAt(0) < 0x20) this.fail(' in string literal');
      this.i++;
    }
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }
}

function goRune(c: string): string {
  return c === "'" ? "'\\''" : `'${c}'`;
}
