import { renderDiagnosticsForModel, type Diagnostic } from '@tfpairs/core';

/**
 * The IaC-DPO controller's input: the task, the draft and what terraform says about it. The controller
 * learns to emit the corrected configuration (chosen) rather than the draft (rejected).
 */
export function renderPostEditPrompt(task: string, draft: string, diagnostics: readonly Diagnostic[]): string {
  const diags = diagnostics.length ? renderDiagnosticsForModel(diagnostics, draft).trimEnd() : '(no diagnostics)';
  return [
    'Fix the Terraform configuration so that `terraform validate` accepts it and it still does what the task asks.',
    '',
    '## Task',
    task.trim(),
    '',
    '## Draft',
    '```hcl',
    draft.trimEnd(),
    '```',
    '',
    '## terraform validate',
    diags,
    '',
  ].join('\n');
}

/** TF-Mutn's SFT prompt: the initial configuration and the change request. */
export function renderMutationPrompt(initial: string, utterance: string): string {
  return ['Change the Terraform configuration as requested.', '', '## Configuration', '```hcl', initial.trimEnd(), '```', '', '## Change request', utterance.trim(), ''].join('\n');
}
