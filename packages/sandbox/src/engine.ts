import Docker from 'dockerode';

/** Where the Docker engine listens, from `DOCKER_HOST` (unix:// or tcp://) or the default socket. */
export function engineOptions(env: Readonly<Record<string, string | undefined>>): Docker.DockerOptions {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { socketPath: host };
  const url = new URL(host.replace(/^tcp:\/\//, env.DOCKER_TLS_VERIFY ? 'https://' : 'http://'));
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 2376 : 2375,
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  };
}

export function describeEngine(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKER_HOST?.trim() ? `DOCKER_HOST=${env.DOCKER_HOST.trim()}` : 'unix:///var/run/docker.sock (default; DOCKER_HOST unset)';
}

export type EngineProbe =
  | { readonly ok: true; readonly docker: Docker; readonly version: string }
  | { readonly ok: false; readonly where: string; readonly reason: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connects to the engine and asks for its version; never throws (no engine is a normal situation). */
export async function probeEngine(
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs = 5_000,
): Promise<EngineProbe> {
  const where = describeEngine(env);
  let docker: Docker;
  try {
    docker = new Docker(engineOptions(env));
  } catch (e) {
    return { ok: false, where, reason: (e as Error).message };
  }
  try {
    const version = (await withTimeout(docker.version(), timeoutMs, 'docker version')) as { Version?: string; ApiVersion?: string };
    return { ok: true, docker, version: `${version.Version ?? '?'} (API ${version.ApiVersion ?? '?'})` };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, where, reason: err.code ? `${err.code}: ${err.message}` : err.message };
  }
}

/** Whether the engine has the image locally (no registry is assumed reachable, so nothing is pulled). */
export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}
