import {
  countMetric,
  diagnostic,
  dropRecord,
  finding,
  mapKept,
  updateArtifact,
  updateRecord,
  type Artifact,
  type RunContext,
  type StageFactory,
} from '@tfpairs/core';
import { loadSchemaSet, type SchemaSet } from './schemas';
import { checkSyntax } from '@tfpairs/hcl/syntax';
import { validateModule } from './validate';

export const VERIFY_VERSION = '1.0.0';

/**
 * The user's schema files, read once for the run; a file that cannot be read becomes a run warning and
 * the run goes on with the bundled schemas.
 */
function userSchemaFiles(ctx: RunContext): readonly string[] {
  const files = ctx.config.verify.schemas;
  const usable: string[] = [];
  for (const file of files) {
    try {
      loadSchemaSet({ userSchemaFiles: [file] });
      usable.push(file);
    } catch (e) {
      ctx.warnings.push(diagnostic('warning', 'Provider schema file not used', `${file}: ${(e as Error).message}. Validation uses the bundled schemas instead.`));
    }
  }
  return usable;
}

async function verifyArtifact(artifact: Artifact, ctx: RunContext, role: 'gold' | 'candidate', schemaFiles: readonly string[], schemas?: SchemaSet): Promise<Artifact> {
  if (artifact.code === null) return artifact;
  const diagnostics = await validateModule([{ filename: 'main.tf', text: artifact.code }], {
    schemas,
    schemaFiles,
    providerChecks: ctx.config.verify.providerChecks,
  });
  const verdict = diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'valid';
  countMetric(ctx, `verify.${role}.${verdict}`);
  for (const d of diagnostics) if (d.severity === 'error') countMetric(ctx, `verify.error.${d.summary.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`);
  return updateArtifact(artifact, { diagnostics, verdict, verifiedBy: 'embedded' });
}

/**
 * The embedded `terraform validate` on the gold and every candidate: each gets terraform's diagnostics,
 * a verdict and `verifiedBy: 'embedded'`. Nothing is dropped here (see goldGateStage).
 */
export const verifyStage: StageFactory = (ctx) => {
  let files: readonly string[] | undefined;
  return mapKept('verify', VERIFY_VERSION, async (record) => {
    files ??= userSchemaFiles(ctx);
    const gold = record.gold ? await verifyArtifact(record.gold, ctx, 'gold', files) : null;
    const candidates: Artifact[] = [];
    for (const c of record.candidates) candidates.push(await verifyArtifact(c, ctx, 'candidate', files));
    return updateRecord(record, { gold, candidates });
  });
};

/**
 * Drops records whose gold still fails verification (after repair, if any): code `hcl-syntax` when
 * the gold is not valid HCL, `invalid-gold` otherwise; every diagnostic lands in the audit, the first
 * error is the drop cause. Candidates are never dropped.
 */
export const goldGateStage: StageFactory = (ctx) =>
  mapKept('verify-gate', VERIFY_VERSION, async (record) => {
    const gold = record.gold;
    if (!gold || gold.verdict !== 'invalid') return record;
    const errors = gold.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) return record;
    const syntax = gold.code !== null && (await checkSyntax(gold.code)).some((d) => d.severity === 'error');
    const code = syntax ? 'hcl-syntax' : 'invalid-gold';
    countMetric(ctx, `verify.gold.dropped.${code}`);
    const first = errors[0]!;
    const where = first.range ? ` (${first.range.filename} line ${first.range.start.line})` : '';
    const others = gold.diagnostics.filter((d) => d !== first);
    return dropRecord(
      record,
      finding('verify', code, { ...first, summary: `Gold does not verify: ${first.summary}`, detail: `${first.detail}${where}` }, 'gold'),
      others.map((d) => finding('verify', code, d, 'gold')),
    );
  });
