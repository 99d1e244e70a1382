/**
 * Throughput and memory of `tfpairs build --offline` at scale, on a synthetic corpus made from the 140
 * shared IaC-Eval rows (scripts/lib/synthetic-corpus.ts: every record a distinct configuration that
 * verifies, plans and meets its intent as its row does).
 *
 * Each build runs in a child process (its peak RSS is its own, worker threads included); the report
 * gives records/s, wall time, peak RSS, CPU, how busy it kept the cores and the runner's per-step
 * times from manifest.json, with the machine's load average at the start of each run (the machine is
 * shared: compare ratios within a run).
 *
 *   npx tsx scripts/bench-build.ts [records=10000] [--workers 1,2] [--runs 1] [--ceiling] [--heap MB|0] [--memory-every S] [--keep]
 *
 * `--ceiling` also runs, in each run, one `--workers 1` build per core at the same time, each on the whole
 * corpus: their records/s together is what these cores give this work with no sharing at all (no
 * messages, no pool, no shared heap), the most any `--workers N` can reach here.
 * `--memory-every S` prints each build's memory every S seconds (RSS, main thread's heap, external).
 * `--heap MB` (0: none) caps each build's V8 heap (--max-old-space-size; default: the executable's --main-heap
 * default, which a build run as `tfpairs build` gets): a build that streams finishes in the same small
 * heap at 10k and at 150k records; one that keeps records alive runs out of it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import { DEFAULT_MAIN_HEAP_MB } from '../packages/core/src/config/scale';
import { syntheticTasks } from './lib/synthetic-corpus';
// @ts-expect-error the executable is plain JavaScript without types
import { buildMallocEnv } from '../packages/cli/bin/tfpairs.js';

interface ChildResult {
  readonly exit: number;
  readonly ms: number;
  readonly maxRssMb: number;
  /** CPU seconds of the whole process (every thread) and of its main thread alone */
  readonly cpuS: number;
  readonly mainCpuS: number;
}

/** CPU seconds the main thread used (Linux: /proc/self/task/PID/stat utime + stime, in clock ticks of 1/100 s). */
function mainThreadCpuS(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

if (process.argv[2] === '--child') {
  // one build in this process: the parent reads its time and peak RSS from the last stdout line
  const { main } = await import('../packages/cli/src/main');
  const every = Number(process.env.BENCH_MEMORY_EVERY_S ?? 0);
  if (every > 0) {
    const start = performance.now();
    setInterval(() => {
      const m = process.memoryUsage();
      const mb = (x: number) => (x / 1e6).toFixed(0);
      process.stderr.write(`[memory ${((performance.now() - start) / 1000).toFixed(0)} s] RSS ${mb(m.rss)} MB, main heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB\n`);
    }, every * 1000).unref();
  }
  const silent = { write: () => true };
  const t0 = performance.now();
  const exit = await main(process.argv.slice(3), { stdin: process.stdin, stdout: silent, stderr: process.stderr, cwd: process.cwd(), env: process.env });
  const cpu = process.cpuUsage();
  const result: ChildResult = { exit, ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuS: (cpu.user + cpu.system) / 1e6, mainCpuS: mainThreadCpuS() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
}
const bare = new Set(['--keep', '--ceiling']);
const positional = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1]!.startsWith('--') && !bare.has(all[i - 1]!)));
const n = Number(positional ?? 10000);
const workerCounts = option('workers', '1,2').split(',').map(Number);
const runs = Number(option('runs', '1'));
const keep = process.argv.includes('--keep');
const ceiling = process.argv.includes('--ceiling');
// as the tfpairs executable starts a build (--main-heap's default): what a user's build runs under
const heapMb = option('heap', String(DEFAULT_MAIN_HEAP_MB));
const memoryEvery = option('memory-every', '');

const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'iac-eval', 'deepseek-coder-v2-16b-drafts-140.csv');
const rows = parse(readFileSync(shared), { columns: true, bom: true }) as Record<string, string>[];

function synthesize(path: string): void {
  writeFileSync(path, `${[...syntheticTasks(rows, n)].join('\n')}\n`);
}

interface StepStat {
  name: string;
  in: number;
  ms: number;
}

