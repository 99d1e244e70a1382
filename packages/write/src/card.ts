import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eachLineSync, SPLITS, writeFileAtomic, type Split } from '@tfpairs/core';
import { stringify } from 'yaml';
import { negativesStats } from './negatives-stats';

/**
 * The dataset card (`OUT/README.md`) the Hugging Face Hub and `datasets.load_dataset(OUT, CONFIG)`
 * read: a YAML header with one `configs` entry per corpus (its non-empty split files, our `val` as the
 * Hub's `validation`), `dataset_info` (features inferred from every line written, split sizes),
 * license, task category, tags and size category; then a body that says how the data was made.
 *
 * Features are declared only when every line of the corpus has the same shape (same keys at every
 * level, one JSON type per field, null allowed anywhere): `datasets` casts each file to the declared
 * features, so a declaration that one line does not fit would make loading fail. A corpus that is
 * not uniform is listed without features (datasets then infers them) and named under limitations.
 */

type Dtype = 'string' | 'bool' | 'int64' | 'float64' | 'null';
type NamedFeature = Feature & { readonly name: string };

/**
 * A `datasets` feature in the card's YAML spelling, simplified as `Features._to_yaml_list` writes it:
 * a list of values is `list: string`, a list of structs is `list: [fields]`.
 */
export type Feature =
  | { readonly dtype: Dtype }
  | { readonly list: Dtype | readonly NamedFeature[] | Feature }
  | { readonly struct: readonly NamedFeature[] };

type Shape =
  | { kind: 'value'; dtype: 'string' | 'bool' | 'int64' | 'float64' | 'null' }
  | { kind: 'list'; of: Shape }
  | { kind: 'struct'; fields: Map<string, Shape> }
  | { kind: 'conflict'; why: string };

function shapeOf(value: unknown): Shape {
  if (value === null || value === undefined) return { kind: 'value', dtype: 'null' };
  if (typeof value === 'string') return { kind: 'value', dtype: 'string' };
  if (typeof value === 'boolean') return { kind: 'value', dtype: 'bool' };
  if (typeof value === 'number') return { kind: 'value', dtype: Number.isInteger(value) ? 'int64' : 'float64' };
  if (Array.isArray(value)) return { kind: 'list', of: value.map(shapeOf).reduce<Shape>((a, b) => merge(a, b, '[]'), { kind: 'value', dtype: 'null' }) };
  return { kind: 'struct', fields: new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shapeOf(v)])) };
}

const isNull = (s: Shape) => s.kind === 'value' && s.dtype === 'null';

/** The shape both fit (null fits anything; int64 widens to float64), or a conflict saying where. */
function merge(a: Shape, b: Shape, at: string): Shape {
  if (a.kind === 'conflict') return a;
  if (b.kind === 'conflict') return b;
  if (isNull(a)) return b;
  if (isNull(b)) return a;
  if (a.kind === 'value' && b.kind === 'value') {
    if (a.dtype === b.dtype) return a;
    if ([a.dtype, b.dtype].every((d) => d === 'int64' || d === 'float64')) return { kind: 'value', dtype: 'float64' };
    return { kind: 'conflict', why: `${at}: ${a.dtype} and ${b.dtype}` };
  }
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', of: merge(a.of, b.of, `${at}[]`) };
  if (a.kind === 'struct' && b.kind === 'struct') {
    const keysA = [...a.fields.keys()].sort().join(',');
    const keysB = [...b.fields.keys()].sort().join(',');
    if (keysA !== keysB) return { kind: 'conflict', why: `${at || '(line)'}: keys {${keysA}} and {${keysB}}` };
    const fields = new Map<string, Shape>();
    for (const [k, v] of a.fields) fields.set(k, merge(v, b.fields.get(k)!, at ? `${at}.${k}` : k));
    for (const v of fields.values()) if (v.kind === 'conflict') return v;
    return { kind: 'struct', fields };
  }
  return { kind: 'conflict', why: `${at}: ${a.kind} and ${b.kind}` };
}

function toFeature(s: Shape): Feature {
  if (s.kind === 'value') return { dtype: s.dtype };
  if (s.kind === 'list') {
    const of = toFeature(s.of);
    return { list: 'dtype' in of ? of.dtype : 'struct' in of ? of.struct : of };
  }
  if (s.kind === 'struct') return { struct: [...s.fields].map(([name, v]) => ({ name, ...toFeature(v) })) };
  throw new Error(`no feature for a conflicting shape (${s.why})`);
}

export interface CorpusFile {
  readonly split: Split;
  /** path relative to the output folder */
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
}

