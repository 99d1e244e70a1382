import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  artifactSource,
  artifactStage,
  countMetric,
  diagnostic,
  dropGoldFailingRequired,
  finding,
  metricSegment,
  passThrough,
  policyOrigin,
  SECURITY_PACK_NAME,
  type ArtifactFn,
  type Finding,
  type RunContext,
  type StageFactory,
} from '@tfpairs/core';
import { compilePolicy, type CompiledPolicy } from '@tfpairs/policy';
import { checkNamespace, namespacesOf } from '@tfpairs/policy/conftest';
import { planOf } from './plan-of';

export const SECURITY_VERSION = '0.2.0';

/** The bundled Checkov-style pack (`data/policies/security`, one `security.<CHECK_ID>` package per check). */
export const SECURITY_PACK = fileURLToPath(new URL('../../../data/policies/security/', import.meta.url));

function regoFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'fixtures') out.push(...regoFiles(path));
    } else if (name.endsWith('.rego') && !name.endsWith('_test.rego')) out.push(path);
  }
  return out;
}

export interface PolicySet {
  readonly policy: CompiledPolicy;
  readonly namespaces: readonly string[];
  /** the bundled pack's checks by namespace: the resource types each looks at (its metadata) */
  readonly resourceTypes?: ReadonlyMap<string, readonly string[]>;
  readonly stage: 'security' | 'policy-pack';
  /** the user's folder (policy-pack only), named in each finding's detail so `--require DIR` can find them */
  readonly dir?: string;
}

declare module '@tfpairs/core' {
  interface RunServices {
    /** the run's compiled policy packs (bundled security + the user's), compiled once */
    policyPacks?: readonly PolicySet[];
  }
}

/** The bundled pack's checks: its `security.<CHECK_ID>` namespaces (not the shared `security.lib`). */
export function securityNamespaces(policy: CompiledPolicy): string[] {
  return namespacesOf(policy).filter((ns) => ns.startsWith('security.') && ns !== 'security.lib');
}

/** Each bundled check's `__rego_metadata__.resource_types`, by namespace (a check without them is always run). */
export function checkResourceTypes(policy: CompiledPolicy, namespaces: readonly string[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const ns of namespaces) {
    const meta = policy.query(`data.${ns}.__rego_metadata__`)[0]?.expressions[0]?.value as { resource_types?: unknown } | undefined;
    if (Array.isArray(meta?.resource_types) && meta.resource_types.every((t) => typeof t === 'string')) out.set(ns, meta.resource_types as string[]);
  }
  return out;
}

/**
 * The checks that can fail on this plan: those looking at a resource type the plan has (every check's
 * rules start from its own resource types, so the others have nothing to deny). Most plans hold a few
 * types, so most of the pack is skipped.
 */
export function checksFor(namespaces: readonly string[], resourceTypes: ReadonlyMap<string, readonly string[]> | undefined, plan: unknown): readonly string[] {
  if (!resourceTypes) return namespaces;
  const changes = (plan as { resource_changes?: { type?: unknown }[] } | null)?.resource_changes;
  const inPlan = new Set(Array.isArray(changes) ? changes.map((r) => r.type) : []);
  return namespaces.filter((ns) => {
    const types = resourceTypes.get(ns);
    return !types || types.some((t) => inPlan.has(t));
  });
}

export function loadPolicyDir(dir: string): CompiledPolicy {
  return compilePolicy(regoFiles(dir).map((file) => ({ file, text: readFileSync(file, 'utf8') })));
}

/** The bundled pack, compiled, with its checks and the resource types each looks at. */
export function loadSecurityPack(): PolicySet {
  const policy = loadPolicyDir(SECURITY_PACK);
  const namespaces = securityNamespaces(policy);
  return { policy, namespaces, resourceTypes: checkResourceTypes(policy, namespaces), stage: 'security' };
}

/** conftest's result of every check of the pack that can fail on this plan; `id`: the Checkov id (bundled) or the namespace. */
export function* packResults(pack: PolicySet, plan: unknown): Generator<{ id: string; result: ReturnType<typeof checkNamespace> }> {
  for (const ns of checksFor(pack.namespaces, pack.resourceTypes, plan)) {
    yield { id: pack.stage === 'security' ? ns.slice('security.'.length) : ns, result: checkNamespace(pack.policy, plan, 'main.tf', ns) };
  }
}

