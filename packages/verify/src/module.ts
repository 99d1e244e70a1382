/**
 * terraform's configuration loading (internal/configs): the top-level file schema, block labels, names,
 * meta-arguments, duplicates, variable defaults, output values, module sources. Errors here stop
 * terraform before any provider is consulted, so the caller stops too.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import { error } from './decode';
import { nameSuggestion } from './didyoumean';
import { literalOf, traversalsIn, callsIn, type Attribute, type Block, type Body, type Expr, type ParsedFile, type TraversalStep } from '@tfpairs/hcl/tree';
import { rangeString, startOf } from '@tfpairs/hcl/source';
import { startRange } from './functions';
import { literalTypeError } from './types';
import { checkVariableDefault } from './vartype';
import type { ConfigModule } from '@tfpairs/configs';
import { checkBlockRules, importRules, lifecycleRules, moduleSourceRules, movedRules, provisionerRules, removedRules, terraformBlockRules, testFileRules } from './rules';

export interface ResourceConfig {
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly block: Block;
  readonly count?: Attribute;
  readonly forEach?: Attribute;
  readonly dependsOn: readonly Extract<Expr, { kind: 'traversal' }>[];
  /** local provider config name, e.g. `aws` or `aws.west` */
  readonly providerKey: string;
  readonly providerLocalName: string;
  readonly providerRange?: Range;
  readonly lifecycle: readonly Block[];
  readonly provisioners: readonly Block[];
  readonly connection?: Block;
  /** the check block a scoped data source belongs to */
  readonly checkScope?: string;
}

export interface VariableConfig {
  readonly name: string;
  readonly block: Block;
  readonly sensitive: boolean;
  /** `ephemeral = true` */
  readonly ephemeral?: boolean;
}

export interface OutputConfig {
  readonly name: string;
  readonly block: Block;
  readonly value?: Attribute;
  readonly sensitive: boolean;
  /** `ephemeral = true` */
  readonly ephemeral?: boolean;
  readonly dependsOn: readonly Extract<Expr, { kind: 'traversal' }>[];
}

export interface ModuleCallConfig {
  readonly name: string;
  readonly block: Block;
  readonly count?: Attribute;
  readonly forEach?: Attribute;
  readonly inputs: readonly Attribute[];
}

export interface ProviderConfig {
  readonly localName: string;
  readonly alias?: string;
  readonly block: Block;
}

export interface ModuleConfig {
  readonly resources: Map<string, ResourceConfig>;
  readonly dataResources: Map<string, ResourceConfig>;
  readonly variables: Map<string, VariableConfig>;
  readonly locals: Map<string, Attribute>;
  readonly outputs: Map<string, OutputConfig>;
  readonly moduleCalls: Map<string, ModuleCallConfig>;
  /** check blocks: their well-formed assert blocks */
  readonly checks: Map<string, readonly Block[]>;
  /** key `aws` or `aws.alias` */
  readonly providers: Map<string, ProviderConfig>;
  readonly requiredProviders: Record<string, { source?: string; version?: string }>;
}

const BAD_IDENTIFIER = 'A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.';

export function validIdentifier(name: string): boolean {
  return /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u.test(name);
}

interface BlockHeader {
  readonly type: string;
  readonly labels: readonly string[];
}

const FILE_BLOCKS: readonly BlockHeader[] = [
  { type: 'terraform', labels: [] },
  { type: 'required_providers', labels: [] },
  { type: 'provider', labels: ['name'] },
  { type: 'variable', labels: ['name'] },
  { type: 'locals', labels: [] },
  { type: 'output', labels: ['name'] },
  { type: 'module', labels: ['name'] },
  { type: 'resource', labels: ['type', 'name'] },
  { type: 'data', labels: ['type', 'name'] },
  { type: 'ephemeral', labels: ['type', 'name'] },
  { type: 'moved', labels: [] },
  { type: 'import', labels: [] },
  { type: 'removed', labels: [] },
  { type: 'check', labels: ['name'] },
];

interface ContentSchema {
  readonly attributes: readonly { name: string; required?: boolean }[];
  readonly blocks: readonly BlockHeader[];
}

