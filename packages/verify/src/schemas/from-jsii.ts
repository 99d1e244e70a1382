/**
 * Derives a terraform provider schema (`providers schema -json` shape) from the `.jsii` assembly of a
 * prebuilt CDKTF provider package (`@cdktf/provider-aws` and friends). Build-time only: used by
 * `scripts/extract-provider-schema.ts`, never at run time.
 *
 * What the assembly says, and how it maps:
 * - every resource / data source is a class documented "Represents a {@link <docs url> <tf type>}";
 *   its constructor's `config` parameter is a `...Config` struct holding the arguments;
 * - each struct property's docs link ends in `#<terraform name>` (the exact name, never derived from
 *   the camelCase property name);
 * - properties are required unless `optional`;
 * - a struct-typed property documented "<name> block." is a nested block: a single struct is at most
 *   one block, an array of structs a repeated block, a required one at least one block;
 *   struct-typed properties without that wording are attributes of object type;
 * - the inherited `cdktf.TerraformMetaArguments` (count, for_each, provider, depends_on, lifecycle,
 *   connection, provisioners) and the provider's `alias` are terraform meta-arguments, not schema.
 */
import type { AttributeSchema, BlockSchema, BlockTypeSchema, ProviderSchemaJson } from './types';

export interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: 'array' | 'map'; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

export interface JsiiProperty {
  name: string;
  optional?: boolean;
  static?: boolean;
  const?: boolean;
  immutable?: boolean;
  docs?: { summary?: string; remarks?: string; deprecated?: string };
  type: JsiiTypeRef;
}

export interface JsiiType {
  fqn: string;
  kind: 'class' | 'interface' | 'enum';
  name: string;
  namespace?: string;
  datatype?: boolean;
  interfaces?: string[];
  properties?: JsiiProperty[];
  docs?: { summary?: string; deprecated?: string };
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
  locationInModule?: { filename: string; line: number };
}

export interface JsiiAssembly {
  name: string;
  version: string;
  types: Record<string, JsiiType>;
}

/** Properties inherited from cdktf's meta-argument interfaces are not provider schema. */
export const META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner', 'provisioners']);
const PROVIDER_META_ARGUMENTS = new Set(['alias']);

