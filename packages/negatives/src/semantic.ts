/**
 * Semantic negatives (issue 15): a change to a verified configuration that still validates but makes the
 * record's intent (its IaC-Eval Rego policy) fail. The sites come from what the intent reads of the
 * gold's plan (`inputReadsOf` of each rule that holds): a constant it compares (`intent-constant`) or a
 * resource it looks for (`intent-missing-resource`). A mutant is kept only when the embedded validate
 * reports no error and the intent check, run on the mutant's own plan, fails.
 */
import type { Diagnostic } from '@tfpairs/core';
import { seededRandom, sha256 } from '@tfpairs/core';
import type { Expr, ParsedFile } from '@tfpairs/hcl/tree';
import { parseFile } from '@tfpairs/hcl/tree';
import { formatHcl } from '@tfpairs/normalise';
import { evaluateIntent, inputReadsOf } from '@tfpairs/policy';
import { verifyCode, type SchemaSet } from '@tfpairs/verify';
import { allTraversals, wholeLines, type MutationContext } from './operators';

export const SEMANTIC_OPERATORS = ['intent-constant', 'intent-missing-resource'] as const;
export type SemanticOperator = (typeof SEMANTIC_OPERATORS)[number];
export const isSemantic = (o: string): o is SemanticOperator => (SEMANTIC_OPERATORS as readonly string[]).includes(o);

/** The record's intent on one configuration (the intent stage's `recordIntentCheck`), null when it has none. */
export type IntentCheck = (code: string) => Promise<{ outcome: 'pass' | 'fail' | 'error'; falseRules: readonly string[]; diagnostics: readonly Diagnostic[] } | null>;

export interface SemanticNegative {
  readonly code: string;
  readonly operator: SemanticOperator;
  /** validate's diagnostics (warnings only) followed by the intent's, one error per false rule */
  readonly diagnostics: readonly Diagnostic[];
  readonly falseRules: readonly string[];
  readonly what: string;
}

export interface SemanticOptions {
  readonly policy: string;
  /** the plan JSON of `code` (the intent stage's) */
  readonly plan: unknown;
  readonly check: IntentCheck;
  readonly operators: readonly SemanticOperator[];
  /** negatives per operator (default 1) */
  readonly perOperator?: number;
  readonly seed?: number;
  readonly schemas?: SchemaSet;
  /** candidates tried per negative wanted before the operator gives up (default 4) */
  readonly attemptsPerNegative?: number;
}

export interface SemanticResult {
  readonly negatives: SemanticNegative[];
  readonly attempted: Record<string, number>;
  readonly discarded: Record<string, number>;
}

interface Site {
  readonly edit: { start: number; end: number; text: string };
  readonly what: string;
}

/** Leaf paths of the policy's result that are `true`: the rules the configuration meets. */
function trueRules(value: unknown, path: string, out: string[]): string[] {
  if (value === true) out.push(path);
  else if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) trueRules(v, `${path}.${k}`, out);
  return out;
}

/** One value the intent read, located in the configuration: a resource and an argument (maybe in a nested block, maybe a list element). */
interface ConstantRead {
  /** where the intent read it in the plan JSON */
  readonly path: string;
  readonly type: string;
  readonly name: string;
  readonly block?: { readonly type: string; readonly index: number };
  readonly attr: string;
  readonly element?: number;
}

const READ_FORMS: readonly [RegExp, (plan: Plan, i: number) => PlanResource | undefined][] = [
  [/^configuration\.root_module\.resources\[(\d+)\]\.expressions\.(\w+)(?:\[(\d+)\]\.(\w+))?\.constant_value(?:\[(\d+)\])?$/, (p, i) => p.configuration?.root_module?.resources?.[i]],
  [/^resource_changes\[(\d+)\]\.change\.after\.(\w+)(?:\[(\d+)\]\.(\w+))?(?:\[(\d+)\])?$/, (p, i) => p.resource_changes?.[i]],
  [/^planned_values\.root_module\.resources\[(\d+)\]\.values\.(\w+)(?:\[(\d+)\]\.(\w+))?(?:\[(\d+)\])?$/, (p, i) => p.planned_values?.root_module?.resources?.[i]],
];
const RESOURCE_READ = /^(?:configuration\.root_module\.resources|resource_changes|planned_values\.root_module\.resources)\[(\d+)\]/;

interface PlanResource {
  readonly type?: string;
  readonly name?: string;
  readonly mode?: string;
}
interface Plan {
  readonly configuration?: { readonly root_module?: { readonly resources?: readonly PlanResource[] } };
  readonly resource_changes?: readonly PlanResource[];
  readonly planned_values?: { readonly root_module?: { readonly resources?: readonly PlanResource[] } };
}

function resourceAt(plan: Plan, path: string): PlanResource | undefined {
  const m = RESOURCE_READ.exec(path);
  if (!m) return undefined;
  const i = Number(m[1]);
  if (path.startsWith('configuration.')) return plan.configuration?.root_module?.resources?.[i];
  if (path.startsWith('resource_changes')) return plan.resource_changes?.[i];
  return plan.planned_values?.root_module?.resources?.[i];
}