/**
 * hclsyntax Body.Content / PartialContent for a fixed schema: label checks, required attributes and
 * (when not partial) unsupported attributes and blocks. Returns the blocks whose labels fit.
 */
export function content(body: Body, schema: ContentSchema, diags: Diagnostic[], partial = false): { attrs: Map<string, Attribute>; blocks: Block[] } {
  const attrs = new Map<string, Attribute>();
  const wanted = new Map(schema.attributes.map((a) => [a.name, a]));
  for (const a of body.attributes) if (wanted.has(a.name) && !attrs.has(a.name)) attrs.set(a.name, a);
  for (const a of schema.attributes) {
    if (a.required && !attrs.has(a.name)) {
      diags.push(error('Missing required argument', `The argument ${JSON.stringify(a.name)} is required, but no definition was found.`, startOf(body.range)));
    }
  }
  const blockSchemas = new Map(schema.blocks.map((b) => [b.type, b]));
  const blocks: Block[] = [];
  for (const b of body.blocks) {
    const bs = blockSchemas.get(b.type);
    if (!bs) continue;
    const ctxRange = { filename: b.typeRange.filename, start: b.typeRange.start, end: b.openBraceRange.end };
    void ctxRange;
    if (b.labels.length > bs.labels.length) {
      if (bs.labels.length === 0) diags.push(error(`Extraneous label for ${b.type}`, `No labels are expected for ${b.type} blocks.`, b.labelRanges[0]));
      else diags.push(error(`Extraneous label for ${b.type}`, `Only ${bs.labels.length} labels (${bs.labels.join(', ')}) are expected for ${b.type} blocks.`, b.labelRanges[bs.labels.length]));
      continue;
    }
    if (b.labels.length < bs.labels.length) {
      diags.push(error(`Missing ${bs.labels[b.labels.length]} for ${b.type}`, `All ${b.type} blocks must have ${bs.labels.length} labels (${bs.labels.join(', ')}).`, b.openBraceRange));
      continue;
    }
    blocks.push(b);
  }
  if (!partial) {
    const attrNames = schema.attributes.map((a) => a.name);
    for (const a of body.attributes) {
      if (wanted.has(a.name)) continue;
      const s = nameSuggestion(a.name, attrNames.filter((n) => !attrs.has(n)));
      let hint = s ? ` Did you mean ${JSON.stringify(s)}?` : '';
      if (!s && blockSchemas.has(a.name)) hint = ` Did you mean to define a block of type ${JSON.stringify(a.name)}?`;
      diags.push(error('Unsupported argument', `An argument named ${JSON.stringify(a.name)} is not expected here.${hint}`, a.nameRange));
    }
    const blockNames = schema.blocks.map((b) => b.type);
    for (const b of body.blocks) {
      if (blockSchemas.has(b.type)) continue;
      const s = nameSuggestion(b.type, blockNames);
      let hint = s ? ` Did you mean ${JSON.stringify(s)}?` : '';
      if (!s && wanted.has(b.type)) hint = ` Did you mean to define argument ${JSON.stringify(b.type)}? If so, use the equals sign to assign it a value.`;
      diags.push(error('Unsupported block type', `Blocks of type ${JSON.stringify(b.type)} are not expected here.${hint}`, b.typeRange));
    }
  }
  return { attrs, blocks };
}

/** A native quoted string (HCL's TemplateExpr with only literal parts): not a heredoc, not a number. */
function isQuoted(e: Expr): boolean {
  return (e.kind === 'template' && !e.heredoc) || (e.kind === 'literal' && typeof e.value === 'string');
}

/** A range `from`..`to` characters after the start of `r` (same line, ASCII offsets). */
function within(r: Range, from: number, to: number): Range {
  const at = (n: number) => ({ line: r.start.line, column: r.start.column + n, byte: r.start.byte + n });
  return { filename: r.filename, start: at(from), end: at(to) };
}

/**
 * terraform's shimTraversalInString: a quoted reference ("aws_instance.web") is parsed as the
 * traversal it spells, with a deprecation warning. Undefined when the string is no traversal.
 */
