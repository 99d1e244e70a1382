import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './paths';
import { cli } from './cli';


describe('tfpairs compare: records kept in one run and dropped in the other', () => {
  it('lists the newly dropped record with its drop code, and the kept/dropped counts per code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-cmp-'));
    const lines = readFileSync(join(REPO, 'data/sample/tasks.jsonl'), 'utf8').trim().split('\n');
    const broken = JSON.parse(lines[1]!) as { gold: string };
    broken.gold = broken.gold.trimEnd().slice(0, -1); // the closing brace of the last block is gone
    writeFileSync(join(dir, 'b.jsonl'), [lines[0], JSON.stringify(broken), ...lines.slice(2)].join('\n'));
    for (const [name, input] of [['A', join(REPO, 'data/sample/tasks.jsonl')], ['B', join(dir, 'b.jsonl')]] as const) {
      await cli(['build', '--offline', '--no-report', '--input', input, '--out', join(dir, name)], { cwd: dir });
    }
    const { stdout } = await cli(['compare', join(dir, 'A'), join(dir, 'B'), '--json'], { cwd: dir });
    const c = JSON.parse(stdout);
    expect(c.status.counts.a).toMatchObject({ kept: 8, dropped: 0 });
    expect(c.status.counts.b).toMatchObject({ kept: 7, dropped: 1, dropCodes: { 'hcl-syntax': 1 } });
    expect(c.status.newlyDropped).toEqual([expect.objectContaining({ code: 'hcl-syntax', source: 'b.jsonl:2' })]);
    expect(c.status.newlyKept).toEqual([]);
    const text = (await cli(['compare', join(dir, 'A'), join(dir, 'B')], { cwd: dir })).stdout;
    expect(text).toMatch(/newly dropped \(kept in A, dropped in B\): 1/);
  });
});
