/**
 * The configuration tree terraform builds (configs.BuildConfig): the root module's files, then every
 * module call's child, recursively, read by the same reader. Local sources (`./`, `../`) are read from
 * their directory (what `terraform init` would install); registry and remote sources come from an
 * initialised `.terraform/modules/modules.json` when one is given, otherwise they are reported as
 * terraform reports a module that is not installed.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import { literalOf, parseFile, type Block, type ParsedFile } from '@tfpairs/hcl/tree';
import { SourceFile } from '@tfpairs/hcl/source';
import { checkSyntax } from '@tfpairs/hcl/syntax';
import { decodeConfigBytes } from './encoding';
import { moduleFiles, type ConfigFile } from './files';
import { joinPath, normalisePath, type ConfigFileSystem } from './fs';
import { parseJsonConfig } from './json';
import { applyOverrides } from './override';

export interface ConfigModule {
  /** call names from the root: [] for the root module, ['net', 'subnet'] for module.net.module.subnet */
  readonly path: readonly string[];
  /** directory relative to the root module's ('.' for the root) */
  readonly dir: string;
  /** the call's `source` as written ('' for the root) */
  readonly sourceAddr: string;
  /** primary files with override files merged in (native and JSON syntax alike) */
  readonly files: readonly ParsedFile[];
  /** `*.tftest.hcl` / `*.tftest.json` files */
  readonly tests: readonly ParsedFile[];
  /** every file's text by path (for snippets and positions) */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** syntax, encoding and override errors of this module's own files (children carry their own) */
  readonly diags: readonly Diagnostic[];
  /** module calls by name; a call whose source could not be read has no module */
  readonly calls: ReadonlyMap<string, ModuleCall>;
}

export interface ModuleCall {
  readonly name: string;
  readonly block: Block;
  readonly source?: string;
  readonly sourceKind: 'local' | 'registry' | 'remote' | 'invalid';
  /** the loaded child, when it could be read */
  readonly module?: ConfigModule;
  /** what terraform says when the child cannot be read ("Module not installed") */
  readonly notInstalled?: Diagnostic;
}

/** `.terraform/modules/modules.json` of an initialised working directory */
export interface ModulesManifest {
  readonly Modules: readonly { readonly Key: string; readonly Source: string; readonly Version?: string; readonly Dir: string }[];
}

export interface LoadConfigOptions {
  /** module manifest of an initialised working directory (its `Dir`s relative to the root directory) */
  readonly manifest?: ModulesManifest;
  /** read `<root>/.terraform/modules/modules.json` when it exists (as terraform does after init) */
  readonly useInstalledModules?: boolean;
  /** folder of test files, relative to each module dir (terraform's default `tests`) */
  readonly testsDir?: string;
  /** deepest module nesting read (protects against a module that calls itself) */
  readonly maxDepth?: number;
}

export function isLocalSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..';
}

