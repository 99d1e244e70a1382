import type { Diagnostic } from './diagnostic';
import type { PipelineConfig } from './config';

/**
 * What a run shares with its stages: the config, run-level warnings (e.g. "sandbox skipped: no Docker
 * engine") and counters that end up in manifest.json. No other hidden state.
 */
export interface RunContext {
  readonly config: PipelineConfig;
  /** run-level diagnostics (not about one record), written to manifest.json `warnings` */
  readonly warnings: Diagnostic[];
  /** named counters, grouped by their first dot-separated segment in manifest.json `metrics` */
  readonly metrics: Map<string, number>;
  /** progress / log lines; goes to stderr in the CLI */
  log(message: string): void;
  readonly signal?: AbortSignal;
}

export function createRunContext(config: PipelineConfig, log: (m: string) => void = () => {}, signal?: AbortSignal): RunContext {
  return { config, warnings: [], metrics: new Map(), log, signal };
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
