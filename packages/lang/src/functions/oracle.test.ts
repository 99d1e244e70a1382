/**
 * Replays terraform 1.11.4's answers (recorded by scripts/record-function-oracle.ts) against these
 * functions: every case's error (summary and detail) or result (console's type and jsonencode of the
 * value). Calls terraform evaluates outside the function table (unknown names, provider functions,
 * try/can/templatestring, references) belong to the evaluator and are counted apart. Every remaining
 * disagreement must be listed, with its reason, in __fixtures__/known-differences.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { providerFunctions, terraformFunctions } from './index';
import { evaluateCall, Unsupported } from './oracle-call';
import { consoleTypeString } from './conversion';
import { marshalJson } from './json';
import type { RecordedCase } from '../../../../scripts/record-function-oracle';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const groups = readdirSync(FIXTURES).filter((n) => n.endsWith('.json') && n !== 'known-differences.json').map((n) => n.slice(0, -5)).sort();
const known = JSON.parse(readFileSync(join(FIXTURES, 'known-differences.json'), 'utf8')) as Record<string, string>;

const EVALUATOR_SUMMARIES = new Set(['Call to unknown function', 'Unknown provider function', 'Invalid reference', 'Reference to undeclared local value', 'Invalid escape sequence']);
const EVALUATOR_CALLS = /\b(try|can|templatestring|type)\(/;
const IMPURE = /\b(uuid|timestamp|bcrypt|plantimestamp)\(/;

/** the detail without a Go stack trace (panics print one, different on every run) */
const stripTrace = (d: string) => (d.includes('panic in function implementation') ? d.replace(/\ngoroutine [\s\S]*$/, '').replace(/\.$/, '') : d);

type Verdict = 'same' | 'evaluator' | string;

function judge(c: RecordedCase): Verdict {
  const err = c.diagnostics.find((d) => d.severity === 'error');
  if ((err && EVALUATOR_SUMMARIES.has(err.summary)) || EVALUATOR_CALLS.test(c.expr)) return 'evaluator';
  const functions = { ...terraformFunctions({ baseDir: join(FIXTURES, 'files') }), ...providerFunctions() };
  let out;
  try {
    out = evaluateCall(c.expr, functions);
  } catch (e) {
    if (e instanceof Unsupported) return (e as Error).message.startsWith('function ') ? 'missing' : 'evaluator';
    return `threw ${(e as Error).stack}`;
  }
  // templatefile renders through the evaluator's template engine, which is not part of this table
  if (out.error?.detail.includes('needs a template renderer')) return 'evaluator';
  if (err) {
    if (!out.error) return `expected error ${err.summary}: ${stripTrace(err.detail)}`;
    if (out.error.summary !== err.summary || stripTrace(out.error.detail) !== stripTrace(err.detail)) return `error ${out.error.summary}: ${out.error.detail} != ${err.summary}: ${stripTrace(err.detail)}`;
    return 'same';
  }
  if (out.error) return `unexpected error ${out.error.summary}: ${out.error.detail}`;
  const v = out.value!;
  // validate evaluates impure functions as unknown: an unknown string is terraform's answer there
  if (IMPURE.test(c.expr)) return v.isKnown && c.expr !== 'length(timestamp())' && c.expr !== 'length(uuid())' ? `impure call gave a known value` : 'same';
  const con = c.console;
  if (!con || 'error' in con) return 'same';
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
  const conJson = con.json.replace(/\/tmp\/tfpairs-fn-oracle-[^/"]+/g, join(FIXTURES, 'files'));
  const expected = conJson.startsWith('Error:') ? conJson.replace(/^[\s\S]*failed: /, '').replace(/\.$/, '') : conJson;
  if (json !== expected) return `json ${json} != ${expected}`;
  return 'same';
}

describe('terraform 1.11.4 function oracle', () => {
  const results: Record<string, Verdict> = {};
  for (const g of groups) {
    const recorded = JSON.parse(readFileSync(join(FIXTURES, `${g}.json`), 'utf8')) as { cases: RecordedCase[] };
    for (const c of recorded.cases) results[c.expr] = judge(c);
  }
  const entries = Object.entries(results);
  const apart = new Set(['evaluator', 'missing']);
  const differing = entries.filter(([, v]) => v !== 'same' && !apart.has(v));

  it('agrees with terraform on every case not listed as a known difference', () => {
    const unexplained = differing.filter(([e]) => !(e in known)).map(([e, v]) => `${e}\n    ${v}`);
    expect(unexplained).toEqual([]);
  });

  it('lists no known difference that has gone away', () => {
    const fixed = Object.keys(known).filter((e) => results[e] === 'same');
    expect(fixed).toEqual([]);
  });

  it('reports the agreement', () => {
    const functionLevel = entries.filter(([, v]) => !apart.has(v)).length;
    const same = entries.filter(([, v]) => v === 'same').length;
    const missing = entries.filter(([, v]) => v === 'missing').map(([e]) => e);
    console.log(`function oracle: ${same}/${functionLevel} function-level cases identical; ${entries.length - functionLevel - missing.length} evaluator-level cases counted apart; not implemented: ${missing.join(' | ')}`);
    expect(same).toBeGreaterThan(0);
  });
});
