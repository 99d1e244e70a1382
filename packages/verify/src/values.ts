/**
 * The values side of the validate walk, through @tfpairs/lang's evaluator and terraform's functions:
 * what is known at validate time is evaluated (literals, locals, functions of them), what depends on
 * input variables or resources stays unknown and raises nothing. Reference checks stay the walker's
 * (terraform's static validation), so evaluator diagnostics about references are not repeated here.
 */
import type { Diagnostic } from '@tfpairs/core';
import type { Expr } from '@tfpairs/hcl/tree';
import { joinPath, type ConfigFileSystem } from '@tfpairs/configs';
import {
  T,
  dynamicVal,
  evaluate,
  evaluateLocals,
  markSensitive,
  resolveRef,
  templateRenderer,
  unknownVal,
  withMarks,
  False,
  type EvalContext,
  type Functions,
  type Resolved,
  type TerraformScope,
  type Value,
} from '@tfpairs/lang';
import { providerFunctions, terraformFunctions } from '@tfpairs/lang/functions/index';
import { isAbsolute, relative } from 'node:path';
import type { ModuleConfig } from './module';
import { typeConstraint } from './vartype';

type Traversal = Extract<Expr, { kind: 'traversal' }>;

/** roots whose references the evaluator resolves; everything else (resources, data, modules, self) is unknown */
const SCOPE_ROOTS = new Set(['var', 'local', 'count', 'each', 'path', 'terraform']);

/** evaluator diagnostics the walker already gives in terraform's order (reference and call-shape checks) */
const OWNED_BY_WALKER = /^(Reference to |Invalid reference|Invalid "(terraform|path|count|each|self)"|Unknown variable|Call to unknown function|Not enough function arguments|Too many function arguments|Unknown provider function|Variables not allowed|Function calls not allowed)/;

export function walkerOwned(d: Diagnostic): boolean {
  // `~` expands to the home directory of whoever runs terraform: unknowable here, so not an error
  return OWNED_BY_WALKER.test(d.summary) || d.detail.includes('failed to expand ~');
}

/** a virtual directory functions resolve relative paths against; files are read through the config's file system */
const MODULE_ROOT = '/tfpairs-module-root';

/**
 * terraform's functions are built once per process (building the map costs more than validating a
 * small configuration); file reads go to the file system of the scope being evaluated, which is set
 * right before each (synchronous) evaluation.
 */
let activeFs: ConfigFileSystem | undefined;
let shared: Promise<Functions> | undefined;
let sharedReady: Functions | undefined;
const withProviders = new Map<string, Functions>();

function readThroughActive(abs: string): Uint8Array {
  const rel = relative(MODULE_ROOT, abs);
  const bytes = rel.startsWith('..') || isAbsolute(rel) ? undefined : activeFs?.readFile(joinPath('.', rel));
  if (!bytes) throw Object.assign(new Error(`open ${abs}: no such file or directory`), { code: 'ENOENT' });
  return bytes;
}

async function sharedFunctions(): Promise<Functions> {
  shared ??= (async () => {
    let all: Functions = {};
    const render = await templateRenderer(() => all);
    all = terraformFunctions({ baseDir: MODULE_ROOT, readFile: readThroughActive, renderTemplate: render });
    sharedReady = all;
    return all;
  })();
  return shared;
}

async function functionsFor(builtinProviderNames: ReadonlySet<string>): Promise<Functions> {
  const base = await sharedFunctions();
  if (builtinProviderNames.size === 0) return base;
  const key = [...builtinProviderNames].sort().join(',');
  let f = withProviders.get(key);
  if (!f) {
    f = { ...base, ...[...builtinProviderNames].reduce((acc, n) => ({ ...acc, ...providerFunctions(n) }), {} as Functions) };
    withProviders.set(key, f);
  }
  return f;
}

export interface ValueScopeOptions {
  readonly module: ModuleConfig;
  readonly fs: ConfigFileSystem;
  /** the module's directory relative to the root module's (path.module) */
  readonly moduleDir: string;
  /** local names of the builtin terraform provider (provider::<name>:: functions) */
  readonly builtinProviderNames: ReadonlySet<string>;
}

export interface RepetitionContext {
  readonly hasCount: boolean;
  readonly hasForEach: boolean;
}

export class ValueScope {
  private readonly scope: TerraformScope;
  private readonly localDiags: Map<string, Diagnostic[]>;
  private readonly fs: ConfigFileSystem;

  private constructor(scope: TerraformScope, localDiags: Map<string, Diagnostic[]>, fs: ConfigFileSystem) {
    this.scope = scope;
    this.localDiags = localDiags;
    this.fs = fs;
  }

