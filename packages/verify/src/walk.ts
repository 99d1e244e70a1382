/**
 * terraform's validate walk (internal/terraform): every resource, data source, provider, local, output
 * and module call is a graph node; a node whose dependency failed is skipped (dag walk), reference
 * errors stop a block before its body is decoded (lang.Scope.EvalBlock), and provider-schema decoding
 * reports the content errors. Texts follow addrs/parse_ref.go, evaluate_valid.go, evaluate.go,
 * node_resource_validate.go and configschema/validate_traversal.go.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import { decodeBody, error, type DecodeOutput, type EvaluatedExpr } from './decode';
import { nameSuggestion } from './didyoumean';
import { checkCall, type FunctionContext } from './functions';
import { callsIn, literalOf, traversalsIn, type Block, type Expr, type TraversalStep } from '@tfpairs/hcl/tree';
import { literalTypeError } from './types';
import { constValue, conversionProblem, typeConstraint } from './vartype';
import { fileProvisionerRules } from './rules';
import { failedValidations, type ValueScope } from './values';
import { convert, friendlyName, type Type } from '@tfpairs/lang';
import { RESOURCE_META_ATTRIBUTES, RESOURCE_META_BLOCKS, type ModuleConfig, type ResourceConfig } from './module';
import type { BlockSchema, SchemaSet } from './schemas';
import { rangeBetween, rangeString } from '@tfpairs/hcl/source';

type Traversal = Extract<Expr, { kind: 'traversal' }>;

export interface WalkOptions {
  readonly schemas?: SchemaSet;
  readonly functions: FunctionContext;
  /** `module.a.module.b` for a child module; empty or absent for the root module */
  readonly moduleAddr?: string;
  /** the interfaces (variables, outputs) of the called modules that could be loaded, by call name */
  readonly children?: ReadonlyMap<string, ChildInterface>;
  /** values known at validate time (locals, functions); without it expressions are not evaluated */
  readonly values?: ValueScope;
}

/** what a module call can see of its child: its input variables and output names */
export interface ChildInterface {
  readonly variables: ReadonlyMap<string, { readonly required: boolean; readonly nullable: boolean; readonly type?: Type; readonly declRange: Range; readonly validations?: readonly { readonly condition: Expr; readonly message: Expr; readonly defRange: Range }[] }>;
  readonly outputs: ReadonlySet<string>;
}

interface RefContext {
  readonly hasCount: boolean;
  readonly hasForEach: boolean;
  /** true inside resource, data and module blocks (where count/each are meaningful) */
  readonly repetition: boolean;
  /** inside provisioner and connection blocks `self` is the resource (its schema, or null when unknown) */
  readonly self?: BlockSchema | null;
}

/** terraform's built-in provisioners (internal/builtin/provisioners) and their arguments. */
const PROVISIONER_SCHEMAS: Readonly<Record<string, BlockSchema>> = {
  'local-exec': {
    attributes: {
      command: { type: 'string', required: true },
      interpreter: { type: ['list', 'string'], optional: true },
      working_dir: { type: 'string', optional: true },
      environment: { type: ['map', 'string'], optional: true },
      quiet: { type: 'bool', optional: true },
    },
  },
  'remote-exec': {
    attributes: {
      inline: { type: ['list', 'string'], optional: true },
      script: { type: 'string', optional: true },
      scripts: { type: ['list', 'string'], optional: true },
    },
  },
  file: {
    attributes: {
      source: { type: 'string', optional: true },
      content: { type: 'string', optional: true },
      destination: { type: 'string', required: true },
    },
  },
};

/** internal/builtin/providers/terraform/resource_data.go */
const TERRAFORM_DATA_SCHEMA: BlockSchema = {
  attributes: {
    id: { type: 'string', computed: true },
    input: { type: 'dynamic', optional: true },
    output: { type: 'dynamic', computed: true },
    triggers_replace: { type: 'dynamic', optional: true },
  },
};

/** The superset of every communicator's connection arguments (node_resource_validate.go). */
const CONNECTION_SCHEMA: BlockSchema = {
  attributes: Object.fromEntries([
    ['host', { type: 'string', required: true }],
    ...['type', 'user', 'password', 'timeout', 'script_path', 'target_platform', 'private_key', 'certificate', 'host_key', 'agent_identity', 'proxy_scheme', 'proxy_host', 'proxy_user_name', 'proxy_user_password', 'bastion_host', 'bastion_host_key', 'bastion_user', 'bastion_password', 'bastion_private_key', 'bastion_certificate', 'cacert'].map((n) => [n, { type: 'string', optional: true }]),
    ...['port', 'proxy_port', 'bastion_port'].map((n) => [n, { type: 'number', optional: true }]),
    ...['agent', 'https', 'insecure', 'use_ntlm'].map((n) => [n, { type: 'bool', optional: true }]),
  ]),
};

interface RefResult {
  /** parse and static-validation errors: they stop a block before decoding */
  readonly staticDiags: Diagnostic[];
  /** errors found when evaluating (undeclared variables and locals, count/each context, ...) */
  readonly evalDiags: Diagnostic[];
  /**
   * those of evalDiags that building the evaluation context meets (lang.Scope.EvalContext: undeclared
   * variables and locals, count/each/path/terraform attributes), as opposed to errors of the
   * expression's own evaluation (an attribute a typed value lacks), which come with the decode's
   */
  readonly contextErrors: Set<Diagnostic>;
  readonly deps: Set<string>;
}

function contextError(out: RefResult, d: Diagnostic): void {
  out.evalDiags.push(d);
  out.contextErrors.add(d);
}

const NO_REPETITION: RefContext = { hasCount: false, hasForEach: false, repetition: false };

function traversalRange(t: Traversal, upTo: number): Range {
  // steps[0..upTo) (exclusive): the root plus that many steps
  if (upTo <= 0) return t.rootRange;
  return rangeBetween(t.rootRange, t.steps[upTo - 1]!.range);
}

/** evaluate_valid.go: a close declared name, else how to declare the missing one */
function variableHint(name: string, declared: readonly string[]): string {
  const s = nameSuggestion(name, [...declared].sort());
  return s ? ` Did you mean ${JSON.stringify(s)}?` : ` This variable can be declared with a variable ${JSON.stringify(name)} {} block.`;
}

function formatKey(key: string | number | boolean | null): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key);
}

export class Walker {
  private readonly module: ModuleConfig;
  private readonly opts: WalkOptions;
  /** "the root module" or "module.a", as terraform names a module in messages */
  private readonly where: string;
  private readonly isRoot: boolean;
  /** the check block whose asserts are being evaluated (its scoped data source is visible there only) */
  private currentCheck?: string;

