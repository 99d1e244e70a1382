import { describe, expect, it } from 'vitest';
import { withFinalNewline } from './ending';
import { normaliseAnswer } from './normalise';

describe('the canonical final newline', () => {
  it('leaves exactly one final newline, whatever the text ended with', () => {
    for (const t of ['a = 1', 'a = 1\n', 'a = 1\n\n\n', 'a = 1  \n \t\n', 'a = 1\r\n']) expect(withFinalNewline(t)).toBe('a = 1\n');
    expect(withFinalNewline('  \n')).toBe('');
  });

  it('normaliseAnswer ends gold, answers, unformatted and broken code the same way', async () => {
    const gold = await normaliseAnswer('resource "a" "b" {}', { format: true, stripComments: true, isAnswer: false });
    const answer = await normaliseAnswer('Here:\n```hcl\nresource "a" "b" {}\n\n\n```\n', { format: true, stripComments: true, isAnswer: true });
    const broken = await normaliseAnswer('resource "a" {', { format: true, stripComments: true, isAnswer: false });
    const unformatted = await normaliseAnswer('x = 1', { format: false, stripComments: false, isAnswer: false });
    for (const r of [gold, answer, broken, unformatted]) expect(r.code).toMatch(/[^\n]\n$/);
    expect(gold.revisions.at(-1)).toEqual({ stage: 'final-newline', text: 'resource "a" "b" {}\n' });
  });
});
