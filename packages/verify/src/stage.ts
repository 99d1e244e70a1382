import {
  dropRecord,
  finding,
  mapKept,
  updateArtifact,
  updateRecord,
  type Artifact,
  type StageFactory,
} from '@tfpairs/core';
import { checkSyntax } from './syntax';

export const VERIFY_VERSION = '0.1.0-syntax';

async function verifyArtifact(artifact: Artifact): Promise<Artifact> {
  if (artifact.code === null) return artifact;
  const diagnostics = await checkSyntax(artifact.code);
  return updateArtifact(artifact, {
    diagnostics,
    verdict: diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'valid',
    verifiedBy: 'hcl-syntax',
  });
}

/** For now (issue 3): HCL syntax only, through HashiCorp's parser. Issue 5 adds core and schema checks. */
export const verifyStage: StageFactory = () =>
  mapKept('verify', VERIFY_VERSION, async (record) => {
    const gold = record.gold ? await verifyArtifact(record.gold) : null;
    const candidates = await Promise.all(record.candidates.map(verifyArtifact));
    return updateRecord(record, { gold, candidates });
  });

/** Drops records whose gold still fails verification (after repair, if any), with every diagnostic audited. */
export const goldGateStage: StageFactory = () =>
  mapKept('verify-gate', VERIFY_VERSION, (record) => {
    const gold = record.gold;
    if (!gold || gold.verdict !== 'invalid') return record;
    const errors = gold.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0]!;
    const code = gold.verifiedBy === 'hcl-syntax' ? 'hcl-syntax' : 'invalid-gold';
    const where = first.range ? ` (line ${first.range.start.line})` : '';
    return dropRecord(
      record,
      finding('verify', code, { ...first, summary: `Gold does not verify: ${first.summary}`, detail: `${first.detail}${where}` }, 'gold'),
      errors.slice(1).map((d) => finding('verify', code, d, 'gold')),
    );
  });
