/**
 * Replays terraform 1.11.4's answers for whole small modules (scripts/record-expr-oracle.ts --modules):
 * locals in dependency order, cycles, self references, undeclared references, variable type
 * constraints with optional defaults, invalid defaults. Compared: validate's diagnostics, and console's
 * `jsonencode(local.out)` (variables at their defaults) against the evaluator's value. Template files
 * render through `templateRenderer` and the built-in templatefile.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFile } from '@tfpairs/hcl';
import { evaluateLocals } from './locals';
import { prepareVariable, validateValue, defaultOrNull } from './variables';
import { valueToJson, type Value } from './value';
import type { EvalDiagnostic } from './eval';
import type { Functions } from './function';
import { templateRenderer } from './template';
import { terraformFunctions } from './functions/index';

interface Recorded {
  readonly name: string;
  readonly main: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly diagnostics: readonly { severity: string; summary: string; detail: string; range?: { start: { line: number; column: number }; end: { line: number; column: number } } }[];
  readonly out?: string;
}

const recorded = JSON.parse(readFileSync(new URL('./__fixtures__/module-oracle.json', import.meta.url), 'utf8')) as { cases: Recorded[] };

/** terraform lists a cycle's members in a different order from run to run: compare them as a set */
const cycleSorted = (summary: string) => (summary.startsWith('Cycle: ') ? `Cycle: ${summary.slice(7).split(', ').sort().join(', ')}` : summary);

const shape = (d: EvalDiagnostic) => ({ severity: d.severity, summary: cycleSorted(d.summary), detail: d.detail, ...(d.range ? { range: { start: { line: d.range.start.line, column: d.range.start.column }, end: { line: d.range.end.line, column: d.range.end.column } } } : {}) });

const BASE = '/module';

async function functionsFor(c: Recorded): Promise<Functions> {
  let functions: Functions = {};
  const renderTemplate = await templateRenderer(() => functions);
  const readFile = (abs: string) => {
    const text = c.files?.[abs.slice(BASE.length + 1)];
    if (text === undefined) throw new Error(`no file ${abs}`);
    return Buffer.from(text);
  };
  functions = terraformFunctions({ baseDir: BASE, readFile, renderTemplate });
  return functions;
}

async function run(c: Recorded) {
  const f = await parseFile('main.tf', c.main);
  const functions = await functionsFor(c);
  const diags: EvalDiagnostic[] = [];
  const unknownVars = new Map<string, Value>();
  const defaultVars = new Map<string, Value>();
  for (const b of f.body.blocks.filter((x) => x.type === 'variable')) {
    const attr = (n: string) => b.body.attributes.find((a) => a.name === n)?.expr;
    const type = attr('type');
    const dflt = attr('default');
    const p = prepareVariable({ ...(type ? { type } : {}), ...(dflt ? { default: dflt } : {}) });
    diags.push(...p.diagnostics);
    unknownVars.set(b.labels[0]!, validateValue(p));
    defaultVars.set(b.labels[0]!, defaultOrNull(p));
  }
  const defs = f.body.blocks.filter((x) => x.type === 'locals').flatMap((b) => b.body.attributes.map((a) => ({ name: a.name, expr: a.expr })));
  const validate = evaluateLocals(defs, { variables: unknownVars, functions });
  diags.push(...validate.diagnostics);
  const known = evaluateLocals(defs, { variables: defaultVars, functions });
  const out = known.values.get('out');
  return { diagnostics: diags.map(shape), out: out && c.out !== undefined ? JSON.stringify(valueToJson(out)) : undefined };
}

describe('module oracle (terraform 1.11.4)', () => {
  for (const c of recorded.cases) {
    it(c.name, async () => {
      const got = await run(c);
      expect(got.diagnostics).toEqual(c.diagnostics.map((d) => ({ ...d, summary: cycleSorted(d.summary) })));
      if (c.out !== undefined) expect(got.out).toEqual(JSON.stringify(JSON.parse(c.out)));
    });
  }
});