/** registry shorthand `ns/name/provider` (optionally host-prefixed), else a go-getter style remote source */
export function sourceKind(source: string): 'local' | 'registry' | 'remote' {
  if (isLocalSource(source)) return 'local';
  if (/^([a-z0-9.-]+\.[a-z]{2,}(:\d+)?\/)?[0-9A-Za-z][0-9A-Za-z_-]*\/[0-9A-Za-z][0-9A-Za-z_-]*\/[0-9a-z]{1,64}(\/\/.*)?$/.test(source) && !/^(github\.com|bitbucket\.org)\//.test(source)) return 'registry';
  return 'remote';
}

/** Parses one file of a module (either syntax), with terraform's syntax and encoding diagnostics. */
export async function parseConfigFile(file: ConfigFile): Promise<{ parsed: ParsedFile; source: SourceFile; diags: Diagnostic[] }> {
  const decoded = decodeConfigBytes(file.path, file.bytes);
  // a UTF-8 byte order mark is skipped by HCL's scanner
  const text = decoded.text.startsWith('\uFEFF') ? decoded.text.slice(1) : decoded.text;
  if (file.syntax === 'json') {
    const r = await parseJsonConfig(file.path, text, { test: file.role === 'test' });
    return { parsed: r.file, source: r.file.source, diags: [...decoded.diags, ...r.diags] };
  }
  const source = new SourceFile(file.path, text);
  const diags = decoded.diags.length ? decoded.diags : await checkSyntax(text, file.path);
  const empty: ParsedFile = { source, body: { attributes: [], blocks: [], range: source.range(0, text.length) }, hasErrors: true };
  // nesting too deep for the parsers is refused before any tree is built
  if (diags.some((d) => d.summary === 'Configuration too deeply nested')) return { parsed: empty, source, diags };
  let parsed: ParsedFile;
  try {
    parsed = await parseFile(file.path, text, source);
  } catch (e) {
    // the tree of a file HCL rejected is only context for snippets; without HCL's verdict it is a real failure
    if (!(e instanceof RangeError) || !diags.length) throw e;
    parsed = empty;
  }
  return { parsed, source, diags };
}

/** Reads the module in `dir` and all its children. */
export async function loadConfig(fs: ConfigFileSystem, rootDir = '.', opts: LoadConfigOptions = {}): Promise<ConfigModule> {
  let manifest = opts.manifest;
  if (!manifest && opts.useInstalledModules) {
    const bytes = fs.readFile(joinPath(rootDir, '.terraform/modules/modules.json'));
    if (bytes) {
      try {
        manifest = JSON.parse(Buffer.from(bytes).toString('utf8')) as ModulesManifest;
      } catch {
        manifest = undefined;
      }
    }
  }
  const installed = new Map((manifest?.Modules ?? []).map((m) => [m.Key, m]));
  const root = normalisePath(rootDir);
  // diagnostics name files relative to the root module's directory
  const rel = (dir: string) => (root === '.' ? dir : normalisePath(dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : dir));
  return loadModuleAt(fs, root, rel, [], '', installed, opts, 0);
}

async function loadModuleAt(
  fs: ConfigFileSystem,
  dir: string,
  rel: (dir: string) => string,
  path: readonly string[],
  sourceAddr: string,
  installed: ReadonlyMap<string, ModulesManifest['Modules'][number]>,
  opts: LoadConfigOptions,
  depth: number,
): Promise<ConfigModule> {
  const files = moduleFiles(fs, dir, { testsDir: opts.testsDir }) ?? [];
  const diags: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  const primary: ParsedFile[] = [];
  const overrides: ParsedFile[] = [];
  const tests: ParsedFile[] = [];
  for (const f of files) {
    const named = { ...f, path: rel(f.path) };
    const r = await parseConfigFile(named);
    sources.set(named.path, r.source);
    diags.push(...r.diags);
    (f.role === 'primary' ? primary : f.role === 'override' ? overrides : tests).push(r.parsed);
  }
  const merged = applyOverrides(primary, overrides);
  diags.push(...merged.diags);
  const calls = new Map<string, ModuleCall>();
  for (const file of merged.files) {
    for (const b of file.body.blocks) {
      if (b.type !== 'module' || b.labels.length !== 1 || calls.has(b.labels[0]!)) continue;
      calls.set(b.labels[0]!, await loadCall(fs, dir, rel, path, b, installed, opts, depth));
    }
  }
  return { path, dir: rel(dir), sourceAddr, files: merged.files, tests, sources, diags, calls };
}

function notInstalled(block: Block, detail: string): Diagnostic {
  return { severity: 'error', summary: 'Module not installed', detail, range: block.defRange };
}

const NOT_INSTALLED = 'This module is not yet installed. Run "terraform init" to install all modules required by this configuration.';

async function loadCall(
  fs: ConfigFileSystem,
  dir: string,
  rel: (dir: string) => string,
  path: readonly string[],
  block: Block,
  installed: ReadonlyMap<string, ModulesManifest['Modules'][number]>,
  opts: LoadConfigOptions,
  depth: number,
): Promise<ModuleCall> {
  const name = block.labels[0]!;
  const sourceAttr = block.body.attributes.find((a) => a.name === 'source');
  const lit = sourceAttr ? literalOf(sourceAttr.expr) : undefined;
  if (typeof lit !== 'string') return { name, block, sourceKind: 'invalid' };
  const kind = sourceKind(lit);
  const childPath = [...path, name];
  const key = childPath.join('.');
  if (depth >= (opts.maxDepth ?? 32)) return { name, block, source: lit, sourceKind: kind, notInstalled: notInstalled(block, NOT_INSTALLED) };
  let childDir: string | undefined;
  if (kind === 'local') childDir = joinPath(dir, lit);
  else {
    const rec = installed.get(key);
    if (rec) childDir = joinPath('.', rec.Dir);
  }
  if (childDir === undefined) return { name, block, source: lit, sourceKind: kind, notInstalled: notInstalled(block, NOT_INSTALLED) };
  if (!fs.readDir(childDir)) {
    // terraform names the (empty) cache directory of a module init could not install
    return { name, block, source: lit, sourceKind: kind, notInstalled: notInstalled(block, `This module's local cache directory  could not be read. Run "terraform init" to install all modules required by this configuration.`) };
  }
  const module = await loadModuleAt(fs, childDir, rel, childPath, lit, installed, opts, depth + 1);
  return { name, block, source: lit, sourceKind: kind, module };
}

/** every module of the tree, root first (depth-first in call-name order) */
export function allModules(root: ConfigModule): ConfigModule[] {
  const out: ConfigModule[] = [root];
  for (const call of [...root.calls.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) if (call.module) out.push(...allModules(call.module));
  return out;
}

export type { Range };
