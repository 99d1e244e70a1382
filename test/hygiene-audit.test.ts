import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sameSource } from '@tfpairs/report/story';
import { cli } from './cli';
import { REPO } from './paths';

describe('audit --show PATH:LINE takes the path as typed at build time', () => {
  const root = mkdtempSync(join(tmpdir(), 'tfpairs-hyg-audit-'));
  const work = join(root, 'work');
  beforeAll(async () => {
    mkdirSync(join(root, 'inputs'), { recursive: true });
    mkdirSync(join(work, 'data'), { recursive: true });
    cpSync(join(REPO, 'data', 'sample', 'tasks.jsonl'), join(root, 'inputs', 'tasks.jsonl'));
    cpSync(join(REPO, 'data', 'sample', 'iac-eval-style.csv'), join(work, 'data', 'style.csv'));
    await cli(['build', '--offline', '--no-report', '--input', '../inputs/tasks.jsonl', '--input', './data/style.csv', '--out', 'out'], { cwd: work, env: {} });
  }, 120_000);

  const show = (query: string) => cli(['audit', 'out', '--show', query, '--json'], { cwd: work, allowFailure: true });

  it('a path outside the build folder (../inputs/x), one with ./, and an absolute one', async () => {
    for (const query of ['../inputs/tasks.jsonl:2', '../../' + join(root.split('/').pop()!, 'inputs', 'tasks.jsonl') + ':2', join(root, 'inputs', 'tasks.jsonl') + ':2']) {
      const run = await show(query);
      expect(run.code, query).toBe(0);
      const { matches } = JSON.parse(run.stdout) as { matches: { record: { provenance: { source: { line: number } } } }[] };
      expect(matches.map((m) => m.record.provenance.source.line), query).toEqual([2]);
    }
    for (const query of ['./data/style.csv:43', 'data/style.csv:43', join(work, 'data', 'style.csv') + ':43']) {
      const run = await show(query);
      expect(run.code, query).toBe(0);
      expect(JSON.parse(run.stdout).matches).toHaveLength(1);
    }
  });

  it('matches no other file', () => {
    expect(sameSource('/a/inputs/tasks.jsonl', '../inputs/tasks.jsonl')).toBe(true);
    expect(sameSource('/a/other/tasks.jsonl', '../inputs/tasks.jsonl')).toBe(false);
    expect(sameSource('data/style.csv', './data/style.csv')).toBe(true);
    expect(sameSource('data/style.csv', '/x/data/style.csv')).toBe(true);
    expect(sameSource('data/style.csv', 'style2.csv')).toBe(false);
  });
});
