import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const VerifyConfig = z.object({
  /** extra `terraform providers schema -json` files; they win for the providers they cover */
  schemas: z.array(z.string().meta({ path: true })).default([]),
  /** check resources against provider schemas (bundled + `schemas`) */
  providerChecks: z.boolean().default(true),
});

export const verifyFlags: FlagSpec[] = [
  { name: 'schema', type: 'string[]', path: 'verify.schemas', help: 'a `terraform providers schema -json` file to validate against', arg: 'FILE' },
  { name: 'no-provider-checks', type: 'boolean', invert: true, path: 'verify.providerChecks', help: 'only syntax and core-language checks (sets verify.providerChecks=false)' },
];
