/**
 * Mutation operators: each finds the places in one verified configuration where it can inject exactly
 * one error of its kind, and says which terraform diagnostic (summary and line) that error must raise.
 * The edits are made on the source bytes at the positions of the tree, so everything else stays as
 * written. Whether the promise holds is decided by the validator afterwards (see negatives.ts).
 */
import type { Expr, Block, Body, Attribute, ParsedFile } from '@tfpairs/hcl/tree';
import { traversalsIn } from '@tfpairs/hcl/tree';
import type { BlockSchema, SchemaSet } from '@tfpairs/verify';
import { NEGATIVE_OPERATORS } from '@tfpairs/core/config/negatives';
import { driftTable } from './drift';

export const OPERATORS = NEGATIVE_OPERATORS;
export type AnyOperator = (typeof OPERATORS)[number];
/** The operators whose negative fails validate (the semantic ones, `intent-*`, are in semantic.ts). */
export type Operator = Exclude<AnyOperator, 'intent-constant' | 'intent-missing-resource'>;
export const VALIDATE_OPERATORS = OPERATORS.filter((o): o is Operator => !o.startsWith('intent-'));

/**
 * The diagnostic a negative must raise: its summary (a pattern for summaries that name a block) and line.
 * An `error` must be the only error; a `warning` (the configuration still validates) must be the only
 * diagnostic at all, so that the negative differs from its gold by exactly that warning.
 */
export interface Expectation {
  readonly summary: string | RegExp;
  readonly line: number;
  /** default `error` */
  readonly severity?: 'error' | 'warning';
  /** the exact detail, when it names what was edited (a block or an argument) */
  readonly detail?: string;
}

/** One possible mutation: the edit (bytes replaced) and what terraform must say about the result. */
export interface Site {
  readonly operator: Operator;
  readonly edit: { readonly start: number; readonly end: number; readonly text: string };
  readonly expect: Expectation;
  /** short human description, e.g. `aws_instance.web: instance_type -> instanceType` */
  readonly what: string;
}

/** The summary each operator's error carries (what `--negative-mix real` matches real diagnostics with). */
export const OPERATOR_SUMMARY: Record<Operator, string | RegExp> = {
  'drift-argument': 'Unsupported argument',
  'misspell-argument': 'Unsupported argument',
  'missing-required': 'Missing required argument',
  'unsupported-block': 'Unsupported block type',
  'insufficient-blocks': /^Insufficient \S+ blocks$/,
  'invalid-resource-type': 'Invalid resource type',
  'undeclared-reference': /^Reference to undeclared (resource|input variable|local value)$/,
  'wrong-attribute': 'Unsupported attribute',
  'wrong-literal-type': 'Incorrect attribute value type',
  'unclosed-block': 'Unclosed configuration block',
  'too-many-blocks': /^Too many \S+ blocks$/,
  // a warning: the negative still validates
  'deprecated-argument': 'Argument is deprecated',
};

/** Operators whose negative validates with one warning instead of failing with one error. */
export const WARNING_OPERATORS: ReadonlySet<Operator> = new Set(['deprecated-argument']);

export interface MutationContext {
  readonly text: string;
  readonly bytes: Buffer;
  readonly file: ParsedFile;
  readonly schemas: SchemaSet;
  /** the AWS provider version the validator uses for this module, e.g. `6.25.0` (undefined: no AWS schema) */
  readonly awsVersion: string | undefined;
}

/** A block of the configuration with the provider schema that governs its body. */
interface SchemaBlock {
  readonly block: Block;
  readonly body: Body;
  readonly schema: BlockSchema;
  /** `aws_instance.web` or `aws_instance.web.root_block_device` */
  readonly path: string;
  /** the resource type for top-level resource blocks (drift is per resource type) */
  readonly resourceType?: string;
}

