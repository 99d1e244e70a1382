/**
 * Loads policy and data files the way `opa eval -d` does: a file is a `.rego` module or a JSON/YAML
 * document merged at the root of `data`; a directory is walked, every `.rego` file is a module and every
 * `.json`/`.yaml`/`.yml` file is merged at the data path of its folder (relative to the directory given).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import YAML from 'yaml';
import type { PolicyFile } from './engine';
import { RegoError } from './parser';

export interface Loaded {
  modules: PolicyFile[];
  data: Record<string, unknown>;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** merges `doc` into `data` at `path`; objects merge key by key, other clashes are errors, as in OPA */
function mergeAt(data: Record<string, unknown>, path: string[], doc: unknown, file: string): void {
  let node = data;
  for (const p of path) {
    if (!isObj(node[p])) {
      if (node[p] !== undefined) throw new RegoError(`${file}: merge error`, 'rego_compile_error');
      node[p] = Object.create(null);
    }
    node = node[p] as Record<string, unknown>;
  }
  if (!isObj(doc)) {
    if (!path.length) throw new RegoError(`${file}: root document must be object`, 'rego_compile_error');
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((n, p) => n[p] as Record<string, unknown>, data);
    parent[path[path.length - 1]!] = doc;
    return;
  }
  const merge = (into: Record<string, unknown>, from: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(from)) {
      if (isObj(into[k]) && isObj(v)) merge(into[k] as Record<string, unknown>, v);
      else if (into[k] !== undefined) throw new RegoError(`${file}: merge error`, 'rego_compile_error');
      else into[k] = v;
    }
  };
  merge(node, doc);
}

function readDoc(abs: string, shown: string): unknown {
  const text = readFileSync(abs, 'utf8');
  try {
    return /\.ya?ml$/.test(abs) ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new RegoError(`${shown}: ${(e as Error).message}`, 'rego_parse_error', { file: shown, row: 1, col: 1 });
  }
}

/** `paths` as given on the command line, resolved against `cwd`; file names in errors stay as given */
export function loadPaths(paths: readonly string[], cwd: string): Loaded {
  const out: Loaded = { modules: [], data: Object.create(null) };
  const addFile = (abs: string, shown: string, dataPath: string[]) => {
    if (abs.endsWith('.rego')) out.modules.push({ file: shown, text: readFileSync(abs, 'utf8') });
    else if (/\.(json|ya?ml)$/.test(abs)) mergeAt(out.data, dataPath, readDoc(abs, shown), shown);
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new RegoError(`stat ${p}: no such file or directory`, 'rego_compile_error');
    }
    if (!st.isDirectory()) {
      if (!abs.endsWith('.rego') && !/\.(json|ya?ml)$/.test(abs)) throw new RegoError(`${p}: unsupported file type`, 'rego_compile_error');
      addFile(abs, p, []);
      continue;
    }
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.')) continue;
        const child = join(dir, name);
        if (statSync(child).isDirectory()) walk(child);
        else {
          const relDir = relative(abs, dir);
          addFile(child, join(p, relative(abs, child)), relDir ? relDir.split(sep) : []);
        }
      }
    };
    walk(abs);
  }
  return out;
}
