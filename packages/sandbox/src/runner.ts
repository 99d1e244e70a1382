import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { isSetPath } from '@tfpairs/configs/fileset';
import { interruptedBy, removeSandbox, trackLive, untrackLive } from './cleanup';

/** uid/gid terraform runs as inside the sandbox (docker/Dockerfile creates this user). */
export const SANDBOX_UID = 10001;
/** label on every container and volume the sandbox creates; its value is the run id */
export const SANDBOX_LABEL = 'tfpairs.sandbox';
/** where a provider mirror / plugin dir is mounted read-only inside the container */
export const PLUGIN_MOUNT = '/opt/tfpairs/plugins';
const READY_FILE = '.tfpairs-ready';

export interface SandboxLimits {
  /** wall-clock limit from container start to exit; the container is killed when it passes */
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly cpus: number;
  readonly pids: number;
  /** size of the tmpfs that holds the configuration and terraform's .terraform/ */
  readonly workMb?: number;
}

export interface SandboxRequest {
  readonly image: string;
  /** file name -> content; written to /work/config by archive upload (no host bind of user data) */
  readonly files: Readonly<Record<string, string>>;
  /** also run `terraform plan` when validate succeeds */
  readonly plan?: boolean;
  /** host folder with a provider mirror, mounted read-only and given to `init -plugin-dir` */
  readonly pluginDir?: string;
  readonly limits: SandboxLimits;
  /** value of the `tfpairs.sandbox` label (lets callers and tests find what one run created) */
  readonly runId: string;
  readonly signal?: AbortSignal;
  /** called with the container id once it runs (tests watch concurrency with it) */
  readonly onStart?: (containerId: string) => void;
}

export type StepName = 'init' | 'validate' | 'plan';

