import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ProviderSchemaSource, ProvidersSchemaJson } from './types';

/** A schema file that cannot be used; `message` says which file and why, for the user. */
export class SchemaFileError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`Failed to read provider schema file ${file}: ${reason}`);
    this.name = 'SchemaFileError';
  }
}

export function isSchemaFileError(e: unknown): e is SchemaFileError {
  return e instanceof SchemaFileError;
}

/*
 * The shape check is hand-written rather than a zod schema: zod's recursive parse of a 4 MB AWS
 * schema took ~280 ms (4x the JSON.parse itself) on every start-up; this walk takes ~15 ms on the same file, checks
 * the same things, and reports the JSON path of the first problems.
 */
const MAX_PROBLEMS = 4;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const FLAG_KEYS = ['required', 'optional', 'computed', 'deprecated', 'sensitive'] as const;
const NESTING_MODES = new Set(['single', 'list', 'set', 'map', 'group']);

/** Walks the document keeping the JSON path as a stack, joined only when a problem is reported. */
class ShapeCheck {
  readonly problems: string[] = [];
  private readonly path: string[] = [];

  private report(message: string, key?: string): void {
    if (this.problems.length >= MAX_PROBLEMS) return;
    const path = key === undefined ? this.path : [...this.path, key];
    this.problems.push(`${path.length ? path.join('.') : '(top level)'}: ${message}`);
  }

  /** true when `v` has the wanted kind; reports otherwise */
  private is(v: unknown, ok: boolean, wanted: string, key?: string): boolean {
    if (!ok) this.report(`expected ${wanted}, got ${kindOf(v)}`, key);
    return ok;
  }

  private in(key: string, fn: () => void): void {
    this.path.push(key);
    fn();
    this.path.pop();
  }

  private optionalBoolean(obj: Record<string, unknown>, key: string): void {
    if (obj[key] !== undefined) this.is(obj[key], typeof obj[key] === 'boolean', 'boolean', key);
  }

  block(v: unknown): void {
    if (this.problems.length >= MAX_PROBLEMS || !this.is(v, isRecord(v), 'object')) return;
    const block = v as Record<string, unknown>;
    this.optionalBoolean(block, 'deprecated');
    this.optionalBoolean(block, 'opaque');
    const attributes = block.attributes;
    if (attributes !== undefined && this.is(attributes, isRecord(attributes), 'object', 'attributes')) {
      this.in('attributes', () => {
        for (const [name, a] of Object.entries(attributes as Record<string, unknown>)) {
          if (!this.is(a, isRecord(a), 'object', name)) continue;
          const attr = a as Record<string, unknown>;
          this.in(name, () => {
            for (const flag of FLAG_KEYS) this.optionalBoolean(attr, flag);
            if (attr.description !== undefined) this.is(attr.description, typeof attr.description === 'string', 'string', 'description');
            if (attr.nested_type !== undefined) this.is(attr.nested_type, isRecord(attr.nested_type), 'object', 'nested_type');
          });
        }
      });
    }
    const blockTypes = block.block_types;
    if (blockTypes !== undefined && this.is(blockTypes, isRecord(blockTypes), 'object', 'block_types')) {
      this.in('block_types', () => {
        for (const [name, b] of Object.entries(blockTypes as Record<string, unknown>)) {
          if (!this.is(b, isRecord(b), 'object', name)) continue;
          const bt = b as Record<string, unknown>;
          this.in(name, () => {
            if (!NESTING_MODES.has(bt.nesting_mode as string)) {
              this.report(`expected one of single, list, set, map, group, got ${JSON.stringify(bt.nesting_mode) ?? 'nothing'}`, 'nesting_mode');
            }
            for (const key of ['min_items', 'max_items']) {
              const n = bt[key];
              if (n !== undefined) this.is(n, Number.isInteger(n) && (n as number) >= 0, 'a non-negative integer', key);
            }
            this.in('block', () => this.block(bt.block));
          });
        }
      });
    }
  }

