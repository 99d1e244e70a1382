import { syntaxTree, type SyntaxNode as Node } from '@tfpairs/hcl/tree';

export type { Node };

/**
 * Positioned HCL syntax trees from tree-sitter-hcl (web-tree-sitter, WASM). HashiCorp's own parser
 * (@cdktf/hcl2json) decides whether a text is valid HCL, but it exposes no source positions; the fmt
 * rewrites and comment stripping need to know exactly where each attribute, label, template and
 * comment sits, which is what this tree gives. Indices are JS string (UTF-16) offsets.
 *
 * Hands the tree of `text` to `use`. The tree is shared (scrub and the verifier read the same text's
 * tree): `use` must not change it.
 */
export async function withHclTree<T>(text: string, use: (root: Node) => T): Promise<T> {
  return use((await syntaxTree(text)).root);
}

/** All leaf nodes (tokens, including comments) under `node`, in source order. */
export function leaves(node: Node, out: Node[] = []): Node[] {
  if (node.childCount === 0) {
    if (node.endIndex > node.startIndex) out.push(node);
    return out;
  }
  for (const child of node.children) leaves(child, out);
  return out;
}

export function namedChildren(node: Node): readonly Node[] {
  return node.namedChildren;
}

export function children(node: Node): readonly Node[] {
  return node.children;
}

/** A text edit on the original string: replace [start, end) by `text`. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at ${e.start}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}
