/** Numeric functions (cty stdlib number.go; terraform's sum in funcs/collection.go). */
import { T, friendlyName } from '../types';
import { type Value, numberVal, unknownVal, isWhollyKnown } from '../value';
import type { FunctionSpec } from '../function';
import { convert } from './deps';
import { FunctionArgError, p, simple, toInt } from './helpers';

const unary = (fn: (n: number) => number): FunctionSpec => simple([p('num', T.number)], T.number, ([a]) => numberVal(fn(a!.asNumber())));

function extreme(pick: (a: number, b: number) => number): FunctionSpec {
  return {
    params: [],
    varParam: p('numbers', T.number, { allowDynamicType: true }),
    returnType: () => T.number,
    impl: (args) => {
      if (args.length === 0) throw new Error('must pass at least one number');
      let best = args[0]!.asNumber();
      for (const a of args.slice(1)) best = pick(best, a.asNumber());
      return numberVal(best);
    },
  };
}

/** A float64 result as cty.NumberFloatVal makes it: NaN is a panic there. */
function floatResult(n: number): Value {
  if (Number.isNaN(n)) throw new Error('panic in function implementation: Float.SetFloat64(NaN)');
  return numberVal(n);
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** big.Int SetString for bases 2..62: optional sign, digits only (letters case-insensitive up to base 36). */
function parseBigInt(s: string, base: number): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    i = 1;
  }
  if (i >= s.length) return undefined;
  let out = 0n;
  const b = BigInt(base);
  for (; i < s.length; i++) {
    const c = s[i]!;
    let d = base <= 36 ? DIGITS.indexOf(c.toLowerCase()) : DIGITS.indexOf(c);
    if (d < 0 || d >= base) return undefined;
    out = out * b + BigInt(d);
    d = 0;
  }
  return neg ? -out : out;
}

export const numericFunctions: Record<string, FunctionSpec> = {
  abs: unary(Math.abs),
  ceil: unary(Math.ceil),
  floor: unary(Math.floor),
  signum: unary((n) => (n < 0 ? -1 : n > 0 ? 1 : 0)),
  log: simple([p('num', T.number), p('base', T.number)], T.number, ([n, b]) => floatResult(Math.log(n!.asNumber()) / Math.log(b!.asNumber()))),
  pow: simple([p('num', T.number), p('power', T.number)], T.number, ([n, e]) => floatResult(Math.pow(n!.asNumber(), e!.asNumber()))),
  max: extreme(Math.max),
  min: extreme(Math.min),
  parseint: {
    params: [p('number', T.dynamic), p('base', T.number)],
    returnType: ([n]) => {
      if (n!.type !== T.string) throw new FunctionArgError(0, `first argument must be a string, not ${friendly(n!)}`);
      return T.number;
    },
    impl: ([n, b]) => {
      const base = toInt(b!, 1);
      if (base < 2 || base > 62) throw new FunctionArgError(1, 'base must be a whole number between 2 and 62 inclusive');
      const s = n!.asString();
      const v = parseBigInt(s, base);
      if (v === undefined) throw new FunctionArgError(0, `cannot parse ${JSON.stringify(s)} as a base ${base} integer`);
      return numberVal(Number(v));
    },
  },
  sum: {
    params: [p('list', T.dynamic)],
    returnType: () => T.number,
    impl: ([list]) => {
      const l = list!;
      if (l.raw === null || typeof l.raw !== 'object') throw new FunctionArgError(0, 'cannot sum noniterable');
      const size = Array.isArray(l.raw) ? l.raw.length : (l.raw as ReadonlyMap<string, Value>).size;
      if (size === 0) throw new FunctionArgError(0, 'cannot sum an empty list');
      const k = l.type.kind;
      if (k !== 'list' && k !== 'set' && k !== 'tuple') throw new FunctionArgError(0, `argument must be list, set, or tuple. Received ${friendly(l)}`);
      if (!isWhollyKnown(l)) return unknownVal(T.number);
      let total = 0;
      for (const e of l.elements()) {
        if (e.isNull) throw new FunctionArgError(0, 'argument must be list, set, or tuple of number values');
        let n: Value;
        try {
          n = convert(e, T.number);
        } catch {
          throw new FunctionArgError(0, 'argument must be list, set, or tuple of number values');
        }
        total += n.asNumber();
      }
      if (Number.isNaN(total)) throw new Error("can't compute sum of opposing infinities");
      return numberVal(total);
    },
  },
};

function friendly(v: Value): string {
  return friendlyName(v.type);
}
