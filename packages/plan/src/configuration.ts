/**
 * The `configuration` section of plan JSON (internal/command/jsonconfig): the configuration as
 * written, with each expression as `constant_value` (when HCL can evaluate it with no variables and no
 * functions) and/or `references`; nested blocks by the schema's nesting mode; resources sorted by
 * address; module calls with their child module.
 */
import type { Attribute, Block, Body, Expr } from '@tfpairs/hcl/tree';
import type { SourceFile } from '@tfpairs/hcl/source';
import { literalOf } from '@tfpairs/hcl/tree';
import type { BlockSchema } from '@tfpairs/verify';
import { convert, typeFromJson, valueToJson, type Value } from '@tfpairs/lang';
import { constantValue } from './eval';
import { referencesOf } from './references';
import type { LoadedModule } from './modules';
import type { PlanSchemas } from './schemas';
import { variableType, typeConvertedDefault } from './variables';

export interface ExpressionJson {
  constant_value?: unknown;
  references?: string[];
}

/**
 * Texts of the `.tf.json` files being marshalled (set for the duration of one synchronous
 * marshalModule call): HCL's JSON syntax evaluated without a context returns strings as written, so
 * terraform's constant_value of a JSON expression is its JSON text, templates unexpanded.
 */
let jsonSources: ReadonlyMap<string, SourceFile> = new Map();

function jsonConstant(e: Expr): { value: unknown } | undefined {
  const src = jsonSources.get(e.range.filename);
  if (!src) return undefined;
  try {
    return { value: JSON.parse(src.text.slice(src.offsetOf(e.range.start.line, e.range.start.column), src.offsetOf(e.range.end.line, e.range.end.column))) };
  } catch {
    return undefined;
  }
}

export function marshalExpression(e: Expr): ExpressionJson {
  const out: ExpressionJson = {};
  const json = e.range.filename.endsWith('.json') ? jsonConstant(e) : undefined;
  const v = json ? undefined : constantValue(e);
  if (json) out.constant_value = json.value;
  else if (v !== undefined) out.constant_value = valueToJson(v);
  const refs = referencesOf(e);
  if (refs.length) out.references = refs;
  return out;
}

type Expressions = Record<string, unknown>;

/** count / for_each expressions are left out when they are neither constant nor referring to anything */
function setExpression(entry: Record<string, unknown>, key: string, e: Expr | undefined): void {
  if (!e) return;
  const m = marshalExpression(e);
  if (Object.keys(m).length) entry[key] = m;
}

/** Expressions of a body by its schema (attributes and blocks the schema does not know are left out). */
export function marshalExpressions(body: Body, schema: BlockSchema | undefined): Expressions {
  const out: Expressions = {};
  if (!schema) {
    // no schema (unknown type): JustAttributes
    for (const a of body.attributes) out[a.name] = marshalExpression(a.expr);
    return sortKeys(out);
  }
  for (const a of body.attributes) if (schema.attributes?.[a.name]) out[a.name] = marshalExpression(a.expr);
  for (const [name, a] of Object.entries(schema.attributes ?? {})) {
    if (name in out) continue;
    const asBlocks = attributeBlocksExpression(body, name, a.type);
    if (asBlocks) out[name] = asBlocks;
  }
  for (const b of body.blocks) {
    const bt = schema.block_types?.[b.type];
    if (!bt) continue;
    const inner = marshalExpressions(b.body, bt.block);
    if (bt.nesting_mode === 'single' || bt.nesting_mode === 'group') out[b.type] = inner;
    else if (bt.nesting_mode === 'map') ((out[b.type] ??= {}) as Record<string, unknown>)[b.labels[0] ?? ''] = inner;
    else ((out[b.type] ??= []) as unknown[]).push(inner);
  }
  return sortKeys(out);
}

/**
 * Blocks written for a list/set-of-objects attribute become one expression (terraform's fixup body):
 * the references of every block in order, and a constant tuple of objects (element type, missing
 * attributes null) when every attribute is constant.
 */
