/**
 * The expression nodes of the positioned tree: every HCL expression kind gets its own shape, template
 * text is exact (strip markers, flush heredocs, escapes), number literals keep their exponent.
 */
import { describe, expect, it } from 'vitest';
import { parseFile, traversalsIn, callsIn, type Expr } from './tree';

async function expr(src: string): Promise<Expr> {
  const f = await parseFile('main.tf', `x = ${src}\n`);
  expect(f.hasErrors).toBe(false);
  return f.body.attributes[0]!.expr;
}

/** template parts as plain data: literal text or the expression's kind */
function parts(e: Expr): unknown[] {
  if (e.kind !== 'template') throw new Error(`not a template: ${e.kind}`);
  return e.parts.map((p) => (p.kind === 'literal' ? p.value : p.kind === 'other' ? p.what : p.kind));
}

describe('expression nodes', () => {
  it('binary operations follow precedence and name their operator', async () => {
    const e = await expr('1 + 2 * 3');
    expect(e.kind === 'other' && e.what).toBe('binary_operation');
    if (e.kind !== 'other' || e.what !== 'binary_operation') return;
    expect(e.op).toBe('+');
    expect(e.right.kind === 'other' && e.right.what === 'binary_operation' && e.right.op).toBe('*');
    expect(e.opRange.start.column).toBe(7);
  });

  it('unary, conditional and parentheses', async () => {
    const u = await expr('!a');
    expect(u.kind === 'other' && u.what === 'unary_operation' && u.op).toBe('!');
    const c = await expr('a ? b : c');
    expect(c.kind === 'other' && c.what === 'conditional' && [c.cond, c.then, c.else].map((x) => (x.kind === 'traversal' ? x.root : '?'))).toEqual(['a', 'b', 'c']);
    // right-associative, as HCL (tree-sitter-hcl groups it the other way)
    const nested = await expr('a ? b : c ? d : e');
    expect(nested.kind === 'other' && nested.what === 'conditional' && nested.else.kind === 'other' && nested.else.what).toBe('conditional');
    const p = await expr('(a).b');
    expect(p.kind === 'other' && p.what === 'relative' && p.source.kind === 'other' && p.source.what).toBe('paren');
  });

  it('literal index keys stay in the traversal, computed ones make a relative traversal', async () => {
    const lit = await expr('a.b[0]["k"]');
    expect(lit.kind === 'traversal' && lit.steps.map((s) => (s.kind === 'attr' ? s.name : s.key))).toEqual(['b', 0, 'k']);
    const computed = await expr('a.b[var.i].c');
    expect(computed.kind === 'other' && computed.what === 'relative' && computed.steps.map((s) => s.kind)).toEqual(['index_expr', 'attr']);
    expect(traversalsIn(computed).map((t) => t.root)).toEqual(['a', 'var']);
  });

  it('splats: full ones take attributes and indexes, attribute-only ones stop at a bracket', async () => {
    const full = await expr('a[*].b[0]');
    expect(full.kind === 'other' && full.what === 'splat' && full.full && full.each.length).toBe(2);
    const attr = await expr('a.*.b[0]');
    expect(attr.kind === 'other' && attr.what === 'relative').toBe(true);
    if (attr.kind === 'other' && attr.what === 'relative') expect(attr.source.kind === 'other' && attr.source.what === 'splat' && attr.source.each.length).toBe(1);
  });

  it('for expressions name key, value, condition and grouping', async () => {
    const f = await expr('{for k, v in m : v => k... if v != null}');
    expect(f.kind).toBe('for');
    if (f.kind !== 'for') return;
    expect([f.form, f.keyVar, f.valueVar, f.grouping, !!f.cond, f.keyExpr?.kind, f.valueExpr?.kind]).toEqual(['object', 'k', 'v', true, true, 'traversal', 'traversal']);
    expect(traversalsIn(f).map((t) => t.root)).toEqual(['m']);
  });

  it('number literals keep their exponent and its range', async () => {
    const e = await expr('1.5e3');
    expect(e.kind === 'literal' && e.value).toBe(1500);
    expect([e.range.start.column, e.range.end.column]).toEqual([5, 10]);
    const f = await parseFile('main.tf', 'a = "1e2"\nb = x1e2\n');
    expect(f.body.attributes[0]!.expr.kind === 'literal' && f.body.attributes[0]!.expr.value).toBe('1e2');
  });

  it('quoted strings keep their blanks', async () => {
    const e = await expr('"ab  "');
    expect(e.kind === 'literal' && e.value).toBe('ab  ');
  });

  it('template directives with strip markers', async () => {
    expect(parts(await expr('"a %{~ if c ~} b %{~ else ~} d %{~ endif ~} e"'))).toEqual(['a', 'directive', 'e']);
    const t = await expr('"x%{ for v in l ~}  ${v}  %{~ endfor }y"');
    expect(parts(t)).toEqual(['x', 'for', 'y']);
    if (t.kind === 'template' && t.parts[1]!.kind === 'for') expect(t.parts[1]!.body.map((p) => (p.kind === 'literal' ? p.value : p.kind))).toEqual(['traversal']);
    expect(callsIn(await expr('"${upper(a)}%{if f(b)}x%{endif}"')).map((c) => c.name)).toEqual(['upper', 'f']);
  });

  it('heredocs: exact text, flush indentation, $${ escapes', async () => {
    expect(parts(await expr('<<EOT\n  a ${b}\n  c\nEOT'))).toEqual(['  a ', 'traversal', '\n  c\n']);
    expect(parts(await expr('<<-EOT\n    a\n      b\n\n    $${c}\n  EOT'))).toEqual(['a\n  b\n\n${c}\n']);
  });
});
