import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { BlockSchema, ProviderSchemaSource, ProvidersSchemaJson } from './types';

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

const cty = z.unknown();

const attributeSchema = z.looseObject({
  type: cty.optional(),
  nested_type: z.looseObject({}).optional(),
  required: z.boolean().optional(),
  optional: z.boolean().optional(),
  computed: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  sensitive: z.boolean().optional(),
  description: z.string().optional(),
});

const blockSchema: z.ZodType<BlockSchema> = z.lazy(() =>
  z.looseObject({
    attributes: z.record(z.string(), attributeSchema).optional(),
    block_types: z
      .record(
        z.string(),
        z.looseObject({
          nesting_mode: z.enum(['single', 'list', 'set', 'map', 'group']),
          min_items: z.number().int().nonnegative().optional(),
          max_items: z.number().int().nonnegative().optional(),
          block: blockSchema,
        }),
      )
      .optional(),
    deprecated: z.boolean().optional(),
  }),
) as z.ZodType<BlockSchema>;

const versionedBlock = z.looseObject({ version: z.number().optional(), block: blockSchema });

const providersSchemaDocument = z.looseObject({
  format_version: z.string(),
  provider_schemas: z.record(
    z.string(),
    z.looseObject({
      provider: versionedBlock.optional(),
      resource_schemas: z.record(z.string(), versionedBlock).optional(),
      data_source_schemas: z.record(z.string(), versionedBlock).optional(),
    }),
  ),
});

/** Reads plain or gzip-compressed bytes (detected by the gzip magic number, not the file name). */
export function readMaybeGzip(file: string): Buffer {
  const bytes = readFileSync(file);
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${path ? path.slice(1) : '(top level)'}: ${issue.message}`;
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
  const checked = providersSchemaDocument.safeParse(json);
  if (!checked.success) {
    const issues = checked.error.issues;
    const shown = issues.slice(0, 3).map(describeIssue).join('; ');
    throw new SchemaFileError(
      file,
      `not the output of "terraform providers schema -json" (${shown}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''})`,
    );
  }
  const major = checked.data.format_version.split('.')[0];
  if (major !== '1') {
    throw new SchemaFileError(file, `unsupported format_version "${checked.data.format_version}" (expected 1.x)`);
  }
  return checked.data as ProvidersSchemaJson;
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
