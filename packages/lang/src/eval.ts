/**
 * Expression evaluation over @tfpairs/hcl's positioned tree, as hclsyntax evaluates expressions
 * (github.com/hashicorp/hcl/v2/hclsyntax *Expr.Value): same results, same unknown propagation, same
 * diagnostics (summary, detail, subject range as `range`, context range as `context`).
 *
 *   evaluate(expr, ctx) -> { value, diagnostics }
 *
 * Anything computed from an unknown stays unknown and raises nothing; marks (sensitive, ephemeral) flow
 * from operands to results. Diagnostics never throw: a failed sub-expression yields an unknown value of
 * the best type known (as HCL does) plus its diagnostics.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import type { Expr, PostfixStep, TraversalStep, BinaryOperator, OtherExpr, ForExpr } from '@tfpairs/hcl';
import { rangeBetween, rangeString } from '@tfpairs/hcl';
import { nameSuggestion } from '@tfpairs/configs/didyoumean';
import { T, type Type, listOf, tupleOf, typeEquals, friendlyName } from './types';
import {
  Value,
  UNKNOWN,
  NO_MARKS,
  type Marks,
  stringVal,
  numberVal,
  boolVal,
  nullVal,
  unknownVal,
  dynamicVal,
  tupleVal,
  objectVal,
  emptyTupleVal,
  withMarks,
  unmark,
  equals,
  elementPairs,
  isWhollyKnown,
  True,
  False,
} from './value';
import { convert, unify } from './convert';
import { type Functions, type FunctionSpec, FunctionArgError, callFunction } from './function';
import { renderTemplateString } from './template';

/** A terraform diagnostic plus HCL's context range (the enclosing expression a renderer also shows). */
export interface EvalDiagnostic extends Diagnostic {
  readonly context?: Range;
}

export interface EvalResult {
  readonly value: Value;
  readonly diagnostics: readonly EvalDiagnostic[];
}

type TraversalExpr = Extract<Expr, { kind: 'traversal' }>;

/**
 * What a resolver gives back for a reference: the value of the root (consumed = 0) or of the root plus
 * its first `consumed` steps (e.g. 1 for `var.name`, 2 for `aws_instance.web` ...), and any diagnostics
 * (terraform's own "Reference to undeclared input variable" and the like). The evaluator applies the
 * remaining steps with HCL's rules ("Unsupported attribute", "Invalid index", ...).
 */
export interface Resolved {
  readonly value: Value;
  readonly consumed?: number;
  readonly diagnostics?: readonly EvalDiagnostic[];
}

export interface EvalContext {
  /** root names and their values, as HCL's EvalContext.Variables (`var` -> object of all variables) */
  readonly variables?: ReadonlyMap<string, Value> | Readonly<Record<string, Value>>;
  /**
   * Called for a root name `variables` does not have (`var`, `local`, `aws_instance`, `count`, ...).
   * Returning undefined reports HCL's "Unknown variable". Keep it cheap: it runs for every reference.
   */
  readonly resolve?: (ref: TraversalExpr) => Resolved | undefined;
  /** the callable functions by name; without it every call is "Function calls not allowed" */
  readonly functions?: Functions;
}

/** Evaluates an expression (never throws on data). */
export function evaluate(expr: Expr, ctx: EvalContext = {}): EvalResult {
  const diags: EvalDiagnostic[] = [];
  const value = new Evaluator(ctx).ev(expr, undefined, diags);
  return { value, diagnostics: diags };
}

/** names bound by `for` expressions and splats, innermost first */
interface Locals {
  readonly names: ReadonlyMap<string, Value>;
  readonly parent: Locals | undefined;
}

function err(summary: string, detail: string, range?: Range, context?: Range): EvalDiagnostic {
  const d: { severity: 'error'; summary: string; detail: string; range?: Range; context?: Range } = { severity: 'error', summary, detail };
  if (range) d.range = range;
  if (context) d.context = context;
  return d;
}

function hasErrors(diags: readonly Diagnostic[], from = 0): boolean {
  for (let i = from; i < diags.length; i++) if (diags[i]!.severity === 'error') return true;
  return false;
}

function conversionText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `variables` given as records, as Maps (converted once per record, not once per evaluation) */
const variableMaps = new WeakMap<object, ReadonlyMap<string, Value>>();

class Evaluator {
  private readonly variables: ReadonlyMap<string, Value> | undefined;
  constructor(private readonly ctx: EvalContext) {
    const v = ctx.variables;
    if (v === undefined || v instanceof Map) this.variables = v as ReadonlyMap<string, Value> | undefined;
    else {
      let m = variableMaps.get(v);
      if (!m) variableMaps.set(v, (m = new Map(Object.entries(v as Record<string, Value>))));
      this.variables = m;
    }
  }

