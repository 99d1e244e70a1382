import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addFindings, diagnostic, finding, type Diagnostic, type TaskRecord } from '@tfpairs/core';

/**
 * Input conveniences that are warnings, not drops: a prompt longer than the configured size (it may
 * not fit a model's context, or be a whole document pasted by mistake), and an input that is empty.
 */
export function withInputChecks(record: TaskRecord, maxPromptChars: number): TaskRecord {
  if (record.status !== 'kept' || record.prompt.length <= maxPromptChars) return record;
  return addFindings(record, [
    finding('ingest', 'long-prompt', {
      severity: 'warning',
      summary: 'Prompt is longer than the configured size',
      detail: `${record.prompt.length} characters (--max-prompt-chars ${maxPromptChars})`,
    }, 'prompt'),
  ]);
}

/** A run warning for an input file of 0 bytes (or one that held no record at all). */
export async function emptyInputWarning(input: string, cwd: string, records: number): Promise<Diagnostic | null> {
  if (records > 0) return null;
  let size: number | undefined;
  try {
    const s = await stat(resolve(cwd, input));
    size = s.isFile() ? s.size : undefined;
  } catch {
    return null; // unreadable inputs are audited by readInput
  }
  if (size === 0) return diagnostic('warning', 'Empty input', `${input} is 0 bytes: it holds no task`);
  return diagnostic('warning', 'Input without tasks', `${input} holds no task (no line, row or task folder)`);
}
