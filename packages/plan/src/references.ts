/**
 * `references` of plan JSON's configuration expressions, exactly as terraform lists them
 * (internal/command/jsonconfig marshalExpression): every traversal HCL's Variables() yields, parsed
 * into a referenceable subject plus the remaining steps; the full traversal first, then one step
 * shorter each time down to the subject, then the subject without its instance key (resources and
 * module calls) or the module call of a module output. Traversals that are not references (unknown
 * roots, `aws_instance` alone) are left out, as addrs.ParseRef rejects them.
 */
import { traversalsIn, type Expr, type TraversalStep } from '@tfpairs/hcl/tree';

type Traversal = Extract<Expr, { kind: 'traversal' }>;

function stepString(s: TraversalStep): string {
  if (s.kind === 'attr') return `.${s.name}`;
  return typeof s.key === 'string' ? `[${JSON.stringify(s.key)}]` : `[${String(s.key)}]`;
}

const keyOf = (s: TraversalStep | undefined): string | undefined => (s && s.kind === 'index' ? stepString(s) : undefined);

/** The subject (as text), the instance-less form when keyed, and the remaining steps; undefined when no reference. */
export function parseRef(t: Traversal): { subject: string; unkeyed?: string; remaining: readonly TraversalStep[] } | undefined {
  const steps = t.steps;
  const attr = (i: number) => (steps[i]?.kind === 'attr' ? (steps[i] as { name: string }).name : undefined);
  switch (t.root) {
    case 'var':
    case 'local':
    case 'count':
    case 'each':
    case 'path':
    case 'terraform': {
      const name = attr(0);
      if (name === undefined) return undefined;
      return { subject: `${t.root}.${name}`, remaining: steps.slice(1) };
    }
    case 'self':
      return { subject: 'self', remaining: steps };
    case 'module': {
      const call = attr(0);
      if (call === undefined) return undefined;
      const key = keyOf(steps[1]);
      const base = `module.${call}${key ?? ''}`;
      const outIdx = key ? 2 : 1;
      const out = attr(outIdx);
      if (out === undefined) return { subject: base, unkeyed: key ? `module.${call}` : undefined, remaining: steps.slice(outIdx) };
      return { subject: `${base}.${out}`, unkeyed: base, remaining: steps.slice(outIdx + 1) };
    }
    case 'data': {
      const type = attr(0);
      const name = attr(1);
      if (type === undefined || name === undefined) return undefined;
      const key = keyOf(steps[2]);
      const base = `data.${type}.${name}`;
      return key ? { subject: base + key, unkeyed: base, remaining: steps.slice(3) } : { subject: base, remaining: steps.slice(2) };
    }
    default: {
      // managed resources; `resource.TYPE.NAME` is terraform's escape for types named like keywords
      if (t.root === 'resource') {
        const type = attr(0);
        const name = attr(1);
        if (type === undefined || name === undefined) return undefined;
        const key = keyOf(steps[2]);
        const base = `${type}.${name}`;
        return key ? { subject: base + key, unkeyed: base, remaining: steps.slice(3) } : { subject: base, remaining: steps.slice(2) };
      }
      const name = attr(0);
      if (name === undefined) return undefined;
      const key = keyOf(steps[1]);
      const base = `${t.root}.${name}`;
      return key ? { subject: base + key, unkeyed: base, remaining: steps.slice(2) } : { subject: base, remaining: steps.slice(1) };
    }
  }
}

/** Names that are never references at the root of a traversal (function-local or HCL keywords). */
const NOT_REFERENCES = new Set(['true', 'false', 'null']);

/** terraform's `references` list for one expression (empty when it refers to nothing). */
export function referencesOf(expr: Expr): string[] {
  const out: string[] = [];
  for (const t of traversalsIn(expr)) {
    if (NOT_REFERENCES.has(t.root)) continue;
    const ref = parseRef(t);
    if (!ref) continue;
    const text = ref.subject;
    for (let n = ref.remaining.length; n > 0; n--) out.push(text + ref.remaining.slice(0, n).map(stepString).join(''));
    out.push(text);
    if (ref.unkeyed) out.push(ref.unkeyed);
  }
  return out;
}
