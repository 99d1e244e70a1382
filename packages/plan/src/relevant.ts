/**
 * `relevant_attributes`: the resource attributes that contribute to the plan's changes (terraform's
 * globalref ContributingResourceReferences over every resource instance change and root output):
 * references in resource and data source configurations and every module instance's outputs, followed through locals
 * and into child modules' outputs. Terraform prints them in no stable order; compare them as a set.
 */
import { traversalsIn, type Body, type Expr } from '@tfpairs/hcl/tree';
import type { LoadedModule } from './modules';
import { parseRef } from './references';

export interface RelevantAttribute {
  resource: string;
  attribute: (string | number)[];
}

function bodyExprs(body: Body, out: Expr[]): void {
  for (const a of body.attributes) if (a.name !== 'depends_on' && a.name !== 'provider') out.push(a.expr);
  for (const b of body.blocks) if (b.type !== 'lifecycle' && b.type !== 'provisioner' && b.type !== 'connection') bodyExprs(b.body, out);
}

export function relevantAttributes(root: LoadedModule, runs: readonly { address: string; mod: LoadedModule; hasChanges: boolean }[]): RelevantAttribute[] {
  const seen = new Set<string>();
  const out: RelevantAttribute[] = [];
  const emit = (resource: string, attribute: (string | number)[]) => {
    const key = JSON.stringify([resource, attribute]);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ resource, attribute });
  };
  const visiting = new Set<string>();
  const follow = (e: Expr, mod: LoadedModule, prefix: string) => {
    for (const t of traversalsIn(e)) {
      const ref = parseRef(t);
      if (!ref) continue;
      const p = prefix ? `${prefix}.` : '';
      if (t.root === 'local') {
        const name = ref.subject.slice('local.'.length);
        const key = `${prefix}\0local.${name}`;
        const local = mod.config.locals.get(name);
        if (local && !visiting.has(key)) {
          visiting.add(key);
          follow(local.expr, mod, prefix);
        }
        continue;
      }
      if (t.root === 'module') {
        const call = t.steps[0]?.kind === 'attr' ? t.steps[0].name : undefined;
        const child = call ? mod.children.get(call) : undefined;
        if (!call || !child) continue;
        const keyStep = t.steps[1]?.kind === 'index' ? t.steps[1] : undefined;
        const childPrefix = `${p}module.${call}${keyStep ? (typeof keyStep.key === 'number' ? `[${keyStep.key}]` : `[${JSON.stringify(keyStep.key)}]`) : ''}`;
        const outStep = t.steps[keyStep ? 2 : 1];
        const outputs = outStep?.kind === 'attr' ? [outStep.name] : [...child.config.outputs.keys()];
        for (const o of outputs) {
          const key = `${childPrefix}\0output.${o}`;
          const expr = child.config.outputs.get(o)?.value?.expr;
          if (expr && !visiting.has(key)) {
            visiting.add(key);
            follow(expr, child, childPrefix);
          }
        }
        continue;
      }
      const base = ref.unkeyed ?? ref.subject;
      const declared = base.startsWith('data.') ? mod.config.dataResources.has(base.slice(5)) : mod.config.resources.has(base);
      if (!declared) continue;
      emit(p + ref.subject, ref.remaining.map((s) => (s.kind === 'attr' ? s.name : (s.key as string | number))));
    }
  };
  for (const run of runs) {
    // every module instance's outputs are planned values too
    if (run.address) for (const o of run.mod.config.outputs.values()) if (o.value) follow(o.value.expr, run.mod, run.address);
    if (!run.hasChanges) continue;
    for (const r of [...run.mod.config.resources.values(), ...run.mod.config.dataResources.values()]) {
      const exprs: Expr[] = [];
      bodyExprs(r.block.body, exprs);
      for (const e of exprs) follow(e, run.mod, run.address);
    }
  }
  for (const o of root.config.outputs.values()) if (o.value) follow(o.value.expr, root, '');
  return out;
}