  constructor(module: ModuleConfig, opts: WalkOptions) {
    this.module = module;
    this.opts = opts;
    this.isRoot = !opts.moduleAddr;
    this.where = opts.moduleAddr || 'the root module';
  }

  /** terraform_data belongs to terraform's built-in provider: no plugin, its schema is known */
  private isBuiltin(r: ResourceConfig): boolean {
    return r.mode === 'managed' && r.type === 'terraform_data' && r.providerLocalName === 'terraform' && !this.module.requiredProviders['terraform'];
  }

  private schemaFor(r: ResourceConfig): BlockSchema | undefined {
    if (this.isBuiltin(r)) return TERRAFORM_DATA_SCHEMA;
    const schemas = this.opts.schemas;
    if (!schemas || !schemas.hasProvider(r.providerLocalName)) return undefined;
    return r.mode === 'managed' ? schemas.resource(r.type) : schemas.dataSource(r.type);
  }

  /** parse_ref.go + static validation + evaluation of one reference. */
  private reference(t: Traversal, ctx: RefContext, out: RefResult): void {
    const { root, steps } = t;
    const singleAttr = (): string | undefined => {
      if (steps.length === 0) {
        out.staticDiags.push(error('Invalid reference', `The ${JSON.stringify(root)} object cannot be accessed directly. Instead, access one of its attributes.`, t.rootRange));
        return undefined;
      }
      const first = steps[0]!;
      if (first.kind !== 'attr') {
        out.staticDiags.push(error('Invalid reference', `The ${JSON.stringify(root)} object does not support this operation.`, first.range));
        return undefined;
      }
      return first.name;
    };
    switch (root) {
      case 'count': {
        const name = singleAttr();
        if (name === undefined) return;
        if (name !== 'index') {
          contextError(out, error('Invalid "count" attribute', `The "count" object does not have an attribute named ${JSON.stringify(name)}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the "count" argument set.`, traversalRange(t, 1)));
        } else if (!ctx.hasCount) {
          contextError(out, error('Reference to "count" in non-counted context', 'The "count" object can only be used in "module", "resource", and "data" blocks, and only when the "count" argument is set.', traversalRange(t, 1)));
        }
        return;
      }
      case 'each': {
        const name = singleAttr();
        if (name === undefined) return;
        if (name !== 'key' && name !== 'value') {
          contextError(out, error('Invalid "each" attribute', `The "each" object does not have an attribute named ${JSON.stringify(name)}. The supported attributes are each.key and each.value, the current key and value pair of the "for_each" attribute set.`, traversalRange(t, 1)));
        } else if (!ctx.hasForEach && name === 'value') {
          // evaluate.go GetForEachAttr: a missing each.value has its own message (recorded from terraform 1.11)
          contextError(out, error('each.value cannot be used in this context', 'A reference to "each.value" has been used in a context in which it is unavailable, such as when the configuration no longer contains the value in its "for_each" expression. Remove this reference to each.value in your configuration to work around this error.', traversalRange(t, 1)));
        } else if (!ctx.hasForEach) {
          contextError(out, error('Reference to "each" in context without for_each', 'The "each" object can be used only in "module" or "resource" blocks, and only when the "for_each" argument is set.', traversalRange(t, 1)));
        }
        return;
      }
      case 'local': {
        const name = singleAttr();
        if (name === undefined) return;
        out.deps.add(`local.${name}`);
        if (!this.module.locals.has(name)) {
          const s = nameSuggestion(name, [...this.module.locals.keys()].sort());
          contextError(out, error('Reference to undeclared local value', `A local value with the name ${JSON.stringify(name)} has not been declared.${s ? ` Did you mean ${JSON.stringify(s)}?` : ''}`, traversalRange(t, 1)));
        }
        return;
      }
      case 'var': {
        const name = singleAttr();
        if (name === undefined) return;
        out.deps.add(`var.${name}`);
        if (this.module.variables.has(name)) this.typedVariableSteps(name, steps.slice(1), out);
        if (!this.module.variables.has(name)) {
          contextError(out, error('Reference to undeclared input variable', `An input variable with the name ${JSON.stringify(name)} has not been declared.${variableHint(name, [...this.module.variables.keys()])}`, traversalRange(t, 1)));
        }
        return;
      }
      case 'path': {
        const name = singleAttr();
        if (name === undefined) return;
        if (name !== 'module' && name !== 'root' && name !== 'cwd') {
          contextError(out, error('Invalid "path" attribute', `The "path" object does not have an attribute named ${JSON.stringify(name)}.`, traversalRange(t, 1)));
        }
        return;
      }
      case 'terraform': {
        const name = singleAttr();
        if (name === undefined) return;
        if (name !== 'workspace' && name !== 'env' && name !== 'applying') {
          contextError(out, error('Invalid "terraform" attribute', `The "terraform" object does not have an attribute named ${JSON.stringify(name)}. The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply.`, traversalRange(t, 1)));
        }
        return;
      }
      case 'module': {
        const name = singleAttr();
        if (name === undefined) return;
        const rest = steps.slice(1);
        let consumed = 1;
        if (rest[0]?.kind === 'index') consumed++;
        const after = steps[consumed];
        if (after && after.kind !== 'attr') {
          out.staticDiags.push(error('Invalid reference', 'Module instance objects do not support this operation.', after.range));
          return;
        }
        out.deps.add(`module.${name}`);
        const call = this.module.moduleCalls.get(name);
        if (!call) {
          const s = nameSuggestion(name, [...this.module.moduleCalls.keys()].sort());
          out.staticDiags.push(error('Reference to undeclared module', `No module call named ${JSON.stringify(name)} is declared in ${this.where}.${s ? ` Did you mean ${JSON.stringify(s)}?` : ''}`, traversalRange(t, after ? consumed + 1 : consumed)));
          return;
        }
        const child = this.opts.children?.get(name);
        if (child && after?.kind === 'attr') {
          // the module's value is an object of its outputs (a list of them under count, unknown under for_each)
          if (consumed === 1 && call.count) {
            out.evalDiags.push(error('Unsupported attribute', `Can't access attributes on a list of objects. Did you mean to access attribute ${JSON.stringify(after.name)} for a specific element of the list, or across all elements of the list?`, after.range));
          } else if (!(consumed === 1 && call.forEach) && !(consumed === 2 && !call.count && !call.forEach) && !child.outputs.has(after.name)) {
            out.evalDiags.push(error('Unsupported attribute', `This object does not have an attribute named ${JSON.stringify(after.name)}.`, after.range));
          }
        }
        return;
      }
      case 'self':
        if (ctx.self !== undefined) {
          if (ctx.self) staticValidateTraversal(ctx.self, steps, out.staticDiags);
          return;
        }
        out.staticDiags.push(error('Invalid "self" reference', 'The "self" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.', t.rootRange));
        return;
      case 'template':
      case 'lazy':
      case 'arg':
        out.staticDiags.push(error('Reserved symbol name', `The symbol name ${JSON.stringify(root)} is reserved for use in a future Terraform version. If you are using a provider that already uses this as a resource type name, add the prefix "resource." to force interpretation as a resource type name.`, t.rootRange));
        return;
      case 'data':
        if (steps.length < 2) {
          out.staticDiags.push(error('Invalid reference', 'The "data" object must be followed by two attribute names: the data source type and the resource name.', t.range));
          return;
        }
        this.resourceReference('data', t, 0, out);
        return;
      case 'resource':
        if (steps.length < 2) {
          out.staticDiags.push(error('Invalid reference', 'The "resource" object must be followed by two attribute names: the resource type and the resource name.', t.range));
          return;
        }
        this.resourceReference('managed', t, 0, out);
        return;
      default:
        this.resourceReference('managed', t, -1, out);
    }
    void ctx;
  }

