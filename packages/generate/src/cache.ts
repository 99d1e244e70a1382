import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, stableStringify, writeFileAtomic } from '@tfpairs/core';
import { z } from 'zod';
import type { ChatMessage } from './template';

/** Everything that decides a model's answer: the cache key is a hash of exactly this. */
export interface ChatRequest {
  readonly model: string;
  /** every sampling parameter sent to the API, in API spelling (temperature, top_p, max_tokens, seed) */
  readonly params: Readonly<Record<string, unknown>>;
  readonly messages: readonly ChatMessage[];
}

export const ChatResponse = z.object({
  content: z.string().nullable(),
  /** the model's refusal message, when it declined (content is then null) */
  refusal: z.string().nullable().optional(),
  finishReason: z.string().nullable(),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }),
  /** the model name the server reported (may be a dated snapshot of the requested one) */
  model: z.string().nullable().optional(),
  /** the server's completion id */
  id: z.string().nullable().optional(),
  via: z.enum(['sync', 'batch']),
});
export type ChatResponse = z.infer<typeof ChatResponse>;

const CacheEntry = z.object({
  key: z.string(),
  request: z.object({ model: z.string(), params: z.record(z.string(), z.unknown()), messages: z.array(z.object({ role: z.string(), content: z.string() })) }),
  response: ChatResponse,
  createdAt: z.string(),
});
export type CacheEntry = z.infer<typeof CacheEntry>;

/** The API body of a request (what is sent, and what the key is computed from). */
export function requestBody(request: ChatRequest): Record<string, unknown> {
  return { model: request.model, messages: request.messages, ...request.params };
}

export function requestKey(request: ChatRequest): string {
  return sha256(stableStringify(requestBody(request)));
}

/**
 * Content-addressed response cache: one JSON file per (model, params, messages), under
 * `DIR/responses/<2 hex>/<key>.json`, written atomically (temp file + rename), so a kill mid-write
 * leaves no truncated entry and several runs can share one folder. An unreadable entry is a miss.
 */
export class ResponseCache {
  readonly responsesDir: string;
  readonly batchesDir: string;
  /** entries that existed but could not be read or parsed (each is re-requested) */
  corrupt = 0;

  constructor(readonly dir: string) {
    this.responsesDir = join(dir, 'responses');
    this.batchesDir = join(dir, 'batches');
  }

  pathFor(key: string): string {
    return join(this.responsesDir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): CacheEntry | undefined {
    let text: string;
    try {
      text = readFileSync(this.pathFor(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = CacheEntry.parse(JSON.parse(text));
      return entry.key === key ? entry : undefined;
    } catch {
      this.corrupt += 1;
      return undefined;
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  put(request: ChatRequest, response: ChatResponse, key = requestKey(request)): CacheEntry {
    const entry: CacheEntry = {
      key,
      request: { model: request.model, params: { ...request.params }, messages: request.messages.map((m) => ({ ...m })) },
      response,
      createdAt: new Date().toISOString(),
    };
    writeFileAtomic(this.pathFor(key), `${JSON.stringify(entry)}\n`);
    return entry;
  }

  /** Every valid entry (for tests and tooling). */
  keys(): string[] {
    const out: string[] = [];
    let shards: string[] = [];
    try {
      shards = readdirSync(this.responsesDir);
    } catch {
      return out;
    }
    for (const shard of shards) {
      for (const name of readdirSync(join(this.responsesDir, shard))) {
        if (name.endsWith('.json')) out.push(name.slice(0, -'.json'.length));
      }
    }
    return out.sort();
  }

  /**
   * Temp files left by a process killed mid-write are never read as entries; those older than
   * `minAgeMs` are removed (younger ones may belong to another run writing into a shared folder).
   */
  sweepTempFiles(minAgeMs = 10 * 60_000): number {
    let removed = 0;
    let shards: string[] = [];
    try {
      shards = readdirSync(this.responsesDir);
    } catch {
      return 0;
    }
    for (const shard of shards) {
      for (const name of readdirSync(join(this.responsesDir, shard))) {
        if (!name.endsWith('.tmp')) continue;
        const path = join(this.responsesDir, shard, name);
        try {
          if (Date.now() - statSync(path).mtimeMs < minAgeMs) continue;
          rmSync(path, { force: true });
          removed += 1;
        } catch {
          // already renamed or removed by its writer
        }
      }
    }
    return removed;
  }

  ensure(): void {
    mkdirSync(this.responsesDir, { recursive: true });
    mkdirSync(this.batchesDir, { recursive: true });
  }
}
