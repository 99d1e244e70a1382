import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { judgeRun, newRunId, parseValidateJson, runInSandbox, SANDBOX_LABEL, type SandboxLimits, type SandboxRun } from '@tfpairs/sandbox';
import { doubleConfig, engineGate, leftovers, TEST_IMAGE, testEngine } from './engine';

/**
 * The real engine and the terraform test double (docker/test-image): what a configuration can and
 * cannot do inside the sandbox. Every test checks that nothing it started is left behind.
 */
const engine = await testEngine();
const suffix = engineGate(engine);
const LIMITS: SandboxLimits = { timeoutMs: 30_000, memoryMb: 128, cpus: 1, pids: 64 };
const RESOURCE = 'resource "aws_s3_bucket" "b" {\n  bucket = "tfpairs-test"\n}\n';

/** what the double reported, by report name (`tfpairs-double connect` -> `connect`) */
function reports(run: SandboxRun): Record<string, string> {
  const validate = run.steps.find((s) => s.name === 'validate');
  expect(validate, `validate step missing; wrapper said: ${run.wrapperOutput} ${run.error ?? ''}`).toBeDefined();
  const parsed = parseValidateJson(validate!.stdout);
  if (!parsed.ok) throw new Error(parsed.error);
  return Object.fromEntries(
    parsed.value.diagnostics.filter((d) => d.summary.startsWith('tfpairs-double ')).map((d) => [d.summary.slice('tfpairs-double '.length), d.detail]),
  );
}

/**
 * The docker0 gateway: an address of this machine that a container on the default bridge can reach
 * (undefined when the engine has no bridge or the address is not on this machine).
 */
async function bridgeGateway(docker: Docker): Promise<string | undefined> {
  try {
    const info = (await docker.getNetwork('bridge').inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
    const gateway = info.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
    if (!gateway) return undefined;
    (await listen(gateway)).server.close();
    return gateway;
  } catch {
    return undefined;
  }
}

async function listen(host: string): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => connections };
}