  /**
   * Steps after `var.name` applied to an unknown value of the declared type (hcl's traversal of
   * cty.UnknownVal(type)): attributes of primitives, collections and missing object attributes fail.
   */
  private typedVariableSteps(name: string, steps: readonly TraversalStep[], out: RefResult): void {
    const typeExpr = this.module.variables.get(name)?.block.body.attributes.find((a) => a.name === 'type')?.expr;
    let type: Type | undefined = typeExpr ? typeConstraint(typeExpr)?.type : undefined;
    for (const step of steps) {
      if (!type || type.kind === 'dynamic') return;
      if (step.kind === 'attr') {
        if (type.kind === 'object') {
          const next = type.attrs.get(step.name);
          if (!next) {
            out.evalDiags.push(error('Unsupported attribute', `This object does not have an attribute named ${JSON.stringify(step.name)}.`, step.range));
            return;
          }
          type = next;
        } else if (type.kind === 'map') type = type.elem;
        else if (type.kind === 'string' || type.kind === 'number' || type.kind === 'bool') {
          out.evalDiags.push(error('Unsupported attribute', `Can't access attributes on a primitive-typed value (${type.kind}).`, step.range));
          return;
        } else {
          out.evalDiags.push(error('Unsupported attribute', 'This value does not have any attributes.', step.range));
          return;
        }
      } else if (type.kind === 'list' || type.kind === 'map') type = type.elem;
      else if (type.kind === 'tuple' && typeof step.key === 'number') type = type.elems[step.key];
      else if (type.kind === 'object' && typeof step.key === 'string') type = type.attrs.get(step.key);
      else return;
    }
  }

  /**
   * parseResourceRef + staticValidateResourceReference. `typeStep` is the index in `steps` of the
   * type name (-1 when the root itself is the type).
   */
  private resourceReference(mode: 'managed' | 'data', t: Traversal, typeStep: number, out: RefResult): void {
    const typeName = typeStep < 0 ? t.root : (t.steps[typeStep] as TraversalStep);
    const nameStep = t.steps[typeStep + 1];
    const what = mode === 'data' ? 'data source' : 'resource type';
    if (!nameStep) {
      out.staticDiags.push(error('Invalid reference', 'A reference to a resource type must be followed by at least one attribute access, specifying the resource name.', t.range));
      return;
    }
    if (typeof typeName !== 'string' && typeName.kind !== 'attr') {
      out.staticDiags.push(error('Invalid reference', 'The "data" object does not support this operation.', typeName.range));
      return;
    }
    if (nameStep.kind !== 'attr') {
      out.staticDiags.push(error('Invalid reference', `A reference to a ${what} must be followed by at least one attribute access, specifying the resource name.`, nameStep.range));
      return;
    }
    const type = typeof typeName === 'string' ? typeName : typeName.name;
    const name = nameStep.name;
    let rng = rangeBetween(t.rootRange, nameStep.range);
    let remain = t.steps.slice(typeStep + 2);
    let hasKey = false;
    if (remain[0]?.kind === 'index') {
      hasKey = true;
      rng = rangeBetween(rng, remain[0].range);
      remain = remain.slice(1);
    }
    const key = `${type}.${name}`;
    const addr = mode === 'data' ? `data.${key}` : key;
    out.deps.add(mode === 'data' ? `data.${key}` : `resource.${key}`);
    const cfg = (mode === 'data' ? this.module.dataResources : this.module.resources).get(key);
    if (!cfg) {
      let suggestion = '';
      if (mode === 'managed' && this.module.dataResources.has(key)) suggestion = `\n\nDid you mean the data resource data.${key}?`;
      out.staticDiags.push(error('Reference to undeclared resource', `A ${mode} resource ${JSON.stringify(type)} ${JSON.stringify(name)} has not been declared in ${this.where}.${suggestion}`, rng));
      return;
    }
    if (cfg.checkScope !== undefined && cfg.checkScope !== this.currentCheck) {
      out.staticDiags.push(error('Reference to scoped resource', `The referenced ${mode === 'data' ? 'data' : 'managed'} resource ${JSON.stringify(type)} ${JSON.stringify(name)} is not available from this context.`, rng));
      return;
    }
    if (hasKey) {
      if (!cfg.count && !cfg.forEach) {
        out.staticDiags.push(error('Unexpected resource instance key', `Because ${addr} does not have "count" or "for_each" set, references to it must not include an index key. Remove the bracketed index to refer to the single instance of this resource.`, rng));
      }
    } else if (remain.length > 0) {
      if (cfg.count) {
        out.staticDiags.push(error('Missing resource instance key', `Because ${addr} has "count" set, its attributes must be accessed on specific instances.\n\nFor example, to correlate with indices of a referring resource, use:\n    ${addr}[count.index]`, rng));
      }
      if (cfg.forEach) {
        out.staticDiags.push(error('Missing resource instance key', `Because ${addr} has "for_each" set, its attributes must be accessed on specific instances.\n\nFor example, to correlate with indices of a referring resource, use:\n    ${addr}[each.key]`, rng));
      }
    }
    const schema = this.schemaFor(cfg);
    if (!schema) return;
    const first = remain[0];
    if (first?.kind === 'attr' && first.name === 'count') {
      out.staticDiags.push(error('Invalid resource count attribute', `The special "count" attribute is no longer supported after Terraform v0.12. Instead, use length(${addr}) to count resource instances.`, rng));
      return;
    }
    staticValidateTraversal(schema, remain, out.staticDiags);
  }

