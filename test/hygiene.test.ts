import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '@tfpairs/generate/cache';
import { startOpenAIServer, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';
import { cli } from './cli';
import { CLI_BIN, REPO } from './paths';

const GOLD = (i: number) => `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bucket-${i}"\n}\n`;
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function tasks(dir: string, n: number, marker = ''): string {
  const path = join(dir, 'tasks.jsonl');
  writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `Create S3 bucket number ${i}${marker} for logs.`, gold: GOLD(i) })).join('\n') + '\n');
  return path;
}

const manifest = (out: string) => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
const baseEnv = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', HOME: '/nonexistent-home' };

describe('the response cache defaults to the user cache directory', () => {
  it('resolves $TFPAIRS_CACHE_DIR, then $XDG_CACHE_HOME/tfpairs, then ~/.cache/tfpairs, from the given env', () => {
    expect(defaultCacheDir({ TFPAIRS_CACHE_DIR: 'c', XDG_CACHE_HOME: '/x', HOME: '/h' }, '/run')).toBe('/run/c');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }, '/run')).toBe('/x/tfpairs');
    // the XDG spec: a relative XDG_CACHE_HOME is invalid and ignored
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' }, '/run')).toBe('/h/.cache/tfpairs');
    expect(defaultCacheDir({}, '/run')).toBeUndefined();
  });

  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  it('a second build into a new --out sends 0 requests; the manifest names the cache and its hits', async () => {
    const dir = temp('tfpairs-hyg-cache-');
    const input = tasks(dir, 5);
    const env = { ...baseEnv, XDG_CACHE_HOME: join(dir, 'xdg') };
    const args = (out: string) => ['build', '--no-report', '--input', input, '--out', join(dir, out), '--model', 'gpt-4o', '--base-url', server.url, '--repair-turns', '0'];
    const before = server.chatRequests();
    await cli(args('one'), { cwd: dir, env });
    expect(server.chatRequests() - before).toBe(5);
    const second = await cli(args('two'), { cwd: dir, env });
    expect(server.chatRequests() - before).toBe(5);
    const m = manifest(join(dir, 'two'));
    expect(m.config.generate.cacheDir).toBe(join(dir, 'xdg', 'tfpairs'));
    expect(m.metrics.generate.cached).toBe(5);
    expect(m.metrics.generate.requests).toBeUndefined();
    expect(second.stderr).toContain(`cache: ${join(dir, 'xdg', 'tfpairs')} (5 answers reused, 0 requests sent)`);
    // nothing was written into the output folders' own cache
    expect(existsSync(join(dir, 'one', 'cache'))).toBe(false);
  });
});

