/**
 * Expression evaluation for the plan builder: @tfpairs/lang's evaluator (hclsyntax semantics) with the
 * plan's reference scope. An expression with an error diagnostic has no value here (undefined): the
 * builder then plans it as unknown, so a value terraform would reject is never shown as known.
 */
import type { Expr, TraversalStep } from '@tfpairs/hcl/tree';
import { evaluate as evaluateHcl, isWhollyKnown, type Functions, type Value } from '@tfpairs/lang';

export interface EvalContext {
  /** the value of a reference's subject (`var.x`, `aws_instance.web`, `count.index`) and how many steps it used; undefined: not a known name */
  resolve(root: string, steps: readonly TraversalStep[]): { value: Value; used: number } | undefined;
  readonly functions: Functions;
}

/** The value of an expression, or undefined when evaluating it is an error. `locals` binds extra root names (dynamic block iterators). */
export function evaluate(e: Expr, ctx: EvalContext, locals: ReadonlyMap<string, Value> = new Map()): Value | undefined {
  const r = evaluateHcl(e, {
    variables: locals,
    functions: ctx.functions,
    resolve: (ref) => {
      const got = ctx.resolve(ref.root, ref.steps);
      return got ? { value: got.value, consumed: got.used } : undefined;
    },
  });
  return r.diagnostics.some((d) => d.severity === 'error') ? undefined : r.value;
}

/** terraform's constant_value: the value HCL gets with no variables and no functions, when wholly known. */
export function constantValue(e: Expr): Value | undefined {
  const r = evaluateHcl(e, {});
  if (r.diagnostics.some((d) => d.severity === 'error')) return undefined;
  return isWhollyKnown(r.value) ? r.value : undefined;
}