/** Resource and data blocks with a schema, and every nested block whose block type the schema knows. */
function schemaBlocks(ctx: MutationContext): SchemaBlock[] {
  const out: SchemaBlock[] = [];
  const nested = (sb: SchemaBlock): void => {
    out.push(sb);
    for (const b of sb.body.blocks) {
      const bt = sb.schema.block_types?.[b.type];
      if (bt && !bt.block.opaque) nested({ block: b, body: b.body, schema: bt.block, path: `${sb.path}.${b.type}` });
    }
  };
  for (const b of ctx.file.body.blocks) {
    if (b.type === 'provider' && b.labels.length === 1) {
      const schema = ctx.schemas.provider(b.labels[0]!);
      if (schema && !schema.opaque) nested({ block: b, body: b.body, schema, path: `provider.${b.labels[0]}` });
      continue;
    }
    if ((b.type !== 'resource' && b.type !== 'data') || b.labels.length !== 2) continue;
    const schema = b.type === 'resource' ? ctx.schemas.resource(b.labels[0]!) : ctx.schemas.dataSource(b.labels[0]!);
    if (!schema || schema.opaque) continue;
    nested({ block: b, body: b.body, schema, path: `${b.type === 'data' ? 'data.' : ''}${b.labels[0]}.${b.labels[1]}`, resourceType: b.type === 'resource' ? b.labels[0] : undefined });
  }
  return out;
}

/** How many blocks of each type a body has (written blocks; `dynamic` ones count under `dynamic`). */
function blockCounts(body: Body): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of body.blocks) counts.set(b.type, (counts.get(b.type) ?? 0) + 1);
  return counts;
}

const knows = (schema: BlockSchema, name: string): boolean => Object.hasOwn(schema.attributes ?? {}, name) || Object.hasOwn(schema.block_types ?? {}, name);

/** Synonyms LLMs swap for argument and attribute names (both directions are tried). */
const SYNONYMS: readonly (readonly [string, string])[] = [
  ['name', 'title'], ['description', 'desc'], ['tags', 'labels'], ['bucket', 'bucket_name'], ['engine', 'engine_type'],
  ['username', 'user_name'], ['password', 'master_password'], ['size', 'volume_size'], ['type', 'kind'],
  ['port', 'port_number'], ['protocol', 'ip_protocol'], ['enabled', 'enable'], ['cidr_block', 'cidr'],
  ['vpc_id', 'vpc'], ['subnet_id', 'subnet'], ['role', 'role_arn'], ['policy', 'policy_document'],
  ['runtime', 'language'], ['handler', 'entrypoint'], ['key', 'key_name'], ['value', 'val'], ['arn', 'resource_arn'],
  ['id', 'identifier'], ['region', 'location'], ['instance_type', 'instance_class'], ['ami', 'image_id'],
  ['allocated_storage', 'storage_size'], ['filename', 'file'], ['retention_in_days', 'retention_days'],
];

