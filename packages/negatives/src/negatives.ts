/**
 * Verified negatives of one configuration: operators are drawn by the requested mix (seeded), a site of
 * the drawn operator is mutated, and the result is kept only when the embedded `terraform validate`
 * reports exactly the one intended error (summary and line). Every other outcome is counted as a discard.
 */
import type { Diagnostic } from '@tfpairs/core';
import { sha256 } from '@tfpairs/core';
import { parseFile } from '@tfpairs/hcl/tree';
import { loadSchemaSet, verifyCode, type SchemaSet } from '@tfpairs/verify';
import { loadModule } from '@tfpairs/verify/module';
import { formatHcl } from '@tfpairs/normalise';
import { seededRandom } from '@tfpairs/core';
import { OPERATOR_SUMMARY, SITE_FINDERS, VALIDATE_OPERATORS, WARNING_OPERATORS, applyEdit, type Expectation, type MutationContext, type Operator, type Site } from './operators';

export interface Negative {
  readonly code: string;
  readonly operator: Operator;
  /** what the validator reports about `code` (the intended error; warnings the source had stay) */
  readonly diagnostics: readonly Diagnostic[];
  /** the edit in words, e.g. `aws_instance.web: instance_type -> instanceType` */
  readonly what: string;
}

export interface NegativesResult {
  readonly negatives: Negative[];
  /** per operator: candidates that did not raise exactly the intended diagnostic (never written) */
  readonly discarded: Record<string, number>;
  /** per operator: candidates made and verified */
  readonly attempted: Record<string, number>;
}

export type NegativeMix = 'real' | 'uniform';

export interface NegativesOptions {
  /** negatives wanted per configuration */
  readonly n: number;
  /** the operators to use (default: all that fail validate; semantic ones are left to semanticNegativesFor) */
  readonly operators?: readonly string[];
  readonly mix?: NegativeMix;
  readonly seed?: number;
  /** diagnostic summary -> count among the input's real drafts (mix `real`); default REAL_DRAFT_ERRORS */
  readonly realDistribution?: Readonly<Record<string, number>>;
  /** schemas for the module (default: the bundled ones its required_providers select, as verifyCode does) */
  readonly schemas?: SchemaSet;
  /** how many operators may be drawn per negative wanted (draws of an operator without a site are wasted; default 8) */
  readonly drawsPerNegative?: number;
  /** how many candidates may be tried per negative wanted before giving up (default 3) */
  readonly attemptsPerNegative?: number;
}

/**
 * terraform's errors on the 140 IaC-Eval drafts (`LLM Plan Phase Error #0`), the table of issue 15;
 * `Insufficient … blocks` counted together (the summary names the block).
 */
export const REAL_DRAFT_ERRORS: Readonly<Record<string, number>> = {
  'Unsupported argument': 69,
  'Missing required argument': 45,
  'Unsupported block type': 11,
  'Invalid resource type': 5,
  'Insufficient blocks': 7,
};

/** A summary with its block name replaced, so `Insufficient rule blocks` and `Insufficient tag blocks` count as one kind. */
export function summaryKind(summary: string): string {
  if (/^Insufficient \S+ blocks$/.test(summary)) return 'Insufficient blocks';
  if (/^Too many \S+ blocks$/.test(summary)) return 'Too many blocks';
  return summary;
}

/** A summary of the kind (the kinds that name a block get a stand-in name), to match operator summaries with. */
function exampleOfKind(kind: string): string {
  if (kind === 'Insufficient blocks') return 'Insufficient x blocks';
  if (kind === 'Too many blocks') return 'Too many x blocks';
  return kind;
}

function matches(summary: string | RegExp, s: string): boolean {
  return typeof summary === 'string' ? summary === s : summary.test(s);
}

/**
 * Operator weights: `uniform` gives each operator the same; `real` gives each summary kind of the real
 * distribution to the operators that raise it (split evenly), and operators no real error matches get none.
 */
export function operatorWeights(operators: readonly Operator[], mix: NegativeMix, real: Readonly<Record<string, number>> = REAL_DRAFT_ERRORS): Map<Operator, number> {
  const weights = new Map<Operator, number>(operators.map((o) => [o, mix === 'uniform' ? 1 : 0]));
  if (mix === 'uniform') return weights;
  const byKind = new Map<string, number>();
  for (const [s, c] of Object.entries(real)) byKind.set(summaryKind(s), (byKind.get(summaryKind(s)) ?? 0) + c);
  for (const [kind, count] of byKind) {
    const example = exampleOfKind(kind);
    const raising = operators.filter((o) => matches(OPERATOR_SUMMARY[o], example));
    for (const o of raising) weights.set(o, weights.get(o)! + count / raising.length);
  }
  // a real distribution none of the chosen operators can follow: fall back to uniform rather than nothing
  if ([...weights.values()].every((w) => w === 0)) for (const o of operators) weights.set(o, 1);
  return weights;
}

