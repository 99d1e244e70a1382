/**
 * Where configuration files come from. The loader only lists directories and reads files, so a
 * configuration can be read from disk or from memory (tests, the pipeline's in-memory drafts) alike.
 * Paths are POSIX-style and relative to whatever root the caller chose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';

export interface DirEntry {
  readonly name: string;
  readonly isDir: boolean;
}

export interface ConfigFileSystem {
  /** entries of a directory, or undefined when it does not exist / is not a directory */
  readDir(dir: string): DirEntry[] | undefined;
  /** a file's bytes, or undefined when it cannot be read */
  readFile(path: string): Uint8Array | undefined;
}

/** The real file system; relative paths resolve against `base` (an absolute directory). */
export function diskFileSystem(base: string): ConfigFileSystem {
  return {
    readDir(dir) {
      try {
        return readdirSync(resolve(base, dir), { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
      } catch {
        return undefined;
      }
    },
    readFile(path) {
      try {
        return readFileSync(resolve(base, path));
      } catch {
        return undefined;
      }
    },
  };
}

/** A file system held in memory: `files` maps relative paths (`modules/net/main.tf`) to contents. */
export function memoryFileSystem(files: Readonly<Record<string, string | Uint8Array>>): ConfigFileSystem {
  const contents = new Map<string, Uint8Array>();
  for (const [path, body] of Object.entries(files)) contents.set(normalisePath(path), typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return {
    readDir(dir) {
      const prefix = normalisePath(dir) === '.' ? '' : `${normalisePath(dir)}/`;
      const entries = new Map<string, boolean>();
      for (const path of contents.keys()) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length);
        const slash = rest.indexOf('/');
        entries.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
      }
      if (entries.size === 0) return undefined;
      return [...entries].map(([name, isDir]) => ({ name, isDir }));
    },
    readFile(path) {
      return contents.get(normalisePath(path));
    },
  };
}

/** `./a/../b/` -> `b`; `.` for the root; a path that climbs above the root keeps its leading `..` */
export function normalisePath(path: string): string {
  const n = posix.normalize(path.replace(/\\/g, '/'));
  return n.replace(/\/$/, '') || '.';
}

export function joinPath(dir: string, name: string): string {
  return normalisePath(posix.join(dir, name));
}
