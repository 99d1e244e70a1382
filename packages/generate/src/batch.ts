import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countMetric, sha256, writeFileAtomic } from '@tfpairs/core';
import { toFile, type OpenAI } from 'openai';
import { z } from 'zod';
import { claimFile, requestBody, requestKey, type ChatRequest, type ChatResponse } from './cache';
import { backoffMs, isAuthFailure, type ChatClient, type FailureCode } from './client';

/**
 * The OpenAI Batch API (half price, results within 24h): requests are written as JSONL
 * (`custom_id` = cache key, `method`, `url`, `body`), one model per file, split above the API's
 * limits, uploaded with purpose `batch`, and run as batches that are polled until they end. Output and
 * error files are joined back on `custom_id` (their order is not the input's) and every answer is fed
 * into the response cache, from which the stage then reads exactly as in a synchronous run.
 *
 * Resume: a job file `CACHE/batches/<job>.json` is written before the upload and updated after each
 * step (file id, batch id), so a killed run resumes polling the same batch instead of submitting again.
 * Runs sharing a cache folder claim a job (`<job>.lock`, O_EXCL) before touching it: the same requests
 * make the same job id, so a second run waits for the first one's batch instead of uploading it again.
 * Which request goes into which job is decided under one lock per folder (`.planning.lock`), and a new
 * job is written and claimed before that lock is released: runs that share requests without sharing
 * jobs (the shards of a build, whose other requests differ) see each other's jobs and upload a shared
 * request once.
 */
export const ENDPOINT = '/v1/chat/completions';

const BatchJob = z.object({
  id: z.string(),
  model: z.string(),
  keys: z.array(z.string()),
  status: z.enum(['prepared', 'uploaded', 'submitted', 'done']),
  inputFileId: z.string().optional(),
  batchId: z.string().optional(),
  batchStatus: z.string().optional(),
  createdAt: z.string(),
  counts: z.object({ answered: z.number(), failed: z.number() }).optional(),
});
type BatchJob = z.infer<typeof BatchJob>;

export interface BatchProblem {
  readonly code: FailureCode;
  readonly summary: string;
  readonly detail: string;
}

export interface BatchLimits {
  readonly maxRequests: number;
  readonly maxBytes: number;
}

/** JSONL lines of the requests, split so that no file exceeds the request or byte limit. */
export function chunkRequests(requests: readonly ChatRequest[], limits: BatchLimits): { keys: string[]; jsonl: string }[] {
  const chunks: { keys: string[]; lines: string[]; bytes: number }[] = [];
  let current: { keys: string[]; lines: string[]; bytes: number } | undefined;
  for (const request of requests) {
    const key = requestKey(request);
    const line = JSON.stringify({ custom_id: key, method: 'POST', url: ENDPOINT, body: requestBody(request) });
    const bytes = Buffer.byteLength(line) + 1;
    if (!current || current.keys.length >= limits.maxRequests || (current.keys.length > 0 && current.bytes + bytes > limits.maxBytes)) {
      current = { keys: [], lines: [], bytes: 0 };
      chunks.push(current);
    }
    current.keys.push(key);
    current.lines.push(line);
    current.bytes += bytes;
  }
  return chunks.map((c) => ({ keys: c.keys, jsonl: `${c.lines.join('\n')}\n` }));
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Planning takes milliseconds to seconds: a planning lock this old was left by a process killed on another host. */
const STALE_PLANNING_MS = 10 * 60_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

const OutputLine = z.object({
  custom_id: z.string(),
  response: z
    .object({ status_code: z.number(), body: z.unknown() })
    .nullable()
    .optional(),
  error: z.object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() }).nullable().optional(),
});