/**
 * The negative holds as intended: exactly one error with the expected summary on the expected line (other
 * warnings allowed), or for a warning operator no error and exactly that one warning (nothing else).
 */
export function raisesExactly(diagnostics: readonly Diagnostic[], expect: Expectation): boolean {
  const severity = expect.severity ?? 'error';
  const relevant = severity === 'error' ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
  const d = relevant[0];
  return relevant.length === 1 && d!.severity === severity && matches(expect.summary, d!.summary) && d!.range?.start.line === expect.line && (expect.detail === undefined || d!.detail === expect.detail);
}

async function mutationContext(code: string, schemas: SchemaSet | undefined): Promise<MutationContext> {
  const file = await parseFile('main.tf', code);
  const set = schemas ?? loadSchemaSet({ requiredProviders: loadModule([file]).module.requiredProviders });
  const awsVersion = /hashicorp\/aws (\d+\.\d+\.\d+)/.exec(set.label)?.[1];
  return { text: code, bytes: Buffer.from(code, 'utf8'), file, schemas: set, awsVersion };
}

/** Picks a key by weight (keys in their given order, so the draw is deterministic). */
function draw<K>(weights: ReadonlyMap<K, number>, random: () => number): K | undefined {
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  let r = random() * total;
  for (const [k, w] of weights) {
    if (w <= 0) continue;
    r -= w;
    if (r < 0) return k;
  }
  return [...weights].filter(([, w]) => w > 0).pop()?.[0];
}

/**
 * Up to `n` verified negatives of a valid configuration `code` (it should be normalised: negatives are
 * terraform-fmt formatted when they still parse, so that they differ from it only by the error).
 */
export async function negativesFor(code: string, opts: NegativesOptions): Promise<NegativesResult> {
  const operators = opts.operators ? VALIDATE_OPERATORS.filter((o) => opts.operators!.includes(o)) : VALIDATE_OPERATORS;
  const attempted: Record<string, number> = Object.fromEntries(operators.map((o) => [o, 0]));
  const discarded: Record<string, number> = Object.fromEntries(operators.map((o) => [o, 0]));
  const negatives: Negative[] = [];
  if (opts.n <= 0) return { negatives, discarded, attempted };
  const ctx = await mutationContext(code, opts.schemas);
  const random = seededRandom((opts.seed ?? 0) ^ parseInt(sha256(code).slice(0, 8), 16));
  const weights = operatorWeights(operators, opts.mix ?? 'real', opts.realDistribution);
  // sites of each operator, shuffled once by the seed; an operator leaves the draw when it has none left
  const sites = new Map<Operator, Site[]>();
  for (const o of operators) {
    if ((weights.get(o) ?? 0) <= 0) continue;
    let found: Site[];
    try {
      found = SITE_FINDERS[o](ctx);
    } catch (e) {
      // a configuration an operator cannot read (too deep, odd shapes) gives no negatives, never a crash
      if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
      found = [];
    }
    for (let i = found.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [found[i], found[j]] = [found[j]!, found[i]!];
    }
    if (found.length) sites.set(o, found);
  }
  // a warning operator's negative must differ from its source by exactly one warning: a source that
  // already warns (a deprecated argument of its own) gives it no sites rather than certain discards
  if ([...sites.keys()].some((o) => WARNING_OPERATORS.has(o)) && (await verifyCode(code, { schemas: ctx.schemas })).diagnostics.length > 0) {
    for (const o of WARNING_OPERATORS) sites.delete(o);
  }
  const seen = new Set<string>([code]);
  const budget = opts.n * (opts.attemptsPerNegative ?? 3);
  let tries = 0;
  let draws = 0;
  // Every draw is from the whole mix, also when the drawn operator has no site (left) here: a wasted
  // draw rather than a redraw among the operators that still apply. Redrawing would hand the slots of
  // the operators a configuration lacks to those that always apply (a resource type can nearly always
  // be misspelt), skewing the corpus; a run-wide tally would undo that but depends on which records
  // came before, so a sharded build would draw differently from a one-process build.
  const drawBudget = opts.n * (opts.drawsPerNegative ?? 8);
  const positive = new Map([...weights].filter(([, w]) => w > 0));
  while (negatives.length < opts.n && tries < budget && draws < drawBudget) {
    if (![...sites.values()].some((s) => s.length > 0)) break;
    draws++;
    const operator = draw(positive, random);
    if (operator === undefined) break;
    const site = sites.get(operator)?.shift();
    if (!site) continue;
    const mutated = applyEdit(ctx, site.edit);
    const formatted = (await formatHcl(mutated)).text;
    if (seen.has(formatted)) continue;
    seen.add(formatted);
    tries++;
    attempted[operator]!++;
    const result = await verifyCode(formatted, { schemas: ctx.schemas });
    if (!raisesExactly(result.diagnostics, site.expect)) {
      discarded[operator]!++;
      continue;
    }
    negatives.push({ code: formatted, operator, diagnostics: result.diagnostics, what: site.what });
  }
  return { negatives, discarded, attempted };
}
