import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking the parts of the OpenAI API tfpairs uses (chat completions, Files,
 * Batches), for tests only: loopback, bounded bodies, bounded hangs. Its answers are scripted by
 * markers in the task prompt (see `scriptedResponder`) or by a test's own `respond` function, and it
 * logs every request so tests can assert what was (not) sent.
 */

export interface ChatMessageIn {
  readonly role: string;
  readonly content: string;
}

export interface ChatCall {
  readonly body: Record<string, unknown>;
  readonly model: string;
  readonly messages: readonly ChatMessageIn[];
  /** hash of the whole request body (same body = same request) */
  readonly key: string;
  /** how many times this exact body was sent before (sync endpoint only; 0 in batches) */
  readonly attempt: number;
  readonly via: 'sync' | 'batch';
}

export type Reply =
  | { readonly kind: 'answer'; readonly content: string | null; readonly refusal?: string; readonly finishReason?: 'stop' | 'length' | 'content_filter'; readonly delayMs?: number }
  | { readonly kind: 'error'; readonly status: number; readonly headers?: Record<string, string>; readonly message?: string; readonly code?: string; readonly delayMs?: number }
  /** never answer (the client's timeout fires); the server gives up after `hangLimitMs` */
  | { readonly kind: 'hang' };

export type Responder = (call: ChatCall) => Reply;

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly key?: string;
  readonly status: number;
  readonly via?: 'sync' | 'batch';
  /** when the request arrived (ms since epoch) */
  readonly at: number;
}

export interface ServerOptions {
  readonly respond?: Responder;
  /** polls of GET /batches/:id before a batch completes (validating -> in_progress -> completed) */
  readonly batchPolls?: number;
  readonly maxBodyBytes?: number;
  readonly hangLimitMs?: number;
  /**
   * how batches end: `expired` answers only the first half of the lines (the rest never ran),
   * `failed` rejects the input file at validation (`errors` set, no output)
   */
  readonly batchOutcome?: 'completed' | 'expired' | 'failed';
}

interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly purpose: string;
  readonly content: string;
  readonly created_at: number;
}

interface StoredBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: string;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: { object: 'list'; data: { code: string; message: string; line: number | null }[] } | null;
  created_at: number;
  completed_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
  polls: number;
}

export interface OpenAITestServer {
  /** base URL including `/v1`, as `--base-url` takes it */
  readonly url: string;
  readonly log: LoggedRequest[];
  readonly files: Map<string, StoredFile>;
  readonly batches: Map<string, StoredBatch>;
  /** every chat completion request on the sync endpoint, logged when it arrives */
  readonly received: { readonly key: string; readonly at: number }[];
  /** chat completions actually answered with 200 (sync and batch), by request key */
  readonly answered: Map<string, number>;
  /** chat completion requests received on the sync endpoint (every attempt) */
  chatRequests(): number;
  /** chat completion request lines received in batch input files */
  batchLines(): number;
  /** the most chat completion requests that were open at the same time */
  maxInFlight(): number;
  close(): Promise<void>;
}

export const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with sorted keys: a request's identity does not depend on the client's key order. */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
}

const MARKER = /\[\[([a-z0-9-]+)(?::(\d+))?\]\]/g;

/** Markers in the first user message of a conversation: `[[503:2]]` etc. */
export function markers(messages: readonly ChatMessageIn[]): Map<string, number> {
  const task = messages.find((m) => m.role === 'user')?.content ?? '';
  const out = new Map<string, number>();
  for (const m of task.matchAll(MARKER)) out.set(m[1]!, m[2] === undefined ? 1 : Number(m[2]));
  return out;
}

/** A valid little configuration that depends on the model and the task (a new model answers differently). */
export function goodCode(model: string, task: string): string {
  const h = sha(`${model}\u0000${task}`).slice(0, 8);
  return `resource "aws_s3_bucket" "b_${h}" {\n  bucket = "tfpairs-${h}"\n}\n`;
}

export const BROKEN_CODE = 'resource "aws_s3_bucket" "broken" {\n  bucket = "x"\n'; // unclosed block

const isRepairTurn = (messages: readonly ChatMessageIn[]) => messages.some((m) => m.role === 'user' && m.content.includes('terraform validate'));
const isMutation = (messages: readonly ChatMessageIn[]) => messages.some((m) => m.role === 'user' && m.content.includes('Change request:'));

