/**
 * `tfpairs lint [--format default|json|compact] [--only RULE]... [--enable-rule RULE]...
 * [--disable-rule RULE]... [--config FILE] [--force] [--minimum-failure-severity S] [PATH...]`:
 * TFLint's flags, output formats and exit codes (0 clean, 2 issues found, 1 errors). PATH is a module
 * directory (its `.tf` / `.tf.json` files) or one file; the default is the current directory.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { FlagError, parseFlags, renderFlagHelp, type Command, type Diagnostic, type FlagSpec } from '@tfpairs/core';
import { parseTflintConfig, TflintConfigError } from './config';
import { formatCompact, formatDefault, formatErrors, formatJson } from './format';
import { lintModules, sortIssues, type TflintConfig } from './lint';
import type { LintIssue, LintSeverity } from './rule';
import type { ModuleFile } from './module';

const FLAGS: FlagSpec[] = [
  { name: 'format', type: 'string', help: 'output format: default, json or compact', arg: 'FORMAT', default: 'default' },
  { name: 'f', type: 'string', help: 'short for --format', arg: 'FORMAT' },
  { name: 'config', type: 'string', help: 'config file (default: .tflint.hcl in the working directory)', arg: 'FILE' },
  { name: 'c', type: 'string', help: 'short for --config', arg: 'FILE' },
  { name: 'only', type: 'string[]', help: 'enable only this rule, disabling all other defaults', arg: 'RULE' },
  { name: 'enable-rule', type: 'string[]', help: 'enable a rule', arg: 'RULE' },
  { name: 'disable-rule', type: 'string[]', help: 'disable a rule', arg: 'RULE' },
  { name: 'disable', type: 'string[]', help: 'same as --disable-rule', arg: 'RULE' },
  { name: 'force', type: 'boolean', help: 'return zero exit status even if issues are found' },
  { name: 'minimum-failure-severity', type: 'string', help: 'lowest severity that makes the exit status non-zero: error, warning or notice', arg: 'SEVERITY' },
  { name: 'no-color', type: 'boolean', help: 'no colours (output is never coloured)' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const USAGE = `Usage: tfpairs lint [options] [PATH...]

  TFLint's terraform ruleset (recommended preset by default) and tflint-ruleset-aws's
  offline checks over each PATH (a module directory or one file). Exit status: 0 no
  issues, 2 issues found, 1 errors (as tflint).

Options:
`;

const RANK: Record<LintSeverity, number> = { notice: 0, warning: 1, error: 2 };

function readModule(path: string, cwd: string): { files?: ModuleFile[]; error?: Diagnostic } {
  const abs = resolve(cwd, path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return { error: { severity: 'error', summary: 'Invalid path', detail: `Failed to load configurations; ${path}: no such file or directory` } };
  }
  const name = (file: string) => relative(cwd, file) || file;
  if (st.isDirectory()) {
    const names = readdirSync(abs).filter((n) => (n.endsWith('.tf') || n.endsWith('.tf.json')) && !n.startsWith('.')).sort();
    return { files: names.map((n) => ({ name: name(join(abs, n)), text: readFileSync(join(abs, n), 'utf8') })) };
  }
  return { files: [{ name: name(abs), text: readFileSync(abs, 'utf8') }] };
}

export const lintCommand: Command = async (argv, io) => {
  let flags;
  try {
    flags = parseFlags(argv, FLAGS);
  } catch (e) {
    if (e instanceof FlagError) {
      io.stderr.write(`${e.message}\n\n${USAGE}${renderFlagHelp(FLAGS)}\n`);
      return 1;
    }
    throw e;
  }
  const v = flags.values;
  if (v.help) {
    io.stdout.write(`${USAGE}${renderFlagHelp(FLAGS)}\n`);
    return 0;
  }
  let config: TflintConfig | undefined;
  const configPath = (v.config as string | undefined) ?? (v.c as string | undefined) ?? io.env.TFLINT_CONFIG_FILE;
  const candidate = configPath ? resolve(io.cwd, configPath) : ['.tflint.hcl', '.tflint.json'].map((n) => resolve(io.cwd, n)).find((p) => existsSync(p));
  if (candidate) {
    try {
      config = await parseTflintConfig(readFileSync(candidate, 'utf8'), candidate);
    } catch (e) {
      const message = e instanceof TflintConfigError ? e.message : `Failed to load TFLint config; ${configPath}: no such file or directory`;
      io.stderr.write(`${message}\n`);
      return 1;
    }
  }
  const format = (v.format as string | undefined) ?? (v.f as string | undefined) ?? config?.format ?? 'default';
  if (!['default', 'json', 'compact'].includes(format)) {
    io.stderr.write(`Invalid value \`${format}' for option \`-f, --format'. Allowed values are: default, json or compact\n`);
    return 1;
  }
  const minimum = v['minimum-failure-severity'] as string | undefined;
  if (minimum !== undefined && !(minimum in RANK)) {
    io.stderr.write(`Invalid value \`${minimum}' for option \`--minimum-failure-severity'. Allowed values are: error, warning or notice\n`);
    return 1;
  }
  const options = {
    config,
    only: v.only as string[] | undefined,
    enable: v['enable-rule'] as string[] | undefined,
    disable: [...((v['disable-rule'] as string[] | undefined) ?? []), ...((v.disable as string[] | undefined) ?? [])],
  };
  const issues: LintIssue[] = [];
  const errors: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const modules = (flags.positionals.length ? flags.positionals : ['.']).map((path) => readModule(path, io.cwd));
  // every module's files at once: HashiCorp's parser checks them in groups (lintModules)
  const readable = modules.filter((m) => m.files).map((m) => m.files!);
  const reports = await lintModules(readable, options);
  let next = 0;
  for (const m of modules) {
    if (m.error) {
      errors.push(m.error);
      continue;
    }
    for (const f of m.files!) sources.set(f.name, f.text);
    const report = reports[next++]!;
    issues.push(...report.issues);
    errors.push(...report.errors);
  }
  sortIssues(issues);
  if (format === 'json') io.stdout.write(formatJson(errors.length ? [] : issues, errors));
  else if (format === 'compact') io.stdout.write(formatCompact(errors.length ? [] : issues, errors));
  else {
    if (!errors.length) io.stdout.write(formatDefault(issues, sources));
    io.stderr.write(formatErrors(errors));
  }
  if (errors.length) return 1;
  const force = v.force === true || config?.force === true;
  const failing = minimum === undefined ? issues.length > 0 : issues.some((i) => RANK[i.severity] >= RANK[minimum as LintSeverity]);
  return failing && !force ? 2 : 0;
};
