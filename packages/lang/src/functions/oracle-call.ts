/**
 * Replays the recorded oracle calls without the evaluator: a reader for the small expression language
 * the fixture calls are written in (literals, tuples, objects, calls with `...`, unary minus, `+ - * /`,
 * `path.module`, `"${path.module}/x"`), and hclsyntax's FunctionCallExpr rules (argument count,
 * conversion to parameter types, the two diagnostics of a failed call) around `callFunction`.
 * Used by oracle.test.ts; the evaluator has its own call path.
 */
import { T } from '../types';
import { type Value, stringVal, numberVal, boolVal, nullVal, tupleVal, objectVal, unmark } from '../value';
import { callFunction, FunctionArgError, type Functions } from '../function';
import { convert } from './deps';

export interface CallOutcome {
  readonly value?: Value;
  readonly error?: { readonly summary: string; readonly detail: string };
}

/** Thrown for constructs the reader does not handle (the case is not a function-level one). */
export class Unsupported extends Error {}

class CallError extends Error {
  constructor(
    readonly summary: string,
    readonly detail: string,
  ) {
    super(`${summary}: ${detail}`);
  }
}

export function evaluateCall(src: string, functions: Functions): CallOutcome {
  try {
    const r = new Reader(src, functions);
    const v = r.expr();
    r.ws();
    if (r.i < src.length) throw new Unsupported(`trailing text at ${r.i}`);
    return { value: v };
  } catch (e) {
    if (e instanceof CallError) return { error: { summary: e.summary, detail: e.detail } };
    throw e;
  }
}

class Reader {
  i = 0;
  constructor(
    readonly s: string,
    readonly functions: Functions,
  ) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  expr(): Value {
    let left = this.term();
    for (;;) {
      this.ws();
      const op = this.s[this.i];
      if (op !== '+' && op !== '-') return left;
      this.i++;
      const right = this.term();
      left = arith(left, right, op);
    }
  }
  term(): Value {
    let left = this.unary();
    for (;;) {
      this.ws();
      const op = this.s[this.i];
      if (op !== '*' && op !== '/') return left;
      this.i++;
      left = arith(left, this.unary(), op);
    }
  }
  unary(): Value {
    this.ws();
    if (this.s[this.i] === '-') {
      this.i++;
      return arith(numberVal(0), this.unary(), '-');
    }
    return this.primary();
  }
  primary(): Value {
    this.ws();
    const c = this.s[this.i];
    if (c === '"') return stringVal(this.string());
    if (c === '[') {
      this.i++;
      const elems: Value[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ']') {
          this.i++;
          return tupleVal(elems);
        }
        elems.push(this.expr());
        this.ws();
        if (this.s[this.i] === ',') this.i++;
      }
    }
    if (c === '{') {
      this.i++;
      const attrs = new Map<string, Value>();
      for (;;) {
        this.ws();
        if (this.s[this.i] === '}') {
          this.i++;
          return objectVal(attrs);
        }
        const key = this.s[this.i] === '"' ? this.string() : this.ident();
        this.ws();
        if (this.s[this.i] !== '=' && this.s[this.i] !== ':') throw new Unsupported('object key');
        this.i++;
        attrs.set(key, this.expr());
        this.ws();
        if (this.s[this.i] === ',') this.i++;
      }
    }
    if (c === '(') {
      this.i++;
      const v = this.expr();
      this.ws();
      this.i++;
      return v;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return numberVal(Number(num[0]));
    }
    const name = this.ident();
    if (name === 'true' || name === 'false') return boolVal(name === 'true');
    if (name === 'null') return nullVal(T.dynamic);
    if (name === 'path') {
      const m = /^\.(module|root)/.exec(this.s.slice(this.i));
      if (!m) throw new Unsupported('path attribute');
      this.i += m[0].length;
      return stringVal('.');
    }
    this.ws();
    if (this.s[this.i] !== '(') throw new Unsupported(`reference ${name}`);
    this.i++;
    const args: Value[] = [];
    let expand = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === ')') {
        this.i++;
        break;
      }
      args.push(this.expr());
      this.ws();
      if (this.s.startsWith('...', this.i)) {
        this.i += 3;
        expand = true;
      }
      this.ws();
      if (this.s[this.i] === ',') this.i++;
    }
    if (expand) {
      const last = args.pop()!;
      args.push(...last.elements());
    }
    return call(name, args, this.functions);
  }
  ident(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*(::[A-Za-z_][A-Za-z0-9_-]*)*/.exec(this.s.slice(this.i));
    if (!m) throw new Unsupported(`unexpected ${this.s.slice(this.i, this.i + 10)}`);
    this.i += m[0].length;
    return m[0];
  }
  string(): string {
    let out = '';
    this.i++;
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) throw new Unsupported('unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const n = this.s[this.i++]!;
        if (n === 'n') out += '\n';
        else if (n === 't') out += '\t';
        else if (n === 'r') out += '\r';
        else if (n === 'u') {
          out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
          this.i += 4;
        } else out += n;
        continue;
      }
      if (c === '$' && this.s[this.i] === '{') {
        this.i++;
        const v = this.expr();
        this.ws();
        this.i++; // }
        out += convert(v, T.string).asString();
        continue;
      }
      out += c;
    }
  }
}

function arith(a: Value, b: Value, op: string): Value {
  const x = convert(a, T.number).asNumber();
  const y = convert(b, T.number).asNumber();
  return numberVal(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y);
}

/** hclsyntax FunctionCallExpr.Value for known arguments. */
function call(name: string, args: Value[], functions: Functions): Value {
  const spec = functions[name];
  if (!spec) throw new Unsupported(`function ${name}`);
  const params = spec.params;
  if (args.length < params.length) {
    throw new CallError('Not enough function arguments', `Function ${JSON.stringify(name)} expects${spec.varParam ? ' at least' : ''} ${params.length} argument(s). Missing value for ${JSON.stringify(params[args.length]!.name)}.`);
  }
  if (!spec.varParam && args.length > params.length) throw new CallError('Too many function arguments', `Function ${JSON.stringify(name)} expects only ${params.length} argument(s).`);
  const paramOf = (i: number) => (i < params.length ? params[i]! : spec.varParam!);
  const converted = args.map((a, i) => {
    const param = paramOf(i);
    const [u] = unmark(a);
    if (u.isNull && !param.allowNull) return a;
    try {
      return convert(a, param.type);
    } catch (e) {
      throw new CallError('Invalid function argument', `Invalid value for ${JSON.stringify(param.name)} parameter: ${(e as Error).message}.`);
    }
  });
  try {
    return callFunction(spec, converted);
  } catch (e) {
    if (e instanceof FunctionArgError) throw new CallError('Invalid function argument', `Invalid value for ${JSON.stringify(paramOf(e.index).name)} parameter: ${e.message}.`);
    if (e instanceof Unsupported) throw e;
    throw new CallError('Error in function call', `Call to function ${JSON.stringify(name)} failed: ${(e as Error).message}.`);
  }
}