export function shimQuoted(expr: Expr, diags: Diagnostic[], keyword = false): Extract<Expr, { kind: 'traversal' }> | undefined {
  if (!isQuoted(expr)) return undefined;
  const text = literalOf(expr);
  if (typeof text !== 'string') return undefined;
  const m = /^([\p{ID_Start}_][\p{ID_Continue}-]*)((?:\.[\p{ID_Start}_][\p{ID_Continue}-]*|\[\d+\])*)$/u.exec(text);
  if (!m) return undefined;
  const what = keyword ? 'keyword' : 'reference';
  diags.push({
    severity: 'warning',
    summary: `Quoted ${what}s are deprecated`,
    detail: `In this context, ${what}s are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted ${what}s are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this ${what} to silence this warning.`,
    range: expr.range,
  });
  const root = m[1]!;
  const steps: TraversalStep[] = [];
  let pos = 1 + root.length;
  for (const part of m[2]!.match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    const range = within(expr.range, pos, pos + part.length);
    steps.push(part.startsWith('.') ? { kind: 'attr', name: part.slice(1), range } : { kind: 'index', key: Number(part.slice(1, -1)), range });
    pos += part.length;
  }
  const rootRange = within(expr.range, 1, 1 + root.length);
  return { kind: 'traversal', root, rootRange, steps, range: within(expr.range, 1, pos) };
}

/** hcl.ExprList + AbsTraversalForExpr, as configs decodes depends_on. */
function decodeDependsOn(attr: Attribute, diags: Diagnostic[]): Extract<Expr, { kind: 'traversal' }>[] {
  const out: Extract<Expr, { kind: 'traversal' }>[] = [];
  if (attr.expr.kind !== 'tuple') {
    diags.push(error('Invalid expression', 'A static list expression is required.', attr.expr.range));
    return out;
  }
  for (const item of attr.expr.items) {
    if (item.kind === 'traversal') out.push(item);
    else if (shimQuoted(item, [])) out.push(shimQuoted(item, diags)!);
    else {
      diags.push(error('Invalid expression', 'A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.', item.range));
    }
  }
  return out;
}

/** precondition / postcondition / validation / assert blocks: `condition` and `error_message` (checks.go). */
function checkRuleBlocks(blocks: readonly Block[], diags: Diagnostic[]): Block[] {
  const valid: Block[] = [];
  for (const b of blocks) {
    const before = diags.length;
    const { attrs } = content(b.body, { attributes: [{ name: 'condition', required: true }, { name: 'error_message', required: true }], blocks: [] }, diags);
    const condition = attrs.get('condition');
    // configs/checks.go: a condition that refers to nothing cannot check anything
    if (condition && traversalsIn(condition.expr).length === 0) {
      diags.push(error(`Invalid ${b.type} expression`, 'The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.', condition.expr.range));
    }
    if (!diags.slice(before).some((d) => d.severity === 'error')) valid.push(b);
  }
  return valid;
}

/** An expression evaluated with no variables and no functions (variable defaults, type constraints). */
function checkConstant(expr: Expr, diags: Diagnostic[]): boolean {
  const before = diags.length;
  // hcl's TraverseAbs with no variables points at the root name only (`var` of `var.b`)
  for (const t of traversalsIn(expr)) diags.push(error('Variables not allowed', 'Variables may not be used here.', t.rootRange));
  for (const c of callsIn(expr)) diags.push(error('Function calls not allowed', 'Functions may not be called here.', c.range));
  return diags.length === before;
}

const TYPE_KEYWORDS = new Set(['string', 'number', 'bool', 'any', 'list', 'map', 'set', 'object', 'tuple', 'optional']);

function checkTypeExpr(expr: Expr, diags: Diagnostic[]): void {
  const lit = literalOf(expr);
  if (typeof lit === 'string') {
    diags.push(error('Invalid quoted type constraints', `Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around "${lit}".`, expr.range));
    return;
  }
  if (expr.kind === 'traversal' && expr.steps.length === 0 && !TYPE_KEYWORDS.has(expr.root)) {
    diags.push(error('Invalid type specification', `The keyword ${JSON.stringify(expr.root)} is not a valid type specification.`, expr.range));
  }
  if (expr.kind === 'call' && !TYPE_KEYWORDS.has(expr.name)) {
    diags.push(error('Invalid type specification', `Keyword ${JSON.stringify(expr.name)} is not a valid type constructor.`, expr.range));
  }
}

