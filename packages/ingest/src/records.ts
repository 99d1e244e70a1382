import {
  deepFreeze,
  finding,
  newArtifact,
  recordId,
  sha256,
  type Finding,
  type InputFormat,
  type SourceRef,
  type TaskRecord,
} from '@tfpairs/core';
import type { TaskInput } from './schema';

export const INGEST_VERSION = '0.1.0';

/** A valid task becomes a kept record with gold and recorded drafts as candidates. */
export function taskRecord(task: TaskInput, source: SourceRef, format: InputFormat): TaskRecord {
  const id = recordId(task.prompt, task.gold);
  // a draft's id names its record and position too: two records' identical drafts are two candidates
  const candidates = task.drafts.map((draft, i) =>
    newArtifact(`c-${sha256(`${id}\u0000${i}\u0000${draft}`).slice(0, 12)}`, 'recorded', draft, {
      generation: { model: null },
      ...(task.recorded[i] && Object.keys(task.recorded[i]!).length ? { recorded: task.recorded[i] } : {}),
    }),
  );
  return deepFreeze({
    id,
    prompt: task.prompt,
    gold: newArtifact(`g-${sha256(task.gold).slice(0, 12)}`, 'reference', task.gold),
    candidates,
    // `initial` is the gold as ingested; the stage that verifies recorded mutations sets it to the normalised gold
    mutations: task.mutations.map((m) => {
      const mid = sha256(`${id}\u0000${m.utterance}\u0000${m.expected}`).slice(0, 16);
      return { id: mid, utterance: m.utterance, initial: task.gold, expected: newArtifact(`m-${mid.slice(0, 12)}`, 'recorded', m.expected, { generation: { model: null } }) };
    }),
    meta: task.meta,
    provenance: { source, format, stages: { ingest: INGEST_VERSION } },
    split: null,
    findings: undecodable(task),
    status: 'kept' as const,
  });
}

/**
 * Input files are read as UTF-8; bytes that are not UTF-8 become U+FFFD. The record is kept (the text
 * around them is intact) but the audit says so, rather than letting them pass unnoticed.
 */
function undecodable(task: TaskInput): Finding[] {
  const parts: [string, string][] = [['prompt', task.prompt], ['gold', task.gold], ...task.drafts.map((d, i) => [`draft ${i + 1}`, d] as [string, string])];
  const bad = parts.filter(([, text]) => text.includes('\uFFFD')).map(([name]) => name);
  if (bad.length === 0) return [];
  return [finding('ingest', 'invalid-utf8', { severity: 'warning', summary: 'Text is not valid UTF-8', detail: `bytes that are not UTF-8 were replaced by U+FFFD in: ${bad.join(', ')}` })];
}

/** Input that never became a task (bad line, bad row, unreadable file): a dropped record with id null. */
export function rejectedInput(
  source: SourceRef,
  format: InputFormat,
  code: string,
  summary: string,
  detail: string,
  prompt = '',
): TaskRecord {
  return deepFreeze({
    id: null,
    prompt,
    gold: null,
    candidates: [],
    mutations: [],
    meta: {},
    provenance: { source, format, stages: { ingest: INGEST_VERSION } },
    split: null,
    findings: [finding('ingest', code, { severity: 'error', summary, detail }, 'record', true)],
    status: 'dropped' as const,
  });
}
