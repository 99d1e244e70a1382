import type { Diagnostic, Verdict } from '@tfpairs/core';
import type { SandboxJudgement } from './verdict';

/**
 * Embedded verifier vs real terraform on the same configurations: verdict agreement and, per
 * configuration, which diagnostics both reported and which only one of them did.
 */
export interface DiagnosticMatch {
  readonly severity: Diagnostic['severity'];
  readonly summary: string;
  readonly filename: string | null;
  readonly line: number | null;
  /** both said the same thing at the same place, but with different detail text */
  readonly detail_differs: boolean;
}

export interface DiagnosticComparison {
  readonly matched: readonly DiagnosticMatch[];
  readonly only_embedded: readonly Diagnostic[];
  readonly only_terraform: readonly Diagnostic[];
}

export interface ConfigurationFidelity {
  readonly path: string;
  readonly files: readonly string[];
  readonly embedded: { readonly verdict: Verdict; readonly diagnostics: readonly Diagnostic[] };
  readonly terraform: {
    readonly verdict: Verdict;
    readonly diagnostics: readonly Diagnostic[];
    readonly problems: readonly { readonly code: string; readonly summary: string; readonly detail: string }[];
  };
  /** null when terraform gave no verdict (timeout, crash, ...) */
  readonly agree: boolean | null;
  readonly diagnostics: DiagnosticComparison;
}

export interface FidelitySummary {
  readonly configurations: number;
  /** configurations terraform judged (valid or invalid) */
  readonly compared: number;
  readonly agree: number;
  readonly disagree: number;
  /** share of compared configurations with the same verdict; null when none was compared */
  readonly agreement: number | null;
  readonly embedded_valid_terraform_invalid: number;
  readonly embedded_invalid_terraform_valid: number;
  /** terraform gave no verdict, by sandbox code */
  readonly not_judged: Readonly<Record<string, number>>;
  readonly diagnostics: { readonly matched: number; readonly only_embedded: number; readonly only_terraform: number; readonly detail_differs: number };
}

function key(d: Diagnostic): string {
  return [d.severity, d.summary, d.range?.filename ?? '', d.range?.start.line ?? ''].join('\u0000');
}

/** Pairs diagnostics with the same severity, summary, file and start line (each used once). */
export function compareDiagnostics(embedded: readonly Diagnostic[], terraform: readonly Diagnostic[]): DiagnosticComparison {
  const pool = new Map<string, Diagnostic[]>();
  for (const d of terraform) pool.set(key(d), [...(pool.get(key(d)) ?? []), d]);
  const matched: DiagnosticMatch[] = [];
  const onlyEmbedded: Diagnostic[] = [];
  for (const d of embedded) {
    const candidates = pool.get(key(d));
    const other = candidates?.shift();
    if (!other) {
      onlyEmbedded.push(d);
      continue;
    }
    matched.push({
      severity: d.severity,
      summary: d.summary,
      filename: d.range?.filename ?? null,
      line: d.range?.start.line ?? null,
      detail_differs: d.detail.trim() !== other.detail.trim(),
    });
  }
  const onlyTerraform = [...pool.values()].flat();
  // keep terraform's own order for what is left
  onlyTerraform.sort((a, b) => terraform.indexOf(a) - terraform.indexOf(b));
  return { matched, only_embedded: onlyEmbedded, only_terraform: onlyTerraform };
}

export function compareConfiguration(
  path: string,
  files: readonly string[],
  embedded: { verdict: Verdict; diagnostics: readonly Diagnostic[] },
  terraform: SandboxJudgement,
): ConfigurationFidelity {
  const judged = terraform.verdict !== 'unverified';
  return {
    path,
    files,
    embedded,
    terraform: {
      verdict: terraform.verdict,
      diagnostics: terraform.diagnostics,
      problems: terraform.problems.map((p) => ({ code: p.code, summary: p.diagnostic.summary, detail: p.diagnostic.detail })),
    },
    agree: judged ? embedded.verdict === terraform.verdict : null,
    diagnostics: judged
      ? compareDiagnostics(embedded.diagnostics, terraform.diagnostics)
      : { matched: [], only_embedded: [], only_terraform: [] },
  };
}

