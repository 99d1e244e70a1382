import { z } from 'zod';
import type { Diagnostic } from '@tfpairs/core';

/**
 * terraform's machine-readable shapes: `validate -json` (one document) and `plan -json` (one JSON UI
 * message per line). Checked with zod so that output which merely looks like terraform's (a crash
 * banner, a truncated log) is reported as such instead of being trusted.
 */
const PosSchema = z.object({ line: z.number().int(), column: z.number().int(), byte: z.number().int() });

const DiagnosticSchema = z.object({
  // terraform also knows "unknown"; it is treated as an error (never a false valid)
  severity: z.enum(['error', 'warning', 'unknown']),
  summary: z.string(),
  detail: z.string().optional(),
  address: z.string().optional(),
  range: z.object({ filename: z.string(), start: PosSchema, end: PosSchema }).optional().nullable(),
  snippet: z
    .object({
      context: z.string().nullable().optional(),
      code: z.string(),
      start_line: z.number().int(),
      highlight_start_offset: z.number().int(),
      highlight_end_offset: z.number().int(),
      values: z.array(z.unknown()).nullable().optional(),
    })
    .optional()
    .nullable(),
});
type TfDiagnostic = z.infer<typeof DiagnosticSchema>;

const ValidateSchema = z.object({
  format_version: z.string(),
  valid: z.boolean(),
  error_count: z.number().int().min(0),
  warning_count: z.number().int().min(0),
  diagnostics: z.array(DiagnosticSchema),
});

export interface ValidateOutput {
  readonly formatVersion: string;
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** terraform's JSON diagnostic -> core's Diagnostic (same field names; `address` is folded into the detail). */
export function toDiagnostic(d: TfDiagnostic): Diagnostic {
  const detail = d.address ? `${d.detail ?? ''}${d.detail ? '\n\n' : ''}(${d.address})` : (d.detail ?? '');
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    severity: d.severity === 'warning' ? 'warning' : 'error',
    summary: d.summary,
    detail,
  };
  if (d.range) out.range = d.range;
  if (d.snippet) {
    out.snippet = {
      context: d.snippet.context ?? null,
      code: d.snippet.code,
      start_line: d.snippet.start_line,
      highlight_start_offset: d.snippet.highlight_start_offset,
      highlight_end_offset: d.snippet.highlight_end_offset,
      values: d.snippet.values ?? [],
    };
  }
  return out;
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`)
    .join('; ');
}

/** Parses the stdout of `terraform validate -json`. */
export function parseValidateJson(stdout: string): Parsed<ValidateOutput> {
  const text = stdout.trim();
  if (!text) return { ok: false, error: 'terraform validate -json printed nothing' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `terraform validate -json printed no JSON document (${(e as Error).message})` };
  }
  const parsed = ValidateSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `not terraform's validate -json shape: ${zodMessage(parsed.error)}` };
  const doc = parsed.data;
  const diagnostics = doc.diagnostics.map(toDiagnostic);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  // a document that says valid but carries errors contradicts itself: it is not trusted as valid
  if (doc.valid && errors > 0) return { ok: false, error: `terraform validate -json says valid but lists ${errors} error(s)` };
  return { ok: true, value: { formatVersion: doc.format_version, valid: doc.valid && errors === 0, diagnostics } };
}

const UiMessageSchema = z.object({
  '@level': z.string(),
  '@message': z.string(),
  type: z.string(),
  diagnostic: DiagnosticSchema.optional(),
});

export interface PlanOutput {
  readonly diagnostics: readonly Diagnostic[];
  /** `type` of every message seen, e.g. version, planned_change, change_summary, diagnostic */
  readonly messageTypes: readonly string[];
  /** lines that were not JSON UI messages (terraform prints none with -json; a crash does) */
  readonly otherLines: number;
}

/** Parses the stdout of `terraform plan -json` (JSON lines of terraform's machine-readable UI). */
export function parsePlanJson(stdout: string): PlanOutput {
  const diagnostics: Diagnostic[] = [];
  const messageTypes: string[] = [];
  let otherLines = 0;
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      otherLines += 1;
      continue;
    }
    const msg = UiMessageSchema.safeParse(raw);
    if (!msg.success) {
      otherLines += 1;
      continue;
    }
    messageTypes.push(msg.data.type);
    if (msg.data.type === 'diagnostic' && msg.data.diagnostic) diagnostics.push(toDiagnostic(msg.data.diagnostic));
  }
  return { diagnostics, messageTypes, otherLines };
}
