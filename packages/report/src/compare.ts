import { normalisePrompt, sha256, type TaskRecord } from '@tfpairs/core';
import {
  formatOutcomeRate,
  isDraft,
  modelOf,
  onePerPrompt,
  promptVerdict,
  QUALITY_KINDS,
  QUALITY_TITLES,
  QUALITY_TOP_TITLES,
  qualityMetrics,
  qualityRowLabel,
  runMetrics,
  type CandidateMetrics,
  type OutcomeRate,
  type PromptVerdict,
  type QualityKind,
  type QualityMetrics,
} from './metrics';
import { sourceRef, type BuildOutput, type PairLine } from './output';
import { percent, renderTable, truncate } from './table';

/**
 * `tfpairs compare RUN_A RUN_B`: what changed between two build outputs (baselines of two models, or a
 * model before/after an update). Records are joined on their id (content hash of prompt + gold), and on
 * the normalised prompt when the gold changed.
 */

export interface RunSide {
  readonly dir: string;
  readonly createdAt: string | null;
  /** distinct prompts (tasks) the metrics are over */
  readonly prompts: number;
  readonly drafts: CandidateMetrics;
  readonly byModel: Readonly<Record<string, CandidateMetrics>>;
  /** intent pass@1, lint pass and security compliance from manifest.json metrics */
  readonly quality: QualityMetrics;
}

export interface Flip {
  readonly idA: string;
  readonly idB: string;
  readonly source: string;
  readonly prompt: string;
  readonly from: PromptVerdict;
  readonly to: PromptVerdict;
}

export interface DiagnosticChange {
  readonly severity: string;
  readonly summary: string;
  /** matched prompts whose drafts have it in B but not in A */
  readonly appeared: number;
  /** matched prompts whose drafts have it in A but not in B */
  readonly vanished: number;
  /** occurrences over every draft of each run */
  readonly inA: number;
  readonly inB: number;
}

export interface PairChange {
  readonly idA: string | null;
  readonly idB: string | null;
  readonly prompt: string;
  readonly added: number;
  readonly removed: number;
}

export interface PairComparison {
  readonly corpus: 'dpo' | 'dpo-postedit';
  readonly pairsA: number;
  readonly pairsB: number;
  readonly unchanged: number;
  readonly added: number;
  readonly removed: number;
  /** records (prompts) whose pairs differ */
  readonly changed: readonly PairChange[];
}

export interface Comparison {
  readonly a: RunSide;
  readonly b: RunSide;
  readonly matched: number;
  readonly onlyInA: readonly { id: string; source: string; prompt: string }[];
  readonly onlyInB: readonly { id: string; source: string; prompt: string }[];
  /** `from→to` -> matched prompts, over each run's drafts (pass@k: any draft valid) */
  readonly transitions: Readonly<Record<string, number>>;
  readonly flips: { readonly fixed: readonly Flip[]; readonly broke: readonly Flip[] };
  /** the same, per model, for models that drafted in both runs */
  readonly modelFlips: readonly { model: string; fixed: readonly Flip[]; broke: readonly Flip[] }[];
  readonly diagnostics: { readonly appeared: readonly DiagnosticChange[]; readonly vanished: readonly DiagnosticChange[] };
  readonly pairs: readonly PairComparison[];
  /** records kept in one run and dropped in the other (e.g. a gold that stopped verifying), with the cause */
  readonly status: {
    readonly counts: { readonly a: RunCounts; readonly b: RunCounts };
    readonly newlyDropped: readonly StatusChange[];
    readonly newlyKept: readonly StatusChange[];
  };
}

export interface RunCounts {
  readonly input: number;
  readonly kept: number;
  readonly dropped: number;
  readonly dropCodes: Readonly<Record<string, number>>;
}

export interface StatusChange {
  readonly idA: string;
  readonly idB: string;
  readonly source: string;
  readonly prompt: string;
  /** the drop code in the run where the record is dropped */
  readonly code: string;
}

