/**
 * The intent pass (IaC-Eval's pass@1): plan the configuration, evaluate the task's Rego policy on the
 * plan JSON, and count the prediction correct unless the policy says false; a configuration that does
 * not plan fails. The plan and policy engines live in `@tfpairs/plan` and `@tfpairs/policy`; this is
 * the narrow interface eval needs from them, so the metric works with any engine that fits it.
 */
import type { Diagnostic } from '@tfpairs/core';
import { filesOfCode } from '@tfpairs/configs/fileset';

export type IntentOutcome =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly reason: string }
  /** the check could not run for this prediction (counted apart, not as a failure) */
  | { readonly status: 'error'; readonly reason: string };

export interface IntentChecker {
  /** `validation`: the embedded validate's diagnostics of `code` when the caller has them (not computed again) */
  check(code: string, policy: string, validation?: readonly Diagnostic[]): Promise<IntentOutcome>;
}

/**
 * The default checker: `@tfpairs/plan`'s offline `buildPlan` (terraform show -json of a fresh plan) and
 * `@tfpairs/policy`'s `evaluateIntent` (opa eval ... data, false leaves fail). Loaded on first use, so
 * `tfpairs eval -no-intent` does not pay for them; when they cannot be loaded the metric is skipped
 * with the reason.
 */
export async function loadIntentChecker(): Promise<{ checker: IntentChecker } | { reason: string }> {
  let plan: typeof import('@tfpairs/plan');
  let policy: typeof import('@tfpairs/policy');
  try {
    [plan, policy] = await Promise.all([import('@tfpairs/plan'), import('@tfpairs/policy')]);
  } catch (e) {
    return { reason: `the plan/policy packages could not be loaded (${(e as Error).message})` };
  }
  return {
    checker: {
      async check(code, policyText, validation) {
        let planned;
        try {
          // a prediction in the file-set form is planned as the files it holds
          const files = filesOfCode(code).map((f) => ({ name: f.path, text: f.text }));
          planned = await plan.buildPlan({ files }, validation ? { validation } : {});
        } catch (e) {
          return { status: 'error', reason: `plan: ${(e as Error).message}` };
        }
        if (!planned.plan) {
          const first = planned.diagnostics.find((d) => d.severity === 'error');
          return { status: 'fail', reason: `does not plan${first ? `: ${first.summary}` : ''}` };
        }
        const result = policy.evaluateIntent(policyText, planned.plan);
        if (result.outcome === 'pass') return { status: 'pass' };
        if (result.outcome === 'fail') return { status: 'fail', reason: `false: ${result.falseRules.join(', ')}` };
        return { status: 'error', reason: `policy: ${result.error?.message ?? 'evaluation error'}` };
      },
    },
  };
}
