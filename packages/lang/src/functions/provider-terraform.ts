/**
 * Functions of the built-in `terraform` provider (terraform internal/builtin/providers/terraform
 * functions.go), callable as `provider::<local name>::<function>` once a module declares
 * `terraform.io/builtin/terraform` in required_providers: encode_tfvars and encode_expr, which write
 * values as HCL the way hclwrite's TokensForValue and Format do, and decode_tfvars (the parser and the
 * evaluator with an empty context).
 */
import { loadedHclParser, parseFileWith, rangeString } from '@tfpairs/hcl';
import type { Diagnostic } from '@tfpairs/core';
import { T } from '../types';
import { type Value, stringVal, formatNumber, objectVal, UNKNOWN } from '../value';
import type { FunctionSpec } from '../function';
import { evaluate } from '../eval';
import { p } from './helpers';

const TFVARS_FILE = '<decode_tfvars argument>';

/** hcl.Diagnostics.Error(): the first error as `range: summary; detail`, and how many more. */
function diagnosticsText(diags: readonly Diagnostic[]): string {
  const d = diags[0]!;
  const first = `${d.range ? `${rangeString(d.range)}: ` : ''}${d.summary}; ${d.detail}`;
  return diags.length > 1 ? `${first}, and ${diags.length - 1} other diagnostic(s)` : first;
}

const IDENT = /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u;

/** hclwrite's quoted string literal: HCL escapes, `${` and `%{` doubled. */
function quoteHcl(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if ((c === '$' || c === '%') && s[i + 1] === '{') out += c + c;
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** One value as HCL expression text (TokensForValue, then Format's indentation). */
export function hclExpr(v: Value, indent = ''): string {
  const x = v.raw;
  if (x === UNKNOWN) throw new Error('cannot encode an unknown value');
  if (x === null) return 'null';
  if (typeof x === 'string') return quoteHcl(x);
  if (typeof x === 'number') return formatNumber(x);
  if (typeof x === 'boolean') return String(x);
  if (Array.isArray(x)) return `[${(x as readonly Value[]).map((e) => hclExpr(e, indent)).join(', ')}]`;
  const m = x as ReadonlyMap<string, Value>;
  if (m.size === 0) return '{}';
  return `{\n${attributeLines(m, `${indent}  `)}${indent}}`;
}

/** `name = value` lines with terraform fmt's alignment of `=` across runs of single-line attributes. */
function attributeLines(m: ReadonlyMap<string, Value>, indent: string): string {
  const rows = [...m].map(([k, v]) => ({ key: IDENT.test(k) ? k : quoteHcl(k), value: hclExpr(v, indent) }));
  let out = '';
  let run: typeof rows = [];
  const flush = () => {
    const w = Math.max(0, ...run.map((r) => r.key.length));
    for (const r of run) out += `${indent}${r.key.padEnd(w)} = ${r.value}\n`;
    run = [];
  };
  for (const r of rows) {
    run.push(r);
    if (r.value.includes('\n')) flush();
  }
  flush();
  return out;
}

export const terraformProviderFunctions: Record<string, FunctionSpec> = {
  encode_tfvars: {
    params: [p('value', T.dynamic)],
    returnType: () => T.string,
    impl: ([v]) => {
      const t = v!.type;
      if (t.kind !== 'object' && t.kind !== 'map') throw new Error('invalid value to encode: must be an object whose attribute names will become the encoded variable names');
      for (const k of v!.entries().keys()) {
        if (!IDENT.test(k)) throw new Error(`invalid variable name ${JSON.stringify(k)}: must be a valid identifier, per Terraform's rules for input variable declarations`);
      }
      return stringVal(attributeLines(v!.entries(), ''));
    },
  },
  decode_tfvars: {
    params: [p('src', T.string)],
    returnType: () => T.dynamic,
    impl: ([src]) => {
      // decode_tfvars must stay synchronous; any earlier parse has loaded the parser
      const parser = loadedHclParser();
      if (!parser) throw new Error('decode_tfvars needs the HCL parser initialised (parse a file first)');
      const f = parseFileWith(parser, TFVARS_FILE, src!.asString());
      // HashiCorp's own parser (asynchronous here) words syntax errors; this one only detects them
      if (f.hasErrors) throw new Error(`invalid tfvars syntax: ${TFVARS_FILE}: the text is not valid HCL`);
      const block = f.body.blocks[0];
      if (block) throw new Error(`invalid tfvars content: ${rangeString(block.typeRange)}: Unexpected "${block.type}" block; Blocks are not allowed here.`);
      const attrs = new Map<string, Value>();
      for (const a of [...f.body.attributes].sort((x, y) => (x.name < y.name ? -1 : 1))) {
        // no variables, no functions: tfvars hold constant values only
        const r = evaluate(a.expr, {});
        const errors = (r.diagnostics ?? []).filter((d) => d.severity === 'error');
        if (errors.length) throw new Error(`invalid expression for variable ${JSON.stringify(a.name)}: ${diagnosticsText(errors)}`);
        attrs.set(a.name, r.value);
      }
      return objectVal(attrs);
    },
  },
  encode_expr: {
    params: [p('value', T.dynamic)],
    returnType: () => T.string,
    impl: ([v]) => stringVal(hclExpr(v!)),
  },
};
