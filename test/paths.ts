import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const REPO = fileURLToPath(new URL('..', import.meta.url));
/** `shared/` sits beside the repository (locally and in CI). */
export const SHARED = join(REPO, '..', 'shared');
export const IAC_EVAL_CSV = join(SHARED, 'data', 'iac-eval', 'iac-eval-subset-140.csv');
export const DRAFTS_CSV = join(SHARED, 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');
export const AWS_4_SCHEMA = join(SHARED, 'data', 'provider-schemas', 'aws-4.36.1.schema.json.gz');
export const CLI_BIN = join(REPO, 'packages', 'cli', 'bin', 'tfpairs.js');

/** Shared data is required: a test that needs it fails loudly rather than skipping. */
export function requireShared(path: string): string {
  if (!existsSync(path)) throw new Error(`missing shared data ${path}: shared/ must sit beside the repository`);
  return path;
}
