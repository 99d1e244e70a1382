/**
 * cty's format verbs (stdlib/format.go, format_fsm.rl): `%%`, `%v` (`%#v` JSON), `%t`, `%b %d %o %x %X`,
 * `%e %E %f %g %G`, `%s`, `%q`, with `[n]` argument indexes, the flags `+ - # 0 space`, width and
 * precision, written as Go's fmt writes them (big.Float for the float verbs: no precision means 6 for
 * `%e`/`%f` and the shortest form for `%g`).
 */
import { T } from '../types';
import { type Value, formatNumber, stringVal } from '../value';
import { convert } from './deps';
import { graphemes } from './helpers';
import { marshalJson } from './json';

interface Verb {
  raw: string;
  offset: number;
  argNum: number;
  mode: string;
  zero: boolean;
  sharp: boolean;
  plus: boolean;
  minus: boolean;
  space: boolean;
  prec: number; // -1 when absent
  width: number; // -1 when absent
}

/** format(fmt, args...) as cty's formatFSM; throws Error with cty's message. */
export function formatString(fmt: string, args: readonly Value[]): string {
  let out = '';
  let argNum = 1;
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    i = pct + 1;
    if (fmt[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    const verb: Verb = { raw: '', offset: byteOffset(fmt, pct), argNum, mode: '', zero: false, sharp: false, plus: false, minus: false, space: false, prec: -1, width: -1 };
    for (;;) {
      const c = fmt[i];
      if (c === '+') verb.plus = true;
      else if (c === '-') verb.minus = true;
      else if (c === '#') verb.sharp = true;
      else if (c === '0') verb.zero = true;
      else if (c === ' ') verb.space = true;
      else break;
      i++;
    }
    if (fmt[i] === '[') {
      const m = /^\[(\d+)\]/.exec(fmt.slice(i));
      if (!m) throw new Error(`unrecognized format character '${fmt[i + 1] ?? ''}' at offset ${byteOffset(fmt, i + 1)}`);
      verb.argNum = Number(m[1]);
      i += m[0].length;
    }
    const w = /^\d+/.exec(fmt.slice(i));
    if (w) {
      verb.width = Number(w[0]);
      i += w[0].length;
    }
    if (fmt[i] === '.') {
      i++;
      const pr = /^\d*/.exec(fmt.slice(i))![0];
      verb.prec = pr === '' ? 0 : Number(pr);
      i += pr.length;
    }
    const mode = fmt[i];
    if (mode === undefined) throw new Error(`invalid format string starting at offset ${byteOffset(fmt, fmt.length)}`);
    if (!/[a-zA-Z]/.test(mode)) throw new Error(`unrecognized format character '${mode}' at offset ${byteOffset(fmt, i)}`);
    verb.mode = mode;
    i++;
    verb.raw = fmt.slice(pct, i);
    out += formatVerb(verb, args);
    argNum = verb.argNum + 1;
  }
  return out;
}

function byteOffset(s: string, i: number): number {
  return Buffer.byteLength(s.slice(0, i), 'utf8');
}

function formatVerb(verb: Verb, args: readonly Value[]): string {
  const idx = verb.argNum - 1;
  if (idx >= args.length) throw new Error(`not enough arguments for ${JSON.stringify(verb.raw)} at ${verb.offset}: need index ${verb.argNum} but have ${args.length} total`);
  const arg = args[idx]!;
  if (verb.mode !== 'v' && arg.isNull) throw new Error(`unsupported value for ${JSON.stringify(verb.raw)} at ${verb.offset}: null value cannot be formatted`);
  const unsupported = (msg: string) => new Error(`unsupported value for ${JSON.stringify(verb.raw)} at ${verb.offset}: ${msg}`);
  const conv = (t: typeof T.string) => {
    try {
      return convert(arg, t);
    } catch (e) {
      throw unsupported((e as Error).message);
    }
  };
  switch (verb.mode) {
    case 'v':
      if (!verb.sharp && !arg.isNull) {
        if (arg.type === T.string) return pad(verb, arg.asString());
        if (arg.type === T.number) return pad(verb, goFloat(arg.asNumber(), 'g', -1));
      }
      return pad(verb, marshalJson(arg));
    case 't':
      return conv(T.bool).asBool() ? 'true' : 'false';
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X': {
      const n = conv(T.number).asNumber();
      if (!Number.isInteger(n)) throw unsupported('an integer is required');
      return numberPad(verb, integerText(verb, n));
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const n = conv(T.number).asNumber();
      return numberPad(verb, goFloat(n, verb.mode, verb.prec, verb.sharp));
    }
    case 's':
    case 'q': {
      let s = conv(T.string).asString();
      if (verb.prec > 0) s = graphemes(s).slice(0, verb.prec).join('');
      return pad(verb, verb.mode === 's' ? s : marshalJson(stringVal(s)));
    }
    default:
      throw new Error(`unsupported format verb '${verb.mode}' in ${JSON.stringify(verb.raw)} at offset ${verb.offset}`);
  }
}

/** formatPadWidth: pad to `width` grapheme clusters, with zeros when `0` is given, on the right for `-`. */
function pad(verb: Verb, s: string): string {
  if (verb.width < 0) return s;
  const len = graphemes(s).length;
  if (len >= verb.width) return s;
  const fill = (verb.zero ? '0' : ' ').repeat(verb.width - len);
  return verb.minus ? s + fill : fill + s;
}

