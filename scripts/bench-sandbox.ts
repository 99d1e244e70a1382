/**
 * Cost of the Docker sandbox, as ratios within one run (medians of several runs; 2 noisy cores):
 *   - one container lifecycle (create volume + container, upload, init + validate, remove) vs the
 *     embedded verifier on the same configuration
 *   - a pool of 2 containers vs 1 on the same batch
 * Needs a Docker engine and the test image (scripts/ci-docker.sh). usage: npx tsx scripts/bench-sandbox.ts [REPEATS]
 */
import { readFileSync } from 'node:fs';
import { createRunContext, parseConfig } from '@tfpairs/core';
import { newRunId, probeEngine, runInSandbox, SandboxVerifier } from '@tfpairs/sandbox';
import { validateModule } from '@tfpairs/verify';

const IMAGE = process.env.TFPAIRS_SANDBOX_TEST_IMAGE ?? 'tfpairs/terraform-double:test';
const repeats = Number(process.argv[2] ?? 5);
const source = readFileSync(new URL('../docker/test-image/replays/unsupported-argument.tf', import.meta.url), 'utf8');
const config = `${source}# tfpairs-double: replay unsupported-argument\n`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const probe = await probeEngine(process.env);
if (!probe.ok) {
  console.error(`no Docker engine: ${probe.reason}`);
  process.exit(1);
}
const docker = probe.docker;
const limits = { timeoutMs: 60_000, memoryMb: 256, cpus: 1, pids: 128 };
await runInSandbox(docker, { image: IMAGE, files: { 'main.tf': config }, limits, runId: newRunId() }); // warm-up
await validateModule([{ filename: 'main.tf', text: config }]);

const single: number[] = [];
const embedded: number[] = [];
for (let i = 0; i < repeats; i++) {
  single.push(await time(() => runInSandbox(docker, { image: IMAGE, files: { 'main.tf': config }, limits, runId: newRunId() })));
  embedded.push(await time(() => validateModule([{ filename: 'main.tf', text: config }])));
}

const batch = 6;
async function pool(concurrency: number): Promise<number> {
  const ctx = createRunContext(parseConfig({ sandbox: { mode: 'docker', image: IMAGE, concurrency } }));
  const verifier = new SandboxVerifier(docker, ctx.config.sandbox, ctx);
  return time(() => Promise.all(Array.from({ length: batch }, () => verifier.judge({ 'main.tf': config }))));
}
const pool1: number[] = [];
const pool2: number[] = [];
for (let i = 0; i < Math.max(3, Math.ceil(repeats / 2)); i++) {
  pool1.push(await pool(1));
  pool2.push(await pool(2));
}

console.log(`sandbox container lifecycle: median ${median(single).toFixed(0)} ms (n=${repeats})`);
console.log(`embedded validateModule:     median ${median(embedded).toFixed(1)} ms (n=${repeats})`);
console.log(`ratio sandbox / embedded:    ${(median(single) / median(embedded)).toFixed(1)}x`);
console.log(`batch of ${batch}: pool 1 median ${median(pool1).toFixed(0)} ms, pool 2 median ${median(pool2).toFixed(0)} ms, speed-up ${(median(pool1) / median(pool2)).toFixed(2)}x`);