/** gohcl decoding of a bool argument (sensitive, nullable, ephemeral): literals only */
function checkBoolArgument(expr: Expr, diags: Diagnostic[]): void {
  const problem = literalTypeError(expr, 'bool');
  // gohcl points at the expression's StartRange (inside the quotes of a string)
  if (problem) diags.push(error('Unsuitable value type', `Unsuitable value: ${problem}`, startRange(expr)));
}

const RESERVED_VARIABLE_NAMES = new Set(['source', 'version', 'providers', 'count', 'for_each', 'lifecycle', 'depends_on', 'locals']);

export interface LoadResult {
  readonly module: ModuleConfig;
  readonly diags: Diagnostic[];
  /** required_version constraints 1.11.4 does not meet: terraform reports only these when there are any */
  readonly versionDiags: Diagnostic[];
}

/** Decodes the module's files; `diags` holds what `terraform validate` reports before the graph walk. */
export interface LoadExtras {
  /** the module's `*.tftest.hcl` files */
  readonly tests?: readonly ParsedFile[];
  /** where the module sits in the tree (root when absent) */
  readonly module?: Pick<ConfigModule, 'path' | 'sourceAddr'>;
}

export function loadModule(files: readonly ParsedFile[], extras: LoadExtras = {}): LoadResult {
  const diags: Diagnostic[] = [];
  const module: ModuleConfig = {
    resources: new Map(),
    dataResources: new Map(),
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    moduleCalls: new Map(),
    checks: new Map(),
    providers: new Map(),
    requiredProviders: {},
  };
  const providerBlocks: Block[] = [];
  const resourceBlocks: [Block, string | undefined][] = [];
  const versionDiags: Diagnostic[] = [];
  const where = { path: extras.module?.path ?? [], sourceAddr: extras.module?.sourceAddr ?? '' };
  const imports: Block[] = [];
  const checkBlocks: Block[] = [];
  for (const file of files) {
    const { blocks } = content(file.body, { attributes: [], blocks: FILE_BLOCKS }, diags);
    for (const b of blocks) {
      switch (b.type) {
        case 'terraform':
          decodeTerraformBlock(b, module, diags);
          terraformBlockRules(b, where, diags, versionDiags);
          break;
        case 'moved':
          movedRules(b, diags);
          break;
        case 'removed':
          removedRules(b, diags);
          break;
        case 'import':
          imports.push(b);
          break;
        case 'required_providers':
          diags.push(error('Invalid required_providers block', 'A "required_providers" block must be nested inside a "terraform" block.', b.typeRange));
          break;
        case 'provider':
          providerBlocks.push(b);
          break;
        case 'variable':
          decodeVariable(b, module, diags);
          break;
        case 'locals':
          decodeLocals(b, module, diags);
          break;
        case 'output':
          decodeOutput(b, module, diags);
          break;
        case 'module':
          decodeModuleCall(b, module, diags);
          break;
        case 'resource':
        case 'data':
          resourceBlocks.push([b, undefined]);
          break;
        case 'check': {
          checkBlocks.push(b);
          // a check block may hold one data source, declared module-wide but scoped to the check
          const scoped = b.body.blocks.find((nested) => nested.type === 'data' && nested.labels.length === 2);
          if (scoped) resourceBlocks.push([scoped, b.labels[0]]);
          const asserts = checkRuleBlocks(b.body.blocks.filter((x) => x.type === 'assert'), diags);
          if (asserts.length === 0) diags.push(error('Zero assert blocks', 'Check blocks must have at least one assert block.', b.defRange));
          module.checks.set(b.labels[0]!, asserts);
          break;
        }
        default:
          break;
      }
    }
  }
  for (const b of providerBlocks) decodeProvider(b, module, diags);
  for (const [b, scope] of resourceBlocks) decodeResource(b, module, diags, scope);
  importRules(imports, diags);
  checkBlockRules(checkBlocks, diags);
  for (const t of extras.tests ?? []) testFileRules(t, diags);
  return { module, diags, versionDiags };
}

