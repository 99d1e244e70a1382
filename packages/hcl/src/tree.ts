/**
 * A positioned HCL tree (bodies, blocks, attributes, expressions) built from web-tree-sitter's HCL
 * grammar. HashiCorp's parser (@cdktf/hcl2json) decides whether a file is valid HCL but returns JSON
 * without positions; terraform's diagnostics need exact ranges, so every later check walks this tree.
 * The conversion is hand-written because the grammar's node shapes (flat postfix sequences such as
 * `variable_expr get_attr index`) must be folded into HCL's own notions (scope traversals, splats).
 */
import { createRequire } from 'node:module';
import type { Range } from '@tfpairs/core';
import { RecentByText } from '@tfpairs/core/recent';
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import { SourceFile, rangeBetween } from './source';


export type LiteralValue = string | number | boolean | null;

export type TraversalStep =
  | { readonly kind: 'attr'; readonly name: string; readonly range: Range }
  | { readonly kind: 'index'; readonly key: LiteralValue; readonly range: Range };

/** A step after a non-traversal expression or an index with a computed key (`x[var.i]`). */
export type PostfixStep = TraversalStep | { readonly kind: 'index_expr'; readonly key: Expr; readonly range: Range };

export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

/**
 * Expressions that HCL has but that carry no traversal/call/collection/for/template shape of their own.
 * They share `kind: 'other'` (older walkers only read `children`, every sub-expression in source order)
 * and are told apart by `what`.
 */
export type OtherExpr =
  | { readonly kind: 'other'; readonly what: 'paren'; readonly inner: Expr; readonly children: readonly Expr[]; readonly range: Range }
  | { readonly kind: 'other'; readonly what: 'binary_operation'; readonly op: BinaryOperator; readonly opRange: Range; readonly left: Expr; readonly right: Expr; readonly children: readonly Expr[]; readonly range: Range }
  | { readonly kind: 'other'; readonly what: 'unary_operation'; readonly op: '-' | '!'; readonly operand: Expr; readonly children: readonly Expr[]; readonly range: Range }
  | { readonly kind: 'other'; readonly what: 'conditional'; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly children: readonly Expr[]; readonly range: Range }
  /** steps applied to the result of any expression: `f(x).a`, `(a)[0]`, `a[var.i].b` */
  | { readonly kind: 'other'; readonly what: 'relative'; readonly source: Expr; readonly steps: readonly PostfixStep[]; readonly children: readonly Expr[]; readonly range: Range }
  /** `src[*].a.b` (full) or `src.*.a` (attribute-only): `each` steps apply to every element */
  | { readonly kind: 'other'; readonly what: 'splat'; readonly full: boolean; readonly source: Expr; readonly each: readonly PostfixStep[]; readonly markerRange: Range; readonly children: readonly Expr[]; readonly range: Range }
  /** a template's `%{ if cond }then%{ else }else%{ endif }` (parts already whitespace-stripped) */
  | { readonly kind: 'other'; readonly what: 'directive'; readonly cond: Expr; readonly then: readonly Expr[]; readonly else: readonly Expr[]; readonly children: readonly Expr[]; readonly range: Range }
  /** something tree-sitter could not shape (error recovery); HashiCorp's parser rejects such files */
  | { readonly kind: 'other'; readonly what: 'invalid'; readonly children: readonly Expr[]; readonly range: Range };

export type Expr =
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly range: Range }
  /**
   * A quoted or heredoc template; `parts` are literal strings (escapes resolved, strip markers and flush
   * heredoc indentation applied), interpolated expressions, `%{if}` directives and `%{for}` loops.
   */
  | { readonly kind: 'template'; readonly parts: readonly Expr[]; readonly range: Range; readonly heredoc: boolean }
  /** a scope traversal: `aws_instance.web.id`, `var.x`, `local.y[0]` (literal keys only, as HCL) */
  | { readonly kind: 'traversal'; readonly root: string; readonly rootRange: Range; readonly steps: readonly TraversalStep[]; readonly range: Range }
  | { readonly kind: 'call'; readonly name: string; readonly nameRange: Range; readonly args: readonly Expr[]; readonly range: Range; readonly expand: boolean; readonly closeParenRange?: Range }
  | { readonly kind: 'tuple'; readonly items: readonly Expr[]; readonly range: Range }
  | { readonly kind: 'object'; readonly items: readonly { readonly key: Expr; readonly value: Expr }[]; readonly range: Range }
  /**
   * `for` expression (`form` tuple or object) or a template's `%{for}` (`form` template, `body` holds the
   * template parts). `vars` ([key, value] or [value]) are local to `body`; for tuple/object forms `body`
   * is [keyExpr?, valueExpr, cond?], also given by name.
   */
  | ForExpr
  | OtherExpr;

