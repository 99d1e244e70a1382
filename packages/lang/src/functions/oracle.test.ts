/**
 * Replays terraform 1.11.4's answers (recorded by scripts/record-function-oracle.ts) through the real
 * evaluator (@tfpairs/hcl's parser, ../eval.ts) with these functions: every case's error (summary and
 * detail) or result (console's type and jsonencode of the value). Every disagreement must be listed,
 * with its reason, in __fixtures__/known-differences.json. Where a diagnostic points is the evaluator's
 * business: those ranges are compared and reported, not judged here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFile, type Expr } from '@tfpairs/hcl/tree';
import { evaluate } from '../eval';
import { templateRenderer } from '../template';
import type { Functions } from '../function';
import { objectVal, stringVal } from '../value';
import { providerFunctions, terraformFunctions } from './index';
import { consoleTypeString } from './conversion';
import { marshalJson } from './json';
import type { RecordedCase } from '../../../../scripts/record-function-oracle';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const BASE_DIR = join(FIXTURES, 'files');
const groups = readdirSync(FIXTURES).filter((n) => n.endsWith('.json') && n !== 'known-differences.json').map((n) => n.slice(0, -5)).sort();
const known = JSON.parse(readFileSync(join(FIXTURES, 'known-differences.json'), 'utf8')) as Record<string, string>;

/** `type()` exists in console only; every other case ran in validate, where impure functions are unknown */
const CONSOLE_ONLY = /\btype\(/;
const IMPURE = /\b(uuid|timestamp|bcrypt|plantimestamp)\(/;
/** where the expression starts in the recorder's main.tf: line 2 after `  value = ` */
const EXPR_LINE = 2;
const EXPR_COLUMN = 11;

/** the detail without a Go stack trace (panics print one, different on every run) */
const stripTrace = (d: string) => (d.includes('panic in function implementation') ? d.replace(/\ngoroutine [\s\S]*$/, '').replace(/\.$/, '') : d);

type Verdict = 'same' | string;

interface Setup {
  readonly validate: Functions;
  readonly console: Functions;
  readonly parsed: Map<string, Expr>;
}

const variables = { path: objectVal({ module: stringVal('.'), root: stringVal('.'), cwd: stringVal(BASE_DIR) }) };
const rangeResults: { expr: string; same: boolean; got: unknown; want: unknown }[] = [];

function judge(c: RecordedCase, s: Setup): Verdict {
  const expr = s.parsed.get(c.expr);
  if (!expr) return 'not parsed';
  const consoleOnly = CONSOLE_ONLY.test(c.expr);
  const res = evaluate(expr, { functions: consoleOnly ? s.console : s.validate, variables });
  const first = res.diagnostics.find((d) => d.severity === 'error');
  const err = consoleOnly && c.console && 'error' in c.console ? undefined : c.diagnostics.find((d) => d.severity === 'error');
  if (err && !consoleOnly) {
    if (!first) return `expected error ${err.summary}: ${stripTrace(err.detail)}`;
    if (first.summary !== err.summary || stripTrace(first.detail) !== stripTrace(err.detail)) return `error ${first.summary}: ${first.detail} != ${err.summary}: ${stripTrace(err.detail)}`;
    const r = first.range;
    const got = r && r.start.line === EXPR_LINE && r.end.line === EXPR_LINE ? [r.start.column - EXPR_COLUMN, r.end.column - EXPR_COLUMN] : undefined;
    if (err.range) rangeResults.push({ expr: c.expr, same: JSON.stringify(got) === JSON.stringify(err.range), got, want: err.range });
    return 'same';
  }
  if (first) return `unexpected error ${first.summary}: ${first.detail}`;
  const v = res.value;
  // validate evaluates impure functions as unknown: an unknown result is terraform's answer there
  if (IMPURE.test(c.expr)) return v.isKnown && !/^length\((uuid|timestamp)\(\)\)$/.test(c.expr) ? 'impure call gave a known value' : 'same';
  const con = c.console;
  if (!con || 'error' in con) return 'same';
  if (consoleOnly) return v.isKnown && v.asString() === con.value ? 'same' : `type() ${v.isKnown ? v.asString() : '?'} != ${con.value}`;
  if (!v.isKnown) return con.value === '(known after apply)' ? 'same' : `unknown != ${con.value}`;
  const type = consoleTypeString(v.type);
  if (type !== con.type) return `type ${type} != ${con.type}`;
  let json: string;
  try {
    json = v.marks.has('sensitive') ? '(sensitive value)' : marshalJson(v);
  } catch (e) {
    json = (e as Error).message;
  }
  // the recorder ran in a temp dir; abspath's answers are relative to it as ours are to BASE_DIR
  const conJson = con.json.replace(/\/tmp\/tfpairs-fn-oracle-[^/"]+/g, BASE_DIR);
  const expected = conJson.startsWith('Error:') ? conJson.replace(/^[\s\S]*failed: /, '').replace(/\.$/, '') : conJson;
  if (json !== expected) return `json ${json} != ${expected}`;
  return 'same';
}

describe('terraform 1.11.4 function oracle', () => {
  const results: Record<string, Verdict> = {};
  let entries: [string, Verdict][] = [];

  beforeAll(async () => {
    const all: RecordedCase[] = [];
    for (const g of groups) all.push(...(JSON.parse(readFileSync(join(FIXTURES, `${g}.json`), 'utf8')) as { cases: RecordedCase[] }).cases);
    const parsed = new Map<string, Expr>();
    for (const c of all) {
      // the text the recorder gave terraform, so that positions match
      const file = await parseFile('main.tf', `output "r" {\n  value = ${c.expr}\n  sensitive = true\n}\n`);
      const attr = file.body.blocks[0]?.body.attributes.find((a) => a.name === 'value');
      if (attr) parsed.set(c.expr, attr.expr);
    }
    const make = async (console: boolean): Promise<Functions> => {
      let fns: Functions = {};
      const renderTemplate = await templateRenderer(() => fns);
      fns = { ...terraformFunctions({ baseDir: BASE_DIR, console, pureOnly: !console, renderTemplate }), ...providerFunctions() };
      return fns;
    };
    const setup: Setup = { validate: await make(false), console: await make(true), parsed };
    for (const c of all) results[c.expr] = judge(c, setup);
    entries = Object.entries(results);
  });

  it('agrees with terraform on every case not listed as a known difference', () => {
    const unexplained = entries.filter(([e, v]) => v !== 'same' && !(e in known)).map(([e, v]) => `${e}\n    ${v}`);
    expect(unexplained).toEqual([]);
  });

  it('lists no known difference that has gone away', () => {
    expect(Object.keys(known).filter((e) => results[e] === 'same')).toEqual([]);
  });

  it('reports the agreement', () => {
    const same = entries.filter(([, v]) => v === 'same').length;
    const ranges = rangeResults.filter((r) => r.same).length;
    console.log(`function oracle: ${same}/${entries.length} cases identical; diagnostic ranges identical ${ranges}/${rangeResults.length}`);
    for (const r of rangeResults.filter((x) => !x.same)) console.log(`  range of ${r.expr}: ${JSON.stringify(r.got)} != ${JSON.stringify(r.want)}`);
    expect(same).toBeGreaterThan(0);
  });
});