function constantReadOf(plan: Plan, path: string): ConstantRead | undefined {
  for (const [form, at] of READ_FORMS) {
    const m = form.exec(path);
    if (!m) continue;
    const r = at(plan, Number(m[1]));
    if (!r?.type || !r.name || (r.mode !== undefined && r.mode !== 'managed')) return undefined;
    return { path, type: r.type, name: r.name, attr: m[4] ?? m[2]!, block: m[4] ? { type: m[2]!, index: Number(m[3]) } : undefined, element: m[5] === undefined ? undefined : Number(m[5]) };
  }
  return undefined;
}

/** A literal's value, when the expression is one a model writes as a constant (no interpolation). */
function literalOf(e: Expr): string | number | boolean | undefined {
  if (e.kind === 'literal' && e.value !== null && (typeof e.value === 'string' || typeof e.value === 'number' || typeof e.value === 'boolean')) return e.value;
  if (e.kind === 'template' && !e.heredoc && e.parts.every((p) => p.kind === 'literal' && typeof p.value === 'string')) return e.parts.map((p) => (p.kind === 'literal' ? String(p.value) : '')).join('');
  return undefined;
}

/** Values an LLM confuses with each other (both directions are tried). */
const CONFUSIONS: readonly (readonly string[])[] = [
  ['mysql', 'postgres', 'mariadb'],
  ['t2.micro', 't3.micro', 't2.small'],
  ['db.t2.micro', 'db.t3.micro', 'db.t3.small'],
  ['A', 'CNAME', 'AAAA', 'TXT'],
  ['tcp', 'udp', '-1'],
  ['ingress', 'egress'],
  ['Enabled', 'Suspended', 'Disabled'],
  ['private', 'public-read'],
  ['us-east-1', 'us-west-2', 'eu-west-1'],
  ['python3.9', 'python3.8', 'nodejs18.x'],
  ['STANDARD', 'STANDARD_IA', 'GLACIER'],
  ['HTTP', 'HTTPS'],
  ['gp2', 'gp3', 'io1'],
  ['redis', 'memcached'],
  ['iam', 'password', 'no-password-required'],
  ['Requester', 'BucketOwner'],
  ['PAY_PER_REQUEST', 'PROVISIONED'],
  ['FIFO', 'STANDARD'],
];

/** Other constants of the same kind: a confusable value, an off-by-one number, the other bool, a renamed name. */
function otherValues(v: string | number | boolean): string[] {
  if (typeof v === 'boolean') return [String(!v)];
  if (typeof v === 'number') return [...new Set([v + 1, v === 0 ? 1 : v * 2])].filter((x) => x !== v).map(String);
  if (v.includes('${') || v.includes('%{')) return [];
  const out = CONFUSIONS.filter((g) => g.includes(v)).flatMap((g) => g.filter((x) => x !== v));
  // a name or value with a digit: the neighbouring one (example53.com -> example54.com); else a suffix
  const digit = /\d(?=\D*$)/.exec(v);
  if (digit) out.push(`${v.slice(0, digit.index)}${(Number(digit[0]) + 1) % 10}${v.slice(digit.index + 1)}`);
  else if (v !== '') out.push(`${v}-2`);
  return [...new Set(out)].filter((x) => x !== v).map((x) => JSON.stringify(x));
}

function resourceBlock(file: ParsedFile, type: string, name: string) {
  return file.body.blocks.find((b) => b.type === 'resource' && b.labels[0] === type && b.labels[1] === name);
}

/** `plan` with the value at `path` (`a.b[0].c`, as inputReadsOf names it) replaced; undefined when the path is not there. */
function planWith(plan: unknown, path: string, value: unknown): unknown {
  const keys = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  const copy = structuredClone(plan) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (!next || typeof next !== 'object') return undefined;
    at = next as Record<string | number, unknown>;
  }
  at[keys[keys.length - 1]!] = value;
  return copy;
}

/**
 * Constants the intent compares: a candidate value is kept as a site only when the intent fails on the
 * gold's plan with that one value changed where the rule read it (the policy is cheap to evaluate; a
 * full validate + plan + intent of the mutant then confirms it). Values the intent merely reads for
 * presence never become candidates.
 */