export interface ForExpr {
  readonly kind: 'for';
  readonly form?: 'tuple' | 'object' | 'template';
  readonly vars: readonly string[];
  readonly keyVar?: string;
  readonly valueVar?: string;
  readonly collection: Expr;
  readonly body: readonly Expr[];
  readonly keyExpr?: Expr;
  readonly valueExpr?: Expr;
  readonly cond?: Expr;
  /** `...` after the value of an object `for`: values with the same key are grouped in tuples */
  readonly grouping?: boolean;
  readonly range: Range;
}

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
let parserLoaded: Parser | undefined;

/** One tree-sitter parser per process, initialised once, on first use. */
export function hclParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    parserLoaded = parser;
    return parser;
  })();
  return parserPromise;
}

/**
 * The parser if some caller has already initialised it (any parseFile has), for code that must stay
 * synchronous, such as a function called while an expression is evaluated. Starting it on import
 * instead would load tree-sitter's WebAssembly into every process that imports the evaluator, the
 * build's main thread included, which never parses.
 */
export function loadedHclParser(): Parser | undefined {
  return parserLoaded;
}

/** A text's tree-sitter tree as plain objects (see `SyntaxNode`), and whether tree-sitter found errors in it. */
export interface SyntaxTree {
  readonly root: SyntaxNode;
  readonly hasError: boolean;
}

/**
 * The last syntax trees, by text: one artifact's text is read by scrub (literal spans), normalise (fmt
 * rewrites, comments), scrub again and the verifier in turn, and a tree is immutable once built, so
 * they share one parse. Bounded; oldest out first.
 */
// a snapshot takes about 40 bytes per character of its text: 1M characters of text, ~40 MB of trees
const recentSyntaxTrees = new RecentByText<SyntaxTree>(128, 1_000_000);

/** The tree-sitter tree of `text` (not exponent-masked: see `maskExponents`), shared by text. */
export async function syntaxTree(text: string): Promise<SyntaxTree> {
  const known = recentSyntaxTrees.get(text);
  if (known) return known;
  return syntaxTreeWith(await hclParser(), text);
}

function syntaxTreeWith(parser: Parser, text: string): SyntaxTree {
  let built = recentSyntaxTrees.get(text);
  if (built) return built;
  built = snapshotOf(parser, text, text);
  recentSyntaxTrees.set(text, built);
  return built;
}

/** tree-sitter's parse of `parsed`, copied with node texts read from `text` (same length). */
function snapshotOf(parser: Parser, parsed: string, text: string): SyntaxTree {
  const tree = parseReusing(parser, parsed);
  const hasError = tree.rootNode.hasError;
  return { root: snapshot(tree, text, hasError), hasError };
}

/**
 * The last few tree-sitter trees (WebAssembly objects), by the text parsed. Two texts often follow one
 * they differ little from, and tree-sitter then reparses only the edited parts of the old tree (the same
 * tree as a fresh parse): normalise gives every text its final newline (the text just parsed plus "\n"),
 * and terraform fmt's output differs from its input by spaces and tabs within lines.
 */
const wasmTrees: { text: string; tree: Tree }[] = [];
const WASM_TREES_KEPT = 4;

function parseReusing(parser: Parser, text: string): Tree {
  let reuse: { at: number; edits: Edit[] } | null = null;
  const newlineAt = text.endsWith('\n') ? wasmTrees.findIndex((e) => e.text.length === text.length - 1 && text.startsWith(e.text)) : -1;
  if (newlineAt >= 0) {
    const old = wasmTrees[newlineAt]!.text;
    const row = countNewlines(old);
    const end = { row, column: old.length - (old.lastIndexOf('\n') + 1) };
    reuse = { at: newlineAt, edits: [new Edit({ startIndex: old.length, oldEndIndex: old.length, newEndIndex: text.length, startPosition: end, oldEndPosition: end, newEndPosition: { row: row + 1, column: 0 } })] };
  } else if (wasmTrees.length > 0) {
    // the latest tree only: fmt parses its output right after its input
    const at = wasmTrees.length - 1;
    const edits = spacingEdits(wasmTrees[at]!.text, text);
    if (edits) reuse = { at, edits };
  }
  let tree: Tree | null;
  if (reuse) {
    const [{ tree: oldTree }] = wasmTrees.splice(reuse.at, 1) as [{ text: string; tree: Tree }];
    for (const edit of reuse.edits) oldTree.edit(edit);
    tree = parser.parse(text, oldTree);
    oldTree.delete();
  } else tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  wasmTrees.push({ text, tree });
  while (wasmTrees.length > WASM_TREES_KEPT) wasmTrees.shift()!.tree.delete();
  return tree;
}

