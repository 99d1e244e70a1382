/** Encoding functions (terraform funcs/encoding.go; cty stdlib json.go, csv.go; go-cty-yaml). */
import { gzipSync } from 'node:zlib';
import { parseDocument, type ScalarTag } from 'yaml';
import { T, listOf, objectOf, type ListType } from '../types';
import { type Value, stringVal, numberVal, boolVal, nullVal, listVal, emptyListVal, tupleVal, objectVal, isWhollyKnown, unknownVal, UNKNOWN } from '../value';
import type { FunctionSpec } from '../function';
import { FunctionArgError, isValidUtf8, p, simple, stringToString } from './helpers';
import { marshalJson, unmarshalJson } from './json';
import { yamlEncode } from './yaml';

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Decode(str: string, argName: 'str' | 'source'): Buffer {
  // Go's decoder skips line breaks
  const s = str.replace(/[\r\n]/g, '');
  if (!B64.test(s)) {
    if (argName === 'source') {
      const bad = [...s].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
      throw new FunctionArgError(0, `the given value is has an invalid base64 symbol at offset ${bad < 0 ? s.length : bad}`);
    }
    throw new Error(`failed to decode base64 data ${JSON.stringify(str)}`);
  }
  return Buffer.from(s, 'base64');
}

/** Go encoding/csv Reader with FieldsPerRecord fixed by the first row. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const row: string[] = [];
    const rowLine = line;
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error(`CSV parse error on line ${rowLine}: extraneous or missing " in quoted-field`);
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === '\n') line++;
          field += text[i++];
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw new Error(`CSV parse error on line ${line}: extraneous or missing " in quoted-field`);
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n') {
          if (text[i] === '"') throw new Error(`CSV parse error on line ${line}: bare " in non-quoted-field`);
          field += text[i++];
        }
        if (field.endsWith('\r') && text[i] !== ',') field = field.slice(0, -1);
      }
      row.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    if (!(row.length === 1 && row[0] === '')) {
      if (rows.length > 0 && row.length !== rows[0]!.length) throw new Error(`CSV parse error on line ${rowLine}: wrong number of fields`);
      rows.push(row);
    }
  }
  return rows;
}

/** url.QueryEscape */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The IANA encodings textencodebase64/textdecodebase64 accept here, by lower-cased alias. */
const ENCODINGS: Record<string, { name: string; decoder: string; encode: (s: string) => Buffer | undefined }> = {};
function addEncoding(aliases: string[], name: string, decoder: string, encode: (s: string) => Buffer | undefined): void {
  for (const a of aliases) ENCODINGS[a.toLowerCase()] = { name, decoder, encode };
}
const latin1 = (max: number) => (s: string) => {
  for (const c of s) if (c.codePointAt(0)! > max) return undefined;
  return Buffer.from(s, 'latin1');
};
addEncoding(['UTF-8', 'utf8'], 'UTF-8', 'utf-8', (s) => Buffer.from(s, 'utf8'));
addEncoding(['UTF-16LE'], 'UTF-16LE', 'utf-16le', (s) => Buffer.from(s, 'utf16le'));
addEncoding(['UTF-16BE'], 'UTF-16BE', 'utf-16be', (s) => Buffer.from(s, 'utf16le').swap16());
addEncoding(['UTF-16'], 'UTF-16', 'utf-16be', (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]));
addEncoding(['ISO-8859-1', 'ISO_8859-1', 'latin1', 'l1', 'ISO_8859-1:1987', 'iso-ir-100', 'IBM819', 'CP819', 'csISOLatin1'], 'ISO_8859-1:1987', 'latin1', latin1(0xff));
addEncoding(['US-ASCII', 'ASCII', 'ANSI_X3.4-1968', 'us', 'csASCII'], 'US-ASCII', 'ascii', latin1(0x7f));
addEncoding(['windows-1252', 'cp1252'], 'windows-1252', 'windows-1252', latin1(0x7f));
addEncoding(['Shift_JIS', 'MS_Kanji', 'csShiftJIS'], 'Shift_JIS', 'shift_jis', latin1(0x7f));

function encodingOf(name: string): (typeof ENCODINGS)[string] {
  const e = ENCODINGS[name.toLowerCase()];
  if (!e) throw new FunctionArgError(1, `${JSON.stringify(name)} is not a supported IANA encoding name or alias in this Terraform version`);
  return e;
}

/** go-cty-yaml also reads YAML 1.2's `0o17` octal integers. */
const OCTAL_12: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^0o[0-7]+$/,
  resolve: (s: string) => parseInt(s.slice(2), 8),
};

/** go-cty-yaml's resolver (go-yaml v2's) leaves integers with `_` separators as strings. */
const UNDERSCORE_DIGITS: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:str',
  test: /^[-+]?[0-9][0-9_]*_[0-9_]*$/,
  resolve: (s: string) => s,
};

