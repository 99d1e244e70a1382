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
import { countMetric, mapKept, passThrough, sha256, updateRecord, type RunContext, type Stage, type SyntheticNegative, type TaskRecord } from '@tfpairs/core';
import { NegativesConfig } from '@tfpairs/core/config/negatives';
import { loadSchemaSet, type SchemaSet } from '@tfpairs/verify';
import { userSchemaFiles } from '@tfpairs/verify/stage';
import { loadModule } from '@tfpairs/verify/module';
import { parseFile } from '@tfpairs/hcl/tree';
import { isFileSet } from '@tfpairs/configs/fileset';
import { intentOf, recordIntentCheck } from '@tfpairs/intent/stage';
import { planOf } from '@tfpairs/intent/plan-of';
import { negativesFor, summaryKind } from './negatives';
import { isSemantic, semanticNegativesFor, type SemanticOperator } from './semantic';

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
  // negative texts already given, per split group: a group (near-duplicate prompts, identical gold) is
  // never cut by --shard, so this is the same in a shard as in one process. Across groups the same text
  // with another prompt and another chosen is another example (dropping a resource of two golds can give
  // one text), and deciding which group keeps it would depend on which shard saw it first.
  const written = new Map<string, Set<string>>();
  let schemaFiles: readonly string[] | undefined;
  const semanticOperators = config.operators.filter(isSemantic) as SemanticOperator[];
  /** the intent-breaking negatives of a gold that meets its record's intent (none without an intent) */
  const semanticOf = async (record: TaskRecord, code: string, schemas: SchemaSet, seed: number) => {
    const policy = intentOf(record);
    if (!policy || !semanticOperators.length || record.gold?.intent?.outcome !== 'pass') return { negatives: [], attempted: {}, discarded: {} };
    const { plan } = await planOf(ctx, code);
    if (!plan) return { negatives: [], attempted: {}, discarded: {} };
    return semanticNegativesFor(code, { policy, plan, operators: semanticOperators, seed, schemas, check: (mutant) => recordIntentCheck(ctx, record, mutant) });
  };
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
    // the operators edit one file's bytes: a task with local modules (a file set) is left alone for now
    if (isFileSet(gold.code)) {
      countMetric(ctx, 'negatives.skipped-file-set');
      return record;
    }
    schemaFiles ??= userSchemaFiles(ctx);
    const schemas = await schemasFor(gold.code, schemaFiles);
    // each record draws on its own (its id is a content hash: the same in a shard as in one process), so
    // near-duplicate tasks sharing one gold get different negatives instead of repeats dedup would drop
    const recordSeed = (seed ^ parseInt(sha256(record.id ?? '').slice(0, 8), 16)) >>> 0;
    const result = await negativesFor(gold.code, { n: config.count, operators: config.operators, mix: config.mix, seed: recordSeed, schemas });
    const semantic = await semanticOf(record, gold.code, schemas, recordSeed);
    for (const r of [result, semantic]) {
      for (const [o, c] of Object.entries(r.attempted)) if (c) countMetric(ctx, `negatives.attempted.${o}`, c);
      for (const [o, c] of Object.entries(r.discarded)) if (c) countMetric(ctx, `negatives.discarded.${o}`, c);
    }
    const made: Omit<SyntheticNegative, 'id'>[] = [
      ...result.negatives.map((n) => ({ operator: n.operator, code: n.code, diagnostics: n.diagnostics })),
      ...semantic.negatives.map((n) => ({ operator: n.operator, code: n.code, diagnostics: n.diagnostics, intent: { outcome: 'fail' as const, falseRules: n.falseRules } })),
    ];
    const synthetic: SyntheticNegative[] = [];
    const groupKey = (record.provenance.group as { id?: string } | undefined)?.id ?? record.id ?? '';
    const inGroup = written.get(groupKey) ?? new Set<string>();
    written.set(groupKey, inGroup);
    for (const n of made) {
      const id = sha256(n.code).slice(0, 16);
      // the same negative text is never written twice within a split group
      if (inGroup.has(id)) {
        countMetric(ctx, `negatives.duplicate.${n.operator}`);
        continue;
      }
      inGroup.add(id);
      countMetric(ctx, `negatives.made.${n.operator}`);
      // the summary distribution compares validate's errors with the real drafts': semantic negatives have none
      if (!n.intent) for (const d of n.diagnostics) if (d.severity === 'error') countMetric(ctx, `negatives.summary.${summaryKind(d.summary)}`);
      synthetic.push({ id, ...n });
    }
    return updateRecord(record, { synthetic });
  });
}