/** The near misses an LLM writes for a schema name: camelCase, plural/singular, a synonym. Deterministic order. */
export function nearMisses(name: string): string[] {
  const out: string[] = [];
  if (name.includes('_')) {
    out.push(name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    out.push(name.replace(/_/g, '-'));
  }
  if (name.endsWith('ies')) out.push(`${name.slice(0, -3)}y`);
  else if (name.endsWith('s') && !name.endsWith('ss')) out.push(name.slice(0, -1));
  else if (name.endsWith('y') && !/[aeiou]y$/.test(name)) out.push(`${name.slice(0, -1)}ies`);
  else out.push(`${name}s`);
  for (const [a, b] of SYNONYMS) {
    if (name === a) out.push(b);
    else if (name === b) out.push(a);
    else if (name.endsWith(`_${a}`)) out.push(`${name.slice(0, -a.length)}${b}`);
  }
  return [...new Set(out)].filter((n) => n !== name);
}

/** The first line of `range` sits alone on its lines (nothing but whitespace before and after it). */
export function wholeLines(ctx: MutationContext, start: number, end: number): { start: number; end: number } | undefined {
  const b = ctx.bytes;
  let s = start;
  while (s > 0 && (b[s - 1] === 0x20 || b[s - 1] === 0x09)) s--;
  if (s > 0 && b[s - 1] !== 0x0a) return undefined;
  let e = end;
  while (e < b.length && (b[e] === 0x20 || b[e] === 0x09 || b[e] === 0x0d)) e++;
  if (e < b.length && b[e] !== 0x0a) return undefined;
  return { start: s, end: Math.min(b.length, e + 1) };
}

/** The indentation of the line that holds byte `at`. */
function indentAt(ctx: MutationContext, at: number): string {
  let s = at;
  while (s > 0 && ctx.bytes[s - 1] !== 0x0a) s--;
  let e = s;
  while (ctx.bytes[e] === 0x20 || ctx.bytes[e] === 0x09) e++;
  return ctx.bytes.subarray(s, e).toString('utf8');
}

/** A plausible literal of a cty type (the value does not matter for the error; it should look real). */
function literalFor(type: unknown): string {
  if (type === 'string') return '"example"';
  if (type === 'number') return '1';
  if (type === 'bool') return 'true';
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set')) return `[${literalFor(type[1])}]`;
  if (Array.isArray(type) && type[0] === 'map') return `{ key = ${literalFor(type[1])} }`;
  return '"example"';
}

/** Inserts a new first line into a block body, indented like the body's first item (or two more than the block). */
function insertFirstLine(ctx: MutationContext, sb: SchemaBlock, line: string): Site['edit'] & { line: number } {
  const open = sb.block.openBraceRange;
  const first = [...sb.body.attributes.map((a) => a.range), ...sb.body.blocks.map((b) => b.range)].sort((a, b) => a.start.byte - b.start.byte)[0];
  const indent = first && first.start.line > open.start.line ? indentAt(ctx, first.start.byte) : `${indentAt(ctx, sb.block.range.start.byte)}  `;
  // after the newline that ends the opening-brace line
  const nl = ctx.bytes.indexOf(0x0a, open.end.byte);
  if (nl < 0) return { start: open.end.byte, end: open.end.byte, text: `\n${indent}${line}\n`, line: open.start.line + 1 };
  return { start: nl + 1, end: nl + 1, text: `${indent}${line}\n`, line: open.start.line + 1 };
}

function renameAt(range: { start: { byte: number }; end: { byte: number } }, text: string): Site['edit'] {
  return { start: range.start.byte, end: range.end.byte, text };
}

type SiteFinder = (ctx: MutationContext) => Site[];

/** Arguments and blocks a different AWS major has for this resource type, but the module's version lacks. */
const driftArgument: SiteFinder = (ctx) => {
  if (!ctx.awsVersion) return [];
  const table = driftTable();
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    if (!sb.resourceType) continue;
    const drift = table.resources[sb.resourceType];
    if (!drift) continue;
    const foreign = Object.entries(drift.arguments).filter(([name, e]) => !e.in.includes(ctx.awsVersion!) && !knows(sb.schema, name));
    const used = new Map(sb.body.attributes.map((a) => [a.name, a]));
    for (const [name, e] of foreign) {
      // the renamed counterpart the module uses (e.g. `description` for 4.x's `replication_group_description`)
      const current = [...used.values()].find((a) => a.name !== name && !sb.schema.attributes?.[a.name]?.required && drift.arguments[a.name] && !drift.arguments[a.name]!.in.some((v) => e.in.includes(v)) && (name.endsWith(`_${a.name}`) || a.name.endsWith(`_${name}`) || name.startsWith(`${a.name}_`)));
      if (current) {
        sites.push({ operator: 'drift-argument', edit: renameAt(current.nameRange, name), expect: { summary: 'Unsupported argument', line: current.nameRange.start.line }, what: `${sb.path}: ${current.name} -> ${name} (aws ${e.in.join(', ')})` });
      } else {
        const ins = insertFirstLine(ctx, sb, `${name} = ${literalFor(e.type)}`);
        sites.push({ operator: 'drift-argument', edit: ins, expect: { summary: 'Unsupported argument', line: ins.line }, what: `${sb.path}: + ${name} (aws ${e.in.join(', ')})` });
      }
    }
  }
  return sites;
};

