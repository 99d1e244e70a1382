import { z } from 'zod';

/**
 * The shapes of every line `tfpairs build` writes, as zod schemas: the writer builds its lines as these
 * types and the readers (report, audit, compare, eval, merge) parse with the same schemas, so the
 * output format is described once.
 */

export const CORPORA = ['tf-gen', 'dpo', 'dpo-postedit', 'dpo-synthetic', 'tf-mutn', 'kto'] as const;
export type Corpus = (typeof CORPORA)[number];

export const SourceSchema = z.object({ path: z.string(), line: z.number() });
const SplitName = z.enum(['train', 'val', 'test']);

/** tf-gen/{split}.jsonl: TRL SFT prompt-completion */
export const TfGenLineSchema = z.looseObject({
  id: z.string(),
  prompt: z.string(),
  completion: z.string(),
  source: SourceSchema,
  meta: z.record(z.string(), z.unknown()),
});
export type TfGenLine = z.infer<typeof TfGenLineSchema>;

/** dpo/ and dpo-postedit/{split}.jsonl: TRL DPOTrainer's prompt/chosen/rejected */
export const PairLineSchema = z.looseObject({
  id: z.string(),
  prompt: z.string(),
  chosen: z.string(),
  rejected: z.string(),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type PairLine = z.infer<typeof PairLineSchema>;

/** A diagnostic in a corpus line: terraform's severity, summary and detail, and the line it points at. */
const LineDiagnosticSchema = z.object({ severity: z.enum(['error', 'warning']), summary: z.string(), detail: z.string(), line: z.number().nullable() });

/**
 * dpo-synthetic/{split}.jsonl's meta (one key set on every line): the record and its split group, the
 * gold it was made of (`source_id`), the operator, and what verification said about the negative.
 */
export const SyntheticPairMetaSchema = z.object({
  record_id: z.string(),
  split: SplitName,
  group: z.string().nullable(),
  /** `<record id>/<gold artifact id>`: the verified configuration the negative was made of (chosen) */
  source_id: z.string(),
  negative_id: z.string(),
  operator: z.string(),
  /** `invalid`: validate fails with the one intended error; `intent`: it validates and the intent fails */
  /** invalid: validate's error; intent: validates, fails the intent; deprecated: validates with a deprecation warning */
  rejected_because: z.enum(['invalid', 'intent', 'deprecated']),
  diagnostics: z.array(LineDiagnosticSchema),
  false_rules: z.array(z.string()),
});
export type SyntheticPairMeta = z.infer<typeof SyntheticPairMetaSchema>;
export const SyntheticPairLineSchema = PairLineSchema.extend({ meta: SyntheticPairMetaSchema });

/** dpo-postedit/{split}.jsonl's meta: repaired drafts (`origin: repair`) and synthetic negatives share one key set. */
export const PostEditMetaSchema = z.object({
  record_id: z.string(),
  split: SplitName,
  group: z.string().nullable(),
  origin: z.enum(['repair', 'synthetic']),
  /** the negatives operator (synthetic), null for a repaired draft */
  operator: z.string().nullable(),
  draft_id: z.string(),
  draft_model: z.string().nullable(),
  repair_model: z.string().nullable(),
  turns: z.number(),
  draft_errors: z.array(z.string()),
  /** the intent's false rules on the draft (it validated but did not do what the task asks) */
  draft_false_rules: z.array(z.string()),
});
export type PostEditMeta = z.infer<typeof PostEditMetaSchema>;
export const PostEditLineSchema = PairLineSchema.extend({ meta: PostEditMetaSchema });

/** tf-mutn/{split}.jsonl: TF-Mutn's initial configuration + change request -> changed configuration */
export const MutnLineSchema = z.looseObject({
  id: z.string(),
  prompt: z.string(),
  completion: z.string(),
  initial: z.string(),
  utterance: z.string(),
  expected: z.string(),
  source: SourceSchema,
  meta: z.record(z.string(), z.unknown()),
});
export type MutnLine = z.infer<typeof MutnLineSchema>;

/** kto/{split}.jsonl: TRL KTOTrainer's unpaired preference (see kto.ts for the labels) */
export const KtoMetaSchema = z.object({
  record_id: z.string(),
  split: SplitName,
  group: z.string().nullable(),
  /** the artifact's origin (`reference`, `recorded`, `generated`, `repaired`) or `synthetic` for a negative */
  origin: z.string(),
  verdict: z.string(),
  model: z.string().nullable(),
  /** why the label is what it is */
  label_reason: z.enum(['gold', 'valid', 'invalid', 'intent', 'deprecated']),
  /** the negatives operator of a synthetic line, else null */
  operator: z.string().nullable(),
});
export type KtoMeta = z.infer<typeof KtoMetaSchema>;
export const KtoLineSchema = z.looseObject({
  id: z.string(),
  prompt: z.string(),
  completion: z.string(),
  label: z.boolean(),
  meta: KtoMetaSchema,
});

/** audit.jsonl: one finding */
export const AuditLineSchema = z.object({
  id: z.string().nullable(),
  stage: z.string(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  dropped: z.boolean(),
  summary: z.string(),
  detail: z.string().default(''),
  subject: z.string().default('record'),
  range: z.any().optional(),
  source: SourceSchema,
  split: SplitName.nullable().default(null),
});
export type AuditLine = z.infer<typeof AuditLineSchema>;

const SplitCounts = z.object({ train: z.number(), val: z.number(), test: z.number() });

export const StepStatsSchema = z.looseObject({
  name: z.string(),
  version: z.string().nullable(),
  in: z.number(),
  out: z.number(),
  dropped: z.number(),
  findings: z.record(z.string(), z.number()),
  ms: z.number(),
});

/** manifest.json */
export const ManifestSchema = z.looseObject({
  tool: z.string(),
  version: z.string(),
  createdAt: z.string().optional(),
  config: z.unknown().optional(),
  stages: z.record(z.string(), z.string()).default({}),
  counts: z.looseObject({
    input: z.number(),
    kept: z.number(),
    dropped: z.number(),
    splits: SplitCounts,
    byStage: z.record(z.string(), z.object({ dropped: z.number(), warnings: z.number(), errors: z.number() })).default({}),
    dropCodes: z.record(z.string(), z.number()).default({}),
    findingCodes: z.record(z.string(), z.number()).default({}),
    corpora: z.record(z.string(), SplitCounts).default({}),
  }),
  metrics: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  warnings: z.array(z.looseObject({ severity: z.string().optional(), summary: z.string(), detail: z.string().optional() })).default([]),
  steps: z.array(StepStatsSchema).optional(),
});
export type ManifestFile = z.infer<typeof ManifestSchema>;
