import type { Finding, Subject } from './diagnostic';
import type { RunContext } from './context';
import { mapKept, type Stage } from './pipeline';
import { addFindings, updateRecord, type Artifact, type Mutation, type TaskRecord } from './record';

/**
 * Every piece of Terraform a record holds, wherever it came from: the gold, each candidate (recorded,
 * generated, repaired) and each mutation's changed configuration. Artifact-level stages (normalise,
 * scrub, verify, sandbox, and what comes after them) apply over this list, so a new kind of artifact is
 * covered by all of them at once.
 */
/**
 * Whether a text holds a markdown fence line (```` ``` ```` or `~~~`): a model's answer with code blocks,
 * which normalise extracts before anything reads it as HCL.
 */
export const hasFenceLine = (text: string): boolean => /^\s{0,3}(```|~~~)/m.test(text);

export type ArtifactRole = 'gold' | 'candidate' | 'mutation';

export interface ArtifactRef {
  readonly subject: Subject;
  readonly role: ArtifactRole;
  readonly artifact: Artifact;
}

export function artifactsOf(record: TaskRecord): ArtifactRef[] {
  const out: ArtifactRef[] = [];
  if (record.gold) out.push({ subject: 'gold', role: 'gold', artifact: record.gold });
  for (const c of record.candidates) out.push({ subject: `candidate:${c.id}`, role: 'candidate', artifact: c });
  for (const m of record.mutations) out.push({ subject: `mutation:${m.id}`, role: 'mutation', artifact: m.expected });
  return out;
}

/**
 * What an artifact-level function may know about the record its artifact belongs to, beyond the
 * artifact: the record's secret -> placeholder map (one per record, so a pair never differs only by
 * placeholder numbering) and the artifact's role. Made per record by the stage, never shared across
 * records.
 */
export interface ArtifactScope {
  readonly role: ArtifactRole;
  readonly placeholders: Map<string, string>;
  /** the record the artifact belongs to, as it was when the stage took it (its prompt, meta, intent) */
  readonly record?: TaskRecord;
}

export function artifactScope(role: ArtifactRole, placeholders = new Map<string, string>(), record?: TaskRecord): ArtifactScope {
  return record ? { role, placeholders, record } : { role, placeholders };
}

export interface ArtifactResult {
  readonly artifact: Artifact;
  readonly findings: readonly Finding[];
}

/** The shape every artifact-level stage function has: one artifact in, the new artifact and its findings out. */
export type ArtifactFn = (ctx: RunContext, artifact: Artifact, subject: Subject, scope: ArtifactScope) => Promise<ArtifactResult>;

/** A record with the artifact named by `subject` replaced (`artifactsOf`'s inverse for one item). */
export function withArtifact(record: TaskRecord, subject: Subject, artifact: Artifact): TaskRecord {
  if (subject === 'gold') return record.gold === artifact ? record : updateRecord(record, { gold: artifact });
  if (subject.startsWith('candidate:')) {
    const id = subject.slice('candidate:'.length);
    let changed = false;
    const candidates = record.candidates.map((c) => {
      if (c.id !== id || c === artifact) return c;
      changed = true;
      return artifact;
    });
    return changed ? updateRecord(record, { candidates }) : record;
  }
  if (subject.startsWith('mutation:')) {
    const id = subject.slice('mutation:'.length);
    let changed = false;
    const mutations = record.mutations.map((m): Mutation => {
      if (m.id !== id || m.expected === artifact) return m;
      changed = true;
      return { ...m, expected: artifact };
    });
    return changed ? updateRecord(record, { mutations }) : record;
  }
  return record;
}

export interface ArtifactStageOptions {
  /** which artifacts this stage applies to (default: all); later passes use it to take only new ones */
  readonly pending?: (ref: ArtifactRef) => boolean;
  /** record-level decision once every artifact went through (e.g. a gold without code drops the record) */
  readonly after?: (record: TaskRecord, ctx: RunContext) => TaskRecord | Promise<TaskRecord>;
  /** stop going through the record's artifacts after this one (e.g. a gold that makes the record useless) */
  readonly stop?: (ref: ArtifactRef, result: ArtifactResult) => boolean;
  /** the record's placeholder map, when the stage needs one shared by its artifacts */
  readonly placeholders?: (record: TaskRecord) => Map<string, string>;
}

/**
 * A stage that applies one artifact function over `artifactsOf(record)` of every kept record, in
 * order (gold first: it gets the lowest placeholder numbers), and adds the findings to the record.
 */
export function artifactStage(name: string, version: string, ctx: RunContext, fn: ArtifactFn, options: ArtifactStageOptions = {}): Stage {
  return mapKept(name, version, async (record) => {
    const placeholders = options.placeholders?.(record) ?? new Map<string, string>();
    let next = record;
    const findings: Finding[] = [];
    for (const ref of artifactsOf(record)) {
      if (options.pending && !options.pending(ref)) continue;
      const result = await fn(ctx, ref.artifact, ref.subject, artifactScope(ref.role, placeholders, record));
      next = withArtifact(next, ref.subject, result.artifact);
      findings.push(...result.findings);
      if (options.stop?.(ref, result)) break;
    }
    next = addFindings(next, findings);
    return options.after ? options.after(next, ctx) : next;
  });
}

/** Which model (or origin) an artifact comes from: the key of pass rates per model (IaC-Eval's pass@1). */
export function artifactSource(artifact: Artifact): string {
  return artifact.generation?.model ?? (artifact.origin === 'reference' ? 'gold' : artifact.origin);
}

/** A name (model, rule, check id) as one segment of a metric key. */
export const metricSegment = (name: string): string => name.replace(/[^A-Za-z0-9_.:-]+/g, '-');
