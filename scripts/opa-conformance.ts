/**
 * Runs OPA's own conformance cases (the YAML files of `test/cases/testdata/` in the OPA repository)
 * against @tfpairs/policy and prints the pass rate per directory. A measuring tool: the cases are read
 * from PATH_TO_CASES and never copied into this repository.
 *
 *   npx tsx scripts/opa-conformance.ts PATH_TO_CASES [--verbose] [--v0]
 *
 * Files under a `v0/` folder (or with --v0) are parsed as Rego v0, the rest as v1 (OPA 1.x's default).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import YAML from 'yaml';
import { CompiledPolicy, RegoError } from '@tfpairs/policy';

interface Case {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  want_defined?: boolean;
  want_error?: string;
  want_error_code?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
  skip?: boolean;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function canonical(v: unknown, sortArrays: boolean): string {
  const norm = (x: unknown, top: boolean): unknown => {
    if (Array.isArray(x)) {
      const items = x.map((y) => norm(y, false));
      return sortArrays && top ? items.map((y) => JSON.stringify(y)).sort().map((y) => JSON.parse(y) as unknown) : items;
    }
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = norm((x as Record<string, unknown>)[k], false);
      return o;
    }
    return x;
  };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = norm((v as Record<string, unknown>)[k], true);
    return JSON.stringify(o);
  }
  return JSON.stringify(norm(v, true));
}

type Outcome = { ok: true } | { ok: false; why: string };

function runCase(c: Case, v0: boolean): Outcome {
  let results: { bindings?: Record<string, unknown> }[];
  try {
    const policy = new CompiledPolicy((c.modules ?? []).map((text, i) => ({ file: `test-${i}.rego`, text })), { v0 });
    let input = c.input;
    if (c.input_term !== undefined) {
      const r = new CompiledPolicy([], { v0 }).query(`__x__ = ${c.input_term}`);
      input = r[0]?.bindings?.__x__;
    }
    results = policy.query(c.query, { input, data: c.data ?? {}, strictBuiltinErrors: !!c.strict_error, nowNs: Date.now() * 1e6 });
  } catch (e) {
    if (!(e instanceof RegoError)) return { ok: false, why: `crash: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}` };
    if (c.want_error_code || c.want_error) {
      if (c.want_error_code && e.code !== c.want_error_code) return { ok: false, why: `error code ${e.code} (${e.message}), want ${c.want_error_code}` };
      // OPA's runner matches the error's text: `file:row: code: message`
      const text = e.loc ? `${e.loc.file}:${e.loc.row}: ${e.code}: ${e.message}` : `${e.code}: ${e.message}`;
      if (c.want_error && !text.includes(c.want_error)) return { ok: false, why: `error "${text}", want "${c.want_error}"` };
      return { ok: true };
    }
    return { ok: false, why: `unexpected error ${e.code}: ${e.message}` };
  }
  if (c.want_error_code || c.want_error) return { ok: false, why: `no error, want ${c.want_error_code ?? ''} ${c.want_error ?? ''}; got ${JSON.stringify(results.map((r) => r.bindings ?? {}))}` };
  if (c.want_defined !== undefined) {
    return results.length > 0 === c.want_defined ? { ok: true } : { ok: false, why: `defined=${results.length > 0}, want ${c.want_defined}` };
  }
  const want = (c.want_result ?? []).map((b) => canonical(b, !!c.sort_bindings)).sort();
  const got = results.map((r) => canonical(r.bindings ?? {}, !!c.sort_bindings)).sort();
  return JSON.stringify(want) === JSON.stringify(got) ? { ok: true } : { ok: false, why: `got ${got.join(' ')}\n      want ${want.join(' ')}` };
}

function main(): void {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const forceV0 = args.includes('--v0');
  const root = args.find((a) => !a.startsWith('--'));
  if (!root) {
    process.stderr.write('usage: tsx scripts/opa-conformance.ts PATH_TO_CASES [--verbose] [--v0]\n');
    process.exit(2);
  }
  const perDir = new Map<string, { pass: number; total: number }>();
  const failures: string[] = [];
  for (const file of yamlFiles(root)) {
    const rel = relative(root, file);
    const dir = dirname(rel);
    const v0 = forceV0 || rel.split(/[\\/]/).includes('v0');
    let cases: Case[];
    try {
      cases = ((YAML.parse(readFileSync(file, 'utf8')) as { cases?: Case[] }).cases ?? []).filter((c) => !c.skip);
    } catch (e) {
      failures.push(`${rel}: unreadable YAML: ${(e as Error).message}`);
      continue;
    }
    const stat = perDir.get(dir) ?? { pass: 0, total: 0 };
    perDir.set(dir, stat);
    for (const c of cases) {
      stat.total++;
      const r = runCase(c, v0);
      if (r.ok) stat.pass++;
      else failures.push(`${rel} :: ${c.note}\n      ${r.why}`);
    }
  }
  let pass = 0, total = 0;
  for (const [dir, s] of [...perDir].sort()) {
    pass += s.pass;
    total += s.total;
    process.stdout.write(`${dir.padEnd(40)} ${String(s.pass).padStart(4)}/${String(s.total).padEnd(4)} ${((100 * s.pass) / Math.max(1, s.total)).toFixed(0)}%\n`);
  }
  process.stdout.write(`${'TOTAL'.padEnd(40)} ${String(pass).padStart(4)}/${String(total).padEnd(4)} ${((100 * pass) / Math.max(1, total)).toFixed(1)}%\n`);
  if (verbose) for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
}

main();
