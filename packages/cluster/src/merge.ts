import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { groupMetrics, SPLITS, writeFileAtomic, type Split } from '@tfpairs/core';
import { CORPORA, type Corpus, type Manifest } from '@tfpairs/write';
import { compareKeys, recordOrder, sourceOrder, type OrderKey, type SourceRef } from './order';
import { formatShard, shardOfManifest, type ShardSpec } from './shard';

/** A shard set that cannot be merged (missing shard, mixed configurations, files out of order). */
export class MergeError extends Error {}

export interface ShardOutput {
  readonly dir: string;
  readonly shard: ShardSpec;
  readonly manifest: Manifest & Record<string, unknown>;
}

export interface MergeOptions {
  /** how many shards the build had, when the shard folders themselves cannot say (e.g. all missing) */
  readonly shards?: number;
  /** writes report.html as a one-process build does (when its config asks for it) */
  readonly report?: boolean;
  readonly now?: () => Date;
}

export interface MergeResult {
  readonly manifest: Record<string, unknown>;
  readonly shards: readonly ShardOutput[];
  readonly report: string | null;
}

/** Top-level manifest keys merge knows how to combine; any other key the writer adds is copied when
 * every shard agrees on it and kept per shard (as timings are) when they differ. */
const KNOWN_KEYS = new Set(['tool', 'version', 'createdAt', 'config', 'stages', 'counts', 'metrics', 'warnings']);

/** The config of a shard as a one-process build of the same input would record it. */
function unsharded(config: unknown, out: string): Record<string, unknown> {
  const { shard: _shard, ...rest } = (config ?? {}) as Record<string, unknown>;
  // the groups file only saves the shards the pre-pass: a one-process build computes the same groups
  const split = rest.split as Record<string, unknown> | undefined;
  if (split && 'groupsFile' in split) {
    const { groupsFile: _file, ...others } = split;
    rest.split = others;
  }
  return { ...rest, out };
}

function readManifest(dir: string): { manifest?: ShardOutput['manifest']; reason?: string } {
  const path = join(dir, 'manifest.json');
  if (!existsSync(dir)) return { reason: 'its folder does not exist' };
  if (!existsSync(path)) return { reason: 'it has no manifest.json (not finished or failed)' };
  let manifest: ShardOutput['manifest'];
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { reason: `its manifest.json is not JSON (${(e as Error).message})` };
  }
  if (manifest.complete === false || manifest.incomplete === true) return { reason: 'its manifest is marked incomplete' };
  if (manifest.tool !== 'tfpairs' || !manifest.counts) return { reason: 'its manifest.json is not a tfpairs build manifest' };
  return { manifest };
}

/** The build flags that would redo shard K, from a sibling's recorded config. */
function rerunHint(shard: ShardSpec, dir: string | undefined, sibling: ShardOutput | undefined): string {
  const config = sibling?.manifest.config as { inputs?: string[]; out?: string } | undefined;
  const inputs = (config?.inputs ?? []).map((i) => ` --input ${i}`).join('');
  const out = dir ?? (config?.out ? join(dirname(config.out), String(shard.index)) : undefined);
  return `tfpairs build --shard ${formatShard(shard)}${inputs}${out ? ` --out ${out}` : ''}${sibling ? ' with the other flags of the other shards' : ''}`;
}

/**
 * Reads and checks a set of shard output folders: every shard 0..N-1 present once, finished, built
 * by the same tfpairs with the same configuration. Throws a MergeError naming each shard to rerun.
 */
