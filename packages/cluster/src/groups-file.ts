import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError, createRunContext, type PipelineConfig, type RunContext } from '@tfpairs/core';
import { shardOfLabel, ShardPlanner, type ShardPlan } from '@tfpairs/core/shard';
import { ingestInputs } from '@tfpairs/ingest';
import { groupingOf, groupItemOf, NearDuplicateGrouper, splitItemKey, type Group, type Grouping } from '@tfpairs/split';

/**
 * The pre-pass of a build (split groups of the whole input and, for N shards, which shard builds which
 * record), computed once and stored, so that N shards read one file instead of each ingesting and
 * grouping the whole input again. Layout (JSON lines, `tfpairs-split-groups` version 1):
 *
 *   {"format":"tfpairs-split-groups","version":1,"shards":N,"split":{...},"inputs":[...],"fingerprint":"...","groups":G,"records":R}
 *   ["<group id>","<anchor>",<size>]          G lines: the groups, numbered from 0 in this order
 *   ["<record key>",<shard>,<group number>]   R lines: every input record in input order (-1: not kept by ingest, so no group)
 */
export const GROUPS_FORMAT = 'tfpairs-split-groups';
const VERSION = 1;

export interface PrePass {
  readonly grouping: Grouping;
  /** null when no shard count was asked for */
  readonly plan: ShardPlan | null;
  /** keys of the records ingest kept, in input order (those the grouping knows) */
  readonly keptKeys: readonly string[];
  /** keys of every input record, kept or not, in input order */
  readonly allKeys: readonly string[];
}

/** What a groups file must agree on with the build that reads it: how records are read and grouped. */
function settingsOf(config: PipelineConfig) {
  return { nearDuplicate: config.split.nearDuplicate, key: config.split.key ?? null, inputEncoding: config.ingest.inputEncoding ?? null };
}

/** The whole input's pre-pass: ingest (prompts and gold only are kept), group, and plan `shards` shards. */
export async function computePrePass(config: PipelineConfig, options: { cwd: string; env: NodeJS.ProcessEnv; shards: number | null }): Promise<PrePass> {
  // its own context: ingest's counters and warnings are the main pass's to make
  const pre: RunContext = createRunContext(config, { cwd: options.cwd, env: options.env });
  const grouper = new NearDuplicateGrouper({ threshold: config.split.nearDuplicate });
  const planner = options.shards ? new ShardPlanner() : null;
  const keptKeys: string[] = [];
  const allKeys: string[] = [];
  for await (const record of ingestInputs(pre)) {
    planner?.add(record);
    allKeys.push(splitItemKey(record));
    if (record.status !== 'kept') continue;
    grouper.add(groupItemOf(record, config.split.key));
    keptKeys.push(splitItemKey(record));
  }
  const grouping = grouper.finish();
  if (!planner || !options.shards) return { grouping, plan: null, keptKeys, allKeys };
  for (const key of keptKeys) {
    const group = grouping.groupOf(key);
    if (group) planner.join(key, group);
  }
  return { grouping, plan: planner.finish(options.shards), keptKeys, allKeys };
}

/**
 * A hash of what the inputs hold (file contents; a folder's files with their relative paths, sorted),
 * so that a groups file is never applied to inputs that changed since it was written.
 */
