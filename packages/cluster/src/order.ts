import { posix } from 'node:path';

/**
 * Where a record stands in a one-process build's input order, so that merge can interleave shard
 * outputs into exactly the order one process writes. A one-process build reads its `--input`s in
 * the order given, a CSV/JSONL file by line, a folder task by task in sorted directory order
 * (packages/ingest/src/folder.ts), and a whole-input rejection (line 0: unreadable, or failed half-way)
 * after anything else of that input.
 */
export type OrderKey = readonly (number | string)[];

export function compareKeys(a: OrderKey, b: OrderKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    // strings compare by UTF-16 code units, as Array.prototype.sort() ordered the folder's tasks
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export interface SourceRef {
  readonly path: string;
  readonly line: number;
}

const clean = (p: string): string => {
  const n = posix.normalize(p.replace(/\\/g, '/'));
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
};

/**
 * Whether ingest could show `input` as `head`: an absolute input inside the working directory is shown
 * relative (a tail of it), a relative input that climbs out of it (`../x`) is shown absolute.
 */
function shownAs(input: string, head: string): boolean {
  if (input.startsWith('/') && !head.startsWith('/')) return input.endsWith(`/${head}`);
  const climbed = input.replace(/^(\.\.\/)+/, '');
  if (climbed !== input && head.startsWith('/')) return head.endsWith(`/${climbed}`);
  return false;
}

/**
 * Builds the key function for one run's `config.inputs` (as the user gave them). A record's
 * `source.path` is the input as ingest shows it: relative to the build's working directory when inside
 * it, so an absolute `--input` is matched by its trailing path segments.
 */
export function sourceOrder(inputs: readonly string[]): (source: SourceRef) => OrderKey {
  const forms = inputs.map(clean);
  return (source) => {
    const path = clean(source.path);
    const segments = path.split('/');
    let best = -1;
    let bestLen = -1;
    let rest = path;
    forms.forEach((input, i) => {
      // the longest leading part of the path that names this input; the first input wins a tie
      for (let len = segments.length; len > bestLen && len > 0; len--) {
        const head = segments.slice(0, len).join('/');
        if (input === head || shownAs(input, head)) {
          best = i;
          bestLen = len;
          rest = segments.slice(len).join('/');
          break;
        }
      }
    });
    const inputIndex = best < 0 ? inputs.length : best;
    const tail = source.line === 0 ? 1 : 0;
    // inside a folder input a task is ordered by its directory; in a file input rest is ''
    const task = best < 0 ? path : rest === '' ? '' : posix.dirname(rest);
    return [inputIndex, tail, task, source.line];
  };
}

/**
 * The key of a record line (a parsed records.jsonl object): its ingest sequence number when the
 * writer records one (`provenance.seq`), else its source position.
 */
export function recordOrder(inputs: readonly string[]): (record: { provenance?: { source?: SourceRef; seq?: unknown } }) => OrderKey {
  const bySource = sourceOrder(inputs);
  return (record) => {
    const seq = record.provenance?.seq;
    if (typeof seq === 'number') return [seq];
    const source = record.provenance?.source;
    if (!source || typeof source.path !== 'string' || typeof source.line !== 'number') throw new Error('record line without provenance.source {path, line}');
    return bySource(source);
  };
}
