/**
 * One module's files as the rules see them: the positioned HCL tree of every `.tf` file (in file-name
 * order, as TFLint reads a directory), the raw text of `.tf.json` files, and the walks TFLint's runner
 * offers (blocks by type, every expression node, literal evaluation of strings, variables and locals).
 */
import type { Range } from '@tfpairs/core';
import { hclParser, literalOf, type Attribute, type Block, type Body, type Expr, type ParsedFile } from '@tfpairs/hcl';

export interface ModuleFile {
  readonly name: string;
  readonly text: string;
}

/** A visited expression and whether it is the key of an object constructor item. */
export type ExprVisitor = (e: Expr, inObjectKey: boolean) => void;

export class LintModule {
  readonly files: readonly ParsedFile[];
  readonly jsonFiles: readonly ModuleFile[];
  private readonly localsByName = new Map<string, Attribute>();
  private readonly varsByName = new Map<string, Block>();
  private readonly resourcesByType = new Map<string, Block[]>();

  constructor(files: readonly ParsedFile[], jsonFiles: readonly ModuleFile[]) {
    this.files = files;
    this.jsonFiles = jsonFiles;
    for (const b of this.blocks('locals')) for (const a of b.body.attributes) this.localsByName.set(a.name, a);
    for (const b of this.blocks('variable')) if (b.labels[0] !== undefined) this.varsByName.set(b.labels[0], b);
    for (const b of this.blocks('resource')) {
      const type = b.labels[0] ?? '';
      const list = this.resourcesByType.get(type);
      if (list) list.push(b);
      else this.resourcesByType.set(type, [b]);
    }
  }

  /** the resource types the module declares */
  resourceTypes(): IterableIterator<string> {
    return this.resourcesByType.keys();
  }

  /** resource blocks of one type */
  resources(type: string): readonly Block[] {
    return this.resourcesByType.get(type) ?? [];
  }

  /** every file name the module holds (HCL and JSON) */
  get fileNames(): string[] {
    return [...this.files.map((f) => f.source.filename), ...this.jsonFiles.map((f) => f.name)];
  }

  /** top-level blocks of one type, in file then source order */
  blocks(type: string): Block[] {
    const out: Block[] = [];
    for (const f of this.files) for (const b of f.body.blocks) if (b.type === type) out.push(b);
    return out;
  }

  topBlocks(): Block[] {
    return this.files.flatMap((f) => f.body.blocks);
  }

  local(name: string): Attribute | undefined {
    return this.localsByName.get(name);
  }

  variable(name: string): Block | undefined {
    return this.varsByName.get(name);
  }

  textOf(r: Range): string {
    const f = this.files.find((x) => x.source.filename === r.filename);
    if (!f) return '';
    return f.source.text.slice(f.source.offsetOf(r.start.line, r.start.column), f.source.offsetOf(r.end.line, r.end.column));
  }

  /** Every expression node of every attribute in every block (TFLint's WalkExpressions). */
  walkExpressions(visit: ExprVisitor): void {
    for (const f of this.files) walkBody(f.body, visit);
  }

  /**
   * The string value of an expression as TFLint's EvaluateExpr gives it without tfvars: literals,
   * templates of known parts, variables with a literal default and locals; undefined when unknown.
   */
  evalString(e: Expr, depth = 0): string | undefined {
    const v = this.evalLiteral(e, depth);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : String(v);
  }

  /** null is a known null; undefined is unknown */
  evalLiteral(e: Expr, depth = 0): string | number | boolean | null | undefined {
    if (depth > 8) return undefined;
    const lit = literalOf(e);
    if (lit !== undefined) return lit;
    if (e.kind === 'template' && !e.heredoc) {
      let out = '';
      for (const p of e.parts) {
        const v = this.evalLiteral(p, depth + 1);
        if (v === undefined || v === null) return undefined;
        out += String(v);
      }
      return out;
    }
    if (e.kind === 'other' && e.what === 'paren' && e.children.length === 1) return this.evalLiteral(e.children[0]!, depth + 1);
    if (e.kind === 'traversal' && e.steps.length === 1 && e.steps[0]!.kind === 'attr') {
      const name = e.steps[0]!.name;
      if (e.root === 'var') {
        const def = this.variable(name)?.body.attributes.find((a) => a.name === 'default');
        return def ? this.evalLiteral(def.expr, depth + 1) : undefined;
      }
      if (e.root === 'local') {
        const l = this.local(name);
        return l ? this.evalLiteral(l.expr, depth + 1) : undefined;
      }
    }
    return undefined;
  }
}

function walkBody(body: Body, visit: ExprVisitor): void {
  for (const a of body.attributes) walkExpr(a.expr, visit, false);
  for (const b of body.blocks) walkBody(b.body, visit);
}

/** Visits an expression and all its sub-expressions (pre-order). */
export function walkExpr(e: Expr, visit: ExprVisitor, inObjectKey = false): void {
  visit(e, inObjectKey);
  switch (e.kind) {
    case 'template':
      for (const p of e.parts) walkExpr(p, visit);
      return;
    case 'call':
      for (const a of e.args) walkExpr(a, visit);
      return;
    case 'tuple':
      for (const i of e.items) walkExpr(i, visit);
      return;
    case 'object':
      for (const it of e.items) {
        walkExpr(it.key, visit, true);
        walkExpr(it.value, visit);
      }
      return;
    case 'for':
      walkExpr(e.collection, visit);
      for (const b of e.body) walkExpr(b, visit);
      return;
    case 'other':
      for (const c of e.children) walkExpr(c, visit);
      return;
    default:
      return;
  }
}

/** A comment or legacy splat token found by the token-level pass. */
export interface Token {
  readonly kind: 'comment' | 'attr_splat';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Comments and `.*` splats are not in the positioned tree; a second tree-sitter pass finds them.
 * It only runs on files that can hold one (most generated configurations hold neither).
 */
export async function tokensOf(file: ParsedFile, want: { comments: boolean; splats: boolean }): Promise<Token[]> {
  const text = file.source.text;
  const types: string[] = [];
  if (want.comments && (text.includes('//') || text.includes('/*'))) types.push('comment');
  if (want.splats && text.includes('.*')) types.push('attr_splat');
  if (types.length === 0) return [];
  const parser = await hclParser();
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    return tree.rootNode
      .descendantsOfType(types)
      .filter((n): n is NonNullable<typeof n> => !!n)
      .map((n) => ({ kind: n.type as Token['kind'], text: n.text, start: n.startIndex, end: n.endIndex }));
  } finally {
    tree.delete();
  }
}
