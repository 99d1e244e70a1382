import { renderDiagnosticsForModel, type Diagnostic } from '@tfpairs/core';

/** What the intent check said about a draft (the `policy`/`intent-failed` finding): its summary and detail. */
export interface IntentFeedback {
  readonly summary: string;
  readonly detail: string;
}

/**
 * The IaC-DPO controller's input: the task, the draft and what terraform says about it, plus the
 * intent's false rules (with the plan values they read) when the draft validates but does not do what
 * the task asks. The controller learns to emit the corrected configuration (chosen) rather than the
 * draft (rejected).
 */
export function renderPostEditPrompt(task: string, draft: string, diagnostics: readonly Diagnostic[], intent: readonly IntentFeedback[] = []): string {
  const errors = diagnostics.some((d) => d.severity === 'error');
  // a draft that validates gets what terraform prints then: its warnings, then the success line
  const diags = diagnostics.length ? renderDiagnosticsForModel(diagnostics, draft).trimEnd() : '';
  const success = diags ? 'Success! The configuration is valid, but there were some validation warnings as shown above.' : 'Success! The configuration is valid.';
  const validate = errors ? diags : [diags, success].filter((x) => x !== '').join('\n\n');
  const intentLines = intent.length ? ['', '## Intent check (the task\'s policy on the plan)', ...intent.map((f) => [f.summary, f.detail].filter((x) => x !== '').join('\n'))] : [];
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
    validate,
    ...intentLines,
    '',
  ].join('\n');
}

/** TF-Mutn's SFT prompt: the initial configuration and the change request. */
export function renderMutationPrompt(initial: string, utterance: string): string {
  return ['Change the Terraform configuration as requested.', '', '## Configuration', '```hcl', initial.trimEnd(), '```', '', '## Change request', utterance.trim(), ''].join('\n');
}
