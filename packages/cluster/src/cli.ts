import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFlags, ConfigError, FlagError, parseFlags, renderFlagHelp, resolveConfig, type CliIO, type Command, type FlagSpec } from '@tfpairs/core';
import { k8sJobs, type K8sJob } from './k8s';
import { MergeError, mergeShards } from './merge';
import { execCommand, SlurmError, slurmScripts, submit, waitForMerge, type Exec, type SlurmPlan } from './slurm';

/** The checkout's own entry point: what `tfpairs build` runs as, so a compute node sharing the file
 * system runs the same code with the same node. */
export const CLI_ENTRY = fileURLToPath(new URL('../../cli/bin/tfpairs.js', import.meta.url));

const help: FlagSpec = { name: 'help', type: 'boolean', help: 'print this help' };

/** `--` separates a command's own flags from the build flags it passes on. */
function splitBuildArgs(argv: readonly string[]): { own: string[]; build: string[] } {
  const at = argv.indexOf('--');
  return at < 0 ? { own: [...argv], build: [] } : { own: argv.slice(0, at), build: argv.slice(at + 1) };
}

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new FlagError(`-${flag} must be a positive integer, not ${String(value)}`);
  return value;
}

/**
 * What slurm, k8s and split-groups share: their own flags before `--`, BUILD_FLAGS after it, and
 * `--shards N`. Null when `--help` printed `usage`.
 */
function shardedArgs(argv: readonly string[], flags: FlagSpec[], usage: string, io: CliIO): { values: ReturnType<typeof parseFlags>['values']; build: string[]; shards: number } | null {
  const { own, build } = splitBuildArgs(argv);
  const { values, positionals } = parseFlags(own, flags);
  if (values.help) {
    io.stdout.write(usage);
    return null;
  }
  if (positionals.length) throw new FlagError(`unexpected argument "${positionals[0]}" (build flags go after --)`);
  const shards = positiveInt(values.shards, 'shards');
  if (!shards) throw new FlagError('give --shards N');
  return { values, build, shards };
}

function fail(io: CliIO, command: string, e: unknown): number {
  if (e instanceof FlagError || e instanceof ConfigError || e instanceof MergeError || e instanceof SlurmError) {
    for (const line of e.message.split('\n')) io.stderr.write(`tfpairs ${command}: ${line}\n`);
    return 1;
  }
  throw e;
}

/**
 * Writes the split groups of BUILD_FLAGS' input for `shards` shards into `file` (what `tfpairs slurm` and
 * `tfpairs split-groups` write). The build's own config: a bad build flag stops here.
 */
async function writeGroupsFile(io: CliIO, command: string, file: string, build: readonly string[], shards: number): Promise<void> {
  const config = resolveConfig(parseFlags(build, buildFlags).values, io.cwd);
  // as build says it: a missing input is an argument error, not a stack trace from hashing it
  if (config.inputs.length === 0) throw new ConfigError('no input: give at least one --input PATH');
  for (const input of config.inputs) if (!existsSync(resolve(io.cwd, input))) throw new ConfigError(`no such input: ${input}`);
  const { writeSplitGroups } = await import('./groups-file');
  mkdirSync(dirname(file), { recursive: true });
  const g = await writeSplitGroups(file, config, { cwd: io.cwd, env: io.env, shards });
  io.stderr.write(`tfpairs ${command}: split groups of ${g.records} input records (${g.groups} groups, the largest ${g.largest}) -> ${file}\n`);
}

// --- merge ---------------------------------------------------------------------------------------

const MERGE_FLAGS: FlagSpec[] = [
  { name: 'out', type: 'string', arg: 'DIR', help: 'folder to write the merged corpora, records, audit, manifest and report into' },
  { name: 'shards', type: 'number', arg: 'N', help: 'how many shards the build had (names shards whose folder is missing altogether)' },
  { name: 'no-report', type: 'boolean', help: 'do not write report.html' },
  help,
];

export const MERGE_HELP = `Usage: tfpairs merge SHARD_OUT... --out DIR [--shards N]

Merges the output folders of \`tfpairs build --shard K/N\` into the files one process writes:
tf-gen/, dpo/, dpo-postedit/, tf-mutn/ per split, records.jsonl, audit.jsonl, manifest.json and
report.html, byte-identical to a one-process build of the same input except the manifest's createdAt
and out, and its per-shard section (shards: timings). Exit 1 naming each missing or incomplete shard
and the command that reruns it.

Flags:
${renderFlagHelp(MERGE_FLAGS)}
`;

