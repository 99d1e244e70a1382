import { readNdjsonLines, type NdjsonLine, type TaskRecord } from '@tfpairs/core';
import { JsonlTask, TaskInput, zodReason } from './schema';
import { rejectedInput, taskRecord } from './records';

/** JSONL tasks: one JSON object per line; every bad line becomes an audited, dropped record. */
export async function* readJsonlTasks(path: string, displayPath = path, lines: AsyncIterable<NdjsonLine> = readNdjsonLines(path)): AsyncIterable<TaskRecord> {
  for await (const line of lines) {
    const source = { path: displayPath, line: line.line };
    if (!line.ok) {
      yield rejectedInput(source, 'jsonl', 'bad-json', 'Line is not valid JSON', `${line.error}: ${line.text}`);
      continue;
    }
    const shaped = JsonlTask.safeParse(line.value);
    const task = shaped.success ? TaskInput.safeParse(shaped.data) : shaped;
    if (!task.success) {
      const prompt = typeof (line.value as { prompt?: unknown })?.prompt === 'string' ? (line.value as { prompt: string }).prompt : '';
      yield rejectedInput(source, 'jsonl', invalidCode(zodReason(task.error)), 'Invalid task', zodReason(task.error), prompt);
      continue;
    }
    yield taskRecord(task.data, source, 'jsonl');
  }
}

/** A stable reason code from zod's message, so the audit can be filtered by it. */
export function invalidCode(reason: string): string {
  if (/prompt is missing|prompt must be/.test(reason)) return 'missing-prompt';
  if (/prompt is empty/.test(reason)) return 'empty-prompt';
  if (/gold is missing|gold must be/.test(reason)) return 'missing-gold';
  if (/gold is empty/.test(reason)) return 'empty-gold';
  if (/JSON object/.test(reason)) return 'not-an-object';
  return 'invalid-task';
}
