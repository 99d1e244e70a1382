/**
 * Running the real terraform to record oracles: `validate -json` of a configuration and `terraform
 * console` of one expression, in a temp dir, offline (no CLI config, no checkpoint). Shared by the
 * expression and function oracle recorders.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TERRAFORM = process.env.TFPAIRS_TERRAFORM ?? 'terraform';
const ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTerraform(args: readonly string[], cwd: string, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TERRAFORM, args, { cwd, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

/** console's output without colours and without the box drawing around its diagnostics */
export function consoleText(r: Run): string {
  return stripAnsi(r.stdout + r.stderr)
    .split('\n')
    .map((l) => l.replace(/^[│╷╵] ?/, '').trimEnd())
    .join('\n')
    .trim();
}

export interface ValidateDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  readonly range?: { readonly filename: string; readonly start: { line: number; column: number; byte: number }; readonly end: { line: number; column: number; byte: number } };
}

/** Writes `files` into a fresh temp dir, runs `fn` there and removes the dir. */
export async function inTempDir<R>(files: Readonly<Record<string, string>>, fn: (dir: string) => Promise<R>): Promise<R> {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-oracle-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `terraform validate -json` in `dir` (no init needed for provider-free configurations). */
export async function validateJson(dir: string): Promise<ValidateDiagnostic[]> {
  const v = await runTerraform(['validate', '-json', '-no-color'], dir);
  try {
    return (JSON.parse(v.stdout) as { diagnostics: ValidateDiagnostic[] }).diagnostics;
  } catch {
    throw new Error(`validate printed no JSON (exit ${v.code}): ${v.stderr.slice(0, 300)}`);
  }
}

/** One expression through `terraform console` in `dir`: its printed value, or the error text. */
export async function consoleEval(dir: string, expr: string): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const r = await runTerraform(['console'], dir, `${expr}\n`);
  return r.code === 0 ? { ok: true, text: r.stdout.trimEnd() } : { ok: false, error: consoleText(r) };
}

/** Go's strconv.Quote rendering of a string as console prints it, read back (JSON reads its escapes). */
export function unquoteConsoleString(rendered: string): string {
  if (!rendered.startsWith('"')) return rendered;
  try {
    return JSON.parse(rendered) as string;
  } catch {
    return rendered;
  }
}

export async function terraformVersion(): Promise<string> {
  const r = await runTerraform(['version', '-json'], tmpdir());
  return `Terraform v${(JSON.parse(r.stdout) as { terraform_version: string }).terraform_version}`;
}

/** Runs `fn` over `items` with at most `limit` in flight, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}
