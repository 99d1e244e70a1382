/**
 * How close a plan is to terraform's (recorded with the schema-only provider, see
 * scripts/record-plan-oracle.ts): identical `configuration`, identical managed resource addresses and
 * actions, and the share of terraform's known planned values we reproduce. Data sources are counted
 * apart: terraform reads those whose configuration is known during the plan (they then appear in
 * `prior_state`, not as changes), we always plan a `read`.
 */

/** The string the schema-only provider returns for data source results (scripts/schema-provider.ts). */
export const DATA_PLACEHOLDER = 'tfpairs-data-placeholder';

type Json = unknown;

export function canonical(x: Json): Json {
  if (Array.isArray(x)) return x.map(canonical);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x as Record<string, Json>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  return x;
}

export const sameJson = (a: Json, b: Json) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

interface Change {
  address: string;
  mode: string;
  change: { actions: string[] };
}
interface PlannedResource {
  address: string;
  mode: string;
  values: Record<string, Json>;
}

function plannedResources(plan: Record<string, Json>): PlannedResource[] {
  const out: PlannedResource[] = [];
  const visit = (m: { resources?: PlannedResource[]; child_modules?: unknown[] } | undefined) => {
    if (!m) return;
    out.push(...(m.resources ?? []));
    for (const c of m.child_modules ?? []) visit(c as typeof m);
  };
  visit((plan.planned_values as { root_module?: never } | undefined)?.root_module);
  return out;
}

/** Known leaves of a value: path -> value (empty collections are leaves). */
function leaves(v: Json, path: string, out: Map<string, Json>): void {
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(path, v);
    v.forEach((e, i) => leaves(e, `${path}[${i}]`, out));
  } else if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, Json>);
    if (entries.length === 0) out.set(path, v);
    for (const [k, e] of entries) leaves(e, `${path}.${k}`, out);
  } else out.set(path, v);
}

export interface PlanScore {
  readonly configurationIdentical: boolean;
  /** managed resource (address, actions) pairs */
  readonly changesExpected: number;
  readonly changesMatched: number;
  readonly changesExtra: number;
  readonly changesIdentical: boolean;
  readonly dataExpected: number;
  readonly dataOurs: number;
  /** terraform's known leaves of managed resources' planned values (placeholder-derived ones left out) */
  readonly knownLeaves: number;
  readonly knownMatched: number;
  readonly knownNonNullLeaves: number;
  readonly knownNonNullMatched: number;
  /** relevant_attributes identical as a set (terraform's order is not stable) */
  readonly relevantIdentical: boolean;
  /** every managed change's after_unknown identical (we say unknown exactly where terraform does) */
  readonly afterUnknownIdentical: boolean;
  /** paths of known leaves we did not reproduce (at most 20) */
  readonly misses: readonly string[];
}

export function scorePlan(want: Record<string, Json>, got: Record<string, Json> | null): PlanScore {
  const g = got ?? {};
  const managed = (p: Record<string, Json>) => ((p.resource_changes as Change[] | undefined) ?? []).filter((c) => c.mode === 'managed').map((c) => `${c.address} ${c.change.actions.join(',')}`);
  const data = (p: Record<string, Json>) => ((p.resource_changes as Change[] | undefined) ?? []).filter((c) => c.mode === 'data').length;
  const w = managed(want);
  const o = new Set(managed(g));
  const matched = w.filter((x) => o.has(x)).length;
  let knownLeaves = 0;
  let knownMatched = 0;
  let nonNull = 0;
  let nonNullMatched = 0;
  const misses: string[] = [];
  const ours = new Map(plannedResources(g).map((r) => [r.address, r]));
  for (const r of plannedResources(want)) {
    if (r.mode !== 'managed') continue;
    const wl = new Map<string, Json>();
    leaves(r.values, '', wl);
    const ol = new Map<string, Json>();
    const mine = ours.get(r.address);
    if (mine) leaves(mine.values, '', ol);
    for (const [path, v] of wl) {
      if (typeof v === 'string' && v.includes(DATA_PLACEHOLDER)) continue;
      knownLeaves++;
      const hit = ol.has(path) && sameJson(ol.get(path), v);
      if (hit) knownMatched++;
      else if (misses.length < 20) misses.push(`${r.address}${path}`);
      if (v !== null) {
        nonNull++;
        if (hit) nonNullMatched++;
      }
    }
  }
  const unknowns = (p: Record<string, Json>) =>
    Object.fromEntries(((p.resource_changes as (Change & { change: { after_unknown?: Json } })[] | undefined) ?? []).filter((c) => c.mode === 'managed').map((c) => [c.address, c.change.after_unknown]));
  const rel = (p: Record<string, Json>) => ((p.relevant_attributes as Json[] | undefined) ?? []).map((e) => JSON.stringify(canonical(e))).sort();
  return {
    relevantIdentical: sameJson(rel(want), rel(g)),
    afterUnknownIdentical: sameJson(unknowns(want), unknowns(g)),
    configurationIdentical: sameJson(want.configuration, g.configuration),
    changesExpected: w.length,
    changesMatched: matched,
    changesExtra: o.size - matched,
    changesIdentical: matched === w.length && o.size === w.length,
    dataExpected: data(want),
    dataOurs: data(g),
    knownLeaves,
    knownMatched,
    knownNonNullLeaves: nonNull,
    knownNonNullMatched: nonNullMatched,
    misses,
  };
}

export interface FidelitySummary {
  readonly plans: number;
  readonly configurationIdentical: number;
  readonly changesIdentical: number;
  readonly changesMatched: number;
  readonly changesExpected: number;
  readonly knownMatched: number;
  readonly knownLeaves: number;
  readonly knownNonNullMatched: number;
  readonly knownNonNullLeaves: number;
}

export function summarise(scores: readonly PlanScore[]): FidelitySummary {
  const sum = (f: (s: PlanScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  return {
    plans: scores.length,
    configurationIdentical: scores.filter((s) => s.configurationIdentical).length,
    changesIdentical: scores.filter((s) => s.changesIdentical).length,
    changesMatched: sum((s) => s.changesMatched),
    changesExpected: sum((s) => s.changesExpected),
    knownMatched: sum((s) => s.knownMatched),
    knownLeaves: sum((s) => s.knownLeaves),
    knownNonNullMatched: sum((s) => s.knownNonNullMatched),
    knownNonNullLeaves: sum((s) => s.knownNonNullLeaves),
  };
}