export interface CorpusSummary {
  readonly corpus: string;
  readonly files: readonly CorpusFile[];
  /** features as a struct's field list, or null when the lines do not share one shape */
  readonly features: readonly NamedFeature[] | null;
  /** why there are no features (the first difference found) */
  readonly nonUniform?: string;
}

/** Reads every corpus file of a build folder once: line counts, sizes and the features they share. */
export function summariseCorpora(outDir: string, corpora: readonly string[]): CorpusSummary[] {
  return corpora.map((corpus) => {
    let shape: Shape | undefined;
    const files: CorpusFile[] = [];
    for (const split of SPLITS) {
      const path = `${corpus}/${split}.jsonl`;
      const full = join(outDir, path);
      if (!existsSync(full)) continue;
      let lines = 0;
      eachLineSync(full, (line) => {
        if (!line.trim()) return;
        lines += 1;
        const s = shapeOf(JSON.parse(line));
        shape = shape ? merge(shape, s, '') : s;
      });
      files.push({ split, path, lines, bytes: statSync(full).size });
    }
    if (!shape || shape.kind === 'conflict' || shape.kind !== 'struct') {
      return { corpus, files, features: null, ...(shape?.kind === 'conflict' ? { nonUniform: shape.why } : {}) };
    }
    return { corpus, files, features: (toFeature(shape) as { struct: NamedFeature[] }).struct };
  });
}

/** The Hub's split name for ours. */
export const hubSplit = (split: Split): string => (split === 'val' ? 'validation' : split);

/** The Hub's size categories, by number of examples. */
export function sizeCategory(n: number): string {
  const bounds: [number, string][] = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
    [1e9, '100M<n<1B'],
  ];
  for (const [bound, name] of bounds) if (n < bound) return name;
  return 'n>1B';
}

/** What each corpus is for (the card's table and the reason for its tags). */
const PURPOSE: Record<string, string> = {
  'tf-gen': 'SFT (prompt -> Terraform), TRL prompt-completion',
  dpo: 'DPO preference pairs: gold chosen, a worse draft rejected (TRL DPOTrainer)',
  'dpo-postedit': "DPO post-edit pairs: a failing draft (or a synthetic negative) with terraform's diagnostics, and its verified fix",
  'dpo-synthetic': 'DPO pairs: the verified gold chosen, a verified synthetic negative (one injected error, or a change that fails the intent) rejected',
  'tf-mutn': 'TF-Mutn: configuration + change request -> changed configuration (SFT)',
  kto: 'KTO unpaired preference: verified answers true, invalid drafts and synthetic negatives false (TRL KTOTrainer)',
};

export interface CardInput {
  readonly outDir: string;
  /** manifest.json as written (counts, stages, metrics, warnings, config, steps) */
  readonly manifest: {
    readonly version: string;
    readonly createdAt?: string;
    readonly config: unknown;
    readonly stages: Record<string, string>;
    readonly counts: { input: number; kept: number; dropped: number; dropCodes: Record<string, number>; corpora: Record<string, Record<string, number>> };
    readonly metrics: Record<string, Record<string, number>>;
    readonly warnings: readonly unknown[];
    readonly steps?: readonly { name: string; version: string | null; in: number; out: number; dropped: number }[];
  };
}

interface CardConfig {
  inputs?: string[];
  out?: string;
  offline?: boolean;
  generate?: { model?: string; temperature?: number; maxTokens?: number; seed?: number; topP?: number; repairTurns?: number; mutations?: number };
  verify?: { schemas?: string[] };
  sandbox?: { mode?: string; image?: string };
  output?: { format?: string; systemPrompt?: string; license?: string; name?: string };
}

/** Provider schema versions bundled with tfpairs (data/schemas), read from the package's own tree. */
function bundledSchemas(): string[] {
  const dir = fileURLToPath(new URL('../../../data/schemas/registry.terraform.io', import.meta.url));
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const ns of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, ns))) {
      for (const file of readdirSync(join(dir, ns, name))) {
        const m = /^(\d+\.\d+\.\d+)\.json(\.gz)?$/.exec(file);
        if (m) out.push(`${ns}/${name} ${m[1]}`);
      }
    }
  }
  return out.sort();
}

