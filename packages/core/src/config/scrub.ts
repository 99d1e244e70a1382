import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const ScrubConfig = z.object({
  /** replace credentials by placeholders in prompts, gold and candidates */
  enabled: z.boolean().default(true),
});

export const scrubFlags: FlagSpec[] = [
  { name: 'no-scrub', type: 'boolean', invert: true, path: 'scrub.enabled', help: 'do not scrub credentials (sets scrub.enabled=false)' },
];
