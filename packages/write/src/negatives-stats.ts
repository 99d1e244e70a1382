/**
 * What the negatives stage made, read back from manifest.json's counters (`metrics.negatives`): per
 * operator made / attempted / discarded and the verification success rate, and the diagnostic-summary
 * distribution of the synthetic negatives against the real drafts' errors with their total-variation
 * distance. Counters, not a derived section, are what the manifest keeps: a merge of shards adds them.
 */
export interface OperatorStats {
  readonly operator: string;
  readonly made: number;
  readonly attempted: number;
  readonly discarded: number;
  /** verified, but the same text as a negative already given to the split group (left out) */
  readonly duplicates: number;
  /** (attempted - discarded) / attempted: candidates that raised exactly the intended diagnostic; null when none was tried */
  readonly successRate: number | null;
}

export interface SummaryShare {
  readonly summary: string;
  readonly synthetic: number;
  readonly real: number;
  readonly syntheticShare: number;
  readonly realShare: number;
}

export interface NegativesStats {
  readonly operators: OperatorStats[];
  readonly made: number;
  readonly duplicates: number;
  readonly summaries: SummaryShare[];
  /** half the L1 distance of the two summary distributions; null without real drafts' errors */
  readonly totalVariation: number | null;
}

const under = (values: Record<string, number>, prefix: string): Map<string, number> =>
  new Map(Object.entries(values).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));

/** null when the run made no negatives (the stage did not run). */
export function negativesStats(metrics: Readonly<Record<string, Readonly<Record<string, number>>>>): NegativesStats | null {
  const m = metrics.negatives;
  if (!m) return null;
  const made = under(m, 'made.');
  const attempted = under(m, 'attempted.');
  const discarded = under(m, 'discarded.');
  const duplicate = under(m, 'duplicate.');
  if (attempted.size === 0 && made.size === 0) return null;
  const names = [...new Set([...attempted.keys(), ...made.keys(), ...discarded.keys()])].sort();
  const operators = names.map((operator) => {
    const a = attempted.get(operator) ?? 0;
    const d = discarded.get(operator) ?? 0;
    return { operator, made: made.get(operator) ?? 0, attempted: a, discarded: d, duplicates: duplicate.get(operator) ?? 0, successRate: a ? (a - d) / a : null };
  });
  const synthetic = under(m, 'summary.');
  const real = under(m, 'real.');
  const sTotal = [...synthetic.values()].reduce((a, b) => a + b, 0);
  const rTotal = [...real.values()].reduce((a, b) => a + b, 0);
  const kinds = [...new Set([...synthetic.keys(), ...real.keys()])];
  const summaries = kinds
    .map((summary) => {
      const s = synthetic.get(summary) ?? 0;
      const r = real.get(summary) ?? 0;
      return { summary, synthetic: s, real: r, syntheticShare: sTotal ? s / sTotal : 0, realShare: rTotal ? r / rTotal : 0 };
    })
    .sort((a, b) => b.synthetic + b.real - (a.synthetic + a.real) || a.summary.localeCompare(b.summary));
  const totalVariation = sTotal && rTotal ? summaries.reduce((t, x) => t + Math.abs(x.syntheticShare - x.realShare), 0) / 2 : null;
  return { operators, made: operators.reduce((n, o) => n + o.made, 0), duplicates: operators.reduce((n, o) => n + o.duplicates, 0), summaries, totalVariation };
}
