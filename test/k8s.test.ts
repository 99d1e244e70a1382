import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildFlags, parseFlags, resolveConfig, type CliIO } from '@tfpairs/core';
import { k8sCommand } from '@tfpairs/cluster/cli';
import { writeSplitGroups } from '@tfpairs/cluster/groups-file';
import { cli } from './cli';
import { REPO } from './paths';

const work = mkdtempSync(join(tmpdir(), 'tfpairs-k8s-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * `tfpairs k8s` prints batch/v1 Jobs. No cluster runs here, so the manifests are checked against the
 * Kubernetes API schema of batch/v1 Job: kubernetes-models ships validators generated from the
 * Kubernetes OpenAPI definitions (types, enums such as completionMode, required fields).
 */
function captureIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdin: new PassThrough(), stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) }, cwd: REPO, env: process.env, out: () => out, err: () => err };
}

const ARGS = ['--shards', '4', '--image', 'registry.example/tfpairs:0.1.0', '--parallelism', '2', '--pvc', 'corpus', '--namespace', 'data', '--cpus', '2', '--mem', '2Gi'];
const BUILD = ['--', '--input', 'in/tasks.csv', '--model', 'gpt-4o', '--prompt', "it's \"quoted\""];

type Job = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    completionMode?: string;
    completions: number;
    parallelism: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: { args: string[]; command: string[]; env?: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[]; volumeMounts: { name: string; mountPath: string }[]; workingDir: string }[];
        volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
      };
    };
  };
};

async function print(format: 'yaml' | 'json', args: readonly string[] = ARGS, build: readonly string[] = BUILD): Promise<Job[]> {
  const io = captureIO();
  expect(await k8sCommand([...args, '--output', format, ...build], io), io.err()).toBe(0);
  if (format === 'json') {
    const printed = JSON.parse(io.out()) as Job | { kind: 'List'; items: Job[] };
    return 'items' in printed ? printed.items : [printed];
  }
  const docs = parseAllDocuments(io.out());
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Job);
}

/** The argv a pod's container runs, with `$(VAR)` expanded from `env` as the kubelet does. */
function podArgv(job: Job, env: Record<string, string> = {}): { argv: string[]; cwd: string } {
  const c = job.spec.template.spec.containers[0]!;
  expect(c.command).toEqual(['tfpairs']);
  return { argv: c.args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? `$(${name})`)), cwd: c.workingDir };
}

/** kubernetes-models (batch/v1 Job validator), when the workspace has it installed. */
const jobModel = await import('kubernetes-models/batch/v1/Job' as string).then(
  (m: { Job: new (data: unknown) => { validate(): void } }) => m.Job,
  () => null,
);

