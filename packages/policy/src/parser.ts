/**
 * Rego lexer and recursive-descent parser (v0 and v1 syntax). Operator precedence follows OPA's
 * parser, lowest first: `=`/`:=`, `in`, relations (`==` `!=` `<` `>` `<=` `>=`), `|`, `&`, `+ -`, `* / %`.
 * Newlines separate the literals of a body; inside brackets they are blanks.
 */
import type { Import, Literal, Loc, Module, Rule, RuleElse, Term, With } from './ast';
import type { Value } from './value';

export class RegoError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly loc?: Loc,
  ) {
    super(message);
  }
}

interface Tok {
  k: 'id' | 'num' | 'str' | 'op' | 'eof';
  v: string;
  val?: Value;
  row: number;
  col: number;
  pos: number;
  end: number;
  /** a newline comes between the previous token and this one */
  nl: boolean;
}

const OPS = [':=', '==', '!=', '<=', '>=', '{', '}', '[', ']', '(', ')', '.', ',', ';', ':', '=', '<', '>', '+', '-', '*', '/', '%', '|', '&'];

function lex(src: string, file: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0, row = 1, lineStart = 0, nl = false;
  const n = src.length;
  const err = (msg: string) => new RegoError(msg, 'rego_parse_error', { file, row, col: i - lineStart + 1 });
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      i++;
      row++;
      lineStart = i;
      nl = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    const start = i, col = i - lineStart + 1, tokRow = row;
    const push = (k: Tok['k'], v: string, val?: Value) => {
      toks.push({ k, v, val, row: tokRow, col, pos: start, end: i, nl });
      nl = false;
    };
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) {
      while (i < n && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      push('id', src.slice(start, i));
      continue;
    }
    if (c >= 48 && c <= 57) {
      const m = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 400))!;
      i += m[0].length;
      if (i < n && /[A-Za-z0-9_.]/.test(src[i]!)) throw err('illegal number format');
      push('num', m[0], Number(m[0]));
      continue;
    }
    if (c === 34 /* " */) {
      i++;
      let s = '';
      for (;;) {
        if (i >= n || src.charCodeAt(i) === 10) throw err('non-terminated string');
        const ch = src[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = src[i + 1];
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (e !== undefined && simple[e] !== undefined) {
            s += simple[e];
            i += 2;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            s += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
          } else throw err('illegal escape sequence');
          continue;
        }
        s += ch;
        i++;
      }
      push('str', src.slice(start, i), s);
      continue;
    }
    if (c === 96 /* ` */) {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw err('non-terminated raw string');
      const s = src.slice(i + 1, close);
      for (const ch of s) if (ch === '\n') row++;
      if (s.includes('\n')) lineStart = start + 1 + s.lastIndexOf('\n') + 1;
      i = close + 1;
      push('str', src.slice(start, i), s);
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw err(`illegal token`);
    i += op.length;
    push('op', op);
  }
  toks.push({ k: 'eof', v: '', row, col: i - lineStart + 1, pos: n, end: n, nl: true });
  return toks;
}

/** ref elements written `.name` (not `["name"]`): v0 reads `p["a"] { }` as a partial set, `p.a { }` as a rule */
const DOTTED = new WeakSet<Term>();

const RELATIONS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte' };

export interface ParseOptions {
  /** Rego v1 syntax (OPA 1.x default): `if` before bodies and `contains` for partial sets are required */
  readonly v1?: boolean;
}

class Parser {
  private i = 0;
  /** bracket depth since the innermost body: newlines end literals only at depth 0 */
  private nest = 0;
  /** parsing the head of a possible comprehension: `|` ends the term */
  private noBar = false;
  private readonly toks: Tok[];
  v1: boolean;

  constructor(
    readonly src: string,
    readonly file: string,
    opts: ParseOptions,
  ) {
    this.toks = lex(src, file);
    this.v1 = !!opts.v1;
  }

