import {
  addFindings,
  artifactScope,
  dropRecord,
  renderDiagnosticsForModel,
  roleOfSubject,
  countMetric,
  finding,
  newArtifact,
  passThrough,
  sha256,
  updateArtifact,
  updateRecord,
  type Artifact,
  type Diagnostic,
  type Finding,
  type GenerationInfo,
  type RepairTurn,
  type Revision,
  type RunContext,
  type StageFactory,
  type Subject,
  type TaskRecord,
  type Verdict,
} from '@tfpairs/core';
import type { ChatClient, CompletionFailure } from './client';
import { modelStage, type Complete } from './rounds';
import { clientFor } from './run';
import { bundledTemplate, loadGenerateTemplate, renderTemplate, type ChatMessage, type PromptTemplate } from './template';
import { normaliseArtifact } from '@tfpairs/normalise';
import { scrubArtifact, scrubProseText } from '@tfpairs/scrub';
import { verifyArtifact } from '@tfpairs/verify';

export const REPAIR_VERSION = '1.0.0';

/** A model answer after the pipeline's own steps: normalise -> scrub -> verify. */
export interface ProcessedAnswer {
  readonly answer: string;
  readonly code: string | null;
  readonly revisions: readonly Revision[];
  readonly diagnostics: readonly Diagnostic[];
  readonly verdict: Verdict;
  readonly verifiedBy: string;
  readonly truncated: boolean;
  readonly findings: readonly Finding[];
}

/** The artifact fields a processed answer decides (what normalise, scrub and verify made of it). */
export function artifactFields(p: ProcessedAnswer): Pick<Artifact, 'code' | 'revisions' | 'diagnostics' | 'verdict' | 'verifiedBy' | 'truncated'> {
  return { code: p.code, revisions: p.revisions, diagnostics: p.diagnostics, verdict: p.verdict, verifiedBy: p.verifiedBy, truncated: p.truncated };
}

const NO_CODE: Diagnostic = {
  severity: 'error',
  summary: 'No Terraform configuration in the answer',
  detail: 'The answer must contain the complete configuration in one ```hcl code block.',
};

/**
 * A model answer through the pipeline's own artifact functions (normalise -> scrub -> verify), the
 * same ones the stages apply to gold and drafts, with the record's placeholder map.
 * `raw` is the text the code is extracted from; `whole` the model's whole answer (what `answer` keeps,
 * scrubbed with the same placeholders as the code).
 */
export async function processAnswer(ctx: RunContext, raw: string, subject: Subject, whole = raw, placeholders = new Map<string, string>()): Promise<ProcessedAnswer> {
  const scope = artifactScope(roleOfSubject(subject) ?? 'candidate', placeholders);
  const n = await normaliseArtifact(ctx, newArtifact('answer', 'generated', raw), subject, scope);
  const findings: Finding[] = [...n.findings];
  const truncated = n.artifact.truncated === true;
  const s = await scrubArtifact(ctx, n.artifact, subject, scope);
  findings.push(...s.findings);
  let answer = s.artifact.raw;
  if (whole !== raw) {
    const prose = await scrubProseText(ctx, whole, subject, 'model answer', placeholders);
    findings.push(...prose.findings);
    answer = prose.text;
  }
  if (s.artifact.code === null) {
    return { answer, code: null, revisions: s.artifact.revisions, diagnostics: [NO_CODE], verdict: 'invalid', verifiedBy: 'embedded', truncated, findings };
  }
  const v = await verifyArtifact(ctx, s.artifact, subject, scope);
  return { answer, code: v.artifact.code, revisions: v.artifact.revisions, diagnostics: v.artifact.diagnostics, verdict: v.artifact.verdict, verifiedBy: v.artifact.verifiedBy ?? 'embedded', truncated, findings };
}

const fence = (code: string) => `\`\`\`hcl\n${code.trimEnd()}\n\`\`\``;

