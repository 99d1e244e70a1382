import { execFileSync } from 'node:child_process';
import type Docker from 'dockerode';
import { expect, it } from 'vitest';
import { imagePresent, probeEngine, SANDBOX_LABEL } from '@tfpairs/sandbox';
import { REPO } from '../paths';

/** Helpers shared by the Docker tests: find the engine, build the test image, check for leftovers. */
/** the repository root, with a trailing slash */
export const REPO_ROOT = REPO;
export const TEST_IMAGE = process.env.TFPAIRS_SANDBOX_TEST_IMAGE ?? 'tfpairs/terraform-double:test';
export const REQUIRE_DOCKER = process.env.TFPAIRS_REQUIRE_DOCKER === '1';

export interface TestEngine {
  readonly docker?: Docker;
  /** why the Docker tests cannot run here */
  readonly reason?: string;
}

let cached: Promise<TestEngine> | undefined;

async function open(): Promise<TestEngine> {
  const probe = await probeEngine(process.env);
  if (!probe.ok) return { reason: `no Docker engine reachable (${probe.where}: ${probe.reason})` };
  if (!(await imagePresent(probe.docker, TEST_IMAGE))) {
    // the image is built locally from Debian's busybox-static (no registry): idempotent and quick
    try {
      execFileSync(`${REPO_ROOT}docker/test-image/build.sh`, [TEST_IMAGE], { stdio: 'pipe' });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      return { reason: `test image ${TEST_IMAGE} missing and could not be built: ${err.stderr?.toString().trim() || err.message}` };
    }
  }
  return { docker: probe.docker };
}

export function testEngine(): Promise<TestEngine> {
  cached ??= open();
  return cached;
}

/**
 * Title suffix that says why a suite is skipped (vitest shows the title), plus one test that fails
 * instead when TFPAIRS_REQUIRE_DOCKER=1.
 */
export function engineGate(engine: TestEngine): string {
  if (engine.docker) return '';
  if (REQUIRE_DOCKER) {
    it('has a Docker engine (TFPAIRS_REQUIRE_DOCKER=1)', () => {
      expect.fail(`TFPAIRS_REQUIRE_DOCKER=1 but ${engine.reason}`);
    });
  } else {
    console.warn(`[sandbox tests skipped] ${engine.reason}. Run scripts/ci-docker.sh to start an engine.`);
  }
  return ` [skipped: ${engine.reason}]`;
}

/** Containers and volumes (any state) that carry the sandbox label with this run id. */
export async function leftovers(docker: Docker, runId: string): Promise<{ containers: string[]; volumes: string[] }> {
  const filters = JSON.stringify({ label: [`${SANDBOX_LABEL}=${runId}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const volumes = await docker.listVolumes({ filters });
  return { containers: containers.map((c) => c.Id), volumes: (volumes.Volumes ?? []).map((v) => v.Name) };
}

/** A configuration for the terraform test double: the directives go last so recorded ranges still fit. */
export function doubleConfig(body: string, ...directives: string[]): string {
  return `${body.replace(/\n*$/, '\n')}${directives.map((d) => `# tfpairs-double: ${d}\n`).join('')}`;
}
