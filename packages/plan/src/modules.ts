/**
 * The module tree a plan walks: the root module's files and every local module call's folder
 * (`./x`, `../x`, read through the caller's `readModule`), decoded by the verifier's configuration
 * loader. Registry and remote sources cannot be fetched offline; such calls get an empty module and a
 * warning.
 */
import type { Diagnostic } from '@tfpairs/core';
import { parseFile, literalOf, type ParsedFile } from '@tfpairs/hcl/tree';
import { loadModule, type ModuleConfig } from '@tfpairs/verify/module';

export interface SourceText {
  readonly name: string;
  readonly text: string;
}

export interface LoadedModule {
  readonly config: ModuleConfig;
  readonly files: readonly ParsedFile[];
  /** path of the module relative to the root (`.` for the root, `modules/child`) */
  readonly dir: string;
  /** the call's `source` text (empty for the root) */
  readonly source: string;
  readonly children: ReadonlyMap<string, LoadedModule>;
}

/** Reads the `.tf` files of a module folder (relative to the root module's folder), or undefined. */
export type ReadModule = (dir: string) => SourceText[] | undefined;

function joinDir(base: string, rel: string): string {
  const parts = base === '.' ? [] : base.split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.length ? parts.join('/') : '.';
}

export async function loadModuleTree(files: readonly SourceText[], readModule: ReadModule | undefined, diags: Diagnostic[], dir = '.', source = '', depth = 0): Promise<LoadedModule> {
  const parsed = await Promise.all(files.filter((f) => f.name.endsWith('.tf')).map((f) => parseFile(dir === '.' ? f.name : `${dir}/${f.name}`, f.text)));
  const { module } = loadModule(parsed);
  const children = new Map<string, LoadedModule>();
  for (const [name, call] of module.moduleCalls) {
    const srcAttr = call.block.body.attributes.find((a) => a.name === 'source');
    const src = srcAttr ? String(literalOf(srcAttr.expr) ?? '') : '';
    const local = src.startsWith('./') || src.startsWith('../');
    const childDir = local ? joinDir(dir, src) : '';
    const childFiles = local && depth < 16 ? readModule?.(childDir) : undefined;
    if (!childFiles) {
      diags.push({
        severity: 'warning',
        summary: 'Module not planned',
        detail: local ? `The module "${name}" at ${src} could not be read; its resources are not in the plan.` : `The module "${name}" comes from ${JSON.stringify(src)}, which cannot be fetched offline; its resources are not in the plan.`,
        range: call.block.defRange,
      });
    }
    children.set(name, await loadModuleTree(childFiles ?? [], readModule, diags, childDir || src, src, depth + 1));
  }
  return { config: module, files: parsed, dir, source, children };
}
