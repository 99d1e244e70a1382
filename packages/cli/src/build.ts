import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildFlags,
  ConfigError,
  countMetric,
  createRunContext,
  diagnostic,
  FlagError,
  parseFlags,
  ProgressDisplay,
  renderFlagHelp,
  resolveConfig,
  runSteps,
  type CliIO,
  type Command,
  type RunContext,
  type Stage,
  type Step,
  type TaskRecord,
} from '@tfpairs/core';
import { withoutExecution } from '@tfpairs/core/config/scale';
import { defaultWorkers, openStepPool } from '@tfpairs/core/workers';
import { discardOutput, publishOutput, stageOutput } from './atomic';
import { HEAP_LIMIT_FLAG, startedUnderMainHeap } from './main-heap';

/**
 * Stops the run at the first record after a fatal API error (a refused key, a server that is gone),
 * whichever stage met it: the generate, repair and mutate stages share the run's one chat client.
 */
async function* stopOnFatal(stream: AsyncIterable<TaskRecord>, ctx: RunContext): AsyncIterable<TaskRecord> {
  for await (const record of stream) {
    const fatal = ctx.services.chat?.fatal;
    if (fatal) throw fatal;
    yield record;
  }
  const fatal = ctx.services.chat?.fatal;
  if (fatal) throw fatal;
}

/**
 * `tfpairs report OUT` in a process of its own, for a build running under the executable's main-heap
 * limit: the report reads the whole audit and records at once (at 150k records ~4 GB), which the limit
 * that keeps the build flat would not hold. The same page as writeReport in-process; null if it failed.
 */
async function reportInChild(outDir: string, io: CliIO): Promise<string | null> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../bin/tfpairs.js', import.meta.url));
  const nodeArgs = process.execArgv.filter((a) => !HEAP_LIMIT_FLAG.test(a));
  return new Promise((done) => {
    const child = spawn(process.execPath, [...nodeArgs, bin, 'report', outDir], { cwd: io.cwd, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      io.stderr.write(`tfpairs build: the report could not be written: ${e.message}\n`);
      done(null);
    });
    child.on('exit', (code) => {
      if (code === 0) return done(out.trim().split('\n').pop() || null);
      io.stderr.write(`tfpairs build: the report could not be written (tfpairs report ${outDir} exited ${code}): ${err.trim().slice(-2000)}\n`);
      done(null);
    });
  });
}

/**
 * The pre-pass over the inputs' prompts and gold (read once more, cheaply, before any stage): the
 * split groups of the whole input, so that the split stage streams and gives the same split in a shard
 * as in one process; with `--shard K/N`, which records shard K builds (a split group, a normalised
 * prompt and a content id never span two shards: split, dedup and the writer's ids stay exact).
 */
async function prePass(ctx: RunContext): Promise<Stage | null> {
  const { computePrePass, readSplitGroups } = await import('@tfpairs/cluster/groups-file');
  const { emptySplits } = await import('@tfpairs/split');
  const { keepShard } = await import('@tfpairs/core/shard');
  const { parseShardSpec } = await import('@tfpairs/cluster/shard');
  const config = ctx.config;
  const shard = config.shard ? parseShardSpec(config.shard) : null;
  // a groups file (tfpairs slurm writes one before submitting) spares every shard the whole-input pass
  const { grouping, plan, keptKeys } = config.split.groupsFile
    ? await readSplitGroups(config.split.groupsFile, config, { cwd: ctx.cwd, shards: shard?.count ?? null })
    : await computePrePass(config, { cwd: ctx.cwd, env: ctx.env, shards: shard?.count ?? null });
  ctx.services.splitGrouping = grouping;
  // the whole input's view, the same in every shard (merge keeps one copy of a warning)
  const empty = emptySplits(grouping, keptKeys, config.split);
  if (empty.length) {
    ctx.warnings.push(
      diagnostic(
        'warning',
        `No group of the input draws ${empty.join(' or ')}`,
        `splits are drawn per group and the input has ${grouping.groups}: shares hold only on average over many groups (--split-salt draws another split)`,
      ),
    );
  }
  if (!plan || !shard) {
    countMetric(ctx, 'split.groups', grouping.groups);
    countMetric(ctx, 'split.multi_member_groups', grouping.multiMember);
    return null;
  }
  // a shard counts its own groups: the shards' counters add up to the one-process ones
  countMetric(ctx, 'split.groups', plan.groups[shard.index]!);
  countMetric(ctx, 'split.multi_member_groups', plan.multiMemberGroups[shard.index]!);
  return keepShard(plan, shard.index);
}

export const BUILD_HELP = `Usage: tfpairs build --input PATH [--input PATH]... --out DIR [flags]

Reads prompts + gold Terraform (IaC-Eval CSV, JSONL, or a folder of tasks), drafts or reads candidate
answers, normalises (terraform fmt, no comments), scrubs credentials, verifies, splits by prompt hash and
writes tf-gen/, dpo/, dpo-postedit/, tf-mutn/, records.jsonl, audit.jsonl and manifest.json into DIR.
Flags take one or two dashes. Every flag maps onto the JSON config (--config FILE); flags win.
The folder is written as a hidden sibling and renamed into place at the end: a killed build leaves
the previous run (or nothing) in DIR, never a folder that looks finished.
Exit status: 0 when the run completed (drops are data), 1 on unusable arguments or config, and 1 when
the API refuses the key or stays unreachable (answers that arrived are cached: rerun to resume).

Flags:
${renderFlagHelp(buildFlags)}
`;