/** One record per id: the kept one when a duplicate shares its id. */
function tasks(records: readonly TaskRecord[]): TaskRecord[] {
  const byId = new Map<string, TaskRecord>();
  for (const r of records) {
    if (!r.id) continue;
    const seen = byId.get(r.id);
    if (!seen || (seen.status !== 'kept' && r.status === 'kept')) byId.set(r.id, r);
  }
  return [...byId.values()];
}

export function joinRuns(a: readonly TaskRecord[], b: readonly TaskRecord[]): { pairs: [TaskRecord, TaskRecord][]; onlyA: TaskRecord[]; onlyB: TaskRecord[] } {
  const ta = tasks(a);
  const byId = new Map(ta.map((r) => [r.id!, r]));
  const byPrompt = new Map<string, TaskRecord>();
  for (const r of ta) if (!byPrompt.has(normalisePrompt(r.prompt))) byPrompt.set(normalisePrompt(r.prompt), r);
  const used = new Set<TaskRecord>();
  const pairs: [TaskRecord, TaskRecord][] = [];
  const onlyB: TaskRecord[] = [];
  const tb = tasks(b);
  // ids first, so a prompt match never steals a record that an exact id match needs
  const pending: TaskRecord[] = [];
  for (const rb of tb) {
    const ra = byId.get(rb.id!);
    if (ra && !used.has(ra)) {
      used.add(ra);
      pairs.push([ra, rb]);
    } else pending.push(rb);
  }
  for (const rb of pending) {
    const ra = byPrompt.get(normalisePrompt(rb.prompt));
    if (ra && !used.has(ra)) {
      used.add(ra);
      pairs.push([ra, rb]);
    } else onlyB.push(rb);
  }
  return { pairs, onlyA: ta.filter((r) => !used.has(r)), onlyB };
}

const drafts = (r: TaskRecord, model?: string) => r.candidates.filter((c) => isDraft(c) && (model === undefined || modelOf(c) === model));

function flip(ra: TaskRecord, rb: TaskRecord, from: PromptVerdict, to: PromptVerdict): Flip {
  return { idA: ra.id!, idB: rb.id!, source: sourceRef(rb.provenance.source), prompt: rb.prompt, from, to };
}

function diagKeys(r: TaskRecord): Set<string> {
  return new Set(drafts(r).flatMap((c) => c.diagnostics.map((d) => `${d.severity}\u0000${d.summary}`)));
}

function comparePairs(
  corpus: 'dpo' | 'dpo-postedit',
  a: readonly PairLine[],
  b: readonly PairLine[],
  joined: { pairs: [TaskRecord, TaskRecord][]; onlyA: TaskRecord[]; onlyB: TaskRecord[] },
  recordsA: readonly TaskRecord[],
  recordsB: readonly TaskRecord[],
): PairComparison {
  const group = (lines: readonly PairLine[]): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    for (const p of lines) {
      const key = String(p.meta.record_id ?? '');
      const set = out.get(key) ?? new Set<string>();
      set.add(sha256(`${p.chosen}\u0000${p.rejected}`));
      out.set(key, set);
    }
    return out;
  };
  const ga = group(a);
  const gb = group(b);
  let unchanged = 0;
  let added = 0;
  let removed = 0;
  const changed: PairChange[] = [];
  const seenA = new Set<string>();
  const seenB = new Set<string>();
  const promptOf = new Map<string, string>([...recordsA, ...recordsB].filter((r) => r.id).map((r) => [r.id!, r.prompt]));
  const diff = (idA: string | null, idB: string | null): void => {
    const sa = (idA && ga.get(idA)) || new Set<string>();
    const sb = (idB && gb.get(idB)) || new Set<string>();
    if (idA) seenA.add(idA);
    if (idB) seenB.add(idB);
    const plus = [...sb].filter((h) => !sa.has(h)).length;
    const minus = [...sa].filter((h) => !sb.has(h)).length;
    unchanged += sa.size - minus;
    added += plus;
    removed += minus;
    if (plus || minus) changed.push({ idA, idB, prompt: promptOf.get(idB ?? idA ?? '') ?? '', added: plus, removed: minus });
  };
  for (const [ra, rb] of joined.pairs) diff(ra.id, rb.id);
  for (const ra of joined.onlyA) diff(ra.id, null);
  for (const rb of joined.onlyB) diff(null, rb.id);
  // pairs whose record is not in records.jsonl at all still count
  for (const id of ga.keys()) if (!seenA.has(id)) diff(id, null);
  for (const id of gb.keys()) if (!seenB.has(id)) diff(null, id);
  return { corpus, pairsA: a.length, pairsB: b.length, unchanged, added, removed, changed };
}