function decodeTerraformBlock(b: Block, module: ModuleConfig, diags: Diagnostic[]): void {
  const { blocks } = content(
    b.body,
    {
      attributes: [{ name: 'required_version' }, { name: 'experiments' }, { name: 'language' }],
      blocks: [
        { type: 'backend', labels: ['type'] },
        { type: 'cloud', labels: [] },
        { type: 'required_providers', labels: [] },
        { type: 'provider_meta', labels: ['provider'] },
      ],
    },
    diags,
  );
  // backend settings are read before anything is evaluated: constants only
  for (const backend of blocks.filter((x) => x.type === 'backend')) for (const a of backend.body.attributes) checkConstant(a.expr, diags);
  for (const rp of blocks.filter((x) => x.type === 'required_providers')) {
    for (const block of rp.body.blocks) diags.push(error(`Unexpected "${block.type}" block`, 'Blocks are not allowed here.', block.typeRange));
    for (const a of rp.body.attributes) {
      const entry: { source?: string; version?: string } = {};
      const lit = literalOf(a.expr);
      if (typeof lit === 'string') entry.version = lit;
      else if (a.expr.kind === 'object') {
        for (const item of a.expr.items) {
          const key = item.key.kind === 'traversal' && item.key.steps.length === 0 ? item.key.root : literalOf(item.key);
          const value = literalOf(item.value);
          if (key === 'source' && typeof value === 'string') entry.source = value;
          if (key === 'version' && typeof value === 'string') entry.version = value;
        }
      }
      module.requiredProviders[a.name] = entry;
    }
  }
}

function decodeVariable(b: Block, module: ModuleConfig, diags: Diagnostic[]): void {
  const name = b.labels[0]!;
  if (!validIdentifier(name)) diags.push(error('Invalid variable name', BAD_IDENTIFIER, b.labelRanges[0]));
  if (RESERVED_VARIABLE_NAMES.has(name)) diags.push(error('Invalid variable name', `The variable name ${JSON.stringify(name)} is reserved due to its special meaning inside module blocks.`, b.labelRanges[0]));
  const { attrs } = content(
    b.body,
    {
      attributes: [{ name: 'description' }, { name: 'default' }, { name: 'type' }, { name: 'sensitive' }, { name: 'nullable' }, { name: 'ephemeral' }, { name: 'deprecated' }],
      blocks: [{ type: 'validation', labels: [] }],
    },
    diags,
  );
  for (const v of b.body.blocks.filter((x) => x.type === 'validation')) {
    checkRuleBlocks([v], diags);
    const condition = v.body.attributes.find((a) => a.name === 'condition');
    // a validation tests the variable's own incoming value (recorded from terraform 1.11)
    if (condition && !traversalsIn(condition.expr).some((t) => t.root === 'var' && t.steps[0]?.kind === 'attr' && t.steps[0].name === name)) {
      diags.push(error('Invalid variable validation condition', `The condition for variable ${JSON.stringify(name)} must refer to var.${name} in order to test incoming values.`, condition.expr.range));
    }
  }
  const typeAttr = attrs.get('type');
  if (typeAttr) checkTypeExpr(typeAttr.expr, diags);
  const def = attrs.get('default');
  if (def && checkConstant(def.expr, diags) && typeAttr) {
    const problem = checkVariableDefault(typeAttr.expr, def.expr);
    if (problem) diags.push(error(problem.summary, problem.detail, problem.range));
  }
  for (const k of ['description', 'sensitive', 'nullable']) {
    const a = attrs.get(k);
    if (a && checkConstant(a.expr, diags) && k !== 'description') checkBoolArgument(a.expr, diags);
  }
  const ephemeral = attrs.get('ephemeral');
  if (ephemeral) checkBoolArgument(ephemeral.expr, diags);
  const existing = module.variables.get(name);
  if (existing) {
    diags.push(error('Duplicate variable declaration', `A variable named ${JSON.stringify(name)} was already declared at ${rangeString(existing.block.defRange)}. Variable names must be unique within a module.`, b.defRange));
  }
  const ephemeralAttr = attrs.get('ephemeral');
  module.variables.set(name, { name, block: b, sensitive: literalOf(attrs.get('sensitive')?.expr ?? { kind: 'literal', value: false, range: b.range }) === true, ephemeral: !!ephemeralAttr && literalOf(ephemeralAttr.expr) === true });
}

