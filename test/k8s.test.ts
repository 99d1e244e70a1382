import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CliIO } from '@tfpairs/core';
import { k8sCommand } from '@tfpairs/cluster/cli';
import { REPO } from './paths';

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

async function print(format: 'yaml' | 'json'): Promise<Job[]> {
  const cli = captureIO();
  expect(await k8sCommand([...ARGS, '--output', format, ...BUILD], cli), cli.err()).toBe(0);
  if (format === 'json') return (JSON.parse(cli.out()) as { kind: string; items: Job[] }).items;
  const docs = parseAllDocuments(cli.out());
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Job);
}

/** kubernetes-models (batch/v1 Job validator), when the workspace has it installed. */
const jobModel = await import('kubernetes-models/batch/v1/Job' as string).then(
  (m: { Job: new (data: unknown) => { validate(): void } }) => m.Job,
  () => null,
);

describe('tfpairs k8s', () => {
  it('prints an Indexed Job whose pod K builds shard K/N, and a merge Job over the shared volume', async () => {
    const [build, merge] = await print('yaml');
    expect(await print('json')).toEqual([build, merge]);
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
    // one generation cache on the volume for all shards; the user's flags pass through untouched
    expect(c.args.slice(5)).toEqual(['--cache-dir', '/data/out/cache', '--input', 'in/tasks.csv', '--model', 'gpt-4o', '--prompt', "it's \"quoted\""]);
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(c.workingDir).toBe('/data');
    expect(pod.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'corpus' } }]);

    expect(merge!.metadata.name).toBe('tfpairs-merge');
    expect(merge!.spec.completionMode).toBeUndefined();
    expect(merge!.spec.template.spec.containers[0]!.args).toEqual(['merge', '--shards', '4', '/data/out/shards/0', '/data/out/shards/1', '/data/out/shards/2', '/data/out/shards/3', '--out', '/data/out']);
    expect(merge!.spec.template.spec.volumes).toEqual(pod.volumes);
  });

  it('--job prints one of the two; bad flags are one-line errors (exit 1)', async () => {
    const cli = captureIO();
    expect(await k8sCommand([...ARGS, '--job', 'merge'], cli)).toBe(0);
    expect(parseAllDocuments(cli.out()).map((d) => (d.toJS() as Job).metadata.name)).toEqual(['tfpairs-merge']);
    for (const [argv, message] of [
      [['--shards', '2'], 'tfpairs k8s: give --image IMG\n'],
      [['--image', 'x'], 'tfpairs k8s: give --shards N\n'],
      [['--shards', '0', '--image', 'x'], 'tfpairs k8s: -shards must be a positive integer, not 0\n'],
      [['--shards', '2', '--image', 'x', '--', '--out', 'o'], 'tfpairs k8s: --out and --shard are set by tfpairs k8s: leave them out of BUILD_FLAGS\n'],
    ] as const) {
      const bad = captureIO();
      expect(await k8sCommand(argv, bad)).toBe(1);
      expect(bad.err()).toBe(message);
    }
  });

  describe(`against the Kubernetes batch/v1 Job schema${jobModel ? '' : ' [skipped: kubernetes-models is not installed in the workspace]'}`, () => {
    it.skipIf(!jobModel)('both Jobs validate, and the validator does reject a wrong completionMode', async () => {
      for (const job of await print('json')) expect(() => new jobModel!(job).validate()).not.toThrow();
      const [build] = await print('json');
      const wrong = structuredClone(build!);
      wrong.spec.completionMode = 'indexed';
      expect(() => new jobModel!(wrong).validate()).toThrow(/completionMode must be equal to one of the allowed values/);
      const nameless = structuredClone(build!) as unknown as { spec: { template: { spec: { containers: { name?: string }[] } } } };
      delete nameless.spec.template.spec.containers[0]!.name;
      expect(() => new jobModel!(nameless).validate()).toThrow(/must have required property 'name'|must have required property name/);
    });
  });
});
