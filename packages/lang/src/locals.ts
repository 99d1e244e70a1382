/**
 * A module's `locals` evaluated in dependency order, as terraform's graph walk does: each local value
 * after the ones it references; a local referring to itself is "Self-referencing local value"; a cycle
 * among several is one "Cycle: local.b (expand), local.a (expand)" error (terraform's graph wording;
 * terraform's order of the members varies between runs). Locals in a cycle, and those depending on
 * them, are unknown.
 */
import type { Range } from '@tfpairs/core';
import { type Expr, traversalsIn, rangeBetween } from '@tfpairs/hcl';
import { type Value, dynamicVal } from './value';
import type { EvalDiagnostic } from './eval';
import { evaluateInScope, terraformContext, type TerraformScope } from './scope';

export interface LocalDefinition {
  readonly name: string;
  readonly expr: Expr;
}

export interface LocalsResult {
  readonly values: ReadonlyMap<string, Value>;
  readonly diagnostics: readonly EvalDiagnostic[];
}

/** The local names an expression reads (`local.<name>`), with the range of each reference. */
function localRefs(e: Expr): { name: string; range: Range }[] {
  const out: { name: string; range: Range }[] = [];
  for (const t of traversalsIn(e)) {
    const s = t.steps[0];
    if (t.root === 'local' && s?.kind === 'attr') out.push({ name: s.name, range: rangeBetween(t.rootRange, s.range) });
  }
  return out;
}

export function evaluateLocals(defs: readonly LocalDefinition[], scope: Omit<TerraformScope, 'locals'> = {}): LocalsResult {
  const diags: EvalDiagnostic[] = [];
  const byName = new Map<string, LocalDefinition>();
  for (const d of defs) if (!byName.has(d.name)) byName.set(d.name, d);
  const deps = new Map<string, string[]>();
  const broken = new Set<string>();
  for (const d of byName.values()) {
    const refs = localRefs(d.expr);
    const self = refs.find((r) => r.name === d.name);
    if (self) {
      diags.push({ severity: 'error', summary: 'Self-referencing local value', detail: `Local value local.${d.name} cannot use its own result as part of its expression.`, range: self.range });
      broken.add(d.name);
    }
    deps.set(
      d.name,
      refs.map((r) => r.name).filter((n) => n !== d.name && byName.has(n)),
    );
  }
  // Tarjan's strongly connected components: emitted in reverse topological order (dependencies first)
  const order: string[][] = [];
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  const strong = (v: string) => {
    idx.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v)!) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      order.push(comp);
    }
  };
  for (const n of byName.keys()) if (!idx.has(n)) strong(n);

  const values = new Map<string, Value>();
  // declared names are known before any value: a reference to a later local is not "undeclared"
  for (const n of byName.keys()) values.set(n, dynamicVal);
  const full: TerraformScope = { ...scope, locals: values };
  const ctx = terraformContext(full);
  for (const comp of order) {
    if (comp.length > 1) {
      // terraform's wording; its order of the members varies from run to run, this is Tarjan's pop order
      diags.push({ severity: 'error', summary: `Cycle: ${comp.map((n) => `local.${n} (expand)`).join(', ')}`, detail: '' });
      for (const n of comp) values.set(n, dynamicVal);
      continue;
    }
    const name = comp[0]!;
    if (broken.has(name)) continue;
    const r = evaluateInScope(byName.get(name)!.expr, full, ctx);
    diags.push(...r.diagnostics);
    values.set(name, r.value);
  }
  return { values, diagnostics: diags };
}
