/**
 * The embedded `terraform validate`: HCL syntax (HashiCorp's parser), configuration loading, then the
 * validate walk with provider schemas. Each stage stops the next when it has errors, as terraform does.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic, Range, Snippet } from '@tfpairs/core';
import { literalOf, type Block, type ParsedFile } from '@tfpairs/hcl/tree';
import { allModules, diskFileSystem, joinPath, loadConfig, memoryFileSystem, normalisePath, type ConfigFileSystem, type ConfigModule, type ModulesManifest } from '@tfpairs/configs';
import { filesOfCode } from '@tfpairs/configs/fileset';
import { loadModule, type ModuleConfig } from './module';
import { loadSchemaSet, type SchemaSet } from './schemas';
import { SourceFile } from '@tfpairs/hcl/source';
import { typeConstraint } from './vartype';
import type { Type } from '@tfpairs/lang';
import { Walker, type ChildInterface } from './walk';
import { ValueScope } from './values';

export interface ModuleFile {
  readonly filename: string;
  readonly text: string;
}

export interface ValidateOptions {
  /** provider schemas; by default the bundled ones chosen by the module's required_providers */
  readonly schemas?: SchemaSet;
  /** extra `terraform providers schema -json` files (used when `schemas` is not given); they win for their providers */
  readonly schemaFiles?: readonly string[];
  /** the module directory: `file()` paths resolve against it; without it only the module's own files exist */
  readonly baseDir?: string;
  /** false: syntax and core-language checks only */
  readonly providerChecks?: boolean;
  /** attach terraform's `snippet` to each diagnostic (default true) */
  readonly snippets?: boolean;
}

/** What a module call's child looks like from the call: its variables and outputs. */
function childInterface(child: ModuleConfig): ChildInterface {
  const variables = new Map<string, ChildInterface['variables'] extends ReadonlyMap<string, infer V> ? V : never>();
  for (const [name, v] of child.variables) {
    const attrs = new Map(v.block.body.attributes.map((a) => [a.name, a]));
    const typeExpr = attrs.get('type')?.expr;
    const nullable = literalOf(attrs.get('nullable')?.expr ?? { kind: 'literal', value: true, range: v.block.range }) !== false;
    const validations = v.block.body.blocks
      .filter((b) => b.type === 'validation')
      .flatMap((b) => {
        const condition = b.body.attributes.find((a) => a.name === 'condition')?.expr;
        const message = b.body.attributes.find((a) => a.name === 'error_message')?.expr;
        return condition && message ? [{ condition, message, defRange: b.defRange }] : [];
      });
    variables.set(name, { required: !attrs.has('default'), nullable, type: typeExpr ? typeConstraint(typeExpr)?.type : undefined, declRange: v.block.defRange, validations });
  }
  return { variables, outputs: new Set(child.outputs.keys()) };
}

export interface ConfigValidateOptions extends ValidateOptions {
  /** how a registry/remote module that is not installed is treated: terraform's error (default) or an opaque call */
  readonly uninstalledModules?: 'error' | 'opaque';
  /** an initialised `.terraform/modules/modules.json` (or read it from the root directory) */
  readonly manifest?: ModulesManifest;
  readonly useInstalledModules?: boolean;
}

/**
 * `terraform validate` of the configuration whose root module is `dir` in `fs`: every module of the
 * tree (local sources read recursively, registry/remote ones from an initialised modules.json).
 */
export async function validateConfig(fs: ConfigFileSystem, dir: string, opts: ConfigValidateOptions = {}): Promise<Diagnostic[]> {
  let root: ConfigModule;
  try {
    root = await loadConfig(fs, dir, { manifest: opts.manifest, useInstalledModules: opts.useInstalledModules });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return [tooComplex(e)];
  }
  return validateTree(root, fs, opts);
}

/** pathological inputs (e.g. operator chains thousands of terms long) exhaust the JS stack in the
 * recursive readers and checks; that is a finding about the input, never a crash of the pipeline */
function tooComplex(e: RangeError): Diagnostic {
  return { severity: 'error', summary: 'Configuration too complex', detail: `The configuration could not be checked: ${e.message}.` };
}

/** Exactly what `terraform validate` reports for a module made of these files (child modules from `baseDir`). */
export async function validateModule(files: readonly ModuleFile[], opts: ConfigValidateOptions = {}): Promise<Diagnostic[]> {
  const memory = memoryFileSystem(Object.fromEntries(files.map((f) => [f.filename, f.text])));
  const fs = opts.baseDir ? overlay(memory, diskFileSystem(resolve(opts.baseDir))) : memory;
  // the pipeline's single drafts keep registry modules opaque unless asked otherwise
  return validateConfig(fs, '.', { uninstalledModules: 'opaque', ...opts });
}