function parseCompletion(body: unknown): ChatResponse | undefined {
  const b = body as { id?: string; model?: string; choices?: { message?: { content?: string | null; refusal?: string | null }; finish_reason?: string | null }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  const choice = b?.choices?.[0];
  if (!choice) return undefined;
  return {
    content: choice.message?.content ?? null,
    refusal: choice.message?.refusal ?? null,
    finishReason: choice.finish_reason ?? null,
    usage: { promptTokens: b.usage?.prompt_tokens ?? 0, completionTokens: b.usage?.completion_tokens ?? 0 },
    model: b.model ?? null,
    id: b.id ?? null,
    via: 'batch',
  };
}

export class BatchRunner {
  private readonly dir: string;
  /** answers and problems of this run, by cache key */
  readonly problems = new Map<string, BatchProblem>();

  constructor(private readonly client: ChatClient) {
    this.dir = client.cache.batchesDir;
  }

  private jobPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }
  private inputPath(id: string): string {
    return join(this.dir, `${id}.jsonl`);
  }
  private lockPath(id: string): string {
    return join(this.dir, `${id}.lock`);
  }
  /** The job as its file says now (another run may have moved it on), else as given. */
  private reload(job: BatchJob): BatchJob {
    try {
      return BatchJob.parse(JSON.parse(readFileSync(this.jobPath(job.id), 'utf8')));
    } catch {
      return job;
    }
  }
  private save(job: BatchJob): void {
    writeFileAtomic(this.jobPath(job.id), `${JSON.stringify(job, null, 2)}\n`);
  }

  /** Unfinished jobs of earlier (killed) runs, in creation order. */
  pendingJobs(): BatchJob[] {
    const jobs: BatchJob[] = [];
    for (const name of existsSync(this.dir) ? readdirSync(this.dir) : []) {
      if (!name.endsWith('.json')) continue;
      try {
        const job = BatchJob.parse(JSON.parse(readFileSync(join(this.dir, name), 'utf8')));
        if (job.status !== 'done') jobs.push(job);
      } catch {
        this.client.ctx.log(`generate: ignoring unreadable batch job file ${join(this.dir, name)}`);
      }
    }
    return jobs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  private async api<T>(what: string, fn: (api: OpenAI) => Promise<T>): Promise<T> {
    const api = this.client.openai();
    if (!api) throw new Error('no API key');
    const { maxRetries, retryBaseMs, retryMaxDelayMs } = this.client.settings;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(api);
      } catch (e) {
        const status = (e as { status?: number }).status;
        const code = (e as { code?: string | null }).code;
        // a refused key or a server that is gone stops the run (the job file stays for the resume)
        if (isAuthFailure(status, code) && this.client.noteFatal('unauthorized', `HTTP ${status}: ${(e as Error).message}`)) throw new Error(`${what}: ${(e as Error).message}`);
        if (status === undefined && this.client.noteFatal('connection-error', (e as Error).message)) throw new Error(`${what}: ${(e as Error).message}`);
        const transient = status === undefined || status === 429 || status >= 500 || status === 408;
        if (!transient || attempt >= maxRetries || this.client.ctx.signal?.aborted) throw new Error(`${what}: ${(e as Error).message}`);
        countMetric(this.client.ctx, 'generate.retries');
        await sleep(backoffMs(attempt, retryBaseMs, retryMaxDelayMs), this.client.ctx.signal);
      }
    }
  }

  /**
   * Answers every request that is not cached yet through batches (resuming unfinished ones first).
   * Returns nothing: answers land in the cache, problems in `this.problems`.
   */
  async run(requests: readonly ChatRequest[]): Promise<void> {
    const byKey = new Map<string, ChatRequest>();
    for (const r of requests) byKey.set(requestKey(r), r);
    const wanted = new Set([...byKey.keys()].filter((k) => !this.client.cache.has(k)));
    if (wanted.size === 0) return;
    if (!this.client.openai()) {
      this.fail([...wanted], { code: 'no-api-key', summary: 'No API key', detail: 'OPENAI_API_KEY is not set; no batch was submitted' });
      return;
    }

    const release = await this.planningLock();
    if (!release) return;
    let resumed: BatchJob[];
    const created: { job: BatchJob; release: () => void }[] = [];
    try {
      // 1. resume jobs of killed runs, and join jobs of live ones, that hold any wanted request
      resumed = this.pendingJobs().filter((job) => job.model === this.client.model && job.keys.some((k) => wanted.has(k)));
      const covered = new Set(resumed.flatMap((j) => j.keys));
      // 2. new jobs for the rest, written and claimed before another run may plan
      const fresh = [...wanted].filter((k) => !covered.has(k)).map((k) => byKey.get(k)!);
      const limits = { maxRequests: this.client.settings.batchMaxRequests, maxBytes: this.client.settings.batchMaxBytes };
      for (const { keys, jsonl } of chunkRequests(fresh, limits)) {
        const job: BatchJob = { id: `job-${sha256(jsonl).slice(0, 20)}`, model: this.client.model, keys, status: 'prepared', createdAt: new Date().toISOString() };
        const claim = claimFile(this.lockPath(job.id));
        // the very same job (same requests) held by a live run: wait for it like for any other
        if (!claim) {
          resumed.push(job);
          continue;
        }
        if (!existsSync(this.jobPath(job.id))) {
          writeFileAtomic(this.inputPath(job.id), jsonl);
          this.save(job);
        }
        created.push({ job: this.reload(job), release: claim });
      }
    } finally {
      release();
    }
    if (resumed.length) this.client.ctx.log(`generate: resuming ${resumed.length} unfinished batch job(s) from ${this.dir}`);
    await Promise.all([
      ...resumed.map((job) => this.claimed(job, byKey, true)),
      ...created.map(async ({ job, release: done }) => {
        try {
          if (job.status === 'done') this.fail(job.keys, { code: 'batch-error', summary: 'No batch answer', detail: `job ${job.id} was finished by another run without an answer for this request` });
          else await this.drive(job, byKey, job.status !== 'prepared');
        } finally {
          done();
        }
      }),
    ]);
  }

  /** The folder's planning lock, waiting while another live run plans; undefined once the run is aborted. */
  private async planningLock(): Promise<(() => void) | undefined> {
    const path = join(this.dir, '.planning.lock');
    let told = false;
    for (;;) {
      const release = claimFile(path);
      if (release) return release;
      if (this.client.ctx.signal?.aborted) return undefined;
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_PLANNING_MS) rmSync(path, { force: true });
      } catch {
        // released meanwhile
      }
      if (!told) this.client.ctx.log(`generate: another run sharing ${this.dir} is planning its batches; waiting for it`);
      told = true;
      await sleep(Math.min(200, this.client.settings.batchPollMs), this.client.ctx.signal);
    }
  }

  /**
   * Drives a job once this run holds its claim. While another live run holds it, waits (polling the
   * job file) until that run finishes the job, whose answers then are in the shared cache, or gives
   * the claim up (killed), in which case this run takes the job over from where it stopped.
   */
  private async claimed(job: BatchJob, byKey: ReadonlyMap<string, ChatRequest>, resumed: boolean, jsonl?: string): Promise<void> {
    const { ctx } = this.client;
    let told = false;
    for (;;) {
      const release = claimFile(this.lockPath(job.id));
      if (release) {
        try {
          let current = this.reload(job);
          if (!existsSync(this.jobPath(job.id)) && jsonl !== undefined) {
            writeFileAtomic(this.inputPath(job.id), jsonl);
            this.save(current);
          } else if (current.status === 'done') {
            // finished by another run while this one waited for the claim
            this.fail(current.keys, { code: 'batch-error', summary: 'No batch answer', detail: `job ${job.id} was finished by another run without an answer for this request` });
            return;
          }
          current = this.reload(current);
          await this.drive(current, byKey, resumed || current.status !== 'prepared');
        } finally {
          release();
        }
        return;
      }
      const current = this.reload(job);
      if (current.status === 'done') {
        this.fail(current.keys, { code: 'batch-error', summary: 'No batch answer', detail: `job ${job.id} was run by another process without an answer for this request` });
        return;
      }
      if (ctx.signal?.aborted) return;
      if (!told) ctx.log(`generate: batch job ${job.id} is being run by another process sharing ${this.dir}; waiting for it`);
      told = true;
      await sleep(this.client.settings.batchPollMs, ctx.signal);
    }
  }

  private fail(keys: readonly string[], problem: BatchProblem): void {
    for (const k of keys) {
      if (!this.client.cache.has(k)) this.problems.set(k, problem);
    }
  }

  /** Takes a job from wherever it stopped to `done`. */
  private async drive(job: BatchJob, byKey: ReadonlyMap<string, ChatRequest>, resumed: boolean): Promise<void> {
    const { ctx } = this.client;
    try {
      if (job.status === 'prepared') {
        if (!existsSync(this.inputPath(job.id))) {
          // the input file is gone: nothing was uploaded, so the job is simply abandoned
          job = { ...job, status: 'done', batchStatus: 'abandoned' };
          this.save(job);
          return;
        }
        const content = readFileSync(this.inputPath(job.id));
        const upload = await toFile(content, `${job.id}.jsonl`, { type: 'application/jsonl' });
        const file = await this.api('upload batch input', (api) => api.files.create({ file: upload, purpose: 'batch' }));
        job = { ...job, status: 'uploaded', inputFileId: file.id };
        this.save(job);
      }
      if (job.status === 'uploaded') {
        // killed between creating the batch and saving its id? then the batch exists: adopt it
        let batchId: string | undefined;
        if (resumed) await this.api('list batches', async (api) => {
          for await (const b of api.batches.list({ limit: 100 })) {
            if (b.input_file_id === job.inputFileId) {
              batchId = b.id;
              break;
            }
          }
        });
        if (!batchId) {
          const batch = await this.api('create batch', (api) =>
            api.batches.create({ input_file_id: job.inputFileId!, endpoint: ENDPOINT, completion_window: '24h', metadata: { tfpairs_job: job.id } }),
          );
          batchId = batch.id;
          countMetric(ctx, 'generate.batches');
          countMetric(ctx, 'generate.requests', job.keys.length);
          countMetric(ctx, 'generate.batch_requests', job.keys.length);
          this.client.progress?.add('requests', job.keys.length);
        }
        job = { ...job, status: 'submitted', batchId };
        this.save(job);
        ctx.log(`generate: batch ${batchId} submitted (${job.keys.length} requests, job ${job.id})`);
      }
      // poll until the batch ends
      let batch = await this.api('retrieve batch', (api) => api.batches.retrieve(job.batchId!));
      while (!TERMINAL.has(batch.status)) {
        if (ctx.signal?.aborted) return;
        await sleep(this.client.settings.batchPollMs, ctx.signal);
        batch = await this.api('retrieve batch', (api) => api.batches.retrieve(job.batchId!));
      }
      const counts = await this.collect(job, batch, byKey);
      job = { ...job, status: 'done', batchStatus: batch.status, counts };
      this.save(job);
      rmSync(this.inputPath(job.id), { force: true });
      ctx.log(`generate: batch ${job.batchId} ${batch.status}: ${counts.answered} answered, ${counts.failed} failed`);
    } catch (e) {
      // the job file stays as it is: a rerun picks it up where it stopped
      this.fail(job.keys, { code: 'batch-error', summary: 'Batch could not be completed', detail: `${(e as Error).message} (job ${job.id} in ${this.dir} resumes on the next run)` });
    }
  }

  private async collect(job: BatchJob, batch: OpenAI.Batches.Batch, byKey: ReadonlyMap<string, ChatRequest>): Promise<{ answered: number; failed: number }> {
    const requests = new Map(byKey);
    // a resumed job may hold requests this run does not know: their bodies are in the job's input file
    if (job.keys.some((k) => !requests.has(k)) && existsSync(this.inputPath(job.id))) {
      for (const line of readFileSync(this.inputPath(job.id), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const row = JSON.parse(line) as { custom_id: string; body: { model: string; messages: ChatRequest['messages'] } & Record<string, unknown> };
        const { model, messages, ...params } = row.body;
        requests.set(row.custom_id, { model, messages, params });
      }
    }
    if (batch.status === 'failed') {
      const why = batch.errors?.data?.map((e) => `${e.code ?? 'error'}${e.line ? ` (line ${e.line})` : ''}: ${e.message}`).join('; ') || 'no reason given';
      this.fail(job.keys, { code: 'batch-error', summary: 'Batch failed validation', detail: `batch ${batch.id}: ${why}` });
      return { answered: 0, failed: job.keys.length };
    }
    let answered = 0;
    let failed = 0;
    const seen = new Set<string>();
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const text = await this.api('download batch results', async (api) => (await api.files.content(fileId)).text());
      text.split('\n').forEach((line, i) => {
        if (!line.trim()) return;
        let row: z.infer<typeof OutputLine>;
        try {
          row = OutputLine.parse(JSON.parse(line));
        } catch (e) {
          this.client.ctx.log(`generate: batch ${batch.id} file ${fileId} line ${i + 1} is not a result line: ${(e as Error).message.slice(0, 120)}`);
          return;
        }
        const key = row.custom_id;
        const request = requests.get(key);
        seen.add(key);
        const response = row.response?.status_code === 200 ? parseCompletion(row.response.body) : undefined;
        if (response && request) {
          this.client.store(request, response, key);
          answered += 1;
          return;
        }
        failed += 1;
        const body = row.response?.body as { error?: { message?: string; code?: string } } | undefined;
        const message = row.error?.message ?? body?.error?.message ?? 'no message';
        const status = row.response?.status_code;
        this.fail([key], { code: 'batch-error', summary: 'Batch request failed', detail: `batch ${batch.id}: ${status ? `HTTP ${status}: ` : ''}${message}` });
      });
    }
    const missing = job.keys.filter((k) => !seen.has(k));
    if (missing.length) {
      const code: FailureCode = batch.status === 'completed' ? 'batch-error' : 'batch-expired';
      this.fail(missing, { code, summary: `Batch ${batch.status} without an answer`, detail: `batch ${batch.id} (${batch.status}) returned no result for this request` });
      failed += missing.length;
    }
    return { answered, failed };
  }
}
