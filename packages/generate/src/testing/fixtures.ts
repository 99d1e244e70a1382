import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunContext, deepFreeze, newArtifact, parseConfig, recordId, sha256, type RunContext, type TaskRecord } from '@tfpairs/core';

/** A kept record as ingest makes it (gold + recorded drafts), for driving stages directly in tests. */
export function taskRecord(prompt: string, gold: string, drafts: readonly string[] = [], line = 1): TaskRecord {
  return deepFreeze({
    id: recordId(prompt, gold),
    prompt,
    gold: newArtifact(`g-${sha256(gold).slice(0, 12)}`, 'reference', gold),
    candidates: drafts.map((d) => newArtifact(`c-${sha256(d).slice(0, 12)}`, 'recorded', d, { generation: { model: null } })),
    mutations: [],
    meta: {},
    provenance: { source: { path: 'tasks.jsonl', line }, format: 'jsonl' as const, stages: { ingest: 'test' } },
    split: null,
    findings: [],
    status: 'kept' as const,
  });
}

export const tempDir = (prefix = 'tfpairs-gen-') => mkdtempSync(join(tmpdir(), prefix));

/** A run context with a quiet progress sink; `generate` fields overlay fast test defaults. */
export function testContext(generate: Record<string, unknown>, extra: Record<string, unknown> = {}): RunContext & { lines: string[] } {
  const config = parseConfig({
    generate: { retryBaseMs: 5, retryMaxDelayMs: 200, timeoutMs: 5_000, batchPollMs: 5, concurrency: 3, ...generate },
    ...extra,
  });
  const lines: string[] = [];
  const ctx = Object.assign(createRunContext(config, { log: (l: string) => lines.push(l) }), { lines });
  return ctx;
}
