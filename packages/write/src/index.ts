import { join } from 'node:path';
import {
  finding,
  groupMetrics,
  requiredFailures,
  NdjsonWriter,
  sha256,
  SPLITS,
  TFPAIRS_VERSION,
  writeFileAtomic,
  type Finding,
  type RejectedReason,
  type RunContext,
  type Split,
  type StepStats,
  type TaskRecord,
} from '@tfpairs/core';
import { CORPORA, type Corpus, type MutnLine, type PairLine, type PostEditMeta, type TfGenLine } from './lines';
import { canonicalText, errorSummaries, groupOf, highSeverityFindings, inputMeta, rejectedReasonOf, requiredReasons } from './meta';
import { renderMutationPrompt, renderPostEditPrompt, type IntentFeedback } from './render';
import { syntheticPairs, syntheticPostEditPairs } from './synthetic';
import { CorpusWriter } from './formats';
import { isFileSet } from '@tfpairs/configs/fileset';
import { ktoLines } from './kto';

export { renderMutationPrompt, renderPostEditPrompt, type IntentFeedback } from './render';
export { syntheticPairs, syntheticPostEditPairs, lineDiagnostic } from './synthetic';

export const WRITE_VERSION = '0.1.0';
export * from './lines';
export { CorpusWriter, formatLine, promptMessages, type FormatOptions, type LineFormat } from './formats';
export { ktoLines, type KtoLine } from './kto';
export { canonicalText, DECLARED_INPUT_META, inputMeta, rejectedReasonOf } from './meta';

export interface Manifest {
  readonly tool: 'tfpairs';
  readonly version: string;
  readonly createdAt: string;
  readonly config: unknown;
  readonly stages: Record<string, string>;
  readonly counts: {
    input: number;
    kept: number;
    dropped: number;
    splits: Record<Split, number>;
    byStage: Record<string, { dropped: number; warnings: number; errors: number }>;
    dropCodes: Record<string, number>;
    findingCodes: Record<string, number>;
    corpora: Record<Corpus, Record<Split, number>>;
    /** the split's groups among kept records: how many, how many hold 2+ records, and the largest */
    groups: { count: number; multiMember: number; largest: { id: string; size: number } | null };
    /** DPO pairs by why their rejected is worse (`meta.rejected_because`) */
    rejectedBecause: Record<string, number>;
  };
  readonly metrics: Record<string, Record<string, number>>;
  readonly warnings: unknown[];
  /** what the step runner measured of each step, in pipeline order (records in/out, drops, findings, ms) */
  readonly steps?: readonly StepStats[];
}

/** Thrown when the accounting invariant breaks: a bug in a stage, never a property of the data. */
export class AccountingError extends Error {}

const zeroSplits = (): Record<Split, number> => ({ train: 0, val: 0, test: 0 });

/**
 * DPO pairs of one kept record: chosen = gold, rejected = each distinct candidate whose reason to be
 * worse (`rejectedReasonOf`: truncated, invalid, intent, a failed `--require` check, differs) is one the
 * run asked for (`--dpo-rejected`, plus the reasons of `--require`'s checks). Empty answers are never a
 * rejected; every pair says why in `meta.rejected_because`. When both sides validate and meet the
 * intent (`differs`), the side with fewer high-severity lint/security findings is the chosen, so a draft
 * can be preferred to a gold that opens a port to the world (`meta.preferred_by: fewer-findings`); on a
 * tie the gold stays chosen (`reference`).
 */