describe('tfpairs k8s', () => {
  it('prints a groups Job, an Indexed Job whose pod K builds shard K/N from its file, and a merge Job over the shared volume', async () => {
    const [groups, build, merge] = await print('yaml');
    expect(await print('json')).toEqual([groups, build, merge]);
    expect(groups!.metadata).toMatchObject({ name: 'tfpairs-groups', namespace: 'data' });
    expect(groups!.spec).toMatchObject({ completions: 1, parallelism: 1 });
    expect(groups!.spec.completionMode).toBeUndefined();
    // the same build flags as the shards, so the file's inputs and split settings are theirs
    expect(groups!.spec.template.spec.containers[0]!.args).toEqual(['split-groups', '--shards', '4', '--out', '/data/out/split-groups.jsonl', '--', ...BUILD.slice(1)]);
    expect(groups!.spec.template.spec.containers[0]!.workingDir).toBe('/data');
    expect(build!.kind).toBe('Job');
    expect(build!.apiVersion).toBe('batch/v1');
    expect(build!.metadata).toMatchObject({ name: 'tfpairs-build', namespace: 'data' });
    expect(build!.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 2 });
    const pod = build!.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0]!;
    expect(c.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    // the kubelet expands $(JOB_COMPLETION_INDEX) in args from the env above
    expect(c.args.slice(0, 5)).toEqual(['build', '--shard', '$(JOB_COMPLETION_INDEX)/4', '--out', '/data/out/shards/$(JOB_COMPLETION_INDEX)']);
    // one generation cache on the volume for all shards, the groups file the groups Job writes; the
    // user's flags pass through untouched
    expect(c.args.slice(5)).toEqual(['--cache-dir', '/data/out/cache', '--split-groups', '/data/out/split-groups.jsonl', '--input', 'in/tasks.csv', '--model', 'gpt-4o', '--prompt', "it's \"quoted\""]);
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(c.workingDir).toBe('/data');
    expect(pod.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'corpus' } }]);

    expect(merge!.metadata.name).toBe('tfpairs-merge');
    expect(merge!.spec.completionMode).toBeUndefined();
    expect(merge!.spec.template.spec.containers[0]!.args).toEqual(['merge', '--shards', '4', '/data/out/shards/0', '/data/out/shards/1', '/data/out/shards/2', '/data/out/shards/3', '--out', '/data/out']);
    expect(merge!.spec.template.spec.volumes).toEqual(pod.volumes);
    expect(groups!.spec.template.spec.volumes).toEqual(pod.volumes);
  });

  it('--job prints one of the three, as all prints it; bad flags are one-line errors (exit 1)', async () => {
    const all = await print('yaml');
    for (const [k, job] of ['groups', 'build', 'merge'].entries()) {
      expect(await print('yaml', [...ARGS, '--job', job])).toEqual([all[k]]);
      expect(await print('json', [...ARGS, '--job', job])).toEqual([all[k]]);
    }
    for (const [argv, message] of [
      [['--shards', '2'], 'tfpairs k8s: give --image IMG\n'],
      [['--image', 'x'], 'tfpairs k8s: give --shards N\n'],
      [['--shards', '0', '--image', 'x'], 'tfpairs k8s: -shards must be a positive integer, not 0\n'],
      [['--shards', '2', '--image', 'x', '--', '--out', 'o'], 'tfpairs k8s: --out and --shard are set by tfpairs k8s: leave them out of BUILD_FLAGS\n'],
      [['--shards', '2', '--image', 'x', '--job', 'split'], 'tfpairs k8s: -job must be groups, build, merge or all, not "split"\n'],
      [['--shards', '2', '--image', 'x', '--job', 'groups', '--', '--split-groups', 'g.jsonl'], 'tfpairs k8s: no groups Job: BUILD_FLAGS give --split-groups, which the shards read\n'],
    ] as const) {
      const bad = captureIO();
      expect(await k8sCommand(argv, bad)).toBe(1);
      expect(bad.err()).toBe(message);
    }
  });

  describe(`against the Kubernetes batch/v1 Job schema${jobModel ? '' : ' [skipped: kubernetes-models is not installed in the workspace]'}`, () => {
    it.skipIf(!jobModel)('the three Jobs validate, and the validator does reject a wrong completionMode', async () => {
      const jobs = await print('json');
      expect(jobs.map((j) => j.metadata.name)).toEqual(['tfpairs-groups', 'tfpairs-build', 'tfpairs-merge']);
      for (const job of jobs) expect(() => new jobModel!(job).validate()).not.toThrow();
      const [, build] = jobs;
      const wrong = structuredClone(build!);
      wrong.spec.completionMode = 'indexed';
      expect(() => new jobModel!(wrong).validate()).toThrow(/completionMode must be equal to one of the allowed values/);
      const nameless = structuredClone(build!) as unknown as { spec: { template: { spec: { containers: { name?: string }[] } } } };
      delete nameless.spec.template.spec.containers[0]!.name;
      expect(() => new jobModel!(nameless).validate()).toThrow(/must have required property 'name'|must have required property name/);
    });
  });
});

