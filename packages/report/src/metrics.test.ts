import { describe, expect, it } from 'vitest';
import { diagnostic } from '@tfpairs/core';
import { candidateMetrics, errorLines, modelOf, onePerPrompt, promptVerdict, runMetrics } from './metrics';
import { diagAt, draft, dropped, task } from './testing';

describe('error lines (IaC-DPO Table 2: unique lines flagged error or warning)', () => {
  it('counts each flagged line once, warnings included, per file', () => {
    const diags = [
      diagAt('error', 'Unsupported argument', 3),
      diagAt('error', 'Missing required argument', 3), // same line: one line
      diagAt('warning', 'Argument is deprecated', 7),
      { ...diagAt('error', 'Invalid reference', 3), range: { filename: 'other.tf', start: { line: 3, column: 1, byte: 0 }, end: { line: 3, column: 2, byte: 1 } } },
    ];
    expect(errorLines(diags)).toEqual({ lines: 3, unlocated: 0 });
  });

  it('a diagnostic without a range names no line and is counted apart', () => {
    expect(errorLines([diagnostic('error', 'No configuration files'), diagAt('warning', 'x', 1)])).toEqual({ lines: 1, unlocated: 1 });
  });

  it('syntax pass is valid / verified; average error lines is over verified drafts; unverified drafts are in neither', () => {
    const m = candidateMetrics([
      draft('a', 'x', 'm', [diagAt('error', 'e', 1), diagAt('error', 'e2', 2)]), // invalid, 2 lines
      draft('b', 'y', 'm', [diagAt('warning', 'w', 4)]), // valid with a warning line
      draft('c', 'z', 'm', []), // valid, 0 lines
      draft('d', 'q', 'm', [diagAt('error', 'e', 9)], 'unverified'),
    ]);
    expect(m).toMatchObject({ candidates: 4, verified: 3, valid: 2, invalid: 1, unverified: 1 });
    expect(m.syntaxPassRate).toBeCloseTo(2 / 3);
    expect(m.avgErrorLines).toBeCloseTo(1); // (2 + 1 + 0) / 3
    expect(candidateMetrics([]).syntaxPassRate).toBeNull();
  });

  it('prompt verdicts are pass@k over drafts; models are named, recorded drafts grouped', () => {
    expect(promptVerdict([draft('a', 'x', 'm', [diagAt('error', 'e', 1)]), draft('b', 'y', 'm', [])])).toBe('valid');
    expect(promptVerdict([draft('a', 'x', 'm', [diagAt('error', 'e', 1)])])).toBe('invalid');
    expect(promptVerdict([draft('a', 'x', 'm', [], 'unverified')])).toBe('unverified');
    expect(promptVerdict([])).toBe('none');
    expect(modelOf(draft('a', 'x', null, []))).toBe('recorded');
    expect(modelOf(draft('a', 'x', 'gpt-4o', []))).toBe('gpt-4o');
  });

  it('measures a run once per prompt: a dropped duplicate does not count its drafts again', () => {
    const bad = draft('c', 'x', 'm', [diagAt('error', 'e', 1)]);
    const good = draft('d', 'y', 'm', []);
    const kept = task({ prompt: 'Make a bucket', gold: 'a', line: 1, candidates: [good] });
    const dup = dropped(task({ prompt: 'make  a BUCKET', gold: 'b', line: 2, candidates: [bad] }), 'dedup', 'duplicate', 'Duplicate prompt');
    const other = task({ prompt: 'Make a queue', gold: 'c', line: 3, candidates: [bad] });
    expect(onePerPrompt([dup, kept, other])).toEqual([kept, other]);
    expect(runMetrics([dup, kept, other]).overall).toMatchObject({ candidates: 2, valid: 1, invalid: 1 });
  });
});
