/**
 * Provider-version drift of the AWS provider: per resource type, the arguments and block types that
 * one major (4.36.1, 5.100.0, 6.25.0) has and another lacks. Derived by scripts/derive-drift.ts.
 */
import { readFileSync } from 'node:fs';

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

let cached: DriftTable | undefined;

export function driftTable(): DriftTable {
  cached ??= JSON.parse(readFileSync(new URL('../data/aws-drift.json', import.meta.url), 'utf8')) as DriftTable;
  return cached;
}
