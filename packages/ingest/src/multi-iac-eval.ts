import type { SourceRef, TaskRecord } from '@tfpairs/core';
import { invalidCode } from './jsonl';
import { rejectedInput, taskRecord } from './records';
import { TaskInput, zodReason } from './schema';

/**
 * Multi-IaC-Eval (TerraFormer's authors, HuggingFace `ssdavidamz/Multi-IaC-Eval`): CSV rows of an
 * initial configuration, a natural-language change request and the expected configuration
 * (`source`, `initial`, `expected`, `utterance`, `source_repo`). Each row becomes a mutation record:
 * the initial configuration is the record's gold (verified like any gold) and the row is one recorded
 * mutation (`utterance` -> `expected`), verified like recorded TF-Mutn samples, so `tf-mutn/` is
 * built from it offline. Such records are marked `meta.task_kind = "mutation"`: they feed TF-Mutn
 * only, never tf-gen, DPO, KTO or generation (their prompt is a change request, not a task).
 */
export const MULTI_IAC_EVAL_COLUMNS = ['source', 'initial', 'expected', 'utterance', 'source_repo'] as const;
/** IaC formats other than Terraform that the benchmark's `source` column may name. */
const NOT_TERRAFORM = /cloudformation|\bcfn\b|\bcdk\b|pulumi|bicep|\barm\b|ansible|kubernetes|helm/i;

/** Is this (trimmed, any case) header Multi-IaC-Eval's? `initial`, `expected` and `utterance` decide it. */
export function isMultiIacEvalHeader(header: readonly string[]): boolean {
  const lower = new Set(header.map((h) => h.trim().toLowerCase()));
  return ['initial', 'expected', 'utterance'].every((c) => lower.has(c));
}

/** The text a mutation record shows as its prompt: the change request with the configuration it applies to. */
export function mutationTaskPrompt(utterance: string, initial: string): string {
  return `Change request: ${utterance.trim()}\n\nConfiguration:\n${initial.trim()}\n`;
}

/** One Multi-IaC-Eval row (columns by their lower-case name) as a mutation record, or a dropped one. */
export function multiIacEvalRecord(row: Readonly<Record<string, string>>, source: SourceRef): TaskRecord {
  const get = (c: string) => row[c] ?? '';
  const origin = get('source').trim();
  if (NOT_TERRAFORM.test(origin)) {
    return rejectedInput(source, 'iac-eval-csv', 'not-terraform', 'Not a Terraform row', `Multi-IaC-Eval source "${origin}" is not Terraform (tfpairs verifies Terraform only)`, get('utterance'));
  }
  const meta: Record<string, string> = { task_kind: 'mutation' };
  if (origin) meta.source = origin;
  if (get('source_repo').trim()) meta.source_repo = get('source_repo').trim();
  const task = TaskInput.safeParse({
    prompt: get('utterance').trim() && get('initial').trim() ? mutationTaskPrompt(get('utterance'), get('initial')) : get('utterance'),
    gold: get('initial'),
    mutations: [{ utterance: get('utterance'), expected: get('expected') }],
    meta,
  });
  if (!task.success) {
    const reason = zodReason(task.error).replace(/\bgold\b/g, 'initial').replace(/\bprompt\b/g, 'utterance').replace(/mutations\.0\.(utterance|expected): mutation (utterance|expected configuration)/g, '$1');
    return rejectedInput(source, 'iac-eval-csv', invalidCode(zodReason(task.error)), 'Invalid Multi-IaC-Eval row', reason, get('utterance'));
  }
  return taskRecord(task.data, source, 'iac-eval-csv');
}
