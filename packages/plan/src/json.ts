/**
 * Plan JSON's `after_sensitive` / `sensitive_values` trees (jsonplan sensitiveAsBool): `true` for a
 * sensitive value; a known collection becomes its elements' trees (objects and maps keep only the
 * non-false entries); an unknown list, set or tuple is `[]` and an unknown map or object `{}` (nothing
 * is known about what they hold); everything else is `false`.
 */
import { UNKNOWN, type Value } from '@tfpairs/lang';

export function sensitiveAsBool(v: Value): unknown {
  if (v.marks.has('sensitive')) return true;
  const k = v.type.kind;
  if (v.raw === null) return false;
  if (v.raw === UNKNOWN) {
    if (k === 'list' || k === 'set' || k === 'tuple') return [];
    if (k === 'map' || k === 'object') return {};
    return false;
  }
  if (k === 'list' || k === 'set' || k === 'tuple') return (v.raw as readonly Value[]).map(sensitiveAsBool);
  if (k === 'map' || k === 'object') {
    const o: Record<string, unknown> = {};
    for (const [key, e] of v.raw as ReadonlyMap<string, Value>) {
      const j = sensitiveAsBool(e);
      if (j !== false) o[key] = j;
    }
    return o;
  }
  return false;
}
