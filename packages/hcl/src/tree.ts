/**
 * A positioned HCL tree (bodies, blocks, attributes, expressions) built from web-tree-sitter's HCL
 * grammar. HashiCorp's parser (@cdktf/hcl2json) decides whether a file is valid HCL but returns JSON
 * without positions; terraform's diagnostics need exact ranges, so every later check walks this tree.
 * The conversion is hand-written because the grammar's node shapes (flat postfix sequences such as
 * `variable_expr get_attr index`) must be folded into HCL's own notions (scope traversals, splats).
 */
import { createRequire } from 'node:module';
import type { Range } from '@tfpairs/core';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { SourceFile, rangeBetween } from './source';

export type LiteralValue = string | number | boolean | null;

export type TraversalStep =
  | { readonly kind: 'attr'; readonly name: string; readonly range: Range }
  | { readonly kind: 'index'; readonly key: LiteralValue; readonly range: Range };

export type Expr =
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly range: Range }
  /** a quoted or heredoc template; `parts` are literal strings and interpolated expressions */
  | { readonly kind: 'template'; readonly parts: readonly Expr[]; readonly range: Range; readonly heredoc: boolean }
  /** a scope traversal: `aws_instance.web.id`, `var.x`, `local.y[0]` (literal keys only, as HCL) */
  | { readonly kind: 'traversal'; readonly root: string; readonly rootRange: Range; readonly steps: readonly TraversalStep[]; readonly range: Range }
  | { readonly kind: 'call'; readonly name: string; readonly nameRange: Range; readonly args: readonly Expr[]; readonly range: Range; readonly expand: boolean }
  | { readonly kind: 'tuple'; readonly items: readonly Expr[]; readonly range: Range }
  | { readonly kind: 'object'; readonly items: readonly { readonly key: Expr; readonly value: Expr }[]; readonly range: Range }
  /** `for` expression: names in `vars` are local to `body` */
  | { readonly kind: 'for'; readonly vars: readonly string[]; readonly collection: Expr; readonly body: readonly Expr[]; readonly range: Range }
  /** anything else (operators, conditionals, splats, relative traversals); references live in `children` */
  | { readonly kind: 'other'; readonly what: string; readonly children: readonly Expr[]; readonly range: Range };

export interface Attribute {
  readonly name: string;
  readonly nameRange: Range;
  readonly expr: Expr;
  readonly range: Range;
}

export interface Block {
  readonly type: string;
  readonly typeRange: Range;
  readonly labels: readonly string[];
  readonly labelRanges: readonly Range[];
  readonly openBraceRange: Range;
  readonly body: Body;
  /** type through last label (hcl's DefRange) */
  readonly defRange: Range;
  readonly range: Range;
}

export interface Body {
  readonly attributes: readonly Attribute[];
  readonly blocks: readonly Block[];
  /** from the opening brace to the closing one (the whole file for a file body) */
  readonly range: Range;
}

export interface ParsedFile {
  readonly source: SourceFile;
  readonly body: Body;
  /** true when tree-sitter found error nodes (the HCL parser is the judge of syntax; this is a hint) */
  readonly hasErrors: boolean;
}

let parserPromise: Promise<Parser> | undefined;

/** One tree-sitter parser per process, initialised once. */
export function hclParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export async function parseFile(filename: string, text: string, known?: SourceFile): Promise<ParsedFile> {
  const parser = await hclParser();
  const tree = parser.parse(text);
  const source = known ?? new SourceFile(filename, text);
  if (!tree) return { source, body: { attributes: [], blocks: [], range: source.range(0, text.length) }, hasErrors: true };
  let root: Node;
  let hasErrors: boolean;
  try {
    root = snapshot(tree, text);
    hasErrors = tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
  const conv = new Converter(source);
  const bodyNode = root.namedChildren.find((c) => c?.type === 'body');
  const body = bodyNode ? conv.body(bodyNode, source.range(0, text.length)) : { attributes: [], blocks: [], range: source.range(0, text.length) };
  return { source, body, hasErrors };
}

/**
 * The syntax tree copied into plain objects in one cursor walk: reading web-tree-sitter nodes one
 * property at a time crosses into WASM for every access and was the verifier's main cost.
 */
const NO_NODES: Node[] = [];

class Node {
  // leaves share one empty array (most nodes are leaves; fewer allocations, less GC)
  children: Node[] = NO_NODES;
  namedChildren: Node[] = NO_NODES;
  private fields?: Map<string, Node>;
  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly source: string,
  ) {}
  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }
  add(child: Node, field: string | null): void {
    if (this.children === NO_NODES) this.children = [];
    this.children.push(child);
    if (child.isNamed) {
      if (this.namedChildren === NO_NODES) this.namedChildren = [];
      this.namedChildren.push(child);
    }
    if (field) (this.fields ??= new Map()).set(field, child);
  }
  childForFieldName(name: string): Node | null {
    return this.fields?.get(name) ?? null;
  }
}