const misspellArgument: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    for (const a of sb.body.attributes) {
      const schema = sb.schema.attributes?.[a.name];
      // renaming a required argument would also raise "Missing required argument"
      if (!schema || schema.required) continue;
      for (const miss of nearMisses(a.name).filter((n) => !knows(sb.schema, n))) {
        sites.push({ operator: 'misspell-argument', edit: renameAt(a.nameRange, miss), expect: { summary: 'Unsupported argument', line: a.nameRange.start.line }, what: `${sb.path}: ${a.name} -> ${miss}` });
      }
    }
  }
  return sites;
};

const missingRequired: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    for (const a of sb.body.attributes) {
      if (!sb.schema.attributes?.[a.name]?.required) continue;
      const lines = wholeLines(ctx, a.range.start.byte, a.range.end.byte);
      if (!lines) continue;
      // terraform reports a missing argument at the block's opening brace (HCL's MissingItemRange)
      sites.push({ operator: 'missing-required', edit: { ...lines, text: '' }, expect: { summary: 'Missing required argument', line: sb.block.openBraceRange.start.line }, what: `${sb.path}: - ${a.name}` });
    }
  }
  return sites;
};

const unsupportedBlock: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  const table = driftTable();
  for (const sb of schemaBlocks(ctx)) {
    const counts = blockCounts(sb.body);
    for (const b of sb.body.blocks) {
      const bt = sb.schema.block_types?.[b.type];
      if (!bt || (counts.get(b.type) ?? 0) <= (bt.min_items ?? 0)) continue;
      for (const miss of nearMisses(b.type).filter((n) => !knows(sb.schema, n))) {
        sites.push({ operator: 'unsupported-block', edit: renameAt(b.typeRange, miss), expect: { summary: 'Unsupported block type', line: b.typeRange.start.line }, what: `${sb.path}: block ${b.type} -> ${miss}` });
      }
    }
    // a block type another AWS major has (e.g. 4.x's `cluster_mode { }` of an ElastiCache replication group)
    const drift = sb.resourceType && ctx.awsVersion ? table.resources[sb.resourceType] : undefined;
    for (const [name, e] of Object.entries(drift?.blocks ?? {})) {
      if (e.in.includes(ctx.awsVersion!) || knows(sb.schema, name)) continue;
      const ins = insertFirstLine(ctx, sb, `${name} {}`);
      sites.push({ operator: 'unsupported-block', edit: ins, expect: { summary: 'Unsupported block type', line: ins.line }, what: `${sb.path}: + block ${name} (aws ${e.in.join(', ')})` });
    }
  }
  return sites;
};

const insufficientBlocks: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    const counts = blockCounts(sb.body);
    for (const b of sb.body.blocks) {
      const min = sb.schema.block_types?.[b.type]?.min_items ?? 0;
      if (min < 1 || counts.get(b.type) !== min) continue;
      const lines = wholeLines(ctx, b.range.start.byte, b.range.end.byte);
      if (!lines) continue;
      sites.push({ operator: 'insufficient-blocks', edit: { ...lines, text: '' }, expect: { summary: `Insufficient ${b.type} blocks`, line: sb.block.openBraceRange.start.line }, what: `${sb.path}: - block ${b.type}` });
    }
  }
  return sites;
};

/** Every traversal in the file's expressions (attributes of every block, nested included). */
export function allTraversals(body: Body): Extract<Expr, { kind: 'traversal' }>[] {
  const out: Extract<Expr, { kind: 'traversal' }>[] = [];
  const walk = (b: Body): void => {
    for (const a of b.attributes) out.push(...traversalsIn(a.expr));
    for (const blk of b.blocks) walk(blk.body);
  };
  walk(body);
  return out;
}

