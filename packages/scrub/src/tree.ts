import { syntaxTree, type SyntaxNode as Node } from '@tfpairs/hcl/tree';

/**
 * A positioned HCL syntax tree (tree-sitter, error-tolerant), so every string literal is known together
 * with the argument / object key / block it belongs to. HashiCorp's parser (hcl2json) gives no
 * positions, hence tree-sitter here (the tree of a text is shared with normalise and the verifier);
 * validity is still decided by hcl2json.
 */

/** A piece of literal text inside a string, heredoc or comment (offsets are JS string indices). */
export interface LiteralSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** `quoted` string, `heredoc` body, or `comment` */
  readonly container: 'quoted' | 'heredoc' | 'comment';
  /** the whole value is this one literal (no interpolation / directive beside it) */
  readonly whole: boolean;
  /** the argument, object key or (for `variable` defaults) variable name this literal is the value of */
  readonly key: string | null;
  /** the variable block declares `sensitive = true` (for its `default`) or the SSM parameter is a SecureString */
  readonly declaredSensitive: boolean;
}

function stringContent(node: Node | null): string | null {
  // string_lit / quoted_template with only literal text: its text without quotes
  if (!node) return null;
  let n: Node | null = node;
  while (n && (n.type === 'expression' || n.type === 'literal_value' || n.type === 'template_expr')) n = n.namedChild(0);
  if (!n) return null;
  if (n.type === 'variable_expr') return n.text;
  if (n.type !== 'string_lit' && n.type !== 'quoted_template') return null;
  const parts = n.namedChildren.filter((c) => c.type !== 'quoted_template_start' && c.type !== 'quoted_template_end');
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0]!.type === 'template_literal') return parts[0]!.text;
  return null;
}

function attributeValue(body: Node | null, name: string): string | null {
  if (!body) return null;
  for (const child of body.namedChildren) {
    if (child?.type === 'attribute' && child.namedChild(0)?.text === name) return stringContent(child.namedChild(1)) ?? child.namedChild(1)?.text ?? null;
  }
  return null;
}

function blockLabels(block: Node): string[] {
  return block.namedChildren
    .filter((c) => c.type === 'string_lit' || c.type === 'identifier')
    .slice(1)
    .map((c) => (c.type === 'string_lit' ? (stringContent(c) ?? c.text) : c.text));
}

/** Which name the value containing `node` is assigned to, walking up through calls, lists and objects. */
function keyOf(node: Node): { key: string | null; declaredSensitive: boolean } {
  let child: Node = node;
  let parent = node.parent;
  while (parent) {
    if (parent.type === 'object_elem') {
      const keyExpr = parent.namedChild(0);
      if (keyExpr && keyExpr !== child) {
        const key = stringContent(keyExpr) ?? keyExpr.text;
        // ECS / Lambda style `{ name = "DB_PASSWORD", value = "..." }`: the sibling `name` names the value
        if (key === 'value' && parent.parent?.type === 'object') {
          for (const sibling of parent.parent.namedChildren) {
            if (sibling?.type !== 'object_elem' || sibling === parent) continue;
            const k = stringContent(sibling.namedChild(0)) ?? sibling.namedChild(0)?.text;
            if (k === 'name') return { key: stringContent(sibling.namedChild(1)) ?? key, declaredSensitive: false };
          }
        }
        return { key, declaredSensitive: false };
      }
      return { key: null, declaredSensitive: false };
    }
    if (parent.type === 'attribute') {
      const name = parent.namedChild(0)?.text ?? null;
      const block = parent.parent?.parent;
      if (block?.type === 'block') {
        const type = block.namedChild(0)?.text;
        const labels = blockLabels(block);
        const body = parent.parent;
        if (type === 'variable' && name === 'default')
          return { key: labels[0] ?? name, declaredSensitive: attributeValue(body, 'sensitive') === 'true' };
        if (type === 'resource' && labels[0] === 'aws_ssm_parameter' && name === 'value')
          return { key: name, declaredSensitive: attributeValue(body, 'type') === 'SecureString' };
      }
      // Beanstalk `setting { name = "DB_PASSWORD" value = "..." }` and the like: `name` names the value
      if (name === 'value') {
        const sibling = attributeValue(parent.parent, 'name');
        if (sibling) return { key: sibling, declaredSensitive: false };
      }
      return { key: name, declaredSensitive: false };
    }
    if (parent.type === 'block' || parent.type === 'config_file') return { key: null, declaredSensitive: false };
    child = parent;
    parent = parent.parent;
  }
  return { key: null, declaredSensitive: false };
}

/**
 * Every literal text span of an HCL file with the name it is assigned to, and whether the tree has
 * syntax errors (then the spans are a best guess).
 */
export async function literalSpans(text: string): Promise<{ spans: LiteralSpan[]; hasError: boolean }> {
  const tree = await syntaxTree(text);
  const out: LiteralSpan[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'comment') {
      out.push({ start: node.startIndex, end: node.endIndex, text: node.text, container: 'comment', whole: false, key: null, declaredSensitive: false });
      return;
    }
    if (node.type === 'template_literal') {
      const template = node.parent;
      const container = template?.type === 'heredoc_template' ? 'heredoc' : 'quoted';
      const siblings = (template?.namedChildren ?? []).filter((c) => !/^(quoted_template_start|quoted_template_end|heredoc_start|heredoc_identifier)$/.test(c.type));
      const { key, declaredSensitive } = keyOf(template ?? node);
      out.push({ start: node.startIndex, end: node.endIndex, text: node.text, container, whole: siblings.length === 1, key, declaredSensitive });
      return;
    }
    for (const child of node.children) visit(child);
  };
  visit(tree.root);
  return { spans: out, hasError: tree.hasError };
}
