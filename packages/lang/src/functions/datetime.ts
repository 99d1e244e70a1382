/** Date and time functions (cty stdlib datetime.go; terraform funcs/datetime.go). */
import { T } from '../types';
import { stringVal, numberVal, unknownVal } from '../value';
import type { FunctionSpec } from '../function';
import { FunctionArgError, p, simple } from './helpers';

interface Time {
  /** milliseconds since the epoch, UTC */
  readonly ms: number;
  /** offset east of UTC in minutes */
  readonly offset: number;
  readonly utc: boolean;
}

const FIELDS: [string, RegExp, number, number][] = [
  ['year', /^\d{4}/, 0, 9999],
  ['-', /^-/, 0, 0],
  ['month', /^\d{2}/, 1, 12],
  ['-', /^-/, 0, 0],
  ['day', /^\d{2}/, 1, 31],
];

/** RFC 3339 as cty's parseTimestamp reads it, with its error messages. */
export function parseTimestamp(s: string): Time {
  const bad = (m: string) => new Error(`not a valid RFC3339 timestamp: ${m}`);
  let rest = s;
  const nums: number[] = [];
  for (const [what, re, min, max] of FIELDS) {
    const m = re.exec(rest);
    if (what === '-') {
      if (!m) throw bad(rest === '' ? `end of string where "-" is expected` : `found ${JSON.stringify(rest)} where "-" is expected`);
      rest = rest.slice(1);
      continue;
    }
    if (!m) throw bad(rest === '' ? `end of string before ${what}` : `cannot use ${JSON.stringify(rest)} as ${what}`);
    const n = Number(m[0]);
    rest = rest.slice(m[0].length);
    if (n < min || n > max) throw bad(`cannot use ${JSON.stringify(rest)} as ${what}`);
    nums.push(n);
  }
  if (rest[0] !== 'T' && rest[0] !== 't') throw bad("missing required time introducer 'T'");
  rest = rest.slice(1);
  const tm = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?/.exec(rest);
  if (!tm) throw bad(rest === '' ? 'end of string before hour' : `cannot use ${JSON.stringify(rest)} as hour`);
  const [h, mi, sec] = [Number(tm[1]), Number(tm[2]), Number(tm[3])];
  if (h > 23) throw bad('hour must be between 0 and 23 inclusive');
  if (mi > 59) throw bad(`cannot use ${JSON.stringify(rest.slice(5))} as minute`);
  if (sec > 59) throw bad(`cannot use ${JSON.stringify(rest.slice(8))} as second`);
  const frac = tm[4] ? Number(`0${tm[4]}`) : 0;
  rest = rest.slice(tm[0].length);
  let offset = 0;
  let utc = false;
  if (rest === 'Z' || rest === 'z') utc = true;
  else {
    const z = /^([+-])(\d{2}):(\d{2})$/.exec(rest);
    if (!z) throw bad(rest === '' ? 'end of string before UTC offset' : `cannot use ${JSON.stringify(rest)} as timezone`);
    offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const [y, mo, d] = nums as [number, number, number];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) throw bad('day out of range');
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec) + Math.round(frac * 1000) - offset * 60000;
  return { ms, offset, utc };
}

