import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { setPath, type FlagSpec } from '../flags';
import { GenerateConfig, generateFlags } from './generate';
import { ChecksConfig, checksFlags } from './checks';
import { IntentConfig, intentFlags } from './intent';
import { NegativesConfig, negativesFlags } from './negatives';
import { NormaliseConfig, normaliseFlags } from './normalise';
import { OutputConfig, outputFlags } from './output';
import { IngestConfig, ingestFlags } from './ingest';
import { ReportConfig, reportFlags } from './report';
import { SandboxConfig, sandboxFlags } from './sandbox';
import { ScrubConfig, scrubFlags } from './scrub';
import { SplitConfig, splitFlags } from './split';
import { MainHeapConfig, ShardConfig, scaleFlags, WorkerHeapConfig, WorkersConfig } from './scale';
import { VerifyConfig, verifyFlags } from './verify';
import { completeSplitShares, unknownKeys } from './strict';

/**
 * Why a candidate is worse than the gold; the writer names one per pair (`meta.rejected_because`).
 * `lint` / `security` / `policy`: it validates and meets the intent but fails a check of `--require`.
 */
export const REJECTED_REASONS = ['invalid', 'intent', 'truncated', 'lint', 'security', 'policy', 'differs'] as const;
export type RejectedReason = (typeof REJECTED_REASONS)[number];
/** the old single-word modes, kept as aliases: `different` was "any candidate that differs" */
const REJECTED_ALIASES: Record<string, RejectedReason[]> = { different: ['invalid', 'intent', 'differs'] };

/** `invalid,intent` (flag) or `["invalid", "intent"]` (config file) -> the list of reasons */
const RejectedList = z.preprocess(
  (v) => {
    const items = typeof v === 'string' ? v.split(',') : v;
    if (!Array.isArray(items)) return items;
    return [...new Set(items.flatMap((x) => (typeof x === 'string' ? (REJECTED_ALIASES[x.trim()] ?? [x.trim()]) : [x])).filter((x) => x !== ''))];
  },
  z.array(z.enum(REJECTED_REASONS)).min(1),
);

export const DpoConfig = z.object({
  /**
   * which reasons make a candidate a `rejected`: `invalid` (fails verification), `intent` (its policy
   * verdict fails), `truncated` (cut off by the token limit), `differs` (verifies and merely differs:
   * IaC-DPO's "any draft"). Default: only candidates shown to be worse; truncated and empty answers
   * are never rejected unless asked for.
   */
  rejected: RejectedList.default(['invalid', 'intent']),
});

/** The one config schema of the whole pipeline. CLI flags and `--config FILE` (JSON) map onto it. */
export const PipelineConfig = z.object({
  inputs: z.array(z.string()).default([]),
  out: z.string().meta({ path: true }).optional(),
  /** never make a network call (generation only from cache / recorded drafts) */
  offline: z.boolean().default(false),
  ingest: IngestConfig.default(IngestConfig.parse({})),
  normalise: NormaliseConfig.default(NormaliseConfig.parse({})),
  scrub: ScrubConfig.default(ScrubConfig.parse({})),
  verify: VerifyConfig.default(VerifyConfig.parse({})),
  intent: IntentConfig.default(IntentConfig.parse({})),
  checks: ChecksConfig.default(ChecksConfig.parse({})),
  negatives: NegativesConfig.default(NegativesConfig.parse({})),
  generate: GenerateConfig.default(GenerateConfig.parse({})),
  sandbox: SandboxConfig.default(SandboxConfig.parse({})),
  split: SplitConfig.default(SplitConfig.parse({})),
  dpo: DpoConfig.default(DpoConfig.parse({})),
  report: ReportConfig.default(ReportConfig.parse({})),
  output: OutputConfig.default(OutputConfig.parse({})),
  shard: ShardConfig,
  workers: WorkersConfig,
  workerHeapMb: WorkerHeapConfig,
  mainHeapMb: MainHeapConfig,
});
export type PipelineConfig = z.infer<typeof PipelineConfig>;