export function dpoPairs(record: TaskRecord, reasons: readonly RejectedReason[], require: readonly string[] = []): { pairs: PairLine[]; findings: Finding[] } {
  const gold = record.gold!;
  const goldCode = canonicalText(gold.code ?? gold.raw);
  const goldIsSet = isFileSet(goldCode);
  const goldHigh = highSeverityFindings(record, 'gold');
  const seen = new Set<string>();
  const pairs: PairLine[] = [];
  const skipped: string[] = [];
  const group = groupOf(record);
  const allowed = [...reasons, ...requiredReasons(require)];
  for (const c of record.candidates) {
    if (c.origin === 'repaired') continue; // repaired drafts feed dpo-postedit, not the rejected side
    const subject = `candidate:${c.id}` as const;
    const failures = requiredFailures(record.findings, subject, require);
    const reason = rejectedReasonOf(c, failures[0]);
    if (reason === null) {
      skipped.push(`${c.id}: no code`);
      continue;
    }
    const code = canonicalText(c.code!);
    if (code === goldCode) {
      skipped.push(`${c.id}: identical to gold after normalisation`);
      continue;
    }
    if (!allowed.includes(reason)) {
      skipped.push(`${c.id}: ${reason} (not in dpo.rejected=${allowed.join(',')})`);
      continue;
    }
    // a module task's gold is a file set; a one-file draft of it would be told apart by its form alone
    if (isFileSet(code) !== goldIsSet) {
      skipped.push(`${c.id}: ${goldIsSet ? 'one file against a gold of several files' : 'several files against a one-file gold'} (the form alone would tell the pair apart)`);
      continue;
    }
    if (seen.has(code)) continue;
    seen.add(code);
    const high = highSeverityFindings(record, subject);
    // both validate and meet the intent: fewer high-severity findings is the better answer
    const swap = reason === 'differs' && high < goldHigh;
    const preferredBy = reason === 'differs' ? (high === goldHigh ? 'reference' : 'fewer-findings') : reason === 'invalid' || reason === 'truncated' ? 'validate' : reason === 'intent' ? 'intent' : 'required-check';
    const [chosenSide, rejectedSide] = swap ? [c, gold] : [gold, c];
    const errors = errorSummaries(rejectedSide);
    pairs.push({
      id: swap ? sha256(`${record.id}\u0000preferred\u0000${code}`).slice(0, 16) : sha256(`${record.id}\u0000${code}`).slice(0, 16),
      prompt: canonicalText(record.prompt),
      chosen: swap ? code : goldCode,
      rejected: swap ? goldCode : code,
      meta: {
        record_id: record.id,
        split: record.split,
        group: group?.id ?? null,
        chosen_id: `${record.id}/${chosenSide.id}`,
        chosen_verdict: chosenSide.verdict,
        chosen_origin: chosenSide.origin,
        rejected_because: reason,
        rejected_verdict: rejectedSide.verdict,
        rejected_origin: rejectedSide.origin,
        rejected_model: rejectedSide.generation?.model ?? null,
        // the record's id is part of it: two records' drafts may share a content id
        rejected_id: `${record.id}/${rejectedSide.id}`,
        rejected_error_count: errors.length,
        rejected_errors: errors,
        rejected_false_rules: rejectedSide.intent?.outcome === 'fail' ? [...rejectedSide.intent.falseRules] : [],
        rejected_truncated: reason === 'truncated',
        // the checks of --require the rejected fails (their rule / check ids)
        rejected_required_failures: swap ? [] : [...new Set(failures.map((f) => f.code))],
        preferred_by: preferredBy,
        chosen_high_findings: swap ? high : goldHigh,
        rejected_high_findings: swap ? goldHigh : high,
      },
    });
  }
  const findings =
    pairs.length === 0
      ? [
          finding(
            'write',
            record.candidates.length ? 'no-usable-candidate' : 'no-candidate',
            {
              severity: 'warning',
              summary: 'No DPO pair: no usable rejected candidate',
              detail: record.candidates.length ? skipped.join('; ') : 'the record has no candidate draft (add drafts or --model)',
            },
          ),
        ]
      : [];
  return { pairs, findings };
}

/** The intent check's findings on one artifact of the record (stage `policy`, code `intent-failed`). */
function intentFindingsOn(record: TaskRecord, artifactId: string): IntentFeedback[] {
  const subject = `candidate:${artifactId}`;
  return record.findings.filter((f) => f.stage === 'policy' && f.code === 'intent-failed' && f.subject === subject).map((f) => ({ summary: f.summary, detail: f.detail }));
}

/**
 * Post-edit pairs: a draft that verification (or its intent) rejected and the repair loop fixed. The
 * prompt carries validate's diagnostics of the draft and, when it validated but failed its intent, the
 * false rules with the plan values they read.
 */
