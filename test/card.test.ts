import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { cli } from './cli';
import { REPO } from './paths';

/**
 * The Hub's dataset card metadata as its documentation gives it (huggingface.co/docs/hub/datasets-cards,
 * datasets-manual-configuration, datasets-data-files-configuration): `configs` entries with a
 * `config_name` and `data_files` as `{split, path}` (split names `\w+(\.\w+)*`), at most one
 * `default`; `dataset_info` per config with `features` in datasets' YAML spelling, `splits` with
 * `num_bytes`/`num_examples`; `size_categories` and `task_categories` from the Hub's fixed lists.
 */
const SIZE_CATEGORIES = ['n<1K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M', '10M<n<100M', '100M<n<1B', '1B<n<10B', '10B<n<100B', '100B<n<1T', 'n>1T'];
type FeatureT = { name?: string; dtype?: string; list?: FeatureT | string | FeatureT[]; struct?: FeatureT[]; sequence?: unknown };
const Feature: z.ZodType<FeatureT> = z.lazy(() =>
  z.union([
    z.object({ name: z.string().optional(), dtype: z.enum(['string', 'bool', 'int64', 'float64', 'null', 'int32', 'float32']) }).strict(),
    z.object({ name: z.string().optional(), list: z.union([z.string(), Feature, z.array(Feature)]) }).strict(),
    z.object({ name: z.string().optional(), struct: z.array(Feature) }).strict(),
  ]),
);
const HubCard = z.object({
  license: z.string().optional(),
  pretty_name: z.string().optional(),
  task_categories: z.array(z.enum(['text-generation', 'text2text-generation', 'question-answering'])),
  tags: z.array(z.string()),
  size_categories: z.array(z.enum(SIZE_CATEGORIES as [string, ...string[]])).length(1),
  configs: z.array(
    z.object({
      config_name: z.string().regex(/^[\w-]+$/),
      data_files: z.array(z.object({ split: z.string().regex(/^\w+(\.\w+)*$/), path: z.string() }).strict()).min(1),
      default: z.boolean().optional(),
    }).strict(),
  ),
  dataset_info: z.array(
    z.object({
      config_name: z.string(),
      features: z.array(Feature.and(z.object({ name: z.string() }))).optional(),
      splits: z.array(z.object({ name: z.string(), num_bytes: z.number().int(), num_examples: z.number().int() }).strict()),
      download_size: z.number().int(),
      dataset_size: z.number().int(),
    }).strict(),
  ),
});

