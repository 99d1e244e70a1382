/**
 * The corpora made of a record's synthetic negatives: DPO pairs (chosen = the verified gold, rejected =
 * the negative), post-edit pairs whose prompt carries terraform's diagnostics of the broken code, and
 * KTO's unpaired lines. The writer puts each line in the corpus folder of the record's split.
 */
import { sha256, type Artifact, type TaskRecord } from '@tfpairs/core';
import type { PairLine } from '@tfpairs/write/lines';
import { canonicalText } from '@tfpairs/write/meta';
import { renderPostEditPrompt } from '@tfpairs/write/render';

/** kto/{split}.jsonl: TRL KTOTrainer's unpaired prompt / completion / label */
export interface KtoLine {
  readonly id: string;
  readonly prompt: string;
  readonly completion: string;
  readonly label: boolean;
  readonly meta: Record<string, unknown>;
}

export interface SyntheticLines {
  readonly 'dpo-synthetic': PairLine[];
  readonly 'dpo-postedit': PairLine[];
  readonly kto: KtoLine[];
}

const errorsOf = (diagnostics: readonly { severity: string; summary: string; range?: { start: { line: number } } }[]) =>
  diagnostics.filter((d) => d.severity === 'error').map((d) => ({ summary: d.summary, line: d.range?.start.line ?? null }));

function verifiedGold(record: TaskRecord): string | undefined {
  const gold = record.gold;
  return record.status === 'kept' && gold?.verdict === 'valid' && gold.code !== null ? canonicalText(gold.code) : undefined;
}

/** DPO lines of the record's synthetic negatives (none unless the gold verified). */
export function syntheticPairs(record: TaskRecord): PairLine[] {
  const chosen = verifiedGold(record);
  if (chosen === undefined) return [];
  return (record.synthetic ?? []).map((n) => ({
    id: sha256(`${record.id}\u0000synthetic\u0000${n.code}`).slice(0, 16),
    prompt: canonicalText(record.prompt),
    chosen,
    rejected: canonicalText(n.code),
    meta: { operator: n.operator, diagnostics: errorsOf(n.diagnostics), source_id: record.id, negative_id: n.id, split: record.split },
  }));
}

/** Post-edit lines: task + broken code + terraform's diagnostics -> the verified gold. */
export function syntheticPostEditPairs(record: TaskRecord): PairLine[] {
  const chosen = verifiedGold(record);
  if (chosen === undefined) return [];
  return (record.synthetic ?? []).map((n) => ({
    id: sha256(`${record.id}\u0000synthetic-postedit\u0000${n.code}`).slice(0, 16),
    prompt: canonicalText(renderPostEditPrompt(record.prompt, n.code, n.diagnostics)),
    chosen,
    rejected: canonicalText(n.code),
    meta: { operator: n.operator, diagnostics: errorsOf(n.diagnostics), source_id: record.id, negative_id: n.id, split: record.split, synthetic: true },
  }));
}

const judged = (c: Artifact): boolean => c.code !== null && c.code.trim() !== '' && (c.verdict === 'valid' || c.verdict === 'invalid');

/** KTO lines: the verified gold and verified drafts are desirable; every negative and every invalid draft is not. */
export function ktoLines(record: TaskRecord): KtoLine[] {
  if (record.status !== 'kept') return [];
  const prompt = canonicalText(record.prompt);
  const out: KtoLine[] = [];
  const seen = new Set<string>();
  const add = (completion: string, label: boolean, meta: Record<string, unknown>): void => {
    const text = canonicalText(completion);
    if (seen.has(text)) return;
    seen.add(text);
    out.push({ id: sha256(`${record.id}\u0000kto\u0000${text}`).slice(0, 16), prompt, completion: text, label, meta: { source_id: record.id, split: record.split, ...meta } });
  };
  const gold = verifiedGold(record);
  if (gold !== undefined) add(gold, true, { origin: 'reference' });
  for (const c of record.candidates) if (judged(c)) add(c.code!, c.verdict === 'valid', { origin: c.origin, artifact_id: c.id, errors: errorsOf(c.diagnostics) });
  if (gold !== undefined) for (const n of record.synthetic ?? []) add(n.code, false, { origin: 'synthetic', operator: n.operator, errors: errorsOf(n.diagnostics) });
  return out;
}

/** Every line the record's negatives add, by corpus folder (the writer appends them to `{corpus}/{split}.jsonl`). */
export function syntheticLines(record: TaskRecord): SyntheticLines {
  return { 'dpo-synthetic': syntheticPairs(record), 'dpo-postedit': syntheticPostEditPairs(record), kto: ktoLines(record) };
}
