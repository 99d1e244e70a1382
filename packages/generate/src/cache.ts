import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
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

/**
 * The user's response cache when neither `--cache-dir` nor the config names one: `$TFPAIRS_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/tfpairs`, else `~/.cache/tfpairs` (as distilabel does), read from the run's
 * environment, so the same build into a new `--out` sends no request again. A relative
 * `$TFPAIRS_CACHE_DIR` is taken from `cwd`; a relative `$XDG_CACHE_HOME` is ignored, as the XDG spec
 * says. `undefined` when the environment names no home at all.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  if (env.TFPAIRS_CACHE_DIR) return resolve(cwd, env.TFPAIRS_CACHE_DIR);
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'tfpairs');
  const home = env.HOME || env.USERPROFILE;
  return home ? join(home, '.cache', 'tfpairs') : undefined;
}

/** Whether a process of this machine is still running (a claim of a dead one may be taken over). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive claim on `path` between processes sharing a cache folder: the file is created with
 * O_EXCL (atomic on local file systems and NFSv3+), holding the claimant's host and pid. A claim
 * whose process died on this host is taken over; one from another host stays until released.
 * Returns a release function, or undefined when another live process holds the claim.
 */
export function claimFile(path: string): (() => void) | undefined {
  const me = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      mkdirSync(join(path, '..'), { recursive: true });
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ host: me, pid: process.pid, at: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { host?: string; pid?: number } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // being written right now (or a torn file of a killed claimant): look again
      if (Date.now() - safeMtime(path) < 5_000) return undefined;
    }
    if (holder.host === me && typeof holder.pid === 'number' && (holder.pid === process.pid || processAlive(holder.pid))) return undefined;
    if (holder.host && holder.host !== me) return undefined;
    rmSync(path, { force: true });
  }
  return undefined;
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

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
