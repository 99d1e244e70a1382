import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordId, type CliIO } from '@tfpairs/core';
import type { Comparison } from '@tfpairs/report';
import { compareCommand } from '@tfpairs/report/cli';
import { diagAt, draft, task, writeRun } from '@tfpairs/report/testing';

/**
 * Two baseline runs built by hand with known outcomes (model `old` in run A, `new` in run B, plus
 * recorded drafts in both), written by the real writer. Expected numbers are worked out in comments.
 */
const gold = (n: string) => `resource "aws_s3_bucket" "gold_${n}" {\n  bucket = "b-${n}"\n}\n`;
const code = (tag: string) => `resource "aws_s3_bucket" "${tag}" {}\n`;
const P = {
  p1: 'Create bucket one',
  p2: 'Create bucket two',
  p3: 'Create bucket three',
  p4: 'Create bucket four',
  p5: 'Create bucket five (only in A)',
  p6: 'Create bucket six (only in B)',
  p7a: 'Create   BUCKET seven',
  p7b: 'create bucket seven',
};
const E = (summary: string, line: number) => diagAt('error', summary, line);
const W = (summary: string, line: number) => diagAt('warning', summary, line);

// run A: 8 drafts, all verified, 5 valid -> 62.5 %; error lines 2 + 0 + 0 + 1 + 0 + 0 + 0 + 1 = 4 -> 0.5
const runA = [
  task({ prompt: P.p1, gold: gold('1'), line: 1, candidates: [draft('a1', code('a1'), 'old', [E('Missing required argument', 2), E('Invalid value', 2), W('Deprecated attribute', 5)])] }),
  task({ prompt: P.p2, gold: gold('2'), line: 2, candidates: [draft('a2', code('a2'), 'old', []), draft('a2r', code('a2r'), null, [])] }),
  task({ prompt: P.p3, gold: gold('3'), line: 3, candidates: [draft('a3', code('a3'), 'old', [E('Invalid reference', 4)])] }),
  task({ prompt: P.p4, gold: gold('4'), line: 4, split: 'test', candidates: [draft('r4', code('r4'), null, []), draft('a4', code('a4'), 'old', [])] }),
  task({ prompt: P.p5, gold: gold('5'), line: 5, candidates: [draft('a5', code('a5'), 'old', [])] }),
  task({ prompt: P.p7a, gold: gold('7'), line: 7, candidates: [draft('a7', code('a7'), 'old', [E('Invalid reference', 1)])] }),
];
// run B: 8 drafts, 7 verified (b6 is unverified), 4 valid -> 57.14 %; lines 0 + 1 + 1 + 2 + 0 + 0 + 1 = 5 -> 5/7
const runB = [
  task({ prompt: P.p1, gold: gold('1'), line: 1, candidates: [draft('b1', code('b1'), 'new', [])] }),
  task({ prompt: P.p2, gold: gold('2'), line: 2, candidates: [draft('b2', code('b2'), 'new', [E('Unsupported argument', 3)]), draft('b2r', code('b2r'), null, [E('Unsupported argument', 3)])] }),
  task({ prompt: P.p3, gold: gold('3'), line: 3, candidates: [draft('b3', code('b3'), 'new', [E('Unsupported block type', 1), E('Unsupported block type', 6)])] }),
  task({ prompt: P.p4, gold: gold('4'), line: 4, split: 'test', candidates: [draft('r4', code('r4'), null, []), draft('b4', code('b4'), 'new', [])] }),
  task({ prompt: P.p6, gold: gold('6'), line: 6, candidates: [draft('b6', code('b6'), 'new', [], 'unverified')] }),
  // same prompt as A's p7 up to case and spaces, different gold: joined on the normalised prompt
  task({ prompt: P.p7b, gold: gold('7b'), line: 9, candidates: [draft('b7', code('b7'), 'new', [W('Deprecated attribute', 2)])] }),
];
const id = (prompt: string, g: string) => recordId(prompt, gold(g));

function io(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdin: process.stdin, stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) }, cwd: '/', env: {} },
    out: () => out,
    err: () => err,
  };
}