export function compareRuns(a: BuildOutput, b: BuildOutput): Comparison {
  const recordsA = a.records ?? [];
  const recordsB = b.records ?? [];
  const side = (o: BuildOutput, records: readonly TaskRecord[]): RunSide => {
    const m = runMetrics(records);
    return {
      dir: o.dir,
      createdAt: o.manifest.createdAt ?? null,
      prompts: onePerPrompt(records).length,
      drafts: m.overall,
      byModel: m.byModel,
      quality: qualityMetrics(o.manifest.metrics),
    };
  };
  const joined = joinRuns(recordsA, recordsB);
  const transitions: Record<string, number> = {};
  const fixed: Flip[] = [];
  const broke: Flip[] = [];
  for (const [ra, rb] of joined.pairs) {
    const from = promptVerdict(drafts(ra));
    const to = promptVerdict(drafts(rb));
    transitions[`${from}→${to}`] = (transitions[`${from}→${to}`] ?? 0) + 1;
    if (from === 'invalid' && to === 'valid') fixed.push(flip(ra, rb, from, to));
    if (from === 'valid' && to === 'invalid') broke.push(flip(ra, rb, from, to));
  }

  const modelsA = new Set(recordsA.flatMap((r) => drafts(r).map(modelOf)));
  const modelsB = new Set(recordsB.flatMap((r) => drafts(r).map(modelOf)));
  const modelFlips = [...modelsA]
    .filter((m) => modelsB.has(m))
    .sort()
    .map((model) => {
      const mf: Flip[] = [];
      const mb: Flip[] = [];
      for (const [ra, rb] of joined.pairs) {
        const from = promptVerdict(drafts(ra, model));
        const to = promptVerdict(drafts(rb, model));
        if (from === 'invalid' && to === 'valid') mf.push(flip(ra, rb, from, to));
        if (from === 'valid' && to === 'invalid') mb.push(flip(ra, rb, from, to));
      }
      return { model, fixed: mf, broke: mb };
    });

  const changes = new Map<string, { severity: string; summary: string; appeared: number; vanished: number; inA: number; inB: number }>();
  const entry = (key: string) => {
    let e = changes.get(key);
    if (!e) {
      const [severity, summary] = key.split('\u0000') as [string, string];
      e = { severity, summary, appeared: 0, vanished: 0, inA: 0, inB: 0 };
      changes.set(key, e);
    }
    return e;
  };
  for (const r of recordsA) for (const c of drafts(r)) for (const d of c.diagnostics) entry(`${d.severity}\u0000${d.summary}`).inA += 1;
  for (const r of recordsB) for (const c of drafts(r)) for (const d of c.diagnostics) entry(`${d.severity}\u0000${d.summary}`).inB += 1;
  for (const [ra, rb] of joined.pairs) {
    const ka = diagKeys(ra);
    const kb = diagKeys(rb);
    for (const k of kb) if (!ka.has(k)) entry(k).appeared += 1;
    for (const k of ka) if (!kb.has(k)) entry(k).vanished += 1;
  }
  const all = [...changes.values()];
  const byKey = (x: DiagnosticChange, y: DiagnosticChange) => x.summary.localeCompare(y.summary) || x.severity.localeCompare(y.severity);

  const pairsA = a.pairs ?? { dpo: [], 'dpo-postedit': [] };
  const pairsB = b.pairs ?? { dpo: [], 'dpo-postedit': [] };
  const brief = (r: TaskRecord) => ({ id: r.id!, source: sourceRef(r.provenance.source), prompt: r.prompt });
  const dropCode = (r: TaskRecord) => r.findings.find((f) => f.dropped)?.code ?? '';
  const statusChange = (ra: TaskRecord, rb: TaskRecord, dropped: TaskRecord): StatusChange => ({
    idA: ra.id!,
    idB: rb.id!,
    source: sourceRef(rb.provenance.source),
    prompt: rb.prompt,
    code: dropCode(dropped),
  });
  const runCounts = (o: BuildOutput): RunCounts => {
    const c = (o.manifest as { counts?: Partial<RunCounts> }).counts ?? {};
    return { input: c.input ?? 0, kept: c.kept ?? 0, dropped: c.dropped ?? 0, dropCodes: c.dropCodes ?? {} };
  };
  return {
    a: side(a, recordsA),
    b: side(b, recordsB),
    matched: joined.pairs.length,
    onlyInA: joined.onlyA.map(brief),
    onlyInB: joined.onlyB.map(brief),
    transitions,
    flips: { fixed, broke },
    modelFlips,
    diagnostics: {
      appeared: all.filter((d) => d.appeared > 0).sort((x, y) => y.appeared - x.appeared || byKey(x, y)),
      vanished: all.filter((d) => d.vanished > 0).sort((x, y) => y.vanished - x.vanished || byKey(x, y)),
    },
    pairs: (['dpo', 'dpo-postedit'] as const).map((corpus) => comparePairs(corpus, pairsA[corpus], pairsB[corpus], joined, recordsA, recordsB)),
    status: {
      counts: { a: runCounts(a), b: runCounts(b) },
      newlyDropped: joined.pairs.filter(([ra, rb]) => ra.status === 'kept' && rb.status === 'dropped').map(([ra, rb]) => statusChange(ra, rb, rb)),
      newlyKept: joined.pairs.filter(([ra, rb]) => ra.status === 'dropped' && rb.status === 'kept').map(([ra, rb]) => statusChange(ra, rb, ra)),
    },
  };
}