/**
 * The default script. Markers in the task prompt:
 * `[[429:N]]` first N attempts 429 with `retry-after-ms: 30`; `[[429s:N]]` the same with `retry-after: 1`;
 * `[[503:N]]` first N attempts 503; `[[fail]]` always 500; `[[hang:N]]` first N attempts never answer;
 * `[[slow:MS]]` answer after MS ms; `[[truncate]]` cut off (`finish_reason: length`); `[[nocode]]` prose only;
 * `[[broken]]` a syntax error, fixed when the conversation carries diagnostics; `[[always-broken]]`;
 * `[[bad-request]]` 400; `[[batch-error]]` the line lands in a batch's error file; `[[refuse]]` a refusal
 * (content null); `[[filtered]]` cut off by the content filter;
 * `[[mutation-garbage]]` a change request without code.
 */
export const scriptedResponder: Responder = (call): Reply => {
  const mk = markers(call.messages);
  const task = call.messages.find((m) => m.role === 'user')?.content ?? '';
  const delayMs = mk.get('slow');
  if (call.via === 'sync') {
    if (mk.has('429') && call.attempt < mk.get('429')!) return { kind: 'error', status: 429, headers: { 'retry-after-ms': '30' }, message: 'Rate limit reached for requests', code: 'rate_limit_exceeded' };
    if (mk.has('429s') && call.attempt < mk.get('429s')!) return { kind: 'error', status: 429, headers: { 'retry-after': '1' }, message: 'Rate limit reached for requests', code: 'rate_limit_exceeded' };
    if (mk.has('503') && call.attempt < mk.get('503')!) return { kind: 'error', status: 503, message: 'The server is overloaded or not ready yet.' };
    if (mk.has('hang') && call.attempt < mk.get('hang')!) return { kind: 'hang' };
  }
  if (mk.has('fail')) return { kind: 'error', status: 500, message: 'The server had an error while processing your request.' };
  if (mk.has('bad-request')) return { kind: 'error', status: 400, message: "Invalid value for 'messages'.", code: 'invalid_value' };
  if (call.via === 'batch' && mk.has('batch-error')) return { kind: 'error', status: 500, message: 'The server had an error while processing your request.' };
  if (isMutation(call.messages)) {
    if (mk.has('mutation-garbage')) return { kind: 'answer', content: 'I would rather not change anything.', delayMs };
    const code = call.messages.map((m) => /```hcl\n([\s\S]*?)```/.exec(m.content)?.[1]).find(Boolean) ?? '';
    const kind = /\(([^)]*)\)/.exec(call.messages[call.messages.length - 1]!.content)?.[1] ?? 'a change';
    const h = sha(kind + code).slice(0, 6);
    return {
      kind: 'answer',
      delayMs,
      content: `Change request: Please also create a log bucket named logs-${h} (${kind}).\n\n\`\`\`hcl\n${code}\nresource "aws_s3_bucket" "logs_${h}" {\n  bucket = "logs-${h}"\n}\n\`\`\`\n`,
    };
  }
  const code = goodCode(call.model, task);
  if (mk.has('truncate')) return { kind: 'answer', finishReason: 'length', content: `\`\`\`hcl\n${code.slice(0, 30)}`, delayMs };
  if (mk.has('refuse')) return { kind: 'answer', content: null, refusal: "I'm sorry, but I can't assist with that request.", delayMs };
  if (mk.has('filtered')) return { kind: 'answer', finishReason: 'content_filter', content: '```hcl\nresource "aws_s3_bucket" "x" {', delayMs };
  if (mk.has('nocode')) return { kind: 'answer', content: 'I cannot help with creating this infrastructure without more details.', delayMs };
  if (mk.has('always-broken') || (mk.has('broken') && !isRepairTurn(call.messages))) {
    return { kind: 'answer', content: `Here is the configuration:\n\n\`\`\`hcl\n${BROKEN_CODE}\`\`\`\n`, delayMs };
  }
  return { kind: 'answer', content: `\`\`\`hcl\n${code}\`\`\`\n`, delayMs };
};

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function completionBody(call: ChatCall, reply: Extract<Reply, { kind: 'answer' }>, n: number) {
  const prompt = call.messages.map((m) => m.content).join('\n');
  return {
    id: `chatcmpl-${call.key.slice(0, 12)}${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: `${call.model}-2024-08-06`,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.content, refusal: reply.refusal ?? null }, finish_reason: reply.finishReason ?? 'stop', logprobs: null }],
    usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(reply.content ?? ''), total_tokens: tokens(prompt) + tokens(reply.content ?? '') },
    system_fingerprint: 'fp_tfpairs_test',
  };
}

function errorBody(reply: Extract<Reply, { kind: 'error' }>) {
  return { error: { message: reply.message ?? `HTTP ${reply.status}`, type: reply.status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: reply.code ?? null } };
}

export async function startOpenAIServer(options: ServerOptions = {}): Promise<OpenAITestServer> {
  const respond = options.respond ?? scriptedResponder;
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const hangLimitMs = options.hangLimitMs ?? 20_000;
  const batchPolls = options.batchPolls ?? 2;
  const log: LoggedRequest[] = [];
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, StoredBatch>();
  const answered = new Map<string, number>();
  const received: { key: string; at: number }[] = [];
  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let counter = 0;
  let chat = 0;
  let lines = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const nextId = (prefix: string) => `${prefix}-${(++counter).toString(36).padStart(6, '0')}`;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${counter}`, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) throw Object.assign(new Error('request body too large'), { status: 413 });
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function toCall(body: Record<string, unknown>, via: 'sync' | 'batch'): ChatCall {
    const key = sha(sortedJson(body));
    const attempt = via === 'sync' ? (attempts.get(key) ?? 0) : 0;
    if (via === 'sync') attempts.set(key, attempt + 1);
    return { body, model: String(body.model), messages: (body.messages as ChatMessageIn[]) ?? [], key, attempt, via };
  }

  function runBatch(batch: StoredBatch): void {
    const input = files.get(batch.input_file_id)!;
    const outputs: string[] = [];
    const errors: string[] = [];
    const seen = new Set<string>();
    const problems: { code: string; message: string; line: number | null }[] = [];
    const rows = input.content.split('\n').filter((l) => l.trim() !== '');
    rows.forEach((text, i) => {
      let row: { custom_id?: string; method?: string; url?: string; body?: Record<string, unknown> };
      try {
        row = JSON.parse(text);
      } catch {
        problems.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', line: i + 1 });
        return;
      }
      if (!row.custom_id || row.method !== 'POST' || row.url !== batch.endpoint || !row.body) {
        problems.push({ code: 'invalid_request', message: 'custom_id, method POST, url and body are required', line: i + 1 });
      } else if (seen.has(row.custom_id)) {
        problems.push({ code: 'duplicate_custom_id', message: `The custom_id for this request is a duplicate of another request.`, line: i + 1 });
      } else if (row.body.model !== JSON.parse(rows[0]!).body?.model) {
        problems.push({ code: 'mismatched_model', message: 'All requests in a batch must use the same model.', line: i + 1 });
      }
      if (row.custom_id) seen.add(row.custom_id);
    });
    if (options.batchOutcome === 'failed') problems.push({ code: 'token_limit_exceeded', message: 'Enqueued token limit reached for gpt-4o in organization org-test.', line: null });
    if (problems.length) {
      batch.status = 'failed';
      batch.errors = { object: 'list', data: problems };
      return;
    }
    const ran = options.batchOutcome === 'expired' ? rows.slice(0, Math.ceil(rows.length / 2)) : rows;
    for (const text of ran) {
      const row = JSON.parse(text) as { custom_id: string; body: Record<string, unknown> };
      lines += 1;
      const call = toCall(row.body, 'batch');
      const reply = respond(call);
      const requestId = `req_${nextId('b')}`;
      if (reply.kind === 'answer') {
        answered.set(call.key, (answered.get(call.key) ?? 0) + 1);
        outputs.push(JSON.stringify({ id: `batch_req_${requestId}`, custom_id: row.custom_id, response: { status_code: 200, request_id: requestId, body: completionBody(call, reply, 0) }, error: null }));
      } else {
        const err = reply.kind === 'error' ? reply : ({ kind: 'error', status: 500, message: 'timed out' } as const);
        errors.push(JSON.stringify({ id: `batch_req_${requestId}`, custom_id: row.custom_id, response: { status_code: err.status, request_id: requestId, body: errorBody(err) }, error: null }));
      }
    }
    // the Batch API does not keep input order
    outputs.reverse();
    const store = (content: string) => {
      const id = nextId('file');
      files.set(id, { id, filename: `${batch.id}_output.jsonl`, purpose: 'batch_output', content, created_at: Math.floor(Date.now() / 1000) });
      return id;
    };
    batch.output_file_id = outputs.length ? store(`${outputs.join('\n')}\n`) : null;
    batch.error_file_id = errors.length ? store(`${errors.join('\n')}\n`) : null;
    batch.request_counts = { total: rows.length, completed: outputs.length, failed: errors.length };
    batch.status = options.batchOutcome === 'expired' ? 'expired' : 'completed';
    batch.completed_at = Math.floor(Date.now() / 1000);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/v1/, '');
    const at = Date.now();
    const entry = (status: number, extra: Partial<LoggedRequest> = {}) => log.push({ method: req.method ?? '', path, status, at, ...extra });
    try {
      if (req.method === 'POST' && path === '/chat/completions') {
        const body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
        chat += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('close', () => (inFlight -= 1));
        const call = toCall(body, 'sync');
        received.push({ key: call.key, at: Date.now() });
        const reply = respond(call);
        if (reply.kind === 'hang') {
          entry(0, { key: call.key, via: 'sync' });
          later(hangLimitMs, () => send(res, 504, { error: { message: 'gateway timeout', type: 'server_error' } }));
          return;
        }
        const answer = () => {
          if (reply.kind === 'error') {
            entry(reply.status, { key: call.key, via: 'sync' });
            return send(res, reply.status, errorBody(reply), reply.headers);
          }
          entry(200, { key: call.key, via: 'sync' });
          answered.set(call.key, (answered.get(call.key) ?? 0) + 1);
          send(res, 200, completionBody(call, reply, call.attempt));
        };
        if (reply.delayMs) later(reply.delayMs, answer);
        else answer();
        return;
      }
      if (req.method === 'POST' && path === '/files') {
        const raw = await readBody(req);
        // multipart/form-data is parsed by undici's own Request (Node's fetch), not by hand
        const form = await new Request('http://127.0.0.1/upload', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(raw) }).formData();
        const file = form.get('file');
        const purpose = String(form.get('purpose') ?? '');
        if (!file || typeof file === 'string' || !purpose) {
          entry(400);
          return send(res, 400, { error: { message: 'file and purpose are required', type: 'invalid_request_error' } });
        }
        const id = nextId('file');
        const stored: StoredFile = { id, filename: file.name, purpose, content: await file.text(), created_at: Math.floor(Date.now() / 1000) };
        files.set(id, stored);
        entry(200);
        return send(res, 200, { id, object: 'file', bytes: Buffer.byteLength(stored.content), created_at: stored.created_at, filename: stored.filename, purpose, status: 'processed' });
      }
      const fileMatch = /^\/files\/([^/]+)(\/content)?$/.exec(path);
      if (req.method === 'GET' && fileMatch) {
        const file = files.get(fileMatch[1]!);
        if (!file) {
          entry(404);
          return send(res, 404, { error: { message: `No such File object: ${fileMatch[1]}`, type: 'invalid_request_error' } });
        }
        entry(200);
        if (fileMatch[2]) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          return res.end(file.content);
        }
        return send(res, 200, { id: file.id, object: 'file', bytes: Buffer.byteLength(file.content), created_at: file.created_at, filename: file.filename, purpose: file.purpose, status: 'processed' });
      }
      if (req.method === 'POST' && path === '/batches') {
        const body = JSON.parse((await readBody(req)).toString('utf8')) as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> };
        const input = body.input_file_id ? files.get(body.input_file_id) : undefined;
        if (!input || input.purpose !== 'batch' || body.endpoint !== '/v1/chat/completions' || body.completion_window !== '24h') {
          entry(400);
          return send(res, 400, { error: { message: 'invalid batch: input_file_id (purpose batch), endpoint and completion_window 24h are required', type: 'invalid_request_error' } });
        }
        const batch: StoredBatch = {
          id: nextId('batch'), object: 'batch', endpoint: body.endpoint, input_file_id: input.id, completion_window: '24h', status: 'validating',
          output_file_id: null, error_file_id: null, errors: null, created_at: Math.floor(Date.now() / 1000), completed_at: null,
          request_counts: { total: 0, completed: 0, failed: 0 }, metadata: body.metadata ?? null, polls: 0,
        };
        batches.set(batch.id, batch);
        entry(200);
        const { polls: _p, ...visible } = batch;
        return send(res, 200, visible);
      }
      const batchMatch = /^\/batches\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && batchMatch) {
        const batch = batches.get(batchMatch[1]!);
        if (!batch) {
          entry(404);
          return send(res, 404, { error: { message: `No such Batch: ${batchMatch[1]}`, type: 'invalid_request_error' } });
        }
        batch.polls += 1;
        if (batch.status === 'validating' && batch.polls >= 1) batch.status = 'in_progress';
        if (batch.status === 'in_progress' && batch.polls >= batchPolls) runBatch(batch);
        entry(200);
        const { polls: _p, ...visible } = batch;
        return send(res, 200, visible);
      }
      if (req.method === 'GET' && path === '/batches') {
        const data = [...batches.values()].reverse().map(({ polls: _p, ...b }) => b);
        entry(200);
        return send(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: false });
      }
      entry(404);
      send(res, 404, { error: { message: `Unknown request URL: ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
    } catch (e) {
      const status = (e as { status?: number }).status ?? 400;
      entry(status);
      send(res, status, { error: { message: (e as Error).message, type: 'invalid_request_error' } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    log,
    files,
    batches,
    answered,
    received,
    chatRequests: () => chat,
    batchLines: () => lines,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
