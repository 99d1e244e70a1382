#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npm ci` alone leaves a working `tfpairs`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `build` runs under a bounded old generation (config `mainHeapMb`, flag --main-heap, default below:
// keep it equal to DEFAULT_MAIN_HEAP_MB in packages/core/src/config/scale.ts, a test checks). V8 reads
// the limit only at start-up, so the executable starts the build again under it; a limit given to node
// itself (its flags or NODE_OPTIONS) is left alone.
export const DEFAULT_MAIN_HEAP_MB = 1024;
// the build side reads both through packages/cli/src/main-heap.ts
export const APPLIED = 'TFPAIRS_MAIN_HEAP_MB_APPLIED';

/** The heap limit (MB) a `build` argv asks for: --main-heap, else the --config file's mainHeapMb, else the default; null when not a number (the build reports the flag). */
export function mainHeapFor(argv) {
  const value = (name) => {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--') break;
      if (argv[i] === `--${name}`) return argv[i + 1];
      if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
    }
    return undefined;
  };
  let mb = value('main-heap');
  if (mb === undefined) {
    const file = value('config');
    try {
      if (file !== undefined) mb = JSON.parse(readFileSync(file, 'utf8')).mainHeapMb;
    } catch {
      // an unreadable config file is the build's to report
    }
  }
  if (mb === undefined) return DEFAULT_MAIN_HEAP_MB;
  const n = Number(mb);
  return Number.isInteger(n) && n >= 128 && n <= 65536 ? n : null;
}

// glibc raises its mmap threshold as large blocks are freed, so later blocks up to 32 MB come from its
// heap, where freed memory stays resident: the grouping pre-pass's MinHash arrays (~150 MB at 150k
// records, freed before the workers start) then held a 150k build's RSS at ~920 MB for its first half
// minute. A fixed threshold returns such blocks to the system when freed (peak ~810 MB). A user's own
// setting of it wins; other C libraries ignore the variable.
export const MALLOC_TUNABLE = 'glibc.malloc.mmap_threshold=131072';

/** GLIBC_TUNABLES for the build: the user's, with MALLOC_TUNABLE added unless they set the threshold themselves. */
export function buildTunables(given) {
  if (!given) return MALLOC_TUNABLE;
  return /(^|:)glibc\.malloc\.mmap_threshold=/.test(given) ? given : `${given}:${MALLOC_TUNABLE}`;
}

/** What a build's environment gets on top of `env` for glibc (Linux only; elsewhere nothing). */
export function buildMallocEnv(env) {
  return process.platform === 'linux' ? { GLIBC_TUNABLES: buildTunables(env.GLIBC_TUNABLES) } : {};
}

const heapGiven = (args) => args.some((a) => /^--max[-_]old[-_]space[-_]size\b/.test(a));

async function run() {
  const argv = process.argv.slice(2);
  const heap = argv[0] === 'build' && !process.env[APPLIED] && !heapGiven(process.execArgv) && !heapGiven((process.env.NODE_OPTIONS ?? '').split(/\s+/)) ? mainHeapFor(argv) : null;
  if (heap !== null) {
    const args = [`--max-old-space-size=${heap}`, ...process.execArgv, fileURLToPath(import.meta.url), ...argv];
    const env = { ...process.env, [APPLIED]: String(heap), ...buildMallocEnv(process.env) };
    // Node 22.15+ replaces this process; older ones wait for the child (~40 MB) and pass on its exit
    if (typeof process.execve === 'function') process.execve(process.execPath, [process.execPath, ...args], env);
    // the build must die with this process, even by SIGKILL, which cannot be passed on: on Linux the
    // kernel sees to it (setpriv's parent-death signal, at once); elsewhere the IPC channel closes and
    // the build ends itself when its event loop next turns (see below)
    const setpriv = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;
    const child = setpriv
      ? spawn(setpriv, ['--pdeathsig', 'KILL', process.execPath, ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env })
      : spawn(process.execPath, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env });
    // a terminal's Ctrl-C reaches both processes; a signal sent to this one alone (kill, Kubernetes) is passed on
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
    return new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (signal) {
          process.removeAllListeners(signal);
          process.kill(process.pid, signal);
        }
        resolve(code ?? 1);
      });
      child.on('error', (e) => {
        process.stderr.write(`tfpairs: could not start the build under --max-old-space-size=${heap}: ${e.message}\n`);
        resolve(1);
      });
    });
  }
  if (process.env[APPLIED] && process.channel) {
    // started by the executable above: never outlive it (a `kill -9` of the tfpairs pid ends the build)
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  }
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  return main(argv);
}

// imported by a test for its constants: only a run as a program runs
if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) process.exitCode = await run();
