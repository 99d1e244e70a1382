/**
 * Compiles Rego modules into closures and evaluates them top-down with backtracking, the way OPA's
 * topdown does: continuation-passing (`k` returns true to stop), variables in per-rule slot arrays,
 * boundness decided at compile time (literals run in source order), rules indexed by data path and
 * their values cached per evaluation.
 */
import type { Literal, Loc, Module, Rule, Term, With } from './ast';
import { BUILTINS, BuiltinError, type Builtin } from './builtins';
import { RegoError } from './parser';
import {
  compare,
  equal,
  isObject,
  isPlain,
  keyOf,
  K_ARR,
  K_OBJ,
  K_SET,
  kindOf,
  ObjBuilder,
  objGet,
  objEntries,
  RObj,
  RSet,
  sortedKeys,
  type PlainObject,
  type Value,
} from './value';

export type Env = (Value | undefined)[];
type K = () => boolean;
type VK = (v: Value) => boolean;
type Gen = (s: State, env: Env, k: VK) => boolean;
type Direct = (s: State, env: Env) => Value | undefined;
type LitC = (s: State, env: Env, k: K) => boolean;
/** unify a pattern with a value */
type PatC = (s: State, env: Env, v: Value, k: K) => boolean;

interface CT {
  gen: Gen;
  direct?: Direct;
}

const UNDEF = Symbol('undefined');

/** built-ins whose false result fails a query expression instead of being its value */
const BOOLEAN_BUILTINS = new Set(['equal', 'neq', 'lt', 'gt', 'lte', 'gte', 'internal.member_2', 'internal.member_3']);

export interface Override {
  readonly path: string[];
  readonly value: Value;
}

export interface EvalOptions {
  readonly strictBuiltinErrors?: boolean;
  /** receives every concrete `input` path a reference read (for audits) */
  readonly onInputRead?: (path: (string | number)[]) => void;
}

export class State {
  cache: (Value | typeof UNDEF | undefined)[];
  inProgress: Uint8Array;
  matCache = new Map<Node, Value>();
  constructor(
    readonly policy: Policy,
    readonly input: Value | undefined,
    readonly data: Value,
    readonly overrides: readonly Override[],
    readonly opts: EvalOptions,
    /** time.now_ns is fixed for one evaluation, as in OPA */
    readonly nowNs: number,
  ) {
    this.cache = new Array(policy.groups.length);
    this.inProgress = new Uint8Array(policy.groups.length);
  }
  fork(input: Value | undefined, overrides: readonly Override[]): State {
    return new State(this.policy, input, this.data, overrides, this.opts, this.nowNs);
  }
}

// ---- rule tree ----------------------------------------------------------------------------------

export class Node {
  readonly children = new Map<string, Node>();
  group?: Group;
  constructor(readonly path: string[]) {}
  child(name: string): Node {
    let c = this.children.get(name);
    if (!c) this.children.set(name, (c = new Node([...this.path, name])));
    return c;
  }
}

interface CompiledDef {
  rule: Rule;
  /** slots of the rule's variables (the frame grows while the rule compiles) */
  frame: Frame;
  params?: PatC[];
  alts: { body: LitC; value: CT; valueGround: boolean; key?: CT; nestedKeys?: CT[] }[];
}

export interface Group {
  readonly id: number;
  readonly path: string[];
  kind: Rule['kind'];
  readonly rules: Rule[];
  defs: CompiledDef[];
  defaultValue?: CT;
  defaultDef?: CompiledDef;
  arity?: number;
  compiled: boolean;
}

// ---- compile-time scopes ------------------------------------------------------------------------

class Frame {
  nslots = 0;
  names: string[] = [];
  alloc(name: string): number {
    this.names.push(name);
    return this.nslots++;
  }
}

class Scope {
  readonly vars = new Map<string, number>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): number | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
}

interface Ctx {
  readonly frame: Frame;
  scope: Scope;
  bound: Set<number>;
  readonly module: Module;
  /** import aliases: name -> absolute path (`data...` or `input...`) */
  readonly aliases: Map<string, string[]>;
  /** rule-name lookup: the module's package node */
  readonly pkgNode: Node;
}

function unsafe(name: string, loc: Loc): RegoError {
  return new RegoError(`var ${name} is unsafe`, 'rego_unsafe_var_error', loc);
}

// ---- values: lookup and iteration -------------------------------------------------------------

function lookup(v: Value, key: Value): Value | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < v.length ? v[key] : undefined;
  }
  if (v instanceof RSet) return v.has(key) ? key : undefined;
  return objGet(v, key);
}

/** calls f(key, value) for each member in Rego order; stops when f returns true */
function iterate(v: Value, f: (key: Value, value: Value) => boolean): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (f(i, v[i]!)) return true;
    return false;
  }
  if (v instanceof RSet) {
    for (const x of v.values()) if (f(x, x)) return true;
    return false;
  }
  if (v instanceof RObj) {
    for (const [key, x] of v.entries()) if (f(key, x)) return true;
    return false;
  }
  for (const key of sortedKeys(v)) if (f(key, v[key]!)) return true;
  return false;
}

function getPath(v: Value | undefined, path: readonly string[], from = 0): Value | undefined {
  for (let i = from; i < path.length && v !== undefined; i++) v = lookup(v, path[i]!);
  return v;
}

// ---- the policy: modules compiled together ----------------------------------------------------

export class Policy {
  readonly root = new Node([]);
  readonly groups: Group[] = [];
  readonly modules: Module[];
  private readonly ctxOf = new Map<Rule, Ctx>();