/** node type names by id, read once: decoding the name string from WASM for every node is slow */
const typeNames: (string | undefined)[] = [];

function snapshot(tree: Tree, text: string): Node {
  const cursor = tree.walk();
  const language = tree.language;
  try {
    const make = () => {
      const id = cursor.nodeTypeId;
      const type = (typeNames[id] ??= language.nodeTypeForId(id) ?? cursor.nodeType);
      // only a block's closing brace is ever looked at for being missing
      return new Node(type, cursor.nodeIsNamed, type === 'block_end' && cursor.nodeIsMissing, cursor.startIndex, cursor.endIndex, text);
    };
    const root = make();
    const stack: Node[] = [root];
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const node = make();
      const parent = stack[stack.length - 1]!;
      // fields are only read on object elements (key / val)
      parent.add(node, parent.type === 'object_elem' ? cursor.currentFieldName : null);
      if (cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || stack.length <= 1) return root;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

const POSTFIX = new Set(['get_attr', 'index', 'splat']);

class Converter {
  constructor(private readonly source: SourceFile) {}

  range(node: Node): Range {
    return this.source.range(node.startIndex, node.endIndex);
  }

  body(node: Node, range: Range): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'attribute') {
        const id = child.namedChildren.find((c) => c?.type === 'identifier');
        const exprNode = child.namedChildren.find((c) => c?.type === 'expression');
        if (!id) continue;
        attributes.push({
          name: id.text,
          nameRange: this.range(id),
          expr: exprNode ? this.expression(exprNode) : { kind: 'literal', value: null, range: this.range(child) },
          range: this.range(child),
        });
      } else if (child.type === 'block') {
        const block = this.block(child);
        if (block) blocks.push(block);
      }
    }
    return { attributes, blocks, range };
  }

  block(node: Node): Block | undefined {
    const kids = node.namedChildren.filter((c): c is Node => !!c);
    const id = kids[0];
    if (!id || id.type !== 'identifier') return undefined;
    const labels: string[] = [];
    const labelRanges: Range[] = [];
    let open: Node | undefined;
    let close: Node | undefined;
    let bodyNode: Node | undefined;
    for (const k of kids.slice(1)) {
      if (k.type === 'string_lit') {
        labels.push(unescapeHcl(k.namedChildren.find((c) => c?.type === 'template_literal')?.text ?? ''));
        labelRanges.push(this.range(k));
      } else if (k.type === 'identifier' && !open) {
        labels.push(k.text);
        labelRanges.push(this.range(k));
      } else if (k.type === 'block_start') open = k;
      else if (k.type === 'block_end') close = k;
      else if (k.type === 'body') bodyNode = k;
    }
    const typeRange = this.range(id);
    const openRange = open ? this.range(open) : typeRange;
    const closeRange = close && !close.isMissing ? this.range(close) : this.source.range(node.endIndex, node.endIndex);
    const bodyRange = rangeBetween(openRange, closeRange);
    const body = bodyNode ? this.body(bodyNode, bodyRange) : { attributes: [], blocks: [], range: bodyRange };
    return {
      type: id.text,
      typeRange,
      labels,
      labelRanges,
      openBraceRange: openRange,
      body,
      defRange: rangeBetween(typeRange, labelRanges.length ? labelRanges[labelRanges.length - 1]! : typeRange),
      range: rangeBetween(typeRange, closeRange),
    };
  }

  /** An `expression` node: one term (with postfix steps) or a conditional. */
  expression(node: Node): Expr {
    const kids = node.children.filter((c): c is Node => !!c && c.type !== 'comment');
    return this.sequence(kids, node);
  }

  /** A flat sequence of a primary term followed by postfix get_attr / index / splat nodes. */
  sequence(kids: Node[], whole: Node): Expr {
    if (kids.length === 0) return { kind: 'other', what: 'empty', children: [], range: this.range(whole) };
    let i = 0;
    let head: Expr;
    const first = kids[0]!;
    if (first.type === '(') {
      const inner = kids.find((k) => k.type === 'expression');
      head = inner ? this.expression(inner) : { kind: 'other', what: 'paren', children: [], range: this.range(first) };
      const closeIdx = kids.findIndex((k) => k.type === ')');
      const end = closeIdx >= 0 ? kids[closeIdx]! : first;
      head = { kind: 'other', what: 'paren', children: [head], range: this.source.range(first.startIndex, end.endIndex) };
      i = closeIdx >= 0 ? closeIdx + 1 : kids.length;
    } else {
      head = this.term(first);
      i = 1;
    }
    const rest = kids.slice(i).filter((k) => POSTFIX.has(k.type));
    if (rest.length === 0) return head;
    const start = first.startIndex;
    if (head.kind === 'traversal') {
      const steps = [...head.steps];
      let j = 0;
      for (; j < rest.length; j++) {
        const step = this.step(rest[j]!);
        if (!step) break;
        steps.push(step);
      }
      const lastEnd = j > 0 ? rest[j - 1]!.endIndex : first.endIndex;
      head = { ...head, steps, range: this.source.range(start, lastEnd) };
      if (j === rest.length) return head;
      return { kind: 'other', what: 'postfix', children: [head, ...rest.slice(j).map((r) => this.postfixChildren(r)).flat()], range: this.source.range(start, rest[rest.length - 1]!.endIndex) };
    }
    return { kind: 'other', what: 'postfix', children: [head, ...rest.map((r) => this.postfixChildren(r)).flat()], range: this.source.range(start, rest[rest.length - 1]!.endIndex) };
  }

  /** get_attr / index with a literal key become traversal steps, as HCL folds them. */
  step(node: Node): TraversalStep | undefined {
    if (node.type === 'get_attr') {
      const id = node.namedChildren.find((c) => c?.type === 'identifier');
      return id ? { kind: 'attr', name: id.text, range: this.range(node) } : undefined;
    }
    if (node.type === 'index') {
      const inner = node.namedChildren[0];
      if (!inner) return undefined;
      if (inner.type === 'legacy_index') {
        const digits = inner.text.replace(/^\./, '');
        return { kind: 'index', key: Number(digits), range: this.range(node) };
      }
      const keyExpr = inner.namedChildren.find((c) => c?.type === 'expression');
      if (!keyExpr) return undefined;
      const key = this.expression(keyExpr);
      const lit = literalOf(key);
      if (lit === undefined) return undefined;
      return { kind: 'index', key: lit, range: this.range(node) };
    }
    return undefined;
  }

  postfixChildren(node: Node): Expr[] {
    const out: Expr[] = [];
    const visit = (n: Node) => {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'expression') out.push(this.expression(c));
        else visit(c);
      }
    };
    visit(node);
    return out;
  }

  term(node: Node): Expr {
    const range = this.range(node);
    switch (node.type) {
      case 'literal_value': {
        const lit = node.namedChildren[0];
        if (!lit) return { kind: 'literal', value: null, range };
        if (lit.type === 'numeric_lit') return { kind: 'literal', value: Number(lit.text), range };
        if (lit.type === 'bool_lit') return { kind: 'literal', value: lit.text === 'true', range };
        if (lit.type === 'null_lit') return { kind: 'literal', value: null, range };
        if (lit.type === 'string_lit') return { kind: 'literal', value: unescapeHcl(lit.namedChildren.find((c) => c?.type === 'template_literal')?.text ?? ''), range };
        return { kind: 'literal', value: null, range };
      }
      case 'template_expr': {
        const t = node.namedChildren[0];
        if (!t) return { kind: 'template', parts: [], range, heredoc: false };
        const heredoc = t.type === 'heredoc_template';
        const parts: Expr[] = [];
        const collect = (n: Node) => {
          for (const c of n.namedChildren) {
            if (!c) continue;
            if (c.type === 'template_literal') parts.push({ kind: 'literal', value: heredoc ? c.text : unescapeHcl(c.text), range: this.range(c) });
            else if (c.type === 'template_interpolation') {
              const e = c.namedChildren.find((x) => x?.type === 'expression');
              if (e) parts.push(this.expression(e));
            } else if (c.type === 'template_directive') {
              collect(c);
            } else if (c.type === 'template_for') {
              // %{ for k, v in coll } ... %{ endfor }: k and v are local to the body
              const start = c.namedChildren.find((x) => x.type === 'template_for_start');
              const vars = start ? start.namedChildren.filter((x) => x.type === 'identifier').map((x) => x.text) : [];
              const collNode = start?.namedChildren.find((x) => x.type === 'expression');
              const before = parts.length;
              collect(c);
              const body = parts.splice(before);
              parts.push({
                kind: 'for',
                vars,
                collection: collNode ? this.expression(collNode) : { kind: 'other', what: 'empty', children: [], range: this.range(c) },
                body,
                range: this.range(c),
              });
            } else if (c.type === 'template_if' || /^template_(if|else)/.test(c.type)) {
              const dirExprs: Expr[] = [];
              const walk = (d: Node) => {
                for (const x of d.namedChildren) {
                  if (!x) continue;
                  if (x.type === 'expression') dirExprs.push(this.expression(x));
                  else walk(x);
                }
              };
              walk(c);
              parts.push({ kind: 'other', what: 'directive', children: dirExprs, range: this.range(c) });
            }
          }
        };
        collect(t);
        return { kind: 'template', parts, range, heredoc };
      }
      case 'variable_expr': {
        const id = node.namedChildren[0];
        const name = id?.text ?? node.text;
        return { kind: 'traversal', root: name, rootRange: range, steps: [], range };
      }
      case 'function_call': {
        const id = node.namedChildren.find((c) => c?.type === 'identifier');
        const argsNode = node.namedChildren.find((c) => c?.type === 'function_arguments');
        const args = argsNode ? argsNode.namedChildren.filter((c): c is Node => c?.type === 'expression').map((c) => this.expression(c)) : [];
        const expand = !!argsNode?.namedChildren.some((c) => c?.type === 'ellipsis');
        return { kind: 'call', name: id?.text ?? '', nameRange: id ? this.range(id) : range, args, range, expand };
      }
      case 'collection_value': {
        const c = node.namedChildren[0];
        if (!c) return { kind: 'tuple', items: [], range };
        if (c.type === 'tuple') return { kind: 'tuple', items: c.namedChildren.filter((x): x is Node => x?.type === 'expression').map((x) => this.expression(x)), range };
        const items = c.namedChildren
          .filter((x): x is Node => x?.type === 'object_elem')
          .map((el) => {
            const key = el.childForFieldName('key');
            const val = el.childForFieldName('val');
            return {
              key: key ? this.expression(key) : ({ kind: 'literal', value: null, range: this.range(el) } as Expr),
              value: val ? this.expression(val) : ({ kind: 'literal', value: null, range: this.range(el) } as Expr),
            };
          });
        return { kind: 'object', items, range };
      }
      case 'for_expr': {
        const f = node.namedChildren[0];
        if (!f) return { kind: 'other', what: 'for', children: [], range };
        const intro = f.namedChildren.find((c) => c?.type === 'for_intro');
        const vars = intro ? intro.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text) : [];
        const collNode = intro?.namedChildren.find((c) => c?.type === 'expression');
        const collection = collNode ? this.expression(collNode) : ({ kind: 'other', what: 'empty', children: [], range } as Expr);
        const body: Expr[] = [];
        for (const c of f.namedChildren) {
          if (!c) continue;
          if (c.type === 'expression') body.push(this.expression(c));
          else if (c.type === 'for_cond') {
            const e = c.namedChildren.find((x) => x?.type === 'expression');
            if (e) body.push(this.expression(e));
          }
        }
        return { kind: 'for', vars, collection, body, range };
      }
      case 'conditional':
        return { kind: 'other', what: 'conditional', children: node.namedChildren.filter((c): c is Node => c?.type === 'expression').map((c) => this.expression(c)), range };
      case 'operation': {
        const op = node.namedChildren[0];
        if (!op) return { kind: 'other', what: 'operation', children: [], range };
        const kids = op.children.filter((c): c is Node => !!c && c.type !== 'comment');
        const operands: Node[][] = [[]];
        for (const k of kids) {
          if (!k.isNamed) {
            if (operands[operands.length - 1]!.length) operands.push([]);
          } else operands[operands.length - 1]!.push(k);
        }
        return { kind: 'other', what: op.type, children: operands.filter((o) => o.length).map((o) => this.sequence(o, op)), range };
      }
      case 'expression':
        return this.expression(node);
      default: {
        const children: Expr[] = [];
        for (const c of node.namedChildren) if (c?.type === 'expression') children.push(this.expression(c));
        return { kind: 'other', what: node.type, children, range };
      }
    }
  }
}

