/**
 * The negatives stage: for each kept record whose gold verified, up to `negatives.count` verified
 * synthetic negatives (record.synthetic). Runs after verify (and after split, so the corpora follow the
 * record's split).
 *
 * Nothing a record gets depends on the records before it: the operator mix `real` is the fixed table of
 * terraform's errors on real drafts (REAL_DRAFT_ERRORS), not the drafts seen so far, and each record's
 * draw is balanced on its own. A build cut into shards (`--shard K/N`) therefore makes the same negatives
 * for every record as a one-process build, and the merge is byte-identical.
 */
import { countMetric, mapKept, passThrough, sha256, updateRecord, type RunContext, type Stage, type SyntheticNegative } from '@tfpairs/core';
import { NegativesConfig } from '@tfpairs/core/config/negatives';
import { loadSchemaSet, type SchemaSet } from '@tfpairs/verify';
import { userSchemaFiles } from '@tfpairs/verify/stage';
import { loadModule } from '@tfpairs/verify/module';
import { parseFile } from '@tfpairs/hcl/tree';
import { negativesFor, summaryKind } from './negatives';

export const NEGATIVES_VERSION = '0.2.0';

/** The stage's config section (read leniently: tests build configs without a `negatives` field). */
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
  // texts already given to a record. Identical gold lands in one split group and so in one shard, so
  // this stays shard-stable except for two different gold whose mutants coincide (not seen on IaC-Eval)
  const written = new Set<string>();
  let schemaFiles: readonly string[] | undefined;
  return mapKept('negatives', NEGATIVES_VERSION, async (record) => {
    // the real drafts' errors, counted beside the synthetic ones so the report can compare the two
    for (const c of record.candidates) {
      if (c.origin === 'repaired' || c.verdict !== 'invalid') continue;
      for (const d of c.diagnostics) if (d.severity === 'error') countMetric(ctx, `negatives.real.${summaryKind(d.summary)}`);
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
      schemas: await schemasFor(gold.code, schemaFiles),
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
      for (const d of n.diagnostics) if (d.severity === 'error') countMetric(ctx, `negatives.summary.${summaryKind(d.summary)}`);
      synthetic.push({ id, operator: n.operator, code: n.code, diagnostics: n.diagnostics });
    }
    return updateRecord(record, { synthetic });
  });
}