  /** References of a set of expressions, split as terraform's EvalBlock splits them. */
  private references(exprs: readonly EvaluatedExpr[], ctx: RefContext): RefResult {
    const out: RefResult = { staticDiags: [], evalDiags: [], contextErrors: new Set(), deps: new Set() };
    for (const e of exprs) {
      for (const t of traversalsIn(e.expr, e.bound)) this.reference(t, ctx, out);
    }
    return out;
  }

  private calls(exprs: readonly EvaluatedExpr[]): Diagnostic[] {
    const diags: Diagnostic[] = [];
    for (const e of exprs) for (const c of callsIn(e.expr)) diags.push(...checkCall(c, this.opts.functions));
    return diags;
  }

  /** EvaluateBlock-like evaluation of loose expressions (locals, outputs, count, module inputs). */
  private evaluate(exprs: readonly EvaluatedExpr[], ctx: RefContext): { diags: Diagnostic[]; deps: Set<string> } {
    const refs = this.references(exprs, ctx);
    if (refs.staticDiags.some((d) => d.severity === 'error')) return { diags: refs.staticDiags, deps: refs.deps };
    const diags = [...refs.staticDiags, ...refs.evalDiags, ...this.calls(exprs)];
    return { diags: [...diags, ...this.values(exprs, ctx, diags)], deps: refs.deps };
  }

  /** what evaluating the expressions says, when nothing was wrong with their references and calls */
  private values(exprs: readonly EvaluatedExpr[], ctx: RefContext, sofar: readonly Diagnostic[]): Diagnostic[] {
    const scope = this.opts.values;
    if (!scope || sofar.some((d) => d.severity === 'error')) return [];
    return exprs.flatMap((e) => scope.evaluate(e.expr, ctx, e.bound));
  }

  /** Decodes a body against a provider schema with reference checks first (lang.Scope.EvalBlock). */
  private evaluateBlock(body: Parameters<typeof decodeBody>[0], schema: BlockSchema, ctx: RefContext, hidden?: { attrs: ReadonlySet<string>; blocks: ReadonlySet<string> }): { diags: Diagnostic[]; deps: Set<string>; decoded: DecodeOutput } {
    const decoded: DecodeOutput = { diags: [], exprs: [], deprecated: [], unconfigurable: [] };
    decodeBody(body, schema, decoded, hidden ? { hiddenAttributes: hidden.attrs, hiddenBlocks: hidden.blocks } : {});
    const refs = this.references(decoded.exprs, ctx);
    if (refs.staticDiags.some((d) => d.severity === 'error')) return { diags: refs.staticDiags, deps: refs.deps, decoded };
    // EvalBlock stops when building the evaluation context failed (an undeclared variable or local):
    // the decode's own errors (unsupported or missing arguments) are not reported alongside
    if (refs.contextErrors.size) return { diags: [...refs.staticDiags, ...refs.evalDiags.filter((d) => refs.contextErrors.has(d))], deps: refs.deps, decoded };
    const diags = [...decoded.diags, ...refs.staticDiags, ...refs.evalDiags, ...this.calls(decoded.exprs)];
    return { diags: [...diags, ...this.values(decoded.exprs, ctx, diags)], deps: refs.deps, decoded };
  }

  /** All nodes with their dependencies and diagnostics, then the dag walk that skips dependents of failures. */
  run(): Diagnostic[] {
    interface GraphNode {
      readonly deps: Set<string>;
      readonly diags: Diagnostic[];
    }
    const nodes = new Map<string, GraphNode>();
    const schemas = this.opts.schemas;

    for (const [key, p] of this.module.providers) {
      const schema = schemas?.hasProvider(p.localName) ? schemas.provider(p.localName) : undefined;
      if (!schema) {
        nodes.set(`provider.${key}`, { deps: new Set(), diags: [] });
        continue;
      }
      const r = this.evaluateBlock(p.block.body, schema, NO_REPETITION, { attrs: new Set(['alias', 'version']), blocks: new Set() });
      nodes.set(`provider.${key}`, { deps: r.deps, diags: r.diags });
    }

    // a cycle among locals stops terraform's walk before any node runs
    const cycles = this.opts.values?.cycles() ?? [];
    if (cycles.length) return cycles;
    for (const [name, local] of this.module.locals) {
      const refs = this.references([{ expr: local.expr, bound: new Set() }], NO_REPETITION);
      const own = [...refs.staticDiags, ...(refs.staticDiags.some((d) => d.severity === 'error') ? [] : [...refs.evalDiags, ...this.calls([{ expr: local.expr, bound: new Set() }])])];
      const diags = own.some((d) => d.severity === 'error') ? own : [...own, ...(this.opts.values?.local(name) ?? [])];
      refs.deps.delete(`local.${name}`);
      nodes.set(`local.${name}`, { deps: refs.deps, diags });
    }

    for (const [name, call] of this.module.moduleCalls) {
      const ctx: RefContext = { hasCount: !!call.count, hasForEach: !!call.forEach, repetition: true };
      const exprs = [call.count, call.forEach, ...call.inputs].filter((a) => !!a).map((a) => ({ expr: a!.expr, bound: new Set<string>() }));
      const r = this.evaluate(exprs, ctx);
      const child = this.opts.children?.get(name);
      const diags = child && !r.diags.some((d) => d.severity === 'error') ? [...r.diags, ...this.moduleArguments(name, call, child)] : r.diags;
      nodes.set(`module.${name}`, { deps: r.deps, diags });
    }

    for (const r of [...this.module.resources.values(), ...this.module.dataResources.values()]) {
      const id = r.mode === 'data' ? `data.${r.type}.${r.name}` : `resource.${r.type}.${r.name}`;
      nodes.set(id, this.resourceNode(r));
    }

    for (const [name, o] of this.module.outputs) {
      const exprs = o.value ? [{ expr: o.value.expr, bound: new Set<string>() }] : [];
      const r = this.evaluate(exprs, NO_REPETITION);
      const depDiags = this.dependsOn(o.dependsOn, r.deps);
      const preconditions = o.block.body.blocks.filter((b) => b.type === 'precondition');
      const diags = [...r.diags, ...depDiags, ...this.conditions(preconditions, NO_REPETITION, undefined, r.deps)];
      if (this.isRoot && !diags.some((d) => d.severity === 'error') && o.value && !o.sensitive && this.isSensitive(o.value.expr)) {
        diags.push({
          severity: 'error',
          summary: 'Output refers to sensitive values',
          detail:
            'To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Terraform requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true',
          range: o.block.defRange,
        });
      }
      if (!diags.some((d) => d.severity === 'error') && o.value && !o.ephemeral && this.isEphemeral(o.value.expr, new Set())) {
        diags.push(error('Ephemeral value not allowed', 'This output value is not declared as returning an ephemeral value, so it cannot be set to a result derived from an ephemeral value.', o.value.expr.range));
      }
      if (o.ephemeral && this.isRoot) diags.push(error('Ephemeral output not allowed', 'Ephemeral outputs are not allowed in context of a root module', o.block.defRange));
      else if (o.ephemeral && !diags.some((d) => d.severity === 'error') && o.value && !this.isEphemeral(o.value.expr, new Set())) {
        diags.push(error('Value not allowed in ephemeral output', 'This output value is declared as returning an ephemeral value, so it can only be set to an ephemeral value.', o.value.expr.range));
      }
      nodes.set(`output.${name}`, { deps: r.deps, diags });
    }

    for (const [name, asserts] of this.module.checks) {
      const deps = new Set<string>();
      this.currentCheck = name;
      const diags = this.conditions(asserts, NO_REPETITION, undefined, deps);
      this.currentCheck = undefined;
      nodes.set(`check.${name}`, { deps, diags });
    }

    for (const [name, v] of this.module.variables) {
      // validation rules are evaluated (since terraform 1.9 they may refer to other objects)
      const deps = new Set<string>();
      const diags = this.conditions(v.block.body.blocks.filter((b) => b.type === 'validation'), NO_REPETITION, undefined, deps);
      deps.delete(`var.${name}`);
      nodes.set(`var.${name}`, { deps, diags });
    }

    // dag walk: a node runs only when all its dependencies succeeded
    const state = new Map<string, 'ok' | 'failed' | 'visiting'>();
    const result: Diagnostic[] = [];
    const visit = (id: string): boolean => {
      const s = state.get(id);
      if (s === 'ok') return true;
      if (s === 'failed') return false;
      if (s === 'visiting') return true; // a cycle: terraform reports it elsewhere; do not cascade
      const node = nodes.get(id);
      if (!node) return true;
      state.set(id, 'visiting');
      let depsOk = true;
      for (const dep of node.deps) if (dep !== id && !visit(dep)) depsOk = false;
      if (!depsOk) {
        state.set(id, 'failed');
        return false;
      }
      result.push(...node.diags);
      const ok = !node.diags.some((d) => d.severity === 'error');
      state.set(id, ok ? 'ok' : 'failed');
      return ok;
    };
    for (const id of nodes.keys()) visit(id);
    return result;
  }

