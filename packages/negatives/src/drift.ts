/**
 * Provider-version drift of the AWS provider: per resource type, the arguments and block types that
 * one major (4.36.1, 5.100.0, 6.25.0) has and another lacks. Derived by scripts/derive-drift.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledCatalog, openBundled } from '@tfpairs/verify/schemas/bundled';
import { readSchemaFile } from '@tfpairs/verify/schemas/schema-file';
import type { BlockSchema, ProviderSchemaSource } from '@tfpairs/verify/schemas/types';

export const AWS = 'registry.terraform.io/hashicorp/aws';

export interface DriftName {
  /** the provider versions whose schema has this name */
  in: string[];
  /** cty type (arguments only), from the first version that has it */
  type?: unknown;
}

export interface DriftTable {
  provider: string;
  versions: string[];
  resources: Record<string, { arguments: Record<string, DriftName>; blocks: Record<string, DriftName> }>;
}

export const DRIFT_FILE = fileURLToPath(new URL('../data/aws-drift.json', import.meta.url));

let cached: DriftTable | undefined;

export function driftTable(): DriftTable {
  cached ??= JSON.parse(readFileSync(DRIFT_FILE, 'utf8')) as DriftTable;
  return cached;
}

/** The AWS schemas the table is derived from: a 4.x `terraform providers schema -json` file and the bundled majors. */
export function awsDriftSources(aws4File: string): { version: string; source: ProviderSchemaSource }[] {
  const v4 = readSchemaFile(aws4File).find((s) => s.address === AWS);
  if (!v4) throw new Error(`${aws4File} holds no ${AWS} schema`);
  const bundled = (bundledCatalog().get(AWS) ?? []).map((ref) => ({ version: ref.version, source: openBundled(ref, false) }));
  return [{ version: /\d+\.\d+\.\d+/.exec(v4.label)?.[0] ?? '4.36.1', source: v4 }, ...bundled];
}

/** what a user may write: arguments that are required or optional (computed-only ones are outputs) */
function argumentsOf(b: BlockSchema): Map<string, unknown> {
  return new Map(Object.entries(b.attributes ?? {}).filter(([, a]) => a.required || a.optional).map(([n, a]) => [n, a.type ?? 'dynamic']));
}

/** The drift table of one provider's schemas (any order; majors sorted oldest first). */
export function deriveDriftTable(given: readonly { version: string; source: ProviderSchemaSource }[]): DriftTable {
  const sources = [...given].sort((a, b) => Number(a.version.split('.')[0]) - Number(b.version.split('.')[0]));
  const versions = sources.map((s) => s.version);
  const resources: DriftTable['resources'] = {};
  const newest = sources[sources.length - 1]!;
  for (const type of newest.source.resourceTypes()) {
    const schemas = sources.map((s) => s.source.resource(type));
    const args = new Map<string, DriftName>();
    const blocks = new Map<string, DriftName>();
    schemas.forEach((schema, i) => {
      if (!schema) return;
      for (const [name, t] of argumentsOf(schema)) {
        const entry = args.get(name) ?? { in: [], type: t };
        entry.in.push(versions[i]!);
        args.set(name, entry);
      }
      for (const name of Object.keys(schema.block_types ?? {})) {
        const entry = blocks.get(name) ?? { in: [] };
        entry.in.push(versions[i]!);
        blocks.set(name, entry);
      }
    });
    const present = schemas.filter(Boolean).length;
    if (present < 2) continue;
    const drifting = (m: Map<string, DriftName>) => Object.fromEntries([...m].filter(([, e]) => e.in.length < present).sort(([a], [b]) => (a < b ? -1 : 1)));
    const a = drifting(args);
    const b = drifting(blocks);
    if (Object.keys(a).length || Object.keys(b).length) resources[type] = { arguments: a, blocks: b };
  }
  return { provider: sources[0]?.source.address ?? AWS, versions, resources };
}
