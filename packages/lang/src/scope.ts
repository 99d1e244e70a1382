/**
 * A resolver for terraform's reference roots (terraform's addrs.ParseRef plus the evaluator's lookups in
 * internal/terraform/evaluate.go): `var.*`, `local.*`, `count.index`, `each.key/value`, `path.*`,
 * `terraform.workspace`, `self`, `module.*`, `data.*`, `resource.*` and resource types. Values come
 * from the caller; undeclared names get terraform's own diagnostics ("Reference to undeclared input
 * variable", "Reference to undeclared local value", "Reference to undeclared resource", "Invalid
 * reference"). Give `unknown` values (e.g. `unknownVal(type)` for variables during validate) where
 * terraform would not know them: anything computed from them stays unknown.
 */
import type { Range } from '@tfpairs/core';
import type { Expr } from '@tfpairs/hcl';
import { rangeBetween, traversalsIn } from '@tfpairs/hcl';
import { nameSuggestion } from '@tfpairs/configs/didyoumean';
import { type Value, dynamicVal, stringVal } from './value';
import { evaluate, type EvalContext, type EvalDiagnostic, type EvalResult, type Resolved } from './eval';
import type { Functions } from './function';

type TraversalExpr = Extract<Expr, { kind: 'traversal' }>;

export interface TerraformScope {
  /** declared input variables and their values (unknown during validate) */
  readonly variables?: ReadonlyMap<string, Value>;
  /** declared local values and their values (see `evaluateLocals`) */
  readonly locals?: ReadonlyMap<string, Value>;
  /** `count.index`, when in a block with `count` */
  readonly countIndex?: Value;
  /** `each.key` / `each.value`, when in a block with `for_each` */
  readonly each?: { readonly key: Value; readonly value: Value };
  /** `path.module`, `path.root`, `path.cwd` */
  readonly path?: { readonly module: string; readonly root: string; readonly cwd: string };
  /** `terraform.workspace` (default "default") */
  readonly workspace?: string;
  /** the object `self` refers to (provisioner, connection, postcondition blocks) */
  readonly self?: Value;
  /**
   * A resource, data source or module call by address: `mode` managed/data/module, return its value
   * (an object, or a tuple/object of instances with count/for_each) or undefined when not declared.
   */
  readonly resource?: (mode: 'managed' | 'data' | 'module', type: string, name: string) => Value | undefined;
  /** "the root module" or e.g. "module.vpc" (terraform's wording in "has not been declared in ...") */
  readonly moduleDisplay?: string;
  readonly functions?: Functions;
}

function err(summary: string, detail: string, range: Range): EvalDiagnostic {
  return { severity: 'error', summary, detail, range };
}

function attrName(t: TraversalExpr, i: number): string | undefined {
  const s = t.steps[i];
  return s?.kind === 'attr' ? s.name : undefined;
}

/** the range of the root and its first `n` steps (terraform's reference subject range) */
function refRange(t: TraversalExpr, n: number): Range {
  return n === 0 || !t.steps.length ? t.rootRange : rangeBetween(t.rootRange, t.steps[Math.min(n, t.steps.length) - 1]!.range);
}

const SINGLETONS = new Set(['count', 'each', 'path', 'self', 'terraform', 'var', 'local']);

/** The EvalContext for an expression in a terraform module. */
export function terraformContext(scope: TerraformScope): EvalContext {
  const resolve = (t: TraversalExpr): Resolved | undefined => resolveRef(scope, t);
  return scope.functions ? { resolve, functions: scope.functions } : { resolve };
}

/**
 * An expression evaluated as terraform's lang.Scope.EvalExpr does: every reference is checked first
 * (each traversal once, wherever it sits, even in a branch that is never taken); when any is invalid
 * those diagnostics are the whole answer and the value is unknown. Otherwise the expression is evaluated.
 */
