/**
 * The negatives stage: for each kept record whose gold verified, up to `negatives.count` verified
 * synthetic negatives (record.synthetic). Runs after verify (and after split, so the corpora follow the
 * record's split). The operator mix `real` follows the error summaries of the drafts seen so far in the
 * run (streaming: the whole input is not known in advance), or issue 15's table before any.
 */
import { countMetric, mapKept, passThrough, sha256, updateRecord, type RunContext, type Stage, type SyntheticNegative } from '@tfpairs/core';
import { NegativesConfig } from '@tfpairs/core/config/negatives';
import { loadSchemaSet, type SchemaSet } from '@tfpairs/verify';
import { userSchemaFiles } from '@tfpairs/verify/stage';
import { loadModule } from '@tfpairs/verify/module';
import { parseFile } from '@tfpairs/hcl/tree';
import { negativesFor } from './negatives';

export const NEGATIVES_VERSION = '0.1.0';

/** The stage's config section (read leniently until PipelineConfig has a `negatives` field). */
export function negativesConfigOf(ctx: RunContext): NegativesConfig {
  return NegativesConfig.parse((ctx.config as { negatives?: unknown }).negatives ?? {});
}
type NegativesConfig = ReturnType<typeof NegativesConfig.parse>;

async function schemasFor(code: string, schemaFiles: readonly string[]): Promise<SchemaSet> {
  const file = await parseFile('main.tf', code);
  return loadSchemaSet({ userSchemaFiles: schemaFiles, requiredProviders: loadModule([file]).module.requiredProviders });
}

export function negativesStage(ctx: RunContext): Stage {
  const config = negativesConfigOf(ctx);
  if (config.count === 0) return passThrough;
  const seed = config.seed ?? ctx.config.generate.seed ?? 0;
  const realErrors: Record<string, number> = {};
  const tally: Record<string, number> = {};
  const written = new Set<string>();
  let schemaFiles: readonly string[] | undefined;
  return mapKept('negatives', NEGATIVES_VERSION, async (record) => {
    for (const c of record.candidates) {
      if (c.origin === 'repaired' || c.verdict !== 'invalid') continue;
      for (const d of c.diagnostics) if (d.severity === 'error') realErrors[d.summary] = (realErrors[d.summary] ?? 0) + 1;
    }
    const gold = record.gold;
    if (!gold || gold.verdict !== 'valid' || gold.code === null) {
      countMetric(ctx, 'negatives.skipped-unverified-gold');
      return record;
    }
    schemaFiles ??= userSchemaFiles(ctx);
    const result = await negativesFor(gold.code, {
      n: config.count,
      operators: config.operators,
      mix: config.mix,
      seed,
      realDistribution: Object.keys(realErrors).length ? { ...realErrors } : undefined,
      schemas: await schemasFor(gold.code, schemaFiles),
      tally,
    });
    for (const [o, c] of Object.entries(result.attempted)) if (c) countMetric(ctx, `negatives.attempted.${o}`, c);
    for (const [o, c] of Object.entries(result.discarded)) if (c) countMetric(ctx, `negatives.discarded.${o}`, c);
    const synthetic: SyntheticNegative[] = [];
    for (const n of result.negatives) {
      const id = sha256(n.code).slice(0, 16);
      // the same negative text is never written twice, whichever record it came from
      if (written.has(id)) {
        countMetric(ctx, 'negatives.duplicate');
        continue;
      }
      written.add(id);
      countMetric(ctx, `negatives.made.${n.operator}`);
      for (const d of n.diagnostics) if (d.severity === 'error') countMetric(ctx, `negatives.summary.${d.summary}`);
      synthetic.push({ id, operator: n.operator, code: n.code, diagnostics: n.diagnostics });
    }
    return updateRecord(record, { synthetic });
  });
}