export interface StepResult {
  readonly name: StepName;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SandboxRun {
  readonly containerId: string | null;
  readonly steps: readonly StepResult[];
  /** the wall-clock limit passed and the container was killed */
  readonly timedOut: boolean;
  /** the kernel's OOM killer fired inside the container's memory limit */
  readonly oomKilled: boolean;
  readonly aborted: boolean;
  /** exit code of the container's main process (null when it never ran) */
  readonly exitCode: number | null;
  /** the wrapper script reached its end marker */
  readonly completed: boolean;
  /** a Docker API failure (image missing, engine gone, ...) */
  readonly error?: string;
  /** the container or its volume could not be removed (reported, never silent) */
  readonly cleanupError?: string;
  /** output of the wrapper itself (not of a step), e.g. a shell error */
  readonly wrapperOutput: string;
  readonly durationMs: number;
}

/**
 * The container's main process: waits for the uploaded configuration, then runs each terraform step
 * with its stdout/stderr captured to files and prints them between boundary lines carrying a random
 * nonce, so one log holds every step's output and exit code unambiguously.
 */
export function wrapperScript(boundary: string): string {
  return `set -u
B=${boundary}
n=0
while [ ! -e /work/${READY_FILE} ]; do
  n=$((n + 1))
  if [ "$n" -gt 6000 ]; then printf '%s fatal no-configuration\\n' "$B"; exit 96; fi
  sleep 0.1
done
cd /work/config || { printf '%s fatal no-config-dir\\n' "$B"; exit 96; }
step() {
  name=$1
  shift
  "$@" >/tmp/tfpairs-step.out 2>/tmp/tfpairs-step.err
  rc=$?
  printf '%s out %s\\n' "$B" "$name"
  cat /tmp/tfpairs-step.out
  printf '\\n%s err %s\\n' "$B" "$name"
  cat /tmp/tfpairs-step.err
  printf '\\n%s rc %s %s\\n' "$B" "$name" "$rc"
  return $rc
}
if [ -n "$TFPAIRS_PLUGIN_DIR" ]; then
  step init terraform init -backend=false -input=false -no-color "-plugin-dir=$TFPAIRS_PLUGIN_DIR"
else
  step init terraform init -backend=false -input=false -no-color
fi
step validate terraform validate -json -no-color
validate_rc=$?
if [ "$validate_rc" -eq 0 ] && [ "$TFPAIRS_PLAN" = 1 ]; then
  step plan terraform plan -input=false -lock=false -refresh=false -json -no-color
fi
printf '%s end\\n' "$B"
`;
}

export interface FramedOutput {
  readonly steps: StepResult[];
  readonly completed: boolean;
  readonly fatal?: string;
  /** text outside any step section */
  readonly other: string;
}

/** Splits the wrapper's stdout into steps (see wrapperScript for the framing). */
export function parseFramed(stdout: string, boundary: string): FramedOutput {
  const marker = new RegExp(`(?<=^|\\n)${boundary} (out|err|rc|end|fatal)(?: ([^\\n]*))?(?:\\n|$)`, 'g');
  const steps = new Map<string, { stdout?: string; stderr?: string; exitCode?: number }>();
  let completed = false;
  let fatal: string | undefined;
  let other = '';
  let open: { kind: 'out' | 'err'; name: string; from: number } | null = null;
  let last = 0;
  for (const m of stdout.matchAll(marker)) {
    const at = m.index!;
    // the wrapper prints one '\n' before each err/rc marker: it is not part of the step's output
    const body = open ? stdout.slice(open.from, at).replace(/\n$/, '') : stdout.slice(last, at);
    if (open) {
      const entry = steps.get(open.name) ?? {};
      if (open.kind === 'out') entry.stdout ??= body;
      else entry.stderr ??= body;
      steps.set(open.name, entry);
      open = null;
    } else {
      other += body;
    }
    const kind = m[1] as 'out' | 'err' | 'rc' | 'end' | 'fatal';
    const args = (m[2] ?? '').trim();
    const from = at + m[0].length;
    last = from;
    if (kind === 'out' || kind === 'err') open = { kind, name: args, from };
    else if (kind === 'rc') {
      const [name, code] = args.split(' ');
      const entry = steps.get(name!) ?? {};
      entry.exitCode ??= Number(code);
      steps.set(name!, entry);
    } else if (kind === 'end') completed = true;
    else fatal ??= args || 'fatal';
  }
  // an unterminated section (killed mid-step) is kept as partial output of that step
  if (open) {
    const entry = steps.get(open.name) ?? {};
    if (open.kind === 'out') entry.stdout ??= stdout.slice(open.from);
    else entry.stderr ??= stdout.slice(open.from);
    steps.set(open.name, entry);
  } else {
    other += stdout.slice(last);
  }
  const out: StepResult[] = [];
  for (const [name, s] of steps) {
    if (name !== 'init' && name !== 'validate' && name !== 'plan') continue;
    // a step without its rc line did not finish (timeout or kill)
    if (s.exitCode === undefined || !Number.isFinite(s.exitCode)) continue;
    out.push({ name, exitCode: s.exitCode, stdout: s.stdout ?? '', stderr: s.stderr ?? '' });
  }
  return { steps: out, completed, fatal, other };
}

/**
 * Splits Docker's multiplexed log stream (non-TTY containers): 8-byte frame headers with the stream
 * id and a big-endian length. Hand-written because dockerode's demuxStream works on streams, and
 * `logs({follow: false})` gives one Buffer.
 */
export function demuxDockerLog(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const stream = buffer[i];
    const size = buffer.readUInt32BE(i + 4);
    const chunk = buffer.subarray(i + 8, i + 8 + size);
    if (stream === 2) err.push(chunk);
    else out.push(chunk);
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * The configuration as a tar archive: config/ + files (owned by the sandbox user), then the ready file
 * last. A name may hold folders (`modules/m/main.tf`, a task's local modules): each folder gets its own
 * entry before its first file. Only plain relative paths are written (`isSetPath`: no `..`, nothing
 * absolute or hidden), so nothing lands outside config/.
 */
export async function configArchive(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    tar.on('data', (c: unknown) => chunks.push(c as Buffer));
    tar.on('end', () => resolve(Buffer.concat(chunks)));
    tar.on('error', reject);
  });
  const owner = { uid: SANDBOX_UID, gid: SANDBOX_UID };
  const mtime = new Date(0);
  tar.entry({ name: 'config/', type: 'directory', mode: 0o755, mtime, ...owner });
  const folders = new Set<string>();
  for (const [name, content] of Object.entries(files)) {
    if (!isSetPath(name)) throw new Error(`unsafe configuration file name: ${JSON.stringify(name)}`);
    const segments = name.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      if (folders.has(folder)) continue;
      folders.add(folder);
      tar.entry({ name: `config/${folder}/`, type: 'directory', mode: 0o755, mtime, ...owner });
    }
    tar.entry({ name: `config/${name}`, mode: 0o644, mtime, ...owner }, content);
  }
  tar.entry({ name: READY_FILE, mode: 0o644, mtime, ...owner }, '');
  tar.finalize();
  return done;
}

let sequence = 0;

/**
 * Runs terraform init + validate (+ plan) on one configuration in a fresh, locked-down container and
 * always removes the container and its volume afterwards. Never throws: Docker failures come back
 * as `error`.
 */
export async function runInSandbox(docker: Docker, request: SandboxRequest): Promise<SandboxRun> {
  const key = `${request.runId}-${process.pid}-${++sequence}-${randomBytes(3).toString('hex')}`;
  const volumeName = `tfpairs-sandbox-${key}`;
  const created: { containerId?: string; volumeName?: string } = {};
  trackLive(key, { docker });
  let result: SandboxRun;
  let cleanupError: string | undefined;
  try {
    result = await runContained(docker, request, volumeName, created, key);
  } finally {
    try {
      await removeSandbox(docker, created.containerId, created.volumeName);
    } catch (e) {
      cleanupError = (e as Error).message;
    }
    untrackLive(key);
  }
  return cleanupError ? { ...result, cleanupError } : result;
}

