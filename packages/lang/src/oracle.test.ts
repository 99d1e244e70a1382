/**
 * Replays terraform 1.11.4's answers for the expression cases (scripts/record-expr-oracle.ts) through
 * the evaluator: validate's diagnostics (summary, detail, range) and console's type and JSON value.
 * Every case is compared; the known differences are listed by expression in KNOWN_DIFFERENCES with the
 * reason, and the test fails when a case outside that list differs or a listed one starts agreeing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFile, type Expr } from '@tfpairs/hcl';
import { terraformContext, evaluateInScope, type TerraformScope } from './scope';
import { evaluateLocals } from './locals';
import { parseTypeConstraint } from './typeexpr';
import { unknownVal, valueToJson, type Value } from './value';
import { T } from './types';
import { EXPR_LINE, ORACLE_LOCALS, ORACLE_VARIABLES, oracleMain, relativePos, type RecordedExprCase } from './oracle-cases';
import { terraformFunctions, providerFunctions } from './functions/index';
import { consoleTypeString } from './functions/conversion';

const recorded = JSON.parse(readFileSync(new URL('./__fixtures__/expr-oracle.json', import.meta.url), 'utf8')) as { cases: RecordedExprCase[] };

/** Cases where we knowingly differ from terraform, and why. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  '0.1 + 0.2': 'numbers are doubles here, 512-bit big.Float in terraform (0.30000000000000004 vs 0.3)',
  'provider::terraform::tfvarsencode({a = 1})': "terraform checks provider functions against the provider's schema first (\"Unknown provider function\")",
  'foo::bar(1)': 'terraform reports unknown provider namespaces as "Unknown provider function" before evaluation',
};

async function setup() {
  const vars = await parseFile('variables.tf', ORACLE_VARIABLES);
  const variables = new Map<string, Value>();
  for (const b of vars.body.blocks) {
    const typeAttr = b.body.attributes.find((a) => a.name === 'type');
    variables.set(b.labels[0]!, unknownVal(typeAttr ? parseTypeConstraint(typeAttr.expr).type : T.dynamic));
  }
  const functions = { ...terraformFunctions({ baseDir: '.' }), ...providerFunctions('terraform') };
  const localsFile = await parseFile('locals.tf', ORACLE_LOCALS);
  const defs = localsFile.body.blocks[0]!.body.attributes.map((a) => ({ name: a.name, expr: a.expr }));
  const locals = evaluateLocals(defs, { variables, functions });
  expect(locals.diagnostics).toEqual([]);
  return { variables, locals: locals.values, functions } satisfies TerraformScope;
}

interface Outcome {
  readonly diagnostics: RecordedExprCase['diagnostics'];
  readonly console?: { type: string; json: string } | { error: true };
}

async function outcome(c: RecordedExprCase, scope: TerraformScope, ctx: ReturnType<typeof terraformContext>): Promise<Outcome> {
  // the recorder's own main.tf, so that positions inside messages (try's "at main.tf:29,...") match
  const f = await parseFile('main.tf', oracleMain(c.expr));
  const expr: Expr | undefined = f.body.blocks.find((b) => b.type === 'output')?.body.attributes.find((a) => a.name === 'value')?.expr;
  if (!expr) return { diagnostics: [{ severity: 'error', summary: 'unparsed', detail: '' }] };
  const r = evaluateInScope(expr, scope, ctx);
  const diagnostics = r.diagnostics.map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, ...(d.range && d.range.start.line >= EXPR_LINE ? { range: { start: relativePos(d.range.start), end: relativePos(d.range.end) } } : {}) }));
  if (!c.console) return { diagnostics };
  if (c.console.error !== undefined && c.console.json === undefined) return { diagnostics, console: { error: true } };
  return { diagnostics, console: { type: consoleTypeString(r.value.type), json: JSON.stringify(valueToJson(r.value)) } };
}

function expected(c: RecordedExprCase): Outcome {
  const diagnostics = c.diagnostics.map((d) => ({ severity: d.severity, summary: d.summary, detail: d.detail, ...(d.range ? { range: d.range } : {}) }));
  if (!c.console) return { diagnostics };
  if (c.console.json === undefined) return { diagnostics, console: { error: true } };
  return { diagnostics, console: { type: c.console.type!, json: JSON.stringify(JSON.parse(c.console.json)) } };
}

const sortDiags = (o: Outcome): Outcome => ({ ...o, diagnostics: [...o.diagnostics].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) });

describe('expression oracle (terraform 1.11.4)', async () => {
  const scope = await setup();
  const ctx = terraformContext(scope);
  const results = await Promise.all(recorded.cases.map(async (c) => ({ c, got: sortDiags(await outcome(c, scope, ctx)), want: sortDiags(expected(c)) })));

  it('agrees with terraform on every case outside the known differences', () => {
    const unexpected = results.filter((r) => !(r.c.expr in KNOWN_DIFFERENCES) && JSON.stringify(r.got) !== JSON.stringify(r.want));
    if (process.env.ORACLE_DIFF) for (const r of unexpected) console.log(`### ${r.c.expr}\n got  ${JSON.stringify(r.got)}\n want ${JSON.stringify(r.want)}`);
    expect(unexpected.map((r) => ({ expr: r.c.expr, got: r.got, want: r.want }))).toEqual([]);
  });

  it('still differs on each known difference (remove entries that agree now)', () => {
    const fixed = results.filter((r) => r.c.expr in KNOWN_DIFFERENCES && JSON.stringify(r.got) === JSON.stringify(r.want));
    expect(fixed.map((r) => r.c.expr)).toEqual([]);
  });

  it('covers a few hundred cases', () => {
    expect(results.length).toBeGreaterThan(300);
  });
});
