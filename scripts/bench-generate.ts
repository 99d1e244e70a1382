/**
 * Generation throughput against the local OpenAI-compatible test server: a first run (every prompt is
 * a request), an identical rerun (every prompt from the cache) and a --batch run, as ratios within one
 * run, medians of RUNS repetitions. `npx tsx scripts/bench-generate.ts [N] [RUNS]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, createRunContext, deepFreeze, fromArray, newArtifact, parseConfig, pipe, recordId, sha256, type TaskRecord } from '@tfpairs/core';
import { generateStage } from '@tfpairs/generate';
import { startOpenAIServer } from '@tfpairs/generate/testing/openai-server';

const N = Number(process.argv[2] ?? 300);
const RUNS = Number(process.argv[3] ?? 3);
const GOLD = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n';

function records(): TaskRecord[] {
  return Array.from({ length: N }, (_, i) => {
    const prompt = `Create S3 bucket ${i} for team ${i % 17} with versioning.`;
    return deepFreeze({
      id: recordId(prompt, GOLD), prompt, gold: newArtifact(`g-${sha256(GOLD).slice(0, 12)}`, 'reference', GOLD), candidates: [], mutations: [], meta: {},
      provenance: { source: { path: 'bench', line: i + 1 }, format: 'jsonl' as const, stages: {} }, split: null, findings: [], status: 'kept' as const,
    });
  });
}

async function timed(url: string, cacheDir: string, batch: boolean): Promise<number> {
  const ctx = createRunContext(parseConfig({ generate: { model: 'gpt-4o', baseUrl: url, cacheDir, concurrency: 8, batch, batchPollMs: 5 } }));
  const start = process.hrtime.bigint();
  const out = await collect(pipe(fromArray(records()), generateStage(ctx)));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (out.filter((r) => r.candidates.length === 1).length !== N) throw new Error('not every record got a draft');
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const server = await startOpenAIServer({ batchPolls: 1 });
const first: number[] = [];
const cached: number[] = [];
const batch: number[] = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-bench-gen-'));
    first.push(await timed(server.url, join(dir, 'a'), false));
    cached.push(await timed(server.url, join(dir, 'a'), false));
    batch.push(await timed(server.url, join(dir, 'b'), true));
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await server.close();
}
console.log(`N=${N} prompts, ${RUNS} runs (medians)`);
console.log(`first run (requests, concurrency 8): ${median(first).toFixed(0)} ms`);
console.log(`identical rerun (cache):            ${median(cached).toFixed(0)} ms  (${(median(first) / median(cached)).toFixed(1)}x faster than the first run)`);
console.log(`--batch (Files + Batches):          ${median(batch).toFixed(0)} ms  (${(median(batch) / median(first)).toFixed(2)}x the first run)`);
