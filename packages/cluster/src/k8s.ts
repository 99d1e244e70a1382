import { posix } from 'node:path';

/**
 * One sharded build as Kubernetes Jobs: a groups Job (`tfpairs split-groups`: the whole input's split
 * groups and shard plan, once), an Indexed Job of `tfpairs build --shard K/N` reading them, a merge Job.
 */
export interface K8sPlan {
  readonly shards: number;
  readonly image: string;
  readonly buildArgs: readonly string[];
  /** pods of the build Job running at once (default: every shard) */
  readonly parallelism?: number;
  /** the PersistentVolumeClaim (ReadWriteMany when pods land on several nodes) holding inputs, shards, cache */
  readonly pvc?: string;
  readonly namespace?: string;
  /** prefix of the Job names: NAME-groups, NAME-build, NAME-merge */
  readonly name?: string;
  /** where the volume is mounted and the containers run; relative build flags resolve against it */
  readonly mountPath?: string;
  /** output folder on the volume, relative to mountPath */
  readonly out?: string;
  /** argv that runs tfpairs in the image */
  readonly command?: readonly string[];
  readonly cpus?: string;
  readonly mem?: string;
  /** retries of a failed pod, per Job */
  readonly backoffLimit?: number;
}

export const K8S_DEFAULTS = { pvc: 'tfpairs-data', name: 'tfpairs', mountPath: '/data', out: 'out', command: ['tfpairs'], backoffLimit: 3 } as const;

export type K8sJob = Record<string, unknown>;

/** The groups file the groups Job writes and the build pods read, relative to the output folder. */
export const GROUPS_FILE = 'split-groups.jsonl';

/**
 * The manifests as plain objects, in the order they must run (Kubernetes does not order Jobs). `groups`
 * is null when the build flags name a groups file (`--split-groups`) of their own.
 */
export function k8sJobs(plan: K8sPlan): { groups: K8sJob | null; build: K8sJob; merge: K8sJob } {
  const name = plan.name ?? K8S_DEFAULTS.name;
  const mountPath = plan.mountPath ?? K8S_DEFAULTS.mountPath;
  const out = posix.join(mountPath, plan.out ?? K8S_DEFAULTS.out);
  const command = [...(plan.command ?? K8S_DEFAULTS.command)];
  const n = plan.shards;
  const labels = (component: string) => ({ 'app.kubernetes.io/name': 'tfpairs', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': component });
  const metadata = (component: string) => ({ name: `${name}-${component}`, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: labels(component) });
  const resources =
    plan.cpus || plan.mem
      ? { resources: { requests: { ...(plan.cpus ? { cpu: plan.cpus } : {}), ...(plan.mem ? { memory: plan.mem } : {}) } } }
      : {};
  const volume = { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: plan.pvc ?? K8S_DEFAULTS.pvc } }] };
  const mounts = { volumeMounts: [{ name: 'data', mountPath }] };
  const given = (flag: string) => plan.buildArgs.some((a) => a === `-${flag}` || a === `--${flag}` || a.startsWith(`--${flag}=`) || a.startsWith(`-${flag}=`));
  // one generation cache on the shared volume for every shard (and for a rerun as one process)
  const cache = given('model') && !given('cache-dir') ? ['--cache-dir', posix.join(out, 'cache')] : [];
  const groupsFile = given('split-groups') ? null : posix.join(out, GROUPS_FILE);
  const backoffLimit = plan.backoffLimit ?? K8S_DEFAULTS.backoffLimit;
  /** a Job of one pod running `tfpairs ARGS` on the volume */
  const onePod = (component: string, args: string[]) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(component),
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit,
      template: {
        metadata: { labels: labels(component) },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: component, image: plan.image, workingDir: mountPath, command, args, ...mounts, ...resources }],
          ...volume,
        },
      },
    },
  });

  const build = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata('build'),
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: Math.min(plan.parallelism ?? n, n),
      backoffLimit,
      template: {
        metadata: { labels: labels('build') },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'build',
              image: plan.image,
              workingDir: mountPath,
              command,
              // $(VAR) is expanded by the kubelet from the container's env
              args: ['build', '--shard', `$(JOB_COMPLETION_INDEX)/${n}`, '--out', `${out}/shards/$(JOB_COMPLETION_INDEX)`, ...cache, ...(groupsFile ? ['--split-groups', groupsFile] : []), ...plan.buildArgs],
              env: [
                {
                  name: 'JOB_COMPLETION_INDEX',
                  valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
                },
              ],
              ...mounts,
              ...resources,
            },
          ],
          ...volume,
        },
      },
    },
  };
  return {
    // the same build flags, so the file's inputs and split settings are the ones every shard checks
    groups: groupsFile ? onePod('groups', ['split-groups', '--shards', String(n), '--out', groupsFile, '--', ...plan.buildArgs]) : null,
    build,
    merge: onePod('merge', ['merge', '--shards', String(n), ...Array.from({ length: n }, (_, k) => `${out}/shards/${k}`), '--out', out]),
  };
}