export function summarise(results: readonly ConfigurationFidelity[]): FidelitySummary {
  const compared = results.filter((r) => r.agree !== null);
  const agree = compared.filter((r) => r.agree).length;
  const notJudged: Record<string, number> = {};
  for (const r of results) {
    if (r.agree !== null) continue;
    const code = r.terraform.problems[0]?.code ?? 'unverified';
    notJudged[code] = (notJudged[code] ?? 0) + 1;
  }
  const all = results.map((r) => r.diagnostics);
  return {
    configurations: results.length,
    compared: compared.length,
    agree,
    disagree: compared.length - agree,
    agreement: compared.length ? agree / compared.length : null,
    embedded_valid_terraform_invalid: compared.filter((r) => r.embedded.verdict === 'valid' && r.terraform.verdict === 'invalid').length,
    embedded_invalid_terraform_valid: compared.filter((r) => r.embedded.verdict === 'invalid' && r.terraform.verdict === 'valid').length,
    not_judged: notJudged,
    diagnostics: {
      matched: all.reduce((n, c) => n + c.matched.length, 0),
      only_embedded: all.reduce((n, c) => n + c.only_embedded.length, 0),
      only_terraform: all.reduce((n, c) => n + c.only_terraform.length, 0),
      detail_differs: all.reduce((n, c) => n + c.matched.filter((m) => m.detail_differs).length, 0),
    },
  };
}

function where(d: Diagnostic): string {
  return d.range ? ` (${d.range.filename}:${d.range.start.line})` : '';
}

/** Human-readable report: one block per configuration, then the totals. */
export function renderFidelity(results: readonly ConfigurationFidelity[], summary: FidelitySummary, image: string): string {
  const lines: string[] = [];
  for (const r of results) {
    const status = r.agree === null ? `not judged (${r.terraform.problems[0]?.code ?? 'unverified'})` : r.agree ? 'agree' : 'DISAGREE';
    lines.push(`${r.path}: embedded ${r.embedded.verdict}, terraform ${r.terraform.verdict}: ${status}`);
    for (const p of r.terraform.problems) lines.push(`  sandbox ${p.code}: ${p.summary}`);
    for (const m of r.diagnostics.matched) {
      lines.push(`  both:           ${m.severity}: ${m.summary}${m.filename ? ` (${m.filename}:${m.line})` : ''}${m.detail_differs ? ' [detail differs]' : ''}`);
    }
    for (const d of r.diagnostics.only_embedded) lines.push(`  only embedded:  ${d.severity}: ${d.summary}${where(d)}`);
    for (const d of r.diagnostics.only_terraform) lines.push(`  only terraform: ${d.severity}: ${d.summary}${where(d)}`);
  }
  const pct = summary.agreement === null ? 'n/a' : `${(summary.agreement * 100).toFixed(1)}%`;
  const notJudged = Object.entries(summary.not_judged).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(
    '',
    `terraform image: ${image}`,
    `${summary.configurations} configuration(s): ${summary.compared} judged by terraform, ${summary.agree} agree, ${summary.disagree} disagree` +
      (notJudged ? `, not judged: ${notJudged}` : ''),
    `verdict agreement: ${pct} (embedded valid/terraform invalid: ${summary.embedded_valid_terraform_invalid}, embedded invalid/terraform valid: ${summary.embedded_invalid_terraform_valid})`,
    `diagnostics: ${summary.diagnostics.matched} in both (${summary.diagnostics.detail_differs} with different detail), ${summary.diagnostics.only_embedded} only embedded, ${summary.diagnostics.only_terraform} only terraform`,
    '',
  );
  return lines.join('\n');
}