/**
 * The edits that turn `from` into `to` when the two differ only in runs of spaces and tabs (same
 * lines, same other characters), left to right, each in the coordinates of the text the edits before it
 * produced (as tree-sitter's `Tree.edit` takes them); null when they differ in anything else or not at
 * all, or when so much differs that a fresh parse is as cheap.
 */
export function spacingEdits(from: string, to: string): Edit[] | null {
  if (from === to) return null;
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  let row = 0;
  let lineStart = 0;
  const blank = (c: string | undefined) => c === ' ' || c === '\t';
  while (i < from.length || j < to.length) {
    const a = from[i];
    const b = to[j];
    if (!blank(a) && !blank(b)) {
      if (a !== b) return null;
      if (a === '\n') {
        row += 1;
        lineStart = j + 1;
      }
      i += 1;
      j += 1;
      continue;
    }
    let iEnd = i;
    while (blank(from[iEnd])) iEnd += 1;
    let jEnd = j;
    while (blank(to[jEnd])) jEnd += 1;
    if (iEnd - i !== jEnd - j || from.slice(i, iEnd) !== to.slice(j, jEnd)) {
      if (edits.length >= MAX_SPACING_EDITS) return null;
      const column = j - lineStart;
      edits.push(
        new Edit({
          startIndex: j,
          oldEndIndex: j + (iEnd - i),
          newEndIndex: jEnd,
          startPosition: { row, column },
          oldEndPosition: { row, column: column + (iEnd - i) },
          newEndPosition: { row, column: column + (jEnd - j) },
        }),
      );
    }
    i = iEnd;
    j = jEnd;
  }
  return edits;
}

/** beyond this many edited places (a file re-indented throughout) a fresh parse is cheaper */
const MAX_SPACING_EDITS = 64;

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function forgetWasmTrees(): void {
  for (const e of wasmTrees.splice(0)) e.tree.delete();
}

/**
 * The last trees, by file name and text: verify, plan, lint and CodeBLEU each read the same final text
 * of an artifact, and a tree is immutable, so they share one. Bounded; oldest out first.
 */
const recentTrees = new RecentByText<ParsedFile>(128, 1_000_000);

/** Forgets the recent trees (benchmarks start each run cold). */
export function forgetTrees(): void {
  recentTrees.clear();
  recentSyntaxTrees.clear();
  forgetWasmTrees();
}

export async function parseFile(filename: string, text: string, known?: SourceFile): Promise<ParsedFile> {
  // a source object of another text (positions of that text) is not what the cache holds
  if (known && (known.text !== text || known.filename !== filename)) return parseFileWith(await hclParser(), filename, text, known);
  const key = `${filename}\u0000${text}`;
  let parsed = recentTrees.get(key);
  if (!parsed) {
    parsed = parseFileWith(await hclParser(), filename, text, known);
    recentTrees.set(key, parsed);
  }
  // the caller's own source object when it brings one (same name and text: same positions)
  return known && known !== parsed.source ? { ...parsed, source: known } : parsed;
}