const invalidResourceType: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  const traversals = allTraversals(ctx.file.body);
  for (const b of ctx.file.body.blocks) {
    if (b.type !== 'resource' || b.labels.length !== 2) continue;
    const [type, name] = b.labels as [string, string];
    const provider = type.split('_')[0]!;
    if (!ctx.schemas.hasProvider(provider) || !ctx.schemas.resource(type)) continue;
    // a renamed resource that others reference would add "Reference to undeclared resource" errors
    if (traversals.some((t) => t.root === type && t.steps[0]?.kind === 'attr' && t.steps[0].name === name)) continue;
    const types = new Set(ctx.schemas.resourceTypes(provider));
    const parts = type.split('_');
    const misses = [
      `${type}s`,
      parts.length > 2 ? [parts[0], parts.slice(1).join('')].join('_') : undefined,
      parts.length > 3 ? [...parts.slice(0, 1), ...parts.slice(2)].join('_') : undefined,
      // a data source used as a resource: the data-only type of the same service
      ctx.schemas.dataSourceTypes(provider).find((d) => !types.has(d) && d.startsWith(`${parts.slice(0, 2).join('_')}_`)),
    ].filter((n): n is string => n !== undefined && !types.has(n) && n !== type);
    const labelRange = b.labelRanges[0]!;
    for (const miss of [...new Set(misses)]) {
      sites.push({ operator: 'invalid-resource-type', edit: renameAt(labelRange, `"${miss}"`), expect: { summary: 'Invalid resource type', line: labelRange.start.line }, what: `resource ${type}.${name} -> ${miss}` });
    }
  }
  return sites;
};

function declared(file: ParsedFile): { resources: Set<string>; variables: Set<string>; locals: Set<string> } {
  const resources = new Set<string>();
  const variables = new Set<string>();
  const locals = new Set<string>();
  for (const b of file.body.blocks) {
    if (b.type === 'resource' && b.labels.length === 2) resources.add(`${b.labels[0]}.${b.labels[1]}`);
    if (b.type === 'variable' && b.labels.length === 1) variables.add(b.labels[0]!);
    if (b.type === 'locals') for (const a of b.body.attributes) locals.add(a.name);
  }
  return { resources, variables, locals };
}

const REFERENCE_NAMES = ['main', 'this', 'example', 'default', 'primary'];

const undeclaredReference: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  const d = declared(ctx.file);
  for (const t of allTraversals(ctx.file.body)) {
    const step = t.steps[0];
    if (step?.kind !== 'attr') continue;
    if (d.resources.has(`${t.root}.${step.name}`)) {
      for (const name of REFERENCE_NAMES.filter((n) => !d.resources.has(`${t.root}.${n}`))) {
        sites.push({ operator: 'undeclared-reference', edit: renameAt(step.range, `.${name}`), expect: { summary: 'Reference to undeclared resource', line: t.range.start.line }, what: `${t.root}.${step.name} -> ${t.root}.${name}` });
      }
    } else if (t.root === 'var' && d.variables.has(step.name)) {
      for (const miss of nearMisses(step.name).filter((n) => !d.variables.has(n))) {
        sites.push({ operator: 'undeclared-reference', edit: renameAt(step.range, `.${miss}`), expect: { summary: 'Reference to undeclared input variable', line: t.range.start.line }, what: `var.${step.name} -> var.${miss}` });
      }
    } else if (t.root === 'local' && d.locals.has(step.name)) {
      for (const miss of nearMisses(step.name).filter((n) => !d.locals.has(n))) {
        sites.push({ operator: 'undeclared-reference', edit: renameAt(step.range, `.${miss}`), expect: { summary: 'Reference to undeclared local value', line: t.range.start.line }, what: `local.${step.name} -> local.${miss}` });
      }
    }
  }
  return sites;
};

const wrongAttribute: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  const d = declared(ctx.file);
  for (const t of allTraversals(ctx.file.body)) {
    const [name, attr] = t.steps;
    if (name?.kind !== 'attr' || attr?.kind !== 'attr' || !d.resources.has(`${t.root}.${name.name}`)) continue;
    const schema = ctx.schemas.resource(t.root);
    if (!schema || schema.opaque || !schema.attributes?.[attr.name]) continue;
    for (const miss of nearMisses(attr.name).filter((n) => !knows(schema, n))) {
      sites.push({ operator: 'wrong-attribute', edit: renameAt(attr.range, `.${miss}`), expect: { summary: 'Unsupported attribute', line: attr.range.start.line }, what: `${t.root}.${name.name}.${attr.name} -> .${miss}` });
    }
  }
  return sites;
};

