/**
 * Derives the provider-version drift table (`data/aws-drift.json`) from the AWS schemas: the two
 * bundled majors (5.100.0, 6.25.0) and the shared 4.36.1 file given on the command line. For every
 * resource type of 6.25.0, the top-level arguments and nested block types that some major has and
 * another lacks: the names an LLM trained on an older (or newer) provider writes.
 *
 *   npx tsx packages/negatives/scripts/derive-drift.ts <aws-4.36.1.schema.json.gz>
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledCatalog, openBundled } from '@tfpairs/verify/schemas/bundled';
import { readSchemaFile } from '@tfpairs/verify/schemas/schema-file';
import type { BlockSchema, ProviderSchemaSource } from '@tfpairs/verify/schemas/types';
import type { DriftTable, DriftName } from '../src/drift';

const AWS = 'registry.terraform.io/hashicorp/aws';
const file4 = process.argv[2];
if (!file4) throw new Error('usage: derive-drift.ts <aws-4.36.1.schema.json.gz>');

const sources: { version: string; source: ProviderSchemaSource }[] = [];
const v4 = readSchemaFile(file4).find((s) => s.address === AWS);
if (!v4) throw new Error(`${file4} holds no ${AWS} schema`);
sources.push({ version: '4.36.1', source: v4 });
for (const ref of bundledCatalog().get(AWS) ?? []) sources.push({ version: ref.version, source: openBundled(ref, false) });
sources.sort((a, b) => Number(a.version.split('.')[0]) - Number(b.version.split('.')[0]));
const versions = sources.map((s) => s.version);

/** what a user may write: arguments that are required or optional (computed-only ones are outputs) */
function argumentsOf(b: BlockSchema): Map<string, unknown> {
  return new Map(Object.entries(b.attributes ?? {}).filter(([, a]) => a.required || a.optional).map(([n, a]) => [n, a.type ?? 'dynamic']));
}

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

const table: DriftTable = { provider: AWS, versions, resources };
const out = fileURLToPath(new URL('../data/aws-drift.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(table)}\n`);
console.log(`${Object.keys(resources).length} resource types with drift -> ${out}`);