describe('fatal API errors stop the run', () => {
  it('a refused key stops within one request round: exit 1, one line, the old output untouched', async () => {
    const server = await startOpenAIServer({ respond: () => ({ kind: 'error', status: 401, message: 'Incorrect API key provided: sk-wrong.', code: 'invalid_api_key' }) });
    try {
      const dir = temp('tfpairs-hyg-401-');
      const input = tasks(dir, 12);
      const out = join(dir, 'out');
      await cli(['build', '--no-report', '--input', input, '--out', out], { cwd: dir, env: baseEnv });
      const old = readFileSync(join(out, 'manifest.json'), 'utf8');
      const run = await cli(['build', '--no-report', '--input', input, '--out', out, '--model', 'gpt-4o', '--base-url', server.url, '--concurrency', '2', '--cache-dir', join(dir, 'cache')], {
        cwd: dir,
        env: { ...baseEnv, OPENAI_API_KEY: 'sk-wrong' },
        allowFailure: true,
      });
      expect(run.code).toBe(1);
      expect(server.chatRequests()).toBeLessThanOrEqual(2);
      const lines = run.stderr.split('\n').filter((l) => l.startsWith('tfpairs build:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tfpairs build: stopped: the API at http:\/\/127\.0\.0\.1:\d+\/v1 rejected the key: HTTP 401: .*\[invalid_api_key\]; answers that arrived are cached in .*cache .*run the same command again to resume$/);
      expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(old);
      expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('N connection failures in a row stop the run (configurable), fast', async () => {
    // a port that was free a moment ago: connections are refused
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dir = temp('tfpairs-hyg-conn-');
    const input = tasks(dir, 20);
    const started = Date.now();
    const run = await cli(
      ['build', '--no-report', '--input', input, '--out', join(dir, 'out'), '--model', 'gpt-4o', '--base-url', `http://127.0.0.1:${port}/v1`, '--retry-base-ms', '5', '--max-connection-failures', '3', '--cache-dir', join(dir, 'cache')],
      { cwd: dir, env: baseEnv, allowFailure: true },
    );
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toMatch(/tfpairs build: stopped: 3 connection failures in a row to http:\/\/127\.0\.0\.1:\d+\/v1: .*resume/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('atomic output folders', () => {
  it('--out that cannot be created fails at once', async () => {
    const started = Date.now();
    const run = await cli(['build', '--input', join(REPO, 'data', 'sample', 'tasks.jsonl'), '--out', '/proc/x/y'], { cwd: REPO, env: baseEnv, allowFailure: true });
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.stderr).toMatch(/^tfpairs build: cannot write the output folder \/proc\/x\/y: cannot create \/proc\/x: E[A-Z]+\n$/);
    const file = join(temp('tfpairs-hyg-file-'), 'f');
    writeFileSync(file, '');
    const onFile = await cli(['build', '--input', join(REPO, 'data', 'sample', 'tasks.jsonl'), '--out', join(file, 'out')], { cwd: REPO, env: baseEnv, allowFailure: true });
    expect(onFile.stderr).toMatch(/is not a folder/);
  });

  it('the report names the output folder, not the staging one', async () => {
    const out = join(temp('tfpairs-hyg-report-'), 'run');
    const run = await cli(['build', '--offline', '--input', join(REPO, 'data', 'sample', 'tasks.jsonl'), '--out', out], { cwd: REPO, env: baseEnv });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('.partial-');
    expect(html).toContain(out);
    expect(run.stderr).toContain(`report: ${join(out, 'report.html')}`);
  });

  it('a build killed with -9 leaves the previous complete run as it was; the next build sweeps its partial folder', async () => {
    const server = await startOpenAIServer();
    try {
      const dir = temp('tfpairs-hyg-kill-');
      const out = join(dir, 'out');
      const input = tasks(dir, 6, ' [[slow:4000]]');
      const notes = join(out, 'notes.txt');
      await cli(['build', '--no-report', '--input', input, '--out', out], { cwd: dir, env: baseEnv });
      writeFileSync(notes, 'mine');
      const before = { manifest: readFileSync(join(out, 'manifest.json'), 'utf8'), records: readFileSync(join(out, 'records.jsonl'), 'utf8') };
      const child = spawn(process.execPath, [CLI_BIN, 'build', '--no-report', '--input', input, '--out', out, '--model', 'gpt-4o', '--base-url', server.url, '--cache-dir', join(dir, 'cache')], {
        cwd: dir,
        env: { ...process.env, ...baseEnv },
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // kill it while it waits for answers: its corpus files are open in the staging folder
      while (server.chatRequests() === 0) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGKILL');
      await exited;
      expect(readdirSync(dir).filter((n) => n.startsWith('.out.partial-'))).toHaveLength(1);
      expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before.manifest);
      expect(readFileSync(join(out, 'records.jsonl'), 'utf8')).toBe(before.records);
      // the next build completes, keeps the user's file, and removes what the killed one left
      await cli(['build', '--no-report', '--input', input, '--out', out], { cwd: dir, env: baseEnv });
      expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
      expect(readFileSync(notes, 'utf8')).toBe('mine');
      expect(manifest(out).counts.input).toBe(6);
    } finally {
      await server.close();
    }
  });
});