export function loadShards(dirs: readonly string[], options: Pick<MergeOptions, 'shards'> = {}): ShardOutput[] {
  const read = dirs.map((dir) => ({ dir, ...readManifest(dir) }));
  const specs = read.map((r) => (r.manifest ? shardOfManifest(r.manifest) : null));
  const counts = new Set(specs.filter((s) => s).map((s) => s!.count));
  if (options.shards !== undefined) counts.add(options.shards);
  if (counts.size > 1) throw new MergeError(`the shards disagree on how many shards there are (${[...counts].sort().join(', ')})`);
  const count = counts.size ? [...counts][0]! : dirs.length;

  const byIndex = new Map<number, { dir: string; manifest?: ShardOutput['manifest']; reason?: string }>();
  read.forEach((r, i) => {
    // a folder that cannot say which shard it is: the build's layout names it (DIR/shards/K), or the
    // order the folders were given in (a one-process build split by hand)
    const named = /^\d+$/.test(basename(r.dir)) ? Number(basename(r.dir)) : undefined;
    const index = specs[i]?.index ?? (specs.some((s) => s) || named !== undefined ? named : i);
    if (index === undefined) throw new MergeError(`${r.dir}: cannot tell which shard this is (its manifest names none)`);
    if (index >= count) throw new MergeError(`${r.dir}: shard ${index} is outside 0..${count - 1}`);
    const other = byIndex.get(index);
    if (other) throw new MergeError(`shard ${index} of ${count} was given twice: ${other.dir} and ${r.dir}`);
    byIndex.set(index, r);
  });
  const good: ShardOutput[] = [];
  for (const [index, r] of byIndex) if (r.manifest) good.push({ dir: r.dir, shard: { index, count }, manifest: r.manifest });
  good.sort((a, b) => a.shard.index - b.shard.index);

  const problems: string[] = [];
  for (let index = 0; index < count; index++) {
    const r = byIndex.get(index);
    if (r?.manifest) continue;
    const why = r ? r.reason : 'no folder was given for it';
    problems.push(`shard ${index} of ${count} is missing/incomplete (${why}): rerun ${rerunHint({ index, count }, r?.dir, good[0])}`);
  }
  if (problems.length) throw new MergeError(problems.join('\n'));

  const first = good[0]!;
  const reference = JSON.stringify(unsharded(first.manifest.config, ''));
  for (const s of good.slice(1)) {
    if (s.manifest.version !== first.manifest.version) {
      throw new MergeError(`shard ${s.shard.index} was built by tfpairs ${s.manifest.version}, shard ${first.shard.index} by ${first.manifest.version}`);
    }
    if (JSON.stringify(unsharded(s.manifest.config, '')) !== reference) {
      const a = unsharded(first.manifest.config, '');
      const b = unsharded(s.manifest.config, '');
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      throw new MergeError(`shard ${s.shard.index} was built with another configuration than shard ${first.shard.index} (differs in: ${keys.join(', ')})`);
    }
  }
  return good;
}

async function* lines(path: string): AsyncIterable<string> {
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

/** Copies lines as they are (the shard's bytes are the merge's bytes), with back-pressure. */
class LineWriter {
  private readonly file: WriteStream;
  private readonly done: Promise<void>;
  count = 0;
  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.file = createWriteStream(path, { encoding: 'utf8' });
    this.done = new Promise((resolve, reject) => {
      this.file.on('finish', resolve);
      this.file.on('error', reject);
    });
  }
  async write(line: string): Promise<void> {
    this.count += 1;
    if (!this.file.write(`${line}\n`)) await new Promise<void>((resolve) => this.file.once('drain', resolve));
  }
  async close(): Promise<void> {
    this.file.end();
    await this.done;
  }
}

interface Head<T> {
  readonly item: T;
  readonly key: OrderKey;
}

/**
 * Interleaves the shards' lines of one file by input position. Each shard's file is in input order
 * already (checked: a key going backwards means the order key is wrong for this input, and merging
 * would silently reorder); equal keys stay with their shard, so one record's lines stay together.
 */