export function postEditPairs(record: TaskRecord): PairLine[] {
  const byId = new Map(record.candidates.map((c) => [c.id, c]));
  const group = groupOf(record);
  return record.candidates
    // a fix is a chosen only when it validates and meets the intent (a repair still failing it is no fix)
    .filter((r) => r.origin === 'repaired' && r.verdict === 'valid' && r.intent?.outcome !== 'fail' && r.code !== null && r.repairedFrom && byId.has(r.repairedFrom))
    .map((r) => {
      const draft = byId.get(r.repairedFrom!)!;
      const draftCode = draft.code ?? draft.raw;
      const meta: PostEditMeta = {
        record_id: record.id!,
        split: record.split!,
        group: group?.id ?? null,
        origin: 'repair',
        operator: null,
        draft_id: `${record.id}/${draft.id}`,
        draft_model: draft.generation?.model ?? null,
        repair_model: r.generation?.model ?? null,
        turns: r.trajectory?.length ?? 0,
        draft_errors: errorSummaries(draft),
        draft_false_rules: draft.intent?.outcome === 'fail' ? [...draft.intent.falseRules] : [],
      };
      return {
        id: sha256(`${record.id}\u0000postedit\u0000${r.code}`).slice(0, 16),
        prompt: canonicalText(renderPostEditPrompt(record.prompt, draftCode, draft.diagnostics, intentFindingsOn(record, draft.id))),
        chosen: canonicalText(r.code!),
        rejected: canonicalText(draftCode),
        meta,
      };
    });
}

export function mutationLines(record: TaskRecord): MutnLine[] {
  const group = groupOf(record);
  return record.mutations
    .filter((m) => m.expected.verdict === 'valid' && m.expected.code !== null)
    .map((m) => ({
      id: m.id,
      prompt: canonicalText(renderMutationPrompt(m.initial, m.utterance)),
      completion: canonicalText(m.expected.code!),
      initial: canonicalText(m.initial),
      utterance: canonicalText(m.utterance),
      expected: canonicalText(m.expected.code!),
      source: record.provenance.source,
      meta: { record_id: record.id, split: record.split, group: group?.id ?? null, model: m.expected.generation?.model ?? null, expected_origin: m.expected.origin },
    }));
}

/** The tf-gen line of a kept record: fixed keys (see meta.ts), the gold as completion. */
export function tfGenLine(record: TaskRecord): TfGenLine {
  const gold = record.gold!;
  const group = groupOf(record);
  return {
    id: record.id!,
    prompt: canonicalText(record.prompt),
    completion: canonicalText(gold.code ?? gold.raw),
    source: record.provenance.source,
    meta: {
      split: record.split,
      group: group?.id ?? null,
      group_size: group?.size ?? null,
      gold_origin: gold.origin,
      gold_verdict: gold.verdict,
      format: record.provenance.format,
      ...inputMeta(record),
    },
  };
}

function auditLine(record: TaskRecord, f: Finding): object {
  return {
    id: record.id,
    stage: f.stage,
    code: f.code,
    severity: f.severity,
    dropped: f.dropped,
    summary: f.summary,
    detail: f.detail,
    subject: f.subject,
    ...(f.range ? { range: f.range } : {}),
    source: record.provenance.source,
    split: record.split,
  };
}

/**
 * Consumes the pipeline and writes every corpus, records.jsonl, audit.jsonl and manifest.json.
 * Enforces the accounting invariant: each input record is kept (tf-gen) or dropped (audited), never
 * both, never neither.
 */
