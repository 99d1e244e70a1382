/**
 * The module tree a plan walks, read by @tfpairs/configs (terraform's file set: `.tf`, `.tf.json`,
 * override files merged, local module sources read recursively) and decoded by the verifier's
 * configuration loader. The root module's files are the given ones; child modules come from `baseDir`.
 * Registry and remote sources cannot be fetched offline: such a call gets an empty module and a warning.
 */
import type { Diagnostic } from '@tfpairs/core';
import { parseFile, type ParsedFile } from '@tfpairs/hcl/tree';
import { diskFileSystem, loadConfig, memoryFileSystem, normalisePath, type ConfigFileSystem, type ConfigModule } from '@tfpairs/configs';
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

/** the root directory from the given files only, every other directory from disk */
function rootFromMemory(memory: ConfigFileSystem, disk: ConfigFileSystem): ConfigFileSystem {
  return {
    readDir: (dir) => (normalisePath(dir) === '.' ? memory.readDir(dir) : disk.readDir(dir)),
    readFile: (path) => memory.readFile(path) ?? disk.readFile(path),
  };
}

function fromConfig(cm: ConfigModule, diags: Diagnostic[]): LoadedModule {
  const children = new Map<string, LoadedModule>();
  for (const [name, call] of cm.calls) {
    if (call.module) {
      children.set(name, fromConfig(call.module, diags));
      continue;
    }
    diags.push({
      severity: 'warning',
      summary: 'Module not planned',
      detail: `The module "${name}" (source ${JSON.stringify(call.source ?? '')}) could not be read offline; its resources are not in the plan.`,
      range: call.block.defRange,
    });
    children.set(name, { config: loadModule([]).module, files: [], dir: call.source ?? '', source: call.source ?? '', children: new Map() });
  }
  return { config: loadModule(cm.files).module, files: cm.files, dir: cm.dir, source: cm.sourceAddr, children };
}

const isOverride = (name: string) => /(^|_)override\.tf(\.json)?$/.test(name.split('/').pop() ?? '');

export async function loadModuleTree(files: readonly SourceText[], baseDir: string | undefined, diags: Diagnostic[]): Promise<LoadedModule> {
  // the common case (one module of plain .tf files, already validated): parse only, without the
  // file-set loader's second syntax check by HashiCorp's parser (half the cost of a plan)
  // (files in subfolders are the root's local modules: they need the loader)
  if (!baseDir && files.every((f) => f.name.endsWith('.tf') && !isOverride(f.name) && !f.name.includes('/'))) {
    const parsed = await Promise.all(files.map((f) => parseFile(f.name, f.text)));
    const config = loadModule(parsed).module;
    const children = new Map<string, LoadedModule>();
    for (const [name, call] of config.moduleCalls) {
      diags.push({ severity: 'warning', summary: 'Module not planned', detail: `The module "${name}" cannot be read without the configuration's directory; its resources are not in the plan.`, range: call.block.defRange });
      children.set(name, { config: loadModule([]).module, files: [], dir: '', source: '', children: new Map() });
    }
    return { config, files: parsed, dir: '.', source: '', children };
  }
  const memory = memoryFileSystem(Object.fromEntries(files.map((f) => [f.name, f.text])));
  const fs = baseDir ? rootFromMemory(memory, diskFileSystem(baseDir)) : memory;
  return fromConfig(await loadConfig(fs, '.', { maxDepth: 16 }), diags);
}
