import { join } from 'node:path';
import {
  finding,
  groupMetrics,
  NdjsonWriter,
  sha256,
  SPLITS,
  TFPAIRS_VERSION,
  writeFileAtomic,
  type Finding,
  type RunContext,
  type Split,
  type StepStats,
  type TaskRecord,
} from '@tfpairs/core';
import { CORPORA, type Corpus, type MutnLine, type PairLine, type TfGenLine } from './lines';
import { renderMutationPrompt, renderPostEditPrompt } from './render';

export { renderMutationPrompt, renderPostEditPrompt } from './render';

export const WRITE_VERSION = '0.1.0';
export * from './lines';

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
  };
  readonly metrics: Record<string, Record<string, number>>;
  readonly warnings: unknown[];
  /** what the step runner measured of each step, in pipeline order (records in/out, drops, findings, ms) */
  readonly steps?: readonly StepStats[];
}

/** Thrown when the accounting invariant breaks: a bug in a stage, never a property of the data. */
export class AccountingError extends Error {}

const zeroSplits = (): Record<Split, number> => ({ train: 0, val: 0, test: 0 });

/** DPO pairs of one kept record: chosen = gold, rejected = each distinct candidate that differs from it. */
export function dpoPairs(record: TaskRecord, mode: 'different' | 'invalid'): { pairs: PairLine[]; findings: Finding[] } {
  const gold = record.gold!;
  const chosen = gold.code ?? gold.raw;
  const seen = new Set<string>();
  const pairs: PairLine[] = [];
  const reasons: string[] = [];
  for (const c of record.candidates) {
    if (c.origin === 'repaired') continue; // repaired drafts feed dpo-postedit, not the rejected side
    if (c.code === null) {
      reasons.push(`${c.id}: no code`);
      continue;
    }
    if (c.code.trim() === chosen.trim()) {
      reasons.push(`${c.id}: identical to gold after normalisation`);
      continue;
    }
    if (mode === 'invalid' && c.verdict !== 'invalid') {
      reasons.push(`${c.id}: verifies (dpo.rejected=invalid)`);
      continue;
    }
    if (seen.has(c.code)) continue;
    seen.add(c.code);
    pairs.push({
      id: sha256(`${record.id}\u0000${c.code}`).slice(0, 16),
      prompt: record.prompt,
      chosen,
      rejected: c.code,
      meta: {
        record_id: record.id,
        split: record.split,
        chosen_verdict: gold.verdict,
        chosen_origin: gold.origin,
        rejected_verdict: c.verdict,
        rejected_origin: c.origin,
        rejected_model: c.generation?.model ?? null,
        rejected_id: c.id,
        rejected_errors: c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary),
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
              detail: record.candidates.length ? reasons.join('; ') : 'the record has no candidate draft (add drafts or --model)',
            },
          ),
        ]
      : [];
  return { pairs, findings };
}

/** Post-edit pairs: a draft that verification rejected and the repair loop fixed. */
export function postEditPairs(record: TaskRecord): PairLine[] {
  const byId = new Map(record.candidates.map((c) => [c.id, c]));
  return record.candidates
    .filter((r) => r.origin === 'repaired' && r.verdict === 'valid' && r.code !== null && r.repairedFrom && byId.has(r.repairedFrom))
    .map((r) => {
      const draft = byId.get(r.repairedFrom!)!;
      const draftCode = draft.code ?? draft.raw;
      return {
        id: sha256(`${record.id}\u0000postedit\u0000${r.code}`).slice(0, 16),
        prompt: renderPostEditPrompt(record.prompt, draftCode, draft.diagnostics),
        chosen: r.code!,
        rejected: draftCode,
        meta: {
          record_id: record.id,
          split: record.split,
          draft_id: draft.id,
          draft_model: draft.generation?.model ?? null,
          repair_model: r.generation?.model ?? null,
          turns: r.trajectory?.length ?? 0,
          draft_errors: draft.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary),
        },
      };
    });
}

export function mutationLines(record: TaskRecord): MutnLine[] {
  return record.mutations
    .filter((m) => m.expected.verdict === 'valid' && m.expected.code !== null)
    .map((m) => ({
      id: m.id,
      prompt: renderMutationPrompt(m.initial, m.utterance),
      completion: m.expected.code!,
      initial: m.initial,
      utterance: m.utterance,
      expected: m.expected.code!,
      source: record.provenance.source,
      meta: { record_id: record.id, split: record.split, model: m.expected.generation?.model ?? null, expected_origin: m.expected.origin },
    }));
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
  for (const corpus of CORPORA) for (const split of SPLITS) writers.set(`${corpus}/${split}`, new NdjsonWriter(join(outDir, corpus, `${split}.jsonl`)));
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
    corpora: { 'tf-gen': zeroSplits(), dpo: zeroSplits(), 'dpo-postedit': zeroSplits(), 'tf-mutn': zeroSplits() },
  };
  const stages: Record<string, string> = { write: WRITE_VERSION };
  const keptIds = new Set<string>();
  const seenIds = new Map<string, number>();

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
      const { pairs, findings } = dpoPairs(record, ctx.config.dpo.rejected);
      if (findings.length) record = { ...record, findings: [...record.findings, ...findings] };
      const sft: TfGenLine = {
        id: record.id!,
        prompt: record.prompt,
        completion: record.gold!.code ?? record.gold!.raw,
        source: record.provenance.source,
        meta: { ...record.meta, split, gold_origin: record.gold!.origin, gold_verdict: record.gold!.verdict, format: record.provenance.format },
      };
      await writers.get(`tf-gen/${split}`)!.write(sft);
      for (const p of pairs) await writers.get(`dpo/${split}`)!.write(p);
      for (const p of postEditPairs(record)) await writers.get(`dpo-postedit/${split}`)!.write(p);
      for (const m of mutationLines(record)) await writers.get(`tf-mutn/${split}`)!.write(m);
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