export const buildFlags: FlagSpec[] = [
  { name: 'input', type: 'string[]', path: 'inputs', help: 'input: IaC-Eval .csv, .jsonl, or a folder of tasks', arg: 'PATH' },
  { name: 'out', type: 'string', path: 'out', help: 'output folder', arg: 'DIR' },
  { name: 'config', type: 'string', help: 'JSON config file (flags override it)', arg: 'FILE' },
  { name: 'offline', type: 'boolean', path: 'offline', help: 'make no network call at all' },
  { name: 'dpo-rejected', type: 'string', path: 'dpo.rejected', help: 'reasons that make a draft a DPO rejected: invalid,intent,truncated,differs', default: 'invalid,intent', arg: 'LIST' },
  ...ingestFlags,
  ...normaliseFlags,
  ...scrubFlags,
  ...verifyFlags,
  ...intentFlags,
  ...checksFlags,
  ...negativesFlags,
  ...generateFlags,
  ...sandboxFlags,
  ...splitFlags,
  ...reportFlags,
  ...outputFlags,
  ...scaleFlags,
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export class ConfigError extends Error {}

function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
}

/**
 * Reads a JSON config file (optional), overlays flag values, validates the whole with zod, and resolves
 * every field the schema marks as a path (`.meta({ path: true })`) against `cwd`: the directory the user
 * ran the command in, never the process's. Inputs stay as given (ingest resolves them and shows them
 * as typed in the audit).
 */
export function resolveConfig(flagValues: Record<string, unknown>, cwd: string, specs: readonly FlagSpec[] = buildFlags): PipelineConfig {
  let base: Record<string, unknown> = {};
  const file = flagValues.config as string | undefined;
  if (file) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (!base || typeof base !== 'object' || Array.isArray(base)) throw new ConfigError(`config file ${file} must hold a JSON object`);
    const unknown = unknownKeys(PipelineConfig, base);
    if (unknown.length) throw new ConfigError(`config file ${file}: ${unknown.join('; ')}`);
  }
  for (const spec of specs) {
    if (!spec.path || !(spec.name in flagValues)) continue;
    let value = flagValues[spec.name];
    if (spec.invert) value = !value;
    if (spec.type === 'string[]' && spec.path === 'inputs' && Array.isArray(base.inputs)) value = [...(base.inputs as string[]), ...(value as string[])];
    setPath(base, spec.path, value);
  }
  if (base.split && typeof base.split === 'object') {
    const split = completeSplitShares(base.split as Record<string, unknown>);
    if (typeof split === 'string') throw new ConfigError(split);
    base.split = split;
  }
  return resolvePaths(parseConfig(base, file ? `config file ${file}` : 'flags'), cwd);
}

type Walkable = { _zod: { def: { type: string; shape?: Record<string, Walkable>; innerType?: Walkable; element?: Walkable } }; meta?: () => { path?: boolean; names?: readonly string[] } | undefined };

/** A path field: where it is, and the names it takes that are not paths (e.g. `security`, the bundled pack). */
type PathField = { readonly at: readonly string[]; readonly names: readonly string[] };

/** Dotted paths of the fields marked as file paths (`[]` for array elements), read from the schema. */
function pathFields(schema: Walkable, at: string[] = [], out: PathField[] = []): PathField[] {
  const meta = schema.meta?.();
  if (meta?.path) {
    out.push({ at, names: meta.names ?? [] });
    return out;
  }
  const def = schema._zod.def;
  if (def.type === 'object') for (const [k, v] of Object.entries(def.shape!)) pathFields(v, [...at, k], out);
  else if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') pathFields(def.innerType!, at, out);
  else if (def.type === 'array') pathFields(def.element!, [...at, '[]'], out);
  return out;
}

const PATH_FIELDS = pathFields(PipelineConfig as unknown as Walkable);

/** The config with every path field absolute (relative ones taken from `cwd`). */
export function resolvePaths(config: PipelineConfig, cwd: string): PipelineConfig {
  const at = (value: unknown, path: readonly string[], names: readonly string[]): unknown => {
    if (value === undefined || value === null) return value;
    if (path.length === 0) return typeof value === 'string' && !isAbsolute(value) && !names.includes(value) ? resolve(cwd, value) : value;
    const [head, ...rest] = path;
    if (head === '[]') return Array.isArray(value) ? value.map((v) => at(v, rest, names)) : value;
    const object = value as Record<string, unknown>;
    if (!(head! in object)) return value;
    return { ...object, [head!]: at(object[head!], rest, names) };
  };
  return PATH_FIELDS.reduce<unknown>((c, field) => at(c, field.at, field.names), config) as PipelineConfig;
}

export function parseConfig(value: unknown, where = 'config'): PipelineConfig {
  const parsed = PipelineConfig.safeParse(value);
  if (!parsed.success) throw new ConfigError(`invalid ${where}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

export { IntentConfig, GenerateConfig, NormaliseConfig, OutputConfig, ReportConfig, SandboxConfig, ScrubConfig, SplitConfig, VerifyConfig };