function attributeBlocksExpression(body: Body, name: string, typeJson: unknown): ExpressionJson | undefined {
  const t = typeJson !== undefined ? typeFromJson(typeJson) : undefined;
  if (!t || (t.kind !== 'list' && t.kind !== 'set') || t.elem.kind !== 'object') return undefined;
  const blocks = body.blocks.filter((b) => b.type === name);
  if (blocks.length === 0 || body.blocks.some((b) => b.type === 'dynamic' && b.labels[0] === name)) return undefined;
  const elem = t.elem;
  const refs: string[] = [];
  let constant = true;
  const items: Record<string, unknown>[] = [];
  for (const b of blocks) {
    const item: Record<string, unknown> = {};
    for (const a of b.body.attributes) refs.push(...referencesOf(a.expr));
    for (const an of elem.names) {
      const given = b.body.attributes.find((x) => x.name === an);
      if (!given) {
        item[an] = null;
        continue;
      }
      const v = constantValue(given.expr);
      const c = v ? convertOrUndefined(v, elem.attrs.get(an)!) : undefined;
      if (!c) constant = false;
      else item[an] = valueToJson(c);
    }
    items.push(item);
  }
  const out: ExpressionJson = {};
  if (constant) out.constant_value = items;
  if (refs.length) out.references = refs;
  return out;
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

const attr = (body: Body, name: string): Attribute | undefined => body.attributes.find((a) => a.name === name);

function traversalText(e: Expr): string | undefined {
  if (e.kind !== 'traversal') return undefined;
  return e.root + e.steps.map((s) => (s.kind === 'attr' ? `.${s.name}` : `[${JSON.stringify(s.key)}]`)).join('');
}

function dependsOnOf(block: Block): string[] | undefined {
  const a = attr(block.body, 'depends_on');
  if (!a || a.expr.kind !== 'tuple') return undefined;
  const list = a.expr.items.map(traversalText).filter((x): x is string => x !== undefined);
  return list.length ? list : undefined;
}

export interface ConfigContext {
  readonly schemas: PlanSchemas;
  /** the `provider_config` section, to name the configuration each resource uses */
  readonly providerConfigs?: Readonly<Record<string, unknown>>;
}

/** The provider_config key serving a module's provider: its own entry, else the nearest ancestor's. */
function providerConfigKey(ctx: ConfigContext, moduleAddress: string, key: string): string {
  const configs = ctx.providerConfigs ?? {};
  let addr = moduleAddress;
  while (addr) {
    if (configs[`${addr}:${key}`]) return `${addr}:${key}`;
    const i = addr.lastIndexOf('.module.');
    addr = i < 0 ? '' : addr.slice(0, i);
  }
  return key;
}

export function marshalModule(mod: LoadedModule, ctx: ConfigContext, moduleAddress: string): Record<string, unknown> {
  const saved = jsonSources;
  jsonSources = new Map(mod.files.filter((f) => f.source.filename.endsWith('.json')).map((f) => [f.source.filename, f.source]));
  try {
    return marshalModuleBody(mod, ctx, moduleAddress);
  } finally {
    jsonSources = saved;
  }
}

function marshalModuleBody(mod: LoadedModule, ctx: ConfigContext, moduleAddress: string): Record<string, unknown> {
  const cfg = mod.config;
  const out: Record<string, unknown> = {};
  if (cfg.outputs.size) {
    const outputs: Record<string, unknown> = {};
    for (const [name, o] of [...cfg.outputs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const entry: Record<string, unknown> = {};
      if (o.sensitive) entry.sensitive = true;
      entry.expression = o.value ? marshalExpression(o.value.expr) : {};
      const desc = attr(o.block.body, 'description');
      const d = desc ? literalOf(desc.expr) : undefined;
      if (typeof d === 'string' && d) entry.description = d;
      const deps = dependsOnOf(o.block);
      if (deps) entry.depends_on = deps;
      outputs[name] = entry;
    }
    out.outputs = outputs;
  }
  const resources = [...cfg.resources.values(), ...cfg.dataResources.values()].map((r) => {
    const address = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    const schema = r.mode === 'data' ? ctx.schemas.dataSource(r.type, r.providerLocalName) : ctx.schemas.resource(r.type, r.providerLocalName);
    const entry: Record<string, unknown> = {
      address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider_config_key: providerConfigKey(ctx, moduleAddress, r.providerKey),
    };
    const provisioners = r.provisioners.map((p) => ({ type: p.labels[0], expressions: marshalExpressions(p.body, undefined) }));
    if (provisioners.length) entry.provisioners = provisioners;
    const body: Body = { ...r.block.body, attributes: r.block.body.attributes.filter((a) => !['count', 'for_each', 'provider', 'depends_on'].includes(a.name)), blocks: r.block.body.blocks.filter((b) => !['lifecycle', 'connection', 'provisioner'].includes(b.type)) };
    const expressions = marshalExpressions(body, schema?.block);
    if (Object.keys(expressions).length) entry.expressions = expressions;
    entry.schema_version = schema?.version ?? 0;
    setExpression(entry, 'count_expression', r.count?.expr);
    setExpression(entry, 'for_each_expression', r.forEach?.expr);
    const deps = dependsOnOf(r.block);
    if (deps) entry.depends_on = deps;
    return entry;
  });
  resources.sort((a, b) => (String(a.address) < String(b.address) ? -1 : 1));
  if (resources.length) out.resources = resources;
  if (cfg.moduleCalls.size) {
    const calls: Record<string, unknown> = {};
    for (const [name, call] of [...cfg.moduleCalls].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const child = mod.children.get(name);
      const entry: Record<string, unknown> = {};
      const src = attr(call.block.body, 'source');
      entry.source = src ? literalOf(src.expr) : '';
      // a module call's arguments are the child's variables
      const schema: BlockSchema = { attributes: Object.fromEntries([...(child?.config.variables.keys() ?? [])].map((v) => [v, { type: 'dynamic', optional: true }])) };
      const expressions = marshalExpressions({ ...call.block.body, attributes: call.inputs, blocks: [] }, schema);
      if (Object.keys(expressions).length) entry.expressions = expressions;
      setExpression(entry, 'count_expression', call.count?.expr);
      setExpression(entry, 'for_each_expression', call.forEach?.expr);
      entry.module = child ? marshalModule(child, ctx, `${moduleAddress ? `${moduleAddress}.` : ''}module.${name}`) : {};
      const version = attr(call.block.body, 'version');
      const vc = version ? literalOf(version.expr) : undefined;
      if (typeof vc === 'string') entry.version_constraint = vc;
      const deps = dependsOnOf(call.block);
      if (deps) entry.depends_on = deps;
      calls[name] = entry;
    }
    out.module_calls = calls;
  }
  if (cfg.variables.size) {
    const vars: Record<string, unknown> = {};
    for (const [name, v] of [...cfg.variables].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const entry: Record<string, unknown> = {};
      const def = attr(v.block.body, 'default');
      if (def) {
        const value: Value | undefined = typeConvertedDefault(def.expr, variableType(v.block));
        if (value !== undefined) entry.default = valueToJson(value);
      }
      const desc = attr(v.block.body, 'description');
      const d = desc ? literalOf(desc.expr) : undefined;
      if (typeof d === 'string' && d) entry.description = d;
      if (v.sensitive) entry.sensitive = true;
      vars[name] = entry;
    }
    out.variables = vars;
  }
  return out;
}

/** `provider_config`: every provider block plus the providers resources use without one. */
export function marshalProviderConfigs(root: LoadedModule, ctx: ConfigContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (mod: LoadedModule, prefix: string, parentNames: ReadonlySet<string>) => {
    const cfg = mod.config;
    const names = new Set<string>();
    for (const [key, p] of cfg.providers) {
      names.add(p.localName);
      const fullKey = prefix ? `${prefix}:${key}` : key;
      const entry: Record<string, unknown> = { name: p.localName, full_name: ctx.schemas.address(p.localName) };
      if (p.alias) entry.alias = p.alias;
      if (prefix) entry.module_address = prefix;
      const vc = cfg.requiredProviders[p.localName]?.version;
      if (vc) entry.version_constraint = vc;
      const body: Body = { ...p.block.body, attributes: p.block.body.attributes.filter((a) => a.name !== 'alias' && a.name !== 'version') };
      const expressions = marshalExpressions(body, ctx.schemas.provider(p.localName));
      if (Object.keys(expressions).length) entry.expressions = expressions;
      out[fullKey] = entry;
    }
    const implied = new Set<string>();
    for (const r of [...cfg.resources.values(), ...cfg.dataResources.values()]) implied.add(r.providerKey);
    for (const local of Object.keys(cfg.requiredProviders)) implied.add(local);
    for (const key of implied) {
      if (key.includes('.')) continue;
      names.add(key);
      const fullKey = prefix ? `${prefix}:${key}` : key;
      // a child module's implied provider is its parent's when the parent has that provider too
      if (out[fullKey] || (prefix && parentNames.has(key))) continue;
      const entry: Record<string, unknown> = { name: key, full_name: ctx.schemas.address(key) };
      if (prefix) entry.module_address = prefix;
      const vc = cfg.requiredProviders[key]?.version;
      if (vc) entry.version_constraint = vc;
      out[fullKey] = entry;
    }
    for (const [name, child] of mod.children) visit(child, `${prefix ? `${prefix}.` : ''}module.${name}`, names);
  };
  visit(root, '', new Set());
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function convertOrUndefined(v: Value, t: Parameters<typeof convert>[1]): Value | undefined {
  try {
    return convert(v, t);
  } catch {
    return undefined;
  }
}