export async function inputsFingerprint(inputs: readonly string[], cwd: string): Promise<string> {
  const h = createHash('sha256');
  const addFile = async (path: string, name: string) => {
    h.update(`\u0000${name}\u0000${statSync(path).size}\u0000`);
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  };
  for (const input of inputs) {
    const root = resolve(cwd, input);
    h.update(`\u0001${input}`);
    if (!statSync(root).isDirectory()) {
      await addFile(root, '');
      continue;
    }
    const files = (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((d) => d.isFile())
      .map((d) => relative(root, join(d.parentPath, d.name)))
      .sort();
    for (const f of files) await addFile(join(root, f), f);
  }
  return h.digest('hex');
}

/** Writes the pre-pass of `config`'s inputs for `shards` shards into `file`; returns its summary. */
export async function writeSplitGroups(file: string, config: PipelineConfig, options: { cwd: string; env: NodeJS.ProcessEnv; shards: number }): Promise<{ records: number; groups: number; largest: number }> {
  const result = await computePrePass(config, options);
  const plan = result.plan!;
  const numberOf = new Map<Group, number>();
  const groupLines: string[] = [];
  for (const key of result.keptKeys) {
    const g = result.grouping.groupOf(key);
    if (!g || numberOf.has(g)) continue;
    numberOf.set(g, groupLines.length);
    groupLines.push(JSON.stringify([g.id, g.anchor, g.size]));
  }
  // every input record, the ones ingest dropped too: a shard then needs nothing but this file
  const recordLines = [...new Set(result.allKeys)].map((key) => {
    const g = result.grouping.groupOf(key);
    return JSON.stringify([key, plan.shardOf(key), g ? numberOf.get(g)! : -1]);
  });
  const header = {
    format: GROUPS_FORMAT,
    version: VERSION,
    shards: options.shards,
    split: settingsOf(config),
    inputs: config.inputs,
    fingerprint: await inputsFingerprint(config.inputs, options.cwd),
    groups: groupLines.length,
    records: recordLines.length,
  };
  writeFileSync(file, [JSON.stringify(header), ...groupLines, ...recordLines, ''].join('\n'));
  return { records: recordLines.length, groups: groupLines.length, largest: result.grouping.largest?.size ?? 0 };
}

/**
 * Reads a groups file for a build of `config` (with `shards` shards, or none): checks that it was
 * written for the same inputs (by content), split settings and shard count, else a ConfigError.
 */
export async function readSplitGroups(file: string, config: PipelineConfig, options: { cwd: string; shards: number | null }): Promise<PrePass> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the split groups file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = text.split('\n');
  const bad = (why: string) => new ConfigError(`split groups file ${file}: ${why}`);
  let header: { format?: string; version?: number; shards?: number; split?: unknown; inputs?: unknown; fingerprint?: string; groups?: number; records?: number };
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw bad('not a groups file (its first line is not JSON)');
  }
  if (header.format !== GROUPS_FORMAT || header.version !== VERSION) throw bad(`not a ${GROUPS_FORMAT} version ${VERSION} file`);
  if (JSON.stringify(header.split) !== JSON.stringify(settingsOf(config))) throw bad(`written for other split settings (${JSON.stringify(header.split)}), this build has ${JSON.stringify(settingsOf(config))}`);
  if (JSON.stringify(header.inputs) !== JSON.stringify(config.inputs)) throw bad(`written for the inputs ${JSON.stringify(header.inputs)}, this build reads ${JSON.stringify(config.inputs)}`);
  if (options.shards !== null && header.shards !== options.shards) throw bad(`written for ${header.shards} shards, this build is one of ${options.shards}`);
  if (header.fingerprint !== (await inputsFingerprint(config.inputs, options.cwd))) throw bad('the inputs changed since it was written: write it again (tfpairs slurm does)');
  const groupCount = header.groups ?? 0;
  const recordCount = header.records ?? 0;
  if (lines.length < 1 + groupCount + recordCount) throw bad(`truncated (${lines.length - 1} lines, the header announces ${groupCount + recordCount})`);
  const groups: Group[] = [];
  for (let i = 1; i <= groupCount; i++) {
    const [id, anchor, size] = JSON.parse(lines[i]!) as [string, string, number];
    groups.push({ id, anchor, size });
  }
  const entries: [string, Group][] = [];
  const keptKeys: string[] = [];
  const shardOfKey = new Map<string, number>();
  for (let i = 1 + groupCount; i <= groupCount + recordCount; i++) {
    const [key, shard, group] = JSON.parse(lines[i]!) as [string, number, number];
    shardOfKey.set(key, shard);
    if (group < 0) continue;
    entries.push([key, groups[group]!]);
    keptKeys.push(key);
  }
  const grouping = groupingOf(entries);
  if (options.shards === null) return { grouping, plan: null, keptKeys, allKeys: [...shardOfKey.keys()] };
  const count = options.shards;
  // the same counts ShardPlanner.finish makes: records per shard, and each group in its members' shard
  const shardOf = (key: string) => shardOfKey.get(key) ?? shardOfLabel(`k:${key}`, count);
  const records = new Array<number>(count).fill(0);
  for (const s of shardOfKey.values()) records[s]! += 1;
  const perShard = new Array<number>(count).fill(0);
  const multiMemberGroups = new Array<number>(count).fill(0);
  const seen = new Set<Group>();
  for (const [key, g] of entries) {
    if (seen.has(g)) continue;
    seen.add(g);
    perShard[shardOf(key)]! += 1;
    if (g.size > 1) multiMemberGroups[shardOf(key)]! += 1;
  }
  return { grouping, plan: { count, shardOf, records, groups: perShard, multiMemberGroups }, keptKeys, allKeys: [...shardOfKey.keys()] };
}
