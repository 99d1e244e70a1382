/**
 * Test support (imported by tests only): builds task records with core's helpers and writes a build
 * output folder with the real writer (`@tfpairs/write`), so report/audit/compare tests read exactly what
 * `tfpairs build` writes.
 */
import {
  createRunContext,
  deepFreeze,
  diagnostic,
  dropRecord,
  finding,
  fromArray,
  newArtifact,
  parseConfig,
  recordId,
  type Artifact,
  type Diagnostic,
  type Severity,
  type Split,
  type StepStats,
  type TaskRecord,
} from '@tfpairs/core';
import { writeOutputs } from '@tfpairs/write';

/** A terraform-shaped diagnostic on one line of main.tf. */
export function diagAt(severity: Severity, summary: string, line: number, detail = ''): Diagnostic {
  return diagnostic(severity, summary, detail, {
    filename: 'main.tf',
    start: { line, column: 1, byte: 0 },
    end: { line, column: 5, byte: 4 },
  });
}

export interface TaskSpec {
  readonly prompt: string;
  readonly gold: string;
  readonly line: number;
  readonly split?: Split;
  readonly path?: string;
  readonly candidates?: readonly Artifact[];
  readonly goldDiagnostics?: readonly Diagnostic[];
}

export function task(spec: TaskSpec): TaskRecord {
  const id = recordId(spec.prompt, spec.gold);
  return deepFreeze({
    id,
    prompt: spec.prompt,
    gold: newArtifact(`g-${id.slice(0, 8)}`, 'reference', spec.gold, {
      verdict: 'valid',
      verifiedBy: 'embedded',
      diagnostics: spec.goldDiagnostics ?? [],
    }),
    candidates: spec.candidates ?? [],
    mutations: [],
    meta: {},
    provenance: { source: { path: spec.path ?? 'fixture.jsonl', line: spec.line }, format: 'jsonl', stages: { ingest: '0.1.0', verify: 'test' } },
    split: spec.split ?? 'train',
    findings: [],
    status: 'kept',
  } satisfies TaskRecord);
}

export function draft(id: string, code: string, model: string | null, diagnostics: readonly Diagnostic[], verdict?: Artifact['verdict']): Artifact {
  return newArtifact(id, model === null ? 'recorded' : 'generated', code, {
    diagnostics,
    verdict: verdict ?? (diagnostics.some((d) => d.severity === 'error') ? 'invalid' : 'valid'),
    verifiedBy: 'embedded',
    ...(model === null ? {} : { generation: { model } }),
  });
}

export function dropped(record: TaskRecord, stage: string, code: string, summary: string, detail = ''): TaskRecord {
  return dropRecord(record, finding(stage, code, diagnostic('error', summary, detail)));
}

export interface RunExtras {
  /** flat counters as stages count them (`policy.gold.pass` → manifest `metrics.policy["gold.pass"]`) */
  readonly metrics?: Readonly<Record<string, number>>;
  /** the step runner's per-step stats, written to manifest `steps` */
  readonly steps?: readonly StepStats[];
}

/** Writes records as `tfpairs build` would (records.jsonl, audit.jsonl, manifest.json, corpora). */
export async function writeRun(outDir: string, records: readonly TaskRecord[], extras: RunExtras = {}): Promise<void> {
  // these fixtures were written for the 'any different draft' policy (IaC-DPO's); build's default is stricter
  const ctx = createRunContext(parseConfig({ out: outDir, dpo: { rejected: 'different' } }));
  for (const [key, n] of Object.entries(extras.metrics ?? {})) ctx.metrics.set(key, n);
  await writeOutputs(fromArray(records), ctx, outDir, extras.steps ? { steps: extras.steps } : {});
}
