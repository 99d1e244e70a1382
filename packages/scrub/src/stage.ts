import { parsesAsHcl as parses } from '@tfpairs/hcl/syntax';
import { filesOfCode, mapCodeFiles } from '@tfpairs/configs/fileset';
import {
  addFindings,
  artifactScope,
  type ArtifactRole,
  countMetric,
  diagnostic,
  dropRecord,
  finding,
  hasFenceLine,
  mapKept,
  passThrough,
  reviseArtifact,
  updateArtifact,
  updateRecord,
  type Artifact,
  type Finding,
  type ArtifactFn,
  type Mutation,
  type RunContext,
  type StageFactory,
  type Subject,
  type TaskRecord,
} from '@tfpairs/core';
import { PLACEHOLDER_IN_TEXT, replaceKnownSecrets, scrubText, type ScrubFinding, type ScrubOptions } from './scrub';

export const SCRUB_VERSION = '1.0.0';
const STAGE = 'scrub';

/**
 * Scrubs one record. The secret -> placeholder map is shared by the whole record (gold, candidates,
 * prompt, their raw text and revisions): within a record one placeholder always stands for one secret,
 * so a DPO pair never differs only by placeholder numbering. The map lives only for this call.
 */
class RecordScrubber {
  readonly findings: Finding[] = [];

  private reservedNames: Set<string> | undefined;

  constructor(
    private readonly ctx: RunContext,
    readonly placeholders = new Map<string, string>(),
    /** the record the texts belong to: placeholders an earlier pass put in it are not given out again */
    private readonly ofRecord?: TaskRecord,
  ) {}

  /** Placeholders already in the record's texts (one scan per record, only once something is found). */
  private reserved = (): Iterable<string> => {
    if (!this.ofRecord) return [];
    if (!this.reservedNames) {
      const r = this.ofRecord;
      const texts = [r.prompt, ...[r.gold, ...r.candidates, ...r.mutations.map((m) => m.expected)].flatMap((a) => (a ? [a.code ?? '', a.raw] : [])), ...r.mutations.flatMap((m) => [m.initial, m.utterance])];
      this.reservedNames = new Set(texts.flatMap((t) => [...t.matchAll(PLACEHOLDER_IN_TEXT)].map((m) => m[0])));
    }
    return this.reservedNames;
  };

  /** Scrubs `text`; hcl falls back to prose (patterns only) if the tree cannot be built. */
  async scrub(text: string, opts: ScrubOptions, subject: Subject, where: string): Promise<string> {
    let result;
    try {
      result = await scrubText(text, { ...opts, placeholders: this.placeholders, reserved: this.reserved });
    } catch (e) {
      if (opts.kind !== 'hcl') throw e;
      this.findings.push(
        finding(STAGE, 'scrub-fallback', diagnostic('warning', 'Credential scan fell back to patterns only', `the HCL tree of the ${where} could not be built (${this.safeMessage(e)}); literal names were not used`), subject),
      );
      result = await scrubText(text, { ...opts, kind: 'prose', placeholders: this.placeholders, reserved: this.reserved });
    }
    for (const f of result.findings) this.record(f, subject, where);
    return result.text;
  }

  /** An error message fit for the audit: known secrets replaced, first line only, bounded. */
  safeMessage(e: unknown): string {
    const message = e instanceof Error ? e.message : String(e);
    return replaceKnownSecrets(message.split('\n')[0]!.slice(0, 300), this.placeholders);
  }

  private record(f: ScrubFinding, subject: Subject, where: string): void {
    countMetric(this.ctx, `scrub.rule.${f.rule}`);
    this.findings.push(
      finding(
        STAGE,
        `secret-${f.rule}`,
        diagnostic(
          'warning',
          `Credential replaced by ${f.placeholder}`,
          `Rule ${f.rule} found a credential in the ${where}; it was replaced by the placeholder ${f.placeholder}. The original text is not kept in this record.`,
          f.range,
        ),
        subject,
      ),
    );
  }