/** Models, template hashes and verdict counts, read from records.jsonl (the corpora do not carry them all). */
function recordFacts(outDir: string): { models: Map<string, number>; templates: Set<string>; gold: Record<string, number>; drafts: Record<string, number> } {
  const facts = { models: new Map<string, number>(), templates: new Set<string>(), gold: {} as Record<string, number>, drafts: {} as Record<string, number> };
  const path = join(outDir, 'records.jsonl');
  if (!existsSync(path)) return facts;
  eachLineSync(path, (line) => {
    if (!line.trim()) return;
    const r = JSON.parse(line) as { status: string; gold?: { verdict?: string } | null; candidates?: { verdict?: string; generation?: { model?: string | null; templateHash?: string } }[] };
    if (r.status === 'kept' && r.gold?.verdict) facts.gold[r.gold.verdict] = (facts.gold[r.gold.verdict] ?? 0) + 1;
    for (const c of r.candidates ?? []) {
      if (c.verdict) facts.drafts[c.verdict] = (facts.drafts[c.verdict] ?? 0) + 1;
      const model = c.generation?.model;
      if (model) facts.models.set(model, (facts.models.get(model) ?? 0) + 1);
      if (c.generation?.templateHash) facts.templates.add(c.generation.templateHash);
    }
  });
  return facts;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : 'n/a');

/** The card's YAML header as an object (what `datasets` and the Hub read). */
export function cardMetadata(input: CardInput, summaries: readonly CorpusSummary[]): Record<string, unknown> {
  const config = (input.manifest.config ?? {}) as CardConfig;
  const loadable = summaries.filter((s) => s.files.some((f) => f.lines > 0));
  const largest = Math.max(0, ...summaries.map((s) => s.files.reduce((n, f) => n + f.lines, 0)));
  const tags = ['terraform', 'hcl', 'infrastructure-as-code', 'code', 'tfpairs', ...loadable.map((s) => s.corpus)];
  const meta: Record<string, unknown> = {};
  if (config.output?.license) meta.license = config.output.license;
  meta.pretty_name = config.output?.name ?? basename(config.out ?? input.outDir);
  meta.task_categories = ['text-generation'];
  meta.tags = [...new Set(tags)];
  meta.size_categories = [sizeCategory(largest)];
  meta.configs = loadable.map((s, i) => ({
    config_name: s.corpus,
    data_files: s.files.filter((f) => f.lines > 0).map((f) => ({ split: hubSplit(f.split), path: f.path })),
    ...(i === 0 ? { default: true } : {}),
  }));
  meta.dataset_info = loadable.map((s) => {
    const files = s.files.filter((f) => f.lines > 0);
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    return {
      config_name: s.corpus,
      ...(s.features ? { features: s.features } : {}),
      splits: files.map((f) => ({ name: hubSplit(f.split), num_bytes: f.bytes, num_examples: f.lines })),
      download_size: bytes,
      dataset_size: bytes,
    };
  });
  return meta;
}

