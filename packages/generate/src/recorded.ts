import { addFindings, countMetric, finding, mapKept, renderDiagnosticsForModel, updateArtifact, updateRecord, type Diagnostic, type Finding, type Mutation, type StageFactory } from '@tfpairs/core';

export const RECORDED_MUTATIONS_VERSION = '1.0.0';

const NO_CODE: Diagnostic = { severity: 'error', summary: 'No Terraform configuration in the changed configuration', detail: 'The recorded answer holds no code block and no HCL.' };

/**
 * TF-Mutn samples that came with the input (`mutations` in JSONL) were normalised, scrubbed and verified
 * by the artifact stages like every other artifact; here they are judged against their record's gold,
 * offline: a recorded changed configuration that does not verify stays in records.jsonl with a
 * `mutation-invalid` finding and is left out of tf-mutn, one equal to the gold gets `mutation-unchanged`.
 */
export const recordedMutationsStage: StageFactory = (ctx) =>
  mapKept('mutate-recorded', RECORDED_MUTATIONS_VERSION, async (record) => {
    const gold = record.gold;
    const pending = record.mutations.filter((m) => m.expected.origin === 'recorded');
    if (pending.length === 0 || !gold || gold.code === null || gold.verdict === 'invalid') return record;
    const findings: Finding[] = [];
    const mutations: Mutation[] = [];
    for (const m of record.mutations) {
      if (!pending.includes(m)) {
        mutations.push(m);
        continue;
      }
      const subject = `mutation:${m.id}` as const;
      // an answer without code cannot be verified: it is invalid, and says why
      // mutations carry an explicit truncated flag, recorded ones as generated ones do
      const judged = { truncated: m.expected.truncated === true };
      const expected = updateArtifact(m.expected, m.expected.code === null ? { diagnostics: [NO_CODE], verdict: 'invalid', verifiedBy: 'embedded', ...judged } : judged);
      if (expected.verdict !== 'valid') {
        countMetric(ctx, 'mutate.recorded_invalid');
        findings.push(
          finding(
            'mutate',
            'mutation-invalid',
            { severity: 'warning', summary: 'Recorded changed configuration does not verify', detail: `${m.utterance}\n\n${renderDiagnosticsForModel(expected.diagnostics, expected.code ?? '')}` },
            subject,
          ),
        );
      } else if (expected.code!.trim() === gold.code.trim()) {
        countMetric(ctx, 'mutate.recorded_unchanged');
        findings.push(finding('mutate', 'mutation-unchanged', { severity: 'warning', summary: 'Recorded changed configuration equals the initial one', detail: m.utterance }, subject));
      } else {
        countMetric(ctx, 'mutate.recorded_kept');
      }
      mutations.push({ ...m, initial: gold.code, expected });
    }
    return addFindings(updateRecord(record, { mutations }), findings);
  });
