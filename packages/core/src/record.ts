import type { Diagnostic, Finding } from './diagnostic';

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

export type InputFormat = 'iac-eval-csv' | 'jsonl' | 'folder';

/** Where a record starts: the input file and the 1-based line of the row / JSON line / prompt file. */
export interface SourceRef {
  readonly path: string;
  readonly line: number;
}

/** The text of an artifact after one stage touched it, so a user can see before/after per stage. */
export interface Revision {
  readonly stage: string;
  readonly text: string;
}

/** One turn of the repair loop (TerraFormer's multi-turn self-correction). */
export interface RepairTurn {
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly answer: string;
  readonly code: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

export type Verdict = 'valid' | 'invalid' | 'unverified';

/** Generation provenance of an artifact written by a model. */
export interface GenerationInfo {
  readonly model: string | null;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly templateHash?: string;
  readonly finishReason?: string;
  readonly cached?: boolean;
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
}

/**
 * A piece of Terraform: the gold reference or a candidate draft.
 * `raw` is exactly what was ingested or what the model answered; `code` is the current normalised text
 * (null when no code could be extracted).
 */
export interface Artifact {
  readonly id: string;
  readonly origin: 'reference' | 'recorded' | 'generated' | 'repaired';
  readonly raw: string;
  readonly code: string | null;
  readonly revisions: readonly Revision[];
  /** diagnostics of the last verification, terraform-shaped */
  readonly diagnostics: readonly Diagnostic[];
  readonly verdict: Verdict;
  /** which verifier produced the verdict (e.g. `embedded`, `sandbox`) */
  readonly verifiedBy?: string;
  readonly generation?: GenerationInfo;
  /** what the input file said about this draft (e.g. IaC-Eval's recorded plan verdict) */
  readonly recorded?: Readonly<Record<string, string>>;
  readonly truncated?: boolean;
  /** for repaired artifacts: the id of the artifact they were repaired from, and every turn */
  readonly repairedFrom?: string;
  readonly trajectory?: readonly RepairTurn[];
  /** the policy (intent) check's verdict, once that stage ran: `falseRules` are the rules that came out false */
  readonly intent?: { readonly outcome: 'pass' | 'fail' | 'error'; readonly falseRules: readonly string[] };
}

/** A TF-Mutn sample: an initial configuration, a change request and the changed configuration. */
export interface Mutation {
  readonly id: string;
  readonly utterance: string;
  readonly initial: string;
  readonly expected: Artifact;
}

/**
 * A verified synthetic negative of the record's gold (@tfpairs/negatives): the gold with exactly one
 * injected error, and the validator's diagnostics that confirm it.
 */
export interface SyntheticNegative {
  readonly id: string;
  /** the mutation operator, e.g. `drift-argument` */
  readonly operator: string;
  readonly code: string;
  readonly diagnostics: readonly Diagnostic[];
  /** a semantic negative (it validates): the record's intent fails on it, with these false rules */
  readonly intent?: { readonly outcome: 'fail'; readonly falseRules: readonly string[] };
}

export interface Provenance {
  readonly source: SourceRef;
  readonly format: InputFormat;
  /** stage name -> version of every stage that touched the record */
  readonly stages: Readonly<Record<string, string>>;
  /** the prompt as ingested, when a stage (e.g. scrub) changed it */
  readonly promptRaw?: string;
  readonly [extra: string]: unknown;
}

export interface TaskRecord {
  /** content-derived id; null only for input that never became a task (e.g. a bad JSON line) */
  readonly id: string | null;
  readonly prompt: string;
  readonly gold: Artifact | null;
  readonly candidates: readonly Artifact[];
  readonly mutations: readonly Mutation[];
  /** verified synthetic negatives of the gold, when the negatives stage ran */
  readonly synthetic?: readonly SyntheticNegative[];
  /** IaC-Eval metadata and JSONL extras: resource, difficulty, intent, ... */
  readonly meta: Readonly<Record<string, string>>;
  readonly provenance: Provenance;
  readonly split: Split | null;
  readonly findings: readonly Finding[];
  readonly status: 'kept' | 'dropped';
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** Records are immutable: every change makes a new frozen record. */
export function updateRecord(record: TaskRecord, patch: Partial<TaskRecord>): TaskRecord {
  return deepFreeze({ ...record, ...patch });
}

export function updateArtifact(artifact: Artifact, patch: Partial<Artifact>): Artifact {
  return deepFreeze({ ...artifact, ...patch });
}

/** New artifact text from a stage: keeps the revision trail. */
export function reviseArtifact(artifact: Artifact, stage: string, code: string | null, patch: Partial<Artifact> = {}): Artifact {
  if (code === artifact.code && Object.keys(patch).length === 0) return artifact;
  const revisions = code === null || code === artifact.code ? artifact.revisions : [...artifact.revisions, { stage, text: code }];
  return updateArtifact(artifact, { ...patch, code, revisions });
}

export function addFindings(record: TaskRecord, findings: readonly Finding[]): TaskRecord {
  if (findings.length === 0) return record;
  return updateRecord(record, { findings: [...record.findings, ...findings] });
}

/** Removes a record from every corpus; the finding says why and is the one marked `dropped`. */
export function dropRecord(record: TaskRecord, cause: Omit<Finding, 'dropped'>, extra: readonly Finding[] = []): TaskRecord {
  if (record.status === 'dropped') throw new Error(`record ${record.id} is already dropped`);
  return updateRecord(record, {
    status: 'dropped',
    findings: [...record.findings, ...extra, { ...cause, dropped: true }],
  });
}

export function stampStage(record: TaskRecord, stage: string, version: string): TaskRecord {
  if (record.provenance.stages[stage] === version) return record;
  return updateRecord(record, {
    provenance: { ...record.provenance, stages: { ...record.provenance.stages, [stage]: version } },
  });
}

export function newArtifact(
  id: string,
  origin: Artifact['origin'],
  raw: string,
  extra: Partial<Artifact> = {},
): Artifact {
  return deepFreeze({
    id,
    origin,
    raw,
    code: raw,
    revisions: [],
    diagnostics: [],
    verdict: 'unverified' as Verdict,
    ...extra,
  });
}
