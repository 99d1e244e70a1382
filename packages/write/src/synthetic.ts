/**
 * The corpora of a record's synthetic negatives (@tfpairs/negatives, `record.synthetic`): DPO pairs
 * whose chosen is the verified gold and whose rejected is the negative (`dpo-synthetic/`), and post-edit
 * pairs whose prompt carries terraform's diagnostics of the broken code (`dpo-postedit/`, beside the
 * repair loop's pairs, with the same meta keys). KTO's lines of negatives are in kto.ts.
 */
import { sha256, type Diagnostic, type SyntheticNegative, type TaskRecord } from '@tfpairs/core';
import type { PairLine, PostEditMeta, SyntheticPairMeta } from './lines';
import { canonicalText, groupOf } from './meta';
import { renderPostEditPrompt, type IntentFeedback } from './render';

/** A diagnostic as a corpus line holds it: the same four keys on every line (line null without a range). */
export const lineDiagnostic = (d: Diagnostic): SyntheticPairMeta['diagnostics'][number] => ({ severity: d.severity, summary: d.summary, detail: d.detail ?? '', line: d.range?.start.line ?? null });

/** The gold a negative was made of, as chosen; none when the record is not a task its gold answers. */
function chosenOf(record: TaskRecord): string | undefined {
  const gold = record.gold;
  if (record.status !== 'kept' || !record.id || !record.split || record.meta.task_kind === 'mutation') return undefined;
  return gold?.verdict === 'valid' && gold.code !== null ? canonicalText(gold.code) : undefined;
}

/** Negatives that differ from the gold after normalisation, each text once. */
function negativesOf(record: TaskRecord, chosen: string): SyntheticNegative[] {
  const seen = new Set<string>([chosen]);
  return (record.synthetic ?? []).filter((n) => {
    const text = canonicalText(n.code);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/** A semantic negative's diagnostics hold the intent check's, one error per false rule, after validate's. */
const isIntentDiagnostic = (d: Diagnostic): boolean => d.severity === 'error' && d.summary.startsWith('Intent not met');

/** What the intent check said about a semantic negative, as the post-edit prompt shows it. */
function intentFeedbackOf(n: SyntheticNegative): IntentFeedback[] {
  return n.diagnostics.filter(isIntentDiagnostic).map((d) => ({ summary: d.summary, detail: d.detail ?? '' }));
}

/** Validate's own diagnostics of a negative (a semantic negative's intent diagnostics go in their own section). */
const validateDiagnosticsOf = (n: SyntheticNegative): Diagnostic[] => n.diagnostics.filter((d) => !isIntentDiagnostic(d));

/** Why a negative is worse: validate's error, its intent, or (it validates) a deprecation warning. */
export function syntheticReason(n: SyntheticNegative): 'invalid' | 'intent' | 'deprecated' {
  if (n.intent) return 'intent';
  return n.diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'deprecated';
}

/** dpo-synthetic/{split}.jsonl: chosen = the verified gold, rejected = each verified negative. */
export function syntheticPairs(record: TaskRecord): PairLine[] {
  const chosen = chosenOf(record);
  if (chosen === undefined) return [];
  const group = groupOf(record);
  return negativesOf(record, chosen).map((n) => {
    const meta: SyntheticPairMeta = {
      record_id: record.id!,
      split: record.split!,
      group: group?.id ?? null,
      source_id: `${record.id}/${record.gold!.id}`,
      negative_id: `${record.id}/${n.id}`,
      operator: n.operator,
      rejected_because: syntheticReason(n),
      diagnostics: n.diagnostics.map(lineDiagnostic),
      false_rules: [...(n.intent?.falseRules ?? [])],
    };
    return { id: sha256(`${record.id}\u0000synthetic\u0000${n.code}`).slice(0, 16), prompt: canonicalText(record.prompt), chosen, rejected: canonicalText(n.code), meta };
  });
}

/** dpo-postedit/ lines of the negatives: task + broken code + terraform's diagnostics (+ the false rules) -> the gold. */
export function syntheticPostEditPairs(record: TaskRecord): PairLine[] {
  const chosen = chosenOf(record);
  if (chosen === undefined) return [];
  const group = groupOf(record);
  return negativesOf(record, chosen).map((n) => {
    const validate = validateDiagnosticsOf(n);
    const meta: PostEditMeta = {
      record_id: record.id!,
      split: record.split!,
      group: group?.id ?? null,
      origin: 'synthetic',
      operator: n.operator,
      draft_id: `${record.id}/${n.id}`,
      draft_model: null,
      repair_model: null,
      turns: 0,
      draft_errors: validate.filter((d) => d.severity === 'error').map((d) => d.summary),
      draft_false_rules: [...(n.intent?.falseRules ?? [])],
    };
    return {
      id: sha256(`${record.id}\u0000synthetic-postedit\u0000${n.code}`).slice(0, 16),
      prompt: canonicalText(renderPostEditPrompt(record.prompt, n.code, validate, intentFeedbackOf(n))),
      chosen,
      rejected: canonicalText(n.code),
      meta,
    };
  });
}

/** The negatives the writer turns into lines (for kto.ts: the same filter as the pair corpora). */
export function writtenNegatives(record: TaskRecord): SyntheticNegative[] {
  const chosen = chosenOf(record);
  return chosen === undefined ? [] : negativesOf(record, chosen);
}
