/**
 * The IaC-Eval texts the plan oracle was recorded for (scripts/record-plan-oracle.ts): the 140
 * reference outputs and the drafts real terraform planned, with the fixture file of each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { extractDraftCode } from '@tfpairs/verify/fidelity';

export interface IacEvalText {
  /** `reference-007.json` / `draft-012.json` */
  readonly fixture: string;
  readonly code: string;
}

export function iacEvalTexts(referenceCsv: string, draftsCsv: string, plannableOnly = true): IacEvalText[] {
  const csv = (f: string) => parse(readFileSync(f), { columns: true, relax_column_count: true }) as Record<string, string>[];
  const out: IacEvalText[] = [];
  csv(referenceCsv).forEach((r, i) => out.push({ fixture: `reference-${String(i).padStart(3, '0')}.json`, code: r['Reference output'] ?? '' }));
  csv(draftsCsv).forEach((r, i) => {
    if (!plannableOnly || (r['LLM Plannable? #0'] ?? '').trim() === 'True') out.push({ fixture: `draft-${String(i).padStart(3, '0')}.json`, code: extractDraftCode(r['LLM Output #0'] ?? '') });
  });
  return out;
}

export const csvPaths = (shared: string) => ({ reference: join(shared, 'data/iac-eval/iac-eval-subset-140.csv'), drafts: join(shared, 'data/iac-eval/deepseek-coder-v2-16b-drafts-140.csv') });
