/**
 * Case files of the core-language oracles: one `*.cases` file holds many small configurations, each
 * `=== <name>` followed by its files in txtar form (`-- <path> --` then the text). A path may name a
 * subdirectory (`modules/net/main.tf`), so a case can carry local modules and `tests/`. `-- <path> [hex] --`
 * gives the file's bytes in hex (for invalid UTF-8, BOMs, CRLF).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OracleCase {
  readonly name: string;
  /** the `.cases` file it came from, without extension (its class) */
  readonly group: string;
  readonly files: readonly { readonly path: string; readonly bytes: Buffer }[];
  /** about 30 % of cases, chosen by a hash of the name: scored only at the end, never tuned on */
  readonly heldOut: boolean;
}

export function parseCases(text: string, group: string): OracleCase[] {
  const cases: OracleCase[] = [];
  let current: { name: string; files: { path: string; bytes: Buffer }[] } | undefined;
  let file: { path: string; hex: boolean; lines: string[] } | undefined;
  const flushFile = () => {
    if (!file || !current) return;
    const body = file.lines.join('\n') + (file.lines.length ? '\n' : '');
    current.files.push({ path: file.path, bytes: file.hex ? Buffer.from(body.replace(/\s+/g, ''), 'hex') : Buffer.from(body, 'utf8') });
    file = undefined;
  };
  const flushCase = () => {
    flushFile();
    if (current) cases.push({ ...current, group, heldOut: isHeldOut(current.name) });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const head = /^=== (\S+)\s*$/.exec(line);
    if (head) {
      flushCase();
      current = { name: head[1]!, files: [] };
      continue;
    }
    const f = /^-- (\S+)( \[hex\])? --$/.exec(line);
    if (f && current) {
      flushFile();
      file = { path: f[1]!, hex: !!f[2], lines: [] };
      continue;
    }
    file?.lines.push(line);
  }
  flushCase();
  return cases;
}

export function isHeldOut(name: string): boolean {
  return createHash('sha256').update(name).digest()[0]! % 10 < 3;
}

/** every case of every `*.cases` file in a folder, sorted by name */
export function loadCases(dir: string): OracleCase[] {
  const out: OracleCase[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.cases')).sort()) out.push(...parseCases(readFileSync(join(dir, f), 'utf8'), f.replace(/\.cases$/, '')));
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.name)) throw new Error(`duplicate oracle case name ${c.name}`);
    seen.add(c.name);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** writes a case's files under `dir` */
export function materialise(c: OracleCase, dir: string): void {
  for (const f of c.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.bytes);
  }
}
