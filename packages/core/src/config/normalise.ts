import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const NormaliseConfig = z.object({
  /** format every artifact exactly as `terraform fmt` would */
  format: z.boolean().default(true),
  /** strip `#`, `//` and block comments (the IaC-DPO recipe) */
  stripComments: z.boolean().default(true),
});

export const normaliseFlags: FlagSpec[] = [
  { name: 'no-fmt', type: 'boolean', invert: true, path: 'normalise.format', help: 'do not terraform-fmt artifacts (sets normalise.format=false)' },
  { name: 'keep-comments', type: 'boolean', invert: true, path: 'normalise.stripComments', help: 'keep comments (sets normalise.stripComments=false)' },
];
