/**
 * Functions as cty's function package defines them (github.com/zclconf/go-cty/cty/function): a spec of
 * typed parameters, an optional variadic parameter, a return-type function and an implementation.
 *
 * How the evaluator calls one (hclsyntax FunctionCallExpr + cty Function.Call), so an implementation
 * can rely on it:
 *  1. arity is checked ("Not enough function arguments" / "Too many function arguments");
 *  2. each argument is converted to its parameter's type with `convert` (failure: "Invalid function
 *     argument", `Invalid value for "<param>" parameter: <conversion error>.`);
 *  3. for a parameter without `allowNull`, a null argument is an ArgError "argument must not be null";
 *     an argument whose type is `dynamic` (an unknown of unknown type) makes the result `dynamicVal`
 *     unless `allowDynamicType`;
 *  4. `returnType(args)` runs (on values that may be unknown: check `isKnown` before reading them);
 *  5. for a parameter without `allowMarked`, the argument is deep-unmarked and its marks go onto the
 *     result; for one without `allowUnknown`, an unknown argument (shallow: the value itself unknown)
 *     skips `impl` and the result is `unknownVal(returnType)`;
 *  6. `impl(args, returnType)` runs; its result must have `returnType` (dynamic return types accept
 *     anything).
 * Throw `FunctionArgError(index, message)` for a problem with one argument (terraform: "Invalid
 * function argument", detail `Invalid value for "<param>" parameter: <message>.`), any other Error for
 * the rest ("Error in function call", detail `Call to function "<name>" failed: <message>.`). Messages
 * are written without a final period, as cty's are (the evaluator adds it).
 *
 * Functions are passed to the evaluator in a plain object (`Functions`), never registered globally.
 */
import { T, type Type, typeEquals, friendlyConstraintName } from './types';
import { type Value, type Marks, NO_MARKS, unmarkDeep, withMarks, unknownVal, dynamicVal, UNKNOWN } from './value';

export interface Parameter {
  /** the name used in error messages (`Invalid value for "list" parameter`) */
  readonly name: string;
  /** the type arguments are converted to; `T.dynamic` accepts any value unconverted */
  readonly type: Type;
  readonly description?: string;
  /** pass null arguments to returnType/impl (otherwise: "argument must not be null") */
  readonly allowNull?: boolean;
  /** pass unknown arguments to impl (otherwise the result is unknown without calling impl) */
  readonly allowUnknown?: boolean;
  /** pass arguments of type `dynamic` (otherwise the result is `dynamicVal`) */
  readonly allowDynamicType?: boolean;
  /** pass marked arguments as they are (otherwise unmarked deeply, marks moved onto the result) */
  readonly allowMarked?: boolean;
}

export interface FunctionSpec {
  readonly description?: string;
  readonly params: readonly Parameter[];
  /** the variadic parameter, if any: every argument after `params` is checked against it */
  readonly varParam?: Parameter;
  /** the result type for these arguments (values may be unknown); throw as described above */
  readonly returnType: (args: readonly Value[]) => Type;
  /** the result; called only with arguments the parameter flags allow */
  readonly impl: (args: readonly Value[], returnType: Type) => Value;
}

/** The functions an evaluation may call, by name (`"upper"`, `"provider::aws::arn_parse"`). */
export type Functions = Readonly<Record<string, FunctionSpec>>;

/** A problem with argument `index` (0-based, counting variadic arguments too): cty function.ArgError. */
export class FunctionArgError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionArgError';
  }
}

/** A return type that ignores its arguments (cty function.StaticReturnType). */
export function staticReturnType(t: Type): (args: readonly Value[]) => Type {
  return () => t;
}

/**
 * Whether type `t` conforms to `constraint` (cty TestConformance): equal types, with `dynamic` in the
 * constraint matching anything. Returns undefined when it conforms, else cty's message.
 */
export function conformanceError(t: Type, constraint: Type): string | undefined {
  if (constraint === T.dynamic) return undefined;
  if (t.kind !== constraint.kind) return `${friendlyConstraintName(constraint)} required`;
  switch (constraint.kind) {
    case 'list':
    case 'set':
    case 'map':
      return conformanceError((t as typeof constraint).elem, constraint.elem) === undefined ? undefined : `${friendlyConstraintName(constraint)} required`;
    case 'tuple': {
      const te = (t as typeof constraint).elems;
      if (te.length !== constraint.elems.length) return 'tuple required';
      return te.every((e, i) => conformanceError(e, constraint.elems[i]!) === undefined) ? undefined : 'tuple required';
    }
    case 'object': {
      const to = t as typeof constraint;
      for (const n of constraint.names) if (!to.attrs.has(n) || conformanceError(to.attrs.get(n)!, constraint.attrs.get(n)!) !== undefined) return 'object required';
      return to.names.length === constraint.names.length ? undefined : 'object required';
    }
    default:
      return typeEquals(t, constraint) ? undefined : `${friendlyConstraintName(constraint)} required`;
  }
}

/**
 * Calls a function on already converted arguments with cty's Function.Call rules (steps 3-6 above).
 * Throws `FunctionArgError` / `Error` for the evaluator to turn into diagnostics.
 */
export function callFunction(spec: FunctionSpec, args: readonly Value[]): Value {
  const np = spec.params.length;
  if (!spec.varParam && args.length !== np) throw new Error(`wrong number of arguments (${np} required; ${args.length} given)`);
  if (spec.varParam && args.length < np) throw new Error(`wrong number of arguments (at least ${np} required; ${args.length} given)`);
  let dynamicArg = false;
  for (let i = 0; i < args.length && !dynamicArg; i++) {
    const p = i < np ? spec.params[i]! : spec.varParam!;
    const a = args[i]!;
    if (a.raw === null && !p.allowNull) throw new FunctionArgError(i, 'argument must not be null');
    if (a.type === T.dynamic) {
      if (!p.allowDynamicType) dynamicArg = true;
    } else {
      const err = conformanceError(a.type, p.type);
      if (err) throw new FunctionArgError(i, err);
    }
  }
  let resultMarks: Marks = NO_MARKS;
  let returnUnknown = false;
  const passed: Value[] = args.slice();
  for (let i = 0; i < args.length; i++) {
    const p = i < np ? spec.params[i]! : spec.varParam!;
    const a = args[i]!;
    if (!p.allowMarked) {
      const [u, m] = unmarkDeep(a);
      if (m.size) {
        passed[i] = u;
        resultMarks = resultMarks.size ? new Set([...resultMarks, ...m]) : m;
      }
    }
    if (a.raw === UNKNOWN && !p.allowUnknown) returnUnknown = true;
  }
  if (dynamicArg) return withMarks(dynamicVal, resultMarks);
  const ret = spec.returnType(passed);
  if (returnUnknown) return withMarks(unknownVal(ret), resultMarks);
  const out = spec.impl(passed, ret);
  return resultMarks.size ? withMarks(out, resultMarks) : out;
}
