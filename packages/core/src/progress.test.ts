import { describe, expect, it } from 'vitest';
import { collect, createRunContext, fromArray, mapKept, parseConfig, pipe, type CliIO, type TaskRecord } from '@tfpairs/core';
import { progressStage } from './progress';
import { dropped, task } from './testing';

function io(tty: boolean): { io: CliIO; text: () => string } {
  let text = '';
  const stderr = { isTTY: tty, columns: 120, write: (s: string) => ((text += s), true) };
  return { io: { stdin: process.stdin, stdout: { write: () => true }, stderr, cwd: '/', env: {} }, text: () => text };
}

const records = (n: number): TaskRecord[] => Array.from({ length: n }, (_, i) => task({ prompt: `p${i}`, gold: `g${i}`, line: i + 1 }));

/** drops every third record, like a real stage would */
const dropThirds = mapKept('verify', 'test', (r) => (r.provenance.source.line % 3 === 0 ? dropped(r, 'verify', 'hcl-syntax', 'bad') : r));

describe('progressStage', () => {
  it('passes every record through unchanged and in order', async () => {
    const out = io(false);
    const ctx = createRunContext(parseConfig({}));
    const input = records(7);
    const result = await collect(pipe(fromArray(input), progressStage(ctx, out.io, 'ingest'), progressStage(ctx, out.io, 'split')));
    expect(result).toEqual(input);
    expect(result[3]).toBe(input[3]);
  });

  it('writes plain periodic lines when stderr is not a terminal, with read/kept/dropped and a final line', async () => {
    const out = io(false);
    const ctx = createRunContext(parseConfig({}));
    let clock = 0;
    const now = () => (clock += 1000); // one second per record seen
    const opts = { logEveryMs: 3000, now };
    const result = await collect(pipe(fromArray(records(9)), progressStage(ctx, out.io, 'ingest', opts), dropThirds, progressStage(ctx, out.io, 'verify', opts)));
    expect(result.filter((r) => r.status === 'dropped')).toHaveLength(3);
    const lines = out.text().trim().split('\n');
    expect(out.text()).not.toMatch(/\r|\x1b/);
    // periodic, not one per record (18 taps seen), and the last summary has the final counts
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.length).toBeLessThan(12);
    expect(lines.at(-2)).toBe('progress: read 9, through 9, kept 6, dropped 3, stage verify');
    expect(lines.at(-1)).toMatch(/^progress: done in \d+\.\ds$/);
  });

  it('draws one self-updating bar on a terminal and counts a drop once however many taps it passes', async () => {
    const out = io(true);
    const ctx = createRunContext(parseConfig({}));
    const opts = { redrawMs: 0 };
    const stream = pipe(
      fromArray(records(6)),
      progressStage(ctx, out.io, 'ingest', opts),
      dropThirds,
      progressStage(ctx, out.io, 'verify', opts),
      progressStage(ctx, out.io, 'repair', opts),
      progressStage(ctx, out.io, 'split', opts),
    );
    await collect(stream);
    const frames = out.text().split('\r\x1b[2K').filter(Boolean);
    expect(frames.length).toBeGreaterThan(6);
    expect(frames.slice(0, -1).every((f) => !f.includes('\n'))).toBe(true);
    expect(frames.at(-1)).toMatch(/^\[#+\] 6\/6 through · kept 4 · dropped 2 · done in [\d.]+s\n$/);
    // mid-run frames name the stage records are waiting in
    expect(frames.some((f) => /\[#*-+\] \d\/\d through · kept \d · dropped \d · (verify|repair|split)$/.test(f))).toBe(true);
  });
});
