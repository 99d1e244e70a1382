/**
 * Type checks of literal values against cty types in `providers schema -json` form ("string",
 * ["list","string"], ["object",{...}], ...), with cty's own conversion-error wording. Only what can be
 * decided without evaluation: literals, tuples and objects of literals. Anything else passes.
 */
import { literalOf, type Expr } from '@tfpairs/hcl/tree';

export function friendlyTypeName(type: unknown): string {
  if (typeof type === 'string') return type === 'dynamic' ? 'any type' : type;
  if (Array.isArray(type)) {
    const [kind, inner] = type as [string, unknown];
    if (kind === 'list' || kind === 'set' || kind === 'map') return `${kind} of ${friendlyTypeName(inner)}`;
    if (kind === 'object') return 'object';
    if (kind === 'tuple') return 'tuple';
  }
  return 'any type';
}

/** For an attribute whose type is a list/set of objects: the object's attribute types (blocktoattr). */
export function objectElementAttributes(type: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(type)) return undefined;
  const [kind, inner] = type as [string, unknown];
  if (kind !== 'list' && kind !== 'set') return undefined;
  if (Array.isArray(inner) && inner[0] === 'object' && inner[1] && typeof inner[1] === 'object') return inner[1] as Record<string, unknown>;
  return undefined;
}

/**
 * Returns cty's conversion error message (e.g. "string required", "a number is required") when a
 * statically known value cannot convert to `type`, else undefined.
 */
export function literalTypeError(expr: Expr, type: unknown): string | undefined {
  if (type === undefined || type === 'dynamic') return undefined;
  const kind = Array.isArray(type) ? (type[0] as string) : (type as string);
  const lit = literalOf(expr);
  if (lit === null) return undefined;
  const isCollection = kind === 'list' || kind === 'set' || kind === 'map' || kind === 'object' || kind === 'tuple';
  if (lit !== undefined) {
    if (isCollection) return `${friendlyTypeName(type)} required`;
    if (kind === 'string') return undefined;
    if (kind === 'number') {
      if (typeof lit === 'number') return undefined;
      if (typeof lit === 'boolean') return 'number required';
      return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(lit) ? undefined : 'a number is required';
    }
    if (kind === 'bool') {
      if (typeof lit === 'boolean') return undefined;
      if (typeof lit === 'number') return 'bool required';
      if (lit === 'true' || lit === 'false' || lit === '1' || lit === '0') return undefined;
      const lower = lit.toLowerCase();
      if (lower === 'true' || lower === 'false') return `a bool is required; to convert from string, use lowercase "${lower}"`;
      return 'a bool is required';
    }
    return undefined;
  }
  if (expr.kind === 'tuple') {
    if (kind === 'string' || kind === 'number' || kind === 'bool' || kind === 'map' || kind === 'object') return `${friendlyTypeName(type)} required`;
    if (kind === 'list' || kind === 'set') {
      const inner = (type as unknown[])[1];
      for (const [i, item] of expr.items.entries()) {
        const err = literalTypeError(item, inner);
        if (err) return `element ${i}: ${err}`;
      }
    }
    return undefined;
  }
  if (expr.kind === 'object') {
    if (kind === 'string' || kind === 'number' || kind === 'bool' || kind === 'list' || kind === 'set' || kind === 'tuple') return `${friendlyTypeName(type)} required`;
    if (kind === 'map') {
      const inner = (type as unknown[])[1];
      for (const item of expr.items) {
        const key = item.key.kind === 'traversal' && item.key.steps.length === 0 ? item.key.root : literalOf(item.key);
        const err = literalTypeError(item.value, inner);
        if (err) return `element ${JSON.stringify(String(key))}: ${err}`;
      }
    }
    return undefined;
  }
  return undefined;
}