  /** a module call's arguments against the child's variables (unknown, missing, unsuitable literal values) */
  private moduleArguments(name: string, call: ModuleConfig['moduleCalls'] extends Map<string, infer C> ? C : never, child: ChildInterface): Diagnostic[] {
    const diags: Diagnostic[] = [];
    const given = new Set(call.inputs.map((a) => a.name));
    const declared = [...child.variables.keys()];
    for (const a of call.inputs) {
      const v = child.variables.get(a.name);
      if (!v) {
        const s = nameSuggestion(a.name, declared.filter((n) => !given.has(n)));
        diags.push(error('Unsupported argument', `An argument named ${JSON.stringify(a.name)} is not expected here.${s ? ` Did you mean ${JSON.stringify(s)}?` : ''}`, a.nameRange));
        continue;
      }
      const addr = `${this.opts.moduleAddr ? `${this.opts.moduleAddr}.` : ''}module.${name}.var.${a.name}`;
      if (a.expr.kind === 'literal' && a.expr.value === null) {
        if (!v.nullable) diags.push(error('Required variable not set', `The given value is not suitable for ${addr} defined at ${rangeString(v.declRange)}: required variable may not be set to null.`, a.expr.range));
        continue;
      }
      const value = v.type === undefined ? undefined : constValue(a.expr);
      const problem = value && v.type ? conversionProblem(value, v.type) : undefined;
      if (problem) diags.push(error('Invalid value for input variable', `The given value is not suitable for ${addr} declared at ${rangeString(v.declRange)}: ${problem}.`, a.expr.range));
      else if (value && v.validations?.length) {
        // the child's validation rules run on the caller's constant value (terraform validate evaluates module arguments)
        const converted = v.type ? convert(value, v.type) : value;
        for (const { rule, message } of failedValidations(converted, a.name, v.validations)) {
          diags.push(error('Invalid value for variable', `${message}\n\nThis was checked by the validation rule at ${rangeString(rule.defRange)}.`, a.expr.range));
        }
      }
    }
    for (const [vn, v] of child.variables) {
      if (v.required && !given.has(vn)) diags.push(error('Missing required argument', `The argument ${JSON.stringify(vn)} is required, but no definition was found.`, call.block.openBraceRange));
    }
    return diags;
  }

  private dependsOn(traversals: readonly Traversal[], deps: Set<string>): Diagnostic[] {
    const diags: Diagnostic[] = [];
    for (const t of traversals) {
      const out: RefResult = { staticDiags: [], evalDiags: [], contextErrors: new Set(), deps };
      // a whole object only: anything past the address is an error
      const resourceRoot = !['data', 'module', 'var', 'local', 'count', 'each', 'path', 'self', 'terraform', 'resource'].includes(t.root);
      const addrLen = t.root === 'data' ? 2 : t.root === 'module' || t.root === 'var' || t.root === 'local' ? 1 : resourceRoot ? 1 : 2;
      let remainStart = addrLen;
      if (t.steps[remainStart]?.kind === 'index' && (resourceRoot || t.root === 'data' || t.root === 'module')) remainStart++;
      // a module call's output is a referenceable object of its own (recorded: depends_on = [module.a.id] is valid)
      if (t.root === 'module' && t.steps[remainStart]?.kind === 'attr') remainStart++;
      const remain = t.steps.slice(remainStart);
      this.reference({ ...t, steps: t.steps.slice(0, remainStart) }, { hasCount: true, hasForEach: true, repetition: true }, out);
      diags.push(...out.staticDiags, ...out.evalDiags);
      if (!out.staticDiags.length && remain.length > 0) {
        diags.push(error('Invalid depends_on reference', 'References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.', rangeBetween(remain[0]!.range, remain[remain.length - 1]!.range)));
      }
    }
    return diags;
  }

  /**
   * precondition / postcondition / assert blocks (validateCheckRules): their references and calls,
   * always checked, whatever the owner's own body said; `self` only in postconditions.
   */
  private conditions(blocks: readonly Block[], ctx: RefContext, selfSchema: BlockSchema | null | undefined, deps: Set<string>): Diagnostic[] {
    const diags: Diagnostic[] = [];
    for (const b of blocks) {
      const exprs = b.body.attributes.filter((a) => a.name === 'condition' || a.name === 'error_message').map((a) => ({ expr: a.expr, bound: new Set<string>() }));
      const ruleCtx: RefContext = b.type === 'postcondition' ? { ...ctx, self: selfSchema ?? null } : ctx;
      const r = this.evaluate(exprs, ruleCtx);
      r.deps.forEach((d) => deps.add(d));
      diags.push(...r.diags);
      // the rule is still evaluated after a bad `self` reference, and `self` is then missing from its
      // scope: hcl adds "Unknown variable" (recorded from terraform 1.11)
      for (const e of exprs) {
        for (const t of traversalsIn(e.expr).filter((x) => x.root === 'self')) {
          const one: RefResult = { staticDiags: [], evalDiags: [], contextErrors: new Set(), deps: new Set() };
          this.reference(t, ruleCtx, one);
          if (one.staticDiags.some((d) => d.severity === 'error')) diags.push(error('Unknown variable', 'There is no variable named "self".', t.rootRange));
        }
      }
    }
    return diags;
  }

