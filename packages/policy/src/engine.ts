/**
 * The engine's API: compile policy files once, evaluate queries against inputs, with results in
 * `opa eval --format json`'s shape.
 */
import type { Loc, Module } from './ast';
import { Policy, State, type EvalOptions } from './eval';
import { parseModule, parseQuery, RegoError } from './parser';
import { toJSON, type Value } from './value';

export { RegoError } from './parser';

export interface PolicyFile {
  /** shown in error locations */
  readonly file: string;
  readonly text: string;
}

export interface CompileOptions {
  /** Rego v0 syntax (`--v0-compatible`, and what IaC-Eval's policies are written in) */
  readonly v0?: boolean;
}

export interface QueryOptions extends EvalOptions {
  readonly input?: unknown;
  /** base documents (`--data` JSON) */
  readonly data?: unknown;
  /** fixed clock for time.now_ns (nanoseconds); defaults to now */
  readonly nowNs?: number;
}

export interface ExpressionResult {
  value: unknown;
  text: string;
  location: { row: number; col: number };
}

export interface QueryResult {
  expressions: ExpressionResult[];
  bindings?: Record<string, unknown>;
}

export interface RegoErrorJSON {
  message: string;
  code: string;
  location?: Loc;
}

export function errorJSON(e: RegoError): RegoErrorJSON {
  return e.loc ? { message: e.message, code: e.code, location: e.loc } : { message: e.message, code: e.code };
}

/** Policy modules compiled together (one `data` tree). Throws RegoError on parse or compile errors. */
export class CompiledPolicy {
  readonly policy: Policy;
  readonly modules: Module[];
  private readonly queries = new Map<string, ReturnType<Policy['compileQuery']> & { text: string[]; locs: Loc[] }>();

  constructor(files: readonly PolicyFile[], readonly opts: CompileOptions = {}) {
    this.modules = files.map((f) => parseModule(f.text, f.file, { v1: !opts.v0 }));
    this.policy = new Policy(this.modules.length ? this.modules : [{ file: '', pkg: [], imports: [], rules: [], regoV1: true }]);
  }

  private compiled(query: string) {
    let q = this.queries.get(query);
    if (!q) {
      const lits = parseQuery(query, '', { v1: !this.opts.v0 });
      const c = this.policy.compileQuery(lits);
      q = { ...c, text: lits.map((l) => (l.k === 'expr' && l.text) || query), locs: lits.map((l) => l.loc) };
      this.queries.set(query, q);
    }
    return q;
  }

  newState(opts: QueryOptions = {}): State {
    return new State(this.policy, opts.input as Value | undefined, (opts.data ?? {}) as Value, [], opts, opts.nowNs ?? Date.now() * 1e6);
  }

  /** every solution of the query, values as OPA prints them (sets as sorted arrays) */
  query(query: string, opts: QueryOptions = {}): QueryResult[] {
    const q = this.compiled(query);
    const s = this.newState(opts);
    const env = new Array(q.frame.nslots);
    const out: QueryResult[] = [];
    q.body(s, env, () => {
      const bindings: Record<string, unknown> = {};
      for (const [name, slot] of q.vars) if (env[slot] !== undefined) bindings[name] = toJSON(env[slot]);
      const r: QueryResult = {
        expressions: q.values.map((v, i) => ({ value: toJSON(v ?? true), text: q.text[i]!, location: { row: q.locs[i]!.row, col: q.locs[i]!.col } })),
      };
      if (Object.keys(bindings).length) r.bindings = bindings;
      out.push(r);
      return false;
    });
    return out;
  }

  /** the value of a query that is one term (e.g. `data`, `data.pkg.rule`): undefined when undefined */
  value(query: string, opts: QueryOptions = {}): Value | undefined {
    const q = this.compiled(query);
    const s = this.newState(opts);
    const env = new Array(q.frame.nslots);
    let v: Value | undefined;
    q.body(s, env, () => {
      v = q.values[0];
      return true;
    });
    return v;
  }
}

/** compile, reporting errors as RegoError (never other exceptions for bad policy text) */
export function compilePolicy(files: readonly PolicyFile[], opts: CompileOptions = {}): CompiledPolicy {
  try {
    return new CompiledPolicy(files, opts);
  } catch (e) {
    if (e instanceof RegoError) throw e;
    throw new RegoError(`internal error: ${(e as Error).message}`, 'rego_compile_error');
  }
}
