/**
 * TerraFormer's linter pass rate and security compliance for predictions, with the same checks and the
 * same definitions as `build` (manifest `metrics.lint` / `metrics.security`): a prediction that validates
 * passes lint when TFLint's rules (recommended preset + offline AWS rules) find no issue at all, and is
 * compliant when no check of the bundled Checkov-style pack fails on its plan. Predictions that do not
 * validate are not linted (as in build), so both rates are over valid predictions.
 */
import type { Diagnostic } from '@tfpairs/core';
import type { Planner } from './intent';

export interface LintOutcome {
  readonly issues: number;
  /** the rules with an issue, each once */
  readonly rules: readonly string[];
}

export type SecurityOutcome =
  | { readonly status: 'checked'; readonly failed: readonly string[] }
  /** the configuration could not be planned: not counted (as build, which checks plans only) */
  | { readonly status: 'error'; readonly reason: string };

export interface LintChecker {
  check(code: string): Promise<LintOutcome>;
}

export interface SecurityChecker {
  check(code: string, validation?: readonly Diagnostic[]): Promise<SecurityOutcome>;
}

/** `@tfpairs/lint`'s `lintCode` (the build's) on code the embedded validate accepted (its syntax is not checked again). */
export async function loadLintChecker(): Promise<{ checker: LintChecker } | { reason: string }> {
  let lint: typeof import('@tfpairs/lint');
  try {
    lint = await import('@tfpairs/lint');
  } catch (e) {
    return { reason: `the lint package could not be loaded (${(e as Error).message})` };
  }
  // one options object for the run: the linter selects its rules once per object
  const options = { syntaxChecked: true };
  return {
    checker: {
      async check(code) {
        // a file set is linted module by module, as the build does
        const issues = await lint.lintCode(code, options);
        return { issues: issues.length, rules: [...new Set(issues.map((i) => i.rule))] };
      },
    },
  };
}

/** The bundled security pack (`@tfpairs/intent/security`) on the planner's plan, compiled once. */
export async function loadSecurityChecker(planned: { planner: Planner } | { reason: string }): Promise<{ checker: SecurityChecker } | { reason: string }> {
  if (!('planner' in planned)) return planned;
  let security: typeof import('@tfpairs/intent/security');
  try {
    security = await import('@tfpairs/intent/security');
  } catch (e) {
    return { reason: `the security pack could not be loaded (${(e as Error).message})` };
  }
  const pack = security.loadSecurityPack();
  const { planner } = planned;
  return {
    checker: {
      async check(code, validation) {
        let result;
        try {
          result = await planner(code, validation);
        } catch (e) {
          return { status: 'error', reason: `plan: ${(e as Error).message}` };
        }
        if (!result.plan) return { status: 'error', reason: 'does not plan' };
        const failed = new Set<string>();
        for (const { id, result: checked } of security.packResults(pack, result.plan)) if (checked.failures?.length) failed.add(id);
        return { status: 'checked', failed: [...failed] };
      },
    },
  };
}
