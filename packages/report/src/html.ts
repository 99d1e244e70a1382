import { join } from 'node:path';
import { writeFileAtomic, type Artifact, type TaskRecord } from '@tfpairs/core';
import { auditRows, checkCounts, countTotals, stepFindingsText, type AuditRow } from './audit';
import {
  codesByStageChart,
  compareMetricChart,
  funnelChart,
  qualityRatesChart,
  renderChart,
  stepTimesChart,
  topDiagnosticsChart,
  transitionsChart,
  verdictsChart,
  type ChartSpec,
} from './charts';
import { qualityPairs, type Comparison, type Flip } from './compare';
import {
  formatOutcomeRate,
  modelOf,
  onePerPrompt,
  QUALITY_KINDS,
  QUALITY_TITLES,
  QUALITY_TOP_TITLES,
  qualityMetrics,
  qualityRowLabel,
  runMetrics,
  type CandidateMetrics,
  type QualityMetrics,
} from './metrics';
import { loadBuildOutput, OutputError, sourceRef, type AuditLine, type BuildOutput } from './output';
import { renderStory } from './story';
import { percent } from './table';
import { negativesStats, type NegativesStats } from '@tfpairs/write/negatives-stats';

/**
 * `report.html`: one self-contained file (inline CSS, inline SVG charts, a few lines of inline script
 * for the search box) that opens from disk with no network. A Content-Security-Policy forbids every
 * external load, so even a URL inside user data can never be fetched.
 */

