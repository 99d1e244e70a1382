import { extname, resolve } from 'node:path';
import { diagnostic, hasFenceLine, normalisePrompt, readNdjsonLines, type Diagnostic, type Split, type TaskRecord } from '@tfpairs/core';
import { displayPath, readInput } from '@tfpairs/ingest';
import { normaliseAnswer } from '@tfpairs/normalise';
import { loadBuildOutput } from '@tfpairs/report/output';

/**
 * What `tfpairs eval` scores: predictions (a model's answers) and the references they are scored
 * against (gold configurations with their split and Rego intent). Unusable lines become diagnostics
 * at their file:line, never a crash and never silently skipped.
 */

export interface Reference {
  /** the record id (as in a build's records.jsonl) */
  readonly id: string;
  readonly prompt: string;
  /** the gold as the build normalises it (terraform fmt, comments stripped) */
  readonly code: string;
  readonly split: Split | null;
  /** Rego policy text (IaC-Eval's `Rego intent`), null when the record has none */
  readonly intent: string | null;
  readonly source: string;
}

export interface Prediction {
  /** a record id, when the line gave one */
  readonly id: string | null;
  readonly prompt: string | null;
  /** the raw answer (extracted and normalised before scoring, as drafts are) */
  readonly completion: string;
  /** file:line of the prediction */
  readonly source: string;
}

export interface Loaded<T> {
  readonly items: T[];
  readonly problems: Diagnostic[];
}

const lineRange = (filename: string, line: number) => ({ filename, start: { line, column: 1, byte: 0 }, end: { line, column: 1, byte: 0 } });

const intentOf = (r: TaskRecord): string | null => {
  const v = r.meta?.rego_intent;
  return typeof v === 'string' && v.trim() ? v : null;
};

/** References from a build output folder: its kept records with a gold. */
export async function referencesFromBuild(dir: string): Promise<Loaded<Reference>> {
  const out = await loadBuildOutput(dir);
  const problems = out.problems.map((p) => diagnostic('warning', 'Unreadable build output line', p));
  const items: Reference[] = [];
  for (const r of out.records ?? []) {
    if (r.status !== 'kept' || !r.id || !r.gold?.code) continue;
    items.push({ id: r.id, prompt: r.prompt, code: r.gold.code, split: r.split ?? null, intent: intentOf(r), source: `${r.provenance.source.path}:${r.provenance.source.line}` });
  }
  if (!out.records) problems.push(diagnostic('error', 'No records.jsonl', `${dir} has no records.jsonl: there is nothing to score against`));
  return { items, problems };
}

/** References from any input `tfpairs build` reads (IaC-Eval CSV, JSONL, task folder), golds normalised as build does. */
export async function referencesFromInput(path: string, cwd: string): Promise<Loaded<Reference>> {
  const items: Reference[] = [];
  const problems: Diagnostic[] = [];
  for await (const r of readInput(path, cwd)) {
    const at = `${r.provenance.source.path}:${r.provenance.source.line}`;
    if (r.status !== 'kept' || !r.id || !r.gold) {
      for (const f of r.findings.filter((f) => f.dropped)) problems.push(diagnostic('warning', f.summary, `${at}: ${f.detail}`));
      continue;
    }
    const raw = r.gold.raw;
    const n = await normaliseAnswer(raw, { format: true, stripComments: true, isAnswer: hasFenceLine(raw) });
    if (n.code === null) {
      problems.push(diagnostic('warning', 'Reference holds no code', `${at}: the record is not scored`));
      continue;
    }
    items.push({ id: r.id, prompt: r.prompt, code: n.code, split: null, intent: intentOf(r), source: at });
  }
  return { items, problems };
}

/** The text of a TRL field: a string, or conversational messages (the given role's contents). */
function textOf(v: unknown, role: 'user' | 'assistant'): string | null {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return null;
  const parts = v
    .filter((m): m is { role: string; content: string } => !!m && typeof m === 'object' && typeof (m as { content?: unknown }).content === 'string')
    .filter((m) => m.role === role)
    .map((m) => m.content);
  return parts.length ? parts.join('\n') : null;
}