  private resourceNode(r: ResourceConfig): { deps: Set<string>; diags: Diagnostic[] } {
    const node = this.resourceBody(r);
    const ctx: RefContext = { hasCount: !!r.count, hasForEach: !!r.forEach, repetition: true };
    const rules = r.lifecycle.flatMap((lc) => lc.body.blocks.filter((b) => b.type === 'precondition' || b.type === 'postcondition'));
    node.diags.push(...this.conditions(rules, ctx, this.schemaFor(r), node.deps));
    return node;
  }

  private resourceBody(r: ResourceConfig): { deps: Set<string>; diags: Diagnostic[] } {
    const ctx: RefContext = { hasCount: !!r.count, hasForEach: !!r.forEach, repetition: true };
    const diags: Diagnostic[] = [];
    const deps = new Set<string>();
    deps.add(`provider.${r.providerKey}`);
    for (const meta of [r.count, r.forEach]) {
      if (!meta) continue;
      const m = this.evaluate([{ expr: meta.expr, bound: new Set() }], NO_REPETITION);
      m.deps.forEach((d) => deps.add(d));
      diags.push(...m.diags);
      if (!m.diags.some((d) => d.severity === 'error')) diags.push(...(meta === r.count ? this.countErrors(meta.expr) : this.forEachErrors(meta.expr)));
    }
    diags.push(...this.dependsOn(r.dependsOn, deps));
    if (r.providerKey.includes('.') && !this.module.providers.has(r.providerKey)) {
      const addr = r.mode === 'data' ? `data.${r.type}.${r.name}` : `${r.type}.${r.name}`;
      const alias = r.providerKey.slice(r.providerKey.indexOf('.') + 1);
      const source = this.module.requiredProviders[r.providerLocalName]?.source ?? `hashicorp/${r.providerLocalName}`;
      const fqn = source.split('/').length === 2 ? `registry.terraform.io/${source}` : source;
      diags.push({
        severity: 'error',
        summary: 'Provider configuration not present',
        detail: `To work with ${addr} its original provider configuration at provider[${JSON.stringify(fqn)}].${alias} is required, but it has been removed. This occurs when a provider configuration is removed while objects created by that provider still exist in the state. Re-add the provider configuration to destroy ${addr}, after which you can remove the provider configuration again.`,
      });
      return { deps, diags };
    }
    const schemas = this.opts.schemas;
    if (!this.isBuiltin(r) && (!schemas || !schemas.hasProvider(r.providerLocalName))) return { deps, diags };
    const schema = this.schemaFor(r);
    if (!schema) {
      if (!schemas) return { deps, diags };
      const display = providerDisplay(this.module, r.providerLocalName);
      let suggestion = '';
      if (r.mode === 'managed') {
        if (schemas.dataSource(r.type)) suggestion = `\n\nDid you intend to use the data source ${JSON.stringify(r.type)}? If so, declare this using a "data" block instead of a "resource" block.`;
        else {
          const s = nameSuggestion(r.type, schemas.resourceTypes(r.providerLocalName));
          if (s) suggestion = ` Did you mean ${JSON.stringify(s)}?`;
        }
        diags.push(error('Invalid resource type', `The provider ${display} does not support resource type ${JSON.stringify(r.type)}.${suggestion}`, r.block.labelRanges[0]));
      } else {
        if (schemas.resource(r.type)) suggestion = `\n\nDid you intend to use the managed resource type ${JSON.stringify(r.type)}? If so, declare this using a "resource" block instead of a "data" block.`;
        else {
          const s = nameSuggestion(r.type, schemas.dataSourceTypes(r.providerLocalName));
          if (s) suggestion = ` Did you mean ${JSON.stringify(s)}?`;
        }
        diags.push(error('Invalid data source', `The provider ${display} does not support data source ${JSON.stringify(r.type)}.${suggestion}`, r.block.labelRanges[0]));
      }
      return { deps, diags };
    }
    const evaluated = this.evaluateBlock(r.block.body, schema, ctx, { attrs: RESOURCE_META_ATTRIBUTES, blocks: RESOURCE_META_BLOCKS });
    evaluated.deps.forEach((d) => deps.add(d));
    diags.push(...evaluated.diags);
    if (!diags.some((d) => d.severity === 'error') && r.mode === 'managed') {
      // lifecycle.ignore_changes names the resource's own arguments (relative traversals)
      for (const lc of r.lifecycle) {
        const ic = lc.body.attributes.find((a) => a.name === 'ignore_changes');
        if (ic?.expr.kind !== 'tuple') continue;
        for (const item of ic.expr.items) {
          if (item.kind !== 'traversal') continue;
          staticValidateTraversal(schema, [{ kind: 'attr', name: item.root, range: item.rootRange }, ...item.steps], diags);
        }
      }
    }
    if (!diags.some((d) => d.severity === 'error')) {
      // what the provider's own ValidateResourceConfig says, as far as the schema tells
      for (const a of evaluated.decoded.unconfigurable) {
        diags.push(error('Value for unconfigurable attribute', `Can't configure a value for ${JSON.stringify(a.name)}: its value will be decided automatically based on the result of applying this configuration.`, a.expr.range));
      }
      for (const a of evaluated.decoded.deprecated) {
        diags.push({ severity: 'warning', summary: 'Argument is deprecated', detail: `The argument ${JSON.stringify(a.name)} is deprecated. Refer to the provider documentation for details.`, range: a.expr.range });
      }
    }
    if (!diags.some((d) => d.severity === 'error') && r.mode === 'managed') {
      // ephemeral values cannot be persisted: only write-only attributes take them
      for (const a of r.block.body.attributes) {
        if (RESOURCE_META_ATTRIBUTES.has(a.name)) continue;
        const attr = schema.attributes?.[a.name] as { write_only?: boolean } | undefined;
        if (attr && !attr.write_only && this.carries(a.expr, 'ephemeral')) {
          diags.push(error('Invalid use of ephemeral value', `Ephemeral values are not valid for ${JSON.stringify(a.name)}, because it is not a write-only attribute and must be persisted to state.`, a.expr.range));
        }
      }
    }
    diags.push(...this.provisioners(r, schema, ctx));
    return { deps, diags };
  }