async function mergeFile<T>(
  label: string,
  shards: readonly ShardOutput[],
  sources: readonly AsyncIterable<string>[],
  parse: (line: string, shard: number) => { item: T; key: OrderKey },
  emit: (item: T, line: string) => Promise<void>,
): Promise<void> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const heads: (Head<T> & { line: string } | null)[] = [];
  const advance = async (i: number, previous?: OrderKey): Promise<void> => {
    const next = await iterators[i]!.next();
    if (next.done) {
      heads[i] = null;
      return;
    }
    const { item, key } = parse(next.value, i);
    if (previous && compareKeys(key, previous) < 0) {
      throw new MergeError(`shard ${shards[i]!.shard.index}: ${label} is not in input order (a line at ${JSON.stringify(key)} follows ${JSON.stringify(previous)})`);
    }
    heads[i] = { item, key, line: next.value };
  };
  for (let i = 0; i < iterators.length; i++) await advance(i);
  for (;;) {
    let min = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && (min < 0 || compareKeys(h.key, heads[min]!.key) < 0)) min = i;
    }
    if (min < 0) return;
    const head = heads[min]!;
    await emit(head.item, head.line);
    await advance(min, head.key);
  }
}

/** `keys` first (in that order), then any others; values summed over the shards. */
function sumOrdered<V>(order: Iterable<string>, parts: readonly Record<string, V>[], add: (a: V | undefined, b: V) => V): Record<string, V> {
  const sum: Record<string, V> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part ?? {})) sum[k] = add(sum[k], v);
  const out: Record<string, V> = {};
  for (const k of order) if (k in sum) out[k] = sum[k]!;
  for (const k of Object.keys(sum)) if (!(k in out)) out[k] = sum[k]!;
  return out;
}

const addNumber = (a: number | undefined, b: number): number => (a ?? 0) + b;
const addStage = (a: { dropped: number; warnings: number; errors: number } | undefined, b: { dropped: number; warnings: number; errors: number }) => ({
  dropped: (a?.dropped ?? 0) + b.dropped,
  warnings: (a?.warnings ?? 0) + b.warnings,
  errors: (a?.errors ?? 0) + b.errors,
});

interface RecordLine {
  id: string | null;
  status: 'kept' | 'dropped';
  provenance: { source: SourceRef; stages: Record<string, string>; seq?: number };
  findings: { stage: string; code: string; dropped: boolean }[];
}

/**
 * Merges shard output folders into `outDir`: exactly the files one process writes (corpora per split,
 * records.jsonl, audit.jsonl, manifest.json, report.html), byte-identical to a one-process build of the
 * same input except the manifest's `createdAt`, its `out`, and the per-shard `shards` section (timings).
 */