/** yamldecode: YAML 1.1 scalars as go-cty-yaml resolves them, mappings as objects, sequences as tuples. */
function yamlDecode(src: string): Value {
  const docs = src.trim() === '' ? [] : [parseDocument(src, { schema: 'yaml-1.1', uniqueKeys: false, customTags: (tags) => [UNDERSCORE_DIGITS, ...(tags as ScalarTag[]), OCTAL_12] })];
  if (docs.length === 0) throw new Error('on line 1, column 1: missing start of document');
  const doc = docs[0]!;
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const [line, col] = e.linePos?.[0] ? [e.linePos[0].line, e.linePos[0].col] : [1, 1];
    throw new Error(`on line ${line}, column ${col}: ${e.message.split('\n')[0]}`);
  }
  return fromYaml(doc.toJS({ maxAliasCount: -1 }));
}

function fromYaml(j: unknown): Value {
  if (j === null || j === undefined) return nullVal(T.dynamic);
  if (typeof j === 'string') return stringVal(j);
  if (typeof j === 'number') return numberVal(j);
  if (typeof j === 'bigint') return numberVal(Number(j));
  if (typeof j === 'boolean') return boolVal(j);
  if (j instanceof Date) return stringVal(j.toISOString().replace('.000Z', 'Z'));
  if (j instanceof Uint8Array) return stringVal(Buffer.from(j).toString('base64'));
  if (Array.isArray(j)) return tupleVal(j.map(fromYaml));
  if (j instanceof Map) return objectVal(new Map([...j].map(([k, v]) => [String(k), fromYaml(v)])));
  return objectVal(new Map(Object.entries(j as Record<string, unknown>).map(([k, v]) => [k, fromYaml(v)])));
}

export const encodingFunctions: Record<string, FunctionSpec> = {
  base64encode: stringToString((s) => Buffer.from(s, 'utf8').toString('base64')),
  base64decode: stringToString((s) => {
    const b = base64Decode(s, 'str');
    if (!isValidUtf8(b)) throw new Error('the result of decoding the provided string is not valid UTF-8');
    return b.toString('utf8');
  }),
  base64gzip: stringToString((s) => {
    const z = gzipSync(Buffer.from(s, 'utf8'));
    z[9] = 255; // Go's compress/gzip writes OS "unknown"
    return z.toString('base64');
  }),
  urlencode: stringToString(queryEscape),
  textencodebase64: simple([p('string', T.string), p('encoding', T.string)], T.string, ([s, e]) => {
    const enc = encodingOf(e!.asString());
    const b = enc.encode(s!.asString());
    if (!b) throw new FunctionArgError(0, `the given string contains characters that cannot be represented in ${enc.name}`);
    return stringVal(b.toString('base64'));
  }),
  textdecodebase64: simple([p('source', T.string), p('encoding', T.string)], T.string, ([s, e]) => {
    const enc = encodingOf(e!.asString());
    const b = base64Decode(s!.asString(), 'source');
    try {
      return stringVal(new TextDecoder(enc.decoder, { fatal: true }).decode(b));
    } catch {
      throw new FunctionArgError(0, `the given value is has an invalid byte sequence for ${enc.name}`);
    }
  }),
  jsonencode: {
    params: [p('val', T.dynamic, { allowDynamicType: true, allowNull: true })],
    returnType: () => T.string,
    impl: ([v]) => (isWhollyKnown(v!) ? stringVal(marshalJson(v!)) : unknownVal(T.string)),
  },
  jsondecode: {
    params: [p('str', T.string)],
    returnType: ([s]) => (s!.raw === UNKNOWN ? T.dynamic : unmarshalJson(s!.asString()).type),
    impl: ([s]) => unmarshalJson(s!.asString()),
  },
  csvdecode: {
    params: [p('str', T.string)],
    returnType: ([s]) => {
      if (!s!.isKnown) return T.dynamic;
      const rows = parseCsv(s!.asString());
      if (rows.length === 0) throw new Error('missing header line');
      const seen = new Set<string>();
      for (const n of rows[0]!) {
        if (seen.has(n)) throw new Error(`duplicate column name ${JSON.stringify(n)}`);
        seen.add(n);
      }
      return listOf(objectOf(Object.fromEntries(rows[0]!.map((n) => [n, T.string]))));
    },
    impl: ([s], ret) => {
      const rows = parseCsv(s!.asString());
      const head = rows[0]!;
      const objs = rows.slice(1).map((r) => objectVal(Object.fromEntries(head.map((h, i) => [h, stringVal(r[i]!)]))));
      return objs.length ? listVal(objs) : emptyListVal((ret as ListType).elem);
    },
  },
  yamldecode: {
    params: [p('src', T.string)],
    returnType: ([s]) => (s!.isKnown ? yamlDecode(s!.asString()).type : T.dynamic),
    impl: ([s]) => yamlDecode(s!.asString()),
  },
  yamlencode: {
    params: [p('value', T.dynamic, { allowDynamicType: true, allowNull: true })],
    returnType: () => T.string,
    impl: ([v]) => (isWhollyKnown(v!) ? stringVal(yamlEncode(v!)) : unknownVal(T.string)),
  },
};
