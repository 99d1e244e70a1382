import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { assignSplit, promptUnit } from './index';

const shares = { train: 0.8, val: 0.1, test: 0.1 };
const randomPrompt = () => `Create ${randomBytes(6).toString('hex')} with ${randomBytes(3).toString('base64')}`;

describe('hash split', () => {
  it('a prompt never moves when records are added or removed (property, 20 rounds)', () => {
    const base = Array.from({ length: 300 }, randomPrompt);
    const before = new Map(base.map((p) => [p, assignSplit(p, shares)]));
    for (let round = 0; round < 20; round++) {
      // a different corpus each round: some removed, many added, order shuffled
      const corpus = [...base.filter(() => Math.random() > 0.3), ...Array.from({ length: 200 }, randomPrompt)].sort(() => Math.random() - 0.5);
      for (const p of corpus) if (before.has(p)) expect(assignSplit(p, shares)).toBe(before.get(p));
    }
  });
  it('ignores case and whitespace, as dedup does', () => {
    expect(promptUnit('Create an S3  bucket\n')).toBe(promptUnit('create an s3 bucket'));
  });
  it('follows the configured shares on a large sample', () => {
    const n = 20000;
    const counts = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < n; i++) counts[assignSplit(`prompt number ${i}`, shares)]++;
    expect(counts.train / n).toBeGreaterThan(0.78);
    expect(counts.train / n).toBeLessThan(0.82);
    expect(counts.val / n).toBeGreaterThan(0.09);
    expect(counts.test / n).toBeGreaterThan(0.09);
  });
  it('a salt draws a different but equally stable split', () => {
    const prompts = Array.from({ length: 200 }, (_, i) => `p${i}`);
    const a = prompts.map((p) => assignSplit(p, { ...shares, salt: 'x' }));
    const b = prompts.map((p) => assignSplit(p, shares));
    expect(a).not.toEqual(b);
    expect(prompts.map((p) => assignSplit(p, { ...shares, salt: 'x' }))).toEqual(a);
  });
});