function decodeLocals(b: Block, module: ModuleConfig, diags: Diagnostic[]): void {
  if (b.body.blocks.length > 0) {
    const example = b.body.blocks[0]!;
    diags.push(error(`Unexpected ${JSON.stringify(example.type)} block`, 'Blocks are not allowed here.', example.typeRange));
  }
  for (const a of b.body.attributes) {
    if (!validIdentifier(a.name)) diags.push(error('Invalid local value name', BAD_IDENTIFIER, a.nameRange));
    const existing = module.locals.get(a.name);
    if (existing) {
      diags.push(error('Duplicate local value definition', `A local value named ${JSON.stringify(a.name)} was already defined at ${rangeString(existing.range)}. Local value names must be unique within a module.`, a.range));
    }
    module.locals.set(a.name, a);
  }
}

function decodeOutput(b: Block, module: ModuleConfig, diags: Diagnostic[]): void {
  const name = b.labels[0]!;
  if (!validIdentifier(name)) diags.push(error('Invalid output name', BAD_IDENTIFIER, b.labelRanges[0]));
  const { attrs } = content(
    b.body,
    {
      attributes: [{ name: 'description' }, { name: 'value', required: true }, { name: 'sensitive' }, { name: 'depends_on' }, { name: 'ephemeral' }],
      blocks: [{ type: 'precondition', labels: [] }],
    },
    diags,
  );
  checkRuleBlocks(b.body.blocks.filter((x) => x.type === 'precondition'), diags);
  const dependsOnAttr = attrs.get('depends_on');
  const dependsOn = dependsOnAttr ? decodeDependsOn(dependsOnAttr, diags) : [];
  const existing = module.outputs.get(name);
  if (existing) {
    diags.push(error('Duplicate output definition', `An output named ${JSON.stringify(name)} was already defined at ${rangeString(existing.block.defRange)}. Output names must be unique within a module.`, b.defRange));
  }
  const sensitiveAttr = attrs.get('sensitive');
  for (const k of ['sensitive', 'ephemeral']) {
    const a = attrs.get(k);
    if (a) checkBoolArgument(a.expr, diags);
  }
  const ephemeralAttr = attrs.get('ephemeral');
  module.outputs.set(name, { name, block: b, value: attrs.get('value'), sensitive: sensitiveAttr ? literalOf(sensitiveAttr.expr) === true : false, ephemeral: !!ephemeralAttr && literalOf(ephemeralAttr.expr) === true, dependsOn });
}

const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

function decodeModuleCall(b: Block, module: ModuleConfig, diags: Diagnostic[]): void {
  const name = b.labels[0]!;
  if (!validIdentifier(name)) diags.push(error('Invalid module instance name', BAD_IDENTIFIER, b.labelRanges[0]));
  const { attrs } = content(
    b.body,
    {
      attributes: [{ name: 'source', required: true }, { name: 'version' }, { name: 'count' }, { name: 'for_each' }, { name: 'depends_on' }, { name: 'providers' }],
      blocks: [{ type: '_', labels: [] }, { type: 'lifecycle', labels: [] }, { type: 'locals', labels: [] }, { type: 'provider', labels: ['type'] }],
    },
    diags,
    true,
  );
  moduleSourceRules(b, diags);
  const source = attrs.get('source');
  if (source && literalOf(source.expr) === undefined) {
    diags.push(error('Invalid value for module argument', 'The module source address must be a string literal.', source.expr.range));
  }
  const count = attrs.get('count');
  const forEach = attrs.get('for_each');
  if (count && forEach) {
    diags.push(error('Invalid combination of "count" and "for_each"', 'The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of module instances to be created.', forEach.nameRange));
  }
  for (const nested of b.body.blocks) {
    if (nested.type === 'lifecycle' || nested.type === 'locals' || nested.type === 'provider') {
      diags.push(error('Reserved block type name in module block', `The block type name ${JSON.stringify(nested.type)} is reserved for use by Terraform in a future version.`, nested.typeRange));
    }
  }
  const existing = module.moduleCalls.get(name);
  if (existing) {
    diags.push(error('Duplicate module call', `A module call named ${JSON.stringify(name)} was already defined at ${rangeString(existing.block.defRange)}. Module calls must have unique names within a module.`, b.defRange));
  }
  module.moduleCalls.set(name, { name, block: b, count, forEach, inputs: b.body.attributes.filter((a) => !MODULE_META.has(a.name)) });
}