export const mergeCommand: Command = async (argv, io) => {
  try {
    const { values, positionals } = parseFlags(argv, MERGE_FLAGS);
    if (values.help) {
      io.stdout.write(MERGE_HELP);
      return 0;
    }
    if (typeof values.out !== 'string') throw new FlagError('no output folder: give --out DIR');
    if (positionals.length === 0) throw new FlagError('no shard folders given');
    const out = resolve(io.cwd, values.out);
    const result = await mergeShards(
      positionals.map((p) => resolve(io.cwd, p)),
      out,
      { shards: positiveInt(values.shards, 'shards'), report: !values['no-report'] },
    );
    const c = result.manifest.counts as { input: number; kept: number; dropped: number };
    io.stderr.write(`tfpairs merge: ${result.shards.length} shards, ${c.input} input records, ${c.kept} kept, ${c.dropped} dropped -> ${out}\n`);
    if (result.report) io.stderr.write(`  report: ${result.report}\n`);
    return 0;
  } catch (e) {
    return fail(io, 'merge', e);
  }
};

// --- slurm ---------------------------------------------------------------------------------------

const SLURM_FLAGS: FlagSpec[] = [
  { name: 'shards', type: 'number', arg: 'N', help: 'number of shards (array tasks)' },
  { name: 'out', type: 'string', arg: 'DIR', help: 'output folder on a file system every node sees: shards in DIR/shards/K, the merge in DIR' },
  { name: 'partition', type: 'string', arg: 'P', help: 'Slurm partition (default: the cluster default)' },
  { name: 'time', type: 'string', arg: 'T', help: 'time limit per job, in sbatch --time syntax' },
  { name: 'cpus', type: 'number', arg: 'C', help: 'CPUs per task (sbatch --cpus-per-task)' },
  { name: 'mem', type: 'string', arg: 'M', help: 'memory per node (sbatch --mem, e.g. 2G)' },
  { name: 'job-name', type: 'string', arg: 'NAME', help: 'job name prefix', default: 'tfpairs' },
  { name: 'tfpairs', type: 'string', arg: 'PATH', help: 'tfpairs executable on the compute nodes (default: this node binary running this checkout)' },
  { name: 'dry-run', type: 'boolean', help: 'print the sbatch scripts and commands, submit nothing' },
  { name: 'wait', type: 'boolean', help: 'wait until the merge job ends; exit 1 naming failed shards' },
  help,
];

export const SLURM_HELP = `Usage: tfpairs slurm --shards N --out DIR [flags] -- BUILD_FLAGS...

Submits a sharded \`tfpairs build\` to Slurm: an array job (--array=0-(N-1)) whose task K runs
\`tfpairs build --shard K/N --out DIR/shards/K BUILD_FLAGS\`, and a merge job
(--dependency=afterok:<array job>) running \`tfpairs merge\` into DIR. Prints the job ids. The scripts
are kept in DIR/slurm/, the job logs in DIR/logs/. Before submitting, the split groups and shard plan
of the whole input are computed once into DIR/split-groups.jsonl, which every shard reads
(--split-groups) instead of grouping the whole input itself (not with --dry-run, nor when
BUILD_FLAGS give --split-groups).

Flags:
${renderFlagHelp(SLURM_FLAGS)}
`;

