import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import PQueue from 'p-queue';
import {
  addFindings,
  artifactsOf,
  withArtifact,
  type ArtifactRef,
  countMetric,
  diagnostic,
  finding,
  mapKeptConcurrent,
  passThrough,
  updateArtifact,
  type Artifact,
  type Diagnostic,
  type Finding,
  type PipelineConfig,
  type RunContext,
  type StageFactory,
  type Subject,
  type TaskRecord,
} from '@tfpairs/core';
import { filesOfCode } from '@tfpairs/configs/fileset';
import { describeEngine, imagePresent, probeEngine } from './engine';
import { compareDiagnostics } from './fidelity';
import { runInSandbox, type SandboxLimits } from './runner';
import { judgeRun, type SandboxJudgement } from './verdict';

export const SANDBOX_VERSION = '0.1.0';
const STAGE = 'sandbox';
/** file name the --sandbox-provider-file content gets inside the configuration */
export const PROVIDER_FILE_NAME = 'tfpairs_provider.tf';

export type SandboxSettings = PipelineConfig['sandbox'];

export function sandboxLimits(settings: SandboxSettings): SandboxLimits {
  return { timeoutMs: settings.timeoutMs, memoryMb: settings.memoryMb, cpus: settings.cpus, pids: settings.pids, workMb: settings.workMb };
}

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** `summary (main.tf:7)` lines, for findings that show what a verifier said. */
export function listDiagnostics(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '(no diagnostics)';
  return diagnostics
    .map((d) => `${d.severity}: ${d.summary}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ''}`)
    .join('\n');
}

/**
 * Verifies artifacts with real terraform in containers, at most `concurrency` containers at once
 * across every record of the run.
 */
export class SandboxVerifier {
  private readonly queue: PQueue;
  readonly runId = newRunId();
  private warnedInit = false;

  constructor(
    private readonly docker: Docker,
    private readonly settings: SandboxSettings,
    private readonly ctx: RunContext,
    private readonly extraFiles: Readonly<Record<string, string>> = {},
  ) {
    this.queue = new PQueue({ concurrency: settings.concurrency });
  }

  /** Runs one configuration (file name -> text) through the pool. */
  async judge(files: Readonly<Record<string, string>>): Promise<SandboxJudgement> {
    const run = await this.queue.add(() =>
      runInSandbox(this.docker, {
        image: this.settings.image,
        files: { ...files, ...this.extraFiles },
        plan: this.settings.plan,
        pluginDir: this.settings.pluginDir ? resolve(this.settings.pluginDir) : undefined,
        limits: sandboxLimits(this.settings),
        runId: this.runId,
        signal: this.ctx.signal,
      }),
    );
    return judgeRun(run, { timeoutMs: this.settings.timeoutMs, memoryMb: this.settings.memoryMb, plan: this.settings.plan });
  }

  async verifyArtifact(artifact: Artifact, subject: Subject): Promise<{ artifact: Artifact; findings: Finding[] }> {
    if (artifact.code === null) return { artifact, findings: [] };
    // a file set's files go to their paths (its local modules in their folders)
    const judgement = await this.judge(Object.fromEntries(filesOfCode(artifact.code).map((f) => [f.path, f.text])));
    countMetric(this.ctx, 'sandbox.runs');
    countMetric(this.ctx, `sandbox.verdict.${judgement.verdict}`);
    const findings: Finding[] = [];
    for (const p of judgement.problems) {
      countMetric(this.ctx, `sandbox.${p.code}`);
      const embedded = artifact.verdict === 'unverified' ? '' : `\n\nThe embedded verifier (${artifact.verifiedBy ?? 'embedded'}) said ${artifact.verdict}:\n${listDiagnostics(artifact.diagnostics)}`;
      findings.push(finding(STAGE, p.code, { ...p.diagnostic, detail: `${p.diagnostic.detail}${embedded}` }, subject));
      if (p.code === 'sandbox-init-failed' && judgement.verdict === 'unverified' && !this.warnedInit) {
        this.warnedInit = true;
        this.ctx.warnings.push(
          diagnostic(
            'warning',
            'terraform init fails in the sandbox',
            `Image ${this.settings.image}: is every provider in the mirror${this.settings.pluginDir ? ` (${this.settings.pluginDir})` : ''}? First failure: ${p.diagnostic.detail.slice(0, 500)}`,
          ),
        );
      }
    }
    if (judgement.verdict === 'unverified') {
      // never a false valid: a failed sandbox run leaves an invalid artifact invalid, anything else unverified
      if (artifact.verdict === 'invalid') return { artifact, findings };
      return { artifact: updateArtifact(artifact, { verdict: 'unverified', verifiedBy: STAGE }), findings };
    }
    if (artifact.verdict !== 'unverified') {
      // per-diagnostic fidelity of the embedded verifier, summed over the run (manifest metrics)
      const compared = compareDiagnostics(artifact.diagnostics, judgement.diagnostics);
      countMetric(this.ctx, 'sandbox.diagnostics.matched', compared.matched.length);
      countMetric(this.ctx, 'sandbox.diagnostics.only-embedded', compared.only_embedded.length);
      countMetric(this.ctx, 'sandbox.diagnostics.only-terraform', compared.only_terraform.length);
    }
    if (artifact.verdict !== 'unverified' && artifact.verdict !== judgement.verdict) {
      countMetric(this.ctx, 'sandbox.disagreements');
      findings.push(
        finding(
          STAGE,
          'verifier-disagreement',
          diagnostic(
            'warning',
            `Embedded verifier said ${artifact.verdict}, terraform says ${judgement.verdict}`,
            `Embedded verifier (${artifact.verifiedBy ?? 'embedded'}):\n${listDiagnostics(artifact.diagnostics)}\n\nterraform (sandbox, ${this.settings.image}):\n${listDiagnostics(judgement.diagnostics)}`,
          ),
          subject,
        ),
      );
    }
    return {
      artifact: updateArtifact(artifact, { verdict: judgement.verdict, diagnostics: judgement.diagnostics, verifiedBy: STAGE }),
      findings,
    };
  }