function feedback(template: PromptTemplate, diagnostics: readonly Diagnostic[], code: string | null): ChatMessage[] {
  const rendered = code === null ? renderDiagnosticsForModel([NO_CODE], '') : renderDiagnosticsForModel(diagnostics, code);
  return renderTemplate(template, { diagnostics: rendered });
}

/**
 * What else an answer that validates must meet before the loop stops (the record's intent): the
 * diagnostics to show the model when it does not (one per false rule), none when it is accepted.
 */
export type AnswerCheck = (code: string) => Promise<readonly Diagnostic[]>;

/** The templates of one repair conversation: validate's diagnostics, and the intent's false rules. */
export interface RepairTemplates {
  readonly invalid: PromptTemplate;
  /** for an answer that validates but fails the check (its diagnostics then hold the false rules) */
  readonly unmet: PromptTemplate;
}

export const bundledRepairTemplates = (): RepairTemplates => ({ invalid: bundledTemplate('repair'), unmet: bundledTemplate('repair-intent') });

export interface CorrectionOutcome {
  readonly turns: readonly RepairTurn[];
  /** the last turn's processed answer (absent when the first request already failed) */
  readonly final?: ProcessedAnswer;
  /** what the check said about the last answer when it validated but was not accepted (false rules) */
  readonly unmet: readonly Diagnostic[];
  readonly generation?: GenerationInfo;
  readonly failure?: CompletionFailure;
  readonly findings: readonly Finding[];
}

/**
 * TerraFormer's iterative self-correction: the conversation that produced `code` continues with the
 * diagnostics as terraform prints them, until the answer verifies or `maxTurns` answers were tried.
 * The assistant turns show the *normalised* code, so the line numbers in the diagnostics match it.
 */
export async function selfCorrect(
  ctx: RunContext,
  client: ChatClient,
  base: readonly ChatMessage[],
  start: { readonly code: string | null; readonly answer?: string; readonly diagnostics: readonly Diagnostic[]; readonly valid?: boolean },
  maxTurns: number,
  subject: Subject,
  complete: Complete = (m) => client.complete(m),
  templates: RepairTemplates = bundledRepairTemplates(),
  check?: AnswerCheck,
): Promise<CorrectionOutcome> {
  const turns: RepairTurn[] = [];
  const findings: Finding[] = [];
  // a start that validates is repaired for its check: its diagnostics hold the false rules
  let messages: ChatMessage[] = [
    ...base,
    { role: 'assistant', content: start.code !== null ? fence(start.code) : (start.answer ?? '') },
    ...feedback(start.valid ? templates.unmet : templates.invalid, start.diagnostics, start.code),
  ];
  let final: ProcessedAnswer | undefined;
  let unmetAtEnd: readonly Diagnostic[] = [];
  let failure: CompletionFailure | undefined;
  const usage = { promptTokens: 0, completionTokens: 0 };
  let cached = true;
  let finishReason: string | undefined;
  for (let turn = 0; turn < maxTurns; turn++) {
    const result = await complete(messages);
    if (!result.ok) {
      failure = result;
      break;
    }
    countMetric(ctx, 'repair.turns');
    usage.promptTokens += result.response.usage.promptTokens;
    usage.completionTokens += result.response.usage.completionTokens;
    cached &&= result.cached;
    finishReason = result.response.finishReason ?? undefined;
    final = await processAnswer(ctx, result.response.content ?? '', subject);
    const valid = final.verdict === 'valid';
    const unmet = valid && check && final.code !== null ? await check(final.code) : [];
    const diagnostics = [...final.diagnostics, ...unmet];
    turns.push({ messages, answer: final.answer, code: final.code, diagnostics });
    unmetAtEnd = unmet;
    if (valid && unmet.length === 0) break;
    messages = [...messages, { role: 'assistant', content: final.code !== null ? fence(final.code) : final.answer }, ...feedback(valid ? templates.unmet : templates.invalid, diagnostics, final.code)];
  }
  const generation: GenerationInfo | undefined = turns.length
    ? { model: client.model, params: { ...client.params, template: templates.invalid.name }, templateHash: templates.invalid.hash, finishReason, cached, usage }
    : undefined;
  // what normalise/scrub said about the answer that is kept (earlier turns live in the trajectory)
  if (final) findings.push(...final.findings);
  return { turns, final, unmet: unmetAtEnd, generation, failure, findings };
}

