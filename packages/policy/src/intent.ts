/**
 * IaC-Eval's intent decision: `opa eval -i plan.json -d policy.rego data`, then the draft is correct
 * unless some leaf of the result is `false`. Policies are compiled once per text and reused.
 */
import { CompiledPolicy, errorJSON, RegoError, type RegoErrorJSON } from './engine';
import { isObject, objEntries, RSet, toJSON, type Value } from './value';

export interface IntentOptions {
  /** v1 syntax instead of IaC-Eval's v0 (default false: all IaC-Eval policies are v0) */
  readonly v1?: boolean;
  readonly strictBuiltinErrors?: boolean;
  readonly nowNs?: number;
}

export interface IntentResult {
  outcome: 'pass' | 'fail' | 'error';
  /** paths of false leaves, e.g. `data.terraform.validation.is_valid_r53_record` */
  falseRules: string[];
  /** the value of `data` as `opa eval` prints it (undefined on error) */
  value: unknown;
  error?: RegoErrorJSON;
}

const MAX_CACHED = 2000;
const cache = new Map<string, CompiledPolicy | RegoError>();

/** the compiled policy for a text (cached), or the parse/compile error */
export function compileIntent(policyText: string, opts: IntentOptions = {}): CompiledPolicy | RegoError {
  const key = (opts.v1 ? 'v1\0' : 'v0\0') + policyText;
  let c = cache.get(key);
  if (!c) {
    try {
      c = new CompiledPolicy([{ file: 'policy.rego', text: policyText }], { v0: !opts.v1 });
    } catch (e) {
      if (!(e instanceof RegoError)) c = new RegoError(`internal error: ${(e as Error).message}`, 'rego_compile_error');
      else c = e;
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, c);
  }
  return c;
}

export function evaluateIntent(policyText: string, input: unknown, opts: IntentOptions = {}): IntentResult {
  const c = compileIntent(policyText, opts);
  if (c instanceof RegoError) return { outcome: 'error', falseRules: [], value: undefined, error: errorJSON(c) };
  let v: Value | undefined;
  try {
    v = c.value('data', { input, strictBuiltinErrors: opts.strictBuiltinErrors, nowNs: opts.nowNs });
  } catch (e) {
    if (!(e instanceof RegoError)) throw e;
    return { outcome: 'error', falseRules: [], value: undefined, error: errorJSON(e) };
  }
  const falseRules: string[] = [];
  if (v !== undefined) collectFalse(v, 'data', falseRules);
  return { outcome: falseRules.length ? 'fail' : 'pass', falseRules, value: v === undefined ? undefined : toJSON(v) };
}

function collectFalse(v: Value, path: string, out: string[]): void {
  if (v === false) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => collectFalse(x, `${path}[${i}]`, out));
  else if (v instanceof RSet) v.values().forEach((x, i) => collectFalse(x, `${path}[${i}]`, out));
  else if (isObject(v)) for (const [k, x] of objEntries(v)) collectFalse(x, typeof k === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(toJSON(k))}]`, out);
}

export interface InputRead {
  /** JSON path into the input, e.g. `configuration.root_module.resources[0].type` */
  path: string;
  /** the value read; absent when the key did not exist */
  value?: unknown;
}

/**
 * What the rule at `rulePath` (e.g. `data.terraform.validation.is_valid_r53_record`) read from the input
 * while it was evaluated: every key looked up, existing or not, deepest reads only. Evaluates the rule
 * once more with a recording view of the input; meant for audits, not for the hot path.
 */
export function inputReadsOf(policyText: string, input: unknown, rulePath: string, opts: IntentOptions = {}): InputRead[] {
  const c = compileIntent(policyText, opts);
  if (c instanceof RegoError) return [];
  const reads = new Map<string, InputRead>();
  const wrap = (v: unknown, path: string): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    return new Proxy(v as object, {
      get(target, key, receiver) {
        const x = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || (Array.isArray(target) && (key === 'length' || !/^\d+$/.test(key)))) return x;
        if (typeof x === 'function') return x;
        const p = Array.isArray(target) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
        reads.set(p, x === undefined ? { path: p } : { path: p, value: x });
        return wrap(x, p);
      },
      getOwnPropertyDescriptor(target, key) {
        const d = Reflect.getOwnPropertyDescriptor(target, key);
        if (!d && typeof key === 'string') {
          const p = Array.isArray(target) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
          if (!reads.has(p)) reads.set(p, { path: p });
        }
        return d;
      },
    });
  };
  try {
    c.value(rulePath, { input: wrap(input, ''), nowNs: opts.nowNs });
  } catch {
    // the decision already reported the error; reads so far still help
  }
  const all = [...reads.values()];
  // keep the deepest reads: a parent is implied by its children
  return all.filter((r) => !all.some((o) => o !== r && (o.path.startsWith(r.path + '.') || o.path.startsWith(r.path + '['))));
}