  /** Trails that must agree with the scrubbed code: known secrets first, then a scan of their own. */
  async trail(text: string, kind: ScrubOptions['kind'], filename: string, subject: Subject, where: string): Promise<string> {
    return this.scrub(replaceKnownSecrets(text, this.placeholders), { kind, filename }, subject, where);
  }

  /**
   * `answer`: the code is still a model's whole answer, fences and explanations, before normalise: it is
   * scanned as prose (a tree of markdown is noise); the code in it is scanned as HCL once normalise has
   * extracted it (the second pass).
   */
  async artifact(artifact: Artifact, subject: Subject, { answer = false } = {}): Promise<Artifact> {
    // a file set is scrubbed file by file, each under its own name (one placeholder map for all of them)
    const code =
      artifact.code === null
        ? null
        : answer
          ? await this.scrub(artifact.code, { kind: 'prose', filename: 'main.tf' }, subject, 'code')
          : await mapCodeFiles(artifact.code, (text, filename) => this.scrub(text, { kind: 'hcl', filename }, subject, 'code'));
    const raw = await this.trail(artifact.raw, artifact.origin === 'reference' ? 'hcl' : 'prose', 'raw', subject, 'raw text');
    const revisions = [];
    for (const revision of artifact.revisions) {
      revisions.push({ ...revision, text: await this.trail(revision.text, 'hcl', `revision:${revision.stage}`, subject, `revision after ${revision.stage}`) });
    }
    const recorded = artifact.recorded
      ? Object.fromEntries(Object.entries(artifact.recorded).map(([k, v]) => [k, replaceKnownSecrets(v, this.placeholders)]))
      : undefined;
    // a secret first seen in the raw text or a revision may also sit in the code
    const finalCode = code === null ? null : replaceKnownSecrets(code, this.placeholders);
    const trailsChanged =
      raw !== artifact.raw ||
      revisions.some((r, i) => r.text !== artifact.revisions[i]!.text) ||
      (recorded && Object.entries(recorded).some(([k, v]) => artifact.recorded![k] !== v));
    let next = trailsChanged ? updateArtifact(artifact, { raw, revisions, ...(recorded ? { recorded } : {}) }) : artifact;
    if (finalCode !== artifact.code) {
      next = reviseArtifact(next, STAGE, finalCode);
      if (artifact.code !== null && finalCode !== null && (await filesParse(artifact.code)) && !(await filesParse(finalCode))) {
        this.findings.push(
          finding(STAGE, 'scrub-broke-hcl', diagnostic('warning', 'Scrubbed code no longer parses', 'the code parsed before credentials were replaced and does not after; the verifier will report why'), subject),
        );
      }
    }
    return next;
  }
}

/** every file of the code parses as HCL (a file set file by file) */
const filesParse = async (code: string) => (await Promise.all(filesOfCode(code).map((f) => parses(f.text, f.path)))).every(Boolean);

/**
 * Scrubs one artifact (artifact-level: the scrub stage, the repair loop and the mutate stage all call
 * this): its code as HCL, its raw text (a model's whole answer as prose), its revisions and recorded
 * notes, with the record's placeholder map from `scope`.
 */
export const scrubArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  if (!ctx.config.scrub.enabled) return { artifact, findings: [] };
  const scrubber = new RecordScrubber(ctx, scope.placeholders, scope.record);
  const beforeNormalise = scope.record !== undefined && !scope.record.provenance.stages.normalise;
  const next = await scrubber.artifact(artifact, subject, { answer: beforeNormalise && scope.role === 'candidate' && artifact.code === artifact.raw && hasFenceLine(artifact.raw) });
  return { artifact: next, findings: scrubber.findings };
};