/** the root directory's files from `top` only (the caller chose them); every other directory from `top`, else `below` */
function overlay(top: ConfigFileSystem, below: ConfigFileSystem): ConfigFileSystem {
  return {
    readDir: (dir) => (normalisePath(dir) === '.' ? top.readDir(dir) : (top.readDir(dir) ?? below.readDir(dir))),
    readFile: (path) => top.readFile(path) ?? below.readFile(path),
  };
}

async function validateTree(root: ConfigModule, fs: ConfigFileSystem, opts: ConfigValidateOptions): Promise<Diagnostic[]> {
  const modules = allModules(root);
  const sources = new Map<string, SourceFile>();
  for (const m of modules) for (const [k, v] of m.sources) sources.set(k, v);
  const parsed = modules.flatMap((m) => [...m.files, ...m.tests]);
  const finish = (diags: Diagnostic[]) => finishDiagnostics(diags, sources, opts.snippets !== false, parsed);

  // 1. syntax (and encoding, override merging): HashiCorp's parser is the judge
  const loadDiags = modules.flatMap((m) => m.diags);
  if (loadDiags.some((d) => d.severity === 'error')) return finish(loadDiags);
  try {
    return finish(await validateModules(root, modules, fs, opts));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return finish([tooComplex(e)]);
  }
}

async function validateModules(root: ConfigModule, modules: readonly ConfigModule[], fs: ConfigFileSystem, opts: ConfigValidateOptions): Promise<Diagnostic[]> {
  // 2. configuration loading, every module of the tree
  // a module with load errors is not built further (configs.BuildConfig): its children are not read
  const loaded = new Map<ConfigModule, ModuleConfig>();
  const diags: Diagnostic[] = [];
  const versionDiags: Diagnostic[] = [];
  const load = (m: ConfigModule) => {
    const r = loadModule([...m.files], { tests: [...m.tests], module: m });
    loaded.set(m, r.module);
    diags.push(...r.diags);
    versionDiags.push(...r.versionDiags);
    if (r.diags.some((d) => d.severity === 'error')) return;
    for (const call of m.calls.values()) {
      if (call.notInstalled && (call.sourceKind === 'local' || opts.uninstalledModules !== 'opaque')) diags.push(call.notInstalled);
      if (call.module) load(call.module);
    }
  };
  load(root);
  // unmet version constraints likely explain any other error: terraform reports only them
  if (versionDiags.length) return versionDiags;
  if (diags.some((d) => d.severity === 'error')) return diags;

  // 3. validate walk of each module, calls checked against their children
  const baseDir = opts.baseDir;
  for (const m of modules) {
    const module = loaded.get(m)!;
    let schemas: SchemaSet | undefined;
    if (opts.providerChecks !== false) schemas = opts.schemas ?? loadSchemaSet({ userSchemaFiles: opts.schemaFiles, requiredProviders: module.requiredProviders });
    const children = new Map<string, ChildInterface>();
    for (const [name, call] of m.calls) if (call.module) children.set(name, childInterface(loaded.get(call.module)!));
    const moduleDir = m.dir;
    const builtinProviderNames = new Set(Object.entries(module.requiredProviders).filter(([, r]) => r.source === 'terraform.io/builtin/terraform').map(([n]) => n));
    const values = await ValueScope.create({ module, fs, moduleDir, builtinProviderNames });
    const walker = new Walker(module, {
      values,
      schemas,
      moduleAddr: m.path.map((p) => `module.${p}`).join('.'),
      children,
      functions: {
        builtinProviderNames,
        // in-memory files (no baseDir) have no directory on disk: '/' names none, never the process's
        cwd: baseDir ? resolve(baseDir) : '/',
        fileExists: (path) => {
          if (isAbsolute(path)) return existsSync(path);
          return fs.readFile(joinPath(moduleDir, path)) !== undefined || (!!baseDir && existsSync(resolve(baseDir, moduleDir, path)));
        },
      },
    });
    diags.push(...walker.run());
  }
  return diags;
}

export interface VerifyResult {
  readonly diagnostics: Diagnostic[];
  readonly verdict: 'valid' | 'invalid';
  readonly verifiedBy: 'embedded';
}