  ev(e: Expr, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    switch (e.kind) {
      case 'literal':
        return literalValue(e.value);
      case 'template':
        return this.template(e, locals, diags);
      case 'traversal':
        return this.traversal(e, locals, diags);
      case 'call':
        return this.call(e, locals, diags);
      case 'tuple': {
        if (e.items.length === 0) return emptyTupleVal;
        const vals = new Array<Value>(e.items.length);
        for (let i = 0; i < e.items.length; i++) vals[i] = this.ev(e.items[i]!, locals, diags);
        return tupleVal(vals);
      }
      case 'object':
        return this.object(e, locals, diags);
      case 'for':
        return this.forExpr(e, locals, diags);
      case 'other':
        return this.other(e, locals, diags);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // references

  lookupLocal(name: string, locals: Locals | undefined): Value | undefined {
    for (let l = locals; l; l = l.parent) {
      const v = l.names.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  traversal(e: TraversalExpr, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    let value = this.lookupLocal(e.root, locals) ?? this.variables?.get(e.root);
    let consumed = 0;
    if (value === undefined) {
      const r = this.ctx.resolve?.(e);
      if (r) {
        value = r.value;
        consumed = r.consumed ?? 0;
        if (r.diagnostics?.length) {
          diags.push(...r.diagnostics);
          if (hasErrors(r.diagnostics)) return r.value;
        }
      } else {
        if (!this.variables && !this.ctx.resolve && !locals) {
          diags.push(err('Variables not allowed', 'Variables may not be used here.', e.rootRange));
          return dynamicVal;
        }
        const names: string[] = [];
        for (let l = locals; l; l = l.parent) names.push(...l.names.keys());
        if (this.variables) names.push(...this.variables.keys());
        const s = nameSuggestion(e.root, names);
        diags.push(err('Unknown variable', `There is no variable named "${e.root}".${s ? ` Did you mean "${s}"?` : ''}`, e.rootRange));
        return dynamicVal;
      }
    }
    for (let i = consumed; i < e.steps.length; i++) {
      const r = this.traversalStep(value, e.steps[i]!, diags);
      if (r === undefined) return dynamicVal;
      value = r;
    }
    return value;
  }

  /** one literal step (TraverseAttr / TraverseIndex); undefined when it failed (diagnostic pushed) */
  traversalStep(v: Value, step: TraversalStep, diags: EvalDiagnostic[]): Value | undefined {
    if (step.kind === 'attr') return getAttr(v, step.name, step.range, diags);
    return index(v, literalValue(step.key), step.range, diags);
  }

  postfixSteps(v: Value, steps: readonly PostfixStep[], locals: Locals | undefined, diags: EvalDiagnostic[], whole: Range): Value {
    for (const step of steps) {
      if (step.kind === 'index_expr') {
        // hclsyntax IndexExpr: the collection's and the key's diagnostics, then Index's
        const start = diags.length;
        const key = this.ev(step.key, locals, diags);
        if (hasErrors(diags, start)) {
          v = dynamicVal;
          continue;
        }
        const r = index(v, key, step.range, diags);
        v = r ?? dynamicVal;
        continue;
      }
      const r = this.traversalStep(v, step, diags);
      if (r === undefined) return dynamicVal;
      v = r;
    }
    void whole;
    return v;
  }

  // -------------------------------------------------------------------------------------------------
  // templates

  template(e: Extract<Expr, { kind: 'template' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const parts = e.parts;
    if (parts.length === 1) {
      const p = parts[0]!;
      // HCL's TemplateWrapExpr: "${x}" is x itself, not its string form
      if (!(p.kind === 'literal' && typeof p.value === 'string') && p.kind !== 'for' && !(p.kind === 'other' && p.what === 'directive')) return this.ev(p, locals, diags);
    }
    return this.templateParts(parts, e.range, locals, diags);
  }

  templateParts(parts: readonly Expr[], range: Range, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    let out = '';
    let known = true;
    let marks: Marks = NO_MARKS;
    const start = diags.length;
    for (const p of parts) {
      if (p.kind === 'literal' && typeof p.value === 'string') {
        out += p.value;
        continue;
      }
      let v: Value;
      if (p.kind === 'for' && p.form === 'template') v = this.templateFor(p, locals, diags);
      else if (p.kind === 'other' && p.what === 'directive') v = this.templateIf(p, locals, diags);
      else v = this.ev(p, locals, diags);
      if (v.raw === null) {
        diags.push(err('Invalid template interpolation value', 'The expression result is null. Cannot include a null value in a string template.', p.range, range));
        continue;
      }
      if (v.marks.size) marks = withMarks(new Value(T.bool, true, marks), v.marks).marks;
      if (v.raw === UNKNOWN) {
        known = false;
        continue;
      }
      let s: Value;
      try {
        s = convert(unmark(v)[0], T.string);
      } catch (x) {
        diags.push(err('Invalid template interpolation value', `Cannot include the given value in a string template: ${conversionText(x)}.`, p.range, range));
        continue;
      }
      if (s.raw === UNKNOWN) known = false;
      else if (known && !hasErrors(diags, start)) out += s.raw as string;
    }
    const v = known ? stringVal(out) : unknownVal(T.string);
    return marks.size ? new Value(v.type, v.raw, marks) : v;
  }

  /** `%{ if c }a%{ else }b%{ endif }`: a conditional between two templates (HCL parses it as one) */
  templateIf(d: Extract<OtherExpr, { what: 'directive' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    return this.conditional(
      d.cond,
      (ds) => this.templateParts(d.then, d.range, locals, ds),
      (ds) => this.templateParts(d.else, d.range, locals, ds),
      d.then.length ? rangeBetween(d.then[0]!.range, d.then[d.then.length - 1]!.range) : d.range,
      d.else.length ? rangeBetween(d.else[0]!.range, d.else[d.else.length - 1]!.range) : d.range,
      d.range,
      locals,
      diags,
    );
  }

  /** `%{ for v in coll }...%{ endfor }`: HCL's TemplateJoinExpr over a tuple `for` of templates */
  templateFor(f: ForExpr, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const tuple = this.forLoop(f, locals, diags, (inner, ds) => this.templateParts(f.body, f.range, inner, ds));
    if (tuple.raw === null) return unknownVal(T.string);
    if (tuple.raw === UNKNOWN) return withMarks(unknownVal(T.string), tuple.marks);
    let out = '';
    let marks = tuple.marks;
    for (const v of tuple.raw as readonly Value[]) {
      if (v.raw === null) {
        diags.push(err('Invalid template interpolation value', 'An iteration result is null. Cannot include a null value in a string template.', f.range));
        return unknownVal(T.string);
      }
      if (v.raw === UNKNOWN) return withMarks(unknownVal(T.string), marks);
      let s: Value;
      try {
        s = convert(v, T.string);
      } catch (x) {
        diags.push(err('Invalid template interpolation value', `Cannot include one of the interpolation results into the string template: ${conversionText(x)}.`, f.range));
        return unknownVal(T.string);
      }
      if (s.raw === UNKNOWN) return withMarks(unknownVal(T.string), marks);
      if (s.marks.size) marks = withMarks(new Value(T.bool, true, marks), s.marks).marks;
      out += s.raw as string;
    }
    const v = stringVal(out);
    return marks.size ? new Value(v.type, v.raw, marks) : v;
  }

  // -------------------------------------------------------------------------------------------------
  // function calls

  call(e: Extract<Expr, { kind: 'call' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const fns = this.ctx.functions;
    if (!fns) {
      diags.push(err('Function calls not allowed', 'Functions may not be called here.', e.range));
      return dynamicVal;
    }
    const f: FunctionSpec | undefined = Object.prototype.hasOwnProperty.call(fns, e.name) ? fns[e.name] : undefined;
    if (!f && (e.name === 'try' || e.name === 'can' || e.name === 'core::try' || e.name === 'core::can')) return this.tryCan(e, locals, diags);
    if (!f && (e.name === 'templatestring' || e.name === 'core::templatestring')) return this.templateString(e, locals, diags);
    if (!f) {
      const sep = e.name.lastIndexOf('::');
      if (sep >= 0) {
        const ns = e.name.slice(0, sep + 2);
        const name = e.name.slice(sep + 2);
        const avail = Object.keys(fns).filter((n) => n.startsWith(ns));
        if (avail.length === 0) diags.push(err('Call to unknown function', `There are no functions in namespace "${ns}".`, e.nameRange, e.range));
        else {
          const s = nameSuggestion(name, avail);
          diags.push(err('Call to unknown function', `There is no function named "${name}" in namespace ${ns}.${s ? ` Did you mean ${ns}${s}?` : ''}`, e.nameRange, e.range));
        }
        return dynamicVal;
      }
      const s = nameSuggestion(e.name, Object.keys(fns));
      diags.push(err('Call to unknown function', `There is no function named "${e.name}".${s ? ` Did you mean "${s}"?` : ''}`, e.nameRange, e.range));
      return dynamicVal;
    }
    const params = f.params;
    const varParam = f.varParam;
    // argument values and the ranges their diagnostics point at
    let args: { value?: Value; expr?: Expr; range: Range }[] = e.args.map((a) => ({ expr: a, range: a.range }));
    if (e.expand && e.args.length) {
      const last = e.args[e.args.length - 1]!;
      const start = diags.length;
      const ev = this.ev(last, locals, diags);
      if (hasErrors(diags, start)) return dynamicVal;
      const t = ev.type;
      if (t === T.dynamic || t.kind === 'tuple' || t.kind === 'list' || t.kind === 'set') {
        if (ev.raw === null) {
          diags.push(err('Invalid expanding argument value', 'The expanding argument (indicated by ...) must not be null.', last.range, e.range));
          return dynamicVal;
        }
        if (t === T.dynamic || ev.raw === UNKNOWN) return dynamicVal;
        const [uv, marks] = unmark(ev);
        args = args.slice(0, -1);
        for (const el of uv.raw as readonly Value[]) args.push({ value: withMarks(el, marks), range: last.range });
      } else {
        diags.push(err('Invalid expanding argument value', 'The expanding argument (indicated by ...) must be of a tuple, list, or set type.', last.range, e.range));
        return dynamicVal;
      }
    }
    if (args.length < params.length) {
      const missing = params[args.length]!;
      diags.push(err('Not enough function arguments', `Function "${e.name}" expects${varParam ? ' at least' : ''} ${params.length} argument(s). Missing value for "${missing.name}".`, e.closeParenRange ?? e.range, e.range));
      return dynamicVal;
    }
    if (!varParam && args.length > params.length) {
      const extra = args[params.length]!;
      diags.push(err('Too many function arguments', `Function "${e.name}" expects only ${params.length} argument(s).`, startRange(extra.expr, extra.range), e.range));
      return dynamicVal;
    }
    const start = diags.length;
    const vals: Value[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const p = i < params.length ? params[i]! : varParam!;
      const v = a.value ?? this.ev(a.expr!, locals, diags);
      try {
        vals[i] = convert(v, p.type);
      } catch (x) {
        diags.push(err('Invalid function argument', `Invalid value for "${p.name}" parameter: ${conversionText(x)}.`, startRange(a.expr, a.range), e.range));
        vals[i] = unknownVal(p.type);
      }
    }
    if (hasErrors(diags, start)) return dynamicVal;
    try {
      return callFunction(f, vals);
    } catch (x) {
      if (x instanceof FunctionArgError) {
        const p = x.index < params.length ? params[x.index] : varParam;
        if (p && x.index < args.length) {
          const a = args[x.index]!;
          diags.push(err('Invalid function argument', `Invalid value for "${p.name}" parameter: ${x.message}.`, startRange(a.expr, a.range), e.range));
        } else if (p) diags.push(err('Invalid function argument', `Invalid value for "${p.name}" parameter: ${x.message}.`, e.range));
        else diags.push(err('Error in function call', `Call to function "${e.name}" failed: ${x.message}.`, startRange(e, e.nameRange), e.range));
      } else diags.push(err('Error in function call', `Call to function "${e.name}" failed: ${conversionText(x)}.`, startRange(e, e.nameRange), e.range));
      return dynamicVal;
    }
  }

  /** terraform's templatestring: its first argument must be a reference to a template text */
  templateString(e: Extract<Expr, { kind: 'call' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const argErr = (i: number, msg: string) => {
      const a = e.args[i]!;
      diags.push(err('Invalid function argument', `Invalid value for "${i === 0 ? 'template' : 'vars'}" parameter: ${msg}.`, startRange(a, a.range), e.range));
      return unknownVal(T.string);
    };
    if (e.args.length < 2) {
      diags.push(err('Not enough function arguments', `Function "${e.name}" expects 2 argument(s). Missing value for "${e.args.length === 0 ? 'template' : 'vars'}".`, e.closeParenRange ?? e.range, e.range));
      return dynamicVal;
    }
    if (e.args.length > 2) {
      diags.push(err('Too many function arguments', `Function "${e.name}" expects only 2 argument(s).`, startRange(e.args[2], e.args[2]!.range), e.range));
      return dynamicVal;
    }
    const t = e.args[0]!;
    if (t.kind === 'literal' && typeof t.value === 'string') return argErr(0, 'invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead');
    if (t.kind === 'template') return argErr(0, 'invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression');
    const reference = (x: Expr): boolean => x.kind === 'traversal' || (x.kind === 'other' && (x.what === 'relative' || x.what === 'splat') && reference(x.source));
    if (!reference(t)) return argErr(0, 'invalid template expression: must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax');
    const ts: EvalDiagnostic[] = [];
    const tv = this.ev(t, locals, ts);
    if (hasErrors(ts)) return argErr(0, `invalid template expression: ${ts.filter((d) => d.severity === 'error').map((d) => `${d.range ? rangeString(d.range) : '<nil>'}: ${d.summary}; ${d.detail}`)[0]}`);
    const start = diags.length;
    const vars = this.ev(e.args[1]!, locals, diags);
    if (hasErrors(diags, start)) return dynamicVal;
    if (tv.raw === UNKNOWN) return unknownVal(T.string);
    if (tv.type !== T.string || tv.raw === null) return argErr(0, 'invalid template value: a string is required');
    if (vars.raw === UNKNOWN) return unknownVal(T.string);
    const [ut, marks] = unmark(tv);
    try {
      const out = renderTemplateString(ut.raw as string, unmark(vars)[0], this.ctx.functions ?? {});
      try {
        return withMarks(convert(out, T.string), marks);
      } catch (x) {
        throw new Error(`invalid template result: ${conversionText(x)}`);
      }
    } catch (x) {
      if (x instanceof FunctionArgError) return argErr(x.index, x.message);
      diags.push(err('Error in function call', `Call to function "${e.name}" failed: ${conversionText(x)}.`, startRange(e, e.nameRange), e.range));
      return unknownVal(T.string);
    }
  }

  /** hcl's tryfunc: `try` and `can` take their arguments unevaluated */
  tryCan(e: Extract<Expr, { kind: 'call' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const isCan = e.name.endsWith('can');
    if (isCan && e.args.length !== 1) {
      if (e.args.length === 0) diags.push(err('Not enough function arguments', `Function "${e.name}" expects 1 argument(s). Missing value for "expression".`, e.closeParenRange ?? e.range, e.range));
      else diags.push(err('Too many function arguments', `Function "${e.name}" expects only 1 argument(s).`, startRange(e.args[1], e.args[1]!.range), e.range));
      return dynamicVal;
    }
    if (e.args.length === 0) {
      diags.push(err('Error in function call', `Call to function "${e.name}" failed: at least one argument is required.`, startRange(e, e.nameRange), e.range));
      return dynamicVal;
    }
    const failed: EvalDiagnostic[] = [];
    for (const a of e.args) {
      const ds: EvalDiagnostic[] = [];
      const v = this.ev(a, locals, ds);
      if (hasErrors(ds)) {
        if (isCan) return False;
        failed.push(...ds);
        continue;
      }
      if (isCan) return isWhollyKnown(v) ? True : UNKNOWN_BOOL;
      return isWhollyKnown(v) ? v : dynamicVal;
    }
    let msg = 'no expression succeeded:\n';
    for (const d of failed) msg += d.range ? `- ${d.summary} (at ${rangeString(d.range)})\n  ${d.detail}\n` : `- ${d.summary}\n  ${d.detail}\n`;
    msg += '\nAt least one expression must produce a successful result';
    diags.push(err('Error in function call', `Call to function "${e.name}" failed: ${msg}.`, startRange(e, e.nameRange), e.range));
    return dynamicVal;
  }

  // -------------------------------------------------------------------------------------------------
  // collections

  object(e: Extract<Expr, { kind: 'object' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const vals = new Map<string, Value>();
    let marks: Marks = NO_MARKS;
    let known = true;
    for (const item of e.items) {
      const start = diags.length;
      let key: Value;
      const k = item.key;
      if (k.kind === 'traversal' && k.steps.length === 0) key = stringVal(k.root);
      // hcl.ExprAsKeyword: `true`, `false` and `null` as keys are names
      else if (k.kind === 'literal' && (k.value === null || typeof k.value === 'boolean')) key = stringVal(String(k.value));
      else if (k.kind === 'traversal') {
        diags.push(err('Ambiguous attribute key', "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.", k.range));
        key = dynamicVal;
      } else key = this.ev(k, locals, diags);
      const keyFailed = hasErrors(diags, start);
      const val = this.ev(item.value, locals, diags);
      if (keyFailed) {
        known = false;
        continue;
      }
      if (key.raw === null) {
        diags.push(err('Null value as key', "Can't use a null value as a key.", item.value.range));
        known = false;
        continue;
      }
      const [uk, km] = unmark(key);
      if (km.size) marks = withMarks(new Value(T.bool, true, marks), km).marks;
      let ks: Value;
      try {
        ks = convert(uk, T.string);
      } catch (x) {
        diags.push(err('Incorrect key type', `Can't use this value as a key: ${conversionText(x)}.`, k.range));
        known = false;
        continue;
      }
      if (ks.raw === UNKNOWN) {
        known = false;
        continue;
      }
      vals.set(ks.raw as string, val);
    }
    if (!known) return dynamicVal;
    const o = objectVal(vals);
    return marks.size ? new Value(o.type, o.raw, marks) : o;
  }

  forExpr(f: ForExpr, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    if (f.form === 'template') return this.templateFor(f, locals, diags);
    if (f.form === 'object' && f.keyExpr) return this.forObject(f, locals, diags);
    const valueExpr = f.valueExpr ?? f.body[0];
    if (!valueExpr) return dynamicVal;
    return this.forLoop(f, locals, diags, (inner, ds) => this.ev(valueExpr, inner, ds));
  }

  /** the collection checks shared by every `for` (hclsyntax ForExpr.Value, first half) */
  forCollection(f: ForExpr, locals: Locals | undefined, diags: EvalDiagnostic[]): { coll: Value; marks: Marks } | Value {
    const coll = this.ev(f.collection, locals, diags);
    if (coll.raw === null) {
      diags.push(err('Iteration over null value', "A null value cannot be used as the collection in a 'for' expression.", f.collection.range, f.range));
      return dynamicVal;
    }
    if (coll.type === T.dynamic) return dynamicVal;
    const [uc, marks] = unmark(coll);
    const k = uc.type.kind;
    if (!(k === 'list' || k === 'set' || k === 'tuple' || k === 'map' || k === 'object')) {
      diags.push(err('Iteration over non-iterable value', `A value of type ${friendlyName(uc.type)} cannot be used as the collection in a 'for' expression.`, f.collection.range, f.range));
      return dynamicVal;
    }
    let condMarks: Marks = NO_MARKS;
    if (f.cond) {
      const probe = this.bind(f, dynamicVal, dynamicVal, locals);
      const start = diags.length;
      const r = this.ev(f.cond, probe, diags);
      if (r.raw === null) {
        diags.push(err('Condition is null', "The value of the 'if' clause must not be null.", f.cond.range, f.range));
        return dynamicVal;
      }
      condMarks = r.marks;
      try {
        convert(r, T.bool);
      } catch (x) {
        diags.push(err("Invalid 'for' condition", `The 'if' clause value is invalid: ${conversionText(x)}.`, f.cond.range, f.range));
        return dynamicVal;
      }
      if (hasErrors(diags, start)) return dynamicVal;
    }
    if (uc.raw === UNKNOWN) return withMarks(dynamicVal, marks, condMarks);
    return { coll: uc, marks };
  }

  bind(f: ForExpr, key: Value, value: Value, locals: Locals | undefined): Locals {
    const names = new Map<string, Value>();
    if (f.keyVar) names.set(f.keyVar, key);
    if (f.valueVar) names.set(f.valueVar, value);
    return { names, parent: locals };
  }

  /** evaluates the `if` clause for one element: true / false, or undefined when the result is unknown or invalid */
  forInclude(f: ForExpr, inner: Locals, diags: EvalDiagnostic[], known: boolean, marksOut: { m: Marks }): boolean | undefined {
    if (!f.cond) return true;
    const r = this.ev(f.cond, inner, diags);
    if (r.raw === null) {
      if (known) diags.push(err("Invalid 'for' condition", "The value of the 'if' clause must not be null.", f.cond.range, f.range));
      return undefined;
    }
    if (r.marks.size) marksOut.m = withMarks(new Value(T.bool, true, marksOut.m), r.marks).marks;
    if (r.raw === UNKNOWN) return undefined;
    let b: Value;
    try {
      b = convert(r, T.bool);
    } catch (x) {
      if (known) diags.push(err("Invalid 'for' condition", `The 'if' clause value is invalid: ${conversionText(x)}.`, f.cond.range, f.range));
      return undefined;
    }
    if (b.raw === UNKNOWN) return undefined;
    return b.raw === true;
  }

  forLoop(f: ForExpr, locals: Locals | undefined, diags: EvalDiagnostic[], body: (inner: Locals, diags: EvalDiagnostic[]) => Value): Value {
    const c = this.forCollection(f, locals, diags);
    if (c instanceof Value) return c;
    const marks = { m: c.marks };
    const vals: Value[] = [];
    let known = true;
    for (const [k, v] of elementPairs(c.coll)) {
      const inner = this.bind(f, k, v, locals);
      const inc = this.forInclude(f, inner, diags, known, marks);
      if (inc === undefined) {
        known = false;
        continue;
      }
      if (!inc) continue;
      vals.push(body(inner, diags));
    }
    if (!known) return withMarks(dynamicVal, marks.m);
    return withMarks(tupleVal(vals), marks.m);
  }

  forObject(f: ForExpr, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const c = this.forCollection(f, locals, diags);
    if (c instanceof Value) return c;
    const keyExpr = f.keyExpr!;
    const valueExpr = f.valueExpr;
    const marks = { m: c.marks };
    const vals = new Map<string, Value>();
    const groups = new Map<string, Value[]>();
    let known = true;
    for (const [k, v] of elementPairs(c.coll)) {
      const inner = this.bind(f, k, v, locals);
      const inc = this.forInclude(f, inner, diags, known, marks);
      if (inc === undefined) {
        known = false;
        continue;
      }
      if (!inc) continue;
      const keyRaw = this.ev(keyExpr, inner, diags);
      if (keyRaw.raw === null) {
        if (known) diags.push(err('Invalid object key', "Key expression in 'for' expression must not produce a null value.", keyExpr.range, f.range));
        known = false;
        continue;
      }
      if (keyRaw.marks.size) marks.m = withMarks(new Value(T.bool, true, marks.m), keyRaw.marks).marks;
      if (keyRaw.raw === UNKNOWN) {
        known = false;
        continue;
      }
      let key: string;
      try {
        const ks = convert(unmark(keyRaw)[0], T.string);
        if (ks.raw === UNKNOWN) {
          known = false;
          continue;
        }
        key = ks.raw as string;
      } catch (x) {
        if (known) diags.push(err('Invalid object key', `The key expression produced an invalid result: ${conversionText(x)}.`, keyExpr.range, f.range));
        known = false;
        continue;
      }
      const val = valueExpr ? this.ev(valueExpr, inner, diags) : dynamicVal;
      if (f.grouping) {
        const g = groups.get(key);
        if (g) g.push(val);
        else groups.set(key, [val]);
      } else if (vals.has(key)) {
        diags.push(err('Duplicate object key', `Two different items produced the key "${key}" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`, keyExpr.range, f.range));
      } else vals.set(key, val);
    }
    if (!known) return withMarks(dynamicVal, marks.m);
    if (f.grouping) for (const [k, g] of groups) vals.set(k, tupleVal(g));
    return withMarks(objectVal(vals), marks.m);
  }

  // -------------------------------------------------------------------------------------------------
  // operators, conditionals, traversals on values, splats

  other(e: OtherExpr, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    switch (e.what) {
      case 'paren':
        return this.ev(e.inner, locals, diags);
      case 'binary_operation':
        return this.binary(e, locals, diags);
      case 'unary_operation':
        return this.unary(e, locals, diags);
      case 'conditional':
        return this.conditional(
          e.cond,
          (ds) => this.ev(e.then, locals, ds),
          (ds) => this.ev(e.else, locals, ds),
          e.then.range,
          e.else.range,
          e.range,
          locals,
          diags,
        );
      case 'relative': {
        const start = diags.length;
        const src = this.ev(e.source, locals, diags);
        if (hasErrors(diags, start) && src.type === T.dynamic && src.raw === UNKNOWN) {
          // HCL still applies the traversal to DynamicVal, which yields DynamicVal without diagnostics
          return dynamicVal;
        }
        return this.postfixSteps(src, e.steps, locals, diags, e.range);
      }
      case 'splat':
        return this.splat(e, locals, diags);
      case 'directive':
        return this.templateIf(e, locals, diags);
      case 'invalid':
        return dynamicVal;
    }
  }

  binary(e: Extract<OtherExpr, { what: 'binary_operation' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const op = BINARY[e.op];
    if (!op) return dynamicVal; // not an operator HCL has (the parser rejects the file)
    const lhsDiags: EvalDiagnostic[] = [];
    const rhsDiags: EvalDiagnostic[] = [];
    const own: EvalDiagnostic[] = [];
    const givenL = this.ev(e.left, locals, lhsDiags);
    let lhs: Value = givenL;
    try {
      lhs = convert(givenL, op.param);
    } catch (x) {
      own.push(err('Invalid operand', `Unsuitable value for left operand: ${conversionText(x)}.`, e.left.range, e.range));
    }
    const givenR = this.ev(e.right, locals, rhsDiags);
    let rhs: Value = givenR;
    try {
      rhs = convert(givenR, op.param);
    } catch (x) {
      own.push(err('Invalid operand', `Unsuitable value for right operand: ${conversionText(x)}.`, e.right.range, e.range));
    }
    if (own.length) {
      diags.push(...own, ...lhsDiags, ...rhsDiags);
      return unknownVal(op.result);
    }
    const [ul, lm] = unmark(lhs);
    const [ur, rm] = unmark(rhs);
    diags.push(...lhsDiags, ...rhsDiags);
    if (hasErrors(lhsDiags) || hasErrors(rhsDiags)) return withMarks(unknownVal(op.result), lm, rm);
    try {
      return withMarks(callFunction(op.spec, [ul, ur]), lm, rm);
    } catch (x) {
      diags.push(err('Operation failed', `Error during operation: ${conversionText(x)}.`, e.range));
      return unknownVal(op.result);
    }
  }

  unary(e: Extract<OtherExpr, { what: 'unary_operation' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const spec = e.op === '!' ? NOT : NEGATE;
    const result = e.op === '!' ? T.bool : T.number;
    const start = diags.length;
    const given = this.ev(e.operand, locals, diags);
    let v: Value;
    try {
      v = convert(given, result);
    } catch (x) {
      diags.push(err('Invalid operand', `Unsuitable value for unary operand: ${conversionText(x)}.`, e.operand.range, e.range));
      return unknownVal(result);
    }
    if (hasErrors(diags, start)) return unknownVal(result);
    const [u, m] = unmark(v);
    try {
      return withMarks(callFunction(spec, [u]), m);
    } catch (x) {
      diags.push(err('Operation failed', `Error during operation: ${conversionText(x)}.`, e.range));
      return unknownVal(result);
    }
  }

  /** hclsyntax ConditionalExpr.Value (also the template `%{if}` directive) */
  conditional(
    condExpr: Expr,
    thenEv: (d: EvalDiagnostic[]) => Value,
    elseEv: (d: EvalDiagnostic[]) => Value,
    thenRange: Range,
    elseRange: Range,
    range: Range,
    locals: Locals | undefined,
    diags: EvalDiagnostic[],
  ): Value {
    const trueDiags: EvalDiagnostic[] = [];
    const falseDiags: EvalDiagnostic[] = [];
    const t = thenEv(trueDiags);
    const f = elseEv(falseDiags);
    let resultType: Type = T.dynamic;
    let convT: ((v: Value) => Value) | undefined;
    let convF: ((v: Value) => Value) | undefined;
    const isDynNull = (v: Value) => v.raw === null && v.type === T.dynamic && v.marks.size === 0;
    if (isDynNull(t)) {
      resultType = f.type;
      convT = (v) => convert(v, resultType);
    } else if (isDynNull(f)) {
      resultType = t.type;
      convF = (v) => convert(v, resultType);
    } else if (t.type === T.dynamic || f.type === T.dynamic) {
      // result type stays dynamic, no conversions
    } else {
      const u = unify([t.type, f.type], true);
      if (!u) {
        diags.push(
          err('Inconsistent conditional result types', `The true and false result expressions must have consistent types. ${describeMismatch(t.type, f.type)}.`, rangeBetween(thenRange, elseRange), range),
        );
        return dynamicVal;
      }
      resultType = u.type;
      const [ct, cf] = u.conversions;
      if (ct) convT = (v) => ct(v, []);
      if (cf) convF = (v) => cf(v, []);
    }
    const cond = this.ev(condExpr, locals, diags);
    if (cond.raw === null) {
      diags.push(err('Null condition', 'The condition value is null. Conditions must either be true or false.', condExpr.range, range));
      return unknownVal(resultType);
    }
    const [uc, cm] = unmark(cond);
    const [ut, tm] = unmark(t);
    const [uf, fm] = unmark(f);
    if (uc.raw === UNKNOWN) {
      if (ut.raw === null && uf.raw === null) return withMarks(nullVal(resultType), cm, tm, fm);
      return withMarks(unknownVal(resultType), cm, tm, fm);
    }
    let b: Value;
    try {
      b = convert(uc, T.bool);
    } catch {
      diags.push(err('Incorrect condition type', 'The condition expression must be of type bool.', condExpr.range, range));
      return unknownVal(resultType);
    }
    if (b.raw === UNKNOWN) return withMarks(unknownVal(resultType), cm, tm, fm);
    // the branch taken: its diagnostics, its value converted to the result type
    const [which, value, conv, branchDiags, branchRange] = b.raw === true ? (['true', ut, convT, trueDiags, thenRange] as const) : (['false', uf, convF, falseDiags, elseRange] as const);
    diags.push(...branchDiags);
    let result = value;
    if (conv) {
      try {
        result = conv(value);
      } catch (x) {
        diags.push(err('Inconsistent conditional result types', `The ${which} result value has the wrong type: ${conversionText(x)}.`, branchRange, range));
        result = unknownVal(resultType);
      }
    }
    return withMarks(result, cm, tm, fm);
  }

  splat(e: Extract<OtherExpr, { what: 'splat' }>, locals: Locals | undefined, diags: EvalDiagnostic[]): Value {
    const start = diags.length;
    let src = this.ev(e.source, locals, diags);
    if (hasErrors(diags, start)) return dynamicVal;
    let st = src.type;
    const autoUpgrade = !(st.kind === 'tuple' || st.kind === 'list' || st.kind === 'set');
    if (src.raw === null) {
      if (autoUpgrade) return withMarks(emptyTupleVal, src.marks);
      diags.push(err('Splat of null value', 'Splat expressions (with the * symbol) cannot be applied to null sequences.', e.source.range, rangeBetween(e.source.range, e.markerRange)));
      return dynamicVal;
    }
    if (st === T.dynamic) return withMarks(dynamicVal, src.marks);
    let upgradedUnknown = false;
    if (autoUpgrade) {
      if (src.raw === UNKNOWN) upgradedUnknown = true;
      src = new Value(tupleOf([st]), [unmark(src)[0]], src.marks);
      st = src.type;
    }
    const each = (item: Value, ds: EvalDiagnostic[]) => this.postfixSteps(item, e.each, locals, ds, e.range);
    const resultType = (ds: EvalDiagnostic[]): Type => {
      if (st.kind === 'list' || st.kind === 'set') return listOf(each(unknownVal(st.elem), ds).type);
      if (st.kind === 'tuple') return tupleOf(st.elems.map((t) => each(unknownVal(t), ds).type));
      return T.dynamic;
    };
    if (src.raw === UNKNOWN) return withMarks(unknownVal(resultType(diags)), src.marks);
    const [us, marks] = unmark(src);
    const vals: Value[] = [];
    let known = true;
    for (const item of us.raw as readonly Value[]) {
      const s = diags.length;
      vals.push(each(item, diags));
      if (hasErrors(diags, s)) known = false;
    }
    if (upgradedUnknown) return withMarks(dynamicVal, marks);
    if (!known) return withMarks(unknownVal(resultType([])), marks);
    if (st.kind === 'list' || st.kind === 'set') {
      if (vals.length === 0) return withMarks(new Value(listOf((resultType(diags) as { elem: Type }).elem), []), marks);
      const t0 = vals[0]!.type;
      if (!vals.every((v) => typeEquals(v.type, t0))) {
        const eachRange = e.each.length ? rangeBetween(e.each[0]!.range, e.each[e.each.length - 1]!.range) : e.markerRange;
        diags.push(
          err(
            'Invalid nested splat expressions',
            "The second level of splat expression produced elements of different types, so it isn't possible to construct a valid list to represent the top-level result.\n\nConsider using a for expression instead, to produce a tuple-typed result which can therefore have non-homogenous element types.",
            eachRange,
            e.range,
          ),
        );
        return dynamicVal;
      }
      return withMarks(new Value(listOf(t0), vals), marks);
    }
    return withMarks(tupleVal(vals), marks);
  }
}

/** a range covering the first character of `r` (an opening bracket or operator) */
function firstChar(r: Range): Range {
  return { filename: r.filename, start: r.start, end: { line: r.start.line, column: r.start.column + 1, byte: r.start.byte + 1 } };
}

/** HCL's Expression.StartRange: where a diagnostic about the whole argument points */
function startRange(e: Expr | undefined, fallback: Range): Range {
  if (!e) return fallback;
  switch (e.kind) {
    case 'literal': {
      // a quoted string is a template to HCL: it starts at its text, inside the quotes
      const r = e.range;
      if (typeof e.value !== 'string' || e.value === '' || r.start.line !== r.end.line || r.end.column - r.start.column < 3) return r;
      return { filename: r.filename, start: { line: r.start.line, column: r.start.column + 1, byte: r.start.byte + 1 }, end: { line: r.end.line, column: r.end.column - 1, byte: r.end.byte - 1 } };
    }
    case 'traversal':
      return e.range;
    case 'call':
      return { filename: e.nameRange.filename, start: e.nameRange.start, end: { line: e.nameRange.end.line, column: e.nameRange.end.column + 1, byte: e.nameRange.end.byte + 1 } };
    case 'template':
      return e.parts.length ? startRange(e.parts[0], e.parts[0]!.range) : e.range;
    case 'tuple':
    case 'object':
    case 'for':
      return firstChar(e.range);
    case 'other':
      switch (e.what) {
        case 'binary_operation':
          return startRange(e.left, e.left.range);
        case 'conditional':
          return startRange(e.cond, e.cond.range);
        case 'unary_operation':
        case 'paren':
          return firstChar(e.range);
        case 'splat':
          return e.markerRange;
        default:
          return e.range;
      }
  }
}

export function literalValue(v: string | number | boolean | null): Value {
  if (v === null) return nullVal(T.dynamic);
  if (typeof v === 'string') return stringVal(v);
  if (typeof v === 'number') return numberVal(v);
  return boolVal(v);
}

// ---------------------------------------------------------------------------------------------------
// HCL's traversal operations on values (hcl.Index, hcl.GetAttr)

/** hcl.GetAttr: `obj.name`; undefined (and a diagnostic at `range`) when it fails. */
export function getAttr(obj: Value, name: string, range: Range | undefined, diags: EvalDiagnostic[]): Value | undefined {
  if (obj.raw === null) {
    diags.push(err('Attempt to get attribute from null value', 'This value is null, so it does not have any attributes.', range));
    return undefined;
  }
  const t = obj.type;
  switch (t.kind) {
    case 'object': {
      const at = t.attrs.get(name);
      if (!at) {
        diags.push(err('Unsupported attribute', `This object does not have an attribute named "${name}".`, range));
        return undefined;
      }
      if (obj.raw === UNKNOWN) return withMarks(unknownVal(at), obj.marks);
      return withMarks((obj.raw as ReadonlyMap<string, Value>).get(name)!, obj.marks);
    }
    case 'map': {
      if (obj.raw === UNKNOWN) return withMarks(unknownVal(t.elem), obj.marks);
      const v = (obj.raw as ReadonlyMap<string, Value>).get(name);
      if (!v) {
        diags.push(err('Missing map element', `This map does not have an element with the key "${name}".`, range));
        return undefined;
      }
      return withMarks(v, obj.marks);
    }
    case 'dynamic':
      return withMarks(dynamicVal, obj.marks);
    case 'list':
      if (t.elem.kind === 'object') {
        diags.push(
          err(
            'Unsupported attribute',
            t.elem.attrs.has(name)
              ? `Can't access attributes on a list of objects. Did you mean to access attribute "${name}" for a specific element of the list, or across all elements of the list?`
              : "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?",
            range,
          ),
        );
        return undefined;
      }
      break;
    case 'set':
      if (t.elem.kind === 'object') {
        diags.push(err('Unsupported attribute', "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?", range));
        return undefined;
      }
      break;
    case 'string':
    case 'number':
    case 'bool':
      diags.push(err('Unsupported attribute', `Can't access attributes on a primitive-typed value (${t.kind}).`, range));
      return undefined;
  }
  diags.push(err('Unsupported attribute', 'This value does not have any attributes.', range));
  return undefined;
}

/** hcl.Index: `coll[key]`; undefined (and a diagnostic at `range`) when it fails. */
export function index(coll: Value, key: Value, range: Range | undefined, diags: EvalDiagnostic[]): Value | undefined {
  const bad = (detail: string) => {
    diags.push(err('Invalid index', detail, range));
    return undefined;
  };
  if (coll.raw === null) {
    diags.push(err('Attempt to index null value', 'This value is null, so it does not have any indices.', range));
    return undefined;
  }
  if (key.raw === null) return bad("Can't use a null value as an indexing key.");
  const t = coll.type;
  if (key.type === T.dynamic || t === T.dynamic) return withMarks(dynamicVal, coll.marks);
  if (t.kind === 'list' || t.kind === 'tuple' || t.kind === 'map') {
    let k: Value;
    try {
      k = convert(key, t.kind === 'map' ? T.string : T.number);
    } catch (x) {
      return bad(`The given key does not identify an element in this collection value: ${conversionText(x)}.`);
    }
    const [uk, km] = unmark(k);
    if (coll.raw === UNKNOWN || uk.raw === UNKNOWN) {
      if (t.kind === 'tuple') return withMarks(dynamicVal, coll.marks);
      return withMarks(unknownVal(t.elem), coll.marks);
    }
    let found: Value | undefined;
    if (t.kind === 'map') found = (coll.raw as ReadonlyMap<string, Value>).get(uk.raw as string);
    else {
      const n = uk.raw as number;
      const elems = coll.raw as readonly Value[];
      if (Number.isInteger(n) && n >= 0 && n < elems.length) found = elems[n];
      else if (!Number.isInteger(n)) return bad('The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part.');
      else if (n < 0) return bad('The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.');
      // hcl only explains an index equal to the length (key - length < 1); larger ones get the plain text
      else if (n - elems.length < 1 && elems.length === 0) return bad('The given key does not identify an element in this collection value: the collection has no elements.');
      else if (n - elems.length < 1) return bad('The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.');
    }
    if (!found) return bad('The given key does not identify an element in this collection value.');
    return withMarks(found, coll.marks, km);
  }
  if (t.kind === 'object') {
    const wasNumber = key.type === T.number;
    let k: Value;
    try {
      k = convert(key, T.string);
    } catch (x) {
      return bad(`The given key does not identify an element in this collection value: ${conversionText(x)}.`);
    }
    if (k.raw === UNKNOWN) return withMarks(dynamicVal, coll.marks);
    const name = k.raw as string;
    const at = t.attrs.get(name);
    if (!at) return bad(`The given key does not identify an element in this collection value.${wasNumber ? ' An object only supports looking up attributes by name, not by numeric index.' : ''}`);
    if (coll.raw === UNKNOWN) return withMarks(unknownVal(at), coll.marks);
    return withMarks((coll.raw as ReadonlyMap<string, Value>).get(name)!, coll.marks);
  }
  if (t.kind === 'set') return bad("Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.");
  return bad('This value does not have any indices.');
}

// ---------------------------------------------------------------------------------------------------
// operators (cty stdlib's operator functions)

interface BinaryOp {
  readonly param: Type;
  readonly result: Type;
  readonly spec: FunctionSpec;
}

const UNKNOWN_BOOL = unknownVal(T.bool);

function opSpec(param: Type, result: Type, impl: (a: Value, b: Value) => Value, extra: { allowNull?: boolean; allowUnknown?: boolean } = {}): FunctionSpec {
  const p = { name: 'a', type: param, allowDynamicType: true, allowMarked: true, ...extra };
  return { params: [p, { ...p, name: 'b' }], returnType: () => result, impl: (args) => impl(args[0]!, args[1]!) };
}

function numeric(f: (a: number, b: number) => number, invalid?: (a: number, b: number) => string | undefined): FunctionSpec {
  return opSpec(T.number, T.number, (a, b) => {
    const x = a.raw as number;
    const y = b.raw as number;
    const problem = invalid?.(x, y);
    if (problem) throw new Error(problem);
    return numberVal(f(x, y));
  });
}

function compare(f: (a: number, b: number) => boolean): FunctionSpec {
  return opSpec(T.number, T.bool, (a, b) => boolVal(f(a.raw as number, b.raw as number)));
}

const equalSpec = opSpec(T.dynamic, T.bool, (a, b) => equals(a, b), { allowNull: true, allowUnknown: true });
const notEqualSpec = opSpec(
  T.dynamic,
  T.bool,
  (a, b) => {
    const r = equals(a, b);
    return r.raw === UNKNOWN ? r : withMarks(boolVal(!r.raw), r.marks);
  },
  { allowNull: true, allowUnknown: true },
);

const BINARY: Record<BinaryOperator, BinaryOp> = {
  '||': { param: T.bool, result: T.bool, spec: opSpec(T.bool, T.bool, (a, b) => boolVal((a.raw as boolean) || (b.raw as boolean))) },
  '&&': { param: T.bool, result: T.bool, spec: opSpec(T.bool, T.bool, (a, b) => boolVal((a.raw as boolean) && (b.raw as boolean))) },
  '==': { param: T.dynamic, result: T.bool, spec: equalSpec },
  '!=': { param: T.dynamic, result: T.bool, spec: notEqualSpec },
  '<': { param: T.number, result: T.bool, spec: compare((a, b) => a < b) },
  '>': { param: T.number, result: T.bool, spec: compare((a, b) => a > b) },
  '<=': { param: T.number, result: T.bool, spec: compare((a, b) => a <= b) },
  '>=': { param: T.number, result: T.bool, spec: compare((a, b) => a >= b) },
  '+': { param: T.number, result: T.number, spec: numeric((a, b) => a + b, (a, b) => (a === -b && !Number.isFinite(a) ? "can't compute sum of opposing infinities" : undefined)) },
  '-': { param: T.number, result: T.number, spec: numeric((a, b) => a - b, (a, b) => (a === b && !Number.isFinite(a) ? "can't subtract infinity from itself" : undefined)) },
  '*': { param: T.number, result: T.number, spec: numeric((a, b) => a * b, (a, b) => ((a === 0 && !Number.isFinite(b)) || (b === 0 && !Number.isFinite(a)) ? "can't multiply zero by infinity" : undefined)) },
  '/': {
    param: T.number,
    result: T.number,
    spec: numeric(
      (a, b) => a / b,
      (a, b) => ((a === 0 && b === 0) || (!Number.isFinite(a) && !Number.isFinite(b)) ? "can't divide zero by zero or infinity by infinity" : undefined),
    ),
  },
  '%': {
    param: T.number,
    result: T.number,
    spec: numeric(
      (a, b) => (b === 0 ? a : a % b),
      (a, b) => ((a === 0 && !Number.isFinite(b)) || (b === 0 && !Number.isFinite(a)) ? "can't use modulo with zero and infinity" : undefined),
    ),
  },
};

const NOT: FunctionSpec = { params: [{ name: 'val', type: T.bool, allowDynamicType: true, allowMarked: true }], returnType: () => T.bool, impl: ([a]) => boolVal(!(a!.raw as boolean)) };
const NEGATE: FunctionSpec = { params: [{ name: 'num', type: T.number, allowDynamicType: true, allowMarked: true }], returnType: () => T.number, impl: ([a]) => numberVal(-(a!.raw as number)) };

/** hclsyntax describeConditionalTypeMismatch */
function describeMismatch(a: Type, b: Type): string {
  if (a.kind === 'object' && b.kind === 'object') {
    for (const n of a.names) {
      const bt = b.attrs.get(n);
      if (!bt) return `The 'true' value includes object attribute "${n}", which is absent in the 'false' value`;
      const at = a.attrs.get(n)!;
      if (!typeEquals(at, bt)) return `Type mismatch for object attribute "${n}": ${describeMismatch(at, bt)}`;
    }
    for (const n of b.names) if (!a.attrs.has(n)) return `The 'false' value includes object attribute "${n}", which is absent in the 'true' value`;
  } else if (a.kind === 'tuple' && b.kind === 'tuple') {
    if (a.elems.length !== b.elems.length) return `The 'true' tuple has length ${a.elems.length}, but the 'false' tuple has length ${b.elems.length}`;
    for (let i = 0; i < a.elems.length; i++) if (!typeEquals(a.elems[i]!, b.elems[i]!)) return `Type mismatch for tuple element ${i}: ${describeMismatch(a.elems[i]!, b.elems[i]!)}`;
  } else if ((a.kind === 'list' || a.kind === 'map' || a.kind === 'set') && a.kind === b.kind) {
    const ae = a.elem;
    const be = (b as { elem: Type }).elem;
    if ((ae.kind === 'object' && be.kind === 'object') || (ae.kind === 'tuple' && be.kind === 'tuple')) return `Mismatched ${a.kind} element types: ${describeMismatch(ae, be)}`;
  }
  const an = friendlyName(a);
  const bn = friendlyName(b);
  if (an === bn) return "At least one deeply-nested attribute or element is not compatible across both the 'true' and the 'false' value";
  return `The 'true' value is ${an}, but the 'false' value is ${bn}`;
}

