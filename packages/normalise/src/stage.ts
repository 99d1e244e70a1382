import {
  artifactStage,
  countMetric,
  dropRecord,
  finding,
  hasFenceLine,
  reviseArtifact,
  updateArtifact,
  updateRecord,
  type ArtifactFn,
  type Finding,
  type RunContext,
  type StageFactory,
  type Subject,
  type TaskRecord,
} from '@tfpairs/core';
import type { NormaliseFinding } from './extract';
import { normaliseAnswer } from './normalise';

export const NORMALISE_VERSION = '1.0.0';

/** A `{code, diagnostic}` of normaliseAnswer as a record finding of the normalise stage. */
export function normaliseFinding(f: NormaliseFinding, subject: Subject, dropped = false): Finding {
  return finding('normalise', f.code, f.diagnostic, subject, dropped);
}

/**
 * Normalises one artifact from its current text (artifact-level: the normalise stage, the repair loop and
 * the mutate stage all call this). An artifact still holding its raw text is extracted first when it is
 * a model answer (every candidate and mutation, and a gold text that carries markdown fences); one that
 * an earlier step already extracted is only formatted and stripped. Findings are warnings about the
 * artifact; what a gold without code means for the record is the stage's decision.
 */
export const normaliseArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  const text = artifact.code;
  if (text === null) return { artifact, findings: [] };
  const untouched = text === artifact.raw;
  const isAnswer = untouched && (scope.role !== 'gold' || hasFenceLine(text));
  const result = await normaliseAnswer(text, { format: ctx.config.normalise.format, stripComments: ctx.config.normalise.stripComments, isAnswer });
  let next = artifact;
  for (const revision of result.revisions) next = reviseArtifact(next, revision.stage, revision.text);
  if (result.code === null) next = reviseArtifact(next, 'extract', null);
  if (result.truncated && !next.truncated) next = updateArtifact(next, { truncated: true });
  for (const f of result.findings) countMetric(ctx, `normalise.${f.code}`);
  countMetric(ctx, 'normalise.artifacts');
  // a draft's problems are warnings (broken drafts are wanted); a gold's keep their severity
  const findings = result.findings.map((f) => normaliseFinding(scope.role === 'gold' ? f : { code: f.code, diagnostic: { ...f.diagnostic, severity: 'warning' } }, subject));
  return { artifact: next, findings };
};

/** A gold without code cannot be a reference: the record is dropped, the no-code finding is the cause. */
function dropGoldWithoutCode(record: TaskRecord, ctx: RunContext): TaskRecord {
  const gold = record.gold;
  if (!gold || gold.code !== null) return record;
  const goldFindings = record.findings.filter((f) => f.stage === 'normalise' && f.subject === 'gold' && !f.dropped);
  const noCode = goldFindings.find((f) => f.code === 'no-code' || f.code === 'json-not-hcl');
  countMetric(ctx, 'normalise.gold-dropped');
  const rest = record.findings.filter((f) => !goldFindings.includes(f));
  const cause = noCode ? { ...noCode, code: 'no-code', severity: 'error' as const } : normaliseFinding({ code: 'no-code', diagnostic: { severity: 'error', summary: 'The reference holds no code', detail: '' } }, 'gold');
  const others = goldFindings.filter((f) => f !== noCode);
  return dropRecord(updateRecord(record, { findings: rest }), cause, others);
}

/** Gold with syntax errors stays as it is: the verify stage drops it with the HCL diagnostics. */
const withoutGoldSyntaxFindings = (record: TaskRecord): TaskRecord =>
  updateRecord(record, { findings: record.findings.filter((f) => !(f.stage === 'normalise' && f.subject === 'gold' && f.code === 'hcl-syntax')) });

/**
 * The normalise stage of `tfpairs build`: every artifact (gold, candidates, mutations) is extracted,
 * formatted exactly as `terraform fmt` would and stripped of comments; `artifact.raw` keeps the original
 * and `revisions` show each step. A candidate without code keeps `code: null` with a `no-code` finding; a
 * candidate with syntax errors is kept unformatted (broken drafts are the rejected samples DPO needs).
 * A gold without code drops the record; a gold with syntax errors is left for verify to drop.
 */
export const normaliseStage: StageFactory = (ctx) =>
  artifactStage('normalise', NORMALISE_VERSION, ctx, normaliseArtifact, {
    // the drafts of a record whose gold holds no code are not worth normalising: it is dropped
    stop: (ref, result) => ref.role === 'gold' && result.artifact.code === null && ref.artifact.code !== null,
    after: (record) => (record.gold && record.gold.code === null ? dropGoldWithoutCode(record, ctx) : withoutGoldSyntaxFindings(record)),
  });
