/**
 * Fidelity of the embedded validator against real terraform verdicts: IaC-Eval's deepseek-coder-v2
 * drafts, each run through `terraform plan` (`LLM Plannable? #0`) with terraform's error text
 * (`LLM Plan Phase Error #0`). Used by scripts/bench-fidelity.ts and its test.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Diagnostic } from '@tfpairs/core';
import type { SchemaSet } from './schemas';
import { verifyCode } from './validate';

export interface DraftCase {
  /** 0-based data row */
  readonly row: number;
  readonly code: string;
  readonly plannable: boolean;
  /** terraform's errors as (summary, line); line null when terraform printed no source location */
  readonly errors: readonly ErrorKey[];
}

export interface ErrorKey {
  readonly summary: string;
  readonly line: number | null;
}

/**
 * The code IaC-Eval planned: the first fenced block of the answer (its harness writes that block to
 * main.tf), or the whole answer when it has no fence.
 */
export function extractDraftCode(answer: string): string {
  const m = /```[^\n`]*\n([\s\S]*?)(?:```|$)/.exec(answer);
  return m ? m[1]! : answer;
}

/** `Error: <summary>` paragraphs with their `on <file> line <n>` location. */
export function parseTerraformErrors(text: string): ErrorKey[] {
  const out: ErrorKey[] = [];
  const parts = text.split(/^(?:│ )?Error: /m).slice(1);
  for (const part of parts) {
    const summary = part.split('\n')[0]!.trim();
    const loc = /^\s*(?:│\s*)?on \S+ line (\d+)/m.exec(part.split(/\n\n(?=[^ │])/).slice(0, 3).join('\n\n'));
    out.push({ summary, line: loc ? Number(loc[1]) : null });
  }
  return out;
}

export function readDraftCases(csvPath: string): DraftCase[] {
  const rows = parse(readFileSync(csvPath), { columns: true, relax_column_count: true }) as Record<string, string>[];
  return rows.map((r, row) => ({
    row,
    code: extractDraftCode(r['LLM Output #0'] ?? ''),
    plannable: (r['LLM Plannable? #0'] ?? '').trim() === 'True',
    errors: (r['LLM Plannable? #0'] ?? '').trim() === 'True' ? [] : parseTerraformErrors(r['LLM Plan Phase Error #0'] ?? ''),
  }));
}

export interface CaseResult {
  readonly row: number;
  readonly plannable: boolean;
  readonly ours: 'valid' | 'invalid';
  readonly agree: boolean;
  readonly expected: readonly ErrorKey[];
  readonly got: readonly ErrorKey[];
  /** expected pairs we did not report */
  readonly missed: readonly ErrorKey[];
  /** our pairs terraform did not report */
  readonly extra: readonly ErrorKey[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Why a terraform error was not reproduced, as far as its text tells: messages that terraform core
 * never produces come from the provider plugin's own validators, which no schema describes.
 */
export function missReason(k: ErrorKey): string {
  if (/^[a-z]/.test(k.summary) || /^Invalid format of /.test(k.summary)) return "provider-side validator (the provider plugin's ValidateResourceConfig; no schema carries it)";
  if (k.summary === 'Output refers to sensitive values') return 'needs the `sensitive` flags of resource attributes, which the schema in use does not carry';
  return 'not reproduced by the embedded checks (schema version or unimplemented check)';
}

export interface FidelityReport {
  readonly cases: readonly CaseResult[];
  readonly total: number;
  readonly agreement: number;
  readonly recall: number;
  readonly precision: number;
  readonly truePositives: number;
  readonly expectedCount: number;
  readonly gotCount: number;
}

const keyOf = (k: ErrorKey) => `${k.summary}\u0000${k.line ?? ''}`;

/** Multiset difference of (summary, line) pairs. */
function minus(a: readonly ErrorKey[], b: readonly ErrorKey[]): ErrorKey[] {
  const counts = new Map<string, number>();
  for (const k of b) counts.set(keyOf(k), (counts.get(keyOf(k)) ?? 0) + 1);
  const out: ErrorKey[] = [];
  for (const k of a) {
    const n = counts.get(keyOf(k)) ?? 0;
    if (n > 0) counts.set(keyOf(k), n - 1);
    else out.push(k);
  }
  return out;
}

export async function measureFidelity(cases: readonly DraftCase[], schemas: SchemaSet): Promise<FidelityReport> {
  const results: CaseResult[] = [];
  let tp = 0;
  let expectedCount = 0;
  let gotCount = 0;
  for (const c of cases) {
    const { diagnostics, verdict } = await verifyCode(c.code, { schemas, snippets: false });
    const got = diagnostics.filter((d) => d.severity === 'error').map((d) => ({ summary: d.summary, line: d.range?.start.line ?? null }));
    const missed = minus(c.errors, got);
    const extra = minus(got, c.errors);
    tp += c.errors.length - missed.length;
    expectedCount += c.errors.length;
    gotCount += got.length;
    results.push({ row: c.row, plannable: c.plannable, ours: verdict, agree: (verdict === 'valid') === c.plannable, expected: c.errors, got, missed, extra, diagnostics });
  }
  return {
    cases: results,
    total: results.length,
    agreement: results.filter((r) => r.agree).length / Math.max(1, results.length),
    recall: tp / Math.max(1, expectedCount),
    precision: tp / Math.max(1, gotCount),
    truePositives: tp,
    expectedCount,
    gotCount,
  };
}