/** parseFile with a parser already initialised (`await hclParser()`), for callers that must stay synchronous. */
export function parseFileWith(parser: Parser, filename: string, text: string, known?: SourceFile): ParsedFile {
  const masked = maskExponents(text);
  const source = known ?? new SourceFile(filename, text);
  let root: Node;
  let hasErrors: boolean;
  try {
    // the shared tree when masking changed nothing (nearly always); else a tree of its own
    ({ root, hasError: hasErrors } = masked === text ? syntaxTreeWith(parser, text) : snapshotOf(parser, masked, text));
  } catch {
    return { source, body: { attributes: [], blocks: [], range: source.range(0, text.length) }, hasErrors: true };
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

/**
 * One node of a snapshot: the subset of web-tree-sitter's Node API the packages read (type, offsets,
 * text, children, parent), as plain fields. `isMissing` is only recorded for a block's closing brace and
 * `hasError` only for the root.
 */
class Node {
  // leaves share one empty array (most nodes are leaves; fewer allocations, less GC)
  children: Node[] = NO_NODES;
  namedChildren: Node[] = NO_NODES;
  parent: Node | null = null;
  private fields?: Map<string, Node>;
  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly source: string,
    readonly hasError = false,
  ) {}
  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }
  get childCount(): number {
    return this.children.length;
  }
  get firstNamedChild(): Node | null {
    return this.namedChildren[0] ?? null;
  }
  get lastChild(): Node | null {
    return this.children[this.children.length - 1] ?? null;
  }
  namedChild(index: number): Node | null {
    return this.namedChildren[index] ?? null;
  }
  /** every node of `type` below this one, in source order */
  descendantsOfType(type: string, out: Node[] = []): Node[] {
    for (const child of this.children) {
      if (child.type === type) out.push(child);
      child.descendantsOfType(type, out);
    }
    return out;
  }
  add(child: Node, field: string | null): void {
    if (this.children === NO_NODES) this.children = [];
    this.children.push(child);
    child.parent = this;
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

/** A node of a `syntaxTree` (read-only by convention: trees are shared between callers). */
export type SyntaxNode = Node;

/** node type names by id, read once: decoding the name string from WASM for every node is slow */
const typeNames: (string | undefined)[] = [];

function snapshot(tree: Tree, text: string, hasError: boolean): Node {
  const cursor = tree.walk();
  const language = tree.language;
  try {
    const make = (rootError = false) => {
      const id = cursor.nodeTypeId;
      const type = (typeNames[id] ??= language.nodeTypeForId(id) ?? cursor.nodeType);
      // only a block's closing brace is ever looked at for being missing
      return new Node(type, cursor.nodeIsNamed, type === 'block_end' && cursor.nodeIsMissing, cursor.startIndex, cursor.endIndex, text, rootError);
    };
    const root = make(hasError);
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
        labels.push(unescapeHcl(this.quotedContent(k)));
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

  /** The text between a string literal's quotes, from the source (tree-sitter drops trailing blanks from its literal node). */
  quotedContent(lit: Node): string {
    const open = lit.children[0];
    const close = lit.children[lit.children.length - 1];
    const from = open?.type === 'quoted_template_start' ? open.endIndex : lit.startIndex;
    const to = close?.type === 'quoted_template_end' ? close.startIndex : lit.endIndex;
    return this.source.text.slice(from, Math.max(from, to));
  }

  /** An `expression` node: one term (with postfix steps) or a conditional. */
  expression(node: Node): Expr {
    const kids = node.children.filter((c): c is Node => !!c && c.type !== 'comment');
    return this.sequence(kids, node);
  }

  invalid(range: Range, children: Expr[] = []): Expr {
    return { kind: 'other', what: 'invalid', children, range };
  }

  /** A flat sequence of a primary term followed by postfix get_attr / index / splat nodes. */
  sequence(kids: Node[], whole: Node): Expr {
    if (kids.length === 0) return this.invalid(this.range(whole));
    let i = 0;
    let head: Expr;
    const first = kids[0]!;
    if (first.type === '(') {
      const innerNode = kids.find((k) => k.type === 'expression');
      const closeIdx = kids.findIndex((k) => k.type === ')');
      const end = closeIdx >= 0 ? kids[closeIdx]! : first;
      const range = this.source.range(first.startIndex, end.endIndex);
      const inner = innerNode ? this.expression(innerNode) : this.invalid(range);
      head = { kind: 'other', what: 'paren', inner, children: [inner], range };
      i = closeIdx >= 0 ? closeIdx + 1 : kids.length;
    } else {
      head = this.term(first);
      i = 1;
    }
    for (; i < kids.length; i++) {
      const k = kids[i]!;
      if (k.type === 'get_attr' || k.type === 'index') {
        const step = this.step(k);
        if (!step) continue;
        head = this.applyStep(head, step);
      } else if (k.type === 'splat') head = this.splat(head, k);
    }
    return head;
  }

  /** Adds a postfix step: literal steps extend a scope traversal (as HCL folds them), others make a relative traversal. */
  applyStep(head: Expr, step: PostfixStep): Expr {
    const range = rangeBetween(head.range, step.range);
    if (head.kind === 'traversal' && step.kind !== 'index_expr') return { ...head, steps: [...head.steps, step], range };
    if (head.kind === 'other' && head.what === 'relative') {
      const steps = [...head.steps, step];
      return { kind: 'other', what: 'relative', source: head.source, steps, children: [head.source, ...stepExprs(steps)], range };
    }
    return { kind: 'other', what: 'relative', source: head, steps: [step], children: [head, ...stepExprs([step])], range };
  }

  splat(source: Expr, node: Node): Expr {
    const inner = node.namedChildren[0];
    const full = inner?.type === 'full_splat';
    const markerEnd = inner ? inner.startIndex + (full ? 3 : 2) : node.endIndex;
    const markerRange = this.source.range(inner?.startIndex ?? node.startIndex, markerEnd);
    const each: PostfixStep[] = [];
    const after: PostfixStep[] = [];
    for (const c of inner?.namedChildren ?? NO_NODES) {
      const step = this.step(c);
      if (!step) continue;
      // an attribute-only splat (`.*`) takes only `.name` steps; a bracketed index ends it (HCL's parser)
      if (!full && (after.length || (c.type === 'index' && c.namedChildren[0]?.type !== 'legacy_index'))) after.push(step);
      else each.push(step);
    }
    const lastEach = each.length ? each[each.length - 1]!.range : markerRange;
    let out: Expr = { kind: 'other', what: 'splat', full, source, each, markerRange, children: [source, ...stepExprs(each)], range: rangeBetween(source.range, lastEach) };
    for (const s of after) out = this.applyStep(out, s);
    return out;
  }

  /** get_attr / index nodes; an index with a literal key is a traversal step, as HCL folds them. */
  step(node: Node): PostfixStep | undefined {
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
      const lit = key.kind === 'literal' || (key.kind === 'template' && !key.heredoc) ? literalOf(key) : undefined;
      if (lit === undefined) return { kind: 'index_expr', key, range: this.range(node) };
      return { kind: 'index', key: lit, range: this.range(node) };
    }
    return undefined;
  }

  /** A number literal: tree-sitter-hcl stops at an exponent, so the literal is re-read from the text. */
  number(node: Node): Expr {
    const m = NUMBER_AT.exec(this.source.text.slice(node.startIndex, node.startIndex + 400));
    const text = m ? m[0] : node.text;
    return { kind: 'literal', value: Number(text), range: this.source.range(node.startIndex, node.startIndex + text.length) };
  }

  term(node: Node): Expr {
    const range = this.range(node);
    switch (node.type) {
      case 'literal_value': {
        const lit = node.namedChildren[0];
        if (!lit) return { kind: 'literal', value: null, range };
        if (lit.type === 'numeric_lit') return this.number(lit);
        if (lit.type === 'bool_lit') return { kind: 'literal', value: lit.text === 'true', range };
        if (lit.type === 'null_lit') return { kind: 'literal', value: null, range };
        if (lit.type === 'string_lit') return { kind: 'literal', value: unescapeHcl(this.quotedContent(lit)), range };
        return { kind: 'literal', value: null, range };
      }
      case 'template_expr': {
        const t = node.namedChildren[0];
        if (!t) return { kind: 'template', parts: [], range, heredoc: false };
        return this.template(t, range);
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
        const close = node.children.find((c) => c.type === ')');
        return { kind: 'call', name: id?.text ?? '', nameRange: id ? this.range(id) : range, args, range, expand, closeParenRange: close ? this.range(close) : this.source.range(node.endIndex, node.endIndex) };
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
        if (!f) return this.invalid(range);
        const intro = f.namedChildren.find((c) => c?.type === 'for_intro');
        const vars = intro ? intro.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text) : [];
        const collNode = intro?.namedChildren.find((c) => c?.type === 'expression');
        const collection = collNode ? this.expression(collNode) : this.invalid(range);
        const body: Expr[] = [];
        const values: Expr[] = [];
        let cond: Expr | undefined;
        for (const c of f.namedChildren) {
          if (!c) continue;
          if (c.type === 'expression') {
            const e = this.expression(c);
            body.push(e);
            values.push(e);
          } else if (c.type === 'for_cond') {
            const e = c.namedChildren.find((x) => x?.type === 'expression');
            if (e) body.push((cond = this.expression(e)));
          }
        }
        const object = f.type === 'for_object_expr';
        return {
          kind: 'for',
          form: object ? 'object' : 'tuple',
          vars,
          keyVar: vars.length > 1 ? vars[0] : undefined,
          valueVar: vars[vars.length - 1],
          collection,
          body,
          keyExpr: object ? values[0] : undefined,
          valueExpr: object ? values[1] : values[0],
          cond,
          grouping: object && f.namedChildren.some((c) => c?.type === 'ellipsis'),
          range,
        };
      }
      case 'conditional': {
        const [c, t, e] = node.namedChildren.filter((x): x is Node => x?.type === 'expression').map((x) => this.expression(x));
        if (!c || !t || !e) return this.invalid(range, [c, t, e].filter((x): x is Expr => !!x));
        return conditionalOf(c, t, e, range);
      }
      case 'operation': {
        const op = node.namedChildren[0];
        if (!op) return this.invalid(range);
        const kids = op.children.filter((c): c is Node => !!c && c.type !== 'comment');
        if (op.type === 'unary_operation' && kids.length >= 2 && !kids[0]!.isNamed && (kids[0]!.type === '-' || kids[0]!.type === '!')) {
          const operand = this.sequence(kids.slice(1), op);
          return { kind: 'other', what: 'unary_operation', op: kids[0]!.type as '-' | '!', operand, children: [operand], range };
        }
        // the operator is the unnamed operator token outside parentheses (a parenthesised operand brings its own tokens)
        let depth = 0;
        let at = -1;
        for (let i = 0; i < kids.length; i++) {
          const k = kids[i]!;
          if (k.isNamed) continue;
          if (k.type === '(') depth++;
          else if (k.type === ')') depth--;
          else if (depth === 0 && BINARY_OPERATORS.has(k.type) && i > 0) {
            at = i;
            break;
          }
        }
        const exprs: Expr[] = [];
        if (op.type === 'binary_operation' && at > 0 && at < kids.length - 1) {
          const left = this.sequence(kids.slice(0, at), op);
          const right = this.sequence(kids.slice(at + 1), op);
          return { kind: 'other', what: 'binary_operation', op: kids[at]!.type as BinaryOperator, opRange: this.range(kids[at]!), left, right, children: [left, right], range };
        }
        for (const k of kids) if (k.isNamed) exprs.push(this.sequence([k], op));
        return this.invalid(range, exprs);
      }
      case 'expression':
        return this.expression(node);
      default: {
        const children: Expr[] = [];
        for (const c of node.namedChildren) if (c?.type === 'expression') children.push(this.expression(c));
        return this.invalid(range, children);
      }
    }
  }

  /**
   * A quoted or heredoc template. Literal text is read from the source between the structural nodes
   * (tree-sitter drops whitespace from heredoc literals), then HCL's strip markers and flush-heredoc
   * indentation rules are applied and adjacent literals merged.
   */
  template(t: Node, range: Range): Expr {
    const heredoc = t.type === 'heredoc_template';
    let start: number;
    let end: number;
    const flush = heredoc && t.namedChildren.find((c) => c.type === 'heredoc_start')?.text === '<<-';
    if (heredoc) {
      const ids = t.namedChildren.filter((c) => c.type === 'heredoc_identifier');
      const open = ids[0];
      const nl = open ? this.source.text.indexOf('\n', open.endIndex) : -1;
      start = nl >= 0 ? nl + 1 : t.endIndex;
      const close = ids.length > 1 ? ids[ids.length - 1]! : undefined;
      end = close ? this.source.text.lastIndexOf('\n', close.startIndex - 1) + 1 : t.endIndex;
      if (end < start) end = start;
    } else {
      const open = t.children.find((c) => c.type === 'quoted_template_start');
      const close = t.children.find((c) => c.type === 'quoted_template_end');
      start = open ? open.endIndex : t.startIndex;
      end = close ? close.startIndex : t.endIndex;
    }
    const toks = this.templateTokens(t, start, end, heredoc);
    applyStrips(toks);
    if (flush) flushIndent(toks);
    const parts = this.templateParts(toks, { i: 0 }, NO_STOP);
    return { kind: 'template', parts, range, heredoc };
  }

  /**
   * Template content from `start` to `end` as HCL's flat token stream: literal text (one token per line,
   * as HCL's scanner makes them), interpolations, and directive markers (`if`, `else`, `endif`, `for`,
   * `endfor`) with their strip flags.
   */
  templateTokens(container: Node, start: number, end: number, heredoc: boolean): TemplateToken[] {
    const out: TemplateToken[] = [];
    let pos = start;
    const lit = (a: number, b: number) => {
      if (b <= a) return;
      const raw = this.source.text.slice(a, b);
      for (const line of raw.split(/(?<=\n)/)) out.push({ t: 'lit', text: heredoc ? unescapeTemplate(line) : unescapeHcl(line), start: a, end: (a += line.length) });
    };
    const walk = (n: Node) => {
      for (const c of n.namedChildren) {
        if (c.startIndex < start || c.endIndex > end) continue;
        if (c.type === 'template_interpolation') {
          lit(pos, c.startIndex);
          const e = c.namedChildren.find((x) => x.type === 'expression');
          const [l, r] = stripFlags(c);
          out.push({ t: 'expr', expr: e ? this.expression(e) : this.invalid(this.range(c)), stripLeft: l, stripRight: r });
          pos = c.endIndex;
        } else if (c.type === 'template_directive' || c.type === 'template_if' || c.type === 'template_for') {
          walk(c);
        } else if (MARKERS.has(c.type)) {
          lit(pos, c.startIndex);
          const [l, r] = stripFlags(c);
          const e = c.namedChildren.find((x) => x.type === 'expression');
          const vars = c.namedChildren.filter((x) => x.type === 'identifier').map((x) => x.text);
          out.push({ t: 'ctl', ctl: MARKERS.get(c.type)!, expr: e ? this.expression(e) : undefined, vars, stripLeft: l, stripRight: r, start: c.startIndex, end: c.endIndex });
          pos = c.endIndex;
        }
      }
    };
    walk(container);
    lit(pos, end);
    return out;
  }

  /** Folds the flat token stream into template parts until a control token in `stop`. */
  templateParts(toks: TemplateToken[], at: { i: number }, stop: ReadonlySet<string>): Expr[] {
    const parts: Expr[] = [];
    while (at.i < toks.length) {
      const tok = toks[at.i]!;
      if (tok.t === 'ctl' && stop.has(tok.ctl)) return parts;
      at.i++;
      if (tok.t === 'lit') {
        if (tok.text === '') continue;
        const prev = parts[parts.length - 1];
        const r = this.source.range(tok.start, tok.end);
        if (prev?.kind === 'literal' && typeof prev.value === 'string') parts[parts.length - 1] = { kind: 'literal', value: prev.value + tok.text, range: rangeBetween(prev.range, r) };
        else parts.push({ kind: 'literal', value: tok.text, range: r });
      } else if (tok.t === 'expr') parts.push(tok.expr);
      else if (tok.ctl === 'for') {
        const body = this.templateParts(toks, at, END_FOR);
        const endTok = toks[at.i];
        if (endTok) at.i++;
        const range = this.source.range(tok.start, endTok && endTok.t === 'ctl' ? endTok.end : tok.end);
        const vars = tok.vars;
        const collection = tok.expr ?? this.invalid(range);
        parts.push({ kind: 'for', form: 'template', vars, keyVar: vars.length > 1 ? vars[0] : undefined, valueVar: vars[vars.length - 1], collection, body, range });
      } else if (tok.ctl === 'if') {
        const then = this.templateParts(toks, at, ELSE_OR_END_IF);
        let els: Expr[] = [];
        if (toks[at.i]?.t === 'ctl' && (toks[at.i] as { ctl: string }).ctl === 'else') {
          at.i++;
          els = this.templateParts(toks, at, END_IF);
        }
        const endTok = toks[at.i];
        if (endTok) at.i++;
        const range = this.source.range(tok.start, endTok && endTok.t === 'ctl' ? endTok.end : tok.end);
        const cond = tok.expr ?? this.invalid(range);
        parts.push({ kind: 'other', what: 'directive', cond, then, else: els, children: [cond, ...then, ...els], range });
      }
      // a stray else/endif/endfor: HashiCorp's parser rejects the file; nothing to build
    }
    return parts;
  }
}

type TemplateToken =
  | { t: 'lit'; text: string; readonly start: number; readonly end: number }
  | { readonly t: 'expr'; readonly expr: Expr; readonly stripLeft: boolean; readonly stripRight: boolean }
  | { readonly t: 'ctl'; readonly ctl: 'if' | 'else' | 'endif' | 'for' | 'endfor'; readonly expr?: Expr; readonly vars: readonly string[]; readonly stripLeft: boolean; readonly stripRight: boolean; readonly start: number; readonly end: number };

const MARKERS = new Map<string, 'if' | 'else' | 'endif' | 'for' | 'endfor'>([
  ['template_if_intro', 'if'],
  ['template_else_intro', 'else'],
  ['template_if_end', 'endif'],
  ['template_for_start', 'for'],
  ['template_for_end', 'endfor'],
]);
const NO_STOP: ReadonlySet<string> = new Set();
const BINARY_OPERATORS: ReadonlySet<string> = new Set(['||', '&&', '==', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%']);
const END_FOR: ReadonlySet<string> = new Set(['endfor']);
const END_IF: ReadonlySet<string> = new Set(['endif']);
const ELSE_OR_END_IF: ReadonlySet<string> = new Set(['else', 'endif']);

/** `~` strip markers of an interpolation or directive marker: [after the opener, before the closer]. */
function stripFlags(n: Node): [boolean, boolean] {
  let left = false;
  let right = false;
  let seenContent = false;
  for (const c of n.children) {
    if (c.type === 'strip_marker') {
      if (seenContent) right = true;
      else left = true;
    } else if (c.type !== 'template_interpolation_start' && c.type !== 'template_directive_start') seenContent = true;
  }
  return [left, right];
}

/** HCL's strip markers: `~` after an opener trims the preceding literal's trailing space, before a closer the next one's leading space. */
function applyStrips(toks: TemplateToken[]): void {
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.t === 'lit') continue;
    const prev = toks[i - 1];
    const next = toks[i + 1];
    if (tok.stripLeft && prev?.t === 'lit') prev.text = prev.text.replace(/\s+$/u, '');
    if (tok.stripRight && next?.t === 'lit') next.text = next.text.replace(/^\s+/u, '');
  }
}

/** HCL's flush heredoc rule (`<<-`): the smallest indentation of the non-blank lines is removed from every line. */
function flushIndent(toks: TemplateToken[]): void {
  let min = Infinity;
  let newline = true;
  const adjust: Extract<TemplateToken, { t: 'lit' }>[] = [];
  for (const tok of toks) {
    if (newline) {
      newline = false;
      let spaces = Infinity;
      if (tok.t === 'lit') {
        const trimmed = tok.text.replace(/^\s+/u, '');
        if (!(trimmed.length === 0 && tok.text.endsWith('\n'))) {
          spaces = [...tok.text.slice(0, tok.text.length - trimmed.length)].length;
          adjust.push(tok);
        }
      } else spaces = 0;
      if (spaces < min) min = spaces;
    }
    if (tok.t === 'lit' && tok.text.endsWith('\n')) newline = true;
  }
  if (!Number.isFinite(min) || min === 0) return;
  for (const tok of adjust) tok.text = [...tok.text].slice(min).join('');
}

/** Heredoc literal escapes: only `$${` and `%%{` (backslashes are literal in heredocs). */
function unescapeTemplate(raw: string): string {
  if (!raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/**
 * tree-sitter-hcl groups `a ? b : c ? d : e` as `(a ? b : c) ? d : e`; HCL's conditional is
 * right-associative (`a ? b : (c ? d : e)`), so an unparenthesised conditional condition is regrouped.
 */
function conditionalOf(cond: Expr, then: Expr, els: Expr, range: Range): Expr {
  if (cond.kind === 'other' && cond.what === 'conditional') {
    const inner = conditionalOf(cond.else, then, els, rangeBetween(cond.else.range, els.range));
    return { kind: 'other', what: 'conditional', cond: cond.cond, then: cond.then, else: inner, children: [cond.cond, cond.then, inner], range };
  }
  return { kind: 'other', what: 'conditional', cond, then, else: els, children: [cond, then, els], range };
}

function stepExprs(steps: readonly PostfixStep[]): Expr[] {
  const out: Expr[] = [];
  for (const s of steps) if (s.kind === 'index_expr') out.push(s.key);
  return out;
}

/** a number literal at the start of a text, exponent included (HCL's scanner) */
const NUMBER_AT = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;

/**
 * tree-sitter-hcl has no exponent in number literals: `1e10` parses as `1` followed by an error. The
 * exponent is blanked out for tree-sitter only (same length, so offsets stay right) and the literal is
 * read back from the real text; HashiCorp's parser still decides validity.
 */
const EXPONENT = /(?<![\w.])([0-9]+(?:\.[0-9]+)?)([eE][+-]?[0-9]+)(?![\w.])/g;
export function maskExponents(text: string): string {
  if (!/[0-9][eE]/.test(text)) return text;
  return text.replace(EXPONENT, (_m, mant: string, exp: string) => mant + ' '.repeat(exp.length));
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
