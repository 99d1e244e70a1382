/**
 * Bundled provider schemas: `data/schemas/<host>/<namespace>/<type>/<version>.json.gz`, each a real
 * `terraform providers schema -json` document for one provider, plus a sidecar
 * `<version>.index.json` holding the byte range of every resource / data source schema inside the
 * uncompressed document. With the index, a lookup gunzips the file (native, fast) but JSON-parses
 * only the schemas it is asked for; without it the whole document is parsed once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readMaybeGzip, readSchemaFile, SchemaFileError } from './schema-file';
import type { BlockSchema, ProviderSchemaJson, ProviderSchemaSource } from './types';
import { compareVersions, parseVersion } from './version-constraint';

export const BUNDLED_SCHEMA_DIR = fileURLToPath(new URL('../../../../data/schemas/', import.meta.url));

export const INDEX_FORMAT = 'tfpairs-schema-index/1';

type ByteRange = readonly [start: number, end: number];

/** Sidecar index of a bundled schema file. */
export interface SchemaIndex {
  format: typeof INDEX_FORMAT;
  address: string;
  version: string;
  /** length of the uncompressed document, to catch an index that does not belong to its file */
  bytes: number;
  provider?: ByteRange;
  resource_schemas: Record<string, ByteRange>;
  data_source_schemas: Record<string, ByteRange>;
}

export interface BundledSchemaRef {
  readonly address: string;
  readonly version: string;
  readonly file: string;
  readonly indexFile?: string;
}

const catalogCache = new Map<string, ReadonlyMap<string, readonly BundledSchemaRef[]>>();

/** address -> bundled versions, newest first. Scans the folder once per process. */
export function bundledCatalog(dir = BUNDLED_SCHEMA_DIR): ReadonlyMap<string, readonly BundledSchemaRef[]> {
  const cached = catalogCache.get(dir);
  if (cached) return cached;
  const catalog = new Map<string, BundledSchemaRef[]>();
  if (existsSync(dir)) {
    for (const host of subdirs(dir)) {
      for (const ns of subdirs(join(dir, host))) {
        for (const type of subdirs(join(dir, host, ns))) {
          const folder = join(dir, host, ns, type);
          const address = `${host}/${ns}/${type}`.toLowerCase();
          for (const name of readdirSync(folder)) {
            const m = /^(.+)\.json(?:\.gz)?$/.exec(name);
            if (!m || name.endsWith('.index.json') || !parseVersion(m[1] ?? '')) continue;
            const version = m[1] as string;
            const indexFile = join(folder, `${version}.index.json`);
            const refs = catalog.get(address) ?? [];
            refs.push({ address, version, file: join(folder, name), indexFile: existsSync(indexFile) ? indexFile : undefined });
            catalog.set(address, refs);
          }
        }
      }
    }
  }
  for (const refs of catalog.values()) {
    refs.sort((a, b) => compareVersions(parseVersion(b.version)!, parseVersion(a.version)!));
  }
  catalogCache.set(dir, catalog);
  return catalog;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
}

const sourceCache = new Map<string, ProviderSchemaSource>();

/** Opens one bundled schema (cached per process unless `cache` is false, for benchmarks). */
export function openBundled(ref: BundledSchemaRef, cache = true): ProviderSchemaSource {
  const cached = cache ? sourceCache.get(ref.file) : undefined;
  if (cached) return cached;
  const source = ref.indexFile ? openIndexed(ref, ref.indexFile) : openWhole(ref);
  if (cache) sourceCache.set(ref.file, source);
  return source;
}

function openWhole(ref: BundledSchemaRef): ProviderSchemaSource {
  const label = `${ref.address} ${ref.version}`;
  let inner: ProviderSchemaSource | undefined;
  const get = (): ProviderSchemaSource => {
    inner ??= readSchemaFile(ref.file).find((s) => s.address === ref.address);
    if (!inner) throw new SchemaFileError(ref.file, `has no schema for ${ref.address}`);
    return inner;
  };
  return {
    address: ref.address,
    label,
    provider: () => get().provider(),
    resource: (t) => get().resource(t),
    dataSource: (t) => get().dataSource(t),
    resourceTypes: () => get().resourceTypes(),
    dataSourceTypes: () => get().dataSourceTypes(),
  };
}