  constructor(modules: Module[]) {
    this.modules = modules;
    modules.forEach((m, mi) => {
      let pkgNode = this.root;
      for (const p of m.pkg) pkgNode = pkgNode.child(p);
      const aliases = new Map<string, string[]>();
      for (const imp of m.imports) {
        const parts = termPath(imp.path);
        if (!parts || parts[0] === 'future' || parts[0] === 'rego') continue;
        const name = imp.alias ?? parts[parts.length - 1]!;
        aliases.set(name, parts);
      }
      for (const r of m.rules) {
        r.module = mi;
        // a variable before the last element: the rule fills a nested document below the constant prefix
        const firstVar = r.ref.findIndex((t, i) => i > 0 && !(t.t === 'scalar' && typeof t.v === 'string'));
        if (firstVar > 0 && r.kind !== 'func') {
          const keys = r.ref.slice(firstVar);
          if (r.kind === 'object') keys.push(r.key!);
          r.nested = { keys, leafSet: r.kind === 'set' };
          r.ref = r.ref.slice(0, firstVar);
          r.kind = 'nested';
        }
        const rel = r.ref.map((t, i) => {
          if (i === 0 && t.t === 'var') return t.name;
          if (t.t === 'scalar' && typeof t.v === 'string') return t.v;
          throw new RegoError('function heads with variables are not supported', 'rego_compile_error', t.loc);
        });
        let node = pkgNode;
        for (const p of rel) node = node.child(p);
        let g = node.group;
        if (!g) {
          g = { id: this.groups.length, path: node.path, kind: r.kind, rules: [], defs: [], compiled: false };
          this.groups.push(g);
          node.group = g;
        } else if (g.kind !== r.kind) {
          const what = (k: string) => (k === 'func' ? 'function' : k === 'set' ? 'multi-value' : 'single-value');
          if (!(g.kind === 'complete' && r.kind === 'object') && !(g.kind === 'object' && r.kind === 'complete')) {
            throw new RegoError(`conflicting rules data.${node.path.join('.')} found`, 'rego_type_error', r.loc);
          }
          void what;
        }
        if (r.kind === 'func') {
          const arity = r.args!.length;
          if (g.arity !== undefined && g.arity !== arity) throw new RegoError(`conflicting rules data.${node.path.join('.')} found`, 'rego_type_error', r.loc);
          g.arity = arity;
        }
        if (r.isDefault && g.rules.some((x) => x.isDefault)) throw new RegoError(`multiple default rules data.${node.path.join('.')} found`, 'rego_type_error', r.loc);
        g.rules.push(r);
        this.ctxOf.set(r, { frame: new Frame(), scope: new Scope(), bound: new Set(), module: m, aliases, pkgNode });
      }
    });
    this.mergeConstantKeys(this.root);
    this.mergeIntoNested(this.root);
    for (const g of this.groups) this.compileGroup(g);
  }

  /** rules below a nested group's node belong to it: their constant path becomes leading keys */
  private mergeIntoNested(node: Node): void {
    const g = node.group;
    if (!g || g.kind !== 'nested') {
      for (const child of node.children.values()) this.mergeIntoNested(child);
      return;
    }
    const take = (n: Node, prefix: string[]) => {
      for (const [name, child] of n.children) {
        const path = [...prefix, name];
        const consts: Term[] = path.map((p) => ({ t: 'scalar', v: p, loc: g.rules[0]!.loc }));
        for (const r of child.group?.rules ?? []) {
          if (r.kind === 'func') throw new RegoError(`conflicting rules data.${child.path.join('.')} found`, 'rego_type_error', r.loc);
          const keys = r.kind === 'nested' ? r.nested!.keys : r.kind === 'object' ? [r.key!] : [];
          r.nested = { keys: [...consts, ...keys], leafSet: r.kind === 'set' || (r.kind === 'nested' && r.nested!.leafSet) };
          r.kind = 'nested';
          g.rules.push(r);
        }
        take(child, path);
      }
      n.children.clear();
    };
    take(node, []);
  }

  /** `o[k] := v` and `o.a := 1` define one object: the constant-key rules join the object rule's group */
  private mergeConstantKeys(node: Node): void {
    for (const child of node.children.values()) this.mergeConstantKeys(child);
    const g = node.group;
    if (!g || g.kind !== 'object') return;
    for (const [name, child] of [...node.children]) {
      const cg = child.group;
      if (!cg || cg.kind !== 'complete' || child.children.size) continue;
      for (const r of cg.rules) {
        r.key = r.ref[r.ref.length - 1]!;
        r.ref = r.ref.slice(0, -1);
        r.kind = 'object';
        g.rules.push(r);
      }
      cg.rules.length = 0;
      node.children.delete(name);
    }
  }

  private compileGroup(g: Group): void {
    if (g.compiled) return;
    g.compiled = true;
    // single-value rules whose last key is a variable and constant ones at the same path mix (ref heads)
    if (g.rules.some((r) => r.kind === 'nested')) g.kind = 'nested';
    else if (g.rules.some((r) => r.kind === 'object')) g.kind = 'object';
    for (const r of g.rules) {
      const ctx = this.ctxOf.get(r)!;
      if (r.isDefault) {
        const ct = this.compileTerm(ctx, r.value);
        if (r.kind === 'func') {
          const def = this.compileDef(ctx, r);
          g.defaultDef = def;
        } else g.defaultValue = ct;
        continue;
      }
      g.defs.push(this.compileDef(ctx, r));
    }
  }

  private compileDef(ctx: Ctx, r: Rule): CompiledDef {
    const params = r.args?.map((a) => this.compilePattern(ctx, a, true));
    const alts: CompiledDef['alts'] = [];
    const baseBound = new Set(ctx.bound);
    const compileAlt = (body: Literal[], value: Term, key?: Term) => {
      ctx.bound = new Set(baseBound);
      const b = this.compileBody(ctx, body);
      const nestedKeys = r.nested?.keys.map((t) => this.compileTerm(ctx, t));
      const k = key ? this.compileTerm(ctx, key) : undefined;
      const v = this.compileTerm(ctx, value);
      alts.push({ body: b, value: v, key: k, valueGround: isGround(value), nestedKeys });
    };
    compileAlt(r.body, r.value, r.key);
    for (const e of r.elses) compileAlt(e.body, e.value);
    return { rule: r, frame: ctx.frame, params, alts };
  }