const rate = (m: CandidateMetrics | undefined): string => (m?.syntaxPassRate == null ? '-' : percent(m.valid, m.verified));
const lines = (m: CandidateMetrics | undefined): string => (m?.avgErrorLines == null ? '-' : m.avgErrorLines.toFixed(2));

function delta(a: number | null, b: number | null, scale: number, digits: number, unit: string): string {
  if (a === null || b === null) return '-';
  const d = (b - a) * scale;
  return `${d > 0 ? '+' : ''}${d.toFixed(digits)}${unit}`;
}

function flipRows(flips: readonly Flip[]): string {
  return renderTable(
    [{ title: '    ID (B)' }, { title: 'SOURCE (B)', max: 50 }, { title: 'PROMPT', max: 70 }],
    flips.map((f) => [`    ${f.idB}`, f.source, f.prompt]),
  );
}

export interface QualityPair {
  readonly group: 'role' | 'source';
  readonly name: string;
  readonly a: Readonly<Partial<Record<QualityKind, OutcomeRate>>>;
  readonly b: Readonly<Partial<Record<QualityKind, OutcomeRate>>>;
}

/** The rows of both runs' quality metrics side by side: A's order, then rows only B has. */
export function qualityPairs(a: QualityMetrics, b: QualityMetrics): QualityPair[] {
  const key = (r: { group: string; name: string }) => `${r.group}\u0000${r.name}`;
  const inB = new Map(b.rows.map((r) => [key(r), r]));
  const inA = new Set(a.rows.map(key));
  return [
    ...a.rows.map((r) => ({ group: r.group, name: r.name, a: r.rates, b: inB.get(key(r))?.rates ?? {} })),
    ...b.rows.filter((r) => !inA.has(key(r))).map((r) => ({ group: r.group, name: r.name, a: {}, b: r.rates })),
  ];
}

