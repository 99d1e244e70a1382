/**
 * Replays the language oracle (`__fixtures__/lang-oracle/`: cases in `*.cases`, real terraform's
 * answers in `recorded.json`) through the embedded validator, comparing as issue 19 measures: the
 * multiset of (severity, summary, start line) per case, plus the whole diagnostic (detail, full range)
 * for a stricter view. Shared by the test and `scripts/score-lang-oracle.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '@tfpairs/core';
import { memoryFileSystem } from '@tfpairs/configs';
import { loadCases, type OracleCase } from './oracle-cases';
import { validateConfig } from './validate';

interface RecordedDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  readonly range?: Diagnostic['range'];
}

export interface RecordedLangOracle {
  readonly terraform: string;
  readonly cases: Record<string, { initExit: number; exit: number; output: { valid: boolean; diagnostics: RecordedDiagnostic[] } }>;
}

export interface CaseScore {
  readonly name: string;
  readonly group: string;
  readonly heldOut: boolean;
  readonly wantValid: boolean;
  readonly gotValid: boolean;
  /** equal multisets of (severity, summary, start line) */
  readonly same: boolean;
  /** equal multisets of whole diagnostics (severity, summary, detail, range) */
  readonly exact: boolean;
  readonly want: string[];
  readonly got: string[];
}

function key(d: { severity: string; summary: string; range?: Diagnostic['range'] | null }): string {
  return `${d.severity[0]}:${d.summary}@${d.range ? `${d.range.filename}:${d.range.start.line}` : '-'}`;
}

function fullKey(d: { severity: string; summary: string; detail: string; range?: Diagnostic['range'] | null }): string {
  const r = d.range;
  return `${key(d)}|${d.detail}|${r ? `${r.start.line}:${r.start.column}:${r.start.byte}-${r.end.line}:${r.end.column}:${r.end.byte}` : ''}`;
}

export async function embeddedValidate(c: OracleCase): Promise<Diagnostic[]> {
  const fs = memoryFileSystem(Object.fromEntries(c.files.map((f) => [f.path, f.bytes])));
  return validateConfig(fs, '.', { snippets: false, useInstalledModules: true });
}

export function readRecorded(dir: string): RecordedLangOracle {
  return JSON.parse(readFileSync(join(dir, 'recorded.json'), 'utf8')) as RecordedLangOracle;
}

export async function scoreLangOracle(dir: string): Promise<CaseScore[]> {
  const recorded = readRecorded(dir);
  const out: CaseScore[] = [];
  for (const c of loadCases(dir)) {
    const rec = recorded.cases[c.name];
    if (!rec) throw new Error(`case ${c.name} has no recording: run scripts/record-lang-oracle.ts ${c.name}`);
    const got = await embeddedValidate(c);
    const want = rec.output.diagnostics;
    const w = want.map(key).sort();
    const g = got.map(key).sort();
    out.push({
      name: c.name,
      group: c.group,
      heldOut: c.heldOut,
      wantValid: rec.output.valid,
      gotValid: !got.some((d) => d.severity === 'error'),
      same: JSON.stringify(w) === JSON.stringify(g),
      exact: JSON.stringify(want.map(fullKey).sort()) === JSON.stringify(got.map(fullKey).sort()),
      want: w,
      got: g,
    });
  }
  return out;
}