  static async create(opts: ValueScopeOptions): Promise<ValueScope> {
    const functions = await functionsFor(opts.builtinProviderNames);
    // validate: input variables are unknown values of their declared type, with their marks
    const variables = new Map<string, Value>();
    for (const [name, v] of opts.module.variables) {
      const typeExpr = v.block.body.attributes.find((a) => a.name === 'type')?.expr;
      let value = unknownVal((typeExpr && typeConstraint(typeExpr)?.type) || T.dynamic);
      if (v.sensitive) value = markSensitive(value);
      if (v.ephemeral) value = withMarks(value, 'ephemeral');
      variables.set(name, value);
    }
    const base: TerraformScope = {
      variables,
      path: { module: opts.moduleDir, root: '.', cwd: '.' },
      resource: (mode, type, name) => {
        const m = opts.module;
        const declared = mode === 'module' ? m.moduleCalls.has(name) : (mode === 'data' ? m.dataResources : m.resources).has(`${type}.${name}`);
        return declared ? dynamicVal : undefined;
      },
      functions,
    };
    const defs = [...opts.module.locals].map(([name, a]) => ({ name, expr: a.expr }));
    activeFs = opts.fs;
    const locals = defs.length ? evaluateLocals(defs, base) : { values: new Map<string, Value>(), diagnostics: [] };
    const byLocal = new Map<string, Diagnostic[]>();
    const cycles: Diagnostic[] = [];
    for (const d of locals.diagnostics) {
      if (walkerOwned(d)) continue;
      const owner = d.range ? defs.find((x) => within(d.range!, x.expr)) : undefined;
      if (!owner) {
        cycles.push(stripContext(d));
        continue;
      }
      byLocal.set(owner.name, [...(byLocal.get(owner.name) ?? []), stripContext(d)]);
    }
    if (cycles.length) byLocal.set('', cycles);
    return new ValueScope({ ...base, locals: locals.values }, byLocal, opts.fs);
  }

  /** diagnostics of evaluating one local value (self references included) */
  local(name: string): Diagnostic[] {
    return this.localDiags.get(name) ?? [];
  }

  /** sourceless cycle diagnostics among locals (terraform stops the walk on a graph cycle) */
  cycles(): Diagnostic[] {
    return this.localDiags.get('') ?? [];
  }

  /** evaluation diagnostics of an expression in a block with or without count / for_each */
  evaluate(expr: Expr, rep: RepetitionContext, bound: ReadonlySet<string>): Diagnostic[] {
    if (cannotFail(expr)) return [];
    const scope: TerraformScope = {
      ...this.scope,
      ...(rep.hasCount ? { countIndex: unknownVal(T.number) } : {}),
      ...(rep.hasForEach ? { each: { key: unknownVal(T.string), value: dynamicVal } } : {}),
    };
    const resolve = (t: Traversal): Resolved | undefined => {
      if (bound.has(t.root)) return { value: dynamicVal, consumed: t.steps.length };
      const first = t.steps[0]?.kind === 'attr' ? t.steps[0].name : undefined;
      if (t.root === 'terraform' && first === 'applying') return { value: withMarks(False, 'ephemeral'), consumed: 1 };
      if (!SCOPE_ROOTS.has(t.root)) return { value: dynamicVal, consumed: t.steps.length };
      const r = resolveRef(scope, t);
      // a reference the walker accepted but the scope cannot give: unknown, never a second error
      if (!r || r.diagnostics?.some((d) => d.severity === 'error')) return { value: dynamicVal, consumed: t.steps.length };
      return r;
    };
    const ctx: EvalContext = { resolve, functions: scope.functions };
    activeFs = this.fs;
    return evaluate(expr, ctx).diagnostics.filter((d) => !walkerOwned(d)).map(stripContext);
  }
}

/**
 * Expressions whose evaluation cannot raise anything: literals, references to resources, data sources
 * and module outputs (unknown at validate time), and templates, tuples and objects of those. Most
 * arguments of provider resources are such; skipping them keeps validate within its cost budget.
 */
function cannotFail(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'traversal':
      return !SCOPE_ROOTS.has(e.root) && e.root !== 'self';
    case 'template':
      return e.parts.every((p) => p.kind === 'literal' || (p.kind === 'traversal' && cannotFail(p)));
    case 'tuple':
      return e.items.every(cannotFail);
    case 'object':
      return e.items.every((it) => (it.key.kind === 'literal' || (it.key.kind === 'traversal' && it.key.steps.length === 0)) && cannotFail(it.value));
    default:
      return false;
  }
}

function within(r: NonNullable<Diagnostic['range']>, e: Expr): boolean {
  return r.filename === e.range.filename && r.start.byte >= e.range.start.byte && r.end.byte <= e.range.end.byte;
}

/** HCL's context range is for renderers; terraform's JSON diagnostics carry only the subject */
function stripContext(d: Diagnostic & { context?: unknown }): Diagnostic {
  if (!('context' in d)) return d;
  const { context: _context, ...rest } = d;
  void _context;
  return rest;
}

/**
 * A child module's validation rules for one variable, given the constant value its caller passes:
 * the rules whose condition is known to be false, with their evaluated error message. Everything else
 * the rule reads is unknown (the rule then passes, as terraform's validate does).
 */
export function failedValidations<R extends { condition: Expr; message: Expr }>(value: Value, variable: string, rules: readonly R[]): { rule: R; message: string }[] {
  // built by the first ValueScope (before any walk); without them calls fail and the rule is skipped
  const functions = sharedReady ?? {};
  const resolve = (t: Traversal): Resolved => {
    const first = t.steps[0]?.kind === 'attr' ? t.steps[0].name : undefined;
    if (t.root === 'var' && first === variable) return { value, consumed: 1 };
    return { value: dynamicVal, consumed: t.steps.length };
  };
  const failed: { rule: R; message: string }[] = [];
  for (const rule of rules) {
    const r = evaluate(rule.condition, { resolve, functions });
    if (r.diagnostics.length || !r.value.isKnown || r.value.raw !== false) continue;
    const m = evaluate(rule.message, { resolve, functions });
    failed.push({ rule, message: m.diagnostics.length || typeof m.value.raw !== 'string' ? '' : m.value.raw });
  }
  return failed;
}