/** A value of the wrong type an LLM writes: a word for a bool or number, a bare string for a list. */
function wrongValue(type: unknown, a: Attribute): string | undefined {
  if (type === 'bool' && a.expr.kind === 'literal' && typeof a.expr.value === 'boolean') return a.expr.value ? '"enabled"' : '"disabled"';
  if (type === 'number' && a.expr.kind === 'literal' && typeof a.expr.value === 'number') return '"auto"';
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set') && type[1] === 'string' && a.expr.kind === 'tuple' && a.expr.items.length === 1) {
    const item = a.expr.items[0]!;
    if (item.kind === 'template' && item.parts.every((p) => p.kind === 'literal')) return JSON.stringify(item.parts.map((p) => (p.kind === 'literal' ? String(p.value) : '')).join(''));
  }
  return undefined;
}

const wrongLiteralType: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    for (const a of sb.body.attributes) {
      const value = wrongValue(sb.schema.attributes?.[a.name]?.type, a);
      if (value === undefined || a.expr.range.start.line !== a.expr.range.end.line) continue;
      sites.push({ operator: 'wrong-literal-type', edit: renameAt(a.expr.range, value), expect: { summary: 'Incorrect attribute value type', line: a.expr.range.start.line }, what: `${sb.path}: ${a.name} = ${value}` });
    }
  }
  return sites;
};

const unclosedBlock: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const b of ctx.file.body.blocks) {
    const close = b.range.end.byte - 1;
    if (ctx.bytes[close] !== 0x7d /* } */ || b.range.end.line === b.openBraceRange.start.line) continue;
    const lines = wholeLines(ctx, close, close + 1);
    if (!lines) continue;
    sites.push({ operator: 'unclosed-block', edit: { ...lines, text: '' }, expect: { summary: 'Unclosed configuration block', line: b.openBraceRange.start.line }, what: `${b.type} ${b.labels.join('.')}: - closing brace` });
  }
  return sites;
};

/**
 * A second copy of a nested block the schema allows only once (`max_items` 1: `root_block_device`,
 * `versioning_configuration`, an ownership `rule`), as an LLM writes when it means two settings. terraform
 * (hcldec's block list/set spec) reports it on the extra block's first line.
 */
const tooManyBlocks: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    const counts = blockCounts(sb.body);
    for (const b of sb.body.blocks) {
      const bt = sb.schema.block_types?.[b.type];
      // single/group nesting says "Duplicate X block" instead; a `dynamic` block of the type is not counted
      if (!bt || (bt.nesting_mode !== 'list' && bt.nesting_mode !== 'set')) continue;
      const max = bt.max_items ?? 0;
      if (max < 1 || counts.get(b.type) !== max) continue;
      if (sb.body.blocks.some((d) => d.type === 'dynamic' && d.labels[0] === b.type)) continue;
      const lines = wholeLines(ctx, b.range.start.byte, b.range.end.byte);
      if (!lines) continue;
      // the copy follows the block after a blank line, so its first line is the block's last + 2
      const copy = ctx.bytes.subarray(lines.start, lines.end).toString('utf8');
      sites.push({
        operator: 'too-many-blocks',
        edit: { start: lines.end, end: lines.end, text: `\n${copy}` },
        expect: { summary: `Too many ${b.type} blocks`, detail: `No more than ${max} ${JSON.stringify(b.type)} blocks are allowed`, line: b.range.end.line + 2 },
        what: `${sb.path}: + second block ${b.type} (max ${max})`,
      });
    }
  }
  return sites;
};

/**
 * Values the provider's own checks accept for deprecated arguments LLMs still write (real `terraform
 * validate` runs the provider's validators: `acl = "example"` would be an error there, not a warning).
 */
