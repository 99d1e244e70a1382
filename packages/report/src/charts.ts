import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Charts are Vega-Lite specs compiled and rendered to SVG in Node at report time, then inlined in the
 * HTML: the report needs no script library, no network and no CDN to show them.
 */

export type ChartSpec = TopLevelSpec;

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const WIDTH = 560;

const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 240 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/** counts are whole numbers: no 0.5 ticks */
const COUNT_AXIS = { tickMinStep: 1, format: 'd' };

/** Verdict colours used everywhere: green passes, red fails, grey was never checked. */
export const VERDICT_COLORS = { valid: '#2e7d32', invalid: '#c62828', unverified: '#9e9e9e' };

export async function renderChart(spec: ChartSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // inline SVG in HTML needs no namespace declarations; dropping them keeps every http(s) string out
    // of the page, which is how the air-gap test knows nothing refers to the network
    return svg.replace(/\sxmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}

/** Horizontal bars with the count written at the end of each bar. */
function barsWithLabels(
  title: string,
  values: readonly Record<string, unknown>[],
  y: { field: string; title: string; sort: unknown },
  x: { field: string; title: string },
  color: Record<string, unknown>,
): ChartSpec {
  // room after the longest bar for its count label
  const max = Math.max(1, ...values.map((v) => Number(v[x.field]) || 0));
  return {
    title,
    width: WIDTH,
    height: { step: 22 },
    data: { values: values as Record<string, unknown>[] },
    encoding: {
      y: { field: y.field, type: 'nominal', title: y.title, sort: y.sort as never },
      x: { field: x.field, type: 'quantitative', title: x.title, stack: null, axis: COUNT_AXIS, scale: { domain: [0, Math.ceil(max * 1.12)], nice: false } },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { color: color as never } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 }, encoding: { text: { field: x.field, type: 'quantitative' } } },
    ],
    config: CONFIG,
  } as ChartSpec;
}

export interface FunnelCounts {
  readonly input: number;
  readonly kept: number;
  readonly dropped: number;
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

export function funnelChart(c: FunnelCounts): ChartSpec {
  const steps = [
    { step: 'input records', n: c.input, kind: 'input' },
    { step: 'dropped', n: c.dropped, kind: 'dropped' },
    { step: 'kept', n: c.kept, kind: 'kept' },
    { step: 'kept: train', n: c.train, kind: 'split' },
    { step: 'kept: val', n: c.val, kind: 'split' },
    { step: 'kept: test', n: c.test, kind: 'split' },
  ];
  return barsWithLabels(
    'Funnel: input → kept → per split',
    steps,
    { field: 'step', title: null as never, sort: steps.map((s) => s.step) },
    { field: 'n', title: 'records' },
    {
      field: 'kind',
      type: 'nominal',
      title: null,
      scale: { domain: ['input', 'dropped', 'kept', 'split'], range: ['#546e7a', '#c62828', '#2e7d32', '#81c784'] },
      legend: null,
    },
  );
}

/** Drops (or other findings) stacked by stage per code. */
export function codesByStageChart(title: string, rows: readonly { stage: string; code: string; n: number }[]): ChartSpec {
  return {
    title,
    width: WIDTH,
    height: { step: 22 },
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'code', type: 'nominal', title: null, sort: { op: 'sum', field: 'n', order: 'descending' } },
      x: { aggregate: 'sum', field: 'n', type: 'quantitative', title: 'findings', axis: COUNT_AXIS },
      color: { field: 'stage', type: 'nominal', title: 'stage', scale: { scheme: 'tableau10' } },
    },
    config: CONFIG,
  } as ChartSpec;
}

export function topDiagnosticsChart(title: string, rows: readonly { summary: string; severity: string; n: number }[]): ChartSpec {
  return barsWithLabels(
    title,
    rows.map((r) => ({ ...r, label: r.summary.length > 70 ? `${r.summary.slice(0, 69)}…` : r.summary })),
    { field: 'label', title: null as never, sort: '-x' },
    { field: 'n', title: 'occurrences' },
    { field: 'severity', type: 'nominal', title: 'severity', scale: { domain: ['error', 'warning'], range: ['#c62828', '#f9a825'] } },
  );
}

export function verdictsChart(rows: readonly { model: string; verdict: string; n: number }[]): ChartSpec {
  return {
    title: 'Verdicts per model (gold and candidates)',
    width: WIDTH,
    height: { step: 24 },
    data: { values: rows.map((r) => ({ ...r, order: ['valid', 'invalid', 'unverified'].indexOf(r.verdict) })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'model', type: 'nominal', title: null, sort: null },
      x: { field: 'n', type: 'quantitative', title: 'artifacts', stack: 'zero', axis: COUNT_AXIS },
      color: {
        field: 'verdict',
        type: 'nominal',
        title: 'verdict',
        scale: { domain: Object.keys(VERDICT_COLORS), range: Object.values(VERDICT_COLORS) },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    config: CONFIG,
  } as ChartSpec;
}

/** Compare: one metric for runs A and B side by side, per model and overall. */
export function compareMetricChart(title: string, axis: string, rows: readonly { model: string; run: string; value: number }[]): ChartSpec {
  return {
    title,
    width: WIDTH,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'bar', tooltip: true },
    height: { step: 14 },
    encoding: {
      y: { field: 'model', type: 'nominal', title: null, sort: null },
      yOffset: { field: 'run', type: 'nominal', sort: ['A', 'B'] },
      x: { field: 'value', type: 'quantitative', title: axis },
      color: { field: 'run', type: 'nominal', title: 'run', scale: { domain: ['A', 'B'], range: ['#90a4ae', '#1565c0'] } },
    },
    config: CONFIG,
  } as ChartSpec;
}

export function transitionsChart(rows: readonly { transition: string; n: number }[]): ChartSpec {
  return barsWithLabels(
    'Prompt verdicts from run A to run B',
    rows,
    { field: 'transition', title: null as never, sort: '-x' },
    { field: 'n', title: 'prompts' },
    { value: '#5c6bc0' },
  );
}

/** Wall-clock milliseconds per build step, in run order. */
export function stepTimesChart(rows: readonly { name: string; ms: number }[]): ChartSpec {
  return barsWithLabels(
    'Time per build step (ms)',
    rows.map((r) => ({ ...r })),
    { field: 'name', title: null as never, sort: rows.map((r) => r.name) },
    { field: 'ms', title: 'milliseconds' },
    { value: '#546e7a' },
  );
}

/** Intent pass@1, linter pass rate and security compliance (%) per role and model, grouped by row. */
export function qualityRatesChart(rows: readonly { row: string; check: string; rate: number }[]): ChartSpec {
  const checks = ['intent pass@1', 'lint pass', 'security compliant'];
  return {
    title: 'Intent, lint and security pass rates (%)',
    width: WIDTH,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'bar', tooltip: true },
    height: { step: 12 },
    encoding: {
      y: { field: 'row', type: 'nominal', title: null, sort: null },
      yOffset: { field: 'check', type: 'nominal', sort: checks },
      x: { field: 'rate', type: 'quantitative', title: '% passed', scale: { domain: [0, 100] } },
      color: { field: 'check', type: 'nominal', title: null, scale: { domain: checks, range: ['#1565c0', '#f9a825', '#2e7d32'] } },
    },
    config: CONFIG,
  } as ChartSpec;
}