/** The literal value of an expression, if it has one without evaluation (number, bool, null, plain string). */
export function literalOf(e: Expr): LiteralValue | undefined {
  if (e.kind === 'literal') return e.value;
  if (e.kind === 'template' && !e.heredoc && e.parts.every((p) => p.kind === 'literal')) return e.parts.map((p) => (p as { value: LiteralValue }).value).join('');
  return undefined;
}

/** HCL quoted-string escapes (\n \t \" \\ \uNNNN \UNNNNNNNN, and $${ / %%{ template escapes). */
export function unescapeHcl(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt"\\])/g, (_, esc: string) => {
      switch (esc[0]) {
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case '"':
          return '"';
        case '\\':
          return '\\';
        default:
          return String.fromCodePoint(parseInt(esc.slice(1), 16));
      }
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** Every scope traversal in an expression, minus names bound by enclosing `for` expressions. */
export function traversalsIn(e: Expr, bound: ReadonlySet<string> = new Set()): Extract<Expr, { kind: 'traversal' }>[] {
  const out: Extract<Expr, { kind: 'traversal' }>[] = [];
  const visit = (x: Expr, names: ReadonlySet<string>) => {
    switch (x.kind) {
      case 'traversal':
        if (!names.has(x.root)) out.push(x);
        return;
      case 'literal':
        return;
      case 'template':
        x.parts.forEach((p) => visit(p, names));
        return;
      case 'call':
        x.args.forEach((a) => visit(a, names));
        return;
      case 'tuple':
        x.items.forEach((a) => visit(a, names));
        return;
      case 'object':
        x.items.forEach((it) => {
          // a bare identifier as an object key is a literal name, not a reference
          if (!(it.key.kind === 'traversal' && it.key.steps.length === 0)) visit(it.key, names);
          visit(it.value, names);
        });
        return;
      case 'for': {
        visit(x.collection, names);
        const inner = new Set(names);
        x.vars.forEach((v) => inner.add(v));
        x.body.forEach((b) => visit(b, inner));
        return;
      }
      case 'other':
        x.children.forEach((c) => visit(c, names));
        return;
    }
  };
  visit(e, bound);
  return out;
}

/** Every function call in an expression (outermost first). */
export function callsIn(e: Expr): Extract<Expr, { kind: 'call' }>[] {
  const out: Extract<Expr, { kind: 'call' }>[] = [];
  const visit = (x: Expr) => {
    switch (x.kind) {
      case 'call':
        out.push(x);
        x.args.forEach(visit);
        return;
      case 'template':
        x.parts.forEach(visit);
        return;
      case 'tuple':
        x.items.forEach(visit);
        return;
      case 'object':
        x.items.forEach((it) => (visit(it.key), visit(it.value)));
        return;
      case 'for':
        visit(x.collection);
        x.body.forEach(visit);
        return;
      case 'other':
        x.children.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(e);
  return out;
}
