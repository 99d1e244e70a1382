/**
 * conftest's `test`: in each namespace (default `main`), every rule named `deny`, `violation`, `warn`
 * or `deny_*`/`violation_*`/`warn_*` is queried; each message (a string, or an object with `msg` and
 * metadata) is a failure or warning; a rule whose value holds no message counts one success; rules
 * listed by `exception` are reported as exceptions instead. The JSON output and exit codes are conftest's.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { FlagError, parseFlags, renderFlagHelp, type Command, type FlagSpec } from '@tfpairs/core';
import { CompiledPolicy, errorJSON, RegoError } from './engine';
import type { Node } from './eval';
import { loadPaths } from './load';

const FAILURE = /^(deny|violation)(_[a-zA-Z0-9]+)*$/;
const WARNING = /^warn(_[a-zA-Z0-9]+)*$/;

export interface ConftestResult {
  msg: string;
  metadata?: Record<string, unknown>;
}

export interface CheckResult {
  filename: string;
  namespace: string;
  successes: number;
  warnings?: ConftestResult[];
  failures?: ConftestResult[];
  exceptions?: ConftestResult[];
}

/** reads one input document for a PATH argument (a JSON/YAML file by default; a Terraform folder later) */
export type InputLoader = (path: string) => Promise<unknown>;

export function defaultInputLoader(cwd: string): InputLoader {
  return async (path) => {
    const text = readFileSync(resolve(cwd, path), 'utf8');
    return /\.ya?ml$/.test(path) ? YAML.parse(text) : JSON.parse(text);
  };
}

function nodeAt(policy: CompiledPolicy, ns: string): Node | undefined {
  let node: Node | undefined = policy.policy.root;
  for (const p of ns.split('.')) node = node?.children.get(p);
  return node;
}

/** every package that holds rules (for --all-namespaces), in module order */
export function namespacesOf(policy: CompiledPolicy): string[] {
  return [...new Set(policy.modules.map((m) => m.pkg.join('.')))];
}

const stripPrefix = (rule: string) => rule.replace(/^(deny|violation|warn)_?/, '');

function messages(value: unknown): ConftestResult[] {
  if (!Array.isArray(value)) return [];
  const out: ConftestResult[] = [];
  for (const v of value) {
    if (typeof v === 'string') out.push({ msg: v });
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.msg !== 'string') throw new RegoError('rule missing msg field', 'conftest_error');
      const metadata: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) if (k !== 'msg') metadata[k] = x;
      out.push(Object.keys(metadata).length ? { msg: o.msg, metadata } : { msg: o.msg });
    }
  }
  return out;
}

/** conftest's check of one input in one namespace */
export function checkNamespace(policy: CompiledPolicy, input: unknown, filename: string, namespace: string, data: unknown = {}): CheckResult {
  const node = nodeAt(policy, namespace);
  const result: CheckResult = { filename, namespace, successes: 0 };
  if (!node) return result;
  const rules = [...node.children.keys()].filter((name) => FAILURE.test(name) || WARNING.test(name));
  const failures: ConftestResult[] = [], warnings: ConftestResult[] = [], exceptions: ConftestResult[] = [];
  for (const rule of rules) {
    const exceptionQuery = `data.${namespace}.exception[_][_] == ${JSON.stringify(stripPrefix(rule))}`;
    if (node.children.has('exception') && policy.query(exceptionQuery, { input, data }).length) {
      exceptions.push({ msg: exceptionQuery });
      continue;
    }
    for (const r of policy.query(`data.${namespace}.${rule}`, { input, data })) {
      const value = r.expressions[0]!.value;
      const msgs = messages(value);
      if (!msgs.length) {
        result.successes++;
        continue;
      }
      (FAILURE.test(rule) ? failures : warnings).push(...msgs);
    }
  }
  if (warnings.length) result.warnings = warnings;
  if (failures.length) result.failures = failures;
  if (exceptions.length) result.exceptions = exceptions;
  return result;
}

