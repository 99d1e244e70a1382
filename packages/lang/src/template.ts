/**
 * Template files rendered as terraform's templatefile renders them (internal/lang/funcs makeRenderTemplateFunc):
 * the text is an HCL template (heredoc rules: `${}`, `%{}`, `$${` escapes, no backslash escapes), its
 * variables are only the given `vars` (checked first: "vars map does not contain key ..."), and a
 * template may not call templatefile again. Failures throw as terraform's do: `FunctionArgError(1, ...)`
 * for vars problems, an Error with HCL's diagnostics text (`file:1,3-8: Summary; Detail`) for the rest.
 *
 *   const render = await templateRenderer(() => functions);   // pass as renderTemplate to the functions
 */
import type { Range } from '@tfpairs/core';
import { hclParser, loadedHclParser, parseFileWith, rangeString, traversalsIn, type Expr } from '@tfpairs/hcl';
import type { Value } from './value';
import { evaluate, type EvalDiagnostic } from './eval';
import { FunctionArgError, type FunctionSpec, type Functions } from './function';

const END = 'TFPAIRS_TEMPLATE_EOT';
const HEAD = `t = <<${END}\n`;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

type Renderer = (text: string, filename: string, vars: ReadonlyMap<string, Value>) => Value;

const FS_FUNCTIONS = ['file', 'fileexists', 'fileset', 'filebase64', 'filebase64sha256', 'filebase64sha512', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'templatefile'];

/**
 * templatestring's rendering of a template text (no filesystem functions, no nested template functions).
 * Throws FunctionArgError / Error as terraform's makeRenderTemplateFunc does.
 */
export function renderTemplateString(text: string, vars: Value, functions: Functions): Value {
  // the parser is there once some parseFile has run (expressions only exist after that)
  const ready = loadedHclParser();
  if (!ready) throw new Error('templatestring needs the HCL parser initialised (parse a file first)');
  const k = vars.type.kind;
  if (k !== 'map' && k !== 'object') throw new FunctionArgError(1, 'invalid vars value: must be a map');
  if (vars.raw === null || !vars.isKnown) throw new FunctionArgError(1, 'invalid vars value: must be a map');
  const expr = parseTemplate(ready, text, '<templatestring argument>');
  const map = vars.entries();
  for (const n of map.keys()) if (!IDENT.test(n)) throw new FunctionArgError(1, `invalid template variable name "${n}": must start with a letter, followed by zero or more letters, digits, and underscores`);
  for (const t of traversalsIn(expr)) if (!map.has(t.root)) throw new FunctionArgError(1, `vars map does not contain key "${t.root}", referenced at ${rangeString(t.rootRange)}`);
  const fns: Record<string, FunctionSpec> = { ...functions };
  for (const [name, f] of Object.entries(fns)) {
    const plain = name.replace(/^core::/, '');
    const problem = plain === 'templatestring' || plain === 'templatefile' ? `cannot recursively call ${plain} from inside another template function` : FS_FUNCTIONS.includes(plain) ? `cannot use filesystem access functions like ${plain} in templatestring templates; consider passing the function result as a template variable instead` : undefined;
    if (problem) fns[name] = { ...f, returnType: () => { throw new Error(problem); } };
  }
  const r = evaluate(expr, { variables: map, functions: fns });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(diagnosticsText(errors));
  if (r.value.raw === null) throw new Error(`${rangeString(expr.range)}: Template result is null; The result of the template is null, which is not a valid result for a templatestring call.`);
  return r.value;
}

/** A synchronous template renderer; `functions` is read lazily (the functions map contains templatefile itself). */
export async function templateRenderer(functions: () => Functions): Promise<Renderer> {
  const parser = await hclParser();
  return (text, filename, vars) => {
    const expr = parseTemplate(parser, text, filename);
    for (const n of vars.keys()) if (!IDENT.test(n)) throw new FunctionArgError(1, `invalid template variable name "${n}": must start with a letter, followed by zero or more letters, digits, and underscores`);
    for (const t of traversalsIn(expr)) if (!vars.has(t.root)) throw new FunctionArgError(1, `vars map does not contain key "${t.root}", referenced at ${rangeString(t.rootRange)}`);
    const fns: Record<string, FunctionSpec> = { ...functions() };
    for (const name of ['templatefile', 'core::templatefile']) {
      const f = fns[name];
      if (f) fns[name] = { ...f, returnType: () => { throw new Error('cannot recursively call templatefile from inside another template function'); }, impl: () => { throw new Error('unreachable'); } };
    }
    const r = evaluate(expr, { variables: vars, functions: fns });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(diagnosticsText(errors));
    return r.value;
  };
}

/** The template text as a template expression whose ranges point into `filename`. */
function parseTemplate(parser: Awaited<ReturnType<typeof hclParser>>, text: string, filename: string): Expr {
  const f = parseFileWith(parser, filename, `${HEAD}${text}\n${END}\n`);
  const e = f.body.attributes[0]?.expr;
  if (!e || e.kind !== 'template' || f.hasErrors) throw new Error(`${filename}: the template is not valid HCL template syntax`);
  // the wrapper's last newline is not part of the text
  const parts = [...e.parts];
  const last = parts[parts.length - 1];
  if (last?.kind === 'literal' && typeof last.value === 'string' && last.value.endsWith('\n')) {
    const v = last.value.slice(0, -1);
    if (v === '') parts.pop();
    else parts[parts.length - 1] = { ...last, value: v };
  }
  return shift({ ...e, parts }, Buffer.byteLength(HEAD));
}

/** Moves every range up one line (the wrapper's first line) and back by its bytes. */
function shift<X>(x: X, bytes: number): X {
  if (Array.isArray(x)) return x.map((y) => shift(y, bytes)) as X;
  if (!x || typeof x !== 'object') return x;
  const o = x as Record<string, unknown>;
  if ('start' in o && 'end' in o && 'filename' in o) {
    const r = o as unknown as Range;
    const p = (q: Range['start']) => ({ line: q.line - 1, column: q.column, byte: q.byte - bytes });
    return { filename: r.filename, start: p(r.start), end: p(r.end) } as X;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = shift(v, bytes);
  return out as X;
}

/** hcl.Diagnostics.Error(): the first diagnostic as `range: summary; detail`, and how many more. */
function diagnosticsText(ds: readonly EvalDiagnostic[]): string {
  const one = (d: EvalDiagnostic) => `${d.range ? rangeString(d.range) : '<nil>'}: ${d.summary}; ${d.detail}`;
  return ds.length === 1 ? one(ds[0]!) : `${one(ds[0]!)}, and ${ds.length - 1} other diagnostic(s)`;
}
