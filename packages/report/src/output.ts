import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readNdjsonLines, SPLITS, type Split, type TaskRecord } from '@tfpairs/core';
import { AuditLineSchema, CORPORA, ManifestSchema, PairLineSchema, SourceSchema, type AuditLine, type Corpus, type ManifestFile, type PairLine } from '@tfpairs/write/lines';
import { z } from 'zod';

/**
 * Reading a `tfpairs build` output folder. Only what build wrote is read: manifest.json, audit.jsonl,
 * records.jsonl and the corpora. A line that cannot be read becomes a `problem` (shown to the user),
 * never a crash and never silently skipped.
 */

export const CORPUS_NAMES = CORPORA;
export type CorpusName = Corpus;
export { AuditLineSchema, ManifestSchema, PairLineSchema, type AuditLine, type ManifestFile, type PairLine };

/** The few fields of a record line the report relies on; the rest is taken as written by build. */
const RecordLineSchema = z.looseObject({
  id: z.string().nullable(),
  prompt: z.string(),
  gold: z.looseObject({ id: z.string(), verdict: z.string() }).nullable(),
  candidates: z.array(z.looseObject({ id: z.string(), verdict: z.string() })),
  findings: z.array(z.looseObject({ code: z.string(), stage: z.string() })),
  provenance: z.looseObject({ source: SourceSchema }),
  status: z.enum(['kept', 'dropped']),
});

export class OutputError extends Error {}

export interface BuildOutput {
  readonly dir: string;
  readonly manifest: ManifestFile;
  readonly audit: readonly AuditLine[];
  /** null when records.jsonl is absent (an older or partial output) */
  readonly records: readonly TaskRecord[] | null;
  /** lines per corpus and split file; null when the file does not exist */
  readonly corpusLines: Readonly<Record<CorpusName, Readonly<Record<Split, number | null>>>>;
  /** DPO and post-edit pairs, read only when asked for (compare) */
  readonly pairs?: Readonly<Record<'dpo' | 'dpo-postedit', readonly PairLine[]>>;
  /** lines or files that could not be read, as `file:line: reason` */
  readonly problems: readonly string[];
}

function zodMessage(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
}

async function readLines<T>(
  path: string,
  schema: z.ZodType<T>,
  problems: string[],
  label: string,
  prepare: (value: unknown) => unknown = (value) => value,
): Promise<T[]> {
  const out: T[] = [];
  for await (const line of readNdjsonLines(path)) {
    if (!line.ok) {
      problems.push(`${label}:${line.line}: not JSON (${line.error})`);
      continue;
    }
    const parsed = schema.safeParse(prepare(line.value));
    if (!parsed.success) {
      problems.push(`${label}:${line.line}: ${zodMessage(parsed.error)}`);
      continue;
    }
    out.push(parsed.data);
  }
  return out;
}

async function countLines(path: string, problems: string[], label: string): Promise<number> {
  let n = 0;
  for await (const line of readNdjsonLines(path)) {
    if (!line.ok) problems.push(`${label}:${line.line}: not JSON (${line.error})`);
    n += 1;
  }
  return n;
}

export interface LoadOptions {
  /** read dpo/ and dpo-postedit/ pair lines too (compare needs them) */
  readonly pairs?: boolean;
  /**
   * `dropped`: the configuration texts of kept records (raw answers, code, revisions, repair turns) are
   * left out as they are read (code becomes ''), keeping their verdicts, diagnostics and findings: all
   * the report shows of them. Dropped records keep everything (their stories show it). records.jsonl
   * of a 150k-record build is ~1.3 GB, nearly all of it those texts. Default `all`.
   */
  readonly recordTexts?: 'all' | 'dropped';
}

type Json = Record<string, unknown>;

function withoutArtifactTexts(artifact: unknown): void {
  if (!artifact || typeof artifact !== 'object') return;
  const a = artifact as Json;
  if (typeof a.raw === 'string') a.raw = '';
  if (typeof a.code === 'string') a.code = '';
  if (Array.isArray(a.revisions)) a.revisions = [];
  delete a.trajectory;
  delete a.recorded;
}

/** A kept record line without its configuration texts (see LoadOptions.recordTexts). */
function withoutKeptTexts(value: unknown): unknown {
  const r = value as Json | null;
  if (!r || typeof r !== 'object' || r.status !== 'kept') return value;
  withoutArtifactTexts(r.gold);
  if (Array.isArray(r.candidates)) for (const c of r.candidates) withoutArtifactTexts(c);
  if (Array.isArray(r.mutations))
    for (const m of r.mutations as Json[]) {
      if (typeof m?.initial === 'string') m.initial = '';
      withoutArtifactTexts(m?.expected);
    }
  if (Array.isArray(r.synthetic)) for (const n of r.synthetic as Json[]) if (typeof n?.code === 'string') n.code = '';
  const provenance = r.provenance as Json | undefined;
  if (provenance && typeof provenance === 'object') delete provenance.promptRaw;
  return r;
}

/** Loads a build output folder; throws OutputError only when it is not one (no manifest / audit). */
export async function loadBuildOutput(dir: string, options: LoadOptions = {}): Promise<BuildOutput> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputError(`${dir}: no such folder`);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new OutputError(`${dir}: not a tfpairs build output (no manifest.json)`);
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new OutputError(`${manifestPath}: not JSON (${(e as Error).message})`);
  }
  const manifest = ManifestSchema.safeParse(manifestJson);
  if (!manifest.success) throw new OutputError(`${manifestPath}: not a tfpairs manifest (${zodMessage(manifest.error)})`);
  const auditPath = join(dir, 'audit.jsonl');
  if (!existsSync(auditPath)) throw new OutputError(`${dir}: no audit.jsonl`);

  const problems: string[] = [];
  const audit = (await readLines(auditPath, AuditLineSchema, problems, 'audit.jsonl')) as AuditLine[];
  const recordsPath = join(dir, 'records.jsonl');
  const records = existsSync(recordsPath)
    ? ((await readLines(recordsPath, RecordLineSchema, problems, 'records.jsonl', options.recordTexts === 'dropped' ? withoutKeptTexts : undefined)) as unknown as TaskRecord[])
    : null;
  if (records === null) problems.push('records.jsonl: missing (record details, diagnostics and verdicts are not available)');

  const corpusLines = {} as Record<CorpusName, Record<Split, number | null>>;
  for (const corpus of CORPUS_NAMES) {
    corpusLines[corpus] = { train: null, val: null, test: null };
    for (const split of SPLITS) {
      const path = join(dir, corpus, `${split}.jsonl`);
      if (existsSync(path)) corpusLines[corpus][split] = await countLines(path, problems, `${corpus}/${split}.jsonl`);
    }
  }

  let pairs: BuildOutput['pairs'];
  if (options.pairs) {
    const read = async (corpus: 'dpo' | 'dpo-postedit'): Promise<PairLine[]> => {
      const all: PairLine[] = [];
      for (const split of SPLITS) {
        const path = join(dir, corpus, `${split}.jsonl`);
        if (existsSync(path)) all.push(...((await readLines(path, PairLineSchema, problems, `${corpus}/${split}.jsonl`)) as PairLine[]));
      }
      return all;
    };
    pairs = { dpo: await read('dpo'), 'dpo-postedit': await read('dpo-postedit') };
  }

  return { dir, manifest: manifest.data, audit, records, corpusLines, pairs, problems };
}

/** `path:line` of where a record or finding came from. */
export function sourceRef(source: { readonly path: string; readonly line: number }): string {
  return `${source.path}:${source.line}`;
}
