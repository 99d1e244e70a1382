/**
 * The file set terraform reads for one module directory (configs.Parser.dirFiles): primary files
 * (`*.tf`, `*.tf.json`), override files (`override.tf`, `*_override.tf` and their `.tf.json` forms),
 * and test files (`*.tftest.hcl` / `*.tftest.json` in the directory and in its `tests/` folder).
 * Editor leftovers are ignored as terraform ignores them (names starting with `.`, ending with `~`,
 * or `#...#`).
 */
import { joinPath, type ConfigFileSystem } from './fs';

export type FileRole = 'primary' | 'override' | 'test';

export interface ConfigFile {
  /** path as terraform names it in diagnostics: relative to the root module's directory */
  readonly path: string;
  readonly role: FileRole;
  readonly syntax: 'hcl' | 'json';
  readonly bytes: Uint8Array;
}

export function isIgnoredFile(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
}

function roleOf(name: string): { role: FileRole; syntax: 'hcl' | 'json' } | undefined {
  if (name.endsWith('.tftest.hcl')) return { role: 'test', syntax: 'hcl' };
  if (name.endsWith('.tftest.json')) return { role: 'test', syntax: 'json' };
  let stem: string;
  let syntax: 'hcl' | 'json';
  if (name.endsWith('.tf')) (stem = name.slice(0, -3)), (syntax = 'hcl');
  else if (name.endsWith('.tf.json')) (stem = name.slice(0, -8)), (syntax = 'json');
  else return undefined;
  return { role: stem === 'override' || stem.endsWith('_override') ? 'override' : 'primary', syntax };
}

/** Files of the module in `dir` (sorted by name, as terraform's ReadDir), or undefined when `dir` cannot be read. */
export function moduleFiles(fs: ConfigFileSystem, dir: string, opts: { testsDir?: string } = {}): ConfigFile[] | undefined {
  const entries = fs.readDir(dir);
  if (!entries) return undefined;
  const out: ConfigFile[] = [];
  const add = (folder: string, names: readonly { name: string; isDir: boolean }[], testsOnly: boolean) => {
    for (const e of [...names].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDir || isIgnoredFile(e.name)) continue;
      const kind = roleOf(e.name);
      if (!kind || (testsOnly && kind.role !== 'test')) continue;
      const path = joinPath(folder, e.name);
      const bytes = fs.readFile(path);
      if (bytes) out.push({ path, ...kind, bytes });
    }
  };
  add(dir, entries, false);
  const testsDir = joinPath(dir, opts.testsDir ?? 'tests');
  const tests = entries.some((e) => e.isDir && joinPath(dir, e.name) === testsDir) ? fs.readDir(testsDir) : undefined;
  if (tests) add(testsDir, tests, true);
  return out;
}
