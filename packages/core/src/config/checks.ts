import { z } from 'zod';
import type { FlagSpec } from '../flags';

/** The bundled Checkov-style pack's name: `--policy security` / `--require security` address it, not a folder. */
export const SECURITY_PACK_NAME = 'security';

/**
 * Best-practice and security checks of every valid artifact: findings only, unless `require` names a check
 * whose failures drop the gold (and reject a DPO draft).
 */
export const ChecksConfig = z
  .object({
    /** TFLint's terraform ruleset (recommended preset) + the offline AWS rules */
    lint: z.boolean().default(true),
    /** the bundled Checkov-style security pack on each plan */
    security: z.boolean().default(true),
    /** the user's conftest-style policy folders (`deny`/`warn`/`violation` rules), run on each plan; `security` is the bundled pack */
    policies: z.array(z.string().meta({ path: true, names: [SECURITY_PACK_NAME] })).default([]),
    /** namespaces of the user's policies to run (default `main`) */
    namespaces: z.array(z.string()).default(['main']),
    /**
     * checks a gold must pass (else it is dropped) and a draft must pass (else it is a DPO rejected): `lint`
     * (no TFLint `error` issue), `security` (no failed check of the bundled pack), or a policy folder (no
     * `deny`/`violation` failure); see @tfpairs/core `requiredFailures`
     */
    require: z.array(z.string().meta({ path: true, names: ['lint', SECURITY_PACK_NAME] })).default([]),
  })
  .refine((c) => c.lint || !c.require.includes('lint'), { message: '--require lint needs the lint step (drop --no-lint)' })
  .refine((c) => c.security || !c.require.includes(SECURITY_PACK_NAME), { message: '--require security needs the security pack (drop --no-security)' });

export const checksFlags: FlagSpec[] = [
  { name: 'no-lint', type: 'boolean', invert: true, path: 'checks.lint', help: 'no TFLint-style findings (sets checks.lint=false)' },
  { name: 'no-security', type: 'boolean', invert: true, path: 'checks.security', help: 'no security-pack findings (sets checks.security=false)' },
  { name: 'policy', type: 'string[]', path: 'checks.policies', help: 'a conftest-style policy folder run on every plan, or `security` for the bundled pack', arg: 'DIR' },
  { name: 'namespace', type: 'string[]', path: 'checks.namespaces', help: 'policy namespace to run (default main)', arg: 'NS' },
  {
    name: 'require',
    type: 'string[]',
    path: 'checks.require',
    help: 'a check the gold must pass (dropped otherwise) and a draft must pass (else DPO rejected): lint (TFLint errors), security (any failed bundled check), or a policy DIR (any deny)',
    arg: 'lint|security|DIR',
  },
];
