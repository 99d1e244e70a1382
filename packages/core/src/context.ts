import type { Diagnostic } from './diagnostic';
import type { PipelineConfig } from './config';
import type { ProgressDisplay } from './progress';

/**
 * Services a run shares between its stages, made once by the command that starts the run. Stage
 * packages add their own entries by declaration merging (`declare module '@tfpairs/core' { interface
 * RunServices { chat?: ... } }`), so core stays ignorant of them and nothing is kept in module state.
 */
export interface RunServices {
  /** the run's one progress display (none in library use and most tests) */
  progress?: ProgressDisplay;
}

/**
 * Everything a run shares with its stages: the config, where the user ran it (`cwd`, `env`: nothing
 * below the CLI reads `process.*`), run-level warnings (e.g. "sandbox skipped: no Docker engine"),
 * counters that end up in manifest.json, and the run's services. No other hidden state.
 */
export interface RunContext {
  readonly config: PipelineConfig;
  /** the directory relative paths (inputs) are read from */
  readonly cwd: string;
  /** the environment the run was started with (API keys, DOCKER_HOST, ...) */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** run-level diagnostics (not about one record), written to manifest.json `warnings` */
  readonly warnings: Diagnostic[];
  /** named counters, grouped by their first dot-separated segment in manifest.json `metrics` */
  readonly metrics: Map<string, number>;
  readonly services: RunServices;
  /** progress / log lines; goes to stderr in the CLI */
  log(message: string): void;
  readonly signal?: AbortSignal;
}

export interface RunContextOptions {
  readonly log?: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly services?: RunServices;
}

/**
 * A run context. Library use and tests may leave out `cwd` and `env`: relative inputs are then read
 * from `/` (an explicit root, never the process's directory) and the environment is empty.
 */
export function createRunContext(config: PipelineConfig, options: RunContextOptions = {}): RunContext {
  const services = options.services ?? {};
  const log = options.log ?? (services.progress ? (m: string) => services.progress!.log(m) : () => {});
  return { config, cwd: options.cwd ?? '/', env: options.env ?? {}, warnings: [], metrics: new Map(), services, log, signal: options.signal };
}

export function countMetric(ctx: RunContext, key: string, by = 1): void {
  ctx.metrics.set(key, (ctx.metrics.get(key) ?? 0) + by);
}

/** `{ "scrub.rule.aws-key": 2, "generate.requests": 5 }` -> `{ scrub: { "rule.aws-key": 2 }, generate: { requests: 5 } }` */
export function groupMetrics(metrics: ReadonlyMap<string, number>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [key, value] of [...metrics].sort(([a], [b]) => a.localeCompare(b))) {
    const dot = key.indexOf('.');
    const group = dot < 0 ? 'run' : key.slice(0, dot);
    const name = dot < 0 ? key : key.slice(dot + 1);
    (out[group] ??= {})[name] = value;
  }
  return out;
}
