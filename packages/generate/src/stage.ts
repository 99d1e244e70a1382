import {
  addFindings,
  finding,
  mapKeptConcurrent,
  newArtifact,
  passThrough,
  sha256,
  stampStage,
  updateRecord,
  type Finding,
  type RunContext,
  type Stage,
  type StageFactory,
  type TaskRecord,
} from '@tfpairs/core';
import { requestKey } from './cache';
import { BatchRunner } from './batch';
import type { ChatClient, CompletionResult } from './client';
import { clientFor } from './run';
import { failureFinding } from './findings';
import { loadGenerateTemplate, renderTemplate, type PromptTemplate } from './template';

export { repairStage } from './repair';
export { mutateStage } from './mutate';

export const GENERATE_VERSION = '1.0.0';

/** The generated draft of a record, or the findings that say why there is none. */
export function applyGeneration(record: TaskRecord, result: CompletionResult, client: ChatClient, template: PromptTemplate): TaskRecord {
  if (!result.ok) return addFindings(record, [failureFinding('generate', result)]);
  const { response } = result;
  const content = response.content ?? '';
  if (content.trim() === '' && response.refusal) {
    return addFindings(record, [
      finding('generate', 'refusal', { severity: 'warning', summary: 'The model refused to answer', detail: `${response.refusal} [model ${client.model}]` }),
    ]);
  }
  if (content.trim() === '') {
    return addFindings(record, [
      finding('generate', 'empty-answer', { severity: 'warning', summary: 'The model answered with no text', detail: `finish_reason ${response.finishReason ?? 'null'} [model ${client.model}]` }),
    ]);
  }
  // the record's id is part of the candidate's: two records answered with the same text (a model's
  // stock answer) must not share a candidate id, which corpora use as rejected_id; both are content
  // hashes, so a rerun gives the same id
  const id = sha256(`generated\u0000${record.id ?? ''}\u0000${client.model}\u0000${content}`).slice(0, 16);
  if (record.candidates.some((c) => c.id === id)) return record;
  const truncated = response.finishReason === 'length';
  const artifact = newArtifact(id, 'generated', content, {
    generation: {
      model: client.model,
      params: { ...client.params, template: template.name },
      templateHash: template.hash,
      finishReason: response.finishReason ?? undefined,
      cached: result.cached,
      usage: response.usage,
    },
    truncated,
  });
  const findings: Finding[] = [];
  if (response.finishReason === 'content_filter') {
    findings.push(
      finding('generate', 'content-filter', { severity: 'warning', summary: 'Answer stopped by the content filter', detail: `finish_reason "content_filter" [model ${client.model}]` }, `candidate:${id}`),
    );
  }
  if (truncated) {
    findings.push(
      finding(
        'generate',
        'truncated',
        { severity: 'warning', summary: 'Answer cut off at the token limit', detail: `finish_reason "length" after ${response.usage.completionTokens} completion tokens (max_tokens ${client.settings.maxTokens})` },
        `candidate:${id}`,
      ),
    );
  }
  return addFindings(updateRecord(record, { candidates: [...record.candidates, artifact] }), findings);
}

/** A mutation record (Multi-IaC-Eval: `meta.task_kind = "mutation"`) asks for a change, not a baseline draft. */
const isMutationTask = (record: TaskRecord) => record.meta.task_kind === 'mutation';

function draftMessages(template: PromptTemplate, record: TaskRecord) {
  return renderTemplate(template, { prompt: record.prompt });
}

/** Synchronous requests, streamed: records come out in input order as their answers arrive. */
function syncGenerate(ctx: RunContext, template: PromptTemplate): Stage {
  const client = clientFor(ctx);
  const window = Math.max(2, client.settings.concurrency * 2);
  const inner = mapKeptConcurrent('generate', GENERATE_VERSION, window, async (record) => {
    if (isMutationTask(record)) return record;
    const result = await client.complete(draftMessages(template, record));
    client.progress?.add('done');
    return applyGeneration(record, result, client, template);
  });
  return async function* (input) {
    if (client.progress) client.progress.label = 'generate';
    for await (const record of inner(input)) {
      // a refused key or a server that is gone: stop instead of auditing it on every record
      if (client.fatal) throw client.fatal;
      yield record;
    }
    client.progress?.finish();
  };
}

/** Batch API: every record is read first, the uncached requests go out as batches, then records flow on. */
function batchGenerate(ctx: RunContext, template: PromptTemplate): Stage {
  return async function* (input) {
    const client = clientFor(ctx);
    const records: TaskRecord[] = [];
    for await (const record of input) records.push(record);
    const kept = records.filter((r) => r.status === 'kept' && !isMutationTask(r));
    if (client.progress) Object.assign(client.progress, { label: 'generate', total: kept.length });
    const runner = new BatchRunner(client);
    await runner.run(kept.map((r) => client.request(draftMessages(template, r))));
    if (client.fatal) throw client.fatal;
    for (const record of records) {
      if (record.status !== 'kept' || isMutationTask(record)) {
        yield record;
        continue;
      }
      const stamped = stampStage(record, 'generate', GENERATE_VERSION);
      const request = client.request(draftMessages(template, record));
      const key = requestKey(request);
      const problem = runner.problems.get(key);
      const hit = client.fromCache(request, key);
      const result: CompletionResult =
        hit ?? client.failure(request, key, problem?.code ?? 'batch-error', problem?.summary ?? 'No batch answer', problem?.detail ?? 'the batch returned no answer for this request');
      client.progress?.add('done');
      yield applyGeneration(stamped, result, client, template);
    }
    client.progress?.finish();
  };
}

/**
 * Drafts one baseline answer per prompt with `generate.model` (nothing without a model). The answer is
 * a `generated` candidate carrying model, params, template hash, finish reason, usage and whether it
 * came from the cache; normalise/scrub/verify then treat it like a recorded draft. A request that fails
 * after its retries is a warning finding; the record is kept (its gold is still usable).
 * `--offline` reads the cache only; `--batch` goes through the Batch API.
 */
export const generateStage: StageFactory = (ctx) => {
  const settings = ctx.config.generate;
  if (!settings.model) return passThrough;
  const template = loadGenerateTemplate(settings.templateFile);
  return settings.batch && !ctx.config.offline ? batchGenerate(ctx, template) : syncGenerate(ctx, template);
};