/**
 * Predictions: JSONL lines `{id, completion}` or TRL-style `{prompt, completion}` (string or
 * conversational); or any build input whose tasks carry drafts (an IaC-Eval results CSV's
 * `LLM Output #N`), draft number `draft` of each task.
 */
export async function readPredictions(path: string, cwd: string, draft = 0): Promise<Loaded<Prediction>> {
  const abs = resolve(cwd, path);
  const shown = displayPath(abs, cwd);
  const items: Prediction[] = [];
  const problems: Diagnostic[] = [];
  if (!['.jsonl', '.ndjson'].includes(extname(abs).toLowerCase())) {
    for await (const r of readInput(path, cwd)) {
      const at = `${r.provenance.source.path}:${r.provenance.source.line}`;
      const c = r.candidates[draft];
      if (r.id === null) {
        for (const f of r.findings.filter((f) => f.dropped)) problems.push(diagnostic('error', f.summary, `${at}: ${f.detail}`));
      } else if (!c) problems.push(diagnostic('warning', 'No draft to score', `${at}: the task has no draft #${draft}`));
      else items.push({ id: r.id, prompt: r.prompt, completion: c.raw, source: at });
    }
    return { items, problems };
  }
  try {
    for await (const l of readNdjsonLines(abs)) {
      if (!l.ok) {
        problems.push(diagnostic('error', 'Line is not JSON', `${shown}:${l.line}: ${l.error}`, lineRange(shown, l.line)));
        continue;
      }
      const o = l.value as Record<string, unknown> | null;
      const completion = o && typeof o === 'object' ? textOf(o.completion, 'assistant') : null;
      const id = o && typeof o.id === 'string' && o.id ? o.id : null;
      const prompt = o && typeof o === 'object' ? textOf(o.prompt, 'user') : null;
      if (completion === null || (id === null && prompt === null)) {
        problems.push(
          diagnostic('error', 'Not a prediction', `${shown}:${l.line}: expected {"id", "completion"} or {"prompt", "completion"} (strings or TRL messages)`, lineRange(shown, l.line)),
        );
        continue;
      }
      items.push({ id, prompt, completion, source: `${shown}:${l.line}` });
    }
  } catch (e) {
    problems.push(diagnostic('error', 'Cannot read predictions', `${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
  }
  return { items, problems };
}

/** Pairs each prediction with its reference: by record id, else by normalised prompt; the first prediction of a reference wins (pass@1). */
export function matchPredictions(predictions: readonly Prediction[], references: readonly Reference[]): Loaded<{ prediction: Prediction; reference: Reference }> {
  const byId = new Map(references.map((r) => [r.id, r]));
  const byPrompt = new Map<string, Reference>();
  for (const r of references) if (!byPrompt.has(normalisePrompt(r.prompt))) byPrompt.set(normalisePrompt(r.prompt), r);
  const used = new Map<Reference, string>();
  const items: { prediction: Prediction; reference: Reference }[] = [];
  const problems: Diagnostic[] = [];
  for (const p of predictions) {
    const ref = (p.id !== null ? byId.get(p.id) : undefined) ?? (p.prompt !== null ? byPrompt.get(normalisePrompt(p.prompt)) : undefined);
    if (!ref) {
      problems.push(diagnostic('warning', 'No reference for prediction', `${p.source}: ${p.id !== null ? `id ${p.id}` : 'its prompt'} matches no reference; not scored`));
      continue;
    }
    const first = used.get(ref);
    if (first) {
      problems.push(diagnostic('warning', 'Second prediction for a reference', `${p.source}: ${ref.id} was already predicted at ${first}; only the first is scored (pass@1)`));
      continue;
    }
    used.set(ref, p.source);
    items.push({ prediction: p, reference: ref });
  }
  return { items, problems };
}