(engine.docker ? describe : describe.skip)(`sandbox isolation and limits (real Docker engine)${suffix}`, () => {
  const docker = engine.docker!;
  let runId = newRunId();
  afterEach(async () => {
    // cleanup is part of every test: nothing labelled with this run may remain, whatever happened
    expect(await leftovers(docker, runId)).toEqual({ containers: [], volumes: [] });
    runId = newRunId();
  });

  it('runs terraform as a non-root user without capabilities, on a read-only root, with no network', async () => {
    const gateway = await bridgeGateway(docker);
    const target = await listen(gateway ?? '127.0.0.1');
    try {
      const run = await runInSandbox(docker, {
        image: TEST_IMAGE,
        files: { 'main.tf': doubleConfig(RESOURCE, 'probe', `connect ${gateway ?? '127.0.0.1'} ${target.port}`) },
        limits: LIMITS,
        runId,
      });
      const seen = reports(run);
      expect(seen.uid).toBe('10001');
      expect(seen['cap-eff']).toBe('0000000000000000');
      expect(seen['no-new-privs']).toBe('1');
      expect(seen.rootfs).toBe('read-only');
      expect(seen.interfaces).toBe('lo');
      expect(seen.connect).toMatch(/^unreachable /);
      expect(target.connections()).toBe(0);
      expect(judgeRun(run, { ...LIMITS, plan: false }).verdict).toBe('valid');
    } finally {
      target.server.close();
    }
  });

  it('control: the same probe does connect when a container is on the bridge network (so the check above can fail)', async (t) => {
    const gateway = await bridgeGateway(docker);
    if (!gateway) t.skip('the engine has no bridge network whose gateway is an address of this machine (dockerd --bridge=none?)');
    const target = await listen(gateway!);
    // built by hand: the sandbox runner itself has no way to turn the network on
    const container = await docker.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ['/bin/sh', '-c', `cd /tmp && printf '# tfpairs-double: connect ${gateway} ${target.port}\\n' > main.tf && terraform validate -json`],
      Labels: { [SANDBOX_LABEL]: runId },
      HostConfig: { NetworkMode: 'bridge', Tmpfs: { '/tmp': 'rw' } },
    });
    try {
      await container.start();
      await container.wait();
      const logs = (await container.logs({ stdout: true, stderr: false })) as unknown as Buffer;
      expect(logs.toString('utf8')).toContain(`connected to ${gateway}:${target.port}`);
      expect(target.connections()).toBe(1);
    } finally {
      await container.remove({ force: true });
      target.server.close();
    }
  });

  it('kills a configuration that outlives its wall-clock limit and removes its container', async () => {
    const run = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(RESOURCE, 'sleep 300') },
      limits: { ...LIMITS, timeoutMs: 2_000 },
      runId,
    });
    expect(run.timedOut).toBe(true);
    expect(run.cleanupError).toBeUndefined();
    // init finished, validate never did
    expect(run.steps.map((s) => s.name)).toEqual(['init']);
    const judged = judgeRun(run, { ...LIMITS, timeoutMs: 2_000, plan: false });
    expect(judged.verdict).toBe('unverified');
    expect(judged.problems.map((p) => p.code)).toEqual(['sandbox-timeout']);
    expect(await docker.getContainer(run.containerId!).inspect().catch((e: { statusCode?: number }) => e.statusCode)).toBe(404);
  });

  it('stops a configuration at its memory limit (OOM kill) and never calls it valid', async () => {
    const run = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(RESOURCE, 'alloc-mb 256') },
      limits: { ...LIMITS, memoryMb: 64 },
      runId,
    });
    expect(run.oomKilled).toBe(true);
    const judged = judgeRun(run, { ...LIMITS, memoryMb: 64, plan: false });
    expect(judged.verdict).toBe('unverified');
    expect(judged.problems.map((p) => p.code)).toEqual(['sandbox-oom']);
  });

  it('control: an allocation under the memory limit completes', async () => {
    const run = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(RESOURCE, 'alloc-mb 16') },
      limits: { ...LIMITS, memoryMb: 64 },
      runId,
    });
    expect(run.oomKilled).toBe(false);
    expect(reports(run)['alloc-mb']).toBe('allocated 16 MiB, dd exit 0');
  });

  it('caps the number of processes', async () => {
    const capped = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(RESOURCE, 'spawn 100') },
      limits: { ...LIMITS, pids: 24 },
      runId,
    });
    const running = Number(/running (\d+)/.exec(reports(capped).spawn ?? '')?.[1]);
    expect(running).toBeGreaterThan(0);
    expect(running).toBeLessThan(24);
    const roomy = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(RESOURCE, 'spawn 40') },
      limits: { ...LIMITS, pids: 256 },
      runId,
    });
    expect(reports(roomy).spawn).toBe('requested 40, running 40');
  });

  it('reports a terraform crash as sandbox-crash, not as a verdict', async () => {
    const run = await runInSandbox(docker, { image: TEST_IMAGE, files: { 'main.tf': doubleConfig(RESOURCE, 'crash') }, limits: LIMITS, runId });
    const judged = judgeRun(run, { ...LIMITS, plan: false });
    expect(judged.verdict).toBe('unverified');
    expect(judged.problems[0]!.code).toBe('sandbox-crash');
    expect(judged.problems[0]!.diagnostic.summary).toBe('terraform crashed during validate');
  });

  it('replays terraform\'s recorded answer through the whole path (upload, init, validate -json, parse)', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPO_ROOT } = await import('./engine');
    const source = readFileSync(`${REPO_ROOT}docker/test-image/replays/missing-required-and-unsupported.tf`, 'utf8');
    const run = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(source, 'replay missing-required-and-unsupported') },
      limits: LIMITS,
      runId,
    });
    expect(run.steps.map((s) => [s.name, s.exitCode])).toEqual([
      ['init', 0],
      ['validate', 1],
    ]);
    const judged = judgeRun(run, { ...LIMITS, plan: false });
    expect(judged.verdict).toBe('invalid');
    expect(judged.diagnostics.map((d) => [d.summary, d.range?.start.line])).toEqual([
      ['Missing required argument', 9],
      ['Unsupported argument', 11],
    ]);
    // the recorded ranges point into the uploaded file
    const r = judged.diagnostics[1]!.range!;
    expect(Buffer.from(source).subarray(r.start.byte, r.end.byte).toString()).toBe('request_payer');
  });

  it('treats init failing on a missing provider as unverified, with the init error audited', async () => {
    const run = await runInSandbox(docker, {
      image: TEST_IMAGE,
      files: { 'main.tf': doubleConfig(RESOURCE, 'init-fail', 'replay missing-provider') },
      limits: LIMITS,
      runId,
    });
    const judged = judgeRun(run, { ...LIMITS, plan: false });
    expect(judged.verdict).toBe('unverified');
    expect(judged.problems.map((p) => p.code)).toEqual(['sandbox-init-failed']);
    expect(judged.problems[0]!.diagnostic.detail).toContain('was not found in any of the search locations');
  });

  it('runs plan after a valid validate when asked, and a failing plan makes the configuration invalid', async () => {
    const ok = await runInSandbox(docker, { image: TEST_IMAGE, files: { 'main.tf': RESOURCE }, plan: true, limits: LIMITS, runId });
    expect(ok.steps.map((s) => s.name)).toEqual(['init', 'validate', 'plan']);
    expect(judgeRun(ok, { ...LIMITS, plan: true }).verdict).toBe('valid');
    const bad = await runInSandbox(docker, { image: TEST_IMAGE, files: { 'main.tf': doubleConfig(RESOURCE, 'plan-fail') }, plan: true, limits: LIMITS, runId });
    const judged = judgeRun(bad, { ...LIMITS, plan: true });
    expect(judged.verdict).toBe('invalid');
    expect(judged.diagnostics.map((d) => d.summary)).toEqual(['No valid credential sources found']);
  });

  it('mounts a plugin dir read-only and hands it to init', async () => {
    const { chmodSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/tfpairs-plugins-`);
    try {
      writeFileSync(`${dir}/README`, 'provider mirror\n');
      // world-writable on the host: only the read-only mount can stop the sandbox user from writing
      chmodSync(dir, 0o777);
      const run = await runInSandbox(docker, {
        image: TEST_IMAGE,
        files: { 'main.tf': doubleConfig(RESOURCE, 'probe') },
        pluginDir: dir,
        limits: LIMITS,
        runId,
      });
      expect(run.steps.find((s) => s.name === 'init')?.exitCode).toBe(0);
      expect(reports(run)['plugin-dir']).toBe('read-only: README');
      expect(judgeRun(run, { ...LIMITS, plan: false }).verdict).toBe('valid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing image as a Docker failure without leaving anything behind', async () => {
    const run = await runInSandbox(docker, { image: 'tfpairs/no-such-image:none', files: { 'main.tf': RESOURCE }, limits: LIMITS, runId });
    expect(run.error).toMatch(/no such image|not found/i);
    expect(judgeRun(run, { ...LIMITS, plan: false }).problems[0]!.code).toBe('sandbox-crash');
  });
});
