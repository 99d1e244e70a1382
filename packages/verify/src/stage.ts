import { artifactStage, countMetric, diagnostic, updateArtifact, type ArtifactFn, type ArtifactRole, type RunContext, type StageFactory } from '@tfpairs/core';
import { filesOfCode } from '@tfpairs/configs/fileset';
import { loadSchemaSet } from './schemas';
import { validateModule } from './validate';

export const VERIFY_VERSION = '1.0.0';

declare module '@tfpairs/core' {
  interface RunServices {
    /** the user's schema files that could be read, decided once per run (bad ones are a run warning) */
    verifySchemaFiles?: readonly string[];
  }
}

/**
 * The user's schema files, read once for the run; a file that cannot be read becomes a run warning and
 * the run goes on with the bundled schemas.
 */
export function userSchemaFiles(ctx: RunContext): readonly string[] {
  if (ctx.services.verifySchemaFiles) return ctx.services.verifySchemaFiles;
  const usable: string[] = [];
  for (const file of ctx.config.verify.schemas) {
    try {
      loadSchemaSet({ userSchemaFiles: [file] });
      usable.push(file);
    } catch (e) {
      ctx.warnings.push(diagnostic('warning', 'Provider schema file not used', `${file}: ${(e as Error).message}. Validation uses the bundled schemas instead.`));
    }
  }
  ctx.services.verifySchemaFiles = usable;
  return usable;
}

const METRIC_ROLE: Record<ArtifactRole, string> = { gold: 'gold', candidate: 'candidate', mutation: 'mutation' };

/**
 * The embedded `terraform validate` on one artifact (artifact-level: the verify stage, the repair loop and
 * the mutate stage all call this): terraform's diagnostics, a verdict and `verifiedBy: 'embedded'`. Code
 * that is a file set (`@tfpairs/configs/fileset`) is validated as the configuration its files make.
 */
export const verifyArtifact: ArtifactFn = async (ctx, artifact, _subject, scope) => {
  if (artifact.code === null) return { artifact, findings: [] };
  // a file set is the root module plus its local modules (`source = "./modules/m"` reads them from the set);
  // diagnostics name each file by its path in the set
  const files = filesOfCode(artifact.code).map((f) => ({ filename: f.path, text: f.text }));
  const diagnostics = await validateModule(files, {
    schemaFiles: userSchemaFiles(ctx),
    providerChecks: ctx.config.verify.providerChecks,
  });
  const verdict = diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'valid';
  countMetric(ctx, `verify.${METRIC_ROLE[scope.role]}.${verdict}`);
  for (const d of diagnostics) if (d.severity === 'error') countMetric(ctx, `verify.error.${d.summary.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`);
  return { artifact: updateArtifact(artifact, { diagnostics, verdict, verifiedBy: 'embedded' }), findings: [] };
};

/**
 * The embedded `terraform validate` on every artifact not verified yet (gold, candidates, recorded
 * mutations; repaired drafts and model mutations arrive verified by the loops that made them). Nothing
 * is dropped here (see goldGateStage in @tfpairs/filter).
 */
export const verifyStage: StageFactory = (ctx) =>
  artifactStage('verify', VERIFY_VERSION, ctx, verifyArtifact, { pending: (ref) => ref.role !== 'mutation' || ref.artifact.verdict === 'unverified' });
