import { join } from 'node:path';
import { countMetric, diagnostic, type RunContext } from '@tfpairs/core';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import PQueue from 'p-queue';
import { defaultCacheDir, requestBody, requestKey, ResponseCache, type ChatRequest, type ChatResponse } from './cache';
import { Progress } from './progress';
import type { ChatMessage } from './template';

type GenerateSettings = RunContext['config']['generate'];

export interface CompletionOk {
  readonly ok: true;
  readonly key: string;
  readonly request: ChatRequest;
  readonly response: ChatResponse;
  /** true when the answer came from the cache written by an earlier run */
  readonly cached: boolean;
}

/** Stable codes of a request that produced no answer; they become audit findings. */
export type FailureCode =
  | 'rate-limited'
  | 'server-error'
  | 'timeout'
  | 'connection-error'
  | 'api-error'
  | 'no-api-key'
  | 'offline-cache-miss'
  | 'batch-error'
  | 'batch-expired'
  | 'aborted'
  /** the API refused the key (401/403, invalid_api_key): the run stops */
  | 'unauthorized'
  /** not sent: an earlier fatal API error stopped the run */
  | 'stopped';

/**
 * An API error no retry and no other record can get past (a wrong key, a server that is gone): the
 * run stops with exit 1 instead of auditing the same failure on every record. Answers that arrived
 * are in the cache, so the same command resumes where it stopped.
 */
export class FatalApiError extends Error {
  constructor(
    readonly code: 'unauthorized' | 'connection-error',
    message: string,
    readonly cacheDir: string,
  ) {
    super(message);
  }
}

export interface CompletionFailure {
  readonly ok: false;
  readonly key: string;
  readonly request: ChatRequest;
  readonly code: FailureCode;
  readonly summary: string;
  readonly detail: string;
  readonly attempts: number;
}

export type CompletionResult = CompletionOk | CompletionFailure;

/** Sampling parameters in API spelling; every one of them is part of the cache key. */
export function requestParams(settings: GenerateSettings): Record<string, unknown> {
  const params: Record<string, unknown> = { ...settings.extraParams, temperature: settings.temperature, [settings.tokenLimitParam]: settings.maxTokens };
  if (settings.topP !== undefined) params.top_p = settings.topP;
  if (settings.seed !== undefined) params.seed = settings.seed;
  // these are set by the client itself
  delete params.model;
  delete params.messages;
  delete params.stream;
  return params;
}

export function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
  } catch {
    return false;
  }
}

/** Milliseconds a 429 asks us to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(parseFloat(ms))) return Math.max(0, parseFloat(ms));
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after.trim());
  if (after.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Exponential backoff with jitter: uniformly in [½, 1] × base·2^attempt, never above `cap`. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** USD × 10^6 for a response's usage; the Batch API bills half. */
export function costMicros(settings: GenerateSettings, usage: ChatResponse['usage'], via: ChatResponse['via']): number {
  const full = usage.promptTokens * settings.pricePerMInput + usage.completionTokens * settings.pricePerMOutput;
  return Math.round(via === 'batch' ? full / 2 : full);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

interface Classified {
  readonly code: FailureCode;
  readonly retry: boolean;
  readonly summary: string;
  readonly detail: string;
  readonly waitMs?: number;
}

/** 401/403 and `invalid_api_key`: every other request with the same key gets the same answer. */
export function isAuthFailure(status: number | undefined, code: string | null | undefined): boolean {
  return status === 401 || status === 403 || code === 'invalid_api_key';
}

function classify(error: unknown): Classified {
  if (error instanceof APIUserAbortError) return { code: 'aborted', retry: false, summary: 'Request aborted', detail: 'the run was cancelled' };
  if (error instanceof APIConnectionTimeoutError) return { code: 'timeout', retry: true, summary: 'Request timed out', detail: error.message };
  if (error instanceof APIConnectionError) {
    return { code: 'connection-error', retry: true, summary: 'Connection to the API failed', detail: String(error.cause ?? error.message) };
  }
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    const detail = `HTTP ${status}: ${error.message}`;
    if (status === 429) {
      // an exhausted quota is not a rate limit: waiting does not help
      if (error.code === 'insufficient_quota') return { code: 'api-error', retry: false, summary: 'API quota exhausted', detail };
      return { code: 'rate-limited', retry: true, summary: 'Rate limited by the API', detail, waitMs: retryAfterMs(error.headers) };
    }
    if (isAuthFailure(status, error.code)) return { code: 'unauthorized', retry: false, summary: `API rejected the key (${status})`, detail: `${detail}${error.code ? ` [${error.code}]` : ''}` };
    if (status >= 500) return { code: 'server-error', retry: true, summary: `API server error ${status}`, detail };
    if (status === 408 || status === 409) return { code: 'server-error', retry: true, summary: `API error ${status}`, detail };
    return { code: 'api-error', retry: false, summary: `API rejected the request (${status})`, detail };
  }
  return { code: 'api-error', retry: false, summary: 'Unexpected error from the API client', detail: String((error as Error)?.message ?? error) };
}

