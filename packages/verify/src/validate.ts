/**
 * The embedded `terraform validate`: HCL syntax (HashiCorp's parser), configuration loading, then the
 * validate walk with provider schemas. Each stage stops the next when it has errors, as terraform does.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic, Range, Snippet } from '@tfpairs/core';
import { parseFile, type Block, type ParsedFile } from '@tfpairs/hcl/tree';
import { loadModule } from './module';
import { loadSchemaSet, type SchemaSet } from './schemas';
import { SourceFile } from '@tfpairs/hcl/source';
import { checkSyntax } from '@tfpairs/hcl/syntax';
import { Walker } from './walk';

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

/** Exactly what `terraform validate` reports for a module made of these files. */
export async function validateModule(files: readonly ModuleFile[], opts: ValidateOptions = {}): Promise<Diagnostic[]> {
  const sources = new Map(files.map((f) => [f.filename, new SourceFile(f.filename, f.text)]));
  const finish = (diags: Diagnostic[]) => finishDiagnostics(diags, sources, opts.snippets !== false, parsed);
  let parsed: ParsedFile[] = [];

  // 1. syntax: HashiCorp's parser is the judge
  const syntaxDiags: Diagnostic[] = [];
  for (const f of files) {
    const diags = await checkSyntax(f.text, f.filename);
    syntaxDiags.push(...diags);
  }
  if (syntaxDiags.some((d) => d.severity === 'error')) {
    // the snippet's context ("in resource ...") comes from the error-tolerant tree
    if (opts.snippets !== false) parsed = await Promise.all(files.map((f) => parseFile(f.filename, f.text, sources.get(f.filename))));
    return finish(syntaxDiags);
  }

  try {
    return finish(await validateParsed(files, sources, opts, (p) => (parsed = p)));
  } catch (e) {
    // pathological inputs (e.g. operator chains thousands of terms long) exhaust the JS stack in the
    // recursive checks; that is a finding about the input, never a crash of the pipeline
    if (!(e instanceof RangeError)) throw e;
    return finish([{ severity: 'error', summary: 'Configuration too complex', detail: `The configuration could not be checked: ${e.message}.` }]);
  }
}

async function validateParsed(files: readonly ModuleFile[], sources: ReadonlyMap<string, SourceFile>, opts: ValidateOptions, keep: (p: ParsedFile[]) => void): Promise<Diagnostic[]> {
  // 2. configuration loading
  const parsed = await Promise.all(files.map((f) => parseFile(f.filename, f.text, sources.get(f.filename))));
  keep(parsed);
  const loaded = loadModule(parsed);
  if (loaded.diags.some((d) => d.severity === 'error')) return loaded.diags;

  // 3. validate walk
  let schemas: SchemaSet | undefined;
  if (opts.providerChecks !== false) schemas = opts.schemas ?? loadSchemaSet({ userSchemaFiles: opts.schemaFiles, requiredProviders: loaded.module.requiredProviders });
  const names = new Set(files.map((f) => f.filename));
  const baseDir = opts.baseDir;
  const walker = new Walker(loaded.module, {
    schemas,
    functions: {
      cwd: baseDir ? resolve(baseDir) : process.cwd(),
      fileExists: (path) => {
        if (baseDir) return existsSync(isAbsolute(path) ? path : resolve(baseDir, path));
        return names.has(path.replace(/^(\.\/)+/, ''));
      },
    },
  });
  return [...loaded.diags, ...walker.run()];
}

export interface VerifyResult {
  readonly diagnostics: Diagnostic[];
  readonly verdict: 'valid' | 'invalid';
  readonly verifiedBy: 'embedded';
}

/** One file (`main.tf`) through `validateModule`: the repair loop's and the sandbox's entry point. */
export async function verifyCode(code: string, opts: ValidateOptions & { filename?: string } = {}): Promise<VerifyResult> {
  const diagnostics = await validateModule([{ filename: opts.filename ?? 'main.tf', text: code }], opts);
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