/** Credentials in free text (a change request) become placeholders of the record's map. */
export async function scrubProseText(ctx: RunContext, text: string, subject: Subject, where: string, placeholders: Map<string, string>): Promise<{ text: string; findings: readonly Finding[] }> {
  if (!ctx.config.scrub.enabled) return { text, findings: [] };
  const scrubber = new RecordScrubber(ctx, placeholders);
  const out = await scrubber.trail(text, 'prose', where, subject, where);
  return { text: out, findings: scrubber.findings };
}

async function scrubRecord(record: TaskRecord, ctx: RunContext): Promise<TaskRecord> {
  const scrubber = new RecordScrubber(ctx, new Map(), record);
  try {
    // gold first: it gets the lowest placeholder numbers (`<PASSWORD>` rather than `<PASSWORD_2>`)
    const artifact = async (a: Artifact, subject: Subject, role: ArtifactRole) => {
      const result = await scrubArtifact(ctx, a, subject, artifactScope(role, scrubber.placeholders, record));
      scrubber.findings.push(...result.findings);
      return result.artifact;
    };
    const gold = record.gold ? await artifact(record.gold, 'gold', 'gold') : null;
    const candidates: Artifact[] = [];
    for (const c of record.candidates) candidates.push(await artifact(c, `candidate:${c.id}`, 'candidate'));
    const mutations: Mutation[] = [];
    for (const m of record.mutations) {
      const subject = `mutation:${m.id}` as const;
      const expected = await artifact(m.expected, subject, 'mutation');
      const initial = await scrubber.trail(m.initial, 'hcl', 'initial.tf', subject, 'initial configuration');
      const utterance = await scrubber.trail(m.utterance, 'prose', 'utterance', subject, 'change request');
      mutations.push(expected === m.expected && initial === m.initial && utterance === m.utterance ? m : { ...m, expected, initial, utterance });
    }
    const prompt = await scrubber.scrub(record.prompt, { kind: 'prose', filename: 'prompt' }, 'prompt', 'prompt');
    const provenance =
      typeof record.provenance.promptRaw === 'string'
        ? { ...record.provenance, promptRaw: await scrubber.trail(record.provenance.promptRaw, 'prose', 'prompt', 'prompt', 'ingested prompt') }
        : record.provenance;
    const meta = Object.fromEntries(Object.entries(record.meta).map(([k, v]) => [k, replaceKnownSecrets(v, scrubber.placeholders)]));
    const changed =
      prompt !== record.prompt ||
      gold !== record.gold ||
      candidates.some((c, i) => c !== record.candidates[i]) ||
      mutations.some((m, i) => m !== record.mutations[i]) ||
      provenance !== record.provenance ||
      Object.entries(meta).some(([k, v]) => record.meta[k] !== v);
    if (!changed) return addFindings(record, scrubber.findings);
    countMetric(ctx, 'scrub.records-changed');
    return addFindings(updateRecord(record, { prompt: replaceKnownSecrets(prompt, scrubber.placeholders), gold, candidates, mutations, provenance, meta }), scrubber.findings);
  } catch (e) {
    // scanning itself failed: the record cannot be vouched for, so it leaves every corpus
    countMetric(ctx, 'scrub.failed');
    return dropRecord(record, finding(STAGE, 'scrub-failed', diagnostic('error', 'Credential scan failed', scrubber.safeMessage(e)), 'record'));
  }
}

/**
 * Replaces credentials in the prompt and in the code of gold and every candidate by typed placeholders
 * (see README.md). Each replacement is a warning finding `secret-<rule>` with the placeholder's range —
 * never the secret. Mutations (utterance, initial, expected) are scrubbed like candidates. `raw`,
 * earlier `revisions`, `recorded` notes and meta are scrubbed too, since
 * records.jsonl writes them out; the prompt's original is *not* kept in `provenance.promptRaw`.
 */
export const scrubStage: StageFactory = (ctx) =>
  ctx.config.scrub.enabled ? mapKept(STAGE, SCRUB_VERSION, (record) => scrubRecord(record, ctx)) : passThrough;
