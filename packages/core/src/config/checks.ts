import { z } from 'zod';
import type { FlagSpec } from '../flags';

/** Best-practice and security checks of every valid artifact: findings only, never a drop. */
export const ChecksConfig = z.object({
  /** TFLint's terraform ruleset (recommended preset) + the offline AWS rules */
  lint: z.boolean().default(true),
  /** the bundled Checkov-style security pack on each plan */
  security: z.boolean().default(true),
  /** the user's conftest-style policy folders (`deny`/`warn`/`violation` rules), run on each plan */
  policies: z.array(z.string().meta({ path: true })).default([]),
  /** namespaces of the user's policies to run (default `main`) */
  namespaces: z.array(z.string()).default(['main']),
});

export const checksFlags: FlagSpec[] = [
  { name: 'no-lint', type: 'boolean', invert: true, path: 'checks.lint', help: 'no TFLint-style findings (sets checks.lint=false)' },
  { name: 'no-security', type: 'boolean', invert: true, path: 'checks.security', help: 'no security-pack findings (sets checks.security=false)' },
  { name: 'policy', type: 'string[]', path: 'checks.policies', help: 'a conftest-style policy folder run on every plan (repeatable)', arg: 'DIR' },
  { name: 'namespace', type: 'string[]', path: 'checks.namespaces', help: 'policy namespace to run (repeatable; default main)', arg: 'NS' },
];
