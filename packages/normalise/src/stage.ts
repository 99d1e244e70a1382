import {
  addFindings,
  countMetric,
  dropRecord,
  finding,
  mapKept,
  reviseArtifact,
  updateArtifact,
  updateRecord,
  type Artifact,
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

const FENCE_LINE = /^\s{0,3}(```|~~~)/m;

/**
 * Normalises one artifact from its current text. An artifact still holding its raw text is extracted
 * first when it is a model answer (every candidate, and a gold text that carries markdown fences); one
 * that an earlier stage already extracted (generate's repair loop) is only formatted and stripped.
 */
async function normaliseArtifact(ctx: RunContext, artifact: Artifact, isGold: boolean) {
  const text = artifact.code;
  if (text === null) return null;
  const untouched = text === artifact.raw;
  const isAnswer = untouched && (!isGold || FENCE_LINE.test(text));
  const result = await normaliseAnswer(text, { format: ctx.config.normalise.format, stripComments: ctx.config.normalise.stripComments, isAnswer });
  let next = artifact;
  for (const revision of result.revisions) next = reviseArtifact(next, revision.stage, revision.text);
  if (result.code === null) next = reviseArtifact(next, 'extract', null);
  if (result.truncated && !next.truncated) next = updateArtifact(next, { truncated: true });
  for (const f of result.findings) countMetric(ctx, `normalise.${f.code}`);
  return { artifact: next, result };
}

/**
 * The normalise stage of `tfpairs build`: every gold and candidate artifact is extracted, formatted
 * exactly as `terraform fmt` would and stripped of comments; `artifact.raw` keeps the original and
 * `revisions` show each step. A candidate without code keeps `code: null` with a `no-code` finding; a
 * candidate with syntax errors is kept unformatted (broken drafts are the rejected samples DPO needs).
 * A gold without code drops the record; a gold with syntax errors is left for verify to drop.
 */
export const normaliseStage: StageFactory = (ctx) =>
  mapKept('normalise', NORMALISE_VERSION, async (record: TaskRecord) => {
    const findings: Finding[] = [];
    let gold = record.gold;
    if (gold) {
      const done = await normaliseArtifact(ctx, gold, true);
      if (done) {
        gold = done.artifact;
        const noCode = done.result.findings.find((f) => f.code === 'no-code' || f.code === 'json-not-hcl');
        if (done.result.code === null) {
          countMetric(ctx, 'normalise.gold-dropped');
          const others = done.result.findings.filter((f) => f !== noCode).map((f) => normaliseFinding(f, 'gold'));
          const diagnostic = noCode?.diagnostic ?? { severity: 'error' as const, summary: 'The reference holds no code', detail: '' };
          return dropRecord(updateRecord(record, { gold }), normaliseFinding({ code: 'no-code', diagnostic: { ...diagnostic, severity: 'error' } }, 'gold'), others);
        }
        // gold with syntax errors stays as it is: the verify stage drops it with the HCL diagnostics
        findings.push(...done.result.findings.filter((f) => f.code !== 'hcl-syntax').map((f) => normaliseFinding(f, 'gold')));
      }
    }
    const candidates: Artifact[] = [];
    for (const candidate of record.candidates) {
      const done = await normaliseArtifact(ctx, candidate, false);
      candidates.push(done ? done.artifact : candidate);
      if (!done) continue;
      const subject: Subject = `candidate:${candidate.id}`;
      findings.push(...done.result.findings.map((f) => normaliseFinding({ code: f.code, diagnostic: { ...f.diagnostic, severity: 'warning' } }, subject)));
    }
    countMetric(ctx, 'normalise.artifacts', (record.gold ? 1 : 0) + record.candidates.length);
    return addFindings(updateRecord(record, { gold, candidates }), findings);
  });
