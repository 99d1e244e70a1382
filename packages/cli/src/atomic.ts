import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { processAlive } from '@tfpairs/generate/cache';
import { startedUnderMainHeap } from './main-heap';

/**
 * Atomic output folders: a build writes into a hidden sibling of `--out` and renames it into place
 * once everything (corpora, manifest, card, report) is written, so a killed build never leaves a
 * folder that looks finished: the old complete run stays as it was, or there is no folder at all.
 */

/** What a build writes into its folder; anything else already there (a cache, the user's notes) is kept. */
const BUILD_OUTPUT = /^(tf-gen|tf-mutn|dpo(-[a-z0-9-]+)?|kto|records\.jsonl|audit\.jsonl|manifest\.json|README\.md|report\.html)$/;

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/**
 * Makes the folder `path` (and its missing parents) one level at a time, or says why it cannot.
 * Node's own `mkdirSync(..., { recursive: true })` never returns for some paths on pseudo file
 * systems (`/proc/x` loops on ENOENT), so the levels are made here, each failing at once.
 */
export function makeFolder(path: string): string | undefined {
  const missing: string[] = [];
  let at = resolve(path);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    if (!statSync(at).isDirectory()) return `${at} is not a folder`;
  } catch (e) {
    return `${at}: ${errno(e)}`;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      return `cannot create ${dir}: ${errno(e)}`;
    }
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    return `${path} is not writable: ${errno(e)}`;
  }
  return undefined;
}

const PARTIAL = (base: string) => new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.partial-(\\d+)-[a-z0-9]+(\\.old)?$`);

export interface Staging {
  /** the hidden sibling the build writes into */
  readonly dir: string;
  /** partial folders of killed builds that were removed */
  readonly swept: number;
}

/**
 * The process a staging folder belongs to: the `tfpairs` executable's when it started this build under
 * its heap limit (bin/tfpairs.js; the build dies with it), so that a `kill -9` of the pid the user sees
 * frees the folder for the next build's sweep at once.
 */
function ownerPid(): number {
  return startedUnderMainHeap(process.env) && process.connected ? process.ppid : process.pid;
}

/**
 * Prepares a build into `out`: checks that `out` is (or can become) a folder, removes partial
 * folders that killed builds left beside it, and makes this build's staging folder. A string is the
 * reason it cannot.
 */
export function stageOutput(out: string): Staging | string {
  const target = resolve(out);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) return `${out} exists and is not a folder`;
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      return `${out} is not writable: ${errno(e)}`;
    }
  }
  const parent = dirname(target);
  const problem = makeFolder(parent);
  if (problem) return problem;
  let swept = 0;
  const partial = PARTIAL(basename(target));
  for (const name of readdirSync(parent)) {
    const m = partial.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    swept += 1;
  }
  const dir = join(parent, `.${basename(target)}.partial-${ownerPid()}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    mkdirSync(dir);
  } catch (e) {
    return `cannot create ${dir}: ${errno(e)}`;
  }
  return { dir, swept };
}

/**
 * Puts a finished staging folder in the place of `out`. What an earlier run left in `out` that is
 * not build output (e.g. a `cache/` folder) moves into the new folder first; the old run is removed
 * only once the new one is in place.
 */
export function publishOutput(staging: string, out: string): void {
  const target = resolve(out);
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  for (const name of readdirSync(target)) {
    if (BUILD_OUTPUT.test(name) || existsSync(join(staging, name))) continue;
    renameSync(join(target, name), join(staging, name));
  }
  const old = `${staging}.old`;
  renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}

/** Removes a staging folder (a build that stopped: the previous run in `out` stays untouched). */
export function discardOutput(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}