export async function writeOutputs(stream: AsyncIterable<TaskRecord>, ctx: RunContext, outDir: string, options: { steps?: readonly StepStats[] } = {}): Promise<Manifest> {
  const writers = new Map<string, NdjsonWriter>();
  for (const corpus of CORPORA) for (const split of SPLITS) writers.set(`${corpus}/${split}`, new CorpusWriter(join(outDir, corpus, `${split}.jsonl`), corpus, ctx.config.output));
  const records = new NdjsonWriter(join(outDir, 'records.jsonl'));
  const audit = new NdjsonWriter(join(outDir, 'audit.jsonl'));

  const counts: Manifest['counts'] = {
    input: 0,
    kept: 0,
    dropped: 0,
    splits: zeroSplits(),
    byStage: {},
    dropCodes: {},
    findingCodes: {},
    corpora: Object.fromEntries(CORPORA.map((c) => [c, zeroSplits()])) as Record<Corpus, Record<Split, number>>,
    groups: { count: 0, multiMember: 0, largest: null },
    rejectedBecause: {},
  };
  const stages: Record<string, string> = { write: WRITE_VERSION };
  const keptIds = new Set<string>();
  const seenIds = new Map<string, number>();
  // group id -> size, of kept records (one entry per group, not per record)
  const groupSizes = new Map<string, number>();

  for await (const incoming of stream) {
    let record = incoming;
    counts.input += 1;
    const dropFindings = record.findings.filter((f) => f.dropped);
    const where = `${record.provenance.source.path}:${record.provenance.source.line}`;
    if (record.status === 'dropped' && dropFindings.length !== 1) throw new AccountingError(`dropped record ${record.id} (${where}) has ${dropFindings.length} drop findings`);
    if (record.status === 'kept' && dropFindings.length !== 0) throw new AccountingError(`kept record ${record.id} (${where}) carries a drop finding`);

    if (record.id) {
      // identical input rows share a content id; every line a run writes must name one record, so a
      // repeat gets `<id>.<n>` (the n-th occurrence in input order: the same in every run)
      const n = (seenIds.get(record.id) ?? 0) + 1;
      seenIds.set(record.id, n);
      if (n > 1) {
        if (record.status === 'kept' && keptIds.has(record.id)) throw new AccountingError(`record ${record.id} (${where}) kept twice`);
        record = { ...record, id: `${record.id}.${n}` };
      }
    }
    if (record.status === 'kept') {
      if (!record.id || !record.gold || !record.split) throw new AccountingError(`kept record at ${where} lacks id, gold or split`);
      keptIds.add(record.id);
      const split = record.split;
      // a mutation record (Multi-IaC-Eval) is a change request on its gold: TF-Mutn only
      const mutationOnly = record.meta.task_kind === 'mutation';
      const { pairs, findings } = mutationOnly ? { pairs: [], findings: [] } : dpoPairs(record, ctx.config.dpo.rejected, ctx.config.checks.require);
      if (findings.length) record = { ...record, findings: [...record.findings, ...findings] };
      if (!mutationOnly) await writers.get(`tf-gen/${split}`)!.write(tfGenLine(record));
      const group = groupOf(record);
      if (group) groupSizes.set(group.id, group.size);
      for (const p of pairs) {
        const because = String(p.meta.rejected_because);
        counts.rejectedBecause[because] = (counts.rejectedBecause[because] ?? 0) + 1;
        await writers.get(`dpo/${split}`)!.write(p);
      }
      for (const p of postEditPairs(record)) await writers.get(`dpo-postedit/${split}`)!.write(p);
      for (const p of syntheticPostEditPairs(record)) await writers.get(`dpo-postedit/${split}`)!.write(p);
      for (const p of syntheticPairs(record)) await writers.get(`dpo-synthetic/${split}`)!.write(p);
      for (const m of mutationLines(record)) await writers.get(`tf-mutn/${split}`)!.write(m);
      for (const k of ktoLines(record)) await writers.get(`kto/${split}`)!.write(k);
      counts.kept += 1;
      counts.splits[split] += 1;
    } else {
      counts.dropped += 1;
      const cause = dropFindings[0]!;
      counts.dropCodes[cause.code] = (counts.dropCodes[cause.code] ?? 0) + 1;
    }
    for (const f of record.findings) {
      const s = (counts.byStage[f.stage] ??= { dropped: 0, warnings: 0, errors: 0 });
      if (f.dropped) s.dropped += 1;
      if (f.severity === 'warning') s.warnings += 1;
      else s.errors += 1;
      counts.findingCodes[f.code] = (counts.findingCodes[f.code] ?? 0) + 1;
      await audit.write(auditLine(record, f));
    }
    for (const [stage, version] of Object.entries(record.provenance.stages)) stages[stage] = version;
    await records.write(record);
  }

  for (const [key, w] of writers) {
    await w.close();
    const [corpus, split] = key.split('/') as [Corpus, Split];
    counts.corpora[corpus][split] = w.count;
  }
  await records.close();
  await audit.close();
  if (counts.kept + counts.dropped !== counts.input) throw new AccountingError('kept + dropped != input');
  for (const [id, size] of [...groupSizes].sort(([a], [b]) => a.localeCompare(b))) {
    counts.groups.count += 1;
    if (size > 1) counts.groups.multiMember += 1;
    if (!counts.groups.largest || size > counts.groups.largest.size) counts.groups.largest = { id, size };
  }

  const manifest: Manifest = {
    tool: 'tfpairs',
    version: TFPAIRS_VERSION,
    createdAt: new Date().toISOString(),
    config: ctx.config,
    stages,
    counts,
    metrics: groupMetrics(ctx.metrics),
    warnings: ctx.warnings,
    ...(options.steps ? { steps: options.steps } : {}),
  };
  writeFileAtomic(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