  private get tok(): Tok {
    return this.toks[this.i]!;
  }
  private peek(n = 1): Tok {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private loc(t: Tok = this.tok): Loc {
    return { file: this.file, row: t.row, col: t.col };
  }
  private fail(msg?: string, t: Tok = this.tok): never {
    const what = t.k === 'eof' ? 'eof' : t.k === 'id' ? 'identifier' : t.k === 'str' ? 'string' : t.k === 'num' ? 'number' : t.v;
    throw new RegoError(msg ?? `unexpected ${what} token`, 'rego_parse_error', this.loc(t));
  }
  private isOp(v: string): boolean {
    return this.tok.k === 'op' && this.tok.v === v;
  }
  private isId(v: string): boolean {
    return this.tok.k === 'id' && this.tok.v === v;
  }
  private expectOp(v: string): Tok {
    if (!this.isOp(v)) this.fail(this.tok.k === 'eof' ? undefined : `unexpected ${this.tok.k === 'id' ? 'identifier' : this.tok.v || this.tok.k} token: expected ${v}`);
    return this.toks[this.i++]!;
  }
  /** the current token starts a new literal (newline at body depth) */
  private atBreak(): boolean {
    return this.nest === 0 && this.tok.nl;
  }
  /** the current token touches the previous one (ref continuations must) */
  private adjacent(): boolean {
    return this.i > 0 && this.toks[this.i - 1]!.end === this.tok.pos;
  }

  // ---- modules -------------------------------------------------------------------------------

  parseModule(): Module {
    if (!this.isId('package')) this.fail(this.tok.k === 'eof' ? 'empty module' : 'package expected');
    this.i++;
    const pkgRef = this.parseRefOnly();
    const pkg = refToStrings(pkgRef, this.file);
    const imports: Import[] = [];
    const rules: Rule[] = [];
    let regoV1 = this.v1;
    while (this.tok.k !== 'eof') {
      if (this.isId('import')) {
        const loc = this.loc();
        this.i++;
        const path = this.parseRefOnly();
        let alias: string | undefined;
        if (this.isId('as') && !this.tok.nl) {
          this.i++;
          if (this.tok.k !== 'id') this.fail();
          alias = this.toks[this.i++]!.v;
        }
        const head = path.t === 'ref' ? path.head : path;
        const parts = path.t === 'ref' ? [head, ...path.path] : [head];
        const first = head.t === 'var' ? head.name : '';
        if (first !== 'data' && first !== 'input' && first !== 'future' && first !== 'rego') {
          throw new RegoError(`unexpected import path, must begin with one of: {data, future, input, rego}, got: ${first}`, 'rego_parse_error', loc);
        }
        if (first === 'rego' && parts.length === 2 && parts[1]!.t === 'scalar' && parts[1]!.v === 'v1') regoV1 = true;
        imports.push({ path, alias, loc });
        continue;
      }
      if (this.isId('package')) this.fail('unexpected package keyword');
      rules.push(...this.parseRule(rules.length, regoV1));
    }
    return { file: this.file, pkg, imports, rules, regoV1 };
  }

  /** `a.b["c"]` with no calls or operators */
  private parseRefOnly(): Term {
    if (this.tok.k !== 'id') this.fail();
    const first = this.toks[this.i++]!;
    const head: Term = { t: 'var', name: first.v, loc: this.loc(first) };
    const path: Term[] = [];
    for (;;) {
      if (this.isOp('.') && this.adjacent()) {
        this.i++;
        if (this.tok.k !== 'id') this.fail();
        const t = this.toks[this.i++]!;
        const key: Term = { t: 'scalar', v: t.v, loc: this.loc(t) };
        DOTTED.add(key);
        path.push(key);
      } else if (this.isOp('[') && this.adjacent()) {
        this.i++;
        this.nest++;
        path.push(this.parseIn());
        this.nest--;
        this.expectOp(']');
      } else break;
    }
    return path.length ? { t: 'ref', head, path, loc: head.loc } : head;
  }

  private parseRule(_n: number, v1: boolean): Rule[] {
    const loc = this.loc();
    const isDefault = this.isId('default');
    if (isDefault) this.i++;
    if (this.tok.k !== 'id') this.fail();
    const headTerm = this.parseRefOnly();
    const ref: Term[] = headTerm.t === 'ref' ? [headTerm.head, ...headTerm.path] : [headTerm];
    const base = (): Rule => ({ kind: 'complete', ref, value: { t: 'scalar', v: true, loc }, body: [], isDefault, elses: [], loc, module: 0 });
    const rule = base();
    if (this.isOp('(') && this.adjacent()) {
      this.i++;
      this.nest++;
      const args: Term[] = [];
      while (!this.isOp(')')) {
        args.push(this.parseIn());
        if (!this.isOp(',')) break;
        this.i++;
      }
      this.nest--;
      this.expectOp(')');
      rule.kind = 'func';
      rule.args = args;
    }
    if (this.isId('contains') && !this.tok.nl && rule.kind !== 'func') {
      this.i++;
      rule.kind = 'set';
      rule.key = this.parseIn();
    } else if ((this.isOp('=') || this.isOp(':=')) && !this.tok.nl) {
      this.i++;
      rule.value = this.parseIn();
      if (rule.kind !== 'func' && ref.length > 1) this.splitRefHead(rule, 'object');
    } else if (rule.kind !== 'func' && ref.length > 1 && !DOTTED.has(ref[ref.length - 1]!) && (!v1 || ref[ref.length - 1]!.t !== 'scalar' || typeof (ref[ref.length - 1] as { v: unknown }).v !== 'string')) {
      // `p[x] { ... }`: a partial set in v0; in v1 a ref head whose value is true
      if (v1) this.splitRefHead(rule, 'object');
      else {
        rule.kind = 'set';
        rule.key = ref.pop();
      }
    }
    if (isDefault) {
      if (rule.kind === 'set' || rule.kind === 'object') throw new RegoError('default rules must not have a key', 'rego_parse_error', loc);
      if (this.isId('if') || this.isOp('{')) throw new RegoError('default rules must not have a body', 'rego_parse_error', loc);
      return [rule];
    }
    const rules = [rule];
    rule.body = this.parseRuleBody(v1, rule, true);
    // v0 allows several bodies in a row: one definition each
    while (this.isOp('{') && !v1) {
      const again = { ...base(), kind: rule.kind, key: rule.key, value: rule.value, args: rule.args };
      again.body = this.parseRuleBody(v1, again, false);
      rules.push(again);
    }
    while (this.isId('else')) {
      const eloc = this.loc();
      this.i++;
      let value: Term = { t: 'scalar', v: true, loc: eloc };
      if (this.isOp('=') || this.isOp(':=')) {
        this.i++;
        value = this.parseIn();
      }
      const holder = base();
      const body = this.parseRuleBody(v1, holder, false);
      (rule.elses as RuleElse[]).push({ value, body, loc: eloc });
    }
    return rules;
  }

  /** `a.b[k] = v`: the last element is a key when it is not a constant */
  private splitRefHead(rule: Rule, kind: 'object'): void {
    const last = rule.ref[rule.ref.length - 1]!;
    if (last.t === 'scalar' && typeof last.v === 'string') return;
    rule.kind = kind;
    rule.key = rule.ref.pop();
  }

  private parseRuleBody(v1: boolean, rule: Rule, first: boolean): Literal[] {
    if (this.isId('if') && !(this.tok.nl && !first)) {
      this.i++;
      if (this.isOp('{')) return this.parseBraceBody();
      return [this.parseLiteralWithNest()];
    }
    if (this.isOp('{')) {
      if (v1) throw new RegoError('`if` keyword is required before rule body', 'rego_parse_error', rule.loc);
      return this.parseBraceBody();
    }
    if (v1 && rule.kind === 'set' && rule.ref.length === 1 && rule.key && !first) this.fail();
    return [];
  }

  private parseLiteralWithNest(): Literal {
    const saved = this.nest;
    this.nest = 0;
    const lit = this.parseLiteral();
    this.nest = saved;
    return lit;
  }

  private parseBraceBody(): Literal[] {
    this.expectOp('{');
    const saved = [this.nest, this.noBar] as const;
    this.nest = 0;
    this.noBar = false;
    const body = this.parseQueryUntil('}');
    [this.nest, this.noBar] = saved;
    this.expectOp('}');
    if (!body.length) this.fail('found empty body', this.toks[this.i - 1]);
    return body;
  }

  /** literals separated by `;` or newlines, up to (not consuming) `close` */
  parseQueryUntil(close: string | null): Literal[] {
    const out: Literal[] = [];
    for (;;) {
      if (close === null ? this.tok.k === 'eof' : this.isOp(close)) return out;
      out.push(this.parseLiteral());
      if (this.isOp(';')) {
        this.i++;
        continue;
      }
      if (close === null ? this.tok.k === 'eof' : this.isOp(close)) return out;
      if (!this.tok.nl) this.fail();
    }
  }

  private parseLiteral(): Literal {
    const start = this.tok;
    const loc = this.loc();
    if (this.isId('some') && !this.peek().nl && this.peek().k !== 'eof' && !(this.peek().k === 'op' && [':=', '=', '==', '!=', '.', '[', '(', ';', '}', ')', ']', ','].includes(this.peek().v))) {
      this.i++;
      const terms: Term[] = [this.parseRel()];
      while (this.isOp(',')) {
        this.i++;
        terms.push(this.parseRel());
      }
      if (this.isId('in') && !this.atBreak()) {
        this.i++;
        if (terms.length > 2) this.fail();
        const coll = this.parseRel();
        const withs = this.parseWiths();
        return terms.length === 2
          ? { k: 'somein', key: terms[0], value: terms[1]!, coll, withs, loc }
          : { k: 'somein', value: terms[0]!, coll, withs, loc };
      }
      for (const t of terms) if (t.t !== 'var') throw new RegoError('expected var', 'rego_parse_error', t.loc);
      return { k: 'some', vars: terms, loc };
    }
    if (this.isId('every') && this.peek().k === 'id') {
      this.i++;
      const terms: Term[] = [this.parseRel()];
      if (this.isOp(',')) {
        this.i++;
        terms.push(this.parseRel());
      }
      if (!this.isId('in')) this.fail();
      this.i++;
      const domain = this.parseRel();
      const body = this.parseBraceBody();
      const withs = this.parseWiths();
      return terms.length === 2 ? { k: 'every', key: terms[0], value: terms[1]!, domain, body, withs, loc } : { k: 'every', value: terms[0]!, domain, body, withs, loc };
    }
    let negated = false;
    if (this.isId('not') && !this.peek().nl) {
      this.i++;
      negated = true;
    }
    const expr = this.parseExpr();
    const withs = this.parseWiths();
    const text = this.src.slice(start.pos, this.toks[this.i - 1]!.end);
    return { k: 'expr', negated, expr, withs, loc, text };
  }

  private parseWiths(): With[] {
    const withs: With[] = [];
    while (this.isId('with') && !this.atBreak()) {
      const loc = this.loc();
      this.i++;
      const target = this.parseRefOnly();
      if (!this.isId('as')) this.fail();
      this.i++;
      const value = this.parseIn();
      withs.push({ target, value, loc });
    }
    return withs;
  }

  // ---- expressions ---------------------------------------------------------------------------

  private call(name: string, args: Term[], loc: Loc): Term {
    return { t: 'call', fn: { t: 'var', name, loc }, args, loc };
  }

  parseExpr(): Term {
    const lhs = this.parseIn(true);
    if ((this.isOp('=') || this.isOp(':=')) && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      const rhs = this.parseIn();
      return this.call(op.v === '=' ? 'eq' : 'assign', [lhs, rhs], this.loc(op));
    }
    return lhs;
  }

  /** `keyVal`: `k, v in xs` is read here (expressions and parentheses; not in lists, where `,` separates) */
  private parseIn(keyVal = false): Term {
    let lhs = this.parseRel();
    if (keyVal && this.isOp(',')) {
      const saved = this.i;
      try {
        this.i++;
        const mhs = this.parseRel();
        if (this.isId('in') && !this.atBreak()) {
          const op = this.toks[this.i++]!;
          lhs = this.call('internal.member_3', [lhs, mhs, this.parseRel()], this.loc(op));
        } else this.i = saved;
      } catch (e) {
        if (!(e instanceof RegoError)) throw e;
        this.i = saved;
      }
    }
    while (this.isId('in') && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      const rhs = this.parseRel();
      lhs = this.call('internal.member_2', [lhs, rhs], this.loc(op));
    }
    return lhs;
  }

  private parseRel(): Term {
    let lhs = this.parseOr();
    while (this.tok.k === 'op' && RELATIONS[this.tok.v] && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      lhs = this.call(RELATIONS[op.v]!, [lhs, this.parseOr()], this.loc(op));
    }
    return lhs;
  }

  private parseOr(): Term {
    let lhs = this.parseAnd();
    while (this.isOp('|') && !this.noBar && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      lhs = this.call('or', [lhs, this.parseAnd()], this.loc(op));
    }
    return lhs;
  }

  private parseAnd(): Term {
    let lhs = this.parseArith();
    while (this.isOp('&') && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      lhs = this.call('and', [lhs, this.parseArith()], this.loc(op));
    }
    return lhs;
  }

  private parseArith(): Term {
    let lhs = this.parseFactor();
    while ((this.isOp('+') || this.isOp('-')) && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      lhs = this.call(op.v === '+' ? 'plus' : 'minus', [lhs, this.parseFactor()], this.loc(op));
    }
    return lhs;
  }

  private parseFactor(): Term {
    let lhs = this.parseTerm();
    while ((this.isOp('*') || this.isOp('/') || this.isOp('%')) && !this.atBreak()) {
      const op = this.toks[this.i++]!;
      lhs = this.call(op.v === '*' ? 'mul' : op.v === '/' ? 'div' : 'rem', [lhs, this.parseTerm()], this.loc(op));
    }
    return lhs;
  }

  private withNest<T>(f: () => T): T {
    const saved = [this.nest, this.noBar] as const;
    this.nest++;
    this.noBar = false;
    try {
      return f();
    } finally {
      [this.nest, this.noBar] = saved;
    }
  }

  private parseTerm(): Term {
    const t = this.tok;
    const loc = this.loc(t);
    let term: Term;
    if (t.k === 'num') {
      this.i++;
      term = { t: 'scalar', v: t.val!, loc };
    } else if (t.k === 'str') {
      this.i++;
      term = { t: 'scalar', v: t.val!, loc };
    } else if (t.k === 'id') {
      this.i++;
      if (t.v === 'true' || t.v === 'false') term = { t: 'scalar', v: t.v === 'true', loc };
      else if (t.v === 'null') term = { t: 'scalar', v: null, loc };
      else term = { t: 'var', name: t.v, loc };
    } else if (t.k === 'op' && t.v === '-') {
      this.i++;
      if (this.tok.k === 'num' && this.adjacent()) {
        const nt = this.toks[this.i++]!;
        term = { t: 'scalar', v: -(nt.val as number), loc };
      } else term = this.call('minus', [{ t: 'scalar', v: 0, loc }, this.parseTerm()], loc);
    } else if (t.k === 'op' && t.v === '[') {
      this.i++;
      term = this.withNest(() => this.parseArrayRest(loc));
    } else if (t.k === 'op' && t.v === '{') {
      this.i++;
      term = this.withNest(() => this.parseBraceRest(loc));
    } else if (t.k === 'op' && t.v === '(') {
      this.i++;
      term = this.withNest(() => this.parseExpr());
      this.expectOp(')');
    } else this.fail();
    return this.parsePostfix(term);
  }

  private parsePostfix(term: Term): Term {
    for (;;) {
      if (this.isOp('.') && this.adjacent() && this.peek().k === 'id') {
        this.i++;
        const id = this.toks[this.i++]!;
        term = appendRef(term, { t: 'scalar', v: id.v, loc: this.loc(id) });
      } else if (this.isOp('[') && this.adjacent()) {
        this.i++;
        const key = this.withNest(() => this.parseIn());
        this.expectOp(']');
        term = appendRef(term, key);
      } else if (this.isOp('(') && this.adjacent() && (term.t === 'var' || term.t === 'ref')) {
        const loc = this.loc();
        this.i++;
        const args = this.withNest(() => {
          const a: Term[] = [];
          while (!this.isOp(')')) {
            a.push(this.parseIn());
            if (!this.isOp(',')) break;
            this.i++;
          }
          return a;
        });
        this.expectOp(')');
        if (term.t === 'var' && term.name === 'set' && args.length === 0) term = { t: 'set', items: [], loc: term.loc };
        else term = { t: 'call', fn: term, args, loc: term.loc ?? loc };
      } else return term;
    }
  }

  private parseComprehensionBody(close: string): Literal[] {
    this.i++; // |
    const saved = [this.nest, this.noBar] as const;
    this.nest = 0;
    this.noBar = false;
    const body = this.parseQueryUntil(close);
    [this.nest, this.noBar] = saved;
    return body;
  }

  private parseArrayRest(loc: Loc): Term {
    if (this.isOp(']')) {
      this.i++;
      return { t: 'array', items: [], loc };
    }
    this.noBar = true;
    const first = this.parseIn();
    this.noBar = false;
    if (this.isOp('|')) {
      const body = this.parseComprehensionBody(']');
      this.expectOp(']');
      return { t: 'arraycomp', head: first, body, loc };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.isOp(']')) break;
      items.push(this.parseIn());
    }
    this.expectOp(']');
    return { t: 'array', items, loc };
  }