/** What the stages share: one cache, one queue, one API client per run. */
export interface ClientOptions {
  readonly cacheDir?: string;
  readonly progress?: Progress;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Chat completions through the `openai` SDK with the SDK's own retries off: this class retries itself so
 * that every attempt is counted, a 429's `retry-after(-ms)` pauses *all* workers (not just the one that
 * hit it), and the number of requests in flight is bounded by one p-queue for the whole run.
 * Answers are cached before they are returned, so a killed run loses at most the requests in flight.
 */
export class ChatClient {
  readonly settings: GenerateSettings;
  readonly model: string;
  readonly params: Record<string, unknown>;
  readonly cache: ResponseCache;
  readonly queue: PQueue;
  readonly progress: Progress | undefined;
  /** keys answered (by a request or a batch) during this run, so their answers are not "cached" */
  readonly freshKeys = new Set<string>();
  private readonly inflight = new Map<string, Promise<CompletionResult>>();
  private api: OpenAI | null | undefined;
  private apiProblem = '';
  /** no request is sent before this time (set by a 429's retry-after) */
  private notBefore = 0;
  /** connection failures since the server last answered anything (reset by any HTTP answer) */
  private connectionFailures = 0;
  /** set by the first fatal API error: nothing is sent after it, and the run stops */
  fatal: FatalApiError | undefined;

  constructor(
    readonly ctx: RunContext,
    options: ClientOptions = {},
  ) {
    this.settings = ctx.config.generate;
    if (!this.settings.model) throw new Error('ChatClient needs generate.model');
    this.model = this.settings.model;
    this.params = requestParams(this.settings);
    // the user's cache (shared by every run and output folder) unless the run names one; an
    // environment without any home falls back to the output folder
    const dir =
      this.settings.cacheDir ?? options.cacheDir ?? defaultCacheDir(ctx.env, ctx.cwd) ?? (ctx.config.out ? join(ctx.config.out, 'cache') : undefined);
    if (!dir) throw new Error('ChatClient needs generate.cacheDir, a home directory in the environment, or an output folder');
    this.cache = new ResponseCache(dir);
    this.cache.ensure();
    this.cache.sweepTempFiles();
    this.queue = new PQueue({ concurrency: this.settings.concurrency });
    this.progress = options.progress;
    this.env = options.env ?? ctx.env;
  }

  private readonly env: Readonly<Record<string, string | undefined>>;

  get baseUrl(): string | undefined {
    // an empty setting (e.g. `OPENAI_BASE_URL=`) means "not set", as in the SDK
    return this.settings.baseUrl || this.env.OPENAI_BASE_URL || undefined;
  }