const DEPRECATED_VALUES: Readonly<Record<string, string>> = {
  acl: '"private"',
  policy: 'jsonencode({ Version = "2012-10-17", Statement = [] })',
  request_payer: '"BucketOwner"',
  acceleration_status: '"Enabled"',
  aqua_configuration_status: '"auto"',
  managed_policy_arns: '["arn:aws:iam::aws:policy/ReadOnlyAccess"]',
  vpc: 'true',
  cpu_core_count: '2',
  cpu_threads_per_core: '1',
};

/**
 * Deprecated arguments whose provider check accepts only an empty string (5.x `aws_iam_policy_document`):
 * real terraform says `expected "override_json" to be an empty string` besides the warning.
 */
const DEPRECATED_EMPTY_ONLY: ReadonlySet<string> = new Set(['override_json', 'source_json']);

/**
 * An argument the provider schema marks deprecated: the current argument renamed to its deprecated
 * predecessor when the names show which one it is (`db_name` -> `name` of `aws_db_instance` 4.x), else the
 * deprecated argument added with a plausible value. Only schemas with deprecation flags have sites (the
 * real `terraform providers schema -json` of a provider, e.g. `--schema`; the bundled 5.x/6.x carry none).
 */
const deprecatedArgument: SiteFinder = (ctx) => {
  const sites: Site[] = [];
  for (const sb of schemaBlocks(ctx)) {
    // the validator reports no deprecation in provider blocks (4.36.1's `s3_force_path_style`): always discarded
    if (sb.path.startsWith('provider.')) continue;
    const used = new Set(sb.body.attributes.map((a) => a.name));
    for (const [name, schema] of Object.entries(sb.schema.attributes ?? {})) {
      if (!schema.deprecated || !(schema.optional || schema.required) || used.has(name) || DEPRECATED_EMPTY_ONLY.has(name)) continue;
      const detail = `The argument ${JSON.stringify(name)} is deprecated. Refer to the provider documentation for details.`;
      // its replacement: a set, optional, not deprecated argument whose name contains the deprecated one's or the reverse
      const current = sb.body.attributes.find((a) => {
        const s = sb.schema.attributes?.[a.name];
        return s && !s.required && !s.deprecated && (a.name.endsWith(`_${name}`) || name.endsWith(`_${a.name}`) || name.startsWith(`${a.name}_`));
      });
      if (current) {
        sites.push({ operator: 'deprecated-argument', edit: renameAt(current.nameRange, name), expect: { summary: 'Argument is deprecated', severity: 'warning', detail, line: current.expr.range.start.line }, what: `${sb.path}: ${current.name} -> ${name} (deprecated)` });
      } else if (schema.type !== undefined) {
        // (a protocol-6 nested attribute has no plain literal; it is left out)
        const ins = insertFirstLine(ctx, sb, `${name} = ${(Object.hasOwn(DEPRECATED_VALUES, name) ? DEPRECATED_VALUES[name] : undefined) ?? literalFor(schema.type)}`);
        sites.push({ operator: 'deprecated-argument', edit: ins, expect: { summary: 'Argument is deprecated', severity: 'warning', detail, line: ins.line }, what: `${sb.path}: + ${name} (deprecated)` });
      }
    }
  }
  return sites;
};

export const SITE_FINDERS: Record<Operator, SiteFinder> = {
  'drift-argument': driftArgument,
  'misspell-argument': misspellArgument,
  'missing-required': missingRequired,
  'unsupported-block': unsupportedBlock,
  'insufficient-blocks': insufficientBlocks,
  'invalid-resource-type': invalidResourceType,
  'undeclared-reference': undeclaredReference,
  'wrong-attribute': wrongAttribute,
  'wrong-literal-type': wrongLiteralType,
  'unclosed-block': unclosedBlock,
  'too-many-blocks': tooManyBlocks,
  'deprecated-argument': deprecatedArgument,
};

export function applyEdit(ctx: MutationContext, edit: Site['edit']): string {
  return Buffer.concat([ctx.bytes.subarray(0, edit.start), Buffer.from(edit.text, 'utf8'), ctx.bytes.subarray(edit.end)]).toString('utf8');
}
