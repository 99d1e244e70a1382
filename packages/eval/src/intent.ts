/**
 * The intent pass (IaC-Eval's pass@1): plan the configuration, evaluate the task's Rego policy on the
 * plan JSON, and count the prediction correct unless the policy says false; a configuration that does
 * not plan fails. The plan and policy engines live in `@tfpairs/plan` and `@tfpairs/policy`; this is
 * the narrow interface eval needs from them, so the metric works with any engine that fits it.
 */

export type IntentOutcome =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly reason: string }
  /** the check could not run for this prediction (counted apart, not as a failure) */
  | { readonly status: 'error'; readonly reason: string };

export interface IntentChecker {
  check(code: string, policy: string): Promise<IntentOutcome>;
}

/** What eval calls in the two packages: `buildPlan(code)` and `evaluateIntent(policyText, planJson)`. */
interface PlanModule {
  buildPlan?: (code: string) => Promise<{ json?: unknown; plan?: unknown; diagnostics?: readonly { severity: string; summary: string }[] } | null>;
}
interface PolicyModule {
  evaluateIntent?: (policy: string, plan: unknown) => unknown;
}

/** A policy result as IaC-Eval reads `opa eval ... data`: false when any leaf of the value is `false`. */
export function policyPassed(result: unknown): boolean {
  if (typeof result === 'boolean') return result;
  if (result && typeof result === 'object' && !Array.isArray(result)) {
    const o = result as Record<string, unknown>;
    for (const key of ['pass', 'passed', 'ok']) if (typeof o[key] === 'boolean') return o[key] as boolean;
    if ('value' in o) return policyPassed(o.value);
    return Object.values(o).every(policyPassed);
  }
  if (Array.isArray(result)) return result.every(policyPassed);
  return true;
}

/**
 * The default checker from `@tfpairs/plan` and `@tfpairs/policy`, or the reason there is none (the
 * intent metric is then skipped with that reason).
 */
export async function loadIntentChecker(): Promise<{ checker: IntentChecker } | { reason: string }> {
  let plan: PlanModule;
  let policy: PolicyModule;
  try {
    plan = (await import('@tfpairs/plan')) as PlanModule;
    policy = (await import('@tfpairs/policy')) as PolicyModule;
  } catch (e) {
    return { reason: `the plan/policy packages could not be loaded (${(e as Error).message})` };
  }
  const buildPlan = plan.buildPlan;
  const evaluateIntent = policy.evaluateIntent;
  if (typeof buildPlan !== 'function') return { reason: '@tfpairs/plan has no buildPlan() yet' };
  if (typeof evaluateIntent !== 'function') return { reason: '@tfpairs/policy has no evaluateIntent() yet' };
  return {
    checker: {
      async check(code, policyText) {
        let planned;
        try {
          planned = await buildPlan(code);
        } catch (e) {
          return { status: 'error', reason: `plan: ${(e as Error).message}` };
        }
        const json = planned?.json ?? planned?.plan ?? null;
        const errors = (planned?.diagnostics ?? []).filter((d) => d.severity === 'error');
        if (!json || errors.length) return { status: 'fail', reason: `does not plan${errors[0] ? `: ${errors[0].summary}` : ''}` };
        try {
          return policyPassed(await evaluateIntent(policyText, json)) ? { status: 'pass' } : { status: 'fail', reason: 'policy is false' };
        } catch (e) {
          return { status: 'error', reason: `policy: ${(e as Error).message}` };
        }
      },
    },
  };
}