  /** The SDK client, made on first use (an offline or fully cached run never needs a key). */
  openai(): OpenAI | null {
    if (this.api !== undefined) return this.api;
    const baseURL = this.baseUrl;
    let apiKey = this.env.OPENAI_API_KEY;
    // local OpenAI-compatible servers (vLLM, llama.cpp, tests) take any key; the SDK insists on one
    if (!apiKey && isLocalUrl(baseURL)) apiKey = 'local-server-needs-no-key';
    if (!apiKey) {
      this.apiProblem = `OPENAI_API_KEY is not set (base URL ${baseURL ?? 'https://api.openai.com/v1'})`;
      this.ctx.warnings.push(diagnostic('warning', 'Generation skipped: no API key', this.apiProblem));
      this.api = null;
      return null;
    }
    this.api = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: this.settings.timeoutMs });
    return this.api;
  }

  request(messages: readonly ChatMessage[]): ChatRequest {
    return { model: this.model, params: this.params, messages };
  }

  /** Reads the cache; an answer received earlier in this run counts as fresh, not cached. */
  fromCache(request: ChatRequest, key = requestKey(request)): CompletionOk | undefined {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    const cached = !this.freshKeys.has(key);
    if (cached) {
      countMetric(this.ctx, 'generate.cached');
      this.progress?.add('cached');
    }
    return { ok: true, key, request, response: entry.response, cached };
  }

  /** Stores an answer (from a request or a batch) and accounts for its tokens and cost. */
  store(request: ChatRequest, response: ChatResponse, key = requestKey(request)): void {
    this.cache.put(request, response, key);
    this.freshKeys.add(key);
    countMetric(this.ctx, 'generate.prompt_tokens', response.usage.promptTokens);
    countMetric(this.ctx, 'generate.completion_tokens', response.usage.completionTokens);
    const micros = costMicros(this.settings, response.usage, response.via);
    countMetric(this.ctx, 'generate.cost_usd_micros', micros);
    this.progress?.add('costMicros', micros);
  }

  /**
   * Records the run's fatal error (the first one wins). `connection` counts one failed attempt and
   * becomes fatal at `generate.maxConnectionFailures` in a row.
   */
  noteFatal(code: FatalApiError['code'], detail: string): FatalApiError | undefined {
    if (this.fatal) return this.fatal;
    const where = this.baseUrl ?? 'https://api.openai.com/v1';
    if (code === 'unauthorized') {
      this.fatal = new FatalApiError(code, `the API at ${where} rejected the key: ${detail}`, this.cache.dir);
    } else {
      this.connectionFailures += 1;
      const limit = this.settings.maxConnectionFailures;
      if (this.connectionFailures < limit) return undefined;
      this.fatal = new FatalApiError(code, `${limit} connection failures in a row to ${where}: ${detail}`, this.cache.dir);
    }
    countMetric(this.ctx, 'generate.fatal');
    return this.fatal;
  }

  failure(request: ChatRequest, key: string, code: FailureCode, summary: string, detail: string, attempts = 0): CompletionFailure {
    countMetric(this.ctx, 'generate.failed');
    this.progress?.add('failed');
    return { ok: false, key, request, code, summary, detail, attempts };
  }

  /**
   * One chat completion: the cache first, then (unless offline or `cacheOnly`) the API through the
   * queue with retries. Identical requests in flight at once share one API call.
   */
  complete(messages: readonly ChatMessage[], options: { cacheOnly?: FailureCode } = {}): Promise<CompletionResult> {
    const request = this.request(messages);
    const key = requestKey(request);
    const hit = this.fromCache(request, key);
    if (hit) return Promise.resolve(hit);
    if (this.ctx.config.offline) {
      return Promise.resolve(
        this.failure(request, key, 'offline-cache-miss', 'No cached answer (offline)', `--offline: no cached answer for ${this.model} request ${key.slice(0, 16)} in ${this.cache.dir}`),
      );
    }
    if (this.fatal) return Promise.resolve(this.stopped(request, key));
    if (options.cacheOnly) {
      return Promise.resolve(this.failure(request, key, options.cacheOnly, 'No answer', `no answer for request ${key.slice(0, 16)}`));
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const promise = this.queue
      .add(() => this.send(request, key))
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /** A request not sent because the run is stopping (not counted as a failure of its own). */
  private stopped(request: ChatRequest, key: string): CompletionFailure {
    return { ok: false, key, request, code: 'stopped', summary: 'Not sent: the run stopped', detail: this.fatal?.message ?? 'the run stopped', attempts: 0 };
  }

  private async send(request: ChatRequest, key: string): Promise<CompletionResult> {
    // another worker (or another run sharing the folder) may have answered it while this one queued
    const hit = this.fromCache(request, key);
    if (hit) return hit;
    const api = this.openai();
    if (!api) return this.failure(request, key, 'no-api-key', 'No API key', this.apiProblem);
    const maxRetries = this.settings.maxRetries;
    let last: Classified | undefined;
    let attempts = 0;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      await sleep(this.notBefore - Date.now(), this.ctx.signal);
      if (this.ctx.signal?.aborted) return this.failure(request, key, 'aborted', 'Request aborted', 'the run was cancelled', attempt);
      if (this.fatal) return this.stopped(request, key);
      countMetric(this.ctx, 'generate.requests');
      this.progress?.add('requests');
      attempts += 1;
      try {
        const completion = await api.chat.completions.create(
          requestBody(request) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
          { maxRetries: 0, timeout: this.settings.timeoutMs, signal: this.ctx.signal },
        );
        const choice = completion.choices?.[0];
        if (!choice) {
          last = { code: 'api-error', retry: false, summary: 'API answered without a choice', detail: JSON.stringify(completion).slice(0, 500) };
          break;
        }
        const response: ChatResponse = {
          content: choice.message?.content ?? null,
          refusal: choice.message?.refusal ?? null,
          finishReason: choice.finish_reason ?? null,
          usage: { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 },
          model: completion.model ?? null,
          id: completion.id ?? null,
          via: 'sync',
        };
        this.connectionFailures = 0;
        this.store(request, response, key);
        return { ok: true, key, request, response, cached: false };
      } catch (error) {
        last = classify(error);
        if (last.code === 'unauthorized' || last.code === 'connection-error') {
          if (this.noteFatal(last.code, last.detail)) break;
        } else if (last.code !== 'timeout' && last.code !== 'aborted') {
          this.connectionFailures = 0; // the server answered
        }
        if (!last.retry || attempt === maxRetries) break;
        countMetric(this.ctx, 'generate.retries');
        if (last.code === 'rate-limited') countMetric(this.ctx, 'generate.rate_limited');
        this.progress?.add('retried');
        const wait = Math.min(
          this.settings.retryMaxDelayMs,
          last.waitMs ?? backoffMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxDelayMs),
        );
        // a rate limit applies to the whole key/account: every worker waits
        if (last.code === 'rate-limited') this.notBefore = Math.max(this.notBefore, Date.now() + wait);
        else await sleep(wait, this.ctx.signal);
      }
    }
    return this.failure(
      request,
      key,
      last!.code,
      last!.summary,
      `${last!.detail}${last!.retry ? ` (gave up after ${attempts} attempts)` : ''}`,
      attempts,
    );
  }

  async idle(): Promise<void> {
    await this.queue.onIdle();
  }
}
