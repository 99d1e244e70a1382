import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { forgetTrees, spacingEdits, syntaxTree, type SyntaxNode } from './tree';

// the IaC-Eval gold and drafts
const csv = join(import.meta.dirname, '../../../../shared/data/iac-eval/deepseek-coder-v2-16b-drafts-140.csv');
const rows = parse(readFileSync(csv), { columns: true, bom: true }) as Record<string, string>[];

const shape = (n: SyntaxNode): unknown => [n.type, n.startIndex, n.endIndex, n.isMissing, n.children.map(shape)];

describe('syntaxTree of a text plus its final newline', () => {
  // the texts normalise gives a final newline
  const texts = rows.flatMap((r) => Object.values(r)).filter((t) => /resource|provider/.test(t) && !t.endsWith('\n'));

  it('is the tree a fresh parse gives (tree-sitter reparses the old tree incrementally)', async () => {
    expect(texts.length).toBeGreaterThan(100);
    // broken endings too: an open heredoc, a comment, a string at the very end
    texts.push('x = <<EOT\nabc\nEOT', 'a = 1 # trailing', 'b = "open', 'c = 1\n/* open', 'd = [1,');
    for (const text of texts) {
      forgetTrees();
      const freshTree = await syntaxTree(`${text}\n`);
      const fresh = shape(freshTree.root);
      forgetTrees();
      await syntaxTree(text);
      const reparsed = await syntaxTree(`${text}\n`);
      expect(shape(reparsed.root), text).toEqual(fresh);
      expect(reparsed.hasError, text).toBe(freshTree.hasError);
    }
  });
});

describe('syntaxTree of a text after one that differs only in spacing (terraform fmt output after its input)', () => {
  const texts = rows.map((r) => r['Reference output']!).filter((t) => /resource|provider/.test(t));
  // what fmt does to spacing, and what it does not (tabs, runs of spaces, alignment, a changed line count)
  const respaced = (t: string) => t.replace(/ = /g, '   =  ').replace(/^( +)/gm, '$1\t').replace(/\{\n/g, '{ \n');

  it('is the tree a fresh parse gives (tree-sitter reparses the old tree at the edited places)', async () => {
    expect(texts.length).toBeGreaterThan(100);
    let reused = 0;
    for (const text of [...texts, 'a = "x  y"\n', 'x = <<EOT\n  a  b\nEOT\n', 'b = "open  \n']) {
      const spaced = respaced(text);
      if (spacingEdits(text, spaced)) reused += 1;
      forgetTrees();
      const freshTree = await syntaxTree(spaced);
      forgetTrees();
      await syntaxTree(text);
      const reparsed = await syntaxTree(spaced);
      expect(shape(reparsed.root), spaced).toEqual(shape(freshTree.root));
      expect(reparsed.hasError, spaced).toBe(freshTree.hasError);
      expect(reparsed.root.text).toBe(spaced);
    }
    expect(reused).toBeGreaterThan(100);
  });

  it('gives edits only for differences in spaces and tabs within lines', () => {
    expect(spacingEdits('a = 1\n', 'a = 1\n')).toBeNull();
    expect(spacingEdits('a = 1\n', 'a = 2\n')).toBeNull();
    expect(spacingEdits('a = 1\n', 'a = 1\n\n')).toBeNull();
    expect(spacingEdits('a = 1\nb = 2\n', 'a = 1 b = 2\n')).toBeNull();
    const edits = spacingEdits('a=1\n  b  = 2\n', 'a = 1\n  b = 2\n')!;
    expect(edits.map((e) => [e.startIndex, e.oldEndIndex, e.newEndIndex, e.startPosition.row, e.startPosition.column])).toEqual([
      [1, 1, 2, 0, 1],
      [3, 3, 4, 0, 3],
      [9, 11, 10, 1, 3],
    ]);
  });
});