describe('tfpairs split-groups and the groups Job', () => {
  const SAMPLE = ['--input', 'data/sample/tasks.jsonl', '--offline'];

  it('writes what tfpairs slurm writes (writeSplitGroups) for the same settings; build --shard 0/2 reads it, 0/3 refuses it', async () => {
    const file = join(work, 'cli', 'split-groups.jsonl');
    const run = await cli(['split-groups', '--shards', '2', '--out', file, '--', ...SAMPLE], { cwd: REPO });
    expect(run.stderr).toBe(`tfpairs split-groups: split groups of 8 input records (8 groups, the largest 1) -> ${file}\n`);
    const direct = join(work, 'direct.jsonl');
    await writeSplitGroups(direct, resolveConfig(parseFlags(SAMPLE, buildFlags).values, REPO), { cwd: REPO, env: process.env, shards: 2 });
    const bytes = readFileSync(file);
    expect(bytes.equals(readFileSync(direct))).toBe(true);
    expect(JSON.parse(bytes.toString('utf8').split('\n')[0]!)).toMatchObject({ format: 'tfpairs-split-groups', shards: 2, inputs: ['data/sample/tasks.jsonl'], records: 8 });

    const shard = join(work, 'cli-shard-0');
    await cli(['build', ...SAMPLE, '--shard', '0/2', '--split-groups', file, '--out', shard], { cwd: REPO });
    expect(JSON.parse(readFileSync(join(shard, 'manifest.json'), 'utf8')).config.split.groupsFile).toBe(file);
    const other = await cli(['build', ...SAMPLE, '--shard', '0/3', '--split-groups', file, '--out', join(work, 'cli-refused')], { cwd: REPO, allowFailure: true });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`split groups file ${file}: written for 2 shards, this build is one of 3`);
  }, 120_000);

  it('bad flags are one-line errors (exit 1), nothing written', async () => {
    const out = join(work, 'bad', 'g.jsonl');
    for (const [argv, message] of [
      [['--out', out, '--', ...SAMPLE], 'tfpairs split-groups: give --shards N\n'],
      [['--shards', '2', '--', ...SAMPLE], 'tfpairs split-groups: no groups file: give --out FILE\n'],
      [['--shards', '2', '--out', out, '--', ...SAMPLE, '--shard', '0/2'], 'tfpairs split-groups: --out, --shard and --split-groups are not build flags of the groups file: leave them out of BUILD_FLAGS\n'],
      [['--shards', '2', '--out', out, '--', '--input', 'data/sample/no-such.jsonl'], 'tfpairs split-groups: no such input: data/sample/no-such.jsonl\n'],
      [['--shards', '2', '--out', out, '--', '--offline'], 'tfpairs split-groups: no input: give at least one --input PATH\n'],
    ] as const) {
      const run = await cli(['split-groups', ...argv], { cwd: REPO, allowFailure: true });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toBe(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('the build pods read the file the groups Job writes: run on a volume folder, pod by pod, then merged', async () => {
    const volume = join(work, 'volume');
    mkdirSync(join(volume, 'in'), { recursive: true });
    cpSync(join(REPO, 'data/sample/tasks.jsonl'), join(volume, 'in', 'tasks.jsonl'));
    const [groups, build, merge] = await print('json', ['--shards', '2', '--image', 'x', '--mount', volume], ['--', '--input', 'in/tasks.jsonl', '--offline']);
    const groupsFile = join(volume, 'out', 'split-groups.jsonl');
    const shard = (k: number) => podArgv(build!, { JOB_COMPLETION_INDEX: String(k) });

    // applied before the groups Job is complete, a shard fails on the missing file (it never regroups)
    const early = await cli(shard(0).argv, { cwd: shard(0).cwd, allowFailure: true });
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`cannot read the split groups file ${groupsFile}: ENOENT`);

    const g = podArgv(groups!);
    await cli(g.argv, { cwd: g.cwd });
    expect(existsSync(groupsFile)).toBe(true);
    for (const k of [0, 1]) {
      await cli(shard(k).argv, { cwd: shard(k).cwd });
      expect(JSON.parse(readFileSync(join(volume, 'out', 'shards', String(k), 'manifest.json'), 'utf8')).config.split.groupsFile).toBe(groupsFile);
    }
    const m = podArgv(merge!);
    const merged = await cli(m.argv, { cwd: m.cwd });
    expect(merged.stderr).toMatch(/^tfpairs merge: 2 shards, 8 input records, 8 kept, 0 dropped/);
  }, 120_000);

  it('BUILD_FLAGS that give --split-groups: no groups Job, the shards read that file', async () => {
    const jobs = await print('json', ARGS, ['--', '--input', 'in/tasks.csv', '--split-groups', 'in/groups.jsonl']);
    expect(jobs.map((j) => j.metadata.name)).toEqual(['tfpairs-build', 'tfpairs-merge']);
    const args = jobs[0]!.spec.template.spec.containers[0]!.args;
    expect(args.filter((a) => a === '--split-groups')).toHaveLength(1);
    expect(args.slice(5)).toEqual(['--input', 'in/tasks.csv', '--split-groups', 'in/groups.jsonl']);
    expect((await print('yaml', ARGS, ['--', '--split-groups=in/groups.jsonl'])).map((j) => j.metadata.name)).toEqual(['tfpairs-build', 'tfpairs-merge']);
  });
});