/** Written independently of card.ts: does a JSON value fit a datasets feature (null fits all)? */
function fits(value: unknown, f: FeatureT): string | null {
  if (value === null) return null;
  if (f.dtype) {
    const ok = { string: typeof value === 'string', bool: typeof value === 'boolean', int64: Number.isInteger(value), float64: typeof value === 'number' }[f.dtype as 'string'];
    return ok ? null : `${JSON.stringify(value).slice(0, 40)} is not ${f.dtype}`;
  }
  if (f.list !== undefined) {
    if (!Array.isArray(value)) return 'not a list';
    const inner: FeatureT = typeof f.list === 'string' ? { dtype: f.list } : Array.isArray(f.list) ? { struct: f.list } : f.list;
    for (const v of value) {
      const why = fits(v, inner);
      if (why) return `[]: ${why}`;
    }
    return null;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const names = f.struct!.map((s) => s.name!);
  const keys = Object.keys(value as object);
  if (keys.sort().join() !== [...names].sort().join()) return `keys ${keys.join(',')} vs features ${names.join(',')}`;
  for (const s of f.struct!) {
    const why = fits((value as Record<string, unknown>)[s.name!], s);
    if (why) return `${s.name}: ${why}`;
  }
  return null;
}

function readCard(out: string) {
  const text = readFileSync(join(out, 'README.md'), 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  expect(m, 'README.md starts with a YAML header').not.toBeNull();
  return { meta: HubCard.parse(parse(m![1]!)), body: text.slice(m![0].length) };
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const SAMPLE = ['--input', 'data/sample/tasks.jsonl', '--input', 'data/sample/iac-eval-style.csv', '--input', 'data/sample/tasks-folder'];

describe('the dataset card of a build (README.md)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-card-'));
  const standard = join(dir, 'standard');
  const chat = join(dir, 'chat');
  beforeAll(async () => {
    await cli(['build', '--offline', '--no-report', ...SAMPLE, '--out', standard, '--license', 'apache-2.0'], { cwd: REPO, env: {} });
    await cli(['build', '--offline', '--no-report', ...SAMPLE, '--out', chat, '--format', 'conversational', '--system-prompt', 'You write Terraform.'], { cwd: REPO, env: {} });
  }, 240_000);

  it("is valid Hub metadata: every non-empty corpus a config, val as validation, features that fit every line", () => {
    const { meta, body } = readCard(standard);
    const manifest = JSON.parse(readFileSync(join(standard, 'manifest.json'), 'utf8'));
    expect(meta.license).toBe('apache-2.0');
    const nonEmpty = Object.entries(manifest.counts.corpora as Record<string, Record<string, number>>)
      .filter(([, s]) => Object.values(s).some((n) => n > 0))
      .map(([c]) => c);
    expect(nonEmpty).toEqual(expect.arrayContaining(['tf-gen', 'dpo', 'kto']));
    expect(meta.configs.map((c) => c.config_name)).toEqual(nonEmpty);
    expect(meta.configs.filter((c) => c.default)).toHaveLength(1);
    for (const config of meta.configs) {
      const info = meta.dataset_info.find((i) => i.config_name === config.config_name)!;
      expect(info.features, `${config.config_name} declares features`).toBeDefined();
      for (const file of config.data_files) {
        expect(['train', 'validation', 'test']).toContain(file.split);
        expect(file.path).toBe(`${config.config_name}/${file.split === 'validation' ? 'val' : file.split}.jsonl`);
        const rows = lines(join(standard, file.path));
        expect(info.splits.find((s) => s.name === file.split)!.num_examples).toBe(rows.length);
        expect(rows.length).toBe(manifest.counts.corpora[config.config_name][file.split === 'validation' ? 'val' : file.split]);
        for (const [i, row] of rows.entries()) expect(fits(row, { struct: info.features! }), `${file.path}:${i + 1}`).toBeNull();
      }
    }
    expect(body).toMatch(/## Sources and licenses/);
    expect(body).toMatch(/Stages and versions: .*verify \d/);
    expect(body).toMatch(/Provider schemas: hashicorp\/aws 5\.100\.0, hashicorp\/aws 6\.25\.0/);
    expect(body).toMatch(/Drops by code: `hcl-syntax` 1/);
    expect(body).toMatch(/## Known limitations/);
  });

  it('says when no license was given', () => {
    const { meta, body } = readCard(chat);
    expect(meta.license).toBeUndefined();
    expect(body).toContain('**no license given**');
  });

  it("KTO lines have TRL's shape: verified answers true, invalid drafts false", () => {
    const records = lines(join(standard, 'records.jsonl')) as { id: string; status: string; gold: { verdict: string }; candidates: { verdict: string; code: string | null }[] }[];
    const kto = ['train', 'val', 'test'].flatMap((s) => (existsSync(join(standard, 'kto', `${s}.jsonl`)) ? lines(join(standard, 'kto', `${s}.jsonl`)) : []));
    for (const k of kto) {
      expect(Object.keys(k).sort()).toEqual(['completion', 'id', 'label', 'meta', 'prompt']);
      expect(typeof k.label).toBe('boolean');
      expect(typeof k.prompt).toBe('string');
    }
    const byRecord = (id: string) => kto.filter((k) => (k.meta as { record_id: string }).record_id === id);
    const kept = records.filter((r) => r.status === 'kept');
    // every kept gold is one true line; every invalid draft with code is a false line
    for (const r of kept) {
      const mine = byRecord(r.id);
      expect(mine.filter((k) => (k.meta as { label_reason: string }).label_reason === 'gold').map((k) => k.label)).toEqual([true]);
    }
    const invalidDrafts = kept.flatMap((r) => r.candidates).filter((c) => c.verdict === 'invalid' && c.code);
    expect(invalidDrafts.length).toBeGreaterThan(0);
    expect(kto.filter((k) => k.label === false).length).toBeGreaterThan(0);
    expect(kto.filter((k) => (k.meta as { label_reason: string }).label_reason === 'invalid').every((k) => k.label === false)).toBe(true);
  });

  it("conversational format: TRL's message lists, the system prompt first, SFT also as messages; the card's features fit", () => {
    const tfgen = lines(join(chat, 'tf-gen', 'train.jsonl'));
    const first = tfgen[0]! as { prompt: { role: string; content: string }[]; completion: { role: string; content: string }[]; messages: unknown[] };
    expect(first.prompt.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first.prompt[0]!.content).toBe('You write Terraform.');
    expect(first.completion.map((m) => m.role)).toEqual(['assistant']);
    expect(first.messages).toEqual([...first.prompt, ...first.completion]);
    const dpo = lines(join(chat, 'dpo', 'train.jsonl'))[0]! as { chosen: { role: string }[]; rejected: { role: string }[]; prompt: unknown[] };
    expect(dpo.chosen.map((m) => m.role)).toEqual(['assistant']);
    expect(dpo.rejected.map((m) => m.role)).toEqual(['assistant']);
    const kto = lines(join(chat, 'kto', 'train.jsonl'))[0]! as { completion: { role: string }[]; label: boolean };
    expect(kto.completion.map((m) => m.role)).toEqual(['assistant']);
    expect(typeof kto.label).toBe('boolean');
    const { meta } = readCard(chat);
    const info = meta.dataset_info.find((i) => i.config_name === 'tf-gen')!;
    expect(info.features!.find((f) => f.name === 'prompt')).toEqual({ name: 'prompt', list: [{ name: 'role', dtype: 'string' }, { name: 'content', dtype: 'string' }] });
    for (const row of tfgen) expect(fits(row, { struct: info.features! })).toBeNull();
  });

  it('--system-prompt without --format conversational is an argument error', async () => {
    const run = await cli(['build', '--offline', ...SAMPLE, '--out', join(dir, 'x'), '--system-prompt', 'hi'], { cwd: REPO, env: {}, allowFailure: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tfpairs build: --system-prompt needs --format conversational (a standard line has no place for a system message)\n');
  });
});
