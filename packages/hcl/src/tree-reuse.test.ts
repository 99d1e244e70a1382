import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { forgetTrees, syntaxTree, type SyntaxNode } from './tree';

const shape = (n: SyntaxNode): unknown => [n.type, n.startIndex, n.endIndex, n.isMissing, n.children.map(shape)];

describe('syntaxTree of a text plus its final newline', () => {
  // the IaC-Eval gold and drafts: the texts normalise gives a final newline
  const csv = join(import.meta.dirname, '../../../../shared/data/iac-eval/deepseek-coder-v2-16b-drafts-140.csv');
  const rows = parse(readFileSync(csv), { columns: true, bom: true }) as Record<string, string>[];
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