function renderQualityText(a: QualityMetrics, b: QualityMetrics, limit: number): string {
  const pairs = qualityPairs(a, b);
  if (pairs.length === 0 && QUALITY_KINDS.every((k) => !a.top[k].length && !b.top[k].length)) return 'intent, lint and security: neither run recorded them\n';
  const rows = pairs.flatMap((p) =>
    QUALITY_KINDS.filter((k) => p.a[k] || p.b[k]).map((k) => [
      qualityRowLabel(p),
      QUALITY_TITLES[k],
      formatOutcomeRate(p.a[k]),
      formatOutcomeRate(p.b[k]),
      delta(p.a[k]?.rate ?? null, p.b[k]?.rate ?? null, 100, 1, ' pp'),
    ]),
  );
  const out = [
    renderTable(
      [{ title: 'INTENT/LINT/SECURITY', max: 40 }, { title: 'CHECK' }, { title: 'A', align: 'right' }, { title: 'B', align: 'right' }, { title: 'CHANGE', align: 'right' }],
      rows,
    ),
  ];
  for (const k of QUALITY_KINDS) {
    const names = [...new Set([...a.top[k], ...b.top[k]].map((x) => x.name))];
    if (!names.length) continue;
    const countIn = (q: QualityMetrics, name: string) => q.top[k].find((x) => x.name === name)?.n;
    out.push(
      renderTable(
        [{ title: `TOP ${QUALITY_TOP_TITLES[k].toUpperCase()}`, max: 70 }, { title: 'A', align: 'right' }, { title: 'B', align: 'right' }],
        names.slice(0, limit).map((n) => [n, String(countIn(a, n) ?? '-'), String(countIn(b, n) ?? '-')]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

export function renderCompareText(c: Comparison, limit = 20): string {
  const out: string[] = [];
  out.push(`A: ${c.a.dir}${c.a.createdAt ? `  (${c.a.createdAt})` : ''}`);
  out.push(`B: ${c.b.dir}${c.b.createdAt ? `  (${c.b.createdAt})` : ''}`, '');
  const A = c.a.drafts;
  const B = c.b.drafts;
  out.push(
    renderTable(
      [{ title: 'DRAFTS' }, { title: 'A', align: 'right' }, { title: 'B', align: 'right' }, { title: 'CHANGE', align: 'right' }],
      [
        ['prompts', String(c.a.prompts), String(c.b.prompts), delta(c.a.prompts, c.b.prompts, 1, 0, '')],
        ['candidate drafts', String(A.candidates), String(B.candidates), delta(A.candidates, B.candidates, 1, 0, '')],
        ['verified', String(A.verified), String(B.verified), delta(A.verified, B.verified, 1, 0, '')],
        ['syntax pass', rate(A), rate(B), delta(A.syntaxPassRate, B.syntaxPassRate, 100, 1, ' pp')],
        ['avg error lines', lines(A), lines(B), delta(A.avgErrorLines, B.avgErrorLines, 1, 2, '')],
      ],
    ),
  );
  out.push(renderQualityText(c.a.quality, c.b.quality, limit));
  const ca = c.status.counts.a;
  const cb = c.status.counts.b;
  const codes = [...new Set([...Object.keys(ca.dropCodes), ...Object.keys(cb.dropCodes)])].sort();
  out.push(
    renderTable(
      [{ title: 'RECORDS' }, { title: 'A', align: 'right' }, { title: 'B', align: 'right' }, { title: 'CHANGE', align: 'right' }],
      [
        ['input', String(ca.input), String(cb.input), delta(ca.input, cb.input, 1, 0, '')],
        ['kept', String(ca.kept), String(cb.kept), delta(ca.kept, cb.kept, 1, 0, '')],
        ['dropped', String(ca.dropped), String(cb.dropped), delta(ca.dropped, cb.dropped, 1, 0, '')],
        ...codes.map((k) => [`  dropped: ${k}`, String(ca.dropCodes[k] ?? 0), String(cb.dropCodes[k] ?? 0), delta(ca.dropCodes[k] ?? 0, cb.dropCodes[k] ?? 0, 1, 0, '')]),
      ],
    ),
  );
  const statusRows = (rows: readonly StatusChange[]) =>
    renderTable(
      [{ title: '    ID (B)' }, { title: 'CODE' }, { title: 'SOURCE (B)', max: 50 }, { title: 'PROMPT', max: 60 }],
      rows.slice(0, limit).map((x) => [`    ${x.idB}`, x.code, x.source, truncate(x.prompt, 60)]),
    ).trimEnd();
  out.push(`newly dropped (kept in A, dropped in B): ${c.status.newlyDropped.length}`);
  if (c.status.newlyDropped.length) out.push(statusRows(c.status.newlyDropped));
  out.push(`newly kept (dropped in A, kept in B; code = why A dropped it): ${c.status.newlyKept.length}`, '');
  if (c.status.newlyKept.length) out.push(statusRows(c.status.newlyKept), '');
  const models = [...new Set([...Object.keys(c.a.byModel), ...Object.keys(c.b.byModel)])].sort();
  if (models.length) {
    out.push(
      renderTable(
        [
          { title: 'MODEL', max: 40 },
          { title: 'A N', align: 'right' },
          { title: 'A PASS', align: 'right' },
          { title: 'A LINES', align: 'right' },
          { title: 'B N', align: 'right' },
          { title: 'B PASS', align: 'right' },
          { title: 'B LINES', align: 'right' },
        ],
        models.map((m) => {
          const ma = c.a.byModel[m];
          const mb = c.b.byModel[m];
          return [m, String(ma?.verified ?? 0), rate(ma), lines(ma), String(mb?.verified ?? 0), rate(mb), lines(mb)];
        }),
      ),
    );
  }
  out.push(`prompts: ${c.matched} in both runs, ${c.onlyInA.length} only in A, ${c.onlyInB.length} only in B`);
  const t = Object.entries(c.transitions).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`);
  if (t.length) out.push(`verdicts (A→B, a prompt is valid when any draft validates): ${t.join(', ')}`);
  out.push('', `fixed (invalid in A → valid in B): ${c.flips.fixed.length}`);
  if (c.flips.fixed.length) out.push(flipRows(c.flips.fixed.slice(0, limit)).trimEnd());
  out.push(`broke (valid in A → invalid in B): ${c.flips.broke.length}`);
  if (c.flips.broke.length) out.push(flipRows(c.flips.broke.slice(0, limit)).trimEnd());
  for (const m of c.modelFlips) out.push(`  model ${m.model}: ${m.fixed.length} fixed, ${m.broke.length} broke`);

  const diagTable = (title: string, rows: readonly DiagnosticChange[], count: (d: DiagnosticChange) => number): void => {
    out.push('', `${title}: ${rows.length}`);
    if (rows.length)
      out.push(
        renderTable(
          [{ title: '  PROMPTS', align: 'right' }, { title: 'IN A', align: 'right' }, { title: 'IN B', align: 'right' }, { title: 'SEVERITY' }, { title: 'SUMMARY', max: 80 }],
          rows.slice(0, limit).map((d) => [String(count(d)), String(d.inA), String(d.inB), d.severity, d.summary]),
        ).trimEnd(),
      );
  };
  diagTable('diagnostics that appeared (drafts of a prompt have it in B, not in A)', c.diagnostics.appeared, (d) => d.appeared);
  diagTable('diagnostics that vanished (in A, not in B)', c.diagnostics.vanished, (d) => d.vanished);

  out.push('');
  for (const p of c.pairs) {
    out.push(`${p.corpus} pairs: A ${p.pairsA}, B ${p.pairsB}: ${p.unchanged} unchanged, ${p.added} added, ${p.removed} removed, in ${p.changed.length} prompts`);
    if (p.changed.length)
      out.push(
        renderTable(
          [{ title: '    ID A' }, { title: 'ID B' }, { title: '+', align: 'right' }, { title: '-', align: 'right' }, { title: 'PROMPT', max: 60 }],
          p.changed.slice(0, limit).map((x) => [`    ${x.idA ?? '-'}`, x.idB ?? '-', String(x.added), String(x.removed), truncate(x.prompt, 60)]),
        ).trimEnd(),
      );
  }
  return `${out.join('\n')}\n`;
}
