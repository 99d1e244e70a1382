import { checkKindOf, requirementKind, type Artifact, type Finding, type RejectedReason, type Subject, type TaskRecord } from '@tfpairs/core';
import { withFinalNewline } from '@tfpairs/normalise/ending';

/**
 * One schema per corpus file: every line of a corpus carries the same meta keys with the same JSON
 * types (absent -> null), whatever the input format, so `datasets` infers one Arrow schema. Input
 * metadata the project knows (IaC-Eval's columns, a task folder's name) has its own key; anything
 * else a JSONL line brought is kept as one JSON string under `input_meta`.
 */
export const DECLARED_INPUT_META = ['task', 'resource', 'difficulty', 'intent', 'rego_intent'] as const;

export function inputMeta(record: TaskRecord): Record<(typeof DECLARED_INPUT_META)[number] | 'input_meta', string | null> {
  const declared = Object.fromEntries(DECLARED_INPUT_META.map((k) => [k, record.meta[k] ?? null])) as Record<(typeof DECLARED_INPUT_META)[number], string | null>;
  const rest = Object.keys(record.meta)
    .filter((k) => !(DECLARED_INPUT_META as readonly string[]).includes(k))
    .sort();
  const input_meta = rest.length ? JSON.stringify(Object.fromEntries(rest.map((k) => [k, record.meta[k]]))) : null;
  return { ...declared, input_meta };
}

/** The group the split stage put the record in (`provenance.group`), or null before grouping existed. */
export function groupOf(record: TaskRecord): { id: string; size: number } | null {
  const g = record.provenance.group as { id?: unknown; size?: unknown } | undefined;
  return g && typeof g.id === 'string' && typeof g.size === 'number' ? { id: g.id, size: g.size } : null;
}

/**
 * Every text field of a corpus line ends the canonical way (`withFinalNewline`): prompts as code. The
 * writer applies it to what it writes, so no line differs from another by its ending even where an
 * artifact never went through normalise (normalising off, a gold kept as raw).
 */
export const canonicalText = withFinalNewline;

/**
 * What makes a candidate worse than the gold, in order of precedence; null: it is never a rejected.
 * `requiredFailure`: the first finding on the candidate that fails a check of `--require`.
 */
export function rejectedReasonOf(c: Artifact, requiredFailure?: Finding): RejectedReason | null {
  if (c.code === null || c.code.trim() === '') return null;
  if (c.truncated || c.generation?.finishReason === 'length') return 'truncated';
  if (c.verdict === 'invalid') return 'invalid';
  if (c.intent?.outcome === 'fail') return 'intent';
  if (requiredFailure) return checkKindOf(requiredFailure)!;
  return 'differs';
}

/** The rejected reasons the checks of `--require` stand for: a draft failing one is a rejected. */
export function requiredReasons(require: readonly string[]): RejectedReason[] {
  return [...new Set(require.map(requirementKind))];
}

/**
 * High-severity lint and security findings of one artifact: the failures by each tool's own semantics
 * (TFLint `error` issues, failed security checks, a policy pack's `deny`), i.e. severity `error`.
 */
export function highSeverityFindings(record: TaskRecord, subject: Subject): number {
  return record.findings.filter((f) => f.subject === subject && !f.dropped && f.severity === 'error' && checkKindOf(f) !== null).length;
}

export const errorSummaries = (a: Artifact): string[] => a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary);