/** Whether the run checks plans at all: the bundled pack, a user folder, or a folder only named by `--require`. */
function policiesOn(ctx: RunContext): boolean {
  const { security, policies, require } = ctx.config.checks;
  return security || policies.length > 0 || require.some((r) => r !== 'lint');
}

/**
 * Compiles the packs once per run; a user folder that cannot be compiled is a run warning. `security` as
 * a folder (`--policy security`) is the bundled pack; a folder only named by `--require DIR` is run too.
 */
function packsFor(ctx: RunContext): readonly PolicySet[] {
  if (ctx.services.policyPacks) return ctx.services.policyPacks;
  const { security, policies, require, namespaces } = ctx.config.checks;
  const sets: PolicySet[] = [];
  if (security || policies.includes(SECURITY_PACK_NAME)) sets.push(loadSecurityPack());
  const dirs = new Set([...policies, ...require].filter((d) => d !== SECURITY_PACK_NAME && d !== 'lint'));
  for (const dir of dirs) {
    try {
      sets.push({ policy: loadPolicyDir(dir), namespaces, stage: 'policy-pack', dir });
    } catch (e) {
      ctx.warnings.push(diagnostic('warning', 'Policy folder not used', `${dir}: ${(e as Error).message}`));
    }
  }
  ctx.services.policyPacks = sets;
  return sets;
}

/** The finding's detail: the check's title, the resource, its severity and link (and a user pack's folder). */
function detailOf(pack: PolicySet, id: string, meta: Readonly<Record<string, unknown>>): string {
  const parts = [`${typeof meta.title === 'string' ? meta.title : id}${typeof meta.resource === 'string' ? ` (${meta.resource})` : ''}`];
  if (typeof meta.severity === 'string') parts.push(`severity ${meta.severity}`);
  if (typeof meta.link === 'string') parts.push(meta.link);
  if (pack.dir) parts.push(policyOrigin(pack.dir));
  return parts.join('; ');
}

/**
 * Security and user policy checks on one valid artifact's plan (artifact-level). Each failed check is an
 * error finding (stage `security`, code = the Checkov id; user packs: stage `policy-pack`, code = the
 * namespace), a user pack's `warn` result a warning finding: the failure semantics of Checkov and conftest
 * that `--require` applies (@tfpairs/core requiredFailures). Nothing is dropped here. Compliance per role
 * and per model in metrics (TerraFormer's security compliance).
 */
export const securityArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  const packs = packsFor(ctx);
  if (packs.length === 0 || artifact.code === null || artifact.verdict !== 'valid') return { artifact, findings: [] };
  const { plan } = await planOf(ctx, artifact.code);
  if (!plan) return { artifact, findings: [] };
  const findings: Finding[] = [];
  let securityFailures = 0;
  for (const pack of packs) {
    for (const { id, result } of packResults(pack, plan)) {
      const results = [...(result.failures ?? []).map((f) => ({ f, severity: 'error' as const })), ...(result.warnings ?? []).map((f) => ({ f, severity: 'warning' as const }))];
      for (const { f, severity } of results) {
        if (pack.stage === 'security') securityFailures += 1;
        countMetric(ctx, `${pack.stage}.check.${metricSegment(id)}`);
        findings.push(finding(pack.stage, id, diagnostic(severity, f.msg, detailOf(pack, id, f.metadata ?? {})), subject));
      }
    }
  }
  if (packs.some((p) => p.stage === 'security')) {
    const outcome = securityFailures === 0 ? 'compliant' : 'noncompliant';
    const source = metricSegment(artifactSource(artifact));
    countMetric(ctx, `security.${scope.role}.${outcome}`);
    countMetric(ctx, `security.source.${source}.${outcome}`);
  }
  return { artifact, findings };
};

/** The security stage of `tfpairs build` (`--no-security`, `--policy DIR`, `--require security|DIR`): once, after every artifact exists. */
export const securityStage: StageFactory = (ctx) =>
  policiesOn(ctx)
    ? artifactStage('security', SECURITY_VERSION, ctx, securityArtifact, {
        pending: (ref) => ref.artifact.verdict === 'valid',
        // `--require security|DIR`: a gold failing a required pack is dropped
        after: (record) => dropGoldFailingRequired(record, 'security', ctx.config.checks.require.filter((r) => r !== 'lint')),
      })
    : passThrough;