  /** count's value as far as it is known: literals, through locals */
  private countErrors(expr: Expr): Diagnostic[] {
    const value = this.resolveLocals(expr);
    return countValueErrors(value, expr.range);
  }

  /** for_each's value as far as it is known: sensitive, literals through locals, typed variables */
  private forEachErrors(expr: Expr): Diagnostic[] {
    if (this.carries(expr, 'sensitive')) {
      return [error('Invalid for_each argument', 'Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.', expr.range)];
    }
    const value = this.resolveLocals(expr);
    if (value.kind === 'traversal' && value.root === 'var' && value.steps.length === 1 && value.steps[0]!.kind === 'attr') {
      const typeExpr = this.module.variables.get(value.steps[0]!.name)?.block.body.attributes.find((a) => a.name === 'type')?.expr;
      const type = typeExpr ? typeConstraint(typeExpr)?.type : undefined;
      if (type && type.kind !== 'dynamic' && type.kind !== 'map' && type.kind !== 'object' && !(type.kind === 'set' && (type.elem.kind === 'string' || type.elem.kind === 'dynamic'))) {
        return [error('Invalid for_each argument', `The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, or set of strings, and you have provided a value of type ${friendlyName(type)}.`, expr.range)];
      }
      return [];
    }
    return forEachValueErrors(value, expr.range);
  }

  /** Built-in provisioners and connection blocks; terraform stops after the first one with errors. */
  private provisioners(r: ResourceConfig, schema: BlockSchema, ctx: RefContext): Diagnostic[] {
    const diags: Diagnostic[] = [];
    const selfCtx: RefContext = { ...ctx, self: schema };
    for (const p of r.provisioners) {
      const ps = PROVISIONER_SCHEMAS[p.labels[0] ?? ''];
      if (!ps) continue;
      const own = this.evaluateBlock(p.body, ps, selfCtx, { attrs: new Set(['when', 'on_failure']), blocks: new Set(['connection']) });
      diags.push(...own.diags);
      if (!own.diags.some((d) => d.severity === 'error')) diags.push(...fileProvisionerRules(p));
      const conn = p.body.blocks.find((b) => b.type === 'connection') ?? r.connection;
      if (conn) {
        const body = conn === r.connection || !r.connection ? conn.body : { ...conn.body, attributes: [...conn.body.attributes, ...r.connection.body.attributes.filter((a) => !conn.body.attributes.some((x) => x.name === a.name))] };
        diags.push(...this.evaluateBlock(body, CONNECTION_SCHEMA, selfCtx).diags);
      }
      if (diags.some((d) => d.severity === 'error')) break;
    }
    return diags;
  }

  /**
   * Whether the expression's value carries the mark: sensitive values come from sensitive variables,
   * sensitive resource attributes and sensitive(); ephemeral ones from ephemeral variables and
   * terraform.applying; both flow through locals, operators and function calls, except through
   * nonsensitive() / issensitive() (sensitive) and ephemeralasnull() (ephemeral). Module outputs are
   * unknown and unmarked at validate time.
   */
  private carries(e: Expr, mark: 'sensitive' | 'ephemeral', seen: Set<string> = new Set()): boolean {
    switch (e.kind) {
      case 'literal':
        return false;
      case 'call':
        if (mark === 'sensitive' && (e.name === 'nonsensitive' || e.name === 'issensitive')) return false;
        if (mark === 'sensitive' && e.name === 'sensitive') return true;
        if (mark === 'ephemeral' && e.name === 'ephemeralasnull') return false;
        return e.args.some((x) => this.carries(x, mark, seen));
      case 'traversal':
        return this.traversalCarries(e, mark, seen);
      case 'template':
        return e.parts.some((x) => this.carries(x, mark, seen));
      case 'tuple':
        return e.items.some((x) => this.carries(x, mark, seen));
      case 'object':
        return e.items.some((x) => this.carries(x.key, mark, seen) || this.carries(x.value, mark, seen));
      case 'for':
        return this.carries(e.collection, mark, seen) || e.body.some((x) => this.carries(x, mark, seen));
      case 'other':
        return e.children.some((x) => this.carries(x, mark, seen));
    }
  }

  private traversalCarries(t: Traversal, mark: 'sensitive' | 'ephemeral', seen: Set<string>): boolean {
    const first = t.steps[0];
    if (first?.kind !== 'attr') return false;
    if (t.root === 'var') {
      const v = this.module.variables.get(first.name);
      return !!v && (mark === 'sensitive' ? v.sensitive : !!v.ephemeral);
    }
    if (t.root === 'terraform') return mark === 'ephemeral' && first.name === 'applying';
    if (t.root === 'local') {
      if (seen.has(first.name)) return false;
      seen.add(first.name);
      const local = this.module.locals.get(first.name);
      return !!local && this.carries(local.expr, mark, seen);
    }
    if (mark === 'ephemeral') return false;
    const isData = t.root === 'data';
    const off = isData ? 1 : 0;
    const typeName = isData ? (first.kind === 'attr' ? first.name : undefined) : t.root;
    const nameStep = t.steps[off];
    if (!typeName || nameStep?.kind !== 'attr') return false;
    const cfg = (isData ? this.module.dataResources : this.module.resources).get(`${typeName}.${nameStep.name}`);
    if (!cfg) return false;
    let rest = t.steps.slice(off + 1);
    if (rest[0]?.kind === 'index') rest = rest.slice(1);
    const attr = rest[0];
    if (attr?.kind !== 'attr') return false;
    return !!this.schemaFor(cfg)?.attributes?.[attr.name]?.sensitive;
  }

  private isEphemeral(e: Expr, seen: Set<string>): boolean {
    return this.carries(e, 'ephemeral', seen);
  }

  private isSensitive(e: Expr): boolean {
    return this.carries(e, 'sensitive');
  }

  /** a local's expression in place of `local.x` (recursively), so that values known through locals are checked */
  resolveLocals(e: Expr, seen: Set<string> = new Set()): Expr {
    if (e.kind !== 'traversal' || e.root !== 'local' || e.steps.length !== 1 || e.steps[0]!.kind !== 'attr') return e;
    const name = e.steps[0]!.name;
    const local = this.module.locals.get(name);
    if (!local || seen.has(name)) return e;
    seen.add(name);
    return this.resolveLocals(local.expr, seen);
  }
}