describe('tfpairs compare RUN_A RUN_B', () => {
  let a: string;
  let b: string;
  let c: Comparison;
  beforeAll(async () => {
    a = mkdtempSync(join(tmpdir(), 'tfpairs-cmp-a-'));
    b = mkdtempSync(join(tmpdir(), 'tfpairs-cmp-b-'));
    await writeRun(a, runA);
    await writeRun(b, runB);
    const t = io();
    expect(await compareCommand(['--json', a, b], t.io)).toBe(0);
    expect(t.err()).toBe('');
    c = JSON.parse(t.out()) as Comparison;
  });

  it('reports syntax pass and average error lines (unique lines flagged error or warning) per run and per model', () => {
    expect(c.a.drafts).toMatchObject({ candidates: 8, verified: 8, valid: 5, invalid: 3, unverified: 0 });
    expect(c.a.drafts.syntaxPassRate).toBeCloseTo(0.625);
    expect(c.a.drafts.avgErrorLines).toBeCloseTo(0.5);
    expect(c.b.drafts).toMatchObject({ candidates: 8, verified: 7, valid: 4, invalid: 3, unverified: 1 });
    expect(c.b.drafts.syntaxPassRate).toBeCloseTo(4 / 7);
    expect(c.b.drafts.avgErrorLines).toBeCloseTo(5 / 7);
    expect(c.a.byModel.old).toMatchObject({ verified: 6, valid: 3 });
    expect(c.a.byModel.recorded).toMatchObject({ verified: 2, valid: 2 });
    expect(c.b.byModel.new).toMatchObject({ candidates: 6, verified: 5, valid: 3 });
    expect(c.b.byModel.recorded).toMatchObject({ verified: 2, valid: 1 });
  });

  it('joins prompts on id, else on the normalised prompt, and lists the flips each way', () => {
    expect(c.matched).toBe(5);
    expect(c.onlyInA.map((r) => r.id)).toEqual([id(P.p5, '5')]);
    expect(c.onlyInB.map((r) => r.id)).toEqual([id(P.p6, '6')]);
    expect(c.transitions).toEqual({ 'invalid→valid': 2, 'valid→invalid': 1, 'invalid→invalid': 1, 'valid→valid': 1 });
    expect(c.flips.fixed.map((f) => f.idB).sort()).toEqual([id(P.p1, '1'), id(P.p7b, '7b')].sort());
    const seven = c.flips.fixed.find((f) => f.idB === id(P.p7b, '7b'))!;
    expect(seven.idA).toBe(id(P.p7a, '7'));
    expect(seven.source).toBe('fixture.jsonl:9');
    expect(c.flips.broke.map((f) => f.idB)).toEqual([id(P.p2, '2')]);
    // per model: only `recorded` drafted in both runs, and it broke on p2
    expect(c.modelFlips.map((m) => [m.model, m.fixed.length, m.broke.length])).toEqual([['recorded', 0, 1]]);
  });

  it('lists diagnostics that appeared and vanished, by prompts', () => {
    const rows = (list: Comparison['diagnostics']['appeared'], pick: 'appeared' | 'vanished') => list.map((d) => [d.severity, d.summary, d[pick], d.inA, d.inB]);
    expect(rows(c.diagnostics.appeared, 'appeared')).toEqual([
      ['warning', 'Deprecated attribute', 1, 1, 1],
      ['error', 'Unsupported argument', 1, 0, 2],
      ['error', 'Unsupported block type', 1, 0, 2],
    ]);
    expect(rows(c.diagnostics.vanished, 'vanished')).toEqual([
      ['error', 'Invalid reference', 2, 2, 0],
      ['warning', 'Deprecated attribute', 1, 1, 1],
      ['error', 'Invalid value', 1, 1, 0],
      ['error', 'Missing required argument', 1, 1, 0],
    ]);
  });

  it('lists the DPO pairs that changed', () => {
    const dpo = c.pairs.find((p) => p.corpus === 'dpo')!;
    // only p4's recorded draft r4 is the same pair in both runs
    expect(dpo).toMatchObject({ pairsA: 8, pairsB: 8, unchanged: 1, added: 7, removed: 7 });
    expect(dpo.changed).toHaveLength(7);
    const p4 = dpo.changed.find((x) => x.idB === id(P.p4, '4'))!;
    expect(p4).toMatchObject({ idA: id(P.p4, '4'), added: 1, removed: 1 });
    expect(dpo.changed.find((x) => x.idA === id(P.p5, '5'))).toMatchObject({ idB: null, added: 0, removed: 1 });
    expect(c.pairs.find((p) => p.corpus === 'dpo-postedit')).toMatchObject({ pairsA: 0, pairsB: 0, changed: [] });
  });

  it('prints a terminal table with the same numbers', async () => {
    const t = io();
    expect(await compareCommand([a, b], t.io)).toBe(0);
    const text = t.out();
    expect(text).toMatch(/prompts\s+6\s+6\s+0\n/);
    expect(text).toMatch(/syntax pass\s+62\.5%\s+57\.1%\s+-5\.4 pp/);
    expect(text).toMatch(/avg error lines\s+0\.50\s+0\.71\s+\+0\.21/);
    expect(text).toContain('prompts: 5 in both runs, 1 only in A, 1 only in B');
    expect(text).toContain('fixed (invalid in A → valid in B): 2');
    expect(text).toContain('broke (valid in A → invalid in B): 1');
    expect(text).toContain(id(P.p2, '2'));
    expect(text).toMatch(/diagnostics that vanished .*: 4\n\s+PROMPTS\s+IN A\s+IN B\s+SEVERITY\s+SUMMARY\n\s+2\s+2\s+0\s+error\s+Invalid reference/);
    expect(text).toContain('dpo pairs: A 8, B 8: 1 unchanged, 7 added, 7 removed, in 7 prompts');
    expect(text).toMatch(/model recorded: 0 fixed, 1 broke/);
  });

  it('--html adds a comparison section to run B\'s report', async () => {
    const t = io();
    const page = join(mkdtempSync(join(tmpdir(), 'tfpairs-cmp-html-')), 'cmp.html');
    expect(await compareCommand(['--html', '--out', page, a, b], t.io)).toBe(0);
    expect(t.err()).toContain(`report: ${page}`);
    expect(existsSync(page)).toBe(true);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<section id="compare">');
    for (const chart of ['compare-pass', 'compare-lines', 'compare-transitions']) expect(html).toMatch(new RegExp(`data-chart="${chart}"><svg[^>]*class="marks"`));
    expect(html).toContain('Fixed: invalid in A, valid in B (2)');
    expect(html).toContain('Broke: valid in A, invalid in B (1)');
  });

  it('rejects anything but two build outputs', async () => {
    const t = io();
    expect(await compareCommand([a], t.io)).toBe(1);
    expect(await compareCommand([a, join(a, 'dpo')], t.io)).toBe(1);
    expect(t.err()).toMatch(/not a tfpairs build output/);
  });
});
