/**
 * Filesystem functions (terraform funcs/filesystem.go). Relative paths resolve against `baseDir` (the
 * directory terraform runs in; `path.module` is how a configuration reaches its own files), never
 * against the process's working directory. `~` expands to `homeDir` when one is given.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, resolve } from 'node:path';
import fg from 'fast-glob';
import { T, setOf } from '../types';
import { type Value, stringVal, boolVal, setVal, emptySetVal } from '../value';
import type { FunctionSpec } from '../function';
import { FunctionArgError, isValidUtf8, p, simple } from './helpers';

export interface FileOptions {
  readonly baseDir: string;
  readonly homeDir?: string;
  /** reads a file's bytes (default: node:fs) */
  readonly readFile?: (absPath: string) => Uint8Array;
  /**
   * Renders a template file's text with the given variables and these functions (the evaluator's
   * template engine); templatefile fails without one.
   */
  readonly renderTemplate?: (text: string, filename: string, vars: ReadonlyMap<string, Value>) => Value;
}

const NO_FILE = (path: string) =>
  `no file exists at ${JSON.stringify(path)}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource`;

export function fileFunctions(opts: FileOptions): Record<string, FunctionSpec> {
  const expand = (path: string): string => {
    if (path === '~' || path.startsWith('~/')) {
      if (!opts.homeDir) throw new Error('failed to expand ~: $HOME is not defined');
      return join(opts.homeDir, path.slice(1));
    }
    return path;
  };
  const abs = (path: string) => {
    const e = expand(path);
    return isAbsolute(e) ? e : join(opts.baseDir, e);
  };
  const read = (path: string): Buffer => {
    const full = abs(path);
    try {
      return Buffer.from(opts.readFile ? opts.readFile(full) : readFileSync(full));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new FunctionArgError(0, NO_FILE(path));
      if (code === 'EISDIR') throw new FunctionArgError(0, `failed to read file: read ${path}: is a directory`);
      throw new FunctionArgError(0, `failed to read file: ${(e as Error).message}`);
    }
  };
  // the hash functions open the file themselves (not through readFileContents): a missing file is an os error
  const readForHash = (path: string): Buffer => {
    try {
      return read(path);
    } catch (e) {
      if (e instanceof FunctionArgError && e.message.startsWith('no file exists')) throw new Error(`open ${path}: no such file or directory`);
      if (e instanceof FunctionArgError && e.message.startsWith('failed to read file: ')) throw new Error(e.message.slice('failed to read file: '.length));
      throw e;
    }
  };
  const hashFile = (alg: string, enc: 'hex' | 'base64'): FunctionSpec =>
    simple([p('path', T.string)], T.string, ([f]) => stringVal(createHash(alg).update(readForHash(f!.asString())).digest(enc)));
  const fileFn = (b64: boolean): FunctionSpec =>
    simple([p('path', T.string)], T.string, ([f]) => {
      const path = f!.asString();
      const bytes = read(path);
      if (b64) return stringVal(bytes.toString('base64'));
      if (!isValidUtf8(bytes)) throw new Error(`contents of ${JSON.stringify(path)} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`);
      return stringVal(bytes.toString('utf8'));
    });
  return {
    file: fileFn(false),
    filebase64: fileFn(true),
    filemd5: hashFile('md5', 'hex'),
    filesha1: hashFile('sha1', 'hex'),
    filesha256: hashFile('sha256', 'hex'),
    filesha512: hashFile('sha512', 'hex'),
    filebase64sha256: hashFile('sha256', 'base64'),
    filebase64sha512: hashFile('sha512', 'base64'),
    fileexists: simple([p('path', T.string)], T.bool, ([f]) => {
      const path = f!.asString();
      let st;
      try {
        st = statSync(abs(path));
      } catch {
        return boolVal(false);
      }
      if (st.isDirectory()) throw new Error(`${JSON.stringify(path)} is a directory, not a file`);
      if (!st.isFile()) throw new Error(`${JSON.stringify(path)} is not a regular file`);
      return boolVal(true);
    }),
    fileset: simple([p('path', T.string), p('pattern', T.string)], setOf(T.string), ([d, pat]) => {
      const dir = abs(d!.asString());
      const pattern = pat!.asString();
      if (/\[(?![^\]]*\])/.test(pattern)) throw new Error(`failed to glob pattern ${JSON.stringify(pattern)}: syntax error in pattern`);
      const found = fg.sync(pattern, { cwd: dir, onlyFiles: true, dot: true, followSymbolicLinks: true });
      const rel = found.map((x) => posix.normalize(x)).sort();
      return rel.length ? setVal(rel.map(stringVal)) : emptySetVal(T.string);
    }),
    templatefile: {
      params: [p('path', T.string), p('vars', T.dynamic)],
      returnType: () => T.string,
      impl: ([f, vars]) => {
        const path = f!.asString();
        const v = vars!;
        if (v.type.kind !== 'map' && v.type.kind !== 'object') throw new FunctionArgError(1, 'invalid vars value: must be a map');
        for (const k of v.entries().keys()) {
          if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(k)) throw new FunctionArgError(1, `invalid template variable name ${JSON.stringify(k)}: must start with a letter, followed by zero or more letters, digits, and underscores`);
        }
        const bytes = read(path);
        if (!opts.renderTemplate) throw new Error('templatefile needs a template renderer (the evaluator passes one)');
        return opts.renderTemplate(bytes.toString('utf8'), path, v.entries());
      },
    },
  };
}

/** Go's path/filepath functions on POSIX paths (terraform's abspath, basename, dirname, pathexpand). */
export function pathFunctions(opts: FileOptions): Record<string, FunctionSpec> {
  return {
    abspath: simple([p('path', T.string)], T.string, ([f]) => stringVal(resolve(opts.baseDir, f!.asString()))),
    basename: simple([p('path', T.string)], T.string, ([f]) => {
      let s = f!.asString();
      if (s === '') return stringVal('.');
      s = s.replace(/\/+$/, '');
      if (s === '') return stringVal('/');
      return stringVal(s.slice(s.lastIndexOf('/') + 1));
    }),
    dirname: simple([p('path', T.string)], T.string, ([f]) => {
      const s = f!.asString();
      const dir = s.slice(0, s.lastIndexOf('/') + 1);
      return stringVal(dir === '' ? '.' : posix.normalize(dir).replace(/(.)\/$/, '$1'));
    }),
    pathexpand: simple([p('path', T.string)], T.string, ([f]) => {
      const s = f!.asString();
      if (!s.startsWith('~')) return stringVal(s);
      if (s !== '~' && !s.startsWith('~/')) throw new Error('cannot expand user-specific home dir');
      if (!opts.homeDir) throw new Error('failed to expand ~: $HOME is not defined');
      return stringVal(join(opts.homeDir, s.slice(1)));
    }),
  };
}