function openIndexed(ref: BundledSchemaRef, indexFile: string): ProviderSchemaSource {
  let index: SchemaIndex | undefined;
  let bytes: Buffer | undefined;
  const loadIndex = (): SchemaIndex => {
    if (index) return index;
    try {
      index = JSON.parse(readFileSync(indexFile, 'utf8')) as SchemaIndex;
    } catch (e) {
      throw new SchemaFileError(indexFile, `unreadable index (${(e as Error).message})`);
    }
    if (index.format !== INDEX_FORMAT) throw new SchemaFileError(indexFile, `unknown index format "${String(index.format)}"`);
    return index;
  };
  const loadBytes = (): Buffer => {
    if (bytes) return bytes;
    bytes = readMaybeGzip(ref.file);
    if (bytes.length !== loadIndex().bytes) {
      throw new SchemaFileError(ref.file, `does not match its index ${indexFile} (${bytes.length} != ${loadIndex().bytes} bytes)`);
    }
    return bytes;
  };
  const parsed = new Map<string, BlockSchema | undefined>();
  const lookup = (kind: 'r' | 'd', table: Record<string, ByteRange>, type: string): BlockSchema | undefined => {
    const key = `${kind}:${type}`;
    if (parsed.has(key)) return parsed.get(key);
    const range = Object.hasOwn(table, type) ? table[type] : undefined;
    const block = range ? parseSlice(range) : undefined;
    parsed.set(key, block);
    return block;
  };
  const parseSlice = (range: ByteRange): BlockSchema => {
    const text = loadBytes().toString('utf8', range[0], range[1]);
    try {
      return (JSON.parse(text) as { block: BlockSchema }).block;
    } catch (e) {
      throw new SchemaFileError(ref.file, `index ${indexFile} points outside a schema (${(e as Error).message})`);
    }
  };
  let providerBlock: BlockSchema | undefined | null = null;
  let resourceTypes: readonly string[] | undefined;
  let dataSourceTypes: readonly string[] | undefined;
  return {
    address: ref.address,
    label: `${ref.address} ${ref.version}`,
    provider: () => {
      if (providerBlock === null) {
        const r = loadIndex().provider;
        providerBlock = r ? parseSlice(r) : undefined;
      }
      return providerBlock;
    },
    resource: (t) => lookup('r', loadIndex().resource_schemas, t),
    dataSource: (t) => lookup('d', loadIndex().data_source_schemas, t),
    resourceTypes: () => (resourceTypes ??= Object.freeze(Object.keys(loadIndex().resource_schemas).sort())),
    dataSourceTypes: () => (dataSourceTypes ??= Object.freeze(Object.keys(loadIndex().data_source_schemas).sort())),
  };
}

/**
 * Serialises one provider's schema as a `providers schema -json` document (types in sorted order)
 * and builds its index. Used by the extraction scripts; the output is what `openIndexed` reads.
 */
export function serialiseBundled(
  address: string,
  version: string,
  schema: ProviderSchemaJson,
): { gz: Buffer; json: string; index: SchemaIndex } {
  const chunks: string[] = [];
  let offset = 0;
  const push = (s: string): void => {
    chunks.push(s);
    offset += Buffer.byteLength(s, 'utf8');
  };
  const index: SchemaIndex = {
    format: INDEX_FORMAT,
    address,
    version,
    bytes: 0,
    resource_schemas: {},
    data_source_schemas: {},
  };
  push(`{"format_version":"1.0","provider_schemas":{${JSON.stringify(address)}:{`);
  let first = true;
  if (schema.provider) {
    push('"provider":');
    const start = offset;
    push(JSON.stringify(schema.provider));
    index.provider = [start, offset];
    first = false;
  }
  for (const kind of ['resource_schemas', 'data_source_schemas'] as const) {
    const table = schema[kind] ?? {};
    push(`${first ? '' : ','}${JSON.stringify(kind)}:{`);
    first = false;
    Object.keys(table)
      .sort()
      .forEach((type, i) => {
        push(`${i ? ',' : ''}${JSON.stringify(type)}:`);
        const start = offset;
        push(JSON.stringify(table[type]));
        index[kind][type] = [start, offset];
      });
    push('}');
  }
  push('}}}');
  index.bytes = offset;
  const json = chunks.join('');
  return { gz: gzipSync(json, { level: 9 }), json, index };
}