/** Stories embedded for at most this many dropped records; beyond it the table points to `tfpairs audit --show`. */
const MAX_STORIES = 2000;
const TOP_DIAGNOSTICS = 15;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
:root { color-scheme: light; --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #ffffff; --accent: #1565c0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); background: #f5f7fa; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header p { margin: 2px 0; color: var(--muted); }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1280px; }
section { margin: 22px 0 30px; }
h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 130px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure.chart { margin: 0; }
figure.chart figcaption { color: var(--muted); font-size: 12px; max-width: 640px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f5f7fa; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.text { max-width: 520px; }
input[type=search] { width: 420px; padding: 6px 8px; font-size: 14px; border: 1px solid #9aa5b1; border-radius: 4px; }
details { border: 1px solid var(--line); border-radius: 4px; margin: 6px 0; padding: 4px 8px; }
details[open] { background: #fbfcfd; }
details:target { outline: 2px solid var(--accent); }
pre { white-space: pre-wrap; word-break: break-word; font: 12px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; margin: 6px 0; }
.muted { color: var(--muted); }
.bad { color: #c62828; }
.good { color: #2e7d32; }
`;

/** Search box over the drop table; opens a record's details when its link is followed. */
const SCRIPT = `
(function () {
  var box = document.getElementById('drop-search');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#drop-table tbody tr'));
  var shown = document.getElementById('drop-shown');
  function filter() {
    var q = (box.value || '').toLowerCase().trim();
    var n = 0;
    rows.forEach(function (tr) {
      var hit = !q || tr.textContent.toLowerCase().indexOf(q) >= 0;
      tr.hidden = !hit;
      if (hit) n++;
    });
    if (shown) shown.textContent = String(n);
  }
  if (box) {
    box.addEventListener('input', filter);
    // report.html?q=TEXT opens with the table already filtered (a link one can share)
    var q = new URLSearchParams(location.search).get('q');
    if (q) { box.value = q; filter(); }
  }
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === 'DETAILS') el.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
`;

interface Figure {
  readonly id: string;
  readonly spec: ChartSpec;
  readonly caption: string;
}

async function figure(f: Figure): Promise<string> {
  const svg = await renderChart(f.spec);
  return `<figure class="chart" data-chart="${escapeHtml(f.id)}">${svg}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`;
}

function table(headers: readonly string[], rows: readonly (readonly (string | { n: number | string } | { html: string })[])[], attrs = ''): string {
  const cell = (c: string | { n: number | string } | { html: string }): string =>
    typeof c === 'string' ? `<td>${escapeHtml(c)}</td>` : 'n' in c ? `<td class="n">${escapeHtml(String(c.n))}</td>` : `<td class="text">${c.html}</td>`;
  return `<table${attrs}><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function topDiagnostics(artifacts: readonly Artifact[]): { summary: string; severity: string; n: number }[] {
  const counts = new Map<string, { summary: string; severity: string; n: number }>();
  for (const a of artifacts) {
    for (const d of a.diagnostics) {
      const key = `${d.severity}\u0000${d.summary}`;
      const e = counts.get(key) ?? { summary: d.summary, severity: d.severity, n: 0 };
      e.n += 1;
      counts.set(key, e);
    }
  }
  return [...counts.values()].sort((a, b) => b.n - a.n || a.summary.localeCompare(b.summary)).slice(0, TOP_DIAGNOSTICS);
}

function verdictRows(records: readonly TaskRecord[]): { model: string; verdict: string; n: number }[] {
  const counts = new Map<string, number>();
  const add = (model: string, verdict: string) => counts.set(`${model}\u0000${verdict}`, (counts.get(`${model}\u0000${verdict}`) ?? 0) + 1);
  for (const r of records) {
    if (r.gold) add('gold (reference)', r.gold.verdict);
    for (const c of r.candidates) add(modelOf(c), c.verdict);
  }
  return [...counts]
    .map(([k, n]) => {
      const [model, verdict] = k.split('\u0000') as [string, string];
      return { model, verdict, n };
    })
    .sort((a, b) => (a.model === 'gold (reference)' ? -1 : b.model === 'gold (reference)' ? 1 : a.model.localeCompare(b.model)));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const fmtRate = (m: CandidateMetrics | undefined): string => (m && m.verified ? percent(m.valid, m.verified) : '-');
const fmtLines = (m: CandidateMetrics | undefined): string => (m?.avgErrorLines == null ? '-' : m.avgErrorLines.toFixed(2));

function auditTableHtml(rows: readonly AuditRow[]): string {
  return table(
    ['stage', 'code', 'dropped', 'findings', 'errors', 'warnings', 'records', 'share', 'example'],
    rows.map((r) => [
      r.stage,
      // drops link to the drop table filtered on their code
      r.dropped ? { html: `<a href="?q=${encodeURIComponent(r.code)}#dropped">${escapeHtml(r.code)}</a>` } : r.code,
      { n: r.dropped },
      { n: r.findings },
      { n: r.errors },
      { n: r.warnings },
      { n: r.records },
      { n: percent(r.share, 1) },
      { html: `<span class="muted">${escapeHtml(r.example.id ?? '(no id)')} ${escapeHtml(r.example.source)}</span><br>${escapeHtml(r.example.summary)}` },
    ]),
  );
}

function qualityCompareTable(c: Comparison): string {
  const pairs = qualityPairs(c.a.quality, c.b.quality);
  if (!pairs.length) return '<p class="muted">Neither run recorded intent, lint or security results.</p>';
  const pp = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? '-' : `${b >= a ? '+' : ''}${((b - a) * 100).toFixed(1)} pp`);
  return table(
    ['', ...QUALITY_KINDS.flatMap((k) => [`A ${QUALITY_TITLES[k]}`, `B ${QUALITY_TITLES[k]}`, 'change'])],
    pairs.map((p) => [qualityRowLabel(p), ...QUALITY_KINDS.flatMap((k) => [{ n: formatOutcomeRate(p.a[k]) }, { n: formatOutcomeRate(p.b[k]) }, { n: pp(p.a[k]?.rate, p.b[k]?.rate) }])]),
    ' id="compare-quality"',
  );
}

async function compareSection(c: Comparison): Promise<string> {
  const models = [...new Set([...Object.keys(c.a.byModel), ...Object.keys(c.b.byModel)])].sort();
  const rowsOf = (pick: (m: CandidateMetrics) => number | null) => {
    const rows: { model: string; run: string; value: number }[] = [];
    const push = (model: string, run: string, m: CandidateMetrics | undefined) => {
      const v = m ? pick(m) : null;
      if (v !== null) rows.push({ model, run, value: v });
    };
    push('all drafts', 'A', c.a.drafts);
    push('all drafts', 'B', c.b.drafts);
    for (const m of models) {
      push(m, 'A', c.a.byModel[m]);
      push(m, 'B', c.b.byModel[m]);
    }
    return rows;
  };
  const figures: Figure[] = [];
  const pass = rowsOf((m) => (m.syntaxPassRate === null ? null : Math.round(m.syntaxPassRate * 1000) / 10));
  if (pass.length) figures.push({ id: 'compare-pass', spec: compareMetricChart('Syntax pass (%) of candidate drafts', 'syntax pass %', pass), caption: 'Share of verified drafts that validate, run A vs run B (IaC-DPO Table 2).' });
  const errs = rowsOf((m) => (m.avgErrorLines === null ? null : Math.round(m.avgErrorLines * 100) / 100));
  if (errs.length) figures.push({ id: 'compare-lines', spec: compareMetricChart('Average error lines per verified draft', 'unique lines flagged error or warning', errs), caption: 'Unique lines flagged error or warning, averaged over verified drafts.' });
  const transitions = Object.entries(c.transitions).map(([transition, n]) => ({ transition, n }));
  if (transitions.length) figures.push({ id: 'compare-transitions', spec: transitionsChart(transitions), caption: 'A prompt is valid when any of its drafts validates.' });
  const flipTable = (flips: readonly Flip[]) =>
    flips.length
      ? table(['id (B)', 'source (B)', 'prompt'], flips.map((f) => [f.idB, f.source, { html: escapeHtml(f.prompt.slice(0, 300)) }]))
      : '<p class="muted">none</p>';
  const diagTable = (rows: Comparison['diagnostics']['appeared'], pick: 'appeared' | 'vanished') =>
    rows.length
      ? table(['prompts', 'in A', 'in B', 'severity', 'summary'], rows.slice(0, 30).map((d) => [{ n: d[pick] }, { n: d.inA }, { n: d.inB }, d.severity, { html: escapeHtml(d.summary) }]))
      : '<p class="muted">none</p>';
  return `<section id="compare"><h2>Compared with another run</h2>
<p>A: <code>${escapeHtml(c.a.dir)}</code><br>B: <code>${escapeHtml(c.b.dir)}</code><br>
${c.matched} prompts in both runs, ${c.onlyInA.length} only in A, ${c.onlyInB.length} only in B.</p>
${table(
  ['model', 'A verified', 'A syntax pass', 'A avg error lines', 'B verified', 'B syntax pass', 'B avg error lines'],
  [['all drafts', c.a.drafts, c.b.drafts] as const, ...models.map((m) => [m, c.a.byModel[m], c.b.byModel[m]] as const)].map(([m, a, b]) => [
    m,
    { n: a?.verified ?? 0 },
    { n: fmtRate(a) },
    { n: fmtLines(a) },
    { n: b?.verified ?? 0 },
    { n: fmtRate(b) },
    { n: fmtLines(b) },
  ]),
)}
<div class="charts">${(await Promise.all(figures.map(figure))).join('')}</div>
<h3>Intent, lint and security</h3>${qualityCompareTable(c)}
<h3>Fixed: invalid in A, valid in B (${c.flips.fixed.length})</h3>${flipTable(c.flips.fixed)}
<h3>Broke: valid in A, invalid in B (${c.flips.broke.length})</h3>${flipTable(c.flips.broke)}
${c.modelFlips.map((m) => `<p>model <b>${escapeHtml(m.model)}</b>: ${m.fixed.length} fixed, ${m.broke.length} broke</p>`).join('')}
<h3>Diagnostics that appeared in B (${c.diagnostics.appeared.length})</h3>${diagTable(c.diagnostics.appeared, 'appeared')}
<h3>Diagnostics that vanished in B (${c.diagnostics.vanished.length})</h3>${diagTable(c.diagnostics.vanished, 'vanished')}
<h3>Pairs</h3>${table(
    ['corpus', 'pairs A', 'pairs B', 'unchanged', 'added', 'removed', 'prompts changed'],
    c.pairs.map((p) => [p.corpus, { n: p.pairsA }, { n: p.pairsB }, { n: p.unchanged }, { n: p.added }, { n: p.removed }, { n: p.changed.length }]),
  )}
</section>`;
}

/** Per-row rates of the three checks as chart rows (percent, one decimal). */
function qualityChartRows(q: QualityMetrics): { row: string; check: string; rate: number }[] {
  return q.rows.flatMap((r) =>
    QUALITY_KINDS.flatMap((k) => {
      const rate = r.rates[k]?.rate;
      return rate == null ? [] : [{ row: qualityRowLabel(r), check: QUALITY_TITLES[k], rate: Math.round(rate * 1000) / 10 }];
    }),
  );
}

async function qualitySection(q: QualityMetrics): Promise<string> {
  const intro =
    '<p class="muted">From manifest.json <code>metrics.policy</code> (IaC-Eval Rego intent: pass@1 = pass / (pass + fail + error)), ' +
    '<code>metrics.lint</code> (TFLint-style rules: linter pass rate) and <code>metrics.security</code> (Checkov-style checks: compliance). ' +
    'Roles count every checked artifact of that role; models count the artifacts each model (or origin) wrote.</p>';
  if (q.rows.length === 0 && QUALITY_KINDS.every((k) => q.top[k].length === 0))
    return `<section id="quality"><h2>Intent, lint and security</h2>${intro}<p class="muted">This run recorded no intent, lint or security results.</p></section>`;
  const chartRows = qualityChartRows(q);
  const chart = chartRows.length
    ? await figure({ id: 'quality-rates', spec: qualityRatesChart(chartRows), caption: 'Share of checked artifacts that pass each check, per role and per model.' })
    : '';
  const tops = QUALITY_KINDS.map(
    (k) =>
      `<div><h3>Most frequent ${escapeHtml(QUALITY_TOP_TITLES[k])}</h3>${
        q.top[k].length ? table([k === 'intent' ? 'rule' : k === 'lint' ? 'rule' : 'check', 'count'], q.top[k].map((x) => [x.name, { n: x.n }])) : '<p class="muted">none</p>'
      }</div>`,
  ).join('');
  return `<section id="quality"><h2>Intent, lint and security</h2>${intro}
${table(
  ['', ...QUALITY_KINDS.map((k) => QUALITY_TITLES[k])],
  q.rows.map((r) => [qualityRowLabel(r), ...QUALITY_KINDS.map((k) => ({ n: formatOutcomeRate(r.rates[k]) }))]),
  ' id="quality-table"',
)}
<div class="charts">${chart}</div>
<div class="charts">${tops}</div>
</section>`;
}

/** The negatives stage's work (manifest.json `metrics.negatives`): per operator, and synthetic vs real errors. */
function negativesSection(n: NegativesStats | null): string {
  const intro =
    '<p class="muted">From manifest.json <code>metrics.negatives</code>: candidates each operator made (attempted), those that did not raise exactly the intended diagnostic ' +
    '(discarded, never written) and the verified negatives written to <code>dpo-synthetic/</code>, <code>dpo-postedit/</code> and <code>kto/</code>.</p>';
  if (!n) return `<section id="negatives"><h2>Synthetic negatives</h2>${intro}<p class="muted">This run made no synthetic negatives (build with <code>--negatives N</code>).</p></section>`;
  const rate = (o: NegativesStats['operators'][number]) => (o.successRate === null ? '-' : `${(o.successRate * 100).toFixed(1)} %`);
  const share = (x: number) => `${(x * 100).toFixed(1)} %`;
  return `<section id="negatives"><h2>Synthetic negatives</h2>${intro}
<div class="cards"><div class="card"><b>${n.made}</b><span>verified negatives</span></div>${
    n.totalVariation === null ? '' : `<div class="card"><b>${n.totalVariation.toFixed(3)}</b><span>total-variation distance from the real drafts' errors</span></div>`
  }${n.duplicates ? `<div class="card"><b>${n.duplicates}</b><span>verified but already given to the same split group (left out)</span></div>` : ''}</div>
${table(['operator', 'made', 'attempted', 'discarded', 'duplicate (left out)', 'verified as intended'], n.operators.map((o) => [o.operator, { n: o.made }, { n: o.attempted }, { n: o.discarded }, { n: o.duplicates }, { n: rate(o) }]), ' id="negatives-table"')}
<h3>Diagnostic summaries: synthetic negatives vs real drafts</h3>
${table(['summary', 'synthetic', 'share', 'real drafts', 'share'], n.summaries.map((x) => [x.summary, { n: x.synthetic }, { n: share(x.syntheticShare) }, { n: x.real }, { n: share(x.realShare) }]), ' id="negatives-summaries"')}
</section>`;
}

type Steps = NonNullable<BuildOutput['manifest']['steps']>;

async function stepsSection(steps: Steps | undefined): Promise<string> {
  if (!steps?.length) return '<section id="steps"><h2>Steps</h2><p class="muted">manifest.json has no per-step stats (built before the step runner recorded them).</p></section>';
  const chart = await figure({ id: 'step-times', spec: stepTimesChart(steps.map((s) => ({ name: s.name, ms: s.ms }))), caption: 'Wall-clock time spent inside each step (time waiting for the step before is not counted).' });
  return `<section id="steps"><h2>Steps</h2>
${table(
  ['step', 'version', 'in', 'out', 'dropped', 'findings', 'ms'],
  steps.map((s) => [s.name, s.version ?? '-', { n: s.in }, { n: s.out }, { n: s.dropped }, stepFindingsText(s.findings), { n: s.ms }]),
  ' id="steps-table"',
)}
<div class="charts">${chart}</div>
</section>`;
}

export interface ReportOptions {
  readonly compare?: Comparison;
}

/** The whole report page for a loaded build output. */
export async function renderReportHtml(output: BuildOutput, options: ReportOptions = {}): Promise<string> {
  const m = output.manifest;
  const totals = countTotals(output);
  const records = output.records ?? [];
  const rows = auditRows(output.audit);
  const drops = output.audit.filter((l) => l.dropped);
  const mismatches = checkCounts(output);

  const figures: Figure[] = [
    {
      id: 'funnel',
      spec: funnelChart({ input: totals.input, kept: totals.kept, dropped: totals.dropped, ...totals.splits }),
      caption: 'Every input record is either kept (in tf-gen, in exactly one split) or dropped (in audit.jsonl).',
    },
  ];
  const dropBars = rows.filter((r) => r.dropped > 0).map((r) => ({ stage: r.stage, code: r.code, n: r.dropped }));
  if (dropBars.length) figures.push({ id: 'drops', spec: codesByStageChart('Drops by code, coloured by stage', dropBars), caption: 'One drop per dropped record: the finding that removed it.' });
  const otherBars = auditRows(output.audit.filter((l) => !l.dropped)).map((r) => ({ stage: r.stage, code: r.code, n: r.findings }));
  if (otherBars.length) figures.push({ id: 'findings', spec: codesByStageChart('Other findings (warnings and errors that dropped nothing)', otherBars), caption: 'Findings that stayed on records without removing them.' });
  const goldDiags = topDiagnostics(records.flatMap((r) => (r.gold ? [r.gold] : [])));
  if (goldDiags.length) figures.push({ id: 'diagnostics-gold', spec: topDiagnosticsChart('Most frequent terraform diagnostics: gold', goldDiags), caption: 'Diagnostics of the last verification of each gold configuration.' });
  const candDiags = topDiagnostics(records.flatMap((r) => r.candidates));
  if (candDiags.length) figures.push({ id: 'diagnostics-candidates', spec: topDiagnosticsChart('Most frequent terraform diagnostics: candidates', candDiags), caption: 'Diagnostics of the last verification of each candidate draft.' });
  const verdicts = verdictRows(onePerPrompt(records));
  if (verdicts.length) figures.push({ id: 'verdicts', spec: verdictsChart(verdicts), caption: 'Gold and candidates by model and verdict, one record per prompt (recorded = drafts read from the input file).' });
  const charts = new Map<string, string>();
  for (const f of figures) charts.set(f.id, await figure(f));
  const chart = (id: string, none: string): string => charts.get(id) ?? `<p class="muted">${escapeHtml(none)}</p>`;

  const metrics = runMetrics(records);
  const dpoPairs = ['train', 'val', 'test'].reduce((n, s) => n + (output.corpusLines.dpo[s as 'train'] ?? 0), 0);

  // the drop table; each row links to the record's story below
  const stories: string[] = [];
  const recordsBySource = groupBy(records, (r) => sourceRef(r.provenance.source));
  const auditBySource = groupBy(output.audit, (l) => sourceRef(l.source));
  const dropRows = drops.map((l: AuditLine, i) => {
    const anchor = `rec-${i}`;
    if (i < MAX_STORIES) {
      const ref = sourceRef(l.source);
      const audit = auditBySource.get(ref) ?? [l];
      const owners = (recordsBySource.get(ref) ?? []).filter((r) => r.id === l.id && r.status === 'dropped');
      const text = owners.length ? owners.map((record) => renderStory({ record, audit })).join('\n') : renderStory({ record: null, audit });
      stories.push(
        `<details id="${anchor}"><summary>${escapeHtml(l.id ?? '(no id)')} — ${escapeHtml(sourceRef(l.source))} — ${escapeHtml(l.stage)}/${escapeHtml(l.code)}</summary><pre>${escapeHtml(text)}</pre></details>`,
      );
    }
    const link = i < MAX_STORIES ? `<a href="#${anchor}">${escapeHtml(l.id ?? '(no id)')}</a>` : `${escapeHtml(l.id ?? '(no id)')}`;
    return `<tr><td>${link}</td><td>${escapeHtml(sourceRef(l.source))}</td><td>${escapeHtml(l.stage)}</td><td>${escapeHtml(l.code)}</td><td class="text">${escapeHtml(l.summary)}${
      l.detail ? `<br><span class="muted">${escapeHtml(l.detail.slice(0, 300))}</span>` : ''
    }</td></tr>`;
  });
  const problems = [
    ...mismatches.map((x) => `count mismatch: ${x.what}: manifest.json says ${x.manifest ?? '(missing)'}, ${x.from} gives ${x.found ?? '(missing)'}`),
    ...output.problems,
  ];
  const warnings = m.warnings.map((w) => `${w.summary}${w.detail ? `: ${w.detail}` : ''}`);
  const metricRows = Object.entries(m.metrics).flatMap(([group, values]) => Object.entries(values).map(([name, n]) => [`${group}.${name}`, { n }] as [string, { n: number }]));

  const compare = options.compare ? await compareSection(options.compare) : '';
  const quality = await qualitySection(qualityMetrics(m.metrics));
  const negatives = negativesSection(negativesStats(m.metrics));
  const steps = await stepsSection(m.steps);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tfpairs report — ${escapeHtml(output.dir)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>tfpairs report</h1>
<p><code>${escapeHtml(output.dir)}</code> · ${escapeHtml(m.tool)} ${escapeHtml(m.version)}${m.createdAt ? ` · built ${escapeHtml(m.createdAt)}` : ''}</p>
<nav><a href="#summary">Summary</a><a href="#drops-section">Drops</a><a href="#diagnostics">Diagnostics</a><a href="#verdicts-section">Verdicts</a><a href="#quality">Intent, lint, security</a><a href="#negatives">Negatives</a><a href="#dropped">Dropped records</a>${
    options.compare ? '<a href="#compare">Compare</a>' : ''
  }<a href="#steps">Steps</a><a href="#run">Run</a></nav></header>
<main>
<section id="summary"><h2>Summary</h2>
<div class="cards">
<div class="card"><b>${totals.input}</b><span>input records</span></div>
<div class="card"><b class="good">${totals.kept}</b><span>kept (${percent(totals.kept, totals.input)})</span></div>
<div class="card"><b class="bad">${totals.dropped}</b><span>dropped</span></div>
<div class="card"><b>${totals.splits.train} / ${totals.splits.val} / ${totals.splits.test}</b><span>train / val / test</span></div>
<div class="card"><b>${output.audit.length}</b><span>findings</span></div>
<div class="card"><b>${dpoPairs}</b><span>DPO pairs</span></div>
<div class="card"><b>${fmtRate(metrics.overall)}</b><span>draft syntax pass (${metrics.overall.verified} verified)</span></div>
</div>
<div class="charts">${chart('funnel', '')}</div>
</section>
<section id="drops-section"><h2>Drops and findings by stage and code</h2>
<div class="charts">${chart('drops', 'No record was dropped.')}${chart('findings', 'No other findings.')}</div>
${rows.length ? auditTableHtml(rows) : ''}
</section>
<section id="diagnostics"><h2>Most frequent terraform diagnostics</h2>
<div class="charts">${chart('diagnostics-gold', 'No diagnostics on gold.')}${chart('diagnostics-candidates', 'No diagnostics on candidates.')}</div>
</section>
<section id="verdicts-section"><h2>Verdicts per model</h2>
<div class="charts">${chart('verdicts', 'No records with artifacts.')}</div>
${table(
  ['model', 'candidates', 'verified', 'valid', 'invalid', 'syntax pass', 'avg error lines'],
  Object.entries(metrics.byModel).map(([model, x]) => [model, { n: x.candidates }, { n: x.verified }, { n: x.valid }, { n: x.invalid }, { n: fmtRate(x) }, { n: fmtLines(x) }]),
)}
<p class="muted">Syntax pass = valid / verified; error lines = unique lines flagged error or warning per verified candidate (IaC-DPO, Table 2).</p>
</section>
${quality}
${negatives}
<section id="dropped"><h2>Dropped records (<span id="drop-shown">${drops.length}</span> of ${drops.length})</h2>
<p><input type="search" id="drop-search" placeholder="Search id, file, stage, code, message…" aria-label="search dropped records"></p>
<table id="drop-table"><thead><tr><th>id</th><th>source</th><th>stage</th><th>code</th><th>why</th></tr></thead><tbody>${dropRows.join('')}</tbody></table>
${drops.length > MAX_STORIES ? `<p class="muted">Details are embedded for the first ${MAX_STORIES} drops; run <code>tfpairs audit ${escapeHtml(output.dir)} --show ID</code> for the others.</p>` : ''}
<h3>Details</h3>
<div id="details">${stories.join('\n')}</div>
</section>
${compare}
${steps}
<section id="run"><h2>Run</h2>
${problems.length ? `<h3 class="bad">Problems reading this output</h3><ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : '<p>Every count in manifest.json agrees with the files.</p>'}
${warnings.length ? `<h3>Run warnings</h3><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
<h3>Stages</h3>${table(['stage', 'version'], Object.entries(m.stages).map(([s, v]) => [s, v]))}
${metricRows.length ? `<h3>Metrics</h3>${table(['metric', 'value'], metricRows)}` : ''}
</section>
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}

/** Writes OUT/report.html (or `path`); returns its path, or null when OUT is not a build output. */
export async function writeReport(outDir: string, options: ReportOptions & { path?: string; output?: BuildOutput } = {}): Promise<string | null> {
  let output: BuildOutput;
  try {
    // kept records' code is never shown: leaving it out keeps a 150k-record build's report in memory
    output = options.output ?? (await loadBuildOutput(outDir, { recordTexts: 'dropped' }));
  } catch (e) {
    if (e instanceof OutputError) return null;
    throw e;
  }
  const html = await renderReportHtml(output, options);
  const path = options.path ?? join(outDir, 'report.html');
  writeFileAtomic(path, html);
  return path;
}