  /** a query: names resolve to data and input only (no package), each expression's value is kept */
  compileQuery(lits: readonly Literal[]): CompiledQuery {
    const ctx: Ctx = { frame: new Frame(), scope: new Scope(), bound: new Set(), module: this.modules[0]!, aliases: new Map(), pkgNode: new Node([]) };
    const values: (Value | undefined)[] = new Array(lits.length);
    const cs = lits.map((lit, i) => {
      if (lit.k === 'expr' && !lit.negated && !lit.withs.length && !(lit.expr.t === 'call' && lit.expr.fn.t === 'var' && (lit.expr.fn.name === 'eq' || lit.expr.fn.name === 'assign'))) {
        const ct = this.compileTerm(ctx, lit.expr);
        // OPA captures the value of a query's expressions: `data.p.q` is defined when q is false;
        // comparisons and other boolean built-ins still fail on false
        const e = lit.expr;
        const failsOnFalse = e.t === 'call' && e.fn.t === 'var' && BOOLEAN_BUILTINS.has(e.fn.name);
        const c: LitC = (s, env, k) =>
          ct.gen(s, env, (v) => {
            if (v === false && failsOnFalse) return false;
            values[i] = v;
            return k();
          });
        return c;
      }
      const c = this.compileLiteral(ctx, lit);
      const wrapped: LitC = (s, env, k) => {
        values[i] = true;
        return c(s, env, k);
      };
      return wrapped;
    });
    const vars = [...ctx.scope.vars].filter(([name]) => !name.startsWith('$'));
    return { body: seq(cs), frame: ctx.frame, values, vars };
  }

  // ---- bodies and literals ------------------------------------------------------------------

  /**
   * Literals compile in source order, except that one whose variables are not bound yet waits until a
   * later literal binds them: OPA's safety reordering (`x > 1; x = 2` is fine).
   */
  compileBody(ctx: Ctx, body: readonly Literal[]): LitC {
    const pending = [...body];
    const out: LitC[] = [];
    while (pending.length) {
      let done = -1;
      for (let i = 0; i < pending.length; i++) {
        const bound = new Set(ctx.bound), vars = new Map(ctx.scope.vars);
        try {
          out.push(this.compileLiteral(ctx, pending[i]!));
          done = i;
          break;
        } catch (e) {
          if (!(e instanceof RegoError) || e.code !== 'rego_unsafe_var_error' || pending.length === 1) throw e;
          ctx.bound = bound;
          ctx.scope.vars.clear();
          for (const [k, v] of vars) ctx.scope.vars.set(k, v);
        }
      }
      if (done < 0) this.compileLiteral(ctx, pending[0]!); // throws the first literal's own error
      pending.splice(done, 1);
    }
    return seq(out);
  }

  private compileLiteral(ctx: Ctx, lit: Literal): LitC {
    if ('withs' in lit && lit.withs.length) return this.compileWith(ctx, lit);
    return this.compileLiteralNoWith(ctx, lit);
  }

  private compileLiteralNoWith(ctx: Ctx, lit: Literal): LitC {
    switch (lit.k) {
      case 'some':
        for (const v of lit.vars) if (v.t === 'var') this.declare(ctx, v.name);
        return (_s, _e, k) => k();
      case 'somein': {
        const coll = this.compileTerm(ctx, lit.coll);
        for (const v of varsOf(lit.value)) this.declare(ctx, v);
        if (lit.key) for (const v of varsOf(lit.key)) this.declare(ctx, v);
        const keyP = lit.key ? this.compilePattern(ctx, lit.key, false) : undefined;
        const valP = this.compilePattern(ctx, lit.value, false);
        return (s, env, k) =>
          coll.gen(s, env, (c) =>
            iterate(c, (key, val) => (keyP ? keyP(s, env, key, () => valP(s, env, val, k)) : valP(s, env, val, k))),
          );
      }
      case 'every': {
        const domain = this.compileTerm(ctx, lit.domain);
        const saved = { scope: ctx.scope, bound: ctx.bound };
        ctx.scope = new Scope(ctx.scope);
        ctx.bound = new Set(ctx.bound);
        for (const v of varsOf(lit.value)) this.declare(ctx, v);
        if (lit.key) for (const v of varsOf(lit.key)) this.declare(ctx, v);
        const keyP = lit.key ? this.compilePattern(ctx, lit.key, false) : undefined;
        const valP = this.compilePattern(ctx, lit.value, false);
        const body = this.compileBody(ctx, lit.body);
        ctx.scope = saved.scope;
        ctx.bound = saved.bound;
        const one = (s: State, env: Env) => () => body(s, env, () => true);
        return (s, env, k) => {
          // an undefined or non-collection domain fails, as in OPA
          let all = false;
          domain.gen(s, env, (c) => {
            if (typeof c !== 'object' || c === null) return true;
            all = true;
            const ok = !iterate(c, (key, val) => {
              const found = keyP ? keyP(s, env, key, () => valP(s, env, val, one(s, env))) : valP(s, env, val, one(s, env));
              return !found;
            });
            if (!ok) all = false;
            return !ok;
          });
          return all ? k() : false;
        };
      }
      case 'expr': {
        if (lit.negated) {
          const saved = ctx.bound;
          ctx.bound = new Set(ctx.bound);
          const inner = this.compileExpr(ctx, lit.expr);
          ctx.bound = saved;
          return (s, env, k) => (inner(s, env, () => true) ? false : k());
        }
        return this.compileExpr(ctx, lit.expr);
      }
    }
  }

  private compileWith(ctx: Ctx, lit: Literal & { withs: With[] }): LitC {
    const targets = lit.withs.map((w) => {
      const path = termPath(w.target);
      if (!path || (path[0] !== 'input' && path[0] !== 'data')) {
        throw new RegoError(`with keyword target must reference existing input, data, or a function`, 'rego_compile_error', w.loc);
      }
      return { path, value: this.compileTerm(ctx, w.value) };
    });
    const inner = this.compileLiteralNoWith(ctx, lit);
    return (s, env, k) => {
      let input = s.input;
      const overrides = [...s.overrides];
      for (const t of targets) {
        const v = evalDirect(t.value, s, env);
        if (v === undefined) return false;
        if (t.path[0] === 'input') input = t.path.length === 1 ? v : setPath(input, t.path.slice(1), v);
        else overrides.push({ path: t.path.slice(1), value: v });
      }
      const s2 = s.fork(input, overrides);
      return inner(s2, env, k);
    };
  }

