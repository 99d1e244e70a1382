import { describe, expect, it } from 'vitest';
import { SourceFile } from './source';
import { checkSyntax, forgetSyntaxVerdicts } from './syntax';
import { forgetTrees, parseFile } from './tree';

describe('recent verdicts and trees', () => {
  it('a repeated check gives the same verdict, and a caller changing its copy changes nothing for the next', async () => {
    forgetSyntaxVerdicts();
    const text = 'resource "a" "b" {\n  x = \n}\n';
    const first = await checkSyntax(text);
    expect(first.length).toBeGreaterThan(0);
    (first[0] as { summary: string }).summary = 'changed by a caller';
    first.push(first[0]!);
    const second = await checkSyntax(text);
    expect(second).toHaveLength(first.length - 1);
    expect(second[0]!.summary).not.toBe('changed by a caller');
    // the file name is part of what is remembered: diagnostics name their file
    expect((await checkSyntax(text, 'other.tf'))[0]!.range!.filename).toBe('other.tf');
  });

  it('one tree per name and text; a caller bringing its source object gets its own back', async () => {
    forgetTrees();
    const text = 'locals {\n  a = 1\n}\n';
    const a = await parseFile('main.tf', text);
    expect(await parseFile('main.tf', text)).toBe(a);
    const source = new SourceFile('main.tf', text);
    const withSource = await parseFile('main.tf', text, source);
    expect(withSource.source).toBe(source);
    expect(withSource.body).toBe(a.body);
    // a source of another text is not served from the cache
    const other = new SourceFile('main.tf', 'locals {}\n');
    expect((await parseFile('main.tf', text, other)).body).not.toBe(a.body);
    expect((await parseFile('x.tf', text)).body.blocks[0]!.range.filename).toBe('x.tf');
  });
});