export function evaluateInScope(expr: Expr, scope: TerraformScope, ctx: EvalContext = terraformContext(scope)): EvalResult {
  const problems: EvalDiagnostic[] = [];
  const seen = new Set<string>();
  for (const t of traversalsIn(expr)) {
    const r = resolveRef(scope, t);
    for (const d of r?.diagnostics ?? []) {
      const key = `${d.summary}\0${d.detail}\0${d.range?.start.byte}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(d);
    }
  }
  if (problems.some((d) => d.severity === 'error')) return { value: dynamicVal, diagnostics: problems };
  return evaluate(expr, ctx);
}

function fail(d: EvalDiagnostic): Resolved {
  return { value: dynamicVal, diagnostics: [d] };
}

export function resolveRef(scope: TerraformScope, t: TraversalExpr): Resolved | undefined {
  const root = t.root;
  const first = attrName(t, 0);
  if (SINGLETONS.has(root) && t.steps.length === 0) return fail(err('Invalid reference', `The "${root}" object cannot be accessed directly. Instead, access one of its attributes.`, t.rootRange));
  if (SINGLETONS.has(root) && first === undefined) return fail(err('Invalid reference', `The "${root}" object does not support this operation.`, refRange(t, 1)));
  switch (root) {
    case 'var': {
      const v = scope.variables?.get(first!);
      if (v !== undefined) return { value: v, consumed: 1 };
      const names = [...(scope.variables?.keys() ?? [])];
      const s = nameSuggestion(first!, names);
      return fail(err('Reference to undeclared input variable', `An input variable with the name "${first}" has not been declared.${s ? ` Did you mean "${s}"?` : ` This variable can be declared with a variable "${first}" {} block.`}`, refRange(t, 1)));
    }
    case 'local': {
      const v = scope.locals?.get(first!);
      if (v !== undefined) return { value: v, consumed: 1 };
      const s = nameSuggestion(first!, [...(scope.locals?.keys() ?? [])]);
      return fail(err('Reference to undeclared local value', `A local value with the name "${first}" has not been declared.${s ? ` Did you mean "${s}"?` : ''}`, refRange(t, 1)));
    }
    case 'count':
      if (first !== 'index') return fail(err('Invalid "count" attribute', `The "count" object does not have an attribute named "${first}". The only supported attribute is count.index, which is the index of each instance of a resource block that has the "count" argument set.`, refRange(t, 1)));
      if (!scope.countIndex) return fail(err('Reference to "count" in non-counted context', 'The "count" object can only be used in "module", "resource", and "data" blocks, and only when the "count" argument is set.', refRange(t, 1)));
      return { value: scope.countIndex, consumed: 1 };
    case 'each':
      if (first !== 'key' && first !== 'value') return fail(err('Invalid "each" attribute', `The "each" object does not have an attribute named "${first}". The supported attributes are each.key and each.value, the current key and value pair of the "for_each" attribute set.`, refRange(t, 1)));
      if (!scope.each) return fail(err('Reference to "each" in context without for_each', 'The "each" object can be used only in "module" or "resource" blocks, and only when the "for_each" argument is set.', refRange(t, 1)));
      return { value: first === 'key' ? scope.each.key : scope.each.value, consumed: 1 };
    case 'path': {
      if (first !== 'module' && first !== 'root' && first !== 'cwd') return fail(err('Invalid "path" attribute', `The "path" object does not have an attribute named "${first}". The supported attributes are path.cwd, the current working directory; path.module, the directory of the current module; and path.root, the directory of the root module.`, refRange(t, 1)));
      const p = scope.path ?? { module: '.', root: '.', cwd: '.' };
      return { value: stringVal(p[first]), consumed: 1 };
    }
    case 'terraform':
      if (first !== 'workspace') return fail(err('Invalid "terraform" attribute', `The "terraform" object does not have an attribute named "${first}". The only supported attribute is terraform.workspace, the name of the currently-selected workspace.`, refRange(t, 1)));
      return { value: stringVal(scope.workspace ?? 'default'), consumed: 1 };
    case 'self':
      if (!scope.self) return fail(err('Invalid "self" reference', 'The "self" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.', t.rootRange));
      return { value: scope.self, consumed: 0 };
    case 'module': {
      if (first === undefined) return fail(err('Invalid reference', 'The "module" object cannot be accessed directly. Instead, access one of its attributes.', t.rootRange));
      const v = scope.resource?.('module', 'module', first);
      if (v !== undefined) return { value: v, consumed: 1 };
      return fail(err('Reference to undeclared module', `No module call named "${first}" is declared in ${scope.moduleDisplay ?? 'the root module'}.`, refRange(t, 1)));
    }
    case 'data':
    case 'resource': {
      const type = first;
      const name = attrName(t, 1);
      if (type === undefined || name === undefined) {
        const what = root === 'data' ? 'data source type' : 'resource type';
        return fail(err('Invalid reference', `The "${root}" object must be followed by two attribute names: the ${what} and the resource name.`, t.range));
      }
      return resourceRef(scope, t, root === 'data' ? 'data' : 'managed', type, name, 2);
    }
    default: {
      if (['plan', 'state', 'template', 'lazy', 'arg'].includes(root)) {
        return fail(err('Reserved symbol name', `The symbol name "${root}" is reserved for use in a future Terraform version. If you are using a provider that already uses this as a resource type name, add the prefix "resource." to force interpretation as a resource type name.`, t.rootRange));
      }
      if (first === undefined) return fail(err('Invalid reference', 'A reference to a resource type must be followed by at least one attribute access, specifying the resource name.', t.range));
      return resourceRef(scope, t, 'managed', root, first, 1);
    }
  }
}

function resourceRef(scope: TerraformScope, t: TraversalExpr, mode: 'managed' | 'data', type: string, name: string, consumed: number): Resolved {
  const v = scope.resource?.(mode, type, name);
  if (v !== undefined) return { value: v, consumed };
  const article = mode === 'data' ? 'A data' : 'A managed';
  return fail(err('Reference to undeclared resource', `${article} resource "${type}" "${name}" has not been declared in ${scope.moduleDisplay ?? 'the root module'}.`, refRange(t, consumed)));
}
