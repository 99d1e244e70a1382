import { renderTable } from '@tfpairs/report/table';
import { METRIC_NAMES, SUBSET_METRICS, type Estimate, type MetricName, type PairedComparison, type Summary } from './evaluate';

/** How each metric is shown: label, scale (100 for percentages) and digits. */
export const METRIC_LABELS: Readonly<Record<MetricName, { label: string; scale: number; digits: number; unit: string }>> = {
  codebleu: { label: 'CodeBLEU (corpus)', scale: 1, digits: 4, unit: '' },
  codebleuMean: { label: 'CodeBLEU (mean of sentences)', scale: 1, digits: 4, unit: '' },
  ngramMatch: { label: '  BLEU', scale: 1, digits: 4, unit: '' },
  weightedNgramMatch: { label: '  weighted n-gram match', scale: 1, digits: 4, unit: '' },
  syntaxMatch: { label: '  AST match', scale: 1, digits: 4, unit: '' },
  dataflowMatch: { label: '  dataflow match', scale: 1, digits: 4, unit: '' },
  syntaxPass: { label: 'syntax pass', scale: 100, digits: 2, unit: ' %' },
  errorLines: { label: 'error/warning lines (avg)', scale: 1, digits: 2, unit: '' },
  intentPass: { label: 'intent pass@1', scale: 100, digits: 2, unit: ' %' },
  lintPass: { label: 'lint pass (valid)', scale: 100, digits: 2, unit: ' %' },
  securityPass: { label: 'security compliance (valid)', scale: 100, digits: 2, unit: ' %' },
};

/** A value as shown; a difference of percentages is in percentage points. */
const fmt = (name: MetricName, v: number | null, isDiff = false): string => {
  const m = METRIC_LABELS[name];
  return v === null ? '-' : `${(v * m.scale).toFixed(m.digits)}${isDiff && m.unit === ' %' ? ' pp' : m.unit}`;
};
const ci = (name: MetricName, e: { lo: number | null; hi: number | null }, isDiff = false): string =>
  e.lo === null || e.hi === null ? '-' : `[${fmt(name, e.lo, isDiff)}, ${fmt(name, e.hi, isDiff)}]`;

export interface Groups {
  readonly [group: string]: Summary;
}

export interface SkippedMetric {
  readonly metric: string;
  readonly reason: string;
}

export function renderSummaryText(groups: Groups, skipped: readonly SkippedMetric[], level = 0.95): string {
  const names = Object.keys(groups);
  const out: string[] = [];
  const pct = `${Math.round(level * 100)} % CI`;
  out.push(
    renderTable(
      [{ title: 'METRIC' }, ...names.flatMap((g) => [{ title: `${g.toUpperCase()} (n=${groups[g]!.predictions})`, align: 'right' as const }, { title: pct, align: 'right' as const }])],
      METRIC_NAMES.map((name) => [
        METRIC_LABELS[name].label,
        ...names.flatMap((g) => {
          const e: Estimate = groups[g]!.metrics[name];
          const n = SUBSET_METRICS[name] && e.value !== null ? ` (n=${e.n})` : '';
          return [`${fmt(name, e.value)}${n}`, ci(name, e)];
        }),
      ]),
    ),
  );
  for (const s of skipped) out.push(`${s.metric}: skipped (${s.reason})`);
  return `${out.join('\n')}\n`;
}

export function renderPairedText(c: PairedComparison, a: string, b: string, level = 0.95): string {
  const out: string[] = [`A: ${a}`, `B: ${b}`, `paired over ${c.matched} references predicted in both (${c.onlyA} only in A, ${c.onlyB} only in B)`, ''];
  out.push(
    renderTable(
      [{ title: 'METRIC' }, { title: 'A', align: 'right' }, { title: 'B', align: 'right' }, { title: 'B - A', align: 'right' }, { title: `${Math.round(level * 100)} % CI (paired)`, align: 'right' }, { title: 'DIFFERENT?' }],
      METRIC_NAMES.map((name) => {
        const d = c.metrics[name];
        const diff = d.diff === null ? '-' : `${d.diff > 0 ? '+' : ''}${fmt(name, d.diff, true)}`;
        return [METRIC_LABELS[name].label, fmt(name, d.a), fmt(name, d.b), diff, ci(name, d, true), d.diff === null ? '-' : d.significant ? 'yes' : 'no (CI contains 0)'];
      }),
    ),
  );
  return `${out.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained HTML page of the same tables (no script, no network). */
export function renderHtml(title: string, sections: readonly { heading: string; text: string }[]): string {
  const body = sections.map((s) => `<h2>${esc(s.heading)}</h2>\n<pre>${esc(s.text)}</pre>`).join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em}pre{background:#f6f8fa;padding:1em;overflow:auto}</style></head>\n<body><h1>${esc(title)}</h1>\n${body}\n</body></html>\n`;
}
