import {
  artifactSource,
  artifactStage,
  metricSegment,
  countMetric,
  diagnostic,
  dropRecord,
  finding,
  passThrough,
  updateArtifact,
  type ArtifactFn,
  type Finding,
  type RunContext,
  type StageFactory,
  type TaskRecord,
} from '@tfpairs/core';
import { evaluateIntent, inputReadsOf } from '@tfpairs/policy';
import type { IntentCheck, RepairedGoldCheck } from '@tfpairs/generate/repair';
import { planOf } from './plan-of';

export const INTENT_VERSION = '0.1.0';
const STAGE = 'policy';

/** The record's Rego intent: IaC-Eval CSV `Rego intent`, JSONL `rego_intent` (alias `policy`), a task folder's `intent.rego`. */
export function intentOf(record: TaskRecord): string | undefined {
  const text = record.meta.rego_intent ?? record.meta.policy;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

/** `path = value` lines of what a false rule read from the plan, for the audit (bounded). */
function readsOf(policy: string, plan: unknown, rule: string): string {
  const reads = inputReadsOf(policy, plan, rule).slice(0, 12);
  if (reads.length === 0) return `  ${rule}: read nothing from the plan`;
  return [`  ${rule} read:`, ...reads.map((r) => `    ${r.path} = ${'value' in r ? JSON.stringify(r.value)?.slice(0, 160) : '(absent)'}`)].join('\n');
}

interface PolicyVerdict {
  readonly outcome: 'pass' | 'fail' | 'error';
  readonly falseRules: readonly string[];
  /** why it failed or could not be decided (summary, detail), for a finding */
  readonly problem?: { readonly summary: string; readonly detail: string };
  /** per false rule, what it read from the plan */
  readonly reads: readonly string[];
}

/** The policy on the offline plan of `code` (IaC-Eval's decision), with the reads of each false rule. */
async function decide(ctx: RunContext, policy: string, code: string): Promise<PolicyVerdict> {
  const { plan, diagnostics } = await planOf(ctx, code);
  if (!plan) {
    const first = diagnostics.find((d) => d.severity === 'error');
    return { outcome: 'error', falseRules: [], reads: [], problem: { summary: 'Intent not checked: the configuration could not be planned', detail: first ? `${first.summary}: ${first.detail}` : 'no plan' } };
  }
  const result = evaluateIntent(policy, plan);
  if (result.outcome === 'error') {
    return { outcome: 'error', falseRules: [], reads: [], problem: { summary: 'The intent policy could not be evaluated', detail: `${result.error?.code ?? 'error'}: ${result.error?.message ?? ''}` } };
  }
  if (result.outcome === 'pass') return { outcome: 'pass', falseRules: [], reads: [] };
  const reads = result.falseRules.map((r) => readsOf(policy, plan, r));
  return {
    outcome: 'fail',
    falseRules: result.falseRules,
    reads,
    problem: { summary: `Intent not met: ${result.falseRules.join(', ')}`, detail: [`Rules that came out false on this configuration's plan:`, ...reads].join('\n') },
  };
}

/**
 * IaC-Eval's check on one artifact (artifact-level, like verify): the offline plan JSON of a valid
 * configuration, `data` evaluated with the record's policy, and `pass` unless some leaf of the result is
 * `false` (`error` when the policy cannot be evaluated or the configuration cannot be planned). The
 * verdict and the false rules go on the artifact; a fail or error is a warning finding.
 */
export const intentArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  const policy = scope.record && intentOf(scope.record);
  if (!policy || artifact.code === null || artifact.verdict !== 'valid') return { artifact, findings: [] };
  const { outcome, falseRules, problem } = await decide(ctx, policy, artifact.code);
  const findings: Finding[] = problem ? [finding(STAGE, outcome === 'fail' ? 'intent-failed' : 'intent-error', diagnostic('warning', problem.summary, problem.detail), subject)] : [];
  for (const rule of falseRules) countMetric(ctx, `policy.false-rule.${metricSegment(rule)}`);
  countMetric(ctx, `policy.${scope.role}.${outcome}`);
  countMetric(ctx, `policy.source.${metricSegment(artifactSource(artifact))}.${outcome}`);
  return { artifact: updateArtifact(artifact, { intent: { outcome, falseRules } }), findings };
};

