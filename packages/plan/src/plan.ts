/**
 * The plan builder: terraform's JSON plan representation (`terraform show -json PLANFILE`, format 1.2)
 * of a fresh create-only plan, computed offline. Every managed resource instance is a `create`; data
 * sources are planned as terraform plans one whose configuration is not yet known (a `read` whose
 * results are unknown), because no provider can be asked for them. Values are known where terraform
 * knows them at plan time (configuration, variables, locals, functions of known arguments) and unknown
 * where the provider would compute them (computed attributes left unset, everything derived from them).
 */
import type { Diagnostic } from '@tfpairs/core';
import type { Block, Body, Expr, TraversalStep } from '@tfpairs/hcl/tree';
import type { BlockSchema } from '@tfpairs/verify';
import type { ResourceConfig } from '@tfpairs/verify/module';
import {
  T, Value, dynamicVal, nullVal, unknownVal, stringVal, numberVal, objectVal, tupleVal, listVal, setVal, emptyObjectVal, markSensitive, convert, typeFromJson, typeToJson,
  valueToJson, unknownToJson, isWhollyKnown, unmarkDeep, hasMarkDeep, type Functions, type Type,
} from '@tfpairs/lang';
import { terraformFunctions } from '@tfpairs/lang/functions/index';
import { evaluate, type EvalContext } from './eval';
import { marshalModule, marshalProviderConfigs } from './configuration';
import type { LoadedModule } from './modules';
import { TERRAFORM_DATA, type PlanSchemas } from './schemas';
import { conform, parseVarFlag, variableConstraint, type TypeConstraint } from './variables';
import { sensitiveAsBool } from './json';
import { relevantAttributes } from './relevant';

export const TERRAFORM_VERSION = '1.11.4';

type InstanceKey = number | string | undefined;

export interface ResourceInstance {
  readonly address: string;
  readonly moduleAddress: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index: InstanceKey;
  readonly providerName: string;
  readonly schemaVersion: number;
  readonly value: Value;
}

