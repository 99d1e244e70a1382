/**
 * Writes the provider-version drift table `data/aws-drift.json` from the AWS schemas: the two bundled
 * majors (5.100.0, 6.25.0) and the shared 4.36.1 file given on the command line.
 *
 *   npx tsx packages/negatives/scripts/derive-drift.ts <aws-4.36.1.schema.json.gz>
 */
import { writeFileSync } from 'node:fs';
import { DRIFT_FILE, awsDriftSources, deriveDriftTable } from '../src/drift';

const file4 = process.argv[2];
if (!file4) throw new Error('usage: derive-drift.ts <aws-4.36.1.schema.json.gz>');
const table = deriveDriftTable(awsDriftSources(file4));
writeFileSync(DRIFT_FILE, `${JSON.stringify(table)}\n`);
console.log(`${Object.keys(table.resources).length} resource types with drift (${table.versions.join(', ')}) -> ${DRIFT_FILE}`);