  private declare(ctx: Ctx, name: string): number {
    if (name === '_') return ctx.frame.alloc('_');
    const slot = ctx.frame.alloc(name);
    ctx.scope.vars.set(name, slot);
    return slot;
  }

  private compileExpr(ctx: Ctx, e: Term): LitC {
    if (e.t === 'call' && e.fn.t === 'var' && (e.fn.name === 'eq' || e.fn.name === 'assign') && e.args.length === 2) {
      if (e.fn.name === 'assign') {
        for (const v of varsOf(e.args[0]!)) {
          if (ctx.scope.vars.has(v) && ctx.bound.has(ctx.scope.vars.get(v)!)) throw new RegoError(`var ${v} assigned above`, 'rego_compile_error', e.loc);
          this.declare(ctx, v);
        }
      }
      return this.compileUnify(ctx, e.args[0]!, e.args[1]!);
    }
    const ct = this.compileTerm(ctx, e);
    const d = ct.direct;
    if (d) {
      return (s, env, k) => {
        const v = d(s, env);
        return v === undefined || v === false ? false : k();
      };
    }
    return (s, env, k) => ct.gen(s, env, (v) => (v === false ? false : k()));
  }

  /** `a = b`: binds the unbound variables of either side */
  private compileUnify(ctx: Ctx, a: Term, b: Term): LitC {
    const pa = this.hasFreeVars(ctx, a), pb = this.hasFreeVars(ctx, b);
    if (pa && pb) {
      if (a.t === 'array' && b.t === 'array' && a.items.length === b.items.length) {
        return seq(a.items.map((x, i) => this.compileUnify(ctx, x, b.items[i]!)));
      }
      if (a.t === 'var' && b.t !== 'var') return this.compileUnify(ctx, b, a);
      // evaluate the side whose free variables are in references (iteration) first
      if (b.t === 'array' || b.t === 'object' || b.t === 'var') {
        const ca = this.compileTerm(ctx, a);
        const pat = this.compilePattern(ctx, b, false);
        return (s, env, k) => ca.gen(s, env, (v) => pat(s, env, v, k));
      }
      throw unsafe(varsOf(a)[0] ?? '_', a.loc);
    }
    if (pa) {
      const cb = this.compileTerm(ctx, b);
      const pat = this.compilePattern(ctx, a, false);
      return (s, env, k) => cb.gen(s, env, (v) => pat(s, env, v, k));
    }
    if (pb) {
      const ca = this.compileTerm(ctx, a);
      const pat = this.compilePattern(ctx, b, false);
      return (s, env, k) => ca.gen(s, env, (v) => pat(s, env, v, k));
    }
    const ca = this.compileTerm(ctx, a), cb = this.compileTerm(ctx, b);
    if (ca.direct && cb.direct) {
      const da = ca.direct, db = cb.direct;
      return (s, env, k) => {
        const x = da(s, env);
        if (x === undefined) return false;
        const y = db(s, env);
        return y !== undefined && equal(x, y) ? k() : false;
      };
    }
    return (s, env, k) => ca.gen(s, env, (x) => cb.gen(s, env, (y) => (equal(x, y) ? k() : false)));
  }

  /** the term is (or holds, in an array/object literal) a variable not bound yet */
  private hasFreeVars(ctx: Ctx, t: Term): boolean {
    switch (t.t) {
      case 'var': {
        if (t.name === '_') return true;
        const slot = ctx.scope.lookup(t.name);
        if (slot !== undefined) return !ctx.bound.has(slot);
        return !this.isGlobal(ctx, t.name);
      }
      case 'array':
        return t.items.some((x) => this.hasFreeVars(ctx, x));
      case 'object':
        return t.items.some(([, v]) => this.hasFreeVars(ctx, v));
      default:
        return false;
    }
  }

  private isGlobal(ctx: Ctx, name: string): boolean {
    return name === 'input' || name === 'data' || ctx.aliases.has(name) || ctx.pkgNode.children.has(name);
  }

  /** a pattern: variables bind (first occurrence) or compare, anything else is evaluated and compared */
  private compilePattern(ctx: Ctx, t: Term, declareAll: boolean): PatC {
    switch (t.t) {
      case 'var': {
        let slot: number | undefined;
        if (t.name === '_') slot = ctx.frame.alloc('_');
        else {
          slot = ctx.scope.lookup(t.name);
          if (slot === undefined || declareAll) {
            if (!declareAll && this.isGlobal(ctx, t.name)) break;
            slot = this.declare(ctx, t.name);
          }
        }
        const sl = slot;
        if (ctx.bound.has(sl)) {
          return (_s, env, v, k) => (equal(env[sl]!, v) ? k() : false);
        }
        ctx.bound.add(sl);
        return (_s, env, v, k) => {
          env[sl] = v;
          const r = k();
          env[sl] = undefined;
          return r;
        };
      }
      case 'array': {
        const n = t.items.length;
        const items = t.items.map((x) => this.compilePattern(ctx, x, declareAll));
        return (s, env, v, k) => {
          if (!Array.isArray(v) || v.length !== n) return false;
          const step = (i: number): boolean => (i === n ? k() : items[i]!(s, env, v[i]!, () => step(i + 1)));
          return step(0);
        };
      }
      case 'object': {
        if (t.items.some(([key]) => this.hasFreeVars(ctx, key))) break;
        const keys = t.items.map(([key]) => this.compileTerm(ctx, key));
        const vals = t.items.map(([, val]) => this.compilePattern(ctx, val, declareAll));
        const n = keys.length;
        return (s, env, v, k) => {
          if (!isObject(v) || (v instanceof RObj ? v.m.size : Object.keys(v).length) !== n) return false;
          const step = (i: number): boolean => {
            if (i === n) return k();
            return keys[i]!.gen(s, env, (key) => {
              const x = objGet(v, key);
              return x === undefined ? false : vals[i]!(s, env, x, () => step(i + 1));
            });
          };
          return step(0);
        };
      }
      default:
        break;
    }
    const ct = this.compileTerm(ctx, t);
    return (s, env, v, k) => ct.gen(s, env, (x) => (equal(x, v) ? k() : false));
  }