function providerDisplay(module: ModuleConfig, localName: string): string {
  const source = module.requiredProviders[localName]?.source;
  if (!source) return `hashicorp/${localName}`;
  const parts = source.toLowerCase().split('/');
  if (parts.length === 3 && parts[0] === 'registry.terraform.io') return parts.slice(1).join('/');
  if (parts.length === 1) return `hashicorp/${parts[0]}`;
  return parts.join('/');
}

/** configschema.Block.StaticValidateTraversal. */
export function staticValidateTraversal(schema: BlockSchema, steps: readonly TraversalStep[], diags: Diagnostic[]): void {
  if (steps.length === 0) return;
  const next = steps[0]!;
  const after = steps.slice(1);
  if (next.kind === 'index') {
    if (typeof next.key === 'string' && /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u.test(next.key)) {
      diags.push(error('Invalid index operation', `Only attribute access is allowed here. Did you mean to access attribute ${JSON.stringify(next.key)} using the dot operator?`, next.range));
    } else {
      diags.push(error('Invalid index operation', 'Only attribute access is allowed here, using the dot operator.', next.range));
    }
    return;
  }
  const name = next.name;
  const attr = schema.attributes?.[name];
  if (attr) {
    if (attr.deprecated) diags.push({ severity: 'warning', summary: 'Deprecated attribute', detail: `The attribute ${JSON.stringify(name)} is deprecated. Refer to the provider documentation for details.`, range: next.range });
    if (attr.type !== undefined) traverseType(attr.type, after, diags);
    return;
  }
  const block = schema.block_types?.[name];
  if (block) {
    if (block.nesting_mode === 'single' || block.nesting_mode === 'group') {
      staticValidateTraversal(block.block, after, diags);
      return;
    }
    if (after.length === 0) return;
    const step = after[0]!;
    if (block.nesting_mode === 'set') {
      diags.push(error('Cannot index a set value', `Block type ${JSON.stringify(name)} is represented by a set of objects, and set elements do not have addressable keys. To find elements matching specific criteria, use a "for" expression with an "if" clause.`, step.range));
    } else if (block.nesting_mode === 'list') {
      if (step.kind === 'index') staticValidateTraversal(block.block, after.slice(1), diags);
      else diags.push(error('Invalid operation', `Block type ${JSON.stringify(name)} is represented by a list of objects, so it must be indexed using a numeric key, like .${name}[0].`, step.range));
    } else if (block.nesting_mode === 'map') {
      staticValidateTraversal(block.block, after.slice(1), diags);
    }
    return;
  }
  const candidates = [...Object.keys(schema.attributes ?? {}), ...Object.keys(schema.block_types ?? {})].sort();
  const s = nameSuggestion(name, candidates);
  diags.push(error('Unsupported attribute', `This object has no argument, nested block, or exported attribute named ${JSON.stringify(name)}.${s ? ` Did you mean ${JSON.stringify(s)}?` : ''}`, next.range));
}

void formatKey;

/** evaluateCountExpressionValue, for the values known without evaluation (literals, tuples, objects). */
function countValueErrors(expr: Expr, at: Range = expr.range): Diagnostic[] {
  // `-1` is a negation of a literal
  if (expr.kind === 'other' && expr.what === 'unary_operation' && expr.op === '-' && typeof literalOf(expr.operand) === 'number') {
    return (literalOf(expr.operand) as number) > 0 ? [error('Invalid count argument', 'The given "count" argument value is unsuitable: must be greater than or equal to zero.', at)] : [];
  }
  const lit = literalOf(expr);
  if (lit === null && expr.kind === 'literal') return [error('Invalid count argument', 'The given "count" argument value is null. An integer is required.', at)];
  const conversion = literalTypeError(expr, 'number');
  if (conversion) return [error('Incorrect value type', `Invalid expression value: ${conversion}.`, at)];
  const n = typeof lit === 'number' ? lit : typeof lit === 'string' ? Number(lit.trim()) : undefined;
  if (n === undefined || Number.isNaN(n)) return [];
  if (!Number.isInteger(n)) return [error('Invalid count argument', 'The given "count" argument value is unsuitable: value must be a whole number, between -9223372036854775808 and 9223372036854775807.', at)];
  if (n < 0) return [error('Invalid count argument', 'The given "count" argument value is unsuitable: must be greater than or equal to zero.', at)];
  return [];
}

/** forEachEvaluator.ValidateResourceValue, for values whose type is known without evaluation. */
function forEachValueErrors(expr: Expr, range: Range = expr.range): Diagnostic[] {
  const lit = literalOf(expr);
  const unsuitable = (detail: string) => [error('Invalid for_each argument', `The given "for_each" argument value is unsuitable: ${detail}`, range)];
  if (lit === null && expr.kind === 'literal') return unsuitable('the given "for_each" argument value is null. A map, or set of strings is allowed.');
  const type = expr.kind === 'tuple' ? 'tuple' : typeof lit === 'string' ? 'string' : typeof lit === 'number' ? 'number' : typeof lit === 'boolean' ? 'bool' : undefined;
  if (!type) return [];
  return unsuitable(`the "for_each" argument must be a map, or set of strings, and you have provided a value of type ${type}.`);
}

/**
 * hcl's traversal of an unknown value of a known type (`after.TraverseRel(cty.UnknownVal(type))`):
 * attribute access on something that has no attributes, or indexing a set or a primitive, fails.
 */
function traverseType(type: unknown, steps: readonly TraversalStep[], diags: Diagnostic[]): void {
  let ty = type;
  for (const step of steps) {
    if (ty === 'dynamic' || ty === undefined) return;
    const kind = Array.isArray(ty) ? (ty[0] as string) : (ty as string);
    const inner = Array.isArray(ty) ? ty[1] : undefined;
    if (step.kind === 'attr') {
      if (kind === 'object') {
        const attrs = (inner ?? {}) as Record<string, unknown>;
        if (!Object.hasOwn(attrs, step.name)) {
          diags.push(error('Unsupported attribute', `This object does not have an attribute named ${JSON.stringify(step.name)}.`, step.range));
          return;
        }
        ty = attrs[step.name];
      } else if (kind === 'map') ty = inner;
      else {
        diags.push(error('Unsupported attribute', 'This value does not have any attributes.', step.range));
        return;
      }
    } else {
      if (kind === 'list' || kind === 'map') ty = inner;
      else if (kind === 'tuple') ty = typeof step.key === 'number' && Array.isArray(inner) ? inner[step.key] : undefined;
      else if (kind === 'object') ty = typeof step.key === 'string' ? ((inner ?? {}) as Record<string, unknown>)[step.key] : undefined;
      else if (kind === 'set') {
        diags.push(error('Invalid index', "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.", step.range));
        return;
      } else {
        diags.push(error('Invalid index', 'This value does not have any indices.', step.range));
        return;
      }
    }
  }
}
