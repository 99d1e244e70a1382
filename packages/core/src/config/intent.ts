import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const IntentConfig = z.object({
  /** evaluate each record's Rego intent (IaC-Eval's check) on the plan of every valid artifact */
  enabled: z.boolean().default(true),
  /** a gold that fails its own intent: `drop` the record, `warn` (keep, with the finding), or `off` (no check of gold) */
  gate: z.enum(['drop', 'warn', 'off']).default('drop'),
});

export const intentFlags: FlagSpec[] = [
  { name: 'no-intent', type: 'boolean', invert: true, path: 'intent.enabled', help: 'do not evaluate Rego intents (sets intent.enabled=false)' },
  { name: 'intent-gate', type: 'string', path: 'intent.gate', help: 'gold failing its intent: drop | warn | off', default: 'drop', arg: 'MODE' },
];