export const buildCommand: Command = async (argv, io: CliIO) => {
  let config;
  try {
    const { values, positionals } = parseFlags(argv, buildFlags);
    if (values.help) {
      io.stdout.write(BUILD_HELP);
      return 0;
    }
    if (positionals.length) throw new FlagError(`unexpected argument "${positionals[0]}" (inputs are given with --input)`);
    // every path field is resolved against where the user ran the command (inputs stay as given:
    // ingest resolves them against the same directory and shows them as typed in the audit)
    config = resolveConfig(values, io.cwd);
    if (config.inputs.length === 0) throw new ConfigError('no input: give at least one --input PATH');
    if (!config.out) throw new ConfigError('no output folder: give --out DIR');
    if (config.output.systemPrompt && config.output.format !== 'conversational') throw new ConfigError('--system-prompt needs --format conversational (a standard line has no place for a system message)');
    // a mistyped --input is an argument error, not an empty corpus
    for (const input of config.inputs) {
      const path = resolve(io.cwd, input);
      if (!existsSync(path)) throw new ConfigError(`no such input: ${input}`);
      if (!statSync(path).isDirectory() && !/\.(csv|jsonl|ndjson|json)$/i.test(path)) {
        throw new ConfigError(`unknown input format: ${input} (expected an IaC-Eval .csv, a .jsonl file or a folder of tasks)`);
      }
    }
    // an unusable prompt template is a config error, reported before a single record is read
    if (config.generate.templateFile) (await import('@tfpairs/generate/template')).loadGenerateTemplate(config.generate.templateFile);
  } catch (e) {
    if (e instanceof FlagError || e instanceof ConfigError) {
      // one line, whatever the message (a JSON parse error quotes the offending text, newlines included)
      io.stderr.write(`tfpairs build: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    throw e;
  }
  const outDir = config.out!;
  // an unusable output folder is an argument problem: say so before reading a single record
  const staging = stageOutput(outDir);
  if (typeof staging === 'string') {
    io.stderr.write(`tfpairs build: cannot write the output folder ${outDir}: ${staging}\n`);
    return 1;
  }
  if (config.generate.model && !config.generate.cacheDir) {
    // the user's cache, shared by every run (named in manifest.json's config)
    const cacheDir = (await import('@tfpairs/generate/cache')).defaultCacheDir(io.env, io.cwd);
    if (cacheDir) config = { ...config, generate: { ...config.generate, cacheDir } };
  }
  // the run's one progress display: stages' log lines and request progress go through it
  const progress = new ProgressDisplay(io);
  // --workers is not part of what the run records: it changes how fast, never what, a build writes
  const ctx = createRunContext(withoutExecution(config), { cwd: io.cwd, env: io.env, services: { progress } });
  // stage packages load only once the arguments are known to be usable (a bad flag answers at once)
  const [{ generateStage, mutateStage, recordedMutationsStage, repairStage }, { dedupStage, goldGateStage }, { ingestInputs }, { intentStage, securityStage }, { lintStage }, { negativesStage }, { normaliseStage }, { writeReport }, { sandboxStage }, { scrubStage }, { splitStage }, { verifyStage }, { writeOutputs }] =
    await Promise.all([
      import('@tfpairs/generate'),
      import('@tfpairs/filter'),
      import('@tfpairs/ingest'),
      import('@tfpairs/intent'),
      import('@tfpairs/lint'),
      import('@tfpairs/negatives'),
      import('@tfpairs/normalise'),
      import('@tfpairs/report'),
      import('@tfpairs/sandbox'),
      import('@tfpairs/scrub'),
      import('@tfpairs/split'),
      import('@tfpairs/verify'),
      import('@tfpairs/write'),
    ]);
  // Artifact-level stages (normalise, scrub, verify, sandbox) apply over every artifact of a record. The
  // repair loop and the mutate stage run their answers through the same normalise/scrub/verify
  // functions; sandbox passes after them take only the artifacts no earlier pass ran.
  let shardFilter;
  try {
    shardFilter = await prePass(ctx);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    discardOutput(staging.dir);
    io.stderr.write(`tfpairs build: ${e.message}\n`);
    return 1;
  }
  const steps: Step[] = [
    // with --shard K/N: the other shards' records leave before any stage works on them
    ...(shardFilter ? [{ name: 'shard', run: shardFilter }] : []),
    // credentials in the input are replaced before anything is sent to a model; the second scrub
    // covers what generation and normalisation produce (scrubbing is idempotent)
    { name: 'scrub-input', run: scrubStage(ctx), worker: { module: '@tfpairs/scrub', factory: 'scrubStage' } },
    { name: 'generate', run: generateStage(ctx) },
    { name: 'normalise', run: normaliseStage(ctx), worker: { module: '@tfpairs/normalise', factory: 'normaliseStage' } },
    { name: 'scrub', run: scrubStage(ctx), worker: { module: '@tfpairs/scrub', factory: 'scrubStage' } },
    { name: 'verify', run: verifyStage(ctx), worker: { module: '@tfpairs/verify', factory: 'verifyStage' } },
    { name: 'sandbox', run: sandboxStage(ctx) },
    // IaC-Eval's intent check on the plan of every valid artifact; gold failing its intent is dropped
    { name: 'intent', run: intentStage(ctx), worker: { module: '@tfpairs/intent', factory: 'intentStage' } },
    { name: 'repair', run: repairStage(ctx) },
    { name: 'sandbox-repaired', run: sandboxStage(ctx) },
    { name: 'intent-repaired', run: intentStage(ctx), worker: { module: '@tfpairs/intent', factory: 'intentStage' } },
    { name: 'gate', run: goldGateStage(ctx), worker: { module: '@tfpairs/filter', factory: 'goldGateStage' } },
    // after the gate: a prompt whose first gold fails verification keeps its next valid gold
    { name: 'dedup', run: dedupStage(ctx) },
    { name: 'mutate-recorded', run: recordedMutationsStage(ctx), worker: { module: '@tfpairs/generate', factory: 'recordedMutationsStage' } },
    { name: 'mutate', run: mutateStage(ctx) },
    { name: 'sandbox-mutations', run: sandboxStage(ctx) },
    { name: 'intent-mutations', run: intentStage(ctx), worker: { module: '@tfpairs/intent', factory: 'intentStage' } },
    // best practice and security: findings only (TerraFormer's linter pass and security compliance)
    { name: 'lint', run: lintStage(ctx), worker: { module: '@tfpairs/lint', factory: 'lintStage' } },
    { name: 'security', run: securityStage(ctx), worker: { module: '@tfpairs/intent', factory: 'securityStage' } },
    { name: 'split', run: splitStage(ctx) },
    // verified synthetic negatives of the gold, after the split: they follow their record's split
    { name: 'negatives', run: negativesStage(ctx) },
  ];
  // the steps with a worker recipe run on a pool of worker threads (same output as in one thread)
  const pool = openStepPool(ctx, config.workers ?? defaultWorkers(), { heapMb: config.workerHeapMb });
  const { stream, stats } = runSteps({ name: 'ingest', run: () => ingestInputs(ctx) }, steps, { progress, pool });
  const { FatalApiError } = await import('@tfpairs/generate/client');
  let manifest;
  let report: string | null = null;
  try {
    manifest = await writeOutputs(stopOnFatal(stream, ctx), ctx, staging.dir, { steps: stats });
    await pool?.close();
    // the dataset card the Hub and datasets.load_dataset read, from the files as written
    (await import('@tfpairs/write/card')).writeDatasetCard({ outDir: staging.dir, manifest });
    publishOutput(staging.dir, outDir);
    // the report names the folder it shows: written once the run is in place (a kill before it
    // leaves a complete run without a report, never a report beside a partial run)
    if (config.report.html) report = startedUnderMainHeap(io.env) ? await reportInChild(outDir, io) : await writeReport(outDir);
  } catch (e) {
    await pool?.close();
    discardOutput(staging.dir);
    if (e instanceof FatalApiError) {
      const answered = ctx.metrics.get('generate.requests') ?? 0;
      io.stderr.write(
        `tfpairs build: stopped: ${e.message.replace(/\s*\n\s*/g, ' ')}; answers that arrived are cached in ${e.cacheDir} (${answered} request(s) sent); ${outDir} is unchanged: fix the cause and run the same command again to resume\n`,
      );
      return 1;
    }
    // the file system failing mid-run (disk full, folder removed) is not about the data: one line, exit 1
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    io.stderr.write(`tfpairs build: writing ${outDir} failed: ${code} ${(e as NodeJS.ErrnoException).path ?? ''}`.trimEnd() + '\n');
    return 1;
  }
  const c = manifest.counts;
  io.stderr.write(
    `tfpairs build: ${c.input} input records, ${c.kept} kept (train ${c.splits.train}, val ${c.splits.val}, test ${c.splits.test}), ${c.dropped} dropped -> ${outDir}\n`,
  );
  const top = Object.entries(c.dropCodes).sort((a, b) => b[1] - a[1]).slice(0, 5);
  if (top.length) io.stderr.write(`  top drop codes: ${top.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  for (const w of ctx.warnings) io.stderr.write(`  warning: ${w.summary}${w.detail ? `: ${w.detail}` : ''}\n`);
  const chat = ctx.services.chat;
  if (chat) io.stderr.write(`  cache: ${chat.cache.dir} (${ctx.metrics.get('generate.cached') ?? 0} answers reused, ${ctx.metrics.get('generate.requests') ?? 0} requests sent)\n`);
  if (report) io.stderr.write(`  report: ${report}\n`);
  return 0;
};
