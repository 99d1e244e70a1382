import { describe, expect, it } from 'vitest';
import { negativesStats } from './negatives-stats';

describe('negativesStats', () => {
  it('derives per-operator success and the total-variation distance from the counters', () => {
    const stats = negativesStats({
      negatives: {
        'attempted.misspell-argument': 10,
        'discarded.misspell-argument': 1,
        'duplicate.misspell-argument': 2,
        'made.misspell-argument': 7,
        'attempted.missing-required': 4,
        'made.missing-required': 4,
        'summary.Unsupported argument': 7,
        'summary.Missing required argument': 4,
        'real.Unsupported argument': 6,
        'real.Missing required argument': 2,
        'real.Invalid resource type': 2,
      },
    })!;
    expect(stats.operators).toEqual([
      { operator: 'missing-required', made: 4, attempted: 4, discarded: 0, duplicates: 0, successRate: 1 },
      { operator: 'misspell-argument', made: 7, attempted: 10, discarded: 1, duplicates: 2, successRate: 0.9 },
    ]);
    expect(stats.made).toBe(11);
    expect(stats.duplicates).toBe(2);
    // synthetic 7/11, 4/11, 0 against real 0.6, 0.2, 0.2: TV = (|7/11-0.6| + |4/11-0.2| + 0.2) / 2
    expect(stats.totalVariation).toBeCloseTo((Math.abs(7 / 11 - 0.6) + Math.abs(4 / 11 - 0.2) + 0.2) / 2, 10);
    expect(stats.summaries.map((s) => s.summary)).toEqual(['Unsupported argument', 'Missing required argument', 'Invalid resource type']);
  });

  it('is null when the run made no negatives, and has no distance without real drafts', () => {
    expect(negativesStats({ verify: { valid: 3 } })).toBeNull();
    expect(negativesStats({ negatives: { 'attempted.unclosed-block': 1, 'made.unclosed-block': 1, 'summary.Unclosed configuration block': 1 } })!.totalVariation).toBeNull();
  });
});