const loadNow = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function buildOnce(dir: string, input: string, workers: number, name = `out-w${workers}`): Promise<{ result: ChildResult; steps: StepStat[]; load: string }> {
  const out = join(dir, name);
  const load = loadNow();
  const child = spawn(process.execPath, [...process.execArgv, ...(heapMb && heapMb !== '0' ? [`--max-old-space-size=${heapMb}`] : []), import.meta.filename, '--child', 'build', '--offline', '--no-report', '--input', input, '--out', out, ...(workers > 0 ? ['--workers', String(workers)] : [])], {
    cwd: dir,
    // as the executable starts a build on Linux (glibc's mmap threshold fixed: bin/tfpairs.js)
    env: { ...process.env, ...(memoryEvery ? { BENCH_MEMORY_EVERY_S: memoryEvery } : {}), ...buildMallocEnv(process.env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  // the memory lines, whenever they came, and the last of the rest for an error message
  const memoryLines: string[] = [];
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('[memory')) memoryLines.push(line);
    else stderr = `${stderr}${line}\n`.slice(-100_000);
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const last = stdout.trim().split('\n').pop() ?? '';
  if (status !== 0 || !last.startsWith('{')) throw new Error(`build failed (status ${status}): ${stderr.slice(-2000)}`);
  const result = JSON.parse(last) as ChildResult;
  for (const line of memoryLines) console.log(`  ${line}`);
  if (result.exit !== 0) throw new Error(`build exited ${result.exit}: ${stderr.slice(-2000)}`);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { steps?: StepStat[] };
  if (!keep) rmSync(out, { recursive: true, force: true });
  return { result, steps: manifest.steps ?? [], load };
}

// CPU / (the machine's cores x wall): on a machine whose speed changes between runs, how well a build
// keeps the cores busy says more than its wall time
const busy = (r: ChildResult) => `${((100 * r.cpuS) / (availableParallelism() * (r.ms / 1000))).toFixed(1)} % of ${availableParallelism()}`;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'tfpairs-bench-build-'));
const input = join(dir, 'corpus.jsonl');
synthesize(input);
console.log(`records: ${n} (${rows.length} rows x ${Math.ceil(n / rows.length)} variants), runs per setting: ${runs}, input ${dir}`);
const rate = new Map<number, number[]>();
const ceilingRates: number[] = [];
const cpu = new Map<number, ChildResult[]>();
for (let run = 0; run < runs; run++) {
  for (const workers of workerCounts) {
    const { result, steps, load } = await buildOnce(dir, input, workers);
    const perSecond = n / (result.ms / 1000);
    (rate.get(workers) ?? rate.set(workers, []).get(workers)!).push(perSecond);
    const top = [...steps].filter((s) => s.ms >= 100).sort((a, b) => b.ms - a.ms);
    console.log(
      `workers ${workers} run ${run + 1}: ${perSecond.toFixed(0)} records/s, ${(result.ms / 1000).toFixed(1)} s, peak RSS ${result.maxRssMb.toFixed(0)} MB, CPU ${result.cpuS.toFixed(1)} s (main thread ${result.mainCpuS.toFixed(1)} s), cores busy ${busy(result)}, load at start ${load}`,
    );
    (cpu.get(workers) ?? cpu.set(workers, []).get(workers)!).push(result);
    console.log(`  step ms: ${top.map((s) => `${s.name} ${s.ms}`).join(', ')}`);
  }
  if (ceiling) {
    const cores = availableParallelism();
    const load = loadNow();
    const t0 = performance.now();
    const each = await Promise.all(Array.from({ length: cores }, (_, i) => buildOnce(dir, input, 1, `out-ceiling-${i}`)));
    const perSecond = (cores * n) / ((performance.now() - t0) / 1000);
    ceilingRates.push(perSecond);
    console.log(`ceiling run ${run + 1}: ${cores} independent workers-1 builds at once, ${perSecond.toFixed(0)} records/s together (each ${each.map((e) => `${(e.result.ms / 1000).toFixed(1)} s, CPU ${e.result.cpuS.toFixed(1)} s`).join('; ')}), load at start ${load}`);
  }
}
const base = rate.get(workerCounts[0]!);
for (const workers of workerCounts) {
  const m = median(rate.get(workers)!);
  console.log(`median workers ${workers}: ${m.toFixed(0)} records/s${base && workers !== workerCounts[0] ? ` (${(m / median(base)).toFixed(2)}x workers ${workerCounts[0]})` : ''}`);
}
if (ceilingRates.length) {
  const c = median(ceilingRates);
  const vs = workerCounts.map((w) => `workers ${w} ${((100 * median(rate.get(w)!)) / c).toFixed(0)} %`);
  console.log(`median ceiling: ${c.toFixed(0)} records/s${base ? ` (${(c / median(base)).toFixed(2)}x workers ${workerCounts[0]})` : ''}; of the ceiling: ${vs.join(', ')}`);
}
// on a loaded machine wall time says little: what the CPU times allow on `workers` idle cores (the
// work spread evenly, the main thread's share the floor)
const one = cpu.get(1);
if (one) {
  for (const workers of workerCounts.filter((w) => w > 1)) {
    const many = cpu.get(workers)!;
    const cpuS = median(many.map((r) => r.cpuS));
    const bound = Math.max(cpuS / workers, median(many.map((r) => r.mainCpuS)));
    console.log(`CPU workers ${workers} / workers 1: ${(cpuS / median(one.map((r) => r.cpuS))).toFixed(2)}; speed-up the CPU times allow on ${workers} idle cores: ${(median(one.map((r) => r.cpuS)) / bound).toFixed(2)}x`);
  }
}
if (!keep) rmSync(dir, { recursive: true, force: true });
