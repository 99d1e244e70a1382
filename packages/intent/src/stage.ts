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
import { planOf } from './plan-of';

export const INTENT_VERSION = '0.1.0';
const STAGE = 'policy';

/** The record's Rego intent: IaC-Eval CSV `Rego intent`, JSONL `rego_intent` (alias `policy`). */
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

/**
 * IaC-Eval's check on one artifact (artifact-level, like verify): the offline plan JSON of a valid
 * configuration, `data` evaluated with the record's policy, and `pass` unless some leaf of the result is
 * `false` (`error` when the policy cannot be evaluated or the configuration cannot be planned). The
 * verdict and the false rules go on the artifact; a fail or error is a warning finding.
 */
export const intentArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  const policy = scope.record && intentOf(scope.record);
  if (!policy || artifact.code === null || artifact.verdict !== 'valid') return { artifact, findings: [] };
  const { plan, diagnostics } = await planOf(ctx, artifact.code);
  const findings: Finding[] = [];
  let outcome: 'pass' | 'fail' | 'error';
  let falseRules: readonly string[] = [];
  if (!plan) {
    outcome = 'error';
    const first = diagnostics.find((d) => d.severity === 'error');
    findings.push(finding(STAGE, 'intent-error', diagnostic('warning', 'Intent not checked: the configuration could not be planned', first ? `${first.summary}: ${first.detail}` : 'no plan'), subject));
  } else {
    const result = evaluateIntent(policy, plan);
    outcome = result.outcome;
    falseRules = result.falseRules;
    if (result.outcome === 'error') {
      findings.push(finding(STAGE, 'intent-error', diagnostic('warning', 'The intent policy could not be evaluated', `${result.error?.code ?? 'error'}: ${result.error?.message ?? ''}`), subject));
    } else if (result.outcome === 'fail') {
      const detail = [`Rules that came out false on this configuration's plan:`, ...result.falseRules.map((r) => readsOf(policy, plan, r))].join('\n');
      findings.push(finding(STAGE, 'intent-failed', diagnostic('warning', `Intent not met: ${result.falseRules.join(', ')}`, detail), subject));
      for (const rule of result.falseRules) countMetric(ctx, `policy.false-rule.${metricSegment(rule)}`);
    }
  }
  countMetric(ctx, `policy.${scope.role}.${outcome}`);
  countMetric(ctx, `policy.source.${metricSegment(artifactSource(artifact))}.${outcome}`);
  return { artifact: updateArtifact(artifact, { intent: { outcome, falseRules } }), findings };
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
  return artifactStage('policy', INTENT_VERSION, ctx, intentArtifact, {
    pending: (ref) => ref.artifact.intent === undefined && ref.artifact.verdict === 'valid' && !(ref.role === 'gold' && ctx.config.intent.gate === 'off'),
    after: intentGate,
  });
};