/** The card's Markdown body: sources, how it was built, counts, pass rates, limitations. */
export function cardBody(input: CardInput, summaries: readonly CorpusSummary[]): string {
  const { manifest } = input;
  const config = (manifest.config ?? {}) as CardConfig;
  const facts = recordFacts(input.outDir);
  const title = config.output?.name ?? basename(config.out ?? input.outDir);
  const lines: string[] = [`# ${title}`, ''];
  lines.push(`Terraform training data built by tfpairs ${manifest.version}${manifest.createdAt ? ` on ${manifest.createdAt}` : ''}: every answer was normalised, scrubbed of credentials and verified offline before it became a line.`, '');
  lines.push('## Corpora', '', '| config | purpose | train | validation | test |', '|---|---|---|---|---|');
  for (const s of summaries) {
    const n = (split: Split) => s.files.find((f) => f.split === split)?.lines ?? 0;
    lines.push(`| \`${s.corpus}\` | ${PURPOSE[s.corpus] ?? 'corpus'} | ${n('train')} | ${n('val')} | ${n('test')} |`);
  }
  lines.push('', `Load one with \`datasets.load_dataset(PATH, "<config>")\`. Line format: ${config.output?.format ?? 'standard'} (TRL)${config.output?.systemPrompt ? `, system prompt: ${JSON.stringify(config.output.systemPrompt)}` : ''}.`, '');
  lines.push('## Sources and licenses', '');
  for (const i of config.inputs ?? []) lines.push(`- \`${i}\``);
  lines.push('', config.output?.license ? `This dataset: \`${config.output.license}\` (given with --license).` : 'This dataset: **no license given** (build with `--license ID` to set one).');
  lines.push("The sources' own licenses are not recorded by tfpairs: check each input's terms before publishing (they bind the derived data).", '');
  lines.push('## How it was built', '');
  const gen = config.generate ?? {};
  if (facts.models.size || gen.model) {
    lines.push(`- Models: ${[...facts.models].map(([m, n]) => `\`${m}\` (${n} drafts)`).join(', ') || `\`${gen.model}\``}`);
    lines.push(`- Parameters: temperature ${gen.temperature ?? 0}, max tokens ${gen.maxTokens ?? 'default'}${gen.topP !== undefined ? `, top_p ${gen.topP}` : ''}${gen.seed !== undefined ? `, seed ${gen.seed}` : ''}; repair turns ${gen.repairTurns ?? 0}; mutations per configuration ${gen.mutations ?? 0}`);
    lines.push(`- Prompt template hashes: ${[...facts.templates].map((h) => `\`${h.slice(0, 16)}\``).join(', ') || 'none recorded'}`);
  } else {
    lines.push('- Models: none (recorded drafts only)');
  }
  lines.push(`- Stages and versions: ${Object.entries(manifest.stages).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`- Verification: embedded terraform validate (HCL syntax, core language, provider schemas)${config.sandbox?.mode && config.sandbox.mode !== 'off' ? `, sandbox ${config.sandbox.mode} (${config.sandbox.image ?? 'default image'})` : ''}`);
  lines.push(`- Provider schemas: ${[...bundledSchemas(), ...(config.verify?.schemas ?? []).map((s) => `user schema ${basename(s)}`)].join(', ') || 'none'}`);
  lines.push('', '## Counts', '', `${manifest.counts.input} input records: ${manifest.counts.kept} kept, ${manifest.counts.dropped} dropped.`, '');
  if (manifest.steps?.length) {
    lines.push('| step | version | in | out | dropped |', '|---|---|---|---|---|');
    for (const s of manifest.steps) lines.push(`| ${s.name} | ${s.version ?? ''} | ${s.in} | ${s.out} | ${s.dropped} |`);
    lines.push('');
  }
  const drops = Object.entries(manifest.counts.dropCodes).sort((a, b) => b[1] - a[1]);
  if (drops.length) lines.push(`Drops by code: ${drops.map(([c, n]) => `\`${c}\` ${n}`).join(', ')}.`, '');
  const goldTotal = Object.values(facts.gold).reduce((a, b) => a + b, 0);
  const draftTotal = Object.values(facts.drafts).reduce((a, b) => a + b, 0);
  lines.push('## Pass rates', '');
  lines.push(`- Kept gold that verifies: ${pct(facts.gold.valid ?? 0, goldTotal)} (${facts.gold.valid ?? 0}/${goldTotal})`);
  lines.push(`- Drafts that verify: ${pct(facts.drafts.valid ?? 0, draftTotal)} (${facts.drafts.valid ?? 0}/${draftTotal}); invalid ${facts.drafts.invalid ?? 0}, unverified ${facts.drafts.unverified ?? 0}`);
  const negatives = negativesStats(manifest.metrics);
  if (negatives) {
    lines.push('', '## Synthetic negatives', '', `${negatives.made} verified negatives of the gold; a candidate is kept only when it raises exactly the intended diagnostic (or, for an intent operator, validates and fails the intent).`, '');
    lines.push('| operator | made | attempted | discarded | duplicate (left out) | verified as intended |', '|---|---|---|---|---|---|');
    for (const o of negatives.operators) lines.push(`| ${o.operator} | ${o.made} | ${o.attempted} | ${o.discarded} | ${o.duplicates} | ${o.successRate === null ? '-' : pct(o.attempted - o.discarded, o.attempted)} |`);
    if (negatives.totalVariation !== null) lines.push('', `Total-variation distance of the negatives' diagnostic summaries from the real drafts' errors: ${negatives.totalVariation.toFixed(3)}.`);
  }
  lines.push('', '## Known limitations', '');
  lines.push('- Verification is offline: provider-side validators (e.g. value ranges the AWS provider checks at plan time) are not run unless a sandbox was used.');
  lines.push('- The split is by prompt hash: near-duplicate prompts may still be in different splits when they are not grouped.');
  for (const s of summaries) {
    if (!s.files.some((f) => f.lines > 0)) lines.push(`- \`${s.corpus}\` is empty in this build, so it is not a config.`);
    else if (!s.features) lines.push(`- \`${s.corpus}\`: lines differ in shape (${s.nonUniform ?? 'unknown'}); no features are declared, datasets infers them.`);
  }
  for (const w of manifest.warnings as { summary?: string; detail?: string }[]) lines.push(`- Run warning: ${w.summary ?? ''}${w.detail ? `: ${w.detail}` : ''}`);
  lines.push('');
  return lines.join('\n');
}

/** Writes `OUT/README.md` (YAML header + body) for the corpora the manifest lists. */
export function writeDatasetCard(input: CardInput): string {
  const corpora = Object.keys(input.manifest.counts.corpora);
  const summaries = summariseCorpora(input.outDir, corpora);
  const text = `---\n${stringify(cardMetadata(input, summaries), { lineWidth: 0 })}---\n\n${cardBody(input, summaries)}`;
  const path = join(input.outDir, 'README.md');
  writeFileAtomic(path, text);
  return path;
}
