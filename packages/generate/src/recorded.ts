import { addFindings, countMetric, finding, mapKept, updateArtifact, updateRecord, type Finding, type Mutation, type StageFactory } from '@tfpairs/core';
import { artifactFields, processAnswer } from './repair';
import { renderDiagnostics } from './toolchain';

export const RECORDED_MUTATIONS_VERSION = '1.0.0';

/**
 * TF-Mutn samples that came with the input (`mutations` in JSONL) are normalised, scrubbed and verified
 * like generated ones, offline: a recorded changed configuration that does not verify stays in
 * records.jsonl with a `mutation-invalid` finding and is left out of tf-mutn.
 */
export const recordedMutationsStage: StageFactory = (ctx) =>
  mapKept('mutate-recorded', RECORDED_MUTATIONS_VERSION, async (record) => {
    const gold = record.gold;
    const pending = record.mutations.filter((m) => m.expected.origin === 'recorded' && m.expected.verdict === 'unverified');
    if (pending.length === 0 || !gold || gold.code === null || gold.verdict === 'invalid') return record;
    const findings: Finding[] = [];
    const mutations: Mutation[] = [];
    for (const m of record.mutations) {
      if (!pending.includes(m)) {
        mutations.push(m);
        continue;
      }
      const subject = `mutation:${m.id}` as const;
      const processed = await processAnswer(ctx, m.expected.raw, subject);
      const expected = updateArtifact(m.expected, {
        raw: processed.answer,
        ...artifactFields(processed),
      });
      findings.push(...processed.findings);
      if (processed.verdict !== 'valid') {
        countMetric(ctx, 'mutate.recorded_invalid');
        findings.push(
          finding('mutate', 'mutation-invalid', { severity: 'warning', summary: 'Recorded changed configuration does not verify', detail: `${m.utterance}\n\n${renderDiagnostics(processed.diagnostics, processed.code ?? '')}` }, subject),
        );
      } else if (processed.code!.trim() === gold.code.trim()) {
        countMetric(ctx, 'mutate.recorded_unchanged');
        findings.push(finding('mutate', 'mutation-unchanged', { severity: 'warning', summary: 'Recorded changed configuration equals the initial one', detail: m.utterance }, subject));
      } else {
        countMetric(ctx, 'mutate.recorded_kept');
      }
      mutations.push({ ...m, initial: gold.code, expected });
    }
    return addFindings(updateRecord(record, { mutations }), findings);
  });
