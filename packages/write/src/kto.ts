import { sha256, type Artifact, type TaskRecord } from '@tfpairs/core';
import { withFinalNewline } from '@tfpairs/normalise/ending';

/**
 * KTO's unpaired preference lines (TRL `KTOTrainer`: `prompt`, `completion`, `label` bool): every
 * verified answer to a kept record's prompt is desirable (`label: true`: the gold, and each draft or
 * repaired draft that verifies and passes its intent), every draft shown worse is undesirable
 * (`label: false`: it fails verification, or its intent policy). Unverified and empty answers are left
 * out (nothing says which side they are on), and so is an answer identical to one already written.
 */
export interface KtoLine {
  readonly id: string;
  readonly prompt: string;
  readonly completion: string;
  readonly label: boolean;
  readonly meta: {
    readonly record_id: string;
    readonly split: string;
    readonly origin: string;
    readonly verdict: string;
    readonly model: string | null;
    /** why the label is what it is: `gold`, `valid`, `invalid` or `intent` */
    readonly label_reason: 'gold' | 'valid' | 'invalid' | 'intent';
  };
}

function labelOf(a: Artifact, role: 'gold' | 'candidate'): { label: boolean; reason: KtoLine['meta']['label_reason'] } | null {
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
  const seen = new Set<string>();
  const out: KtoLine[] = [];
  const answers: [Artifact, 'gold' | 'candidate'][] = [...(record.gold ? [[record.gold, 'gold'] as [Artifact, 'gold']] : []), ...record.candidates.map((c) => [c, 'candidate'] as [Artifact, 'candidate'])];
  for (const [a, role] of answers) {
    const labelled = labelOf(a, role);
    if (!labelled) continue;
    const completion = withFinalNewline(a.code!);
    if (seen.has(completion)) continue;
    seen.add(completion);
    out.push({
      id: sha256(`${record.id}\u0000kto\u0000${completion}`).slice(0, 16),
      prompt,
      completion,
      label: labelled.label,
      meta: { record_id: record.id, split: record.split, origin: a.origin, verdict: a.verdict, model: a.generation?.model ?? null, label_reason: labelled.reason },
    });
  }
  return out;
}