function repairedArtifact(from: Artifact, outcome: CorrectionOutcome): Artifact {
  const final = outcome.final!;
  return newArtifact(sha256(`repaired\u0000${from.id}\u0000${final.code ?? final.answer}`).slice(0, 16), 'repaired', final.answer, {
    code: final.code,
    revisions: final.revisions,
    diagnostics: final.diagnostics,
    verdict: final.verdict,
    verifiedBy: final.verifiedBy,
    generation: outcome.generation,
    truncated: final.truncated,
    repairedFrom: from.id,
    trajectory: outcome.turns,
  });
}

function unresolved(outcome: CorrectionOutcome, subject: Subject, what: string): Finding[] {
  if (outcome.failure) return [finding('repair', outcome.failure.code, { severity: 'warning', summary: `Repair of ${what} stopped: ${outcome.failure.summary}`, detail: outcome.failure.detail }, subject)];
  const last = outcome.final;
  const errors = last?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  if (last?.verdict === 'valid' && outcome.unmet.length) {
    return [
      finding(
        'repair',
        'repair-failed',
        { severity: 'warning', summary: `${what} validates but still fails its intent after ${outcome.turns.length} repair turn(s)`, detail: outcome.unmet.map((d) => d.summary).join('; ') },
        subject,
      ),
    ];
  }
  return [
    finding(
      'repair',
      'repair-failed',
      { severity: 'warning', summary: `${what} still fails verification after ${outcome.turns.length} repair turn(s)`, detail: errors.map((d) => d.summary).join('; ') || 'no code in the answer' },
      subject,
    ),
  ];
}

/** What a check of a repaired gold says: accepted or not, a score when it has one, and why, in words. */
export interface RepairedGoldVerdict {
  readonly accepted: boolean;
  readonly score: number | null;
  readonly reason: string;
}

/**
 * Does a repaired gold still do what the prompt asks? The intent stage installs a check that answers
 * with the record's intent (`RunServices.repairedGoldCheck`); it answers `null` for a record without
 * one, and the similarity floor decides.
 */
export type RepairedGoldCheck = (ctx: RunContext, record: TaskRecord, original: Artifact, repaired: Artifact) => Promise<RepairedGoldVerdict | null>;

/** IaC-Eval's verdict on one configuration for a record's intent, and what a model is told when it fails. */
export interface IntentVerdict {
  readonly outcome: 'pass' | 'fail' | 'error';
  readonly falseRules: readonly string[];
  /** one error per false rule (with the plan values it read), or the evaluation error; none on a pass */
  readonly diagnostics: readonly Diagnostic[];
}

/** The record's intent on `code`; `null` when the record has none. */
export type IntentCheck = (ctx: RunContext, record: TaskRecord, code: string) => Promise<IntentVerdict | null>;

declare module '@tfpairs/core' {
  interface RunServices {
    /** replaces the similarity floor for repaired gold of records with an intent (the intent stage installs it) */
    repairedGoldCheck?: RepairedGoldCheck;
    /** the record's intent on a configuration (the intent stage installs it): repairs must also meet it */
    intentCheck?: IntentCheck;
  }
}

