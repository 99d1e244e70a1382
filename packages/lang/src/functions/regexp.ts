/**
 * Go's RE2 syntax (regexp/syntax) on JavaScript's RegExp: the constructs terraform configurations use
 * are translated (`(?P<name>`, leading `(?i)`-style flags, `\z`, `\A`, POSIX classes, `\pL`), and the
 * errors Go reports for malformed patterns are detected first so that messages carry Go's codes.
 */

export class GoRegexpError extends Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

export interface CompiledRegexp {
  readonly re: RegExp;
  /** capture group names in order; '' for an unnamed group */
  readonly groups: readonly string[];
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Compiles a Go pattern; throws GoRegexpError as regexp.Compile would. */
export function compileGo(pattern: string, global = false): CompiledRegexp {
  let flags = global ? 'g' : '';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    for (const f of lead[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  const groups: string[] = [];
  let out = '';
  let depth = 0;
  let inClass = false;
  let classStart = 0;
  let lastAtom = false; // whether a repetition operator has something to repeat
  let lastWasRepeat = false;
  let unicode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new GoRegexpError('trailing backslash at end of expression', '');
      if (n === 'z' && !inClass) out += '$(?![\\s\\S])';
      else if (n === 'A' && !inClass) out += '^';
      else if ((n === 'p' || n === 'P') && src[i + 2] !== '{') {
        out += `\\${n}{${src[i + 2]}}`;
        unicode = true;
        i++;
      } else if (n === 'p' || n === 'P') {
        unicode = true;
        out += `\\${n}`;
      } else if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        lastAtom = true;
        lastWasRepeat = false;
        continue;
      } else if (/[a-zA-Z]/.test(n) && !/[dDwWsSbBnrtfvx0-7pPaA]/.test(n)) {
        throw new GoRegexpError('invalid escape sequence', `\\${n}`);
      } else out += `\\${n}`;
      i++;
      lastAtom = true;
      lastWasRepeat = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end > 0 ? src.slice(i + 2, end) : '';
        const neg = name.startsWith('^');
        const cls = POSIX[neg ? name.slice(1) : name];
        if (cls && !neg) {
          out += cls;
          i = end + 1;
          continue;
        }
        if (end > 0) throw new GoRegexpError('invalid character class range', src.slice(i, end + 2));
      }
      if (c === ']' && i > classStart) inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        classStart = i + 1;
        if (src[i + 1] === '^') classStart++;
        if (src.indexOf(']', classStart + (src[classStart] === ']' ? 1 : 0)) < 0) throw new GoRegexpError('missing closing ]', src.slice(i));
        out += c;
        lastAtom = true;
        lastWasRepeat = false;
        continue;
      case '(': {
        depth++;
        if (src.startsWith('(?P<', i)) {
          const end = src.indexOf('>', i);
          const name = src.slice(i + 4, end);
          if (end < 0 || !/^[A-Za-z0-9_]+$/.test(name)) throw new GoRegexpError('invalid named capture', src.slice(i, end < 0 ? undefined : end + 1));
          groups.push(name);
          out += `(?<${name}>`;
          i = end;
        } else if (src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
          const end = src.indexOf('>', i);
          const name = src.slice(i + 3, end);
          groups.push(name);
          out += `(?<${name}>`;
          i = end;
        } else if (src.startsWith('(?:', i)) {
          out += '(?:';
          i += 2;
        } else if (src[i + 1] === '?') {
          const m = /^\(\?([imsU-]*)(:|\))/.exec(src.slice(i));
          if (!m) throw new GoRegexpError('invalid or unsupported Perl syntax', src.slice(i, i + 3));
          // inline flags inside the pattern: JavaScript cannot scope them; applied to the whole pattern
          for (const f of m[1]!) if (f !== '-' && f !== 'U' && !flags.includes(f)) flags += f;
          if (m[2] === ')') {
            depth--;
            i += m[0].length - 1;
            continue;
          }
          out += '(?:';
          i += m[0].length - 1;
        } else {
          groups.push('');
          out += '(';
        }
        lastAtom = false;
        lastWasRepeat = false;
        continue;
      }
      case ')':
        if (depth === 0) throw new GoRegexpError('unexpected )', pattern);
        depth--;
        out += c;
        lastAtom = true;
        lastWasRepeat = false;
        continue;
      case '*':
      case '+':
      case '?': {
        if (lastWasRepeat && c !== '?') throw new GoRegexpError('invalid nested repetition operator', src.slice(i - 1, i + 1));
        if (lastWasRepeat && c === '?' && src[i - 1] === '?') throw new GoRegexpError('invalid nested repetition operator', src.slice(i - 1, i + 1));
        if (!lastAtom && !lastWasRepeat) throw new GoRegexpError('missing argument to repetition operator', c);
        out += c;
        lastWasRepeat = !lastWasRepeat || c !== '?';
        lastAtom = false;
        continue;
      }
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (m) {
          if (!lastAtom && !lastWasRepeat) throw new GoRegexpError('missing argument to repetition operator', m[0]);
          if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000) || (m[3] && Number(m[3]) < Number(m[1]))) throw new GoRegexpError('invalid repeat count', m[0]);
          out += m[0];
          i += m[0].length - 1;
          lastWasRepeat = true;
          lastAtom = false;
          continue;
        }
        out += '\\{';
        lastAtom = true;
        lastWasRepeat = false;
        continue;
      }
      case '}':
        out += '\\}';
        lastAtom = true;
        lastWasRepeat = false;
        continue;
      case '|':
        out += c;
        lastAtom = false;
        lastWasRepeat = false;
        continue;
      case '/':
        out += '\\/';
        lastAtom = true;
        lastWasRepeat = false;
        continue;
      default:
        out += c;
        lastAtom = c !== '^' && c !== '$';
        lastWasRepeat = false;
    }
  }
  if (depth > 0) throw new GoRegexpError('missing closing )', pattern);
  try {
    return { re: new RegExp(out, flags + (unicode ? 'u' : '')), groups };
  } catch (e) {
    throw new GoRegexpError('invalid or unsupported Perl syntax', (e as Error).message);
  }
}

/** Go's Regexp.Expand template syntax: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expandGo(template: string, match: RegExpExecArray, groups: readonly string[]): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const n = close < 0 ? '' : template.slice(i + 2, close);
      if (close > 0 && /^[A-Za-z0-9_]+$/.test(n)) {
        name = n;
        end = close;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (m) {
        name = m[0];
        end = i + m[0].length;
      }
    }
    if (name === undefined) {
      out += c; // a malformed reference is copied as is
      continue;
    }
    if (/^\d+$/.test(name)) out += match[Number(name)] ?? '';
    else {
      const idx = groups.indexOf(name);
      out += idx >= 0 ? (match[idx + 1] ?? '') : '';
    }
    i = end;
  }
  return out;
}
