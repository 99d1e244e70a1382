/**
 * `tfpairs policy eval ...`: `opa eval` without OPA (same flags, output and exit codes for what is
 * supported), and `tfpairs policy test ...`: conftest's `test` over JSON inputs.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { resolve } from 'node:path';
import { FlagError, parseFlags, renderFlagHelp, type CliIO, type Command, type FlagSpec } from '@tfpairs/core';
import { CompiledPolicy, errorJSON, RegoError, type QueryResult } from './engine';
import { loadPaths } from './load';
import { testCommand } from './conftest';

const EVAL_FLAGS: FlagSpec[] = [
  { name: 'd', type: 'string[]', help: 'policy or data file or directory (same as --data)', arg: 'PATH' },
  { name: 'data', type: 'string[]', help: 'policy (.rego) or data (.json, .yaml) file or directory', arg: 'PATH' },
  { name: 'i', type: 'string', help: 'input file (same as --input)', arg: 'FILE' },
  { name: 'input', type: 'string', help: 'input JSON or YAML file', arg: 'FILE' },
  { name: 'f', type: 'string', help: 'output format (same as --format)', arg: 'FORMAT' },
  { name: 'format', type: 'string', help: 'output format: json or pretty', arg: 'FORMAT', default: 'json' },
  { name: 'v0-compatible', type: 'boolean', help: 'parse policies as Rego v0 (OPA 0.x syntax)' },
  { name: 'v1-compatible', type: 'boolean', help: 'parse policies as Rego v1 (the default)' },
  { name: 'strict-builtin-errors', type: 'boolean', help: 'treat built-in function errors as fatal' },
  { name: 'fail', type: 'boolean', help: 'exit 1 when the result is undefined' },
  { name: 'fail-defined', type: 'boolean', help: 'exit 1 when the result is defined' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const EVAL_USAGE = `Usage: tfpairs policy eval [flags] <query>

  Evaluates a Rego query the way \`opa eval\` does, with the embedded Rego engine.

Flags:
`;

/** OPA prints JSON with Go's encoder: two-space indent */
function printJSON(io: CliIO, v: unknown): void {
  io.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

function printErrors(io: CliIO, errors: RegoError[], format: string): void {
  if (format === 'json') {
    printJSON(io, { errors: errors.map(errorJSON) });
    return;
  }
  const lines = errors.map((e) => (e.loc ? `${e.loc.file}:${e.loc.row}: ${e.code}: ${e.message}` : `${e.code}: ${e.message}`));
  io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'} occurred:${errors.length === 1 ? ' ' : '\n'}${lines.join('\n')}\n`);
}

function printPretty(io: CliIO, results: QueryResult[]): void {
  if (!results.length) {
    io.stdout.write('undefined\n');
    return;
  }
  if (results.length === 1 && !results[0]!.bindings && results[0]!.expressions.length === 1) {
    printJSON(io, results[0]!.expressions[0]!.value);
    return;
  }
  printJSON(io, results.map((r) => r.bindings ?? r.expressions.map((e) => e.value)));
}

function readInput(path: string, cwd: string): unknown {
  const text = readFileSync(resolve(cwd, path), 'utf8');
  try {
    return /\.ya?ml$/.test(path) ? (YAML.parse(text) as unknown) : JSON.parse(text);
  } catch (e) {
    throw new RegoError(`${path}: ${(e as Error).message}`, 'rego_parse_error');
  }
}

export const evalCommand: Command = async (argv, io) => {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(argv, EVAL_FLAGS));
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\n\n${EVAL_USAGE}${renderFlagHelp(EVAL_FLAGS)}\n`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(`${EVAL_USAGE}${renderFlagHelp(EVAL_FLAGS)}\n`);
    return 0;
  }
  const format = (values.f as string | undefined) ?? (values.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'pretty') {
    io.stderr.write(`invalid argument "${format}" for "-f, --format" flag: supported formats are json and pretty\n`);
    return 1;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`${positionals.length ? 'extra arguments' : 'specify query argument'}\n\n${EVAL_USAGE}${renderFlagHelp(EVAL_FLAGS)}\n`);
    return 1;
  }
  const query = positionals[0]!;
  const dataPaths = [...((values.d as string[] | undefined) ?? []), ...((values.data as string[] | undefined) ?? [])];
  const inputPath = (values.i as string | undefined) ?? (values.input as string | undefined);
  try {
    const loaded = loadPaths(dataPaths, io.cwd);
    const input = inputPath ? readInput(inputPath, io.cwd) : undefined;
    const policy = new CompiledPolicy(loaded.modules, { v0: !!values['v0-compatible'] });
    const results = policy.query(query, { input, data: loaded.data, strictBuiltinErrors: !!values['strict-builtin-errors'] });
    if (format === 'json') printJSON(io, results.length ? { result: results } : {});
    else printPretty(io, results);
    if (values.fail && !results.length) return 1;
    if (values['fail-defined'] && results.length) return 1;
    return 0;
  } catch (e) {
    if (!(e instanceof RegoError)) throw e;
    printErrors(io, [e], format);
    return 1;
  }
};

const USAGE = `Usage: tfpairs policy <eval|test> [flags]

  eval   evaluate a Rego query (as \`opa eval\`)
  test   test inputs against policies (as \`conftest test\`)
`;

export const policyCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'eval') return evalCommand(rest, io);
  if (sub === 'test') return testCommand(rest, io);
  if (!sub || sub === '-h' || sub === '-help' || sub === '--help' || sub === 'help') {
    io.stdout.write(USAGE);
    return sub ? 0 : 1;
  }
  io.stderr.write(`tfpairs policy: unknown subcommand "${sub}"\n\n${USAGE}`);
  return 1;
};
