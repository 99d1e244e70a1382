import {
  deepFreeze,
  finding,
  newArtifact,
  recordId,
  sha256,
  type InputFormat,
  type SourceRef,
  type TaskRecord,
} from '@tfpairs/core';
import type { TaskInput } from './schema';

export const INGEST_VERSION = '0.1.0';

/** A valid task becomes a kept record with gold and recorded drafts as candidates. */
export function taskRecord(task: TaskInput, source: SourceRef, format: InputFormat): TaskRecord {
  const id = recordId(task.prompt, task.gold);
  const candidates = task.drafts.map((draft, i) =>
    newArtifact(`c-${sha256(draft).slice(0, 12)}`, 'recorded', draft, {
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
    findings: [],
    status: 'kept' as const,
  });
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