  // ---- terms --------------------------------------------------------------------------------

  compileTerm(ctx: Ctx, t: Term): CT {
    switch (t.t) {
      case 'scalar': {
        const v = t.v;
        return { gen: (_s, _e, k) => k(v), direct: () => v };
      }
      case 'var':
        return this.compileRef(ctx, t, []);
      case 'ref':
        return this.compileRef(ctx, t.head, t.path);
      case 'array': {
        const items = t.items.map((x) => this.compileTerm(ctx, x));
        return collection(items, (vs) => vs);
      }
      case 'set': {
        const items = t.items.map((x) => this.compileTerm(ctx, x));
        return collection(items, (vs) => RSet.of(vs));
      }
      case 'object': {
        const items = t.items.flatMap(([a, b]) => [this.compileTerm(ctx, a), this.compileTerm(ctx, b)]);
        return collection(items, (vs) => {
          const b = new ObjBuilder();
          for (let i = 0; i < vs.length; i += 2) b.set(vs[i]!, vs[i + 1]!);
          return b.done();
        });
      }
      case 'arraycomp':
      case 'setcomp':
      case 'objcomp':
        return this.compileComprehension(ctx, t);
      case 'call':
        return this.compileCall(ctx, t);
    }
  }

  private compileComprehension(ctx: Ctx, t: Term & { t: 'arraycomp' | 'setcomp' | 'objcomp' }): CT {
    const saved = { scope: ctx.scope, bound: ctx.bound };
    ctx.scope = new Scope(ctx.scope);
    ctx.bound = new Set(ctx.bound);
    const body = this.compileBody(ctx, t.body);
    let direct: Direct;
    if (t.t === 'objcomp') {
      const key = this.compileTerm(ctx, t.key), val = this.compileTerm(ctx, t.value);
      const loc = t.loc;
      direct = (s, env) => {
        const b = new ObjBuilder();
        body(s, env, () =>
          key.gen(s, env, (kv) =>
            val.gen(s, env, (vv) => {
              const prev = b.get(kv);
              if (prev !== undefined && !equal(prev, vv)) throw new RegoError('object keys must be unique', 'eval_conflict_error', loc);
              b.set(kv, vv);
              return false;
            }),
          ),
        );
        return b.done();
      };
    } else {
      const head = this.compileTerm(ctx, t.head);
      direct =
        t.t === 'arraycomp'
          ? (s, env) => {
              const out: Value[] = [];
              body(s, env, () => head.gen(s, env, (v) => (out.push(v), false)));
              return out;
            }
          : (s, env) => {
              const out = new RSet();
              body(s, env, () => head.gen(s, env, (v) => (out.add(v), false)));
              return out;
            };
    }
    ctx.scope = saved.scope;
    ctx.bound = saved.bound;
    return fromDirect(direct);
  }

  /** `name` is a builtin or a user function; returns the group for user functions */
  private resolveFunction(ctx: Ctx, fn: Term): { group?: Group; builtin?: Builtin; name: string } {
    const parts = termPath(fn);
    if (!parts) throw new RegoError('invalid function name', 'rego_type_error', fn.loc);
    const name = parts.join('.');
    const abs = this.absolutePath(ctx, parts);
    if (abs && abs[0] === 'data') {
      let node: Node | undefined = this.root;
      for (const p of abs.slice(1)) node = node?.children.get(p);
      if (node?.group && node.group.kind === 'func') return { group: node.group, name };
    }
    const b = BUILTINS[name];
    if (b) return { builtin: b, name };
    throw new RegoError(`undefined function ${name}`, 'rego_type_error', fn.loc);
  }

  /** a name's absolute path: `["data", ...]` for rules/packages/imports, `["input", ...]`, or undefined for locals */
  private absolutePath(ctx: Ctx, parts: string[]): string[] | undefined {
    const [first, ...rest] = parts;
    if (first === undefined) return undefined;
    if (ctx.scope.lookup(first) !== undefined) return undefined;
    if (first === 'data' || first === 'input') return parts;
    const alias = ctx.aliases.get(first);
    if (alias) return [...alias, ...rest];
    if (ctx.pkgNode.children.has(first)) return ['data', ...ctx.pkgNode.path, ...parts];
    return undefined;
  }

  private compileCall(ctx: Ctx, t: Term & { t: 'call' }): CT {
    const { group, builtin, name } = this.resolveFunction(ctx, t.fn);
    const arity = group ? group.arity! : builtin!.arity;
    if (t.args.length !== arity && t.args.length !== arity + 1 && arity >= 0) {
      throw new RegoError(`${name}: arity mismatch\n\thave: (${t.args.length} args)\n\twant: (${arity} args)`, 'rego_type_error', t.loc);
    }
    const nIn = arity >= 0 ? arity : t.args.length;
    const args = t.args.slice(0, nIn).map((a) => this.compileTerm(ctx, a));
    const out = t.args.length > nIn ? this.compilePattern(ctx, t.args[nIn]!, false) : undefined;
    let call: (s: State, vs: Value[]) => Value | undefined;
    if (group) {
      const g = group;
      call = (s, vs) => callFunction(s, g, vs);
    } else {
      const b = builtin!;
      const loc = t.loc;
      call = (s, vs) => {
        try {
          return b.fn(vs, s);
        } catch (e) {
          if (!(e instanceof BuiltinError)) throw e;
          if (s.opts.strictBuiltinErrors || e.halt) throw new RegoError(`${name}: ${e.message}`, e.code, loc);
          return undefined;
        }
      };
    }
    let ct: CT;
    if (builtin?.many) {
      const many = builtin.many;
      if (!out) throw new RegoError(`${name}: needs an output argument`, 'rego_type_error', t.loc);
      const a0 = args[0]!;
      return { gen: (s, env, k) => a0.gen(s, env, (v) => many([v]).some((r) => out(s, env, r, () => k(true)))) };
    }
    if (args.every((a) => a.direct)) {
      const ds = args.map((a) => a.direct!);
      const n = ds.length;
      const direct: Direct =
        n === 1
          ? (s, env) => {
              const a0 = ds[0]!(s, env);
              return a0 === undefined ? undefined : call(s, [a0]);
            }
          : n === 2
            ? (s, env) => {
                const a0 = ds[0]!(s, env);
                if (a0 === undefined) return undefined;
                const a1 = ds[1]!(s, env);
                return a1 === undefined ? undefined : call(s, [a0, a1]);
              }
            : (s, env) => {
                const vs: Value[] = new Array(n);
                for (let i = 0; i < n; i++) {
                  const v = ds[i]!(s, env);
                  if (v === undefined) return undefined;
                  vs[i] = v;
                }
                return call(s, vs);
              };
      ct = fromDirect(direct);
    } else {
      ct = {
        gen: (s, env, k) => {
          const vs: Value[] = new Array(args.length);
          const step = (i: number): boolean => {
            if (i === args.length) {
              const r = call(s, vs.slice());
              return r === undefined ? false : k(r);
            }
            return args[i]!.gen(s, env, (v) => {
              vs[i] = v;
              return step(i + 1);
            });
          };
          return step(0);
        },
      };
    }
    if (!out) return ct;
    // `f(x, out)`: the extra argument is unified with the result; the expression is then true
    return { gen: (s, env, k) => ct.gen(s, env, (v) => out(s, env, v, () => k(true))) };
  }