/**
 * The record's intent on a configuration, as the repair loop asks it (`RunServices.intentCheck`): the
 * false rules become one error diagnostic each, with the plan values the rule read, so the model is
 * told what the plan lacks; an evaluation error is one error diagnostic.
 */
export const recordIntentCheck: IntentCheck = async (ctx, record, code) => {
  const policy = intentOf(record);
  if (!policy) return null;
  const verdict = await decide(ctx, policy, code);
  const diagnostics =
    verdict.outcome === 'fail'
      ? verdict.falseRules.map((rule, i) => diagnostic('error', `Intent not met: ${rule}`, `The rule is false on this configuration's plan.\n${verdict.reads[i]}`))
      : verdict.problem
        ? [diagnostic('error', verdict.problem.summary, verdict.problem.detail)]
        : [];
  return { outcome: verdict.outcome, falseRules: verdict.falseRules, diagnostics };
};

/**
 * `--repair-gold` with an intent: a repaired gold is accepted only when its plan meets the record's
 * intent (similarity to a broken original says little about that); `null` for a record without one.
 */
export const intentRepairedGoldCheck: RepairedGoldCheck = async (ctx, record, _original, repaired) => {
  const policy = intentOf(record);
  if (!policy || repaired.code === null) return null;
  const verdict = await decide(ctx, policy, repaired.code);
  if (verdict.outcome === 'pass') return { accepted: true, score: null, reason: "the repair meets the task's intent (the policy passes on its plan)" };
  return { accepted: false, score: null, reason: verdict.outcome === 'fail' ? `the repair fails the task's intent: ${verdict.problem!.detail}` : `the repair's intent could not be decided: ${verdict.problem!.summary} (${verdict.problem!.detail})` };
};

/** A gold that fails its own intent cannot teach what the prompt asks: dropped with the false rules (gate `drop`). */
function intentGate(record: TaskRecord, ctx: RunContext): TaskRecord {
  const gold = record.gold;
  if (ctx.config.intent.gate !== 'drop' || record.status !== 'kept' || gold?.intent?.outcome !== 'fail') return record;
  const cause = record.findings.find((f) => f.stage === STAGE && f.code === 'intent-failed' && f.subject === 'gold' && !f.dropped);
  countMetric(ctx, 'policy.gold.dropped');
  const rest = record.findings.filter((f) => f !== cause);
  const base = { ...record, findings: rest };
  return dropRecord(base, cause ? { ...cause, severity: 'error', summary: `Gold fails its intent: ${gold.intent.falseRules.join(', ')}` } : finding(STAGE, 'intent-failed', diagnostic('error', 'Gold fails its intent', gold.intent.falseRules.join(', ')), 'gold'));
}

/**
 * The intent stage of `tfpairs build`: every valid artifact of a record that has an intent (gold, drafts,
 * repaired drafts, mutations) gets IaC-Eval's verdict; the pipeline lists it again after the steps that
 * make artifacts, and each pass takes only artifacts without a verdict. Records without an intent pass.
 */
export const intentStage: StageFactory = (ctx) => {
  if (!ctx.config.intent.enabled) return passThrough;
  // the repair loop asks the same check of its answers (and of repaired gold, unless gold is not checked)
  ctx.services.intentCheck ??= recordIntentCheck;
  if (ctx.config.intent.gate !== 'off') ctx.services.repairedGoldCheck ??= intentRepairedGoldCheck;
  return artifactStage('policy', INTENT_VERSION, ctx, intentArtifact, {
    pending: (ref) => ref.artifact.intent === undefined && ref.artifact.verdict === 'valid' && !(ref.role === 'gold' && ctx.config.intent.gate === 'off'),
    after: intentGate,
  });
};
