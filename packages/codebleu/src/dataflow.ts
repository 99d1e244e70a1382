import { parseFile, traversalsIn, type Block, type Body, type Expr, type TraversalStep } from '@tfpairs/hcl';

/**
 * CodeBLEU's semantic dataflow match for HCL. CodeXGLUE extracts, per language, def-use edges
 * `(variable, relationship, [variables it comes from])` and keeps only nodes that take part in an edge;
 * here a node is an attribute (at any block depth) and its edges come from every reference traversal
 * in its expression: `var.x`, `local.y`, `module.m.out`, `data.t.n.id`, `aws_x.n.attr`, `each.value`,
 * `count.index`, `self.x`, `path.module`, dynamic-block iterators. Names bound by a `for` expression are
 * local and are not edges. An attribute is named by its address (`aws_s3_bucket.b.bucket`,
 * `local.y`, `module.m.x`, `output.o.value`, nested blocks as path segments) so that a definition and a
 * reference to it (`aws_s3_bucket.b.bucket` used elsewhere) are the same name, as a variable's def and
 * use are in the reference. The relationship is `comesFrom` when the expression is one traversal and
 * `computedFrom` otherwise (the reference's words for `x = y` and `x = y + z`).
 */

export interface DataflowEdge {
  /** the attribute's address */
  readonly name: string;
  readonly relationship: 'comesFrom' | 'computedFrom';
  /** referenced names, distinct, in order of first appearance */
  readonly from: readonly string[];
  /** byte offset of the attribute (edges are in source order) */
  readonly at: number;
}

function stepText(s: TraversalStep): string {
  return s.kind === 'attr' ? `.${s.name}` : `[${JSON.stringify(s.key)}]`;
}

export function traversalName(t: Extract<Expr, { kind: 'traversal' }>): string {
  return t.root + t.steps.map(stepText).join('');
}

/** The address prefix of a top-level block's attributes. */
function blockAddress(b: Block): string {
  const [l0, l1] = b.labels;
  switch (b.type) {
    case 'resource':
      return `${l0 ?? ''}.${l1 ?? ''}`;
    case 'data':
      return `data.${l0 ?? ''}.${l1 ?? ''}`;
    case 'variable':
      return `var.${l0 ?? ''}`;
    case 'locals':
      return 'local';
    default:
      return [b.type, ...b.labels].join('.');
  }
}

function collect(body: Body, prefix: string, out: DataflowEdge[]): void {
  for (const a of body.attributes) {
    const refs = traversalsIn(a.expr);
    if (refs.length === 0) continue;
    out.push({
      name: `${prefix}.${a.name}`,
      relationship: a.expr.kind === 'traversal' ? 'comesFrom' : 'computedFrom',
      from: [...new Set(refs.map(traversalName))],
      at: a.range.start.byte,
    });
  }
  for (const b of body.blocks) collect(b.body, [prefix, b.type, ...b.labels].join('.'), out);
}

/** The def-use edges of one configuration, in source order. */
export async function dataflowEdges(code: string): Promise<DataflowEdge[]> {
  const parsed = await parseFile('main.tf', code);
  const out: DataflowEdge[] = [];
  for (const b of parsed.body.blocks) collect(b.body, blockAddress(b), out);
  return out.sort((x, y) => x.at - y.at);
}

/**
 * CodeXGLUE's `normalize_dataflow`: names become var_0, var_1, ... in order of first appearance over
 * the whole graph (an edge's sources before its target), so consistent renaming changes nothing.
 * Each edge becomes one comparable string.
 */
export function normaliseDataflow(edges: readonly DataflowEdge[]): string[] {
  const ids = new Map<string, string>();
  const id = (name: string): string => {
    let v = ids.get(name);
    if (v === undefined) {
      v = `var_${ids.size}`;
      ids.set(name, v);
    }
    return v;
  };
  return edges.map((e) => {
    const from = e.from.map(id);
    return `${id(e.name)} ${e.relationship} [${from.join(', ')}]`;
  });
}

/** Reference edges found in the candidate, each candidate edge used once (the reference removes matches). */
export function dataflowMatchCounts(reference: readonly string[], candidate: readonly string[]): { matched: number; total: number } {
  const left = new Map<string, number>();
  for (const c of candidate) left.set(c, (left.get(c) ?? 0) + 1);
  let matched = 0;
  for (const r of reference) {
    const n = left.get(r) ?? 0;
    if (n > 0) {
      matched += 1;
      left.set(r, n - 1);
    }
  }
  return { matched, total: reference.length };
}
