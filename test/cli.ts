import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../packages/cli/src/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A test never shares the user's response cache: a fresh one unless the test says where caches go. */
function withTestCache(env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string | undefined>> {
  if (env.TFPAIRS_CACHE_DIR || env.XDG_CACHE_HOME || env.HOME) return env;
  return { ...env, TFPAIRS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'tfpairs-cache-')) };
}

/** What `execFile` rejects with: the exit code and both streams. */
export class CliExit extends Error {
  constructor(readonly code: number, readonly stdout: string, readonly stderr: string) {
    super(`tfpairs exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/**
 * Runs `tfpairs ARGV` in this process (every command is `Command(argv, io)`), with its own streams, cwd
 * and environment: the same code path as the bin without a child process per call. Rejects on a
 * non-zero exit like `execFile` does; `{ allowFailure: true }` resolves with the code instead.
 * One smoke test per command still goes through the real bin (test/bin-smoke.test.ts).
 */
export async function cli(
  argv: readonly string[],
  options: { cwd: string; env?: Readonly<Record<string, string | undefined>>; stdin?: string; allowFailure?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    cwd: options.cwd,
    env: withTestCache(options.env ?? {}),
  });
  if (code !== 0 && !options.allowFailure) throw new CliExit(code, stdout, stderr);
  return { code, stdout, stderr };
}
