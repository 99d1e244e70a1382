import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DRAFTS_CSV, IAC_EVAL_CSV, REPO, requireShared } from '../../../test/paths';

/** The repository root. */
export const repoRoot = REPO;

export interface IacEvalRow {
  readonly reference: string;
  readonly draft: string;
  readonly plannable: string;
}

/** The 140 rows of the drafts CSV: gold reference and deepseek-coder-v2's raw answer. */
export function loadIacEvalRows(): IacEvalRow[] {
  const rows = parse(readFileSync(requireShared(DRAFTS_CSV)), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({ reference: r['Reference output'] ?? '', draft: r['LLM Output #0'] ?? '', plannable: r['LLM Plannable? #0'] ?? '' }));
}

/** The 140 references of the subset CSV. */
export function loadIacEvalReferences(): string[] {
  const rows = parse(readFileSync(requireShared(IAC_EVAL_CSV)), { columns: true }) as Record<string, string>[];
  return rows.map((r) => r['Reference output'] ?? '');
}