  /** variables, references, rules, packages, input and data */
  private compileRef(ctx: Ctx, head: Term, path: Term[]): CT {
    // leading constant string steps
    let headParts: string[] | undefined;
    let rest = path;
    if (head.t === 'var') {
      const slot = head.name === '_' ? undefined : ctx.scope.lookup(head.name);
      if (slot !== undefined || head.name === '_' || !this.isGlobal(ctx, head.name)) {
        if (head.name === '_' || slot === undefined || !ctx.bound.has(slot)) {
          if (path.length === 0) {
            // a lone unbound variable in a value position
            throw unsafe(head.name, head.loc);
          }
          throw unsafe(head.name, head.loc);
        }
        const sl = slot;
        const walk = this.compileWalk(ctx, path);
        return walkFrom((_s, env) => env[sl], walk);
      }
      headParts = [head.name];
      let i = 0;
      while (i < path.length && path[i]!.t === 'scalar' && typeof (path[i] as { v: Value }).v === 'string') {
        headParts.push((path[i] as { v: string }).v);
        i++;
      }
      rest = path.slice(i);
      const abs = this.absolutePath(ctx, headParts)!;
      if (abs[0] === 'input') {
        const keys = abs.slice(1);
        const walk = this.compileWalk(ctx, rest, keys);
        return walkFrom((s) => (s.input === undefined ? undefined : getPath(s.input, keys)), walk);
      }
      return this.compileDataRef(ctx, abs.slice(1), rest);
    }
    const base = this.compileTerm(ctx, head);
    const walk = this.compileWalk(ctx, path);
    if (base.direct) return walkFrom(base.direct, walk);
    return { gen: (s, env, k) => base.gen(s, env, (v) => walk.gen(s, env, v, k)) };
  }

  /** `data.<path>` followed by dynamic steps */
  private compileDataRef(ctx: Ctx, path: string[], rest: Term[]): CT {
    let node = this.root;
    let i = 0;
    while (i < path.length && !node.group) {
      const c = node.children.get(path[i]!);
      if (!c) break;
      node = c;
      i++;
    }
    const walk = this.compileWalk(ctx, rest);
    const fullPath = path;
    let base: Direct;
    if (node.group) {
      const g = node.group;
      if (g.kind === 'func') throw new RegoError(`function data.${g.path.join('.')} called without arguments`, 'rego_type_error', rest[0]?.loc);
      const remaining = path.slice(i);
      base = (s) => {
        if (s.overrides.length) return resolveOverridden(s, fullPath);
        const v = evalGroup(s, g);
        return remaining.length ? getPath(v, remaining) : v;
      };
    } else if (i === path.length) {
      const n = node;
      base = (s) => (s.overrides.length ? resolveOverridden(s, fullPath) : materialize(s, n));
    } else {
      // below a package, outside any rule: base data only
      base = (s) => (s.overrides.length ? resolveOverridden(s, fullPath) : getPath(s.data, fullPath));
    }
    return walkFrom(base, walk);
  }

  private compileWalk(ctx: Ctx, path: Term[], inputKeys?: string[]): Walk {
    type Step = { c?: Value; d?: Direct; bind?: PatC; g?: Gen };
    const steps: Step[] = path.map((p) => {
      if (p.t === 'scalar') return { c: p.v };
      if (this.hasFreeVars(ctx, p)) return { bind: this.compilePattern(ctx, p, false) };
      const ct = this.compileTerm(ctx, p);
      return ct.direct ? { d: ct.direct } : { g: ct.gen };
    });
    const trace = inputKeys;
    type F = (s: State, env: Env, v: Value, k: VK) => boolean;
    let f: F = (_s, _e, v, k) => k(v);
    type DW = ((s: State, env: Env, v: Value) => Value | undefined) | undefined;
    let direct: DW = (_s, _e, v) => v;
    for (let i = steps.length - 1; i >= 0; i--) {
      const st = steps[i]!;
      const next = f;
      const nd: DW = direct;
      if (st.c !== undefined) {
        const c = st.c;
        f = (s, env, v, k) => {
          const x = lookup(v, c);
          return x === undefined ? false : next(s, env, x, k);
        };
        direct = nd && ((s, env, v) => {
          const x = lookup(v, c);
          return x === undefined ? undefined : nd(s, env, x);
        });
      } else if (st.d) {
        const d = st.d;
        f = (s, env, v, k) => {
          const key = d(s, env);
          if (key === undefined) return false;
          const x = lookup(v, key);
          return x === undefined ? false : next(s, env, x, k);
        };
        direct = nd && ((s, env, v) => {
          const key = d(s, env);
          if (key === undefined) return undefined;
          const x = lookup(v, key);
          return x === undefined ? undefined : nd(s, env, x);
        });
      } else if (st.bind) {
        const bind = st.bind;
        direct = undefined;
        f = (s, env, v, k) => iterate(v, (key, x) => bind(s, env, key, () => next(s, env, x, k)));
      } else {
        const g = st.g!;
        direct = undefined;
        f = (s, env, v, k) =>
          g(s, env, (key) => {
            const x = lookup(v, key);
            return x === undefined ? false : next(s, env, x, k);
          });
      }
    }
    void trace;
    return { gen: f, direct };
  }
}