function decodeProvider(b: Block, module: ModuleConfig, diags: Diagnostic[]): void {
  const name = b.labels[0]!;
  if (!validIdentifier(name)) diags.push(error('Invalid provider local name', `${JSON.stringify(name)} is an invalid provider local name: must contain only letters, digits and dashes, and may not use leading or trailing dashes`, b.labelRanges[0]));
  const aliasAttr = b.body.attributes.find((a) => a.name === 'alias');
  let alias: string | undefined;
  if (aliasAttr) {
    const lit = literalOf(aliasAttr.expr);
    if (aliasAttr.expr.kind === 'traversal' && aliasAttr.expr.steps.length === 0) alias = aliasAttr.expr.root;
    else if (typeof lit === 'string') alias = lit;
    if (alias !== undefined && !validIdentifier(alias)) diags.push(error('Invalid provider configuration alias', `An alias must be a valid name. ${BAD_IDENTIFIER}`, aliasAttr.expr.range));
  }
  for (const nested of b.body.blocks) {
    if (nested.type === 'locals') diags.push(error('Reserved block type name in provider block', `The block type name ${JSON.stringify(nested.type)} is reserved for use by Terraform in a future version.`, nested.typeRange));
  }
  const key = alias ? `${name}.${alias}` : name;
  const existing = module.providers.get(key);
  if (existing) {
    diags.push(
      alias
        ? error('Duplicate provider configuration', `A provider configuration for ${JSON.stringify(name)} with alias ${JSON.stringify(alias)} was already given at ${rangeString(existing.block.defRange)}. Each configuration for the same provider must have a distinct alias.`, b.defRange)
        : error('Duplicate provider configuration', `A default (non-aliased) provider configuration for ${JSON.stringify(name)} was already given at ${rangeString(existing.block.defRange)}. If multiple configurations are required, set the "alias" argument for alternative configurations.`, b.defRange),
    );
    return;
  }
  module.providers.set(key, { localName: name, alias, block: b });
}

function impliedProvider(type: string): string {
  const i = type.indexOf('_');
  return i < 0 ? type : type.slice(0, i);
}