  private versioned(v: unknown): void {
    if (!this.is(v, isRecord(v), 'object')) return;
    const entry = v as Record<string, unknown>;
    if (entry.version !== undefined) this.is(entry.version, typeof entry.version === 'number', 'number', 'version');
    this.in('block', () => this.block(entry.block));
  }

  document(json: unknown): void {
    if (!this.is(json, isRecord(json), 'object')) return;
    const doc = json as Record<string, unknown>;
    this.is(doc.format_version, typeof doc.format_version === 'string', 'string', 'format_version');
    const providers = doc.provider_schemas;
    if (!this.is(providers, isRecord(providers), 'object', 'provider_schemas')) return;
    this.in('provider_schemas', () => {
      for (const [address, p] of Object.entries(providers as Record<string, unknown>)) {
        if (!this.is(p, isRecord(p), 'object', address)) continue;
        const provider = p as Record<string, unknown>;
        this.in(address, () => {
          if (provider.provider !== undefined) this.in('provider', () => this.versioned(provider.provider));
          for (const kind of ['resource_schemas', 'data_source_schemas']) {
            const table = provider[kind];
            if (table === undefined || !this.is(table, isRecord(table), 'object', kind)) continue;
            this.in(kind, () => {
              for (const [type, schema] of Object.entries(table as Record<string, unknown>)) this.in(type, () => this.versioned(schema));
            });
          }
        });
      }
    });
  }
}

/** Reads plain or gzip-compressed bytes (detected by the gzip magic number, not the file name). */
export function readMaybeGzip(file: string): Buffer {
  const bytes = readFileSync(file);
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/**
 * Parses and checks a `terraform providers schema -json` document. Every problem becomes a
 * SchemaFileError naming the file and the JSON path, so the CLI can print it without a stack trace.
 */
export function parseProvidersSchema(file: string, text: string): ProvidersSchemaJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SchemaFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  const check = new ShapeCheck();
  check.document(json);
  const problems = check.problems;
  if (problems.length > 0) {
    const more = problems.length >= MAX_PROBLEMS ? '; ...' : '';
    throw new SchemaFileError(file, `not the output of "terraform providers schema -json" (${problems.join('; ')}${more})`);
  }
  const doc = json as ProvidersSchemaJson;
  if (doc.format_version.split('.')[0] !== '1') {
    throw new SchemaFileError(file, `unsupported format_version "${doc.format_version}" (expected 1.x)`);
  }
  return doc;
}

/** Old terraform (0.12) keyed providers by bare type (`aws`); newer by full address. */
export function normaliseProviderAddress(key: string): string {
  const parts = key.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

const fileCache = new Map<string, readonly ProviderSchemaSource[]>();

/** Reads a user's schema file once per process; one source per provider in it. */
export function readSchemaFile(file: string): readonly ProviderSchemaSource[] {
  const path = resolve(file);
  const cached = fileCache.get(path);
  if (cached) return cached;
  let text: string;
  try {
    text = readMaybeGzip(path).toString('utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SchemaFileError(file, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  const doc = parseProvidersSchema(file, text);
  const sources = Object.entries(doc.provider_schemas).map(([key, p]): ProviderSchemaSource => {
    const address = normaliseProviderAddress(key);
    const resources = p.resource_schemas ?? {};
    const dataSources = p.data_source_schemas ?? {};
    let resourceTypes: readonly string[] | undefined;
    let dataSourceTypes: readonly string[] | undefined;
    return {
      address,
      label: `${address} (from ${basename(file)})`,
      provider: () => p.provider?.block,
      resource: (type) => (Object.hasOwn(resources, type) ? resources[type]?.block : undefined),
      dataSource: (type) => (Object.hasOwn(dataSources, type) ? dataSources[type]?.block : undefined),
      resourceTypes: () => (resourceTypes ??= Object.freeze(Object.keys(resources).sort())),
      dataSourceTypes: () => (dataSourceTypes ??= Object.freeze(Object.keys(dataSources).sort())),
    };
  });
  fileCache.set(path, sources);
  return sources;
}
