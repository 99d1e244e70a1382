import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const GenerateConfig = z.object({
  /** model to draft baselines with; no model = no generation (recorded drafts only) */
  model: z.string().optional(),
  /** OpenAI-compatible base URL; defaults to OPENAI_BASE_URL, then the SDK default */
  baseUrl: z.string().optional(),
  temperature: z.number().min(0).max(2).default(0),
  topP: z.number().min(0).max(1).optional(),
  maxTokens: z.number().int().positive().default(2048),
  /** how the token limit is sent: `max_tokens` (most OpenAI-compatible servers) or `max_completion_tokens` (o-series) */
  tokenLimitParam: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
  /** further request parameters sent as they are (e.g. `{"stop": ["\n\n\n"]}`); part of the cache key */
  extraParams: z.record(z.string(), z.unknown()).default({}),
  seed: z.number().int().optional(),
  /** requests in flight at once */
  concurrency: z.number().int().positive().default(4),
  maxRetries: z.number().int().min(0).default(5),
  /** first backoff delay on 5xx/timeouts (doubled per retry, with jitter) */
  retryBaseMs: z.number().int().positive().default(1_000),
  /** longest wait between two attempts (also caps a server's retry-after) */
  retryMaxDelayMs: z.number().int().positive().default(60_000),
  timeoutMs: z.number().int().positive().default(120_000),
  /** connection failures in a row (no HTTP answer at all) after which the run stops with exit 1 */
  maxConnectionFailures: z.number().int().positive().default(8),
  /** content-addressed response cache shared between runs (default: $TFPAIRS_CACHE_DIR, $XDG_CACHE_HOME/tfpairs, ~/.cache/tfpairs) */
  cacheDir: z.string().meta({ path: true }).optional(),
  /** use the Batch API (half price, hours of latency) */
  batch: z.boolean().default(false),
  batchPollMs: z.number().int().positive().default(30_000),
  /** a batch input file holds at most this many requests (the API's limit is 50,000) */
  batchMaxRequests: z.number().int().positive().max(50_000).default(50_000),
  /** and at most this many bytes (the API's limit is 200 MB) */
  batchMaxBytes: z.number().int().positive().max(200 * 1024 * 1024).default(200 * 1024 * 1024),
  /** self-correction turns for failing gold/candidates; 0 disables repair */
  repairTurns: z.number().int().min(0).default(2),
  /** let the repair loop replace gold that fails verification (audited; only when it meets the intent, else above the floor) */
  repairGold: z.boolean().default(false),
  /** a repaired gold is kept only when its similarity to the original reaches this (see generate README) */
  repairGoldFloor: z.number().min(0).max(1).default(0.5),
  /** TF-Mutn samples to draw per verified configuration; 0 disables */
  mutations: z.number().int().min(0).default(0),
  /** file holding the prompt template (`{{prompt}}` placeholder); default is the bundled one */
  templateFile: z.string().meta({ path: true }).optional(),
  /** USD per 1M tokens, for the cost estimate in manifest.json */
  pricePerMInput: z.number().min(0).default(2.5),
  pricePerMOutput: z.number().min(0).default(10),
});

export const generateFlags: FlagSpec[] = [
  { name: 'model', type: 'string', path: 'generate.model', help: 'draft a baseline per prompt with this model (e.g. gpt-4o)', arg: 'NAME' },
  { name: 'base-url', type: 'string', path: 'generate.baseUrl', help: 'OpenAI-compatible API base URL (env OPENAI_BASE_URL)', arg: 'URL' },
  { name: 'temperature', type: 'number', path: 'generate.temperature', help: 'sampling temperature', default: '0' },
  { name: 'max-tokens', type: 'number', path: 'generate.maxTokens', help: 'max completion tokens', default: '2048' },
  { name: 'token-limit-param', type: 'string', path: 'generate.tokenLimitParam', help: 'max_tokens | max_completion_tokens', default: 'max_tokens', arg: 'NAME' },
  { name: 'seed', type: 'number', path: 'generate.seed', help: 'sampling seed sent to the API' },
  { name: 'concurrency', type: 'number', path: 'generate.concurrency', help: 'requests in flight', default: '4' },
  { name: 'max-retries', type: 'number', path: 'generate.maxRetries', help: 'retries on 429/5xx/timeouts before auditing the record', default: '5' },
  { name: 'top-p', type: 'number', path: 'generate.topP', help: 'nucleus sampling (top_p) sent to the API' },
  { name: 'retry-base-ms', type: 'number', path: 'generate.retryBaseMs', help: 'first backoff delay on 5xx/timeouts', default: '1000' },
  { name: 'retry-max-delay-ms', type: 'number', path: 'generate.retryMaxDelayMs', help: 'longest wait between attempts', default: '60000' },
  { name: 'timeout-ms', type: 'number', path: 'generate.timeoutMs', help: 'per-request timeout', default: '120000' },
  { name: 'cache-dir', type: 'string', path: 'generate.cacheDir', help: 'response cache folder (default $TFPAIRS_CACHE_DIR, else $XDG_CACHE_HOME/tfpairs, else ~/.cache/tfpairs)', arg: 'DIR' },
  { name: 'max-connection-failures', type: 'number', path: 'generate.maxConnectionFailures', help: 'connection failures in a row that stop the run', default: '8' },
  { name: 'batch', type: 'boolean', path: 'generate.batch', help: 'use the OpenAI Batch API' },
  { name: 'batch-poll-ms', type: 'number', path: 'generate.batchPollMs', help: 'batch status poll interval', default: '30000' },
  { name: 'price-input', type: 'number', path: 'generate.pricePerMInput', help: 'USD per 1M prompt tokens (cost estimate)', default: '2.5' },
  { name: 'price-output', type: 'number', path: 'generate.pricePerMOutput', help: 'USD per 1M completion tokens (cost estimate)', default: '10' },
  { name: 'batch-max-requests', type: 'number', path: 'generate.batchMaxRequests', help: 'requests per batch input file (API limit 50000)', default: '50000' },
  { name: 'repair-turns', type: 'number', path: 'generate.repairTurns', help: 'self-correction turns for failing code', default: '2' },
  { name: 'repair-gold', type: 'boolean', path: 'generate.repairGold', help: 'also repair gold that fails verification (audited; kept only when it meets the record\'s intent, or without one when still similar to the original)' },
  { name: 'repair-gold-floor', type: 'number', path: 'generate.repairGoldFloor', help: 'least similarity of a repaired gold to its original', default: '0.5' },
  { name: 'mutations', type: 'number', path: 'generate.mutations', help: 'TF-Mutn samples per verified configuration', default: '0' },
  { name: 'template', type: 'string', path: 'generate.templateFile', help: 'prompt template file with {{prompt}}', arg: 'FILE' },
];
