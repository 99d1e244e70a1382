/** Shared by this package's tests: the repository root, the shared data folder, a fixed schema set. */
import { join } from 'node:path';
import type { Diagnostic } from '@tfpairs/core';
import { AWS_4_SCHEMA, SHARED } from '../../../test/paths';
import { loadSchemaSet, type SchemaSet } from './schemas';
import { validateModule } from './validate';

/** `shared/data/` beside the repository, with a trailing slash (callers append file names) */
export const SHARED_DATA = `${join(SHARED, 'data')}/`;
export const AWS_4_36_1 = AWS_4_SCHEMA;

let aws: SchemaSet | undefined;
/** The real `terraform providers schema -json` of AWS 4.36.1 (stable texts for exact assertions). */
export function aws4361(): SchemaSet {
  aws ??= loadSchemaSet({ userSchemaFiles: [AWS_4_36_1] });
  return aws;
}

export async function validate(text: string, opts: { filename?: string; baseDir?: string; schemas?: SchemaSet | null } = {}): Promise<Diagnostic[]> {
  return validateModule([{ filename: opts.filename ?? 'main.tf', text }], {
    schemas: opts.schemas === null ? undefined : (opts.schemas ?? aws4361()),
    providerChecks: opts.schemas !== null,
    baseDir: opts.baseDir,
    snippets: false,
  });
}

/** `summary | detail | line:col-line:col` per diagnostic: compact and exact. */
export function brief(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => {
    const r = d.range ? ` @ ${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}` : '';
    return `${d.severity === 'warning' ? 'W ' : ''}${d.summary} | ${d.detail}${r}`;
  });
}
