/**
 * Strictness of a config file: zod's objects drop keys they do not know, so `{"modle": "gpt-4o"}`
 * would silently mean "no model". Every key is checked against the schema here, and an unknown one is
 * an error naming it and the nearest valid key (at the same level, or the one a misplaced key
 * belongs to: `model` at the top means `generate.model`).
 */

type SchemaNode = {
  _zod: { def: { type: string; shape?: Record<string, SchemaNode>; innerType?: SchemaNode; in?: SchemaNode; out?: SchemaNode; schema?: SchemaNode } };
};

/** The object shape a schema node validates, looking through optional/default/nullable/pipe wrappers. */
function shapeOf(node: SchemaNode): Record<string, SchemaNode> | undefined {
  for (let n: SchemaNode | undefined = node, i = 0; n && i < 10; i++) {
    const def: SchemaNode['_zod']['def'] = n._zod.def;
    if (def.type === 'object') return def.shape;
    // z.preprocess / .transform are pipes: the input side decides which keys are read
    n = def.innerType ?? (def.type === 'pipe' ? (def.in?._zod.def.type === 'transform' ? def.out : def.in) : undefined);
  }
  return undefined;
}

/** Every dotted key path of the schema's objects (records and arrays are not descended). */
function allPaths(node: SchemaNode, at: string[] = [], out: string[][] = []): string[][] {
  const shape = shapeOf(node);
  if (!shape) return out;
  for (const [k, v] of Object.entries(shape)) {
    out.push([...at, k]);
    allPaths(v, [...at, k], out);
  }
  return out;
}

/**
 * Edit distance with adjacent transpositions counting one (optimal string alignment: `modle` is one
 * step from `model`), case-insensitive, treating `-`/`_` as nothing (flag spelling).
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase().replace(/[-_]/g, '');
  const y = b.toLowerCase().replace(/[-_]/g, '');
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[x.length]![y.length]!;
}

/**
 * The nearest valid key path to `key` found at `at`: the closest sibling, unless a key elsewhere in
 * the schema is clearly closer (then its full path). Undefined when nothing is reasonably close.
 */
function nearest(root: SchemaNode, at: readonly string[], key: string): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 3));
  let best: { path: string[]; d: number; len: number } | undefined;
  // equally close: the one of the same length (a transposition) before a dropped or added letter
  const consider = (path: string[], name: string, strictly: boolean) => {
    const d = editDistance(key, name);
    const len = Math.abs(name.length - key.length);
    if (!best || d < best.d || (!strictly && d === best.d && len < best.len)) best = { path, d, len };
  };
  const siblings = at.reduce<SchemaNode | undefined>((n, k) => (n ? shapeOf(n)?.[k] : undefined), root);
  for (const k of Object.keys((siblings && shapeOf(siblings)) ?? {})) consider([...at, k], k, false);
  const nearBySiblings = best;
  for (const path of allPaths(root)) {
    // a key elsewhere wins over a sibling only when strictly closer (an exact name at the wrong level)
    if (nearBySiblings && editDistance(key, path[path.length - 1]!) >= nearBySiblings.d) continue;
    consider(path, path[path.length - 1]!, false);
  }
  return best && best.d <= limit ? best.path.join('.') : undefined;
}

/** Every key of `value` not in `schema`, each as "path: did you mean ...". */
export function unknownKeys(schema: unknown, value: unknown): string[] {
  const root = schema as SchemaNode;
  const problems: string[] = [];
  const walk = (node: SchemaNode, v: unknown, at: string[]) => {
    const shape = shapeOf(node);
    if (!shape || !v || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (k in shape) {
        walk(shape[k]!, child, [...at, k]);
        continue;
      }
      const near = nearest(root, at, k);
      problems.push(`unknown key "${[...at, k].join('.')}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  };
  walk(root, value, []);
  return problems;
}

const SHARES = ['train', 'val', 'test'] as const;
const DEFAULT_SHARES = { train: 0.8, val: 0.1, test: 0.1 };
const round = (x: number) => Math.round(x * 1e9) / 1e9;

/**
 * Completes the split shares the user gave: the ones not given share what is left in the
 * proportions of their defaults (`train 0.9` alone -> val 0.05, test 0.05). A string is the reason it
 * cannot (the given shares exceed 1, or all three are given and do not add up to 1).
 */
export function completeSplitShares(split: Record<string, unknown>): Record<string, unknown> | string {
  const given = SHARES.filter((s) => typeof split[s] === 'number');
  if (given.length === 0) return split;
  const sum = given.reduce((a, s) => a + (split[s] as number), 0);
  const show = (names: readonly string[]) => names.map((s) => `${s} ${split[s]}`).join(' + ');
  const flagList = (names: readonly string[]) => names.map((s) => `--split-${s}`).join(' and ');
  const missing = SHARES.filter((s) => !given.includes(s));
  if (missing.length === 0) {
    if (Math.abs(sum - 1) < 1e-9) return split;
    return `split shares must add up to 1: ${show(given)} = ${round(sum)} (change one of ${flagList(given)})`;
  }
  if (sum > 1 + 1e-9) return `split shares ${show(given)} = ${round(sum)} exceed 1: the rest (${missing.join(', ')}) cannot be filled in`;
  const rest = 1 - sum;
  const weight = missing.reduce((a, s) => a + DEFAULT_SHARES[s], 0);
  const out = { ...split };
  for (const s of missing) out[s] = round((rest * DEFAULT_SHARES[s]) / weight);
  return out;
}
