import { hclParser } from '@tfpairs/hcl';
import type { Tree } from 'web-tree-sitter';

/**
 * CodeBLEU's syntactic AST match for HCL, on tree-sitter-hcl's concrete syntax tree (the grammar the
 * IaC-DPO paper names). As in CodeXGLUE's `syntax_match.py`, the subtrees are the root and every node
 * that has children; each is written as tree-sitter's s-expression (`Node.sexp()` / ts_node_string:
 * named node types only, field names as `key: `, no identifier or literal text). Comments are left out,
 * as the reference removes them from the text before parsing.
 */

/** One s-expression per subtree (root first, then document order), duplicates kept. */
export async function subtreeSexps(code: string): Promise<string[]> {
  const parser = await hclParser();
  const tree = parser.parse(code);
  if (!tree) return ['(config_file)'];
  try {
    return sexpsOf(tree);
  } finally {
    tree.delete();
  }
}

interface Frame {
  readonly type: string;
  readonly field: string | null;
  readonly named: boolean;
  readonly missing: boolean;
  /** printed children */
  readonly parts: string[];
  hasChildren: boolean;
  /** index in `out` reserved for this node when it is a subtree */
  slot: number;
}

const typeNames: (string | undefined)[] = [];

function sexpsOf(tree: Tree): string[] {
  const cursor = tree.walk();
  const language = tree.language;
  const out: (string | null)[] = [];
  const frame = (): Frame => {
    const id = cursor.nodeTypeId;
    const type = (typeNames[id] ??= language.nodeTypeForId(id) ?? cursor.nodeType);
    return { type, field: cursor.currentFieldName, named: cursor.nodeIsNamed, missing: cursor.nodeIsMissing, parts: [], hasChildren: false, slot: -1 };
  };
  const text = (f: Frame): string => {
    if (f.missing) return f.named ? `(MISSING ${f.type})` : `(MISSING ${JSON.stringify(f.type)})`;
    return f.parts.length ? `(${f.type} ${f.parts.join(' ')})` : `(${f.type})`;
  };
  // a finished node is printed into its parent (when named) and into its reserved slot (when a subtree)
  const finish = (f: Frame, parent: Frame | undefined): void => {
    const s = text(f);
    // a node whose only children were comments has none once comments are removed
    if (f.slot >= 0) out[f.slot] = f.hasChildren || f === root ? s : null;
    if (parent && (f.named || f.missing)) parent.parts.push(f.field ? `${f.field}: ${s}` : s);
  };
  const root = frame();
  try {
    root.slot = out.push('') - 1;
    const stack: Frame[] = [root];
    if (cursor.gotoFirstChild()) {
      for (;;) {
        const parent = stack[stack.length - 1]!;
        const node = frame();
        const isComment = node.type === 'comment';
        if (!isComment) parent.hasChildren = true;
        if (!isComment && cursor.gotoFirstChild()) {
          node.slot = out.push('') - 1;
          stack.push(node);
          continue;
        }
        if (!isComment) finish(node, parent);
        while (!cursor.gotoNextSibling()) {
          if (stack.length <= 1 || !cursor.gotoParent()) {
            finish(root, undefined);
            return out.filter((x): x is string => x !== null);
          }
          const done = stack.pop()!;
          finish(done, stack[stack.length - 1]);
        }
      }
    }
    finish(root, undefined);
    return out.filter((x): x is string => x !== null);
  } finally {
    cursor.delete();
  }
}

/** Matched and total reference subtrees: a reference subtree matches when the candidate has one like it. */
export function syntaxMatchCounts(referenceSexps: readonly string[], candidateSexps: readonly string[]): { matched: number; total: number } {
  const candidate = new Set(candidateSexps);
  let matched = 0;
  for (const s of referenceSexps) if (candidate.has(s)) matched += 1;
  return { matched, total: referenceSexps.length };
}