/** `exec` is the Slurm client runner (tests pass the real one; a fake one would prove nothing). */
export function makeSlurmCommand(exec: Exec = execCommand, tfpairsArgv: readonly string[] = [process.execPath, CLI_ENTRY]): Command {
  return async (argv, io) => {
    try {
      const args = shardedArgs(argv, SLURM_FLAGS, SLURM_HELP, io);
      if (!args) return 0;
      const { values, build, shards } = args;
      if (typeof values.out !== 'string') throw new FlagError('no output folder: give --out DIR');
      if (build.some((a) => /^--?(out|shard)(=|$)/.test(a))) throw new FlagError('--out and --shard are set by tfpairs slurm: leave them out of BUILD_FLAGS');
      const out = resolve(io.cwd, values.out);
      const given = build.some((a) => /^--?split-groups(=|$)/.test(a));
      const groupsFile = given ? undefined : join(out, 'split-groups.jsonl');
      const plan: SlurmPlan = {
        shards,
        out,
        cwd: io.cwd,
        tfpairs: typeof values.tfpairs === 'string' ? [values.tfpairs] : tfpairsArgv,
        buildArgs: build,
        partition: values.partition as string | undefined,
        time: values.time as string | undefined,
        cpus: positiveInt(values.cpus, 'cpus'),
        mem: values.mem as string | undefined,
        jobName: (values['job-name'] as string | undefined) ?? 'tfpairs',
        groupsFile,
      };
      const scripts = slurmScripts(plan);
      const buildPath = join(out, 'slurm', 'build.sbatch');
      const mergePath = join(out, 'slurm', 'merge.sbatch');
      if (values['dry-run']) {
        if (groupsFile) io.stdout.write(`# ${groupsFile}: the split groups of the whole input, written when submitting\n`);
        io.stdout.write(`# ${buildPath}\n${scripts.build}\n# ${mergePath}\n${scripts.merge}\n`);
        io.stdout.write(`# submit:\nsbatch --parsable ${buildPath}\nsbatch --parsable --dependency=afterok:<array job id> ${mergePath}\n`);
        return 0;
      }
      mkdirSync(join(out, 'slurm'), { recursive: true });
      // Slurm opens the --output files itself and fails the job when their folder is missing
      mkdirSync(join(out, 'logs'), { recursive: true });
      // before anything is submitted
      if (groupsFile) await writeGroupsFile(io, 'slurm', groupsFile, build, shards);
      writeFileSync(buildPath, scripts.build, { mode: 0o755 });
      writeFileSync(mergePath, scripts.merge, { mode: 0o755 });
      const ids = await submit(exec, buildPath, mergePath);
      io.stdout.write(`array job ${ids.build} (${shards} tasks: tfpairs build --shard 0..${shards - 1}/${shards})\nmerge job ${ids.merge} (afterok:${ids.build})\n`);
      if (!values.wait) return 0;
      const result = await waitForMerge(exec, ids);
      for (const f of result.failedShards) {
        io.stderr.write(`tfpairs slurm: shard ${f.task} of ${shards} ended ${f.state} (exit ${f.exitCode}): see ${join(out, 'logs', `build-${ids.build}_${f.task}.out`)}\n`);
      }
      if (!result.ok) {
        io.stderr.write(`tfpairs slurm: merge job ${ids.merge} ended ${result.state} (log: ${join(out, 'logs', `merge-${ids.merge}.out`)})\n`);
        return 1;
      }
      io.stderr.write(`tfpairs slurm: merged into ${out}\n`);
      return 0;
    } catch (e) {
      return fail(io, 'slurm', e);
    }
  };
}

export const slurmCommand: Command = (argv, io) => makeSlurmCommand()(argv, io);

// --- split-groups --------------------------------------------------------------------------------

const SPLIT_GROUPS_FLAGS: FlagSpec[] = [
  { name: 'shards', type: 'number', arg: 'N', help: 'number of shards the build will have (the file is refused by a build of another count)' },
  { name: 'out', type: 'string', arg: 'FILE', help: 'the groups file to write (its folder is made)' },
  help,
];

export const SPLIT_GROUPS_HELP = `Usage: tfpairs split-groups --shards N --out FILE -- BUILD_FLAGS...

Writes the pre-pass of a sharded build into FILE and submits nothing: ingest, the split groups and the
shard plan (which of the N shards builds which record) of the whole input of BUILD_FLAGS, as
\`tfpairs slurm\` writes OUT/split-groups.jsonl. Each \`tfpairs build --shard K/N --split-groups FILE
BUILD_FLAGS\` then reads it instead of grouping the whole input itself; a build of other inputs (by
content), split settings or shard count refuses it. The NAME-groups Job of \`tfpairs k8s\` runs this.

Flags:
${renderFlagHelp(SPLIT_GROUPS_FLAGS)}
`;

export const splitGroupsCommand: Command = async (argv, io) => {
  try {
    const args = shardedArgs(argv, SPLIT_GROUPS_FLAGS, SPLIT_GROUPS_HELP, io);
    if (!args) return 0;
    const { values, build, shards } = args;
    if (typeof values.out !== 'string' || !values.out) throw new FlagError('no groups file: give --out FILE');
    if (build.some((a) => /^--?(out|shard|split-groups)(=|$)/.test(a))) throw new FlagError('--out, --shard and --split-groups are not build flags of the groups file: leave them out of BUILD_FLAGS');
    await writeGroupsFile(io, 'split-groups', resolve(io.cwd, values.out), build, shards);
    return 0;
  } catch (e) {
    return fail(io, 'split-groups', e);
  }
};

// --- k8s -----------------------------------------------------------------------------------------