function constantSites(ctx: MutationContext, reads: readonly ConstantRead[], probe: { policy: string; plan: unknown }): Site[] {
  const sites: Site[] = [];
  const seen = new Set<string>();
  for (const r of reads) {
    const key = JSON.stringify(r);
    if (seen.has(key)) continue;
    seen.add(key);
    const block = resourceBlock(ctx.file, r.type, r.name);
    if (!block) continue;
    const body = r.block ? block.body.blocks.filter((b) => b.type === r.block!.type)[r.block.index]?.body : block.body;
    const attr = body?.attributes.find((a) => a.name === r.attr);
    if (!attr) continue;
    const expr = r.element === undefined ? attr.expr : attr.expr.kind === 'tuple' ? attr.expr.items[r.element] : undefined;
    const value = expr && literalOf(expr);
    if (expr === undefined || value === undefined || expr.range.start.line !== expr.range.end.line) continue;
    for (const text of otherValues(value)) {
      const probed = planWith(probe.plan, r.path, JSON.parse(text));
      if (probed === undefined || evaluateIntent(probe.policy, probed).outcome !== 'fail') continue;
      sites.push({ edit: { start: expr.range.start.byte, end: expr.range.end.byte, text }, what: `${r.type}.${r.name}${r.block ? `.${r.block.type}` : ''}: ${r.attr}${r.element === undefined ? '' : `[${r.element}]`} = ${text}` });
    }
  }
  return sites;
}

function missingResourceSites(ctx: MutationContext, resources: readonly { type: string; name: string }[]): Site[] {
  const sites: Site[] = [];
  const traversals = allTraversals(ctx.file.body);
  const seen = new Set<string>();
  for (const { type, name } of resources) {
    if (seen.has(`${type}.${name}`)) continue;
    seen.add(`${type}.${name}`);
    const block = resourceBlock(ctx.file, type, name);
    // removing a resource something references would make validate fail: not a semantic negative
    if (!block || traversals.some((t) => t.root === type && t.steps[0]?.kind === 'attr' && t.steps[0].name === name)) continue;
    const lines = wholeLines(ctx, block.range.start.byte, block.range.end.byte);
    if (!lines) continue;
    // the blank line that separated it goes too
    const end = ctx.bytes[lines.end] === 0x0a ? lines.end + 1 : lines.end;
    sites.push({ edit: { start: lines.start, end, text: '' }, what: `- resource ${type}.${name}` });
  }
  return sites;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Up to `perOperator` semantic negatives per operator of a configuration `code` whose intent holds.
 * Every candidate tried counts as attempted; one that fails validate or still meets the intent is discarded.
 */
export async function semanticNegativesFor(code: string, opts: SemanticOptions): Promise<SemanticResult> {
  const attempted: Record<string, number> = Object.fromEntries(opts.operators.map((o) => [o, 0]));
  const discarded: Record<string, number> = Object.fromEntries(opts.operators.map((o) => [o, 0]));
  const negatives: SemanticNegative[] = [];
  if (opts.operators.length === 0) return { negatives, attempted, discarded };
  const decision = evaluateIntent(opts.policy, opts.plan);
  if (decision.outcome !== 'pass') return { negatives, attempted, discarded };
  const plan = opts.plan as Plan;
  const reads = trueRules(decision.value, 'data', []).flatMap((rule) => inputReadsOf(opts.policy, opts.plan, rule));
  const file = await parseFile('main.tf', code);
  const ctx: MutationContext = { text: code, bytes: Buffer.from(code, 'utf8'), file, schemas: opts.schemas!, awsVersion: undefined };
  const random = seededRandom((opts.seed ?? 0) ^ parseInt(sha256(`semantic\u0000${code}`).slice(0, 8), 16));
  const sitesOf: Record<SemanticOperator, () => Site[]> = {
    'intent-constant': () => constantSites(ctx, reads.flatMap((r) => ('value' in r ? (constantReadOf(plan, r.path) ?? []) : [])), opts),
    'intent-missing-resource': () =>
      missingResourceSites(
        ctx,
        reads.flatMap((r) => {
          const res = resourceAt(plan, r.path);
          return res?.type && res.name && (res.mode === undefined || res.mode === 'managed') ? [{ type: res.type, name: res.name }] : [];
        }),
      ),
  };
  const seen = new Set<string>([code]);
  for (const operator of opts.operators) {
    const sites = shuffle(sitesOf[operator](), random);
    const want = opts.perOperator ?? 1;
    let made = 0;
    let tries = 0;
    for (const site of sites) {
      if (made >= want || tries >= want * (opts.attemptsPerNegative ?? 4)) break;
      const mutated = Buffer.concat([ctx.bytes.subarray(0, site.edit.start), Buffer.from(site.edit.text, 'utf8'), ctx.bytes.subarray(site.edit.end)]).toString('utf8');
      const formatted = (await formatHcl(mutated)).text;
      if (seen.has(formatted)) continue;
      seen.add(formatted);
      tries++;
      attempted[operator]!++;
      const validated = await verifyCode(formatted, opts.schemas ? { schemas: opts.schemas } : {});
      const intent = validated.verdict === 'valid' ? await opts.check(formatted) : null;
      if (!intent || intent.outcome !== 'fail') {
        discarded[operator]!++;
        continue;
      }
      made++;
      negatives.push({ code: formatted, operator, diagnostics: [...validated.diagnostics, ...intent.diagnostics], falseRules: intent.falseRules, what: site.what });
    }
  }
  return { negatives, attempted, discarded };
}
