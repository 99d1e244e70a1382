/**
 * `tfpairs plan -json [-schema FILE]... [-var NAME=VALUE]... [PATH...]`: the JSON plan that
 * `terraform plan -out=p && terraform show -json p` prints, for a fresh create-only plan, computed
 * offline. PATH is a module directory (its `.tf` files) or one `.tf` file (default: the current
 * directory). One object per PATH, with an added "path" when several are given; an invalid
 * configuration prints its validate diagnostics and exits 1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FlagError, parseFlags, renderFlagHelp, type Command, type Diagnostic, type FlagSpec } from '@tfpairs/core';
import { renderTerraformDiagnostic, validateJson } from '@tfpairs/verify';
import { buildPlan } from './index';

const FLAGS: FlagSpec[] = [
  { name: 'json', type: 'boolean', help: 'print the plan as `terraform show -json PLANFILE` does (the only output format)' },
  { name: 'schema', type: 'string[]', help: 'a `terraform providers schema -json` file (plain or .gz); wins for the providers it covers', arg: 'FILE' },
  { name: 'var', type: 'string[]', help: 'a root module variable, as terraform plan -var', arg: 'NAME=VALUE' },
  { name: 'no-color', type: 'boolean', help: 'no terminal colours' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const USAGE = `Usage: tfpairs plan -json [options] [PATH...]

  Plans the Terraform configuration in each PATH (a module directory, or a
  single .tf file) as a fresh create-only plan, offline, and prints terraform's
  JSON plan representation (what \`terraform show -json PLANFILE\` prints).
  Values terraform knows at plan time are known; computed attributes are
  unknown; data sources are planned as reads whose results are unknown.

Options:
`;

function readFiles(abs: string): { files: { name: string; text: string }[]; baseDir: string } {
  if (statSync(abs).isDirectory()) {
    const names = readdirSync(abs).filter((n) => n.endsWith('.tf') || n.endsWith('.tf.json')).sort();
    return { files: names.map((name) => ({ name, text: readFileSync(join(abs, name), 'utf8') })), baseDir: abs };
  }
  return { files: [{ name: basename(abs), text: readFileSync(abs, 'utf8') }], baseDir: dirname(abs) };
}

export const planCommand: Command = async (argv, io) => {
  let parsed;
  try {
    parsed = parseFlags(argv, FLAGS);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\n\n${USAGE}${renderFlagHelp(FLAGS, '-')}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}${renderFlagHelp(FLAGS, '-')}\n`);
    return 0;
  }
  if (!values.json) {
    io.stderr.write('tfpairs plan: only -json output is supported (the plan as `terraform show -json` prints it)\n');
    return 1;
  }
  const vars: Record<string, string> = {};
  for (const v of (values.var as string[] | undefined) ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) {
      io.stderr.write(`tfpairs plan: invalid -var option ${JSON.stringify(v)}: the given value is not of the form NAME=VALUE\n`);
      return 1;
    }
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  const schemaFiles = ((values.schema as string[] | undefined) ?? []).map((f) => resolve(io.cwd, f));
  const paths = positionals.length ? positionals : ['.'];
  const several = paths.length > 1;
  let failed = false;
  for (const path of paths) {
    let result: { plan: unknown; diagnostics: Diagnostic[] };
    try {
      result = await buildPlan(readFiles(resolve(io.cwd, path)), { schemaFiles, vars });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const detail = code === 'ENOENT' ? `The path ${JSON.stringify(path)} does not exist.` : `${path}: ${(e as Error).message}`;
      result = { plan: null, diagnostics: [{ severity: 'error', summary: code === 'ENOENT' ? 'Invalid path' : 'Failed to plan configuration', detail }] };
    }
    if (result.plan === null) {
      failed = true;
      const obj = validateJson(result.diagnostics);
      io.stdout.write(several ? `${JSON.stringify({ path, ...obj })}\n` : `${JSON.stringify(obj, null, 2)}\n`);
      if (!several) for (const d of result.diagnostics) if (d.severity === 'error') io.stderr.write(renderTerraformDiagnostic(d, { color: false }));
      continue;
    }
    io.stdout.write(several ? `${JSON.stringify({ path, ...(result.plan as object) })}\n` : `${JSON.stringify(result.plan)}\n`);
  }
  return failed ? 1 : 0;
};
