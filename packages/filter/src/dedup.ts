import { dropRecord, finding, normalisePrompt, sha256, stampStage, type RunContext, type Stage } from '@tfpairs/core';

export const DEDUP_VERSION = '0.1.0';

/** Drops a prompt seen before (after whitespace/case normalisation); the first occurrence is kept. */
export function dedupStage(_ctx?: RunContext): Stage {
  return async function* (input) {
    // only what the audit needs of the first occurrence: a 150k-record run must not keep records alive
    const seen = new Map<string, { id: string | null; at: string }>();
    for await (const record of input) {
      if (record.status !== 'kept') {
        yield record;
        continue;
      }
      const key = sha256(normalisePrompt(record.prompt));
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { id: record.id, at: `${record.provenance.source.path}:${record.provenance.source.line}` });
        yield stampStage(record, 'dedup', DEDUP_VERSION);
        continue;
      }
      yield dropRecord(
        stampStage(record, 'dedup', DEDUP_VERSION),
        finding('dedup', 'duplicate', { severity: 'warning', summary: 'Duplicate prompt', detail: `same prompt (ignoring case and whitespace) as record ${first.id} at ${first.at}` }),
      );
    }
  };
}

