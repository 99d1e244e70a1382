import { describe, expect, it } from 'vitest';
import { RecentByText } from './recent';

describe('RecentByText', () => {
  it('keeps the newest entries within both bounds, oldest out first', () => {
    const recent = new RecentByText<number>(3, 10);
    recent.set('aa', 1);
    recent.set('bb', 2);
    recent.set('cc', 3);
    recent.set('dd', 4);
    expect(['aa', 'bb', 'cc', 'dd'].map((k) => recent.get(k))).toEqual([undefined, 2, 3, 4]);
    // three entries at most: the oldest goes
    recent.set('eeee', 5);
    expect(['bb', 'cc', 'dd', 'eeee'].map((k) => recent.has(k))).toEqual([false, true, true, true]);
    expect(recent.size).toBe(3);
    // a value standing for more text than the whole budget is not kept, and evicts nothing
    recent.set('x', 6, 11);
    expect(recent.has('x')).toBe(false);
    expect(recent.size).toBe(3);
    // setting a key again replaces it and its weight
    // ... and the oldest make room for it by characters (2 + 4 + 8 > 10)
    recent.set('dd', 7, 8);
    expect(recent.get('dd')).toBe(7);
    expect(['cc', 'eeee'].map((k) => recent.has(k))).toEqual([false, false]);
    expect(recent.size).toBe(1);
    recent.clear();
    expect(recent.size).toBe(0);
  });
});