const blockTypes = (code: string): Set<string> => new Set([...code.matchAll(/^\s*(resource|data|module)\s+"([^"]+)"/gm)].map((m) => `${m[1]}.${m[2]}`));
const identifiers = (code: string): Set<string> => new Set(code.match(/[A-Za-z_][A-Za-z0-9_-]*/g) ?? []);
function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Similarity of two configurations by what they declare: the Jaccard similarity of their sets of
 * resource/data/module types (`resource.aws_redshift_cluster`). A configuration that declares none
 * (variables, outputs only) is compared by its identifiers instead. On IaC-Eval's drafts CSV (README),
 * 76 % of independent drafts of the same prompt reach 0.5 against the gold, 3 % of unrelated golds do.
 */
export function configurationSimilarity(a: string, b: string): number {
  const ta = blockTypes(a);
  const tb = blockTypes(b);
  return ta.size === 0 && tb.size === 0 ? jaccard(identifiers(a), identifiers(b)) : jaccard(ta, tb);
}

/** The default check: a repaired gold must stay at least `generate.repairGoldFloor` similar to the original. */
export const similarityFloor = async (ctx: RunContext, _record: TaskRecord, original: Artifact, repaired: Artifact): Promise<RepairedGoldVerdict> => {
  const floor = ctx.config.generate.repairGoldFloor;
  const score = configurationSimilarity(original.code ?? original.raw, repaired.code ?? repaired.raw);
  const declared = (a: Artifact) => [...blockTypes(a.code ?? a.raw)].sort().join(', ') || '(no resource, data or module block)';
  return {
    accepted: score >= floor,
    score,
    reason: `similarity to the original ${score.toFixed(2)} (floor ${floor}): the original declares ${declared(original)}; the repair declares ${declared(repaired)}`,
  };
};

const isInvalid = (a: Artifact) => a.verdict === 'invalid' && a.code !== null;
/** a draft that validates but builds the wrong thing (the intent stage ran before repair) */
const failsIntent = (a: Artifact) => a.verdict === 'valid' && a.code !== null && a.intent?.outcome === 'fail';

/**
 * Multi-turn self-correction of gold and candidates that fail verification (`--repair-turns N`), and
 * of drafts that validate but fail the record's intent (the false rules, with the plan values they
 * read, are the feedback). With an intent, an answer that validates but fails it gets the next turn too:
 * a repair is accepted only when it validates and meets the intent (`RunServices.intentCheck`).
 * A repaired candidate is a new `repaired` candidate (`repairedFrom` the draft, every turn in its
 * trajectory, verdict of the last turn); the writer makes a post-edit DPO pair of a valid one.
 * Gold is repaired only with `--repair-gold`: a repair that verifies replaces the gold (origin
 * `repaired`, the original first in its revisions, a `gold-repaired` warning) when the check
 * (the intent when the record has one, else `similarityFloor`) accepts it, and drops the record
 * (`repaired-gold-off-task`) when not; gold whose repair fails keeps its original text and diagnostics
 * plus the trajectory, and the gold gate drops the record. Without the flag the gate drops invalid gold.
 */
export const repairStage: StageFactory = (ctx) => {
  const settings = ctx.config.generate;
  if (!settings.model || settings.repairTurns === 0) return passThrough;
  const client = clientFor(ctx);
  const template = loadGenerateTemplate(settings.templateFile);
  const repairTemplates = bundledRepairTemplates();
  const turns = settings.repairTurns;
  // services are read per record: the stage that installs them may be made after this one
  const check = async (...args: Parameters<RepairedGoldCheck>): Promise<RepairedGoldVerdict> => (await ctx.services.repairedGoldCheck?.(...args)) ?? similarityFloor(...args);
  const unmetIntent = (record: TaskRecord): AnswerCheck | undefined => {
    const intentCheck = ctx.services.intentCheck;
    return intentCheck && (async (code) => ((await intentCheck(ctx, record, code))?.diagnostics ?? []));
  };

  async function repairRecord(record: TaskRecord, complete: Complete): Promise<TaskRecord> {
    const findings: Finding[] = [];
    const base = renderTemplate(template, { prompt: record.prompt });
    const answerCheck = unmetIntent(record);
    let gold = record.gold;
    let offTask: Finding | null = null;
    if (gold && settings.repairGold && isInvalid(gold) && !gold.trajectory) {
      countMetric(ctx, 'repair.gold_attempted');
      // --intent-gate off: gold is not held to its intent, so neither is its repair
      const outcome = await selfCorrect(ctx, client, base, { code: gold.code, answer: gold.raw, diagnostics: gold.diagnostics }, turns, 'gold', complete, repairTemplates, ctx.config.intent.gate === 'off' ? undefined : answerCheck);
      findings.push(...outcome.findings);
      if (outcome.final?.verdict === 'valid') {
        const original = gold;
        // the original stays in records.jsonl: first in the repaired gold's revision trail
        const repaired = repairedArtifact(original, outcome);
        const withOriginal = updateArtifact(repaired, { revisions: [{ stage: 'original', text: original.code ?? original.raw }, ...repaired.revisions] });
        const verdict = await check(ctx, record, original, withOriginal);
        const errors = original.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary);
        if (verdict.accepted) {
          countMetric(ctx, 'repair.gold_fixed');
          gold = withOriginal;
          findings.push(
            finding(
              'repair',
              'gold-repaired',
              { severity: 'warning', summary: 'The reference failed verification and was replaced by its repair', detail: `original ${original.id} (${errors.join('; ') || 'invalid'}); ${verdict.reason}; the original is the first revision in records.jsonl` },
              'gold',
            ),
          );
        } else {
          countMetric(ctx, 'repair.gold_rejected');
          gold = updateArtifact(original, { trajectory: outcome.turns });
          offTask = finding(
            'repair',
            'repaired-gold-off-task',
            { severity: 'error', summary: 'The repaired reference no longer does what the prompt asks', detail: `${verdict.reason}; the repair is in the gold's trajectory` },
            'gold',
          );
        }
      } else {
        if (outcome.turns.length) gold = updateArtifact(gold, { trajectory: outcome.turns });
        findings.push(...unresolved(outcome, 'gold', 'Gold'));
      }
    }
    const candidates = [...record.candidates];
    for (const draft of record.candidates) {
      if (draft.origin === 'repaired' || record.candidates.some((c) => c.repairedFrom === draft.id)) continue;
      const subject: Subject = `candidate:${draft.id}`;
      let start: { code: string | null; answer: string; diagnostics: readonly Diagnostic[]; valid: boolean };
      if (isInvalid(draft)) start = { code: draft.code, answer: draft.raw, diagnostics: draft.diagnostics, valid: false };
      else if (failsIntent(draft) && answerCheck) {
        // the false rules (with what they read) are the feedback, next to validate's warnings
        const unmet = await answerCheck(draft.code!);
        if (unmet.length === 0) continue;
        start = { code: draft.code, answer: draft.raw, diagnostics: [...draft.diagnostics, ...unmet], valid: true };
        countMetric(ctx, 'repair.intent_attempted');
      } else continue;
      countMetric(ctx, 'repair.candidate_attempted');
      const outcome = await selfCorrect(ctx, client, base, start, turns, subject, complete, repairTemplates, answerCheck);
      // accepted: it validates and meets the intent (the intent-repaired step records its verdict)
      const accepted = outcome.final?.verdict === 'valid' && outcome.unmet.length === 0;
      if (outcome.final) {
        const repaired = repairedArtifact(draft, outcome);
        candidates.push(repaired);
        // what normalise/scrub said about the repaired answer is about the new candidate
        findings.push(...outcome.findings.map((f) => ({ ...f, subject: `candidate:${repaired.id}` as Subject })));
        if (accepted) countMetric(ctx, 'repair.candidate_fixed');
        if (accepted && start.valid) countMetric(ctx, 'repair.intent_fixed');
      }
      if (!accepted) findings.push(...unresolved(outcome, subject, 'Draft'));
    }
    if (gold === record.gold && candidates.length === record.candidates.length && findings.length === 0 && !offTask) return record;
    const next = addFindings(updateRecord(record, { gold, candidates }), findings);
    return offTask ? dropRecord(next, offTask) : next;
  }

  return modelStage(ctx, client, 'repair', REPAIR_VERSION, repairRecord);
};
