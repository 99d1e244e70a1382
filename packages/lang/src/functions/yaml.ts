/**
 * yamlencode as go-cty-yaml writes YAML (block style; every string and key double-quoted, multi-line
 * strings as literal blocks; a lone non-string scalar is followed by the `...` document end marker).
 */
import { type Value, formatNumber } from '../value';

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0').toUpperCase()}`;
    else if (c === 0x85) out += '\\N';
    else if (c === 0xa0) out += '\\_';
    else if (c === 0x2028) out += '\\L';
    else if (c === 0x2029) out += '\\P';
    else if (c === 0xfeff) out += '\\uFEFF';
    else out += ch;
  }
  return `${out}"`;
}

function scalar(v: Value, indent: string): string {
  const x = v.raw;
  if (x === null) return 'null';
  if (Array.isArray(x)) return '[]';
  if (x instanceof Map) return '{}';
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (typeof x === 'number') return Number.isFinite(x) ? formatNumber(x) : x > 0 ? '+.inf' : '-.inf';
  const s = x as string;
  if (s.includes('\n') && !/[\x00-\x08\x0b-\x1f]/.test(s) && !/ \n|\n /.test(s.replace(/\n+$/, '')) && !s.startsWith(' ')) {
    const body = s.endsWith('\n') ? s.slice(0, -1) : s;
    const chomp = s.endsWith('\n\n') ? '+' : s.endsWith('\n') ? '' : '-';
    return `|${chomp}\n${body.split('\n').map((l) => (l === '' ? '' : indent + l)).join('\n')}`;
  }
  return quote(s);
}

const isBlock = (v: Value) => v.raw !== null && typeof v.raw === 'object' && (Array.isArray(v.raw) ? v.raw.length > 0 : (v.raw as ReadonlyMap<string, Value>).size > 0);

function node(v: Value, indent: string): string[] {
  const x = v.raw;
  if (Array.isArray(x)) {
    if (x.length === 0) return ['[]'];
    const lines: string[] = [];
    for (const e of x as readonly Value[]) {
      const sub = node(e, `${indent}  `);
      if (isBlock(e) && !Array.isArray(e.raw)) {
        lines.push(`${indent}- ${sub[0]!.slice(indent.length + 2)}`, ...sub.slice(1));
      } else if (isBlock(e)) {
        lines.push(`${indent}- ${sub[0]!.slice(indent.length + 2)}`, ...sub.slice(1));
      } else lines.push(`${indent}- ${scalar(e, `${indent}  `)}`);
    }
    return lines;
  }
  if (x instanceof Map) {
    if (x.size === 0) return ['{}'];
    const lines: string[] = [];
    for (const [k, e] of x as ReadonlyMap<string, Value>) {
      if (isBlock(e)) {
        lines.push(`${indent}${quote(k)}:`);
        lines.push(...node(e, Array.isArray(e.raw) ? indent : `${indent}  `));
      } else lines.push(`${indent}${quote(k)}: ${scalar(e, `${indent}  `)}`);
    }
    return lines;
  }
  return [scalar(v, indent)];
}

export function yamlEncode(v: Value): string {
  const text = (v.raw !== null && typeof v.raw === 'object' ? node(v, '') : [scalar(v, '  ')]).join('\n');
  const x = v.raw;
  const docEnd = x === null || typeof x === 'number' || typeof x === 'boolean';
  return `${text}\n${docEnd ? '...\n' : ''}`;
}