const CLASS_LINK = /^Represents a \{@link (https:\/\/registry\.terraform\.io\/providers\/([^/\s]+)\/([^/\s]+)\/([^/\s]+)\/docs(?:\/(resources|data-sources)\/[^\s}]+)?) ([^\s}]+)\}/;
// the link's text repeats the anchor (`{@link https://...#user_name ElasticacheUser#user_name}`), which
// tells the docs link apart from other registry links in the same description
const PROPERTY_ANCHOR = /\{@link https:\/\/registry\.terraform\.io\/providers\/[^\s}#]*#([^\s}]+) [A-Za-z0-9_]+#\1\}/;

/** What a naive camelCase -> snake_case conversion would say; only used to count where it is wrong. */
function naiveSnake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface ExtractedEntity {
  /** terraform type (`aws_instance`) or the provider's type name for the provider class */
  name: string;
  kind: 'resource' | 'data' | 'provider';
  classFqn: string;
  configFqn: string;
}

/** Problems found while converting, kept for the report (never silently dropped). */
export interface ExtractionIssue {
  where: string;
  problem: string;
}

export interface ExtractionResult {
  address: string;
  version: string;
  schema: ProviderSchemaJson;
  entities: ExtractedEntity[];
  issues: ExtractionIssue[];
  /** struct properties by how they were mapped, for the report */
  counts: Record<string, number>;
}

/** The terraform name from a property's docs link anchor (`.../elasticache_user#user_name`). */
export function anchorName(p: JsiiProperty): string | undefined {
  const text = `${p.docs?.summary ?? ''}\n${p.docs?.remarks ?? ''}`;
  return PROPERTY_ANCHOR.exec(text)?.[1];
}

export function extractFromJsii(assembly: JsiiAssembly): ExtractionResult {
  const types = assembly.types;
  const issues: ExtractionIssue[] = [];
  const counts: Record<string, number> = {};
  const count = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const entities: ExtractedEntity[] = [];
  let address: string | undefined;
  let version: string | undefined;

  for (const t of Object.values(types)) {
    if (t.kind !== 'class') continue;
    const m = CLASS_LINK.exec(t.docs?.summary ?? '');
    if (!m) continue;
    const [, , namespace, providerType, providerVersion, section, tfName] = m as unknown as string[];
    const entityAddress = `registry.terraform.io/${namespace}/${providerType}`.toLowerCase();
    if (address && (address !== entityAddress || version !== providerVersion)) {
      issues.push({ where: t.fqn, problem: `links to ${entityAddress} ${providerVersion}, not ${address} ${version}` });
      continue;
    }
    address = entityAddress;
    version = providerVersion;
    const config = t.initializer?.parameters?.find((p) => p.name === 'config')?.type.fqn;
    if (!config || !types[config]) {
      issues.push({ where: t.fqn, problem: 'has no config struct' });
      continue;
    }
    const kind = section === 'resources' ? 'resource' : section === 'data-sources' ? 'data' : 'provider';
    entities.push({ name: tfName as string, kind, classFqn: t.fqn, configFqn: config });
  }
  if (!address || !version) throw new Error(`${assembly.name}: no class documented "Represents a {@link ...}" found`);

  const isStruct = (ref: JsiiTypeRef): boolean => ref.fqn !== undefined && types[ref.fqn]?.datatype === true;

  /** Drops cdktf.IResolvable from unions (it only means "or a token"). */
  const unwrap = (ref: JsiiTypeRef): JsiiTypeRef => {
    if (!ref.union) return ref;
    const rest = ref.union.types.filter((x) => x.fqn !== 'cdktf.IResolvable');
    return rest.length === 1 ? unwrap(rest[0]!) : ref;
  };

  /** Own properties plus those of non-cdktf parent interfaces. */
  const structProperties = (fqn: string, seen = new Set<string>()): JsiiProperty[] => {
    if (seen.has(fqn)) return [];
    seen.add(fqn);
    const t = types[fqn];
    if (!t) return [];
    const inherited = (t.interfaces ?? []).filter((i) => !i.startsWith('cdktf.')).flatMap((i) => structProperties(i, seen));
    return [...inherited, ...(t.properties ?? [])];
  };

  const ctyType = (ref: JsiiTypeRef, where: string): unknown => {
    const r = unwrap(ref);
    if (r.primitive) {
      switch (r.primitive) {
        case 'string':
        case 'date':
          return 'string';
        case 'number':
          return 'number';
        case 'boolean':
          return 'bool';
        default:
          return 'dynamic';
      }
    }
    if (r.collection) {
      return [r.collection.kind === 'map' ? 'map' : 'list', ctyType(r.collection.elementtype, where)];
    }
    if (r.fqn && isStruct(r)) {
      const attrs: Record<string, unknown> = {};
      for (const p of structProperties(r.fqn)) {
        const name = anchorName(p);
        if (name) attrs[name] = ctyType(p.type, `${where}.${name}`);
      }
      return ['object', attrs];
    }
    if (r.union) issues.push({ where, problem: `ambiguous union type ${JSON.stringify(r)}, mapped to dynamic` });
    return 'dynamic';
  };

  const blockOf = (fqn: string, where: string, exclude: ReadonlySet<string>, depth = 0): BlockSchema => {
    const attributes: Record<string, AttributeSchema> = {};
    const blockTypes: Record<string, BlockTypeSchema> = {};
    if (depth > 30) {
      issues.push({ where, problem: 'nesting deeper than 30 levels, cut off' });
      return {};
    }
    for (const p of structProperties(fqn)) {
      const name = anchorName(p);
      if (!name) {
        issues.push({ where: `${where}.${p.name}`, problem: 'property has no docs-link anchor; skipped' });
        count('property without anchor');
        continue;
      }
      if (exclude.has(name)) continue;
      if (naiveSnake(p.name) !== name) count('name differs from snake_case(property)');
      const r = unwrap(p.type);
      const element = r.collection ? unwrap(r.collection.elementtype) : undefined;
      const structRef = isStruct(r) ? r : element && isStruct(element) ? element : undefined;
      const documentedAsBlock = (p.docs?.summary ?? '').trim() === `${name} block.`;
      const isBlock = structRef !== undefined && documentedAsBlock;
      const required = p.optional !== true;
      if (documentedAsBlock && !structRef) {
        // cdktf elides schemas nested too deeply (wafv2 `statement`, quicksight `definition`) and
        // types them `any`: a block whose content is unknown, so validators must not check inside
        count('opaque block');
        const bt: BlockTypeSchema = { nesting_mode: r.collection?.kind === 'map' ? 'map' : 'list', block: { opaque: true } };
        if (required) bt.min_items = 1;
        blockTypes[name] = bt;
        continue;
      }
      if (isBlock && structRef?.fqn) {
        const single = r === structRef;
        const mode = single ? 'single-struct block' : r.collection?.kind === 'map' ? 'map block' : 'repeated block';
        count(mode);
        const nested = blockOf(structRef.fqn, `${where}.${name}`, new Set(), depth + 1);
        const bt: BlockTypeSchema = {
          nesting_mode: r.collection?.kind === 'map' ? 'map' : 'list',
          block: nested,
        };
        if (required) bt.min_items = 1;
        if (single) bt.max_items = 1;
        blockTypes[name] = bt;
      } else {
        count(structRef ? 'object-typed attribute' : 'attribute');
        const a: AttributeSchema = { type: ctyType(p.type, `${where}.${name}`) };
        if (required) a.required = true;
        else a.optional = true;
        if (p.docs?.deprecated !== undefined) a.deprecated = true;
        attributes[name] = a;
      }
    }
    const block: BlockSchema = {};
    if (Object.keys(attributes).length > 0) block.attributes = attributes;
    if (Object.keys(blockTypes).length > 0) block.block_types = blockTypes;
    if (types[fqn]?.docs?.deprecated !== undefined) block.deprecated = true;
    return block;
  };

  const schema: ProviderSchemaJson = { resource_schemas: {}, data_source_schemas: {} };
  for (const e of entities.sort((a, b) => a.name.localeCompare(b.name))) {
    const where = `${e.kind === 'data' ? 'data.' : ''}${e.name}`;
    if (e.kind === 'provider') {
      schema.provider = { version: 0, block: blockOf(e.configFqn, `provider.${e.name}`, new Set([...META_ARGUMENTS, ...PROVIDER_META_ARGUMENTS])) };
      continue;
    }
    const table = e.kind === 'resource' ? schema.resource_schemas! : schema.data_source_schemas!;
    if (table[e.name]) {
      issues.push({ where, problem: `defined twice (${e.classFqn})` });
      continue;
    }
    table[e.name] = { version: 0, block: blockOf(e.configFqn, where, META_ARGUMENTS) };
  }
  return { address, version, schema, entities, issues, counts };
}