export async function mergeShards(dirs: readonly string[], outDir: string, options: MergeOptions = {}): Promise<MergeResult> {
  const shards = loadShards(dirs, options);
  const first = shards[0]!.manifest;
  const config = unsharded(first.config, outDir);
  const inputs = ((config as { inputs?: string[] }).inputs ?? []).map(String);
  const recordKey = recordOrder(inputs);
  const sourceKey = sourceOrder(inputs);

  mkdirSync(outDir, { recursive: true });
  // a merge that fails half-way must not leave an earlier manifest that says the folder is complete
  rmSync(join(outDir, 'manifest.json'), { force: true });

  // records.jsonl first: it gives every other line's record its position
  const byId = shards.map(() => new Map<string, OrderKey>());
  const bySource = shards.map(() => new Map<string, OrderKey>());
  const owner = new Map<string, number>();
  const stages: Record<string, string> = { write: first.stages?.write ?? '' };
  const stageOrder = new Set<string>();
  const findingOrder = new Set<string>();
  const dropOrder = new Set<string>();
  const records = new LineWriter(join(outDir, 'records.jsonl'));
  await mergeFile<RecordLine>(
    'records.jsonl',
    shards,
    shards.map((s) => lines(join(s.dir, 'records.jsonl'))),
    (line, i) => {
      const item = JSON.parse(line) as RecordLine;
      const key = recordKey(item);
      if (item.id !== null) {
        const seen = owner.get(item.id);
        if (seen !== undefined) {
          throw new MergeError(`record ${item.id} is in shard ${shards[seen]!.shard.index} and shard ${shards[i]!.shard.index}: the shards were not cut by one grouping`);
        }
        owner.set(item.id, i);
        byId[i]!.set(item.id, key);
      }
      bySource[i]!.set(`${item.provenance.source.path}\u0000${item.provenance.source.line}`, key);
      return { item, key };
    },
    async (record, line) => {
      // the same first-seen orders the writer's counters get from one pass over the records
      for (const [stage, version] of Object.entries(record.provenance.stages)) stages[stage] = version;
      for (const f of record.findings) {
        stageOrder.add(f.stage);
        findingOrder.add(f.code);
      }
      const cause = record.status === 'dropped' ? record.findings.find((f) => f.dropped) : undefined;
      if (cause) dropOrder.add(cause.code);
      await records.write(line);
    },
  );
  await records.close();

  const keyOfRecordId = (i: number, id: unknown, what: string): OrderKey => {
    const key = typeof id === 'string' ? byId[i]!.get(id) : undefined;
    if (!key) throw new MergeError(`shard ${shards[i]!.shard.index}: ${what} names record ${String(id)}, which its records.jsonl lacks`);
    return key;
  };

  const audit = new LineWriter(join(outDir, 'audit.jsonl'));
  await mergeFile<null>(
    'audit.jsonl',
    shards,
    shards.map((s) => lines(join(s.dir, 'audit.jsonl'))),
    (line, i) => {
      const a = JSON.parse(line) as { id: string | null; source: SourceRef };
      if (a.id !== null) return { item: null, key: keyOfRecordId(i, a.id, 'audit.jsonl') };
      // input that never became a task has no id: its source names it
      const key = bySource[i]!.get(`${a.source.path}\u0000${a.source.line}`) ?? sourceKey(a.source);
      return { item: null, key };
    },
    (_, line) => audit.write(line),
  );
  await audit.close();

  const corpusLines: Record<string, number> = {};
  // the writer counts rejected reasons in the order it writes pairs: record by record, whatever their
  // split, so a reason's place is its first pair's record (and, within one record, its line)
  const firstBecause = new Map<string, { key: OrderKey; line: number }>();
  let dpoLine = 0;
  for (const corpus of CORPORA) {
    for (const split of SPLITS) {
      const file = `${corpus}/${split}.jsonl`;
      const w = new LineWriter(join(outDir, corpus, `${split}.jsonl`));
      await mergeFile<null>(
        file,
        shards,
        shards.map((s) => lines(join(s.dir, corpus, `${split}.jsonl`))),
        (line, i) => {
          const o = JSON.parse(line) as { id: string; meta?: { record_id?: string; rejected_because?: unknown } };
          // tf-gen lines are records (their id); pairs and mutations name theirs in meta.record_id
          const key = keyOfRecordId(i, corpus === 'tf-gen' ? o.id : o.meta?.record_id, file);
          const because = o.meta?.rejected_because;
          if (corpus === 'dpo' && typeof because === 'string') {
            const seen = firstBecause.get(because);
            const order = seen ? compareKeys(key, seen.key) : -1;
            // one record's pairs are all in one split file, so equal keys compare by line
            if (order < 0 || (order === 0 && dpoLine < seen!.line)) firstBecause.set(because, { key, line: dpoLine });
            dpoLine++;
          }
          return { item: null, key };
        },
        (_, line) => w.write(line),
      );
      await w.close();
      corpusLines[file] = w.count;
    }
  }

  const manifests = shards.map((s) => s.manifest);
  const counts = manifests.map((m) => m.counts);
  const merged: Manifest['counts'] = {
    input: counts.reduce((n, c) => n + c.input, 0),
    kept: counts.reduce((n, c) => n + c.kept, 0),
    dropped: counts.reduce((n, c) => n + c.dropped, 0),
    splits: Object.fromEntries(SPLITS.map((s) => [s, counts.reduce((n, c) => n + (c.splits?.[s] ?? 0), 0)])) as Record<Split, number>,
    byStage: sumOrdered(stageOrder, counts.map((c) => c.byStage), addStage),
    dropCodes: sumOrdered(dropOrder, counts.map((c) => c.dropCodes), addNumber),
    findingCodes: sumOrdered(findingOrder, counts.map((c) => c.findingCodes), addNumber),
    corpora: Object.fromEntries(
      CORPORA.map((corpus) => [corpus, Object.fromEntries(SPLITS.map((s) => [s, counts.reduce((n, c) => n + (c.corpora?.[corpus]?.[s] ?? 0), 0)]))]),
    ) as Record<Corpus, Record<Split, number>>,
    // a group lives in one shard (the shard plan keeps groups whole): counts add up, the largest is the largest
    groups: {
      count: counts.reduce((n, c) => n + (c.groups?.count ?? 0), 0),
      multiMember: counts.reduce((n, c) => n + (c.groups?.multiMember ?? 0), 0),
      largest: counts.reduce<Manifest['counts']['groups']['largest']>((best, c) => (c.groups?.largest && (!best || c.groups.largest.size > best.size) ? c.groups.largest : best), null),
    },
    rejectedBecause: sumOrdered(
      [...firstBecause].sort(([, a], [, b]) => compareKeys(a.key, b.key) || a.line - b.line).map(([because]) => because),
      counts.map((c) => c.rejectedBecause ?? {}),
      addNumber,
    ),
  };
  // the files must agree with the manifests they came with: a shard whose folder was changed after
  // its build is named here rather than merged into a corpus with wrong counts
  if (records.count !== merged.input) throw new MergeError(`records.jsonl has ${records.count} lines, the shards' manifests count ${merged.input} input records`);
  for (const corpus of CORPORA) {
    for (const split of SPLITS) {
      const file = `${corpus}/${split}.jsonl`;
      if (corpusLines[file] !== merged.corpora[corpus][split]) {
        throw new MergeError(`${file} has ${corpusLines[file]} lines, the shards' manifests count ${merged.corpora[corpus][split]}`);
      }
    }
  }

  // counters are sums; grouped and sorted as the writer's groupMetrics does
  const flat = new Map<string, number>();
  for (const m of manifests) {
    for (const [group, values] of Object.entries(m.metrics ?? {})) {
      for (const [name, value] of Object.entries(values)) {
        const key = group === 'run' ? name : `${group}.${name}`;
        flat.set(key, (flat.get(key) ?? 0) + value);
      }
    }
  }
  const warnings: unknown[] = [];
  const seenWarnings = new Set<string>();
  for (const m of manifests) {
    for (const w of m.warnings ?? []) {
      // every shard warns about the same run-level condition (e.g. sandbox skipped): once is enough
      const text = JSON.stringify(w);
      if (!seenWarnings.has(text)) warnings.push(w);
      seenWarnings.add(text);
    }
  }

  const manifest: Record<string, unknown> = {
    tool: first.tool,
    version: first.version,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    config,
    stages,
    counts: merged,
    metrics: groupMetrics(flat),
    warnings,
  };
  const perShard: Record<string, unknown>[] = shards.map((s) => ({ shard: formatShard(s.shard), dir: s.dir, createdAt: s.manifest.createdAt }));
  for (const key of Object.keys(first)) {
    if (KNOWN_KEYS.has(key) || key === 'shard' || key === 'shards') continue;
    const values = manifests.map((m) => JSON.stringify(m[key]));
    if (values.every((v) => v === values[0])) manifest[key] = first[key];
    else shards.forEach((s, i) => (perShard[i]![key] = s.manifest[key]));
  }
  manifest.shards = perShard;
  writeFileAtomic(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  let report: string | null = null;
  const wantsReport = (config as { report?: { html?: boolean } }).report?.html !== false;
  if ((options.report ?? true) && wantsReport) {
    const { writeReport } = await import('@tfpairs/report');
    report = await writeReport(outDir);
  }
  return { manifest, shards, report };
}
