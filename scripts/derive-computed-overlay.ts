/**
 * Derives the computed-flag overlay the plan builder lays over the bundled AWS schemas: the bundled
 * 6.25.0 schema (from cdktf's jsii) marks hardly any optional argument computed, so an offline plan
 * would show `tags_all`, `acl`, `policy`, ... as null where terraform shows them unknown. The real
 * `terraform providers schema -json` of AWS 4.36.1 carries the flags; for every attribute that exists
 * in both (same type, same nesting path) and is computed in 4.36.1 but not in the bundled schema, the
 * overlay lists its path. Schema versions of the types in both are taken from 4.36.1 as well.
 *
 *   npx tsx scripts/derive-computed-overlay.ts --real aws-4.36.1.schema.json.gz [--bundled 6.25.0]
 *
 * Writes data/schemas/computed/aws-<bundled>.computed.json (the real file is read, never copied).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { BlockSchema, ProvidersSchemaJson, ProviderSchemaJson } from '../packages/verify/src/schemas/types';
import { COMPUTED_OVERLAY_FORMAT, type ComputedOverlay, type TypeOverlay } from '../packages/plan/src/overlay';

const AWS = 'registry.terraform.io/hashicorp/aws';

function readProvider(file: string): ProviderSchemaJson {
  const raw = readFileSync(file);
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  const doc = JSON.parse(text) as ProvidersSchemaJson;
  const p = doc.provider_schemas[AWS];
  if (!p) throw new Error(`${file} has no ${AWS} schema`);
  return p;
}

/** Paths (`attr`, `block.attr`) computed in `real`, present but not computed in `ours`; counts what stays unmatched. */
function computedPaths(real: BlockSchema, ours: BlockSchema, prefix: string, out: string[], missing: { n: number }): void {
  for (const [name, attr] of Object.entries(real.attributes ?? {})) {
    if (!attr.computed) continue;
    const mine = ours.attributes?.[name];
    if (!mine) {
      missing.n++;
      continue;
    }
    if (mine.computed) continue;
    // required in the bundled version: terraform rejects a schema that is both
    if (mine.required || JSON.stringify(mine.type) !== JSON.stringify(attr.type)) {
      missing.n++;
      continue;
    }
    out.push(prefix + name);
  }
  for (const [name, bt] of Object.entries(real.block_types ?? {})) {
    const mine = ours.block_types?.[name];
    if (mine) computedPaths(bt.block, mine.block, `${prefix}${name}.`, out, missing);
  }
}

function derive(real: Record<string, { version?: number; block: BlockSchema }>, ours: Record<string, { version?: number; block: BlockSchema }>, stats: { types: number; paths: number; unmatched: number }): Record<string, TypeOverlay> {
  const result: Record<string, TypeOverlay> = {};
  for (const type of Object.keys(real).sort()) {
    const mine = ours[type];
    if (!mine) continue;
    const paths: string[] = [];
    const missing = { n: 0 };
    computedPaths(real[type]!.block, mine.block, '', paths, missing);
    stats.unmatched += missing.n;
    const version = real[type]!.version ?? 0;
    if (paths.length === 0 && version === (mine.version ?? 0)) continue;
    stats.types++;
    stats.paths += paths.length;
    result[type] = { version, computed: paths.sort() };
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const realFile = flag('real');
  if (!realFile) throw new Error('usage: derive-computed-overlay.ts --real aws-4.36.1.schema.json.gz [--bundled 6.25.0]');
  const bundled = flag('bundled') ?? '6.25.0';
  const ours = readProvider(fileURLToPath(new URL(`../data/schemas/registry.terraform.io/hashicorp/aws/${bundled}.json.gz`, import.meta.url)));
  const real = readProvider(realFile);
  const rs = { types: 0, paths: 0, unmatched: 0 };
  const ds = { types: 0, paths: 0, unmatched: 0 };
  const overlay: ComputedOverlay = {
    format: COMPUTED_OVERLAY_FORMAT,
    address: AWS,
    bundled_version: bundled,
    derived_from: 'terraform providers schema -json of hashicorp/aws 4.36.1',
    resource_schemas: derive(real.resource_schemas ?? {}, ours.resource_schemas ?? {}, rs),
    data_source_schemas: derive(real.data_source_schemas ?? {}, ours.data_source_schemas ?? {}, ds),
  };
  const out = fileURLToPath(new URL(`../data/schemas/computed/aws-${bundled}.computed.json`, import.meta.url));
  writeFileSync(out, `${JSON.stringify(overlay, null, 1)}\n`);
  console.log(`resources: ${rs.paths} computed paths over ${rs.types} types (${rs.unmatched} computed 4.36.1 attributes absent or retyped in ${bundled})`);
  console.log(`data sources: ${ds.paths} computed paths over ${ds.types} types (${ds.unmatched} absent or retyped)`);
  console.log(`wrote ${out}`);
}