function parts(t: Time): Date {
  return new Date(t.ms + t.offset * 60000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function zone(t: Time, colon: boolean): string {
  const sign = t.offset < 0 ? '-' : '+';
  const a = Math.abs(t.offset);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

/** RFC 3339 output as Go's time.Format(time.RFC3339) writes it (no fractional seconds). */
export function formatRfc3339(t: Time): string {
  const d = parts(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${t.utc ? 'Z' : zone(t, true)}`;
}

function formatDate(fmt: string, t: Time): string {
  const d = parts(t);
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === "'") {
      let j = i + 1;
      let lit = '';
      for (;;) {
        if (j >= fmt.length) throw new FunctionArgError(0, "unterminated literal '");
        if (fmt[j] === "'") {
          if (fmt[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += fmt[j++];
      }
      out += i + 1 === j ? "'" : lit;
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (fmt[j] === c) j++;
    const tok = fmt.slice(i, j);
    i = j;
    const n = tok.length;
    const verb = (msg?: string) => new FunctionArgError(0, `invalid date format verb ${JSON.stringify(tok)}${msg ? `: ${msg}` : ''}`);
    const h = d.getUTCHours();
    switch (c) {
      case 'Y':
        if (n === 4) out += pad(d.getUTCFullYear(), 4);
        else if (n === 2) out += pad(d.getUTCFullYear() % 100);
        else throw verb('year must either be "YY" or "YYYY"');
        break;
      case 'M':
        if (n === 1) out += String(d.getUTCMonth() + 1);
        else if (n === 2) out += pad(d.getUTCMonth() + 1);
        else if (n === 3) out += MONTHS[d.getUTCMonth()]!.slice(0, 3);
        else if (n === 4) out += MONTHS[d.getUTCMonth()];
        else throw verb('month must be "M", "MM", "MMM", or "MMMM"');
        break;
      case 'D':
        if (n === 1) out += String(d.getUTCDate());
        else if (n === 2) out += pad(d.getUTCDate());
        else throw verb('day of month must either be "D" or "DD"');
        break;
      case 'E':
        if (n === 3) out += DAYS[d.getUTCDay()]!.slice(0, 3);
        else if (n === 4) out += DAYS[d.getUTCDay()];
        else throw verb('day of week must either be "EEE" or "EEEE"');
        break;
      case 'h':
        if (n === 1) out += String(h);
        else if (n === 2) out += pad(h);
        else throw verb('24-hour must either be "h" or "hh"');
        break;
      case 'H': {
        const h12 = h % 12 === 0 ? 12 : h % 12;
        if (n === 1) out += String(h12);
        else if (n === 2) out += pad(h12);
        else throw verb('12-hour must either be "H" or "HH"');
        break;
      }
      case 'A':
      case 'a':
        if (n !== 2) throw verb(`must be "${c}${c}"`);
        out += c === 'A' ? (h < 12 ? 'AM' : 'PM') : h < 12 ? 'am' : 'pm';
        break;
      case 'm':
        if (n === 1) out += String(d.getUTCMinutes());
        else if (n === 2) out += pad(d.getUTCMinutes());
        else throw verb('minute must either be "m" or "mm"');
        break;
      case 's':
        if (n === 1) out += String(d.getUTCSeconds());
        else if (n === 2) out += pad(d.getUTCSeconds());
        else throw verb('second must either be "s" or "ss"');
        break;
      case 'Z':
        if (n === 3) out += t.utc || t.offset === 0 ? 'UTC' : zone(t, false);
        else if (n === 1) out += t.utc ? 'Z' : zone(t, true);
        else if (n === 4) out += zone(t, false);
        else if (n === 5) out += zone(t, true);
        else throw verb('timezone must be Z, ZZZZ, or ZZZZZ');
        break;
      default:
        throw verb();
    }
  }
  return out;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseDuration(s: string): number {
  const orig = JSON.stringify(s);
  let rest = s;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration ${orig}`);
  let total = 0;
  while (rest !== '') {
    const m = /^(\d*)(\.\d*)?/.exec(rest)!;
    if (m[0] === '' || m[0] === '.') throw new Error(`time: invalid duration ${orig}`);
    rest = rest.slice(m[0].length);
    const u = /^[^\d.]+/.exec(rest);
    if (!u) throw new Error(`time: missing unit in duration ${orig}`);
    const unit = UNITS[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u[0])} in duration ${orig}`);
    total += Number(m[0]) * unit;
    rest = rest.slice(u[0].length);
  }
  return sign * total;
}

export interface TimeOptions {
  readonly pureOnly: boolean;
  /** plantimestamp()'s value; unknown when absent (terraform's validate) */
  readonly planTimestamp?: Date;
  readonly now?: () => Date;
}

function argTime(s: string, index: number): Time {
  try {
    return parseTimestamp(s);
  } catch (e) {
    throw new FunctionArgError(index, (e as Error).message);
  }
}

const fromDate = (d: Date): Time => ({ ms: Math.floor(d.getTime() / 1000) * 1000, offset: 0, utc: true });

export function datetimeFunctions(opts: TimeOptions): Record<string, FunctionSpec> {
  return {
    formatdate: simple([p('format', T.string), p('time', T.string)], T.string, ([f, t]) => stringVal(formatDate(f!.asString(), argTime(t!.asString(), 1)))),
    timeadd: simple([p('timestamp', T.string), p('duration', T.string)], T.string, ([t, d]) => {
      const ts = parseTimestamp(t!.asString());
      const ms = parseDuration(d!.asString());
      return stringVal(formatRfc3339({ ...ts, ms: ts.ms + ms }));
    }),
    timecmp: simple([p('timestamp_a', T.string), p('timestamp_b', T.string)], T.number, ([a, b]) => {
      const x = argTime(a!.asString(), 0).ms;
      const y = argTime(b!.asString(), 1).ms;
      return numberVal(x < y ? -1 : x > y ? 1 : 0);
    }),
    timestamp: simple([], T.string, () => (opts.pureOnly ? unknownVal(T.string) : stringVal(formatRfc3339(fromDate((opts.now ?? (() => new Date()))()))))),
    plantimestamp: simple([], T.string, () => (opts.planTimestamp ? stringVal(formatRfc3339(fromDate(opts.planTimestamp))) : unknownVal(T.string))),
  };
}