  private parseBraceRest(loc: Loc): Term {
    if (this.isOp('}')) {
      this.i++;
      return { t: 'object', items: [], loc };
    }
    this.noBar = true;
    const first = this.parseIn();
    if (this.isOp(':')) {
      this.i++;
      const value = this.parseIn();
      this.noBar = false;
      if (this.isOp('|')) {
        const body = this.parseComprehensionBody('}');
        this.expectOp('}');
        return { t: 'objcomp', key: first, value, body, loc };
      }
      const items: [Term, Term][] = [[first, value]];
      while (this.isOp(',')) {
        this.i++;
        if (this.isOp('}')) break;
        const k = this.parseIn();
        this.expectOp(':');
        items.push([k, this.parseIn()]);
      }
      this.expectOp('}');
      return { t: 'object', items, loc };
    }
    this.noBar = false;
    if (this.isOp('|')) {
      const body = this.parseComprehensionBody('}');
      this.expectOp('}');
      return { t: 'setcomp', head: first, body, loc };
    }
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.isOp('}')) break;
      items.push(this.parseIn());
    }
    this.expectOp('}');
    return { t: 'set', items, loc };
  }

  parseQuery(): Literal[] {
    const body = this.parseQueryUntil(null);
    if (!body.length) this.fail('empty query');
    return body;
  }
}

function appendRef(term: Term, key: Term): Term {
  if (term.t === 'ref') return { ...term, path: [...term.path, key] };
  return { t: 'ref', head: term, path: [key], loc: term.loc };
}

export function refToStrings(t: Term, file: string): string[] {
  const parts = t.t === 'ref' ? [t.head, ...t.path] : [t];
  return parts.map((p, i) => {
    if (i === 0 && p.t === 'var') return p.name;
    if (p.t === 'scalar' && typeof p.v === 'string') return p.v;
    throw new RegoError('unexpected non-string package path element', 'rego_parse_error', p.loc ?? { file, row: 1, col: 1 });
  });
}

export function parseModule(src: string, file: string, opts: ParseOptions = {}): Module {
  const p = new Parser(src, file, opts);
  return p.parseModule();
}

export function parseQuery(src: string, file = '', opts: ParseOptions = {}): Literal[] {
  return new Parser(src, file, { v1: true, ...opts }).parseQuery();
}