export interface CompiledQuery {
  readonly body: LitC;
  readonly frame: Frame;
  /** per literal, the value of the current solution */
  readonly values: (Value | undefined)[];
  readonly vars: [string, number][];
}

interface Walk {
  gen: (s: State, env: Env, v: Value, k: VK) => boolean;
  direct?: (s: State, env: Env, v: Value) => Value | undefined;
}

function walkFrom(base: Direct, walk: Walk): CT {
  const wd = walk.direct;
  if (wd) {
    return fromDirect((s, env) => {
      const v = base(s, env);
      return v === undefined ? undefined : wd(s, env, v);
    });
  }
  const wg = walk.gen;
  return {
    gen: (s, env, k) => {
      const v = base(s, env);
      return v === undefined ? false : wg(s, env, v, k);
    },
  };
}

function fromDirect(direct: Direct): CT {
  return {
    direct,
    gen: (s, env, k) => {
      const v = direct(s, env);
      return v === undefined ? false : k(v);
    },
  };
}

function collection(items: CT[], make: (vs: Value[]) => Value): CT {
  if (items.every((x) => x.direct)) {
    const ds = items.map((x) => x.direct!);
    return fromDirect((s, env) => {
      const vs: Value[] = new Array(ds.length);
      for (let i = 0; i < ds.length; i++) {
        const v = ds[i]!(s, env);
        if (v === undefined) return undefined;
        vs[i] = v;
      }
      return make(vs);
    });
  }
  return {
    gen: (s, env, k) => {
      const vs: Value[] = new Array(items.length);
      const step = (i: number): boolean => {
        if (i === items.length) return k(make(vs.slice()));
        return items[i]!.gen(s, env, (v) => {
          vs[i] = v;
          return step(i + 1);
        });
      };
      return step(0);
    },
  };
}

function evalDirect(ct: CT, s: State, env: Env): Value | undefined {
  if (ct.direct) return ct.direct(s, env);
  let out: Value | undefined;
  ct.gen(s, env, (v) => ((out = v), true));
  return out;
}

function seq(lits: LitC[]): LitC {
  if (lits.length === 0) return (_s, _e, k) => k();
  if (lits.length === 1) return lits[0]!;
  const first = lits[0]!;
  const rest = seq(lits.slice(1));
  return (s, env, k) => first(s, env, () => rest(s, env, k));
}

/** a path of plain names: `a.b.c`, `data.x["y"]` */
export function termPath(t: Term): string[] | undefined {
  const parts = t.t === 'ref' ? [t.head, ...t.path] : [t];
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === 0 && p.t === 'var') out.push(p.name);
    else if (i > 0 && p.t === 'scalar' && typeof p.v === 'string') out.push(p.v);
    else return undefined;
  }
  return out;
}

function varsOf(t: Term): string[] {
  switch (t.t) {
    case 'var':
      return t.name === '_' ? [] : [t.name];
    case 'array':
      return t.items.flatMap(varsOf);
    case 'object':
      return t.items.flatMap(([, v]) => varsOf(v));
    default:
      return [];
  }
}

function isGround(t: Term): boolean {
  switch (t.t) {
    case 'scalar':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.items.every(([a, b]) => isGround(a) && isGround(b));
    default:
      return false;
  }
}

function setPath(base: Value | undefined, path: readonly string[], v: Value): Value {
  if (path.length === 0) return v;
  const [first, ...rest] = path as [string, ...string[]];
  const obj: PlainObject = Object.create(null);
  if (base !== undefined && isPlain(base)) for (const key of Object.keys(base)) obj[key] = base[key]!;
  obj[first] = setPath(base !== undefined && isPlain(base) ? base[first] : undefined, rest, v);
  return obj;
}

// ---- rule evaluation ----------------------------------------------------------------------------

function newEnv(def: CompiledDef): Env {
  return new Array(def.frame.nslots);
}

export function evalGroup(s: State, g: Group): Value | undefined {
  const c = s.cache[g.id];
  if (c !== undefined) return c === UNDEF ? undefined : (c as Value);
  if (s.inProgress[g.id]) throw new RegoError(`rego_recursion_error: rule data.${g.path.join('.')} is recursive`, 'rego_recursion_error', g.rules[0]?.loc);
  s.inProgress[g.id] = 1;
  let result: Value | undefined;
  try {
    result = computeGroup(s, g);
  } finally {
    s.inProgress[g.id] = 0;
  }
  s.cache[g.id] = result === undefined ? UNDEF : result;
  return result;
}

/** a document built by nested ref-head rules */
class Tree {
  readonly m = new Map<string, { key: Value; v: Tree | RSet | Value }>();
  insert(keys: Value[], leafSet: boolean, v: Value, loc: Loc): void {
    let t: Tree = this;
    for (let i = 0; i < keys.length; i++) {
      const kk = keyOf(keys[i]!);
      const e = t.m.get(kk);
      const last = i === keys.length - 1;
      if (!last) {
        if (e && !(e.v instanceof Tree)) throw new RegoError('object keys must be unique', 'eval_conflict_error', loc);
        if (!e) t.m.set(kk, { key: keys[i]!, v: new Tree() });
        t = t.m.get(kk)!.v as Tree;
        continue;
      }
      if (leafSet) {
        if (e && !(e.v instanceof RSet)) throw new RegoError('object keys must be unique', 'eval_conflict_error', loc);
        if (!e) t.m.set(kk, { key: keys[i]!, v: new RSet() });
        (t.m.get(kk)!.v as RSet).add(v);
      } else {
        if (e && (e.v instanceof Tree || !equal(e.v as Value, v))) throw new RegoError('object keys must be unique', 'eval_conflict_error', loc);
        t.m.set(kk, { key: keys[i]!, v });
      }
    }
  }
  toValue(): Value {
    const b = new ObjBuilder();
    for (const { key, v } of this.m.values()) b.set(key, v instanceof Tree ? v.toValue() : v);
    return b.done();
  }
}

