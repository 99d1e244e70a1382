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

/** The offline plan of a configuration (`terraform show -json`), on the validation the caller has. */
export type Planner = (code: string, validation?: readonly Diagnostic[]) => Promise<{ readonly plan: unknown | null; readonly diagnostics: readonly Diagnostic[] }>;

/**
 * `@tfpairs/plan`'s offline `buildPlan` of one `main.tf` or a file set's files, remembering the last few plans: the intent and
 * security checks of one prediction read the same plan.
 */
export async function loadPlanner(): Promise<{ planner: Planner } | { reason: string }> {
  let plan: typeof import('@tfpairs/plan');
  try {
    plan = await import('@tfpairs/plan');
  } catch (e) {
    return { reason: `the plan package could not be loaded (${(e as Error).message})` };
  }
  const recent = new Map<string, ReturnType<Planner>>();
  const planner: Planner = (code, validation) => {
    const hit = recent.get(code);
    if (hit) return hit;
    // a prediction in the file-set form is planned as the files it holds
    const planned = plan.buildPlan({ files: filesOfCode(code).map((f) => ({ name: f.path, text: f.text })) }, validation ? { validation } : {});
    recent.set(code, planned);
    if (recent.size > 4) recent.delete(recent.keys().next().value!);
    return planned;
  };
  return { planner };
}

/**
 * The default checker: the planner (`loadPlanner`, terraform show -json of a fresh plan) and
 * `@tfpairs/policy`'s `evaluateIntent` (opa eval ... data, false leaves fail). Loaded on first use, so
 * `tfpairs eval -no-intent` does not pay for them; when they cannot be loaded the metric is skipped
 * with the reason.
 */
export async function loadIntentChecker(planned?: { planner: Planner } | { reason: string }): Promise<{ checker: IntentChecker } | { reason: string }> {
  let policy: typeof import('@tfpairs/policy');
  const loaded = planned ?? (await loadPlanner());
  if (!('planner' in loaded)) return loaded;
  try {
    policy = await import('@tfpairs/policy');
  } catch (e) {
    return { reason: `the policy package could not be loaded (${(e as Error).message})` };
  }
  const { planner } = loaded;
  return {
    checker: {
      async check(code, policyText, validation) {
        let planned;
        try {
          planned = await planner(code, validation);
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
