import { z } from 'zod';

/**
 * The shapes of every line `tfpairs build` writes, as zod schemas: the writer builds its lines as these
 * types and the readers (report, audit, compare, eval, merge) parse with the same schemas, so the
 * output format is described once.
 */

export const CORPORA = ['tf-gen', 'dpo', 'dpo-postedit', 'tf-mutn', 'kto'] as const;
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
export const KtoLineSchema = z.looseObject({
  id: z.string(),
  prompt: z.string(),
  completion: z.string(),
  label: z.boolean(),
  meta: z.record(z.string(), z.unknown()),
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
