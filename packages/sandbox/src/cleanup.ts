import type Docker from 'dockerode';

/**
 * Every container and volume the sandbox has created and not yet removed. A SIGINT/SIGTERM handler
 * is installed while anything is live: it removes them all, then re-raises the signal so the process
 * still ends the way the user asked (no container outlives a Ctrl-C).
 */
interface Live {
  readonly docker: Docker;
  readonly containerId?: string;
  readonly volumeName?: string;
}

const live = new Map<string, Live>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;
let cleaning: Promise<void> | null = null;
let signalled: NodeJS.Signals | null = null;

/** the signal that made the sandbox remove its containers, if any (runs report themselves aborted) */
export function interruptedBy(): NodeJS.Signals | null {
  return signalled;
}

function onSignal(signal: NodeJS.Signals): void {
  signalled = signal;
  cleaning ??= removeAllLive();
  void cleaning.finally(() => {
    cleaning = null;
    uninstall();
    // only re-raise when nobody else handles the signal; otherwise leave the decision to them
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
}

export function trackLive(key: string, item: Live): void {
  live.set(key, { ...live.get(key), ...item });
  install();
}

export function untrackLive(key: string): void {
  live.delete(key);
  if (live.size === 0 && !cleaning) uninstall();
}

export function liveCount(): number {
  return live.size;
}

async function retry(fn: () => Promise<unknown>, attempts = 4): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fn();
      return;
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      if (status === 404) return; // already gone
      if (i + 1 >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 200 * (i + 1)));
    }
  }
}

/** Force-removes a container (with its anonymous volumes) and then its work volume; 404 counts as done. */
export async function removeSandbox(docker: Docker, containerId: string | undefined, volumeName: string | undefined): Promise<void> {
  const errors: string[] = [];
  if (containerId) {
    try {
      await retry(() => docker.getContainer(containerId).remove({ force: true, v: true }));
    } catch (e) {
      errors.push(`container ${containerId.slice(0, 12)}: ${(e as Error).message}`);
    }
  }
  if (volumeName) {
    try {
      await retry(() => docker.getVolume(volumeName).remove());
    } catch (e) {
      errors.push(`volume ${volumeName}: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new Error(`sandbox cleanup failed: ${errors.join('; ')}`);
}

/** Removes everything still live (signal handler, or a caller shutting down early). */
export async function removeAllLive(): Promise<void> {
  const items = [...live.entries()];
  await Promise.allSettled(
    items.map(async ([key, item]) => {
      await removeSandbox(item.docker, item.containerId, item.volumeName);
      live.delete(key);
    }),
  );
}