async function runContained(
  docker: Docker,
  request: SandboxRequest,
  volumeName: string,
  created: { containerId?: string; volumeName?: string },
  key: string,
): Promise<SandboxRun> {
  const started = Date.now();
  const boundary = `tfpairs-${randomBytes(12).toString('hex')}`;
  const labels = { [SANDBOX_LABEL]: request.runId };
  const limits = request.limits;
  let containerId: string | null = null;
  let timedOut = false;
  let aborted = false;
  const base = { steps: [], timedOut: false, oomKilled: false, aborted: false, exitCode: null, completed: false, wrapperOutput: '' };
  try {
    // the work dir is a tmpfs-backed volume: in memory, size-limited, and (unlike HostConfig.Tmpfs)
    // reachable by the archive upload while the root filesystem stays read-only
    await docker.createVolume({
      Name: volumeName,
      Driver: 'local',
      DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: `size=${limits.workMb ?? 64}m,uid=${SANDBOX_UID},gid=${SANDBOX_UID},mode=0700,nosuid,nodev` },
      Labels: labels,
    });
    created.volumeName = volumeName;
    trackLive(key, { docker, volumeName });
    const mounts: Docker.MountConfig = [{ Type: 'volume', Source: volumeName, Target: '/work', ReadOnly: false }];
    if (request.pluginDir) mounts.push({ Type: 'bind', Source: request.pluginDir, Target: PLUGIN_MOUNT, ReadOnly: true });
    const container = await docker.createContainer({
      Image: request.image,
      Entrypoint: ['/bin/sh', '-c', wrapperScript(boundary)],
      Cmd: [],
      User: `${SANDBOX_UID}:${SANDBOX_UID}`,
      WorkingDir: '/work',
      Env: [
        'TF_IN_AUTOMATION=1',
        'TF_INPUT=0',
        'CHECKPOINT_DISABLE=1',
        'HOME=/tmp',
        `TFPAIRS_PLAN=${request.plan ? 1 : 0}`,
        `TFPAIRS_PLUGIN_DIR=${request.pluginDir ? PLUGIN_MOUNT : ''}`,
      ],
      Labels: labels,
      NetworkDisabled: true,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      HostConfig: {
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
        Mounts: mounts,
        Memory: limits.memoryMb * 1024 * 1024,
        MemorySwap: limits.memoryMb * 1024 * 1024, // no swap: the memory limit is the limit
        NanoCpus: Math.round(limits.cpus * 1e9),
        PidsLimit: limits.pids,
        Privileged: false,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        // a real init as PID 1 reaps what terraform or its providers leave behind
        Init: true,
        IpcMode: 'private',
        AutoRemove: false,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '16m', 'max-file': '1' } },
      },
    });
    containerId = container.id;
    created.containerId = containerId;
    trackLive(key, { docker, containerId, volumeName });
    if (request.signal?.aborted) {
      aborted = true;
      return { ...base, containerId, aborted, error: 'aborted before start', durationMs: Date.now() - started };
    }

    let timer: NodeJS.Timeout | undefined;
    const kill = () => container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
    const onAbort = () => {
      aborted = true;
      void kill();
    };
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limits.timeoutMs);
    });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const work = (async () => {
        await container.start();
        request.onStart?.(container.id);
        await container.putArchive(await configArchive(request.files), { path: '/work' });
        return (await container.wait()) as { StatusCode?: number };
      })();
      const first = await Promise.race([work.then(() => 'exited' as const), deadline]);
      if (first === 'timeout') {
        timedOut = true;
        await kill();
      }
      // settle the upload/wait (after a kill, wait returns promptly); an engine that never answers
      // must not hang the run: the forced removal in runInSandbox follows either way
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        work.catch(() => undefined),
        new Promise((resolve) => {
          grace = setTimeout(resolve, 30_000);
        }),
      ]).finally(() => clearTimeout(grace));
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }

    const info = await container.inspect();
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    const { stdout, stderr } = demuxDockerLog(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
    const framed = parseFramed(stdout, boundary);
    return {
      containerId,
      steps: framed.steps,
      timedOut,
      oomKilled: Boolean(info.State.OOMKilled),
      aborted,
      exitCode: typeof info.State.ExitCode === 'number' ? info.State.ExitCode : null,
      completed: framed.completed,
      wrapperOutput: `${framed.fatal ? `fatal: ${framed.fatal}\n` : ''}${framed.other}${stderr}`.trim().slice(0, 4000),
      durationMs: Date.now() - started,
    };
  } catch (e) {
    const err = e as Error & { statusCode?: number; json?: { message?: string } };
    const message = err.json?.message ?? err.message;
    // a signal handler removed the container under us: that is an interruption, not an engine failure
    const interrupted = interruptedBy();
    return { ...base, containerId, timedOut, aborted: aborted || interrupted !== null, error: interrupted ? `interrupted by ${interrupted}` : message, durationMs: Date.now() - started };
  }
}
