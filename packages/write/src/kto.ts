import { sha256, type Artifact, type TaskRecord } from '@tfpairs/core';
import { withFinalNewline } from '@tfpairs/normalise/ending';
import type { KtoMeta } from './lines';
import { groupOf } from './meta';
import { syntheticReason, writtenNegatives } from './synthetic';

/**
 * KTO's unpaired preference lines (TRL `KTOTrainer`: `prompt`, `completion`, `label` bool): every
 * verified answer to a kept record's prompt is desirable (`label: true`: the gold, and each draft or
 * repaired draft that verifies and passes its intent), every answer shown worse is undesirable
 * (`label: false`: a draft that fails verification or its intent policy, and every synthetic negative
 * of the gold). Unverified and empty answers are left out (nothing says which side they are on), and so
 * is an answer identical to one already written.
 */
export interface KtoLine {
  readonly id: string;
  readonly prompt: string;
  readonly completion: string;
  readonly label: boolean;
  readonly meta: KtoMeta;
}

function labelOf(a: Artifact, role: 'gold' | 'candidate'): { label: boolean; reason: KtoMeta['label_reason'] } | null {
  if (a.code === null || a.code.trim() === '') return null;
  if (a.verdict === 'invalid') return { label: false, reason: 'invalid' };
  if (a.verdict !== 'valid') return null;
  if (a.intent?.outcome === 'fail') return { label: false, reason: 'intent' };
  return { label: true, reason: role === 'gold' ? 'gold' : 'valid' };
}

export function ktoLines(record: TaskRecord): KtoLine[] {
  // a mutation record's prompt is a change request, not a task its gold answers
  if (record.status !== 'kept' || !record.id || !record.split || record.meta.task_kind === 'mutation') return [];
  const prompt = withFinalNewline(record.prompt);
  const group = groupOf(record)?.id ?? null;
  const seen = new Set<string>();
  const out: KtoLine[] = [];
  const add = (code: string, label: boolean, meta: Omit<KtoMeta, 'record_id' | 'split' | 'group'>): void => {
    const completion = withFinalNewline(code);
    if (seen.has(completion)) return;
    seen.add(completion);
    out.push({ id: sha256(`${record.id}\u0000kto\u0000${completion}`).slice(0, 16), prompt, completion, label, meta: { record_id: record.id!, split: record.split!, group, ...meta } });
  };
  const answers: [Artifact, 'gold' | 'candidate'][] = [...(record.gold ? [[record.gold, 'gold'] as [Artifact, 'gold']] : []), ...record.candidates.map((c) => [c, 'candidate'] as [Artifact, 'candidate'])];
  for (const [a, role] of answers) {
    const labelled = labelOf(a, role);
    if (labelled) add(a.code!, labelled.label, { origin: a.origin, verdict: a.verdict, model: a.generation?.model ?? null, label_reason: labelled.reason, operator: null });
  }
  for (const n of writtenNegatives(record)) {
    const reason = syntheticReason(n);
    add(n.code, false, { origin: 'synthetic', verdict: reason === 'invalid' ? 'invalid' : 'valid', model: null, label_reason: reason, operator: n.operator });
  }
  return out;
}