const FLAGS: FlagSpec[] = [
  { name: 'policy', type: 'string[]', help: 'policy file or directory (default: policy)', arg: 'PATH' },
  { name: 'p', type: 'string[]', help: 'same as --policy', arg: 'PATH' },
  { name: 'namespace', type: 'string[]', help: 'namespace to test (default: main)', arg: 'NS' },
  { name: 'all-namespaces', type: 'boolean', help: 'test every namespace of the policies' },
  { name: 'data', type: 'string[]', help: 'data file or directory', arg: 'PATH' },
  { name: 'output', type: 'string', help: 'output format: stdout or json', arg: 'FORMAT', default: 'stdout' },
  { name: 'o', type: 'string', help: 'same as --output', arg: 'FORMAT' },
  { name: 'rego-version', type: 'string', help: 'Rego syntax of the policies: v1 or v0', arg: 'VERSION', default: 'v1' },
  { name: 'fail-on-warn', type: 'boolean', help: 'exit 1 on warnings (and 2 on failures)' },
  { name: 'no-color', type: 'boolean', help: 'no colours (output is never coloured)' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const USAGE = `Usage: tfpairs policy test <path> [path...] [flags]

  Tests inputs (JSON or YAML files) against Rego policies, as \`conftest test\`.

Flags:
`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
}

export function makeTestCommand(loader?: (cwd: string) => InputLoader): Command {
  return async (argv, io) => {
    let values: Record<string, unknown>;
    let positionals: string[];
    try {
      ({ values, positionals } = parseFlags(argv, FLAGS));
    } catch (e) {
      if (!(e instanceof FlagError)) throw e;
      io.stderr.write(`${e.message}\n\n${USAGE}${renderFlagHelp(FLAGS)}\n`);
      return 1;
    }
    if (values.help) {
      io.stdout.write(`${USAGE}${renderFlagHelp(FLAGS)}\n`);
      return 0;
    }
    if (!positionals.length) {
      io.stderr.write(`Error: missing required arguments\n\n${USAGE}${renderFlagHelp(FLAGS)}\n`);
      return 1;
    }
    const output = (values.o as string | undefined) ?? (values.output as string | undefined) ?? 'stdout';
    const version = (values['rego-version'] as string | undefined) ?? 'v1';
    if (version !== 'v0' && version !== 'v1') {
      io.stderr.write(`Error: invalid --rego-version "${version}": must be v0 or v1\n`);
      return 1;
    }
    const policyPaths = [...((values.policy as string[] | undefined) ?? []), ...((values.p as string[] | undefined) ?? [])];
    let policy: CompiledPolicy;
    let data: unknown;
    try {
      const loaded = loadPaths(policyPaths.length ? policyPaths : ['policy'], io.cwd);
      const extra = loadPaths((values.data as string[] | undefined) ?? [], io.cwd);
      if (!loaded.modules.length) throw new RegoError(`no policies found in [${(policyPaths.length ? policyPaths : ['policy']).join(' ')}]`, 'conftest_error');
      policy = new CompiledPolicy(loaded.modules, { v0: version === 'v0' });
      data = { ...loaded.data, ...extra.data };
    } catch (e) {
      if (!(e instanceof RegoError)) throw e;
      io.stderr.write(`Error: running test: load: loading policies: ${JSON.stringify(errorJSON(e))}\n`);
      return 1;
    }
    const namespaces = values['all-namespaces'] ? namespacesOf(policy) : ((values.namespace as string[] | undefined) ?? ['main']);
    const load = (loader ?? defaultInputLoader)(io.cwd);
    const results: CheckResult[] = [];
    for (const path of positionals) {
      let input: unknown;
      try {
        input = await load(path);
      } catch (e) {
        io.stderr.write(`Error: running test: parse configurations: ${path}: ${(e as Error).message}\n`);
        return 1;
      }
      try {
        for (const ns of namespaces) results.push(checkNamespace(policy, input, path, ns, data));
      } catch (e) {
        if (!(e instanceof RegoError)) throw e;
        io.stderr.write(`Error: running test: ${e.code}: ${e.message}\n`);
        return 1;
      }
    }
    const failures = results.reduce((n, r) => n + (r.failures?.length ?? 0), 0);
    const warnings = results.reduce((n, r) => n + (r.warnings?.length ?? 0), 0);
    const exceptions = results.reduce((n, r) => n + (r.exceptions?.length ?? 0), 0);
    const successes = results.reduce((n, r) => n + r.successes, 0);
    if (output === 'json') io.stdout.write(`${JSON.stringify(results, null, '\t')}\n`);
    else {
      for (const r of results) {
        for (const w of r.warnings ?? []) io.stdout.write(`WARN - ${r.filename} - ${r.namespace} - ${w.msg}\n`);
        for (const f of r.failures ?? []) io.stdout.write(`FAIL - ${r.filename} - ${r.namespace} - ${f.msg}\n`);
        for (const x of r.exceptions ?? []) io.stdout.write(`EXCP - ${r.filename} - ${r.namespace} - ${x.msg}\n`);
      }
      const total = failures + warnings + exceptions + successes;
      io.stdout.write(`\n${plural(total, 'test')}, ${successes} passed, ${plural(warnings, 'warning')}, ${plural(failures, 'failure')}, ${plural(exceptions, 'exception')}\n`);
    }
    if (values['fail-on-warn']) return failures ? 2 : warnings ? 1 : 0;
    return failures ? 1 : 0;
  };
}

export const testCommand: Command = makeTestCommand();