const K8S_FLAGS: FlagSpec[] = [
  { name: 'shards', type: 'number', arg: 'N', help: 'number of shards (completions of the Indexed Job)' },
  { name: 'image', type: 'string', arg: 'IMG', help: 'container image with tfpairs on its PATH' },
  { name: 'parallelism', type: 'number', arg: 'P', help: 'pods running at once (default: N)' },
  { name: 'pvc', type: 'string', arg: 'NAME', help: 'PersistentVolumeClaim for inputs, shard outputs and the cache', default: 'tfpairs-data' },
  { name: 'namespace', type: 'string', arg: 'NS', help: 'namespace of the Jobs' },
  { name: 'name', type: 'string', arg: 'NAME', help: 'Job name prefix (NAME-groups, NAME-build, NAME-merge)', default: 'tfpairs' },
  { name: 'mount', type: 'string', arg: 'PATH', help: 'where the volume is mounted; the containers run there', default: '/data' },
  { name: 'out', type: 'string', arg: 'DIR', help: 'output folder on the volume, relative to --mount', default: 'out' },
  { name: 'cpus', type: 'string', arg: 'C', help: 'CPU request per pod (e.g. 2 or 500m)' },
  { name: 'mem', type: 'string', arg: 'M', help: 'memory request per pod (e.g. 2Gi)' },
  { name: 'job', type: 'string', arg: 'groups|build|merge|all', help: 'which Job to print (all: every one, in the order they run)', default: 'all' },
  { name: 'output', type: 'string', arg: 'yaml|json', help: 'format (json: a v1 List)', default: 'yaml' },
  help,
];

export const K8S_HELP = `Usage: tfpairs k8s --shards N --image IMG [flags] -- BUILD_FLAGS...

Prints Kubernetes batch/v1 Jobs for a sharded build, in the order they run (YAML documents
separated by ---, or with --output json one Job or a v1 List):
  NAME-groups  one pod: \`tfpairs split-groups --shards N --out OUT/split-groups.jsonl -- BUILD_FLAGS\`
               (the split groups and shard plan of the whole input, computed once)
  NAME-build   an Indexed Job (completionMode: Indexed, completions: N) whose pod with
               JOB_COMPLETION_INDEX=K runs \`tfpairs build --shard K/N --out OUT/shards/K
               --split-groups OUT/split-groups.jsonl BUILD_FLAGS\`
  NAME-merge   one pod: \`tfpairs merge\` of the N shards into OUT
All mount one PersistentVolumeClaim (inputs, groups file, shard outputs, generation cache). When
BUILD_FLAGS give --split-groups, the shards read that file and there is no groups Job. Kubernetes
does not order Jobs: apply each once the one before is complete (with --namespace, add -n NS):
  tfpairs k8s FLAGS --job groups -- BUILD_FLAGS | kubectl apply -f -
  kubectl wait --for=condition=complete --timeout=1h job/NAME-groups
  tfpairs k8s FLAGS --job build -- BUILD_FLAGS | kubectl apply -f -
  kubectl wait --for=condition=complete --timeout=24h job/NAME-build
  tfpairs k8s FLAGS --job merge | kubectl apply -f -

Flags:
${renderFlagHelp(K8S_FLAGS)}
`;

export const k8sCommand: Command = async (argv, io) => {
  try {
    const args = shardedArgs(argv, K8S_FLAGS, K8S_HELP, io);
    if (!args) return 0;
    const { values, build, shards } = args;
    if (typeof values.image !== 'string' || !values.image) throw new FlagError('give --image IMG');
    if (build.some((a) => /^--?(out|shard)(=|$)/.test(a))) throw new FlagError('--out and --shard are set by tfpairs k8s: leave them out of BUILD_FLAGS');
    const job = (values.job as string | undefined) ?? 'all';
    if (!['groups', 'build', 'merge', 'all'].includes(job)) throw new FlagError(`-job must be groups, build, merge or all, not "${job}"`);
    const format = (values.output as string | undefined) ?? 'yaml';
    if (format !== 'yaml' && format !== 'json') throw new FlagError(`-output must be yaml or json, not "${format}"`);
    const jobs = k8sJobs({
      shards,
      image: values.image,
      buildArgs: build,
      parallelism: positiveInt(values.parallelism, 'parallelism'),
      pvc: values.pvc as string | undefined,
      namespace: values.namespace as string | undefined,
      name: values.name as string | undefined,
      mountPath: values.mount as string | undefined,
      out: values.out as string | undefined,
      cpus: values.cpus as string | undefined,
      mem: values.mem as string | undefined,
    });
    if (job === 'groups' && !jobs.groups) throw new FlagError('no groups Job: BUILD_FLAGS give --split-groups, which the shards read');
    const all = [jobs.groups, jobs.build, jobs.merge].filter((d): d is K8sJob => d !== null);
    const docs = job === 'all' ? all : [jobs[job as 'groups' | 'build' | 'merge']!];
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify(docs.length === 1 ? docs[0] : { apiVersion: 'v1', kind: 'List', items: docs }, null, 2)}\n`);
    } else {
      const { stringify } = await import('yaml');
      io.stdout.write(docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
    }
    return 0;
  } catch (e) {
    return fail(io, 'k8s', e);
  }
};