/** Go's fmt padding of a number: sign flags, then zeros after the sign or spaces before it. */
function numberPad(verb: Verb, body: string): string {
  let sign = '';
  if (body.startsWith('-')) {
    sign = '-';
    body = body.slice(1);
  } else if (verb.plus) sign = '+';
  else if (verb.space) sign = ' ';
  const text = sign + body;
  if (verb.width < 0 || text.length >= verb.width) return text;
  if (verb.minus) return text + ' '.repeat(verb.width - text.length);
  if (verb.zero && /^[0-9a-fA-F]/.test(body)) return sign + '0'.repeat(verb.width - text.length) + body;
  return ' '.repeat(verb.width - text.length) + text;
}

function integerText(verb: Verb, n: number): string {
  const neg = n < 0;
  const a = BigInt(Math.abs(n));
  let body: string;
  switch (verb.mode) {
    case 'b':
      body = a.toString(2);
      break;
    case 'o':
      body = a.toString(8);
      if (verb.sharp) body = `0${body}`;
      break;
    case 'x':
      body = a.toString(16);
      if (verb.sharp) body = `0x${body}`;
      break;
    case 'X':
      body = a.toString(16).toUpperCase();
      if (verb.sharp) body = `0X${body}`;
      break;
    default:
      body = a.toString(10);
  }
  if (verb.prec >= 0 && body.length < verb.prec) body = '0'.repeat(verb.prec - body.length) + body;
  return (neg ? '-' : '') + body;
}

/** Go's %e/%f/%g of a big.Float (strconv's rules: exponent with at least two digits). */
export function goFloat(n: number, mode: string, prec: number, sharp = false): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  const upper = mode === 'E' || mode === 'G';
  const m = mode.toLowerCase();
  const exp = (s: string) => s.replace(/e([+-])(\d)$/, 'e$10$2');
  if (m === 'e') return (upper ? (s: string) => s.toUpperCase() : (s: string) => s)(exp(exponential(n, prec < 0 ? 6 : prec)));
  if (m === 'f') return fixed(n, prec < 0 ? 6 : prec);
  // %g
  let digits: number;
  let e: number;
  let mant: string;
  if (prec < 0) {
    const s = n.toExponential(); // shortest
    mant = s.slice(0, s.indexOf('e'));
    e = Number(s.slice(s.indexOf('e') + 1));
    digits = mant.replace(/[-.]/g, '').length;
  } else {
    const p = prec === 0 ? 1 : prec;
    const s = exponential(n, p - 1);
    mant = s.slice(0, s.indexOf('e'));
    e = Number(s.slice(s.indexOf('e') + 1));
    digits = p;
  }
  const eprec = prec < 0 ? 6 : digits;
  let out: string;
  if (e < -4 || e >= eprec) {
    if (!sharp) mant = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    out = `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else {
    out = prec < 0 ? formatNumber(n) : fixed(n, Math.max(digits - 1 - e, 0));
    if (!sharp && out.includes('.')) out = out.replace(/\.?0+$/, '');
  }
  return upper ? out.toUpperCase() : out;
}

/**
 * The exact decimal value of a double: its digits (no leading zeros, '0' for zero) and the position of
 * the decimal point counted from the first digit.
 */
function exactDecimal(n: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(n));
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (expBits === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = expBits - 1075;
  }
  if (mant === 0n) return { digits: '0', point: 1 };
  // value = mant * 2^e2 = (mant * 5^-e2) / 10^-e2 for negative e2
  let digits: string;
  let point: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    point = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    point = digits.length + e2;
  }
  digits = digits.replace(/0+$/, '') || '0';
  return { digits, point };
}

/** Round a digit string to `keep` digits, ties to even (Go's strconv on the exact value). */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep >= digits.length) return { digits: digits.padEnd(keep, '0'), carry: false };
  if (keep < 0) return { digits: '', carry: false };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || (head !== '' && (head.charCodeAt(head.length - 1) - 48) % 2 === 1)));
  if (!up) return { digits: head, carry: false };
  const bumped = (BigInt(head || '0') + 1n).toString().padStart(keep, '0');
  return bumped.length > keep ? { digits: bumped.slice(0, keep), carry: true } : { digits: bumped, carry: false };
}

/** %.<prec>f of the exact value */
function fixed(n: number, prec: number): string {
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  const { digits, point } = exactDecimal(n);
  if (digits === '0') return `${sign === '-' && n !== 0 ? '-' : ''}${prec > 0 ? `0.${'0'.repeat(prec)}` : '0'}`;
  const keep = point + prec;
  let { digits: d, carry } = roundDigits(digits, keep);
  let p = point;
  if (carry) {
    d = `1${d}`;
    p++;
  }
  if (keep < 0) d = '';
  const all = d.padStart(p + prec, '0');
  const intPart = all.slice(0, all.length - prec) || '0';
  const frac = all.slice(all.length - prec);
  return `${sign}${intPart.replace(/^0+(?=\d)/, '')}${prec > 0 ? `.${frac}` : ''}`;
}

/** %.<prec>e of the exact value, JavaScript's exponent form (`1.5e+3`), fixed by the caller */
function exponential(n: number, prec: number): string {
  const sign = n < 0 ? '-' : '';
  const { digits, point } = exactDecimal(n);
  if (digits === '0') return `${sign}${prec > 0 ? `0.${'0'.repeat(prec)}` : '0'}e+0`;
  let { digits: d, carry } = roundDigits(digits, prec + 1);
  let e = point - 1;
  if (carry) {
    d = `1${d.slice(0, prec)}`;
    e++;
  }
  return `${sign}${d[0]}${prec > 0 ? `.${d.slice(1)}` : ''}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}
