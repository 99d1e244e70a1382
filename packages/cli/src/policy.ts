/**
 * `tfpairs policy`: @tfpairs/policy's `eval` (as `opa eval`) and `test` (as `conftest test`), with two
 * things only the top of the stack can add to `test`, because they need the planner and the bundled pack:
 * - `--policy security` (`-p security`) is the bundled Checkov-style pack, as in `build`; without
 *   `--namespace` its checks' namespaces (`security.<ID>`) are tested, plus `main` when other policy
 *   paths are given. `./security` is a folder of that name.
 * - a PATH that is a `.tf` file or a folder is planned offline (@tfpairs/plan) and tested as its plan
 *   JSON, the document the bundled pack and `build --policy DIR` read (conftest would test the HCL's
 *   JSON form instead); JSON and YAML inputs are read as conftest reads them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SECURITY_PACK_NAME, type Command } from '@tfpairs/core';
import { SECURITY_PACK } from '@tfpairs/intent/security';
import { buildPlan } from '@tfpairs/plan';
import { policyCommand as basePolicyCommand } from '@tfpairs/policy/cli';
import { defaultInputLoader, makeTestCommand, type InputLoader } from '@tfpairs/policy/conftest';

const POLICY_FLAG = /^--?(policy|p)$/;
const POLICY_ASSIGN = /^(--?(?:policy|p))=(.*)$/;
const NAMESPACE_FLAG = /^--?(namespace|all-namespaces)(=.*)?$/;

/** The bundled pack's check namespaces, from each check file's `package` line (one check per file). */
function bundledNamespaces(): string[] {
  const out: string[] = [];
  for (const name of readdirSync(SECURITY_PACK).sort()) {
    if (!name.endsWith('.rego')) continue;
    const pkg = /^package\s+(security\.[A-Za-z0-9_]+)\s*$/m.exec(readFileSync(join(SECURITY_PACK, name), 'utf8'));
    if (pkg) out.push(pkg[1]!);
  }
  return out;
}

/** `test`'s arguments with `security` as a policy path replaced by the bundled pack's folder (and its namespaces). */
export function withBundledPack(argv: readonly string[]): string[] {
  const out: string[] = [];
  let bundled = false;
  let others = 0;
  let namespaces = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const assign = POLICY_ASSIGN.exec(arg);
    const value = assign ? assign[2]! : POLICY_FLAG.test(arg) && i + 1 < argv.length ? argv[i + 1]! : undefined;
    if (value !== undefined) {
      const flag = assign ? assign[1]! : arg;
      if (value === SECURITY_PACK_NAME) bundled = true;
      else others++;
      out.push(flag, value === SECURITY_PACK_NAME ? SECURITY_PACK : value);
      if (!assign) i++;
      continue;
    }
    if (NAMESPACE_FLAG.test(arg)) namespaces = true;
    out.push(arg);
  }
  if (bundled && !namespaces) {
    // conftest's default namespace only when a pack of the user's is there to hold it
    for (const ns of [...(others ? ['main'] : []), ...bundledNamespaces()]) out.push('--namespace', ns);
  }
  return out;
}

/** A `.tf` file or a folder is planned; anything else is read as conftest reads it (JSON / YAML). */
export function planInputLoader(cwd: string): InputLoader {
  const plain = defaultInputLoader(cwd);
  return async (path) => {
    const abs = resolve(cwd, path);
    const isDir = statSync(abs).isDirectory();
    if (!isDir && !path.endsWith('.tf')) return plain(path);
    const names = isDir ? readdirSync(abs).filter((n) => (n.endsWith('.tf') || n.endsWith('.tf.json')) && !n.startsWith('.')).sort() : [];
    const files = isDir ? names.map((n) => ({ name: n, text: readFileSync(join(abs, n), 'utf8') })) : [{ name: 'main.tf', text: readFileSync(abs, 'utf8') }];
    if (files.length === 0) throw new Error('no .tf or .tf.json file in the folder');
    const { plan, diagnostics } = await buildPlan({ files, baseDir: isDir ? abs : resolve(abs, '..') });
    if (!plan) {
      const first = diagnostics.find((d) => d.severity === 'error');
      throw new Error(`cannot be planned${first ? `: ${first.summary}${first.detail ? `: ${first.detail}` : ''}` : ''}`);
    }
    return plan;
  };
}

const testWithPlans = makeTestCommand(planInputLoader);

export const policyCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'test') return testWithPlans(withBundledPack(rest), io);
  return basePolicyCommand(argv, io);
};
