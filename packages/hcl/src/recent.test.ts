import { describe, expect, it, vi } from 'vitest';
import { SourceFile } from './source';
import { checkSyntax, forgetSyntaxVerdicts } from './syntax';
import type { Node as TreeSitterNode } from 'web-tree-sitter';
import { forgetTrees, hclParser, parseFile, syntaxTree, type SyntaxNode } from './tree';

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

  it('a shared syntax tree has the nodes, offsets, texts and parents of web-tree-sitter\'s own tree', async () => {
    forgetTrees();
    // comments, heredoc, templates, an object, a function call and a syntax error: every kind of node the readers walk
    const text = [
      '# top comment',
      'variable "db" {',
      '  default   = "p@ss ${var.x}" // trailing',
      '  sensitive = true',
      '}',
      'locals {',
      '  obj = { name = "a", value = [1, 2.5, upper("x")] }',
      '  doc = <<-EOT',
      '    hello ${local.obj.name}',
      '  EOT',
      '}',
      'resource "a" "b" { x = ',
      '',
    ].join('\n');
    const shared = await syntaxTree(text);
    expect(await syntaxTree(text)).toBe(shared);
    const parser = await hclParser();
    const own = parser.parse(text)!;
    try {
      expect(shared.hasError).toBe(own.rootNode.hasError);
      expect(shared.hasError).toBe(true);
      const flat = (n: SyntaxNode | TreeSitterNode, depth: number, out: string[]): string[] => {
        out.push(`${depth} ${n.type} ${n.startIndex}-${n.endIndex} ${n.childCount} ${n.namedChildren.length} ${n.parent?.type ?? '-'} ${JSON.stringify(n.text)}`);
        for (const c of n.children) if (c) flat(c, depth + 1, out);
        return out;
      };
      expect(flat(shared.root, 0, [])).toEqual(flat(own.rootNode, 0, []));
      expect(shared.root.descendantsOfType('comment').map((c) => c.text)).toEqual(own.rootNode.descendantsOfType('comment').map((c) => c!.text));
    } finally {
      own.delete();
    }
    // parseFile and syntaxTree share one tree-sitter parse of a text
    const parse = vi.spyOn(parser, 'parse');
    try {
      const once = 'locals {\n  shared = 1\n}\n';
      expect((await parseFile('main.tf', once)).body.blocks[0]!.type).toBe('locals');
      expect((await syntaxTree(once)).root.type).toBe('config_file');
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});
