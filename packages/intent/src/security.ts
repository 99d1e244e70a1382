import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifactSource, artifactStage, countMetric, diagnostic, finding, metricSegment, passThrough, type ArtifactFn, type Finding, type RunContext, type StageFactory } from '@tfpairs/core';
import { compilePolicy, type CompiledPolicy } from '@tfpairs/policy';
import { checkNamespace, namespacesOf } from '@tfpairs/policy/conftest';
import { planOf } from './plan-of';

export const SECURITY_VERSION = '0.1.0';

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

interface PolicySet {
  readonly policy: CompiledPolicy;
  readonly namespaces: readonly string[];
  readonly stage: 'security' | 'policy-pack';
}

declare module '@tfpairs/core' {
  interface RunServices {
    /** the run's compiled policy packs (bundled security + the user's), compiled once */
    policyPacks?: readonly PolicySet[];
  }
}

/** Compiles the packs once per run; a user folder that cannot be compiled is a run warning. */
function packsFor(ctx: RunContext): readonly PolicySet[] {
  if (ctx.services.policyPacks) return ctx.services.policyPacks;
  const sets: PolicySet[] = [];
  const load = (dir: string) => compilePolicy(regoFiles(dir).map((file) => ({ file, text: readFileSync(file, 'utf8') })));
  if (ctx.config.checks.security) {
    const policy = load(SECURITY_PACK);
    sets.push({ policy, namespaces: namespacesOf(policy).filter((ns) => ns.startsWith('security.') && ns !== 'security.lib'), stage: 'security' });
  }
  for (const dir of ctx.config.checks.policies) {
    try {
      const policy = dir === 'security' ? load(SECURITY_PACK) : load(dir);
      sets.push({ policy, namespaces: ctx.config.checks.namespaces, stage: 'policy-pack' });
    } catch (e) {
      ctx.warnings.push(diagnostic('warning', 'Policy folder not used', `${dir}: ${(e as Error).message}`));
    }
  }
  ctx.services.policyPacks = sets;
  return sets;
}

/**
 * Security and user policy checks on one valid artifact's plan (artifact-level): each failed check is a
 * warning finding (stage `security`, code = the Checkov id; user packs: stage `policy-pack`, code = the
 * namespace); never a drop. Compliance per role and per model in metrics (TerraFormer's security compliance).
 */
export const securityArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  const packs = packsFor(ctx);
  if (packs.length === 0 || artifact.code === null || artifact.verdict !== 'valid') return { artifact, findings: [] };
  const { plan } = await planOf(ctx, artifact.code);
  if (!plan) return { artifact, findings: [] };
  const findings: Finding[] = [];
  let securityFailures = 0;
  for (const pack of packs) {
    for (const ns of pack.namespaces) {
      const result = checkNamespace(pack.policy, plan, 'main.tf', ns);
      for (const f of [...(result.failures ?? []), ...(result.warnings ?? [])]) {
        const id = pack.stage === 'security' ? ns.slice('security.'.length) : ns;
        const meta = f.metadata ?? {};
        if (pack.stage === 'security') securityFailures += 1;
        countMetric(ctx, `${pack.stage}.check.${metricSegment(id)}`);
        const where = typeof meta.resource === 'string' ? ` (${meta.resource})` : '';
        findings.push(finding(pack.stage, id, diagnostic('warning', f.msg, `${typeof meta.title === 'string' ? meta.title : id}${where}${typeof meta.severity === 'string' ? `; severity ${meta.severity}` : ''}${typeof meta.link === 'string' ? `; ${meta.link}` : ''}`), subject));
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

/** The security stage of `tfpairs build` (`--no-security`, `--policy DIR`): once, after every artifact exists. */
export const securityStage: StageFactory = (ctx) =>
  ctx.config.checks.security || ctx.config.checks.policies.length
    ? artifactStage('security', SECURITY_VERSION, ctx, securityArtifact, { pending: (ref) => ref.artifact.verdict === 'valid' })
    : passThrough;
