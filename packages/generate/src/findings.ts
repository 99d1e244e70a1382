import { finding, type Finding } from '@tfpairs/core';
import type { CompletionResult } from './client';

/** Turns a request failure into the audit finding of the stage that made the request. */
export function failureFinding(stage: string, result: Extract<CompletionResult, { ok: false }>, subject: Finding['subject'] = 'record'): Finding {
  return finding(stage, result.code, { severity: 'warning', summary: result.summary, detail: `${result.detail} [model ${result.request.model}, request ${result.key.slice(0, 16)}]` }, subject);
}