function computeGroup(s: State, g: Group): Value | undefined {
  if (g.kind === 'nested') {
    const tree = new Tree();
    for (const def of g.defs) {
      const env = newEnv(def);
      const alt = def.alts[0]!;
      const { leafSet } = def.rule.nested!;
      const keysC = alt.nestedKeys!;
      const leaf = leafSet ? alt.key! : alt.value;
      const keys: Value[] = new Array(keysC.length);
      const step = (i: number): boolean =>
        i === keysC.length
          ? leaf.gen(s, env, (v) => (tree.insert(keys.slice(), leafSet, v, def.rule.loc), false))
          : keysC[i]!.gen(s, env, (kv) => ((keys[i] = kv), step(i + 1)));
      alt.body(s, env, () => step(0));
    }
    return tree.toValue();
  }
  if (g.kind === 'set') {
    const out = new RSet();
    for (const def of g.defs) {
      const env = newEnv(def);
      const alt = def.alts[0]!;
      alt.body(s, env, () => alt.key!.gen(s, env, (v) => (out.add(v), false)));
    }
    return out;
  }
  if (g.kind === 'object') {
    const b = new ObjBuilder();
    for (const def of g.defs) {
      const env = newEnv(def);
      const alt = def.alts[0]!;
      const loc = def.rule.loc;
      const put = (key: Value, v: Value) => {
        const prev = b.get(key);
        if (prev !== undefined && !equal(prev, v)) throw new RegoError('object keys must be unique', 'eval_conflict_error', loc);
        b.set(key, v);
        return false;
      };
      alt.body(s, env, () => alt.key!.gen(s, env, (key) => alt.value.gen(s, env, (v) => put(key, v))));
    }
    return b.done();
  }
  let result: Value | undefined;
  for (const def of g.defs) {
    const env = newEnv(def);
    for (const alt of def.alts) {
      let found = false;
      alt.body(s, env, () =>
        alt.value.gen(s, env, (v) => {
          if (result === undefined) result = v;
          // OPA 1.x's wording (0.x said "complete rules must not produce multiple outputs")
          else if (!equal(result, v)) throw new RegoError(`rule data.${g.path.join('.')} produced conflicting values`, 'eval_conflict_error', def.rule.loc);
          found = true;
          return alt.valueGround || def.alts.length > 1;
        }),
      );
      if (found) break;
    }
  }
  if (result === undefined && g.defaultValue) result = evalDirect(g.defaultValue, s, []);
  return result;
}

export function callFunction(s: State, g: Group, args: Value[]): Value | undefined {
  let result: Value | undefined;
  for (const def of g.defs) {
    const env = newEnv(def);
    const params = def.params!;
    const n = params.length;
    const bindParams = (i: number, k: K): boolean => (i === n ? k() : params[i]!(s, env, args[i]!, () => bindParams(i + 1, k)));
    for (const alt of def.alts) {
      let found = false;
      bindParams(0, () =>
        alt.body(s, env, () =>
          alt.value.gen(s, env, (v) => {
            if (result === undefined) result = v;
            else if (!equal(result, v)) throw new RegoError(`function data.${g.path.join('.')} produced conflicting values for the same inputs`, 'eval_conflict_error', def.rule.loc);
            found = true;
            return alt.valueGround || def.alts.length > 1;
          }),
        ),
      );
      if (found) break;
    }
  }
  if (result === undefined && g.defaultDef) {
    const def = g.defaultDef;
    const env = newEnv(def);
    const params = def.params!;
    const bindParams = (i: number, k: K): boolean => (i === params.length ? k() : params[i]!(s, env, args[i]!, () => bindParams(i + 1, k)));
    bindParams(0, () => def.alts[0]!.value.gen(s, env, (v) => ((result = v), true)));
  }
  return result;
}

/** the value of a package node: its rules' values over the base data at that path */
export function materialize(s: State, node: Node): Value {
  const cached = s.matCache.get(node);
  if (cached !== undefined) return cached;
  const b = new ObjBuilder();
  const baseDoc = getPath(s.data, node.path);
  if (baseDoc !== undefined && isObject(baseDoc)) for (const [k, v] of objEntries(baseDoc)) b.set(k, v);
  for (const [name, child] of node.children) {
    if (child.group) {
      if (child.group.kind === 'func') continue;
      const v = evalGroup(s, child.group);
      if (v !== undefined) b.set(name, v);
    } else b.set(name, materialize(s, child));
  }
  const out = b.done();
  s.matCache.set(node, out);
  return out;
}

/** data at a path while `with data.… as …` is in force */
function resolveOverridden(s: State, path: readonly string[]): Value | undefined {
  for (let i = s.overrides.length - 1; i >= 0; i--) {
    const o = s.overrides[i]!;
    if (o.path.length <= path.length && o.path.every((p, j) => p === path[j])) return getPath(o.value, path, o.path.length);
  }
  // nothing overrides this path or above: compute it, then lay the overrides below it over the value
  let node: Node | undefined = s.policy.root;
  let i = 0;
  while (node && i < path.length && !node.group) node = node.children.get(path[i++]!);
  let v: Value | undefined;
  if (node?.group) v = getPath(evalGroup(s, node.group), path, i);
  else if (node) v = materialize(s, node);
  else v = getPath(s.data, path);
  for (const o of s.overrides) {
    if (o.path.length > path.length && path.every((p, j) => p === o.path[j])) v = setPath(v, o.path.slice(path.length), o.value);
  }
  return v;
}

export { compare, K_ARR, K_OBJ, K_SET, kindOf };
