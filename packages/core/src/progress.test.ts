import { describe, expect, it } from 'vitest';
import { diagnostic, finding } from './diagnostic';
import { collect, fromArray, mapKept, type Stage } from './pipeline';
import { ProgressDisplay } from './progress';
import { deepFreeze, dropRecord, newArtifact, type TaskRecord } from './record';
import { runSteps, type Step } from './runner';

function stderr(tty: boolean): { stderr: { isTTY: boolean; columns: number; write(s: string): boolean }; text: () => string } {
  let text = '';
  return { stderr: { isTTY: tty, columns: 120, write: (s: string) => ((text += s), true) }, text: () => text };
}

const record = (i: number): TaskRecord =>
  deepFreeze({
    id: `r${i}`,
    prompt: `p${i}`,
    gold: newArtifact(`g${i}`, 'reference', `g${i}`),
    candidates: [],
    mutations: [],
    meta: {},
    provenance: { source: { path: 'x.jsonl', line: i + 1 }, format: 'jsonl', stages: {} },
    split: null,
    findings: [],
    status: 'kept',
  });

const source = (n: number): Step => ({ name: 'ingest', run: () => fromArray(Array.from({ length: n }, (_, i) => record(i))) });
const step = (name: string, run: Stage): Step => ({ name, run });
/** drops every third record, like a real stage would */
const dropThirds = mapKept('verify', 'test', (r) => (r.provenance.source.line % 3 === 0 ? dropRecord(r, finding('verify', 'hcl-syntax', diagnostic('error', 'bad'))) : r));
const pass: Stage = (input) => input;

describe('runSteps', () => {
  it('passes every record through unchanged and in order, and counts in/out/dropped/findings per step', async () => {
    const input = Array.from({ length: 7 }, (_, i) => record(i));
    const { stream, stats } = runSteps({ name: 'ingest', run: () => fromArray(input) }, [step('verify', dropThirds), step('split', pass)]);
    const out = await collect(stream);
    expect(out.map((r) => r.id)).toEqual(input.map((r) => r.id));
    const untouched = await collect(runSteps({ name: 'ingest', run: () => fromArray(input) }, [step('split', pass)]).stream);
    expect(untouched.every((r, i) => r === input[i])).toBe(true);
    expect(stats.map((s) => [s.name, s.in, s.out, s.dropped])).toEqual([
      ['ingest', 0, 7, 0],
      ['verify', 7, 7, 2],
      ['split', 7, 7, 0],
    ]);
    expect(stats[1]!.findings).toEqual({ 'hcl-syntax': 2 });
    expect(stats[2]!.findings).toEqual({});
    expect(stats.every((s) => Number.isInteger(s.ms) && s.ms >= 0)).toBe(true);
  });

  it('times each step without the time spent waiting for the step before', async () => {
    let clock = 0;
    const slow: Stage = async function* (input) {
      for await (const r of input) {
        clock += 10; // 10 "ms" of work per record in this step
        yield r;
      }
    };
    const slowSource: Step = {
      name: 'ingest',
      run: async function* () {
        for (let i = 0; i < 4; i++) {
          clock += 100;
          yield record(i);
        }
      },
    };
    const { stream, stats } = runSteps(slowSource, [step('work', slow), step('split', pass)], { now: () => clock });
    await collect(stream);
    expect(stats.map((s) => s.ms)).toEqual([400, 40, 0]);
  });
});

describe('ProgressDisplay driven by the runner', () => {
  it('writes plain periodic lines when stderr is not a terminal, with read/kept/dropped and a final line', async () => {
    const out = stderr(false);
    let clock = 0;
    const progress = new ProgressDisplay(out, { logEveryMs: 3000, now: () => (clock += 1000) });
    const { stream } = runSteps(source(9), [step('verify', dropThirds)], { progress });
    const result = await collect(stream);
    expect(result.filter((r) => r.status === 'dropped')).toHaveLength(3);
    const lines = out.text().trim().split('\n');
    expect(out.text()).not.toMatch(/\r|\x1b/);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.length).toBeLessThan(12);
    expect(lines.at(-2)).toBe('progress: read 9, through 9, kept 6, dropped 3, stage verify');
    expect(lines.at(-1)).toMatch(/^progress: done in \d+\.\ds$/);
  });

  it('draws one self-updating bar on a terminal, counts a drop once, and clears it for a log line', async () => {
    const out = stderr(true);
    const progress = new ProgressDisplay(out, { redrawMs: 0 });
    const logOnce: Stage = async function* (input) {
      let first = true;
      for await (const r of input) {
        if (first) progress.log('sandbox: skipped');
        first = false;
        yield r;
      }
    };
    const { stream } = runSteps(source(6), [step('verify', dropThirds), step('repair', logOnce), step('split', pass)], { progress });
    await collect(stream);
    const frames = out.text().split('\r\x1b[2K').filter(Boolean);
    expect(frames.some((f) => f === 'sandbox: skipped\n')).toBe(true);
    expect(frames.filter((f) => f !== 'sandbox: skipped\n').slice(0, -1).every((f) => !f.includes('\n'))).toBe(true);
    expect(frames.at(-1)).toMatch(/^\[#+\] 6\/6 through · kept 4 · dropped 2 · done in [\d.]+s\n$/);
    expect(frames.some((f) => /\[#*-+\] \d\/\d through · kept \d · dropped \d · (verify|repair|split)$/.test(f))).toBe(true);
  });
});
