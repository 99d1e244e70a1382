import { NdjsonWriter } from '@tfpairs/core';

/**
 * TRL's dataset formats (https://huggingface.co/docs/trl/dataset_formats). `standard` lines hold
 * strings; `conversational` lines hold the same columns as lists of `{role, content}` messages: the
 * prompt as a user message (after an optional system message), each answer (`completion`, `chosen`,
 * `rejected`) as one assistant message, and SFT lines also as `messages` (the whole conversation, for
 * TRL's language-modeling type). Other columns (`id`, `meta`, `source`, TF-Mutn's `initial` ...) stay
 * as they are.
 */
export type LineFormat = 'standard' | 'conversational';

export interface FormatOptions {
  readonly format: LineFormat;
  readonly systemPrompt?: string;
}

export interface Message {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** The columns that are answers (assistant messages) in a conversational line. */
const ANSWERS = ['completion', 'chosen', 'rejected'] as const;
/** Corpora whose lines are SFT examples (prompt-completion): they also get `messages`. */
const SFT = new Set(['tf-gen', 'tf-mutn']);

export function promptMessages(prompt: string, systemPrompt?: string): Message[] {
  return [...(systemPrompt ? [{ role: 'system' as const, content: systemPrompt }] : []), { role: 'user', content: prompt }];
}

/** One line of `corpus` in the run's format (a standard line is returned as it is). */
export function formatLine(corpus: string, line: Record<string, unknown>, options: FormatOptions): Record<string, unknown> {
  if (options.format === 'standard' || typeof line.prompt !== 'string') return line;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line)) {
    if (key === 'prompt') out.prompt = promptMessages(value as string, options.systemPrompt);
    else if ((ANSWERS as readonly string[]).includes(key) && typeof value === 'string') out[key] = [{ role: 'assistant', content: value }];
    else out[key] = value;
  }
  if (SFT.has(corpus) && Array.isArray(out.completion)) out.messages = [...(out.prompt as Message[]), ...(out.completion as Message[])];
  return out;
}

/** A corpus file writer that writes every line in the run's format. */
export class CorpusWriter extends NdjsonWriter {
  constructor(
    path: string,
    readonly corpus: string,
    readonly options: FormatOptions,
  ) {
    super(path);
  }

  override write(line: unknown): Promise<void> {
    return super.write(formatLine(this.corpus, line as Record<string, unknown>, this.options));
  }
}
