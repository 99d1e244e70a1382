/**
 * Load cost of provider schemas (median of runs, one process, no caches):
 *   npx tsx scripts/bench-schemas.ts [--runs 9]
 * - bundled, indexed: read the index + gunzip + parse the one schema a lookup needs (what
 *   `loadSchemaSet` does for the first `aws_instance`);
 * - bundled, whole: gunzip + JSON.parse of the whole bundled document (the cost the index avoids);
 * - user file: gunzip + parse + shape check of the 4.36.1 `providers schema -json` file.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { bundledCatalog, openBundled } from '../packages/verify/src/schemas/bundled';
import { parseProvidersSchema, readMaybeGzip } from '../packages/verify/src/schemas/schema-file';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const userFile = join(repoRoot, '../shared/data/provider-schemas/aws-4.36.1.schema.json.gz');

const ref = bundledCatalog().get('registry.terraform.io/hashicorp/aws')?.[0];
if (!ref) throw new Error('no bundled aws schema in data/schemas; run scripts/extract-provider-schema.ts');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const cases: [string, () => unknown][] = [
  ['bundled, indexed: first aws_instance lookup', () => openBundled(ref, false).resource('aws_instance')],
  ['bundled, indexed: 20 lookups + type list', () => {
    const s = openBundled(ref, false);
    for (const t of s.resourceTypes().slice(0, 20)) s.resource(t);
  }],
  ['bundled, whole document: gunzip + JSON.parse', () => JSON.parse(readMaybeGzip(ref.file).toString('utf8'))],
  ['user file 4.36.1: gunzip + JSON.parse', () => JSON.parse(readMaybeGzip(userFile).toString('utf8'))],
  ['user file 4.36.1: gunzip + parse + shape check', () => parseProvidersSchema(userFile, readMaybeGzip(userFile).toString('utf8'))],
];

// warm-up, then interleaved runs so that noise hits every case alike
for (const [, fn] of cases) fn();
const samples = cases.map(() => [] as number[]);
for (let i = 0; i < runs; i++) cases.forEach(([, fn], j) => samples[j]!.push(time(fn)));
const base = median(samples[0]!);
console.log(`${ref.address} ${ref.version}, ${runs} runs, median ms (ratio to the indexed lookup)`);
cases.forEach(([name], j) => {
  const m = median(samples[j]!);
  console.log(`${m.toFixed(1).padStart(8)} ms  ${(m / base).toFixed(1).padStart(6)}x  ${name}`);
});