function decodeResource(b: Block, module: ModuleConfig, diags: Diagnostic[], checkScope?: string): void {
  const mode = b.type === 'data' ? 'data' : 'managed';
  const [type, name] = [b.labels[0]!, b.labels[1]!];
  if (!validIdentifier(type)) diags.push(error(mode === 'data' ? 'Invalid data source name' : 'Invalid resource type name', BAD_IDENTIFIER, b.labelRanges[0]));
  if (!validIdentifier(name)) diags.push(error(mode === 'data' ? 'Invalid data resource name' : 'Invalid resource name', BAD_IDENTIFIER, b.labelRanges[1]));
  const blocks: BlockHeader[] =
    mode === 'managed'
      ? [{ type: 'locals', labels: [] }, { type: 'lifecycle', labels: [] }, { type: 'connection', labels: [] }, { type: 'provisioner', labels: ['type'] }, { type: '_', labels: [] }]
      : [{ type: 'locals', labels: [] }, { type: 'lifecycle', labels: [] }, { type: '_', labels: [] }];
  const found = content(b.body, { attributes: [{ name: 'count' }, { name: 'for_each' }, { name: 'provider' }, { name: 'depends_on' }], blocks }, diags, true);
  const count = found.attrs.get('count');
  const forEach = found.attrs.get('for_each');
  if (count && forEach) {
    diags.push(error('Invalid combination of "count" and "for_each"', `The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.`, forEach.nameRange));
  }
  const dependsOnAttr = found.attrs.get('depends_on');
  const dependsOn = dependsOnAttr ? decodeDependsOn(dependsOnAttr, diags) : [];
  let providerLocalName = impliedProvider(type);
  let providerKey = providerLocalName;
  const providerAttr = found.attrs.get('provider');
  if (providerAttr) {
    const e = providerAttr.expr;
    if (e.kind === 'traversal' && e.steps.length <= 1 && e.steps.every((s) => s.kind === 'attr')) {
      providerLocalName = e.root;
      providerKey = e.steps.length ? `${e.root}.${(e.steps[0] as { name: string }).name}` : e.root;
    } else if (shimQuoted(e, []) && shimQuoted(e, [])!.steps.every((x) => x.kind === 'attr') && shimQuoted(e, [])!.steps.length <= 1) {
      const t = shimQuoted(e, diags)!;
      providerLocalName = t.root;
      providerKey = t.steps.length ? `${t.root}.${(t.steps[0] as { name: string }).name}` : t.root;
    } else if (isQuoted(e)) {
      diags.push(error('Invalid provider configuration reference', 'A provider configuration reference must not be given in quotes.', e.range));
    } else {
      diags.push(error('Invalid provider configuration reference', 'The provider argument requires a provider type name, optionally followed by a period and then a configuration alias.', e.range));
    }
  }
  const lifecycle: Block[] = [];
  let connection: Block | undefined;
  for (const nested of found.blocks) {
    if (nested.type === 'lifecycle') {
      if (lifecycle.length) {
        diags.push(error('Duplicate lifecycle block', `This resource already has a lifecycle block at ${rangeString(lifecycle[0]!.defRange)}.`, nested.defRange));
        continue;
      }
      lifecycle.push(nested);
      const lc = content(
        nested.body,
        {
          attributes: [{ name: 'create_before_destroy' }, { name: 'prevent_destroy' }, { name: 'ignore_changes' }, { name: 'replace_triggered_by' }],
          blocks: [{ type: 'precondition', labels: [] }, { type: 'postcondition', labels: [] }],
        },
        diags,
      );
      checkRuleBlocks(lc.blocks, diags);
      for (const a of lc.attrs.values()) {
        if (mode === 'data') {
          diags.push(error('Invalid data resource lifecycle argument', `The lifecycle argument ${JSON.stringify(a.name)} is defined only for managed resources ("resource" blocks), and is not valid for data resources.`, a.nameRange));
        } else if (a.name === 'create_before_destroy' || a.name === 'prevent_destroy') {
          checkConstant(a.expr, diags);
        }
      }
      if (mode === 'managed') lifecycleRules(nested, diags);
    } else if (nested.type === 'connection') {
      if (connection) {
        diags.push(error('Duplicate connection block', `This resource already has a connection block at ${rangeString(connection.defRange)}.`, nested.defRange));
        continue;
      }
      connection = nested;
    } else if (nested.type === 'locals') {
      diags.push(error(`Reserved block type name in ${mode === 'data' ? 'data' : 'resource'} block`, `The block type name ${JSON.stringify(nested.type)} is reserved for use by Terraform in a future version.`, nested.typeRange));
    }
  }
  const provisioners = found.blocks.filter((x) => x.type === 'provisioner');
  for (const p of provisioners) provisionerRules(p, diags);
  const config: ResourceConfig = { mode, type, name, block: b, count, forEach, dependsOn, providerKey, providerLocalName, providerRange: providerAttr?.expr.range, lifecycle, provisioners, connection, checkScope };
  const key = `${type}.${name}`;
  const map = mode === 'managed' ? module.resources : module.dataResources;
  const existing = map.get(key);
  if (existing) {
    diags.push(
      mode === 'managed'
        ? error(`Duplicate resource ${JSON.stringify(type)} configuration`, `A ${type} resource named ${JSON.stringify(name)} was already declared at ${rangeString(existing.block.defRange)}. Resource names must be unique per type in each module.`, b.defRange)
        : error(`Duplicate data ${JSON.stringify(type)} configuration`, `A ${type} data resource named ${JSON.stringify(name)} was already declared at ${rangeString(existing.block.defRange)}. Resource names must be unique per type in each module.`, b.defRange),
    );
    return;
  }
  map.set(key, config);
}

/** Meta-argument names hidden from the provider schema decode of a resource body. */
export const RESOURCE_META_ATTRIBUTES: ReadonlySet<string> = new Set(['count', 'for_each', 'provider', 'depends_on']);
export const RESOURCE_META_BLOCKS: ReadonlySet<string> = new Set(['lifecycle', 'connection', 'provisioner', 'locals', '_']);