/** One file (`main.tf`), or the files of a file set (`@tfpairs/configs/fileset`), through `validateModule`. */
export async function verifyCode(code: string, opts: ValidateOptions & { filename?: string } = {}): Promise<VerifyResult> {
  const files = opts.filename ? [{ filename: opts.filename, text: code }] : filesOfCode(code).map((f) => ({ filename: f.path, text: f.text }));
  const diagnostics = await validateModule(files, opts);
  return { diagnostics, verdict: diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'valid', verifiedBy: 'embedded' };
}

/** Terraform's ordering (tfdiags Sort) plus snippets. */
function finishDiagnostics(diags: Diagnostic[], sources: ReadonlyMap<string, SourceFile>, snippets: boolean, parsed: readonly ParsedFile[]): Diagnostic[] {
  const fixed = diags.map((d) => withBytes(d, sources));
  const order = fixed.map((d, i) => [d, i] as const);
  // tfdiags.Diagnostics.Sort: warnings first, sourceless first, fewer path segments, name, then bytes
  order.sort(([a, ai], [b, bi]) => {
    if (a.severity !== b.severity) return a.severity === 'warning' ? -1 : 1;
    if (!a.range || !b.range) return (a.range ? 1 : 0) - (b.range ? 1 : 0) || ai - bi;
    if (a.range.filename !== b.range.filename) {
      const depth = (f: string) => f.split('/').length;
      return depth(a.range.filename) - depth(b.range.filename) || (a.range.filename < b.range.filename ? -1 : 1);
    }
    return a.range.start.byte - b.range.start.byte || a.range.end.byte - b.range.end.byte || ai - bi;
  });
  const sorted = order.map(([d]) => d);
  if (!snippets) return sorted;
  const bodies = new Map(parsed.map((p) => [p.source.filename, p.body.blocks]));
  return sorted.map((d) => {
    if (!d.range) return d;
    const src = sources.get(d.range.filename);
    if (!src) return d;
    return { ...d, snippet: snippetFor(d.range, src, bodies.get(d.range.filename) ?? []) };
  });
}

/** HCL's error positions come without byte offsets; compute them (and clamp odd ranges) from the text. */
function withBytes(d: Diagnostic, sources: ReadonlyMap<string, SourceFile>): Diagnostic {
  if (!d.range) return d;
  const r = d.range;
  // terraform's JSON view widens an empty range (hcl's MissingItemRange) to one character
  // (recorded: "Missing required argument" at `{` of `output "o" {` is 1:12-1:13, byte 11-12)
  if (r.start.line === r.end.line && r.start.column === r.end.column && r.start.byte === r.end.byte && r.start.byte > 0) {
    return { ...d, range: { ...r, end: { line: r.end.line, column: r.end.column + 1, byte: r.end.byte + 1 } } };
  }
  const src = sources.get(d.range.filename);
  if (!src || (d.range.start.byte > 0 || d.range.end.byte > 0)) return d;
  if (d.range.start.line === 1 && d.range.start.column === 1 && d.range.end.line === 1 && d.range.end.column === 1) return d;
  const start = src.pos(src.offsetOf(d.range.start.line, d.range.start.column));
  const end = src.pos(src.offsetOf(d.range.end.line, d.range.end.column));
  return { ...d, range: { filename: d.range.filename, start, end } };
}

/** terraform's JSON snippet: the subject's whole lines, the enclosing top-level block as context. */
export function snippetFor(range: Range, src: SourceFile, blocks: readonly Block[]): Snippet {
  const lines: string[] = [];
  for (let l = range.start.line; l <= Math.max(range.start.line, range.end.line); l++) lines.push(src.lineText(l));
  const code = lines.join('\n');
  const lineStartByte = range.start.byte - byteColumn(src, range.start);
  const hlStart = range.start.byte - lineStartByte;
  const hlEnd = Math.min(range.end.byte - lineStartByte, Buffer.byteLength(code));
  let context: string | null = null;
  for (const b of blocks) {
    const body = b.body.range;
    if (range.start.byte >= body.start.byte && range.start.byte < Math.max(body.end.byte, body.start.byte + 1)) {
      context = [b.type, ...b.labels.map((l) => JSON.stringify(l))].join(' ');
      break;
    }
  }
  return { context, code, start_line: range.start.line, highlight_start_offset: hlStart, highlight_end_offset: Math.max(hlStart, hlEnd), values: [] };
}

/** bytes between the start of the position's line and the position */
function byteColumn(src: SourceFile, pos: { line: number; column: number }): number {
  return Buffer.byteLength([...src.lineText(pos.line)].slice(0, pos.column - 1).join(''));
}
