import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const SplitConfig = z
  .object({
    /** shares of train/val/test; they must add up to 1 */
    train: z.number().min(0).max(1).default(0.8),
    val: z.number().min(0).max(1).default(0.1),
    test: z.number().min(0).max(1).default(0.1),
    /** mixed into the prompt hash: change it to draw a different (but again stable) split */
    salt: z.string().default(''),
    /** group records by this input metadata field too (e.g. a task family): a group never spans two splits */
    key: z.string().min(1).optional(),
    /**
     * estimated Jaccard similarity of the prompts' word sets at or above which two prompts are
     * near-duplicates and share a split (chosen on IaC-Eval's prompts: packages/split/README.md)
     */
    nearDuplicate: z.number().gt(0).max(1).default(0.6),
    /**
     * split groups (and shard plan) computed once for the whole input, as `tfpairs slurm` writes them
     * before submitting: a shard reads them instead of grouping the whole input again
     */
    groupsFile: z.string().meta({ path: true }).optional(),
  })
  .refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-9, { message: 'split shares train+val+test must add up to 1' });

export const splitFlags: FlagSpec[] = [
  { name: 'split-train', type: 'number', path: 'split.train', help: 'share of prompts in train', default: '0.8' },
  { name: 'split-val', type: 'number', path: 'split.val', help: 'share of prompts in val', default: '0.1' },
  { name: 'split-test', type: 'number', path: 'split.test', help: 'share of prompts in test', default: '0.1' },
  { name: 'split-salt', type: 'string', path: 'split.salt', help: 'salt mixed into the group hash', arg: 'TEXT' },
  { name: 'split-key', type: 'string', path: 'split.key', help: 'input metadata field that groups records into one split (e.g. a task family)', arg: 'FIELD' },
  { name: 'split-groups', type: 'string', path: 'split.groupsFile', help: 'read the split groups and shard plan from FILE (written by tfpairs slurm) instead of grouping the whole input', arg: 'FILE' },
  { name: 'near-duplicate', type: 'number', path: 'split.nearDuplicate', help: 'prompt similarity (MinHash Jaccard of their words) that puts two records in one group', default: '0.6' },
];
