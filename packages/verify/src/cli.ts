/**
 * `tfpairs validate [-json] [-schema FILE]... [-no-color] [PATH...]`: terraform validate without
 * terraform. PATH is a module directory (every `.tf` file directly in it) or one `.tf` file; the
 * default is the current directory. Exit 1 when there is any error, as terraform.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { FlagError, parseFlags, renderFlagHelp, type Command, type Diagnostic, type FlagSpec } from '@tfpairs/core';
import { renderTerraformDiagnostic, wrapText } from './render';
import { isSchemaFileError, loadSchemaSet } from './schemas';
import { diskFileSystem } from '@tfpairs/configs';
import { validateConfig, validateModule, type ModuleFile } from './validate';

const FLAGS: FlagSpec[] = [
  { name: 'json', type: 'boolean', help: "print terraform's `validate -json` object (one line per PATH when there are several, with \"path\")" },
  { name: 'schema', type: 'string[]', help: 'a `terraform providers schema -json` file (plain or .gz); wins for the providers it covers', arg: 'FILE' },
  { name: 'no-color', type: 'boolean', help: 'no terminal colours' },
  { name: 'no-provider-checks', type: 'boolean', help: 'syntax and core-language checks only' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const USAGE = `Usage: tfpairs validate [options] [PATH...]

  Validates the Terraform configuration in each PATH (a module directory, or a
  single .tf file) the way \`terraform validate\` does, without terraform,
  provider plugins or network: HCL syntax, core-language rules and the
  provider schemas bundled with tfpairs (or given with -schema).

Options:
`;

interface Target {
  readonly path: string;
  readonly files?: ModuleFile[];
  readonly baseDir?: string;
  /** set for a directory target: diagnostics name files with this prefix ('' for none) */
  readonly dirPrefix?: string;
  readonly problem?: Diagnostic;
  /** files terraform would read that this validator does not (said, never skipped silently) */
  readonly notes?: Diagnostic[];
}

/** `showDir`: name files by their path from the working directory (several PATHs, human output). */
function readTarget(path: string, cwd: string, showDir: boolean): Target {
  const abs = resolve(cwd, path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return { path, problem: { severity: 'error', summary: 'Invalid path', detail: `The path ${JSON.stringify(path)} does not exist.` } };
  }
  try {
    // a directory is read as terraform reads it (configs): .tf, .tf.json, overrides, tests, local modules
    if (st.isDirectory()) return { path, baseDir: abs, dirPrefix: showDir ? relative(cwd, abs) : '' };
    const name = basename(abs);
    const prefix = showDir ? relative(cwd, resolve(abs, '..')) : '';
    return { path, baseDir: resolve(abs, '..'), files: [{ filename: prefix ? join(prefix, name) : name, text: readFileSync(abs, 'utf8') }] };
  } catch (e) {
    return { path, problem: { severity: 'error', summary: 'Failed to read configuration', detail: `${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } };
  }
}

/** file names as seen from the working directory when several PATHs are validated */
function withPrefix(diags: Diagnostic[], prefix: string): Diagnostic[] {
  if (!prefix) return diags;
  return diags.map((d) => (d.range ? { ...d, range: { ...d.range, filename: join(prefix, d.range.filename) } } : d));
}

/** The object `terraform validate -json` prints. */
export function validateJson(diagnostics: readonly Diagnostic[]): Record<string, unknown> {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    format_version: '1.0',
    valid: errors === 0,
    error_count: errors,
    warning_count: diagnostics.length - errors,
    diagnostics,
  };
}

export const validateCommand: Command = async (argv, io) => {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(argv, FLAGS));
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\n\n${USAGE}${renderFlagHelp(FLAGS, '-')}\n`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}${renderFlagHelp(FLAGS, '-')}\n`);
    return 0;
  }
  const json = !!values.json;
  const color = !values['no-color'] && !!io.stdout.isTTY && !json;
  const schemaFiles = ((values.schema as string[] | undefined) ?? []).map((f) => resolve(io.cwd, f));
  try {
    if (schemaFiles.length) loadSchemaSet({ userSchemaFiles: schemaFiles });
  } catch (e) {
    if (!isSchemaFileError(e)) throw e;
    io.stderr.write(`tfpairs validate: ${(e as Error).message}\n`);
    return 1;
  }
  const paths = positionals.length ? positionals : ['.'];
  const several = paths.length > 1;
  let failed = false;
  for (const path of paths) {
    const target = readTarget(path, io.cwd, several && !json);
    let diagnostics: Diagnostic[];
    if (target.problem) diagnostics = [target.problem];
    else if (target.dirPrefix !== undefined) {
      const opts = { schemaFiles, baseDir: target.baseDir, providerChecks: !values['no-provider-checks'], useInstalledModules: true, uninstalledModules: 'error' as const };
      diagnostics = withPrefix(await validateConfig(diskFileSystem(target.baseDir!), '.', opts), target.dirPrefix);
    } else {
      diagnostics = await validateModule(target.files!, { schemaFiles, baseDir: target.baseDir, providerChecks: !values['no-provider-checks'] });
    }
    if (target.notes?.length) diagnostics = [...target.notes, ...diagnostics];
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (errors > 0) failed = true;
    if (json) {
      const obj = validateJson(diagnostics);
      io.stdout.write(several ? `${JSON.stringify({ path, ...obj })}\n` : `${JSON.stringify(obj, null, 2)}\n`);
      continue;
    }
    for (const d of diagnostics) {
      // -no-color is terraform's plain form: no `╷ │ ╵` box either
      const text = `\n${renderTerraformDiagnostic(d, { color, plain: !!values['no-color'] })}`;
      if (d.severity === 'error') io.stderr.write(text);
      else io.stdout.write(text);
    }
    if (errors === 0) {
      const ok = color ? '\x1b[32m\x1b[1mSuccess!\x1b[0m' : 'Success!';
      const where = several ? ` (${path})` : '';
      // terraform's message ends in a newline and is printed with Println: a blank line follows
      const message = diagnostics.length ? `${ok} The configuration is valid, but there were some validation warnings as shown above.${where}` : `${ok} The configuration is valid.${where}`;
      // wrapped as terraform wraps it when the output is not a terminal (78 columns, one kept free)
      io.stdout.write(`${color ? message : wrapText(message, 77)}\n\n`);
    }
  }
  return failed ? 1 : 0;
};
