import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** The repository root (packages/normalise/src -> ../../..). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The shared IaC-Eval data beside the repository (`../shared/data/iac-eval`). */
export const iacEvalDir = fileURLToPath(new URL('../shared/data/iac-eval/', `file://${repoRoot}`));

export interface IacEvalRow {
  readonly reference: string;
  readonly draft: string;
  readonly plannable: string;
}

/** The 140 rows of the drafts CSV: gold reference and deepseek-coder-v2's raw answer. */
export function loadIacEvalRows(): IacEvalRow[] {
  const rows = parse(readFileSync(`${iacEvalDir}deepseek-coder-v2-16b-drafts-140.csv`), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({ reference: r['Reference output'] ?? '', draft: r['LLM Output #0'] ?? '', plannable: r['LLM Plannable? #0'] ?? '' }));
}

/** The 140 references of the subset CSV. */
export function loadIacEvalReferences(): string[] {
  const rows = parse(readFileSync(`${iacEvalDir}iac-eval-subset-140.csv`), { columns: true }) as Record<string, string>[];
  return rows.map((r) => r['Reference output'] ?? '');
}