const keyText = (k: InstanceKey) => (k === undefined ? '' : typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`);

interface Extra {
  readonly count?: Value;
  readonly each?: { key: Value; value: Value };
}

interface Expansion {
  readonly keys: { key: InstanceKey; extra: Extra }[] | 'unknown';
  readonly kind: 'single' | 'count' | 'for_each';
}

export interface PlannerOptions {
  readonly schemas: PlanSchemas;
  readonly baseDir: string;
  readonly diagnostics: Diagnostic[];
}

/** One instance of a module (the root, `module.a`, `module.a[0]`), with its values computed lazily. */
class ModuleRun {
  private readonly localsMemo = new Map<string, Value | 'pending'>();
  private readonly resourceMemo = new Map<string, { instances: ResourceInstance[]; value: Value } | 'pending'>();
  private readonly callMemo = new Map<string, { runs: ModuleRun[]; value: Value } | 'pending'>();
  private readonly outputMemo = new Map<string, Value | 'pending'>();
  readonly functions: Functions;

  constructor(
    readonly mod: LoadedModule,
    readonly address: string,
    readonly vars: ReadonlyMap<string, Value>,
    readonly opts: PlannerOptions,
  ) {
    this.functions = functionsFor(opts.baseDir);
  }

  ctx(extra: Extra = {}): EvalContext {
    return { functions: this.functions, resolve: (root, steps) => this.resolve(root, steps, extra) };
  }

  private resolve(root: string, steps: readonly TraversalStep[], extra: Extra): { value: Value; used: number } | undefined {
    const attr = (i: number) => (steps[i]?.kind === 'attr' ? (steps[i] as { name: string }).name : undefined);
    const a0 = attr(0);
    switch (root) {
      case 'var':
        return a0 === undefined ? undefined : { value: this.vars.get(a0) ?? dynamicVal, used: 1 };
      case 'local':
        return a0 === undefined ? undefined : { value: this.local(a0), used: 1 };
      case 'count':
        return a0 === 'index' ? { value: extra.count ?? unknownVal(T.number), used: 1 } : undefined;
      case 'each':
        if (!extra.each) return { value: dynamicVal, used: 1 };
        return a0 === 'key' ? { value: extra.each.key, used: 1 } : a0 === 'value' ? { value: extra.each.value, used: 1 } : undefined;
      case 'path':
        return a0 === 'module' ? { value: stringVal(this.mod.dir), used: 1 } : a0 === 'root' ? { value: stringVal('.'), used: 1 } : a0 === 'cwd' ? { value: stringVal(this.opts.baseDir), used: 1 } : undefined;
      case 'terraform':
        return a0 === 'workspace' ? { value: stringVal('default'), used: 1 } : { value: dynamicVal, used: 1 };
      case 'self':
        return { value: dynamicVal, used: steps.length };
      case 'data': {
        const name = attr(1);
        if (a0 === undefined || name === undefined) return undefined;
        const r = this.mod.config.dataResources.get(`${a0}.${name}`);
        return r ? { value: this.resource(r).value, used: 2 } : undefined;
      }
      case 'module': {
        if (a0 === undefined || !this.mod.config.moduleCalls.has(a0)) return undefined;
        return { value: this.call(a0).value, used: 1 };
      }
      case 'resource': {
        const name = attr(1);
        const r = a0 !== undefined && name !== undefined ? this.mod.config.resources.get(`${a0}.${name}`) : undefined;
        return r ? { value: this.resource(r).value, used: 2 } : undefined;
      }
      default: {
        const r = a0 !== undefined ? this.mod.config.resources.get(`${root}.${a0}`) : undefined;
        return r ? { value: this.resource(r).value, used: 1 } : undefined;
      }
    }
  }

  local(name: string): Value {
    const memo = this.localsMemo.get(name);
    if (memo === 'pending') return dynamicVal;
    if (memo) return memo;
    const attr = this.mod.config.locals.get(name);
    if (!attr) return dynamicVal;
    this.localsMemo.set(name, 'pending');
    const v = evaluate(attr.expr, this.ctx()) ?? dynamicVal;
    this.localsMemo.set(name, v);
    return v;
  }

  expand(count: Expr | undefined, forEach: Expr | undefined, what: string): Expansion {
    if (count) {
      const v = evaluate(count, this.ctx());
      if (!v || !isWhollyKnown(v)) return { keys: 'unknown', kind: 'count' };
      let n: number;
      try {
        n = convert(unmarkDeep(v)[0], T.number).asNumber();
      } catch {
        return { keys: 'unknown', kind: 'count' };
      }
      return { kind: 'count', keys: Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => ({ key: i, extra: { count: numberVal(i) } })) };
    }
    if (forEach) {
      const v = evaluate(forEach, this.ctx());
      // only the keys must be known: a map of unknown-valued objects (another resource) expands
      if (!v || !v.isKnown) return { keys: 'unknown', kind: 'for_each' };
      const [u] = unmarkDeep(v);
      if (u.isNull) return { keys: 'unknown', kind: 'for_each' };
      const k = u.type.kind;
      if (k === 'set') {
        if (!isWhollyKnown(u)) return { keys: 'unknown', kind: 'for_each' };
        return { kind: 'for_each', keys: u.elements().map((e) => ({ key: String(e.raw), extra: { each: { key: e, value: e } } })) };
      }
      if (k === 'map' || k === 'object') {
        return { kind: 'for_each', keys: [...u.entries()].map(([key, value]) => ({ key, extra: { each: { key: stringVal(key), value } } })) };
      }
      this.opts.diagnostics.push({ severity: 'warning', summary: 'Invalid for_each argument', detail: `The for_each of ${what} is not a map or a set of strings; no instances are planned.` });
      return { kind: 'for_each', keys: [] };
    }
    return { kind: 'single', keys: [{ key: undefined, extra: {} }] };
  }

  resource(r: ResourceConfig): { instances: ResourceInstance[]; value: Value } {
    const id = `${r.mode}.${r.type}.${r.name}`;
    const memo = this.resourceMemo.get(id);
    if (memo === 'pending') return { instances: [], value: dynamicVal };
    if (memo) return memo;
    this.resourceMemo.set(id, 'pending');
    const schema = r.mode === 'data' ? this.opts.schemas.dataSource(r.type, r.providerLocalName) : this.opts.schemas.resource(r.type, r.providerLocalName);
    const base = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    const exp = this.expand(r.count?.expr, r.forEach?.expr, base);
    const instances: ResourceInstance[] = [];
    let value: Value;
    if (exp.keys === 'unknown') {
      this.opts.diagnostics.push({
        severity: 'warning',
        summary: exp.kind === 'count' ? 'Invalid count argument' : 'Invalid for_each argument',
        detail: `The ${exp.kind} of ${this.address ? `${this.address}.` : ''}${base} depends on values known only after apply (or beyond this planner); terraform would refuse to plan. No instances are planned.`,
        range: (r.count ?? r.forEach)?.expr.range,
      });
      value = dynamicVal;
    } else {
      const values: [InstanceKey, Value][] = [];
      for (const { key, extra } of exp.keys) {
        let v = schema ? decodeBody(r.block.body, schema.block, this.ctx(extra), new Map()) : dynamicVal;
        if (schema === TERRAFORM_DATA) v = planTerraformData(v);
        values.push([key, v]);
        instances.push({
          address: `${this.address ? `${this.address}.` : ''}${base}${keyText(key)}`,
          moduleAddress: this.address,
          mode: r.mode,
          type: r.type,
          name: r.name,
          index: key,
          providerName: this.opts.schemas.address(r.providerLocalName),
          schemaVersion: schema?.version ?? 0,
          value: v,
        });
      }
      value = exp.kind === 'single' ? values[0]![1] : exp.kind === 'count' ? tupleVal(values.map(([, v]) => v)) : objectVal(new Map(values.map(([k, v]) => [String(k), v])));
    }
    const result = { instances, value };
    this.resourceMemo.set(id, result);
    return result;
  }

  call(name: string): { runs: ModuleRun[]; value: Value } {
    const memo = this.callMemo.get(name);
    if (memo === 'pending') return { runs: [], value: dynamicVal };
    if (memo) return memo;
    this.callMemo.set(name, 'pending');
    const call = this.mod.config.moduleCalls.get(name)!;
    const child = this.mod.children.get(name)!;
    const exp = this.expand(call.count?.expr, call.forEach?.expr, `module.${name}`);
    const runs: ModuleRun[] = [];
    let value: Value;
    if (exp.keys === 'unknown') {
      this.opts.diagnostics.push({ severity: 'warning', summary: 'Invalid count argument', detail: `The instances of module.${name} depend on values this planner does not know; none are planned.`, range: call.block.defRange });
      value = dynamicVal;
    } else {
      const values: [InstanceKey, Value][] = [];
      for (const { key, extra } of exp.keys) {
        const ctx = this.ctx(extra);
        const vars = new Map<string, Value>();
        for (const [vname, v] of child.config.variables) {
          const input = call.inputs.find((a) => a.name === vname);
          const c = variableConstraint(v.block);
          let val: Value | undefined = input ? evaluate(input.expr, ctx) : undefined;
          if (val && val.isKnown) val = conform(val, c) ?? unknownVal(c.type);
          if (!val || val.isNull) val = defaultOf(v.block, c) ?? val ?? nullVal(c.type);
          vars.set(vname, v.sensitive ? markSensitive(val) : val);
        }
        const run = new ModuleRun(child, `${this.address ? `${this.address}.` : ''}module.${name}${keyText(key)}`, vars, this.opts);
        runs.push(run);
        values.push([key, run.outputsObject()]);
      }
      value = exp.kind === 'single' ? values[0]![1] : exp.kind === 'count' ? tupleVal(values.map(([, v]) => v)) : objectVal(new Map(values.map(([k, v]) => [String(k), v])));
    }
    const result = { runs, value };
    this.callMemo.set(name, result);
    return result;
  }

  output(name: string): Value {
    const memo = this.outputMemo.get(name);
    if (memo === 'pending') return dynamicVal;
    if (memo) return memo;
    this.outputMemo.set(name, 'pending');
    const o = this.mod.config.outputs.get(name)!;
    let v = o.value ? (evaluate(o.value.expr, this.ctx()) ?? dynamicVal) : nullVal(T.dynamic);
    if (o.sensitive) v = markSensitive(v);
    this.outputMemo.set(name, v);
    return v;
  }

  outputsObject(): Value {
    return objectVal(new Map([...this.mod.config.outputs.keys()].map((n) => [n, this.output(n)])));
  }

  /** every resource instance of this module instance and below, in no particular order */
  allInstances(): { run: ModuleRun; instances: ResourceInstance[] }[] {
    const out: { run: ModuleRun; instances: ResourceInstance[] }[] = [];
    const own: ResourceInstance[] = [];
    for (const r of [...this.mod.config.resources.values(), ...this.mod.config.dataResources.values()]) own.push(...this.resource(r).instances);
    out.push({ run: this, instances: own });
    for (const name of this.mod.config.moduleCalls.keys()) for (const run of this.call(name).runs) out.push(...run.allInstances());
    return out;
  }
}

const functionCache = new Map<string, Functions>();
function functionsFor(baseDir: string): Functions {
  let f = functionCache.get(baseDir);
  if (!f) {
    f = terraformFunctions({ baseDir, pureOnly: true });
    if (functionCache.size > 64) functionCache.clear();
    functionCache.set(baseDir, f);
  }
  return f;
}

function defaultOf(block: Block, c: TypeConstraint): Value | undefined {
  const def = block.body.attributes.find((a) => a.name === 'default');
  if (!def) return undefined;
  const v = evaluate(def.expr, { resolve: () => undefined, functions: {} });
  return v ? conform(v, c) : undefined;
}

const attrTypeCache = new WeakMap<object, Type>();
function attrType(a: { type?: unknown }): Type {
  let t = attrTypeCache.get(a);
  if (!t) {
    t = (a.type !== undefined ? typeFromJson(a.type) : undefined) ?? T.dynamic;
    attrTypeCache.set(a, t);
  }
  return t;
}

function collection(kind: 'list' | 'set', items: Value[]): Value {
  if (items.length === 0) return kind === 'list' ? tupleVal([]) : tupleVal([]);
  try {
    return kind === 'list' ? listVal(items) : setVal(items);
  } catch {
    return tupleVal(items);
  }
}

/** The blocks of one type in a body, `dynamic` blocks expanded; 'unknown' when a for_each is not known. */
function blocksOf(body: Body, type: string, ctx: EvalContext, locals: ReadonlyMap<string, Value>): { body: Body; labels: readonly string[]; locals: ReadonlyMap<string, Value> }[] | 'unknown' {
  const out: { body: Body; labels: readonly string[]; locals: ReadonlyMap<string, Value> }[] = [];
  for (const b of body.blocks) {
    if (b.type === type) out.push({ body: b.body, labels: b.labels, locals });
    else if (b.type === 'dynamic' && b.labels[0] === type) {
      const fe = b.body.attributes.find((a) => a.name === 'for_each');
      const content = b.body.blocks.find((x) => x.type === 'content');
      if (!fe || !content) continue;
      const it = b.body.attributes.find((a) => a.name === 'iterator');
      const iter = it && it.expr.kind === 'traversal' ? it.expr.root : type;
      const coll = evaluate(fe.expr, ctx, locals);
      if (!coll || !coll.isKnown) return 'unknown';
      const [u] = unmarkDeep(coll);
      if (u.isNull) continue;
      const k = u.type.kind;
      const pairs: [Value, Value][] = k === 'list' || k === 'tuple' ? u.elements().map((v, i) => [numberVal(i), v]) : k === 'set' ? u.elements().map((v) => [v, v]) : k === 'map' || k === 'object' ? [...u.entries()].map(([key, v]) => [stringVal(key), v]) : [];
      for (const [key, value] of pairs) {
        const inner = new Map(locals);
        inner.set(iter, objectVal({ key, value }));
        out.push({ body: content.body, labels: [], locals: inner });
      }
    }
  }
  return out;
}

/**
 * An attribute of type list/set of objects written as blocks (the SDK's "attributes as blocks",
 * `ingress { ... }` of aws_security_group): each block is an object of the element type, attributes
 * it leaves out null; undefined when the body has no such block.
 */
export function attributeBlocks(body: Body, name: string, t: Type, ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value | undefined {
  if ((t.kind !== 'list' && t.kind !== 'set') || t.elem.kind !== 'object') return undefined;
  if (!body.blocks.some((b) => b.type === name || (b.type === 'dynamic' && b.labels[0] === name))) return undefined;
  const elem = t.elem;
  const blocks = blocksOf(body, name, ctx, locals);
  if (blocks === 'unknown') return unknownVal(t);
  const items = blocks.map((b) => {
    const m = new Map<string, Value>();
    for (const an of elem.names) {
      const at = elem.attrs.get(an)!;
      const given = b.body.attributes.find((x) => x.name === an);
      let v: Value = nullVal(at);
      if (given) {
        const raw = evaluate(given.expr, ctx, b.locals) ?? unknownVal(at);
        try {
          v = convert(raw, at);
        } catch {
          v = unknownVal(at);
        }
      }
      m.set(an, v);
    }
    return objectVal(m);
  });
  try {
    return convert(tupleVal(items), t);
  } catch {
    return unknownVal(t);
  }
}

/** A resource's planned value: the configuration decoded by its schema, computed attributes left unset unknown. */
export function decodeBody(body: Body, schema: BlockSchema, ctx: EvalContext, locals: ReadonlyMap<string, Value>): Value {
  const attrs = new Map<string, Value>();
  for (const [name, a] of Object.entries(schema.attributes ?? {})) {
    const t = attrType(a);
    const given = body.attributes.find((x) => x.name === name);
    let v: Value;
    const asBlocks = given ? undefined : attributeBlocks(body, name, t, ctx, locals);
    if (asBlocks) v = asBlocks;
    else if (given) {
      const raw = evaluate(given.expr, ctx, locals) ?? unknownVal(t);
      try {
        v = t === T.dynamic ? raw : convert(raw, t);
      } catch {
        v = unknownVal(t);
      }
    } else v = nullVal(t);
    if (v.isNull && a.computed) v = unknownVal(t);
    if (a.sensitive) v = markSensitive(v);
    attrs.set(name, v);
  }
  for (const [name, bt] of Object.entries(schema.block_types ?? {})) {
    const blocks = blocksOf(body, name, ctx, locals);
    if (blocks === 'unknown') {
      attrs.set(name, dynamicVal);
      continue;
    }
    const items = blocks.map((b) => decodeBody(b.body, bt.block, ctx, b.locals));
    switch (bt.nesting_mode) {
      case 'single':
        attrs.set(name, items[0] ?? nullVal(T.dynamic));
        break;
      case 'group':
        attrs.set(name, items[0] ?? decodeBody({ attributes: [], blocks: [], range: body.range }, bt.block, ctx, locals));
        break;
      case 'map':
        attrs.set(name, objectVal(new Map(blocks.map((b, i) => [b.labels[0] ?? String(i), items[i]!]))));
        break;
      default:
        attrs.set(name, collection(bt.nesting_mode === 'set' ? 'set' : 'list', items));
    }
  }
  return attrs.size ? objectVal(attrs) : emptyObjectVal;
}

/** terraform_data's own plan (builtin provider): `output` is `input` after apply, so unknown of its type; null stays null. */
function planTerraformData(v: Value): Value {
  if (!v.isKnown || v.isNull) return v;
  const m = new Map(v.entries());
  const input = m.get('input');
  if (input) m.set('output', input.isNull ? input : unknownVal(unmarkDeep(input)[0].type));
  return objectVal(m);
}

// ---------------------------------------------------------------------------------------------------
// JSON assembly

function sortByAddress<T extends { address: string }>(xs: T[]): T[] {
  return xs.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** terraform's AbsResourceInstance.Less: module path (root first), data before managed, type, name, key. */
function instanceOrder(a: ResourceInstance, b: ResourceInstance): number {
  if (a.moduleAddress !== b.moduleAddress) {
    if (!a.moduleAddress || !b.moduleAddress) return a.moduleAddress ? 1 : -1;
    return a.moduleAddress < b.moduleAddress ? -1 : 1;
  }
  if (a.mode !== b.mode) return a.mode === 'data' ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (typeof a.index === 'number' && typeof b.index === 'number') return a.index - b.index;
  return String(a.index ?? '') < String(b.index ?? '') ? -1 : String(a.index ?? '') > String(b.index ?? '') ? 1 : 0;
}

function plannedResource(i: ResourceInstance): Record<string, unknown> {
  const out: Record<string, unknown> = { address: i.address, mode: i.mode, type: i.type, name: i.name };
  if (i.index !== undefined) out.index = i.index;
  out.provider_name = i.providerName;
  out.schema_version = i.schemaVersion;
  out.values = valueToJson(i.value) ?? {};
  out.sensitive_values = sensitiveAsBool(i.value);
  return out;
}

function resourceChange(i: ResourceInstance): Record<string, unknown> {
  const out: Record<string, unknown> = { address: i.address };
  if (i.moduleAddress) out.module_address = i.moduleAddress;
  out.mode = i.mode;
  out.type = i.type;
  out.name = i.name;
  if (i.index !== undefined) out.index = i.index;
  out.provider_name = i.providerName;
  out.change = {
    actions: [i.mode === 'data' ? 'read' : 'create'],
    before: null,
    after: valueToJson(i.value) ?? {},
    after_unknown: unknownToJson(i.value),
    before_sensitive: false,
    after_sensitive: sensitiveAsBool(i.value),
  };
  if (i.mode === 'data') out.action_reason = 'read_because_config_unknown';
  return out;
}

export interface PlanJson {
  format_version: string;
  terraform_version: string;
  variables?: Record<string, { value: unknown }>;
  planned_values: { outputs?: Record<string, unknown>; root_module: Record<string, unknown> };
  resource_changes?: Record<string, unknown>[];
  output_changes?: Record<string, unknown>;
  prior_state?: Record<string, unknown>;
  configuration: Record<string, unknown>;
  relevant_attributes?: { resource: string; attribute: unknown[] }[];
  applyable: boolean;
  complete: boolean;
  errored: boolean;
}

/** Root variable values: -var flags, then defaults; a required variable without a value is an error. */
export async function rootVariables(root: LoadedModule, vars: Readonly<Record<string, string>>, diags: Diagnostic[]): Promise<Map<string, Value>> {
  const out = new Map<string, Value>();
  for (const [name, v] of root.config.variables) {
    const c = variableConstraint(v.block);
    let val: Value | undefined;
    if (Object.hasOwn(vars, name)) {
      val = await parseVarFlag(vars[name]!, c);
      if (val === undefined) diags.push({ severity: 'error', summary: 'Invalid value for input variable', detail: `The value given for var.${name} is not compatible with its type constraint.` });
    } else {
      val = defaultOf(v.block, c);
      const hasDefault = v.block.body.attributes.some((a) => a.name === 'default');
      if (!hasDefault) diags.push({ severity: 'error', summary: 'No value for required variable', detail: `The root module input variable "${name}" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.`, range: v.block.defRange });
    }
    const value = val ?? nullVal(c.type);
    out.set(name, v.sensitive ? markSensitive(value) : value);
  }
  return out;
}

export function assemblePlan(root: LoadedModule, vars: Map<string, Value>, opts: PlannerOptions, rawFlags: Readonly<Record<string, string>> = {}): PlanJson {
  const run = new ModuleRun(root, '', vars, opts);
  const groups = run.allInstances();
  const plan: PlanJson = { format_version: '1.2', terraform_version: TERRAFORM_VERSION } as PlanJson;
  if (vars.size) {
    // a -var value is stored as the raw string it was given (terraform parses it per type only when evaluating)
    plan.variables = Object.fromEntries([...vars].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, { value: Object.hasOwn(rawFlags, k) ? rawFlags[k] : (valueToJson(unmarkDeep(v)[0]) ?? null) }]));
  }

  // planned_values
  const outputs: Record<string, unknown> = {};
  const outputChanges: Record<string, unknown> = {};
  const priorOutputs: Record<string, unknown> = {};
  for (const name of [...root.config.outputs.keys()].sort()) {
    const v = run.output(name);
    const sensitive = root.config.outputs.get(name)!.sensitive || hasMarkDeep(v, 'sensitive');
    const known = isWhollyKnown(v);
    const plain = unmarkDeep(v)[0];
    // a null output is no change at all (it was null before too) and is not stored in the state
    const isNull = plain.isNull;
    const entry: Record<string, unknown> = { sensitive };
    if (known) {
      entry.type = typeToJson(plain.type);
      entry.value = valueToJson(plain);
      if (!isNull) priorOutputs[name] = { sensitive, value: valueToJson(plain), type: typeToJson(plain.type) };
    }
    outputs[name] = entry;
    const change: Record<string, unknown> = { actions: [isNull ? 'no-op' : 'create'], before: null };
    const after = valueToJson(plain);
    if (after !== undefined) change.after = after;
    // an output change only records whether the output is sensitive, and unknowns only when there are any
    change.after_unknown = known ? false : unknownToJson(plain);
    change.before_sensitive = sensitive;
    const sens = sensitive;
    change.after_sensitive = sens;
    outputChanges[name] = change;
  }
  const moduleJson = (instances: ResourceInstance[]) => sortByAddress(instances.map((i) => ({ ...plannedResource(i), address: i.address })));
  const byModule = new Map<string, ResourceInstance[]>();
  for (const g of groups) byModule.set(g.run.address, [...(byModule.get(g.run.address) ?? []), ...g.instances]);
  const childrenOf = (addr: string): string[] =>
    [...byModule.keys()].filter((a) => a !== addr && a.startsWith(addr ? `${addr}.module.` : 'module.') && !a.slice(addr ? addr.length + 1 : 0).slice('module.'.length).includes('.module.')).sort();
  const moduleValues = (addr: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const res = moduleJson(byModule.get(addr) ?? []);
    if (res.length) out.resources = res;
    if (addr) out.address = addr;
    const kids = childrenOf(addr).map(moduleValues).filter((m) => m.resources || m.child_modules);
    if (kids.length) out.child_modules = kids;
    return out;
  };
  plan.planned_values = root.config.outputs.size ? { outputs, root_module: moduleValues('') } : { root_module: moduleValues('') };
  const all = groups.flatMap((g) => g.instances);
  if (all.length) plan.resource_changes = [...all].sort(instanceOrder).map(resourceChange);
  if (root.config.outputs.size) plan.output_changes = outputChanges;
  if (Object.keys(priorOutputs).length) plan.prior_state = { format_version: '1.0', terraform_version: TERRAFORM_VERSION, values: { outputs: priorOutputs, root_module: {} } };
  const providerConfig = marshalProviderConfigs(root, opts);
  const rootModule = marshalModule(root, { schemas: opts.schemas, providerConfigs: providerConfig }, '');
  plan.configuration = Object.keys(providerConfig).length ? { provider_config: providerConfig, root_module: rootModule } : { root_module: rootModule };
  const relevant = relevantAttributes(root, groups.map((g) => ({ address: g.run.address, mod: g.run.mod, hasChanges: g.instances.length > 0 })));
  if (relevant.length) plan.relevant_attributes = relevant;
  plan.applyable = all.length > 0 || root.config.outputs.size > 0;
  plan.complete = true;
  plan.errored = false;
  return plan;
}