  /** artifacts already sent once (a failed run is not retried by a later pass of the stage) */
  private readonly attempted = new Set<string>();

  /** Whether a pass of the stage still has to run this artifact: it has code and no sandbox verdict yet. */
  pending(recordId: string | null, ref: ArtifactRef): boolean {
    return ref.artifact.code !== null && ref.artifact.verifiedBy !== STAGE && !this.attempted.has(`${recordId}\u0000${ref.subject}\u0000${ref.artifact.code}`);
  }

  /** Every pending artifact of the record (gold, drafts, repaired drafts, mutations), at once through the pool. */
  async verifyRecord(record: TaskRecord): Promise<TaskRecord> {
    const refs = artifactsOf(record).filter((ref) => this.pending(record.id, ref));
    if (refs.length === 0) return record;
    for (const ref of refs) this.attempted.add(`${record.id}\u0000${ref.subject}\u0000${ref.artifact.code}`);
    const results = await Promise.all(refs.map((ref) => this.verifyArtifact(ref.artifact, ref.subject)));
    let next = record;
    refs.forEach((ref, i) => (next = withArtifact(next, ref.subject, results[i]!.artifact)));
    return addFindings(next, results.flatMap((r) => r.findings));
  }
}

declare module '@tfpairs/core' {
  interface RunServices {
    /** the run's sandbox, opened once however many passes of the stage the pipeline has (null: skipped) */
    sandbox?: Promise<SandboxVerifier | null>;
  }
}

/** The run's sandbox verifier: the engine is probed and the image checked once per run. */
export function sandboxFor(ctx: RunContext): Promise<SandboxVerifier | null> {
  ctx.services.sandbox ??= (async () => {
    const settings = ctx.config.sandbox;
    const opening = await openSandbox(settings, ctx.env);
    if (!opening.ok) {
      ctx.warnings.push(opening.warning);
      ctx.log(`sandbox: ${opening.warning.summary}`);
      return null;
    }
    const verifier = new SandboxVerifier(opening.docker, settings, ctx, readProviderFile(settings, ctx));
    ctx.log(`sandbox: verifying with ${settings.image}, ${settings.concurrency} container(s) at once (run ${verifier.runId})`);
    return verifier;
  })();
  return ctx.services.sandbox;
}

export type SandboxOpening = { readonly ok: true; readonly docker: Docker } | { readonly ok: false; readonly warning: Diagnostic };

/** Engine reachable and image present? Otherwise the one run-level warning that explains the skip. */
export async function openSandbox(settings: SandboxSettings, env: Readonly<Record<string, string | undefined>>): Promise<SandboxOpening> {
  const probe = await probeEngine(env);
  const keep = 'Records keep the embedded verifier\'s verdicts.';
  if (!probe.ok) {
    return {
      ok: false,
      warning: diagnostic(
        'warning',
        'Sandbox stage skipped: no Docker engine reachable',
        `${probe.where}: ${probe.reason}. ${keep} Start a Docker engine (scripts/ci-docker.sh does it on Debian) or leave out --sandbox docker.`,
      ),
    };
  }
  try {
    if (!(await imagePresent(probe.docker, settings.image))) {
      return {
        ok: false,
        warning: diagnostic(
          'warning',
          `Sandbox stage skipped: image ${settings.image} is not on the Docker engine`,
          `Nothing is pulled from a registry. Build it (docker/Dockerfile, or docker/test-image/build.sh for the test double) or pass --sandbox-image. ${keep}`,
        ),
      };
    }
  } catch (e) {
    return { ok: false, warning: diagnostic('warning', 'Sandbox stage skipped: the Docker engine failed', `${describeEngine(env)}: ${(e as Error).message}. ${keep}`) };
  }
  return { ok: true, docker: probe.docker };
}

function readProviderFile(settings: SandboxSettings, ctx: RunContext): Record<string, string> {
  if (!settings.providerFile) return {};
  try {
    return { [PROVIDER_FILE_NAME]: readFileSync(resolve(settings.providerFile), 'utf8') };
  } catch (e) {
    ctx.warnings.push(
      diagnostic('warning', 'Sandbox provider file not readable', `${settings.providerFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; configurations run without it.`),
    );
    return {};
  }
}

/**
 * Real terraform in Docker after the embedded verifier (`--sandbox docker`). Its verdict overrides
 * the embedded one (`verifiedBy: 'sandbox'`); disagreements and sandbox failures become findings.
 * The pipeline lists the stage after every step that makes artifacts (verify, repair, mutate); each
 * pass runs only the artifacts no earlier pass ran, so repaired drafts and mutations are sandboxed by
 * the same function as gold. Without an engine (or image) the run gets one warning and records pass.
 */
export const sandboxStage: StageFactory = (ctx) => {
  const settings = ctx.config.sandbox;
  if (settings.mode !== 'docker') return passThrough;
  return async function* (input) {
    const verifier = await sandboxFor(ctx);
    if (!verifier) {
      yield* input;
      return;
    }
    // enough records in flight to keep the container pool busy; output order is kept
    yield* mapKeptConcurrent(STAGE, SANDBOX_VERSION, Math.max(2, settings.concurrency * 2), (r) => verifier.verifyRecord(r))(input);
  };
};
