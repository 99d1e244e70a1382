import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError, sha256 } from '@tfpairs/core';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * A prompt template: chat messages with `{{name}}` placeholders. The text of a template file is split
 * into messages at marker lines `=== system ===`, `=== user ===`, `=== assistant ===`; a file without
 * markers is one user message. `hash` (of the exact text) goes into every generated artifact's
 * provenance, so a changed template regenerates (the cache key holds the rendered messages anyway).
 */
export interface PromptTemplate {
  /** `bundled:<name>` or the template file's name */
  readonly name: string;
  readonly hash: string;
  readonly text: string;
  readonly parts: readonly ChatMessage[];
}

const MARKER = /^=== (system|user|assistant) ===[ \t]*$/;

export function parseTemplate(text: string, name: string): PromptTemplate {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // text before the first marker (or a file without markers) is a user message
  const parts: { role: ChatMessage['role']; lines: string[] }[] = [{ role: 'user', lines: [] }];
  for (const line of lines) {
    const m = MARKER.exec(line);
    if (m) parts.push({ role: m[1] as ChatMessage['role'], lines: [] });
    else parts[parts.length - 1]!.lines.push(line);
  }
  const messages = parts
    .map((p) => ({ role: p.role, content: p.lines.join('\n').trim() }))
    .filter((p) => p.content !== '');
  return { name, hash: sha256(text).slice(0, 16), text, parts: messages };
}

/** Fills `{{name}}` placeholders; an unknown placeholder is left as it is (it may be literal text). */
export function renderTemplate(template: PromptTemplate, values: Readonly<Record<string, string>>): ChatMessage[] {
  return template.parts.map((p) => ({
    role: p.role,
    content: p.content.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole),
  }));
}

const bundledDir = new URL('../templates/', import.meta.url);

export function bundledTemplate(name: 'generate' | 'repair' | 'repair-intent' | 'mutate'): PromptTemplate {
  return parseTemplate(readFileSync(new URL(`${name}.txt`, bundledDir), 'utf8'), `bundled:${name}`);
}

/** The generation template: `generate.templateFile` or the bundled one. Unusable files are config errors. */
export function loadGenerateTemplate(file: string | undefined): PromptTemplate {
  if (!file) return bundledTemplate('generate');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read prompt template ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const template = parseTemplate(text, basename(file));
  if (!template.parts.some((p) => p.content.includes('{{prompt}}'))) {
    throw new ConfigError(`prompt template ${file} has no {{prompt}} placeholder`);
  }
  if (template.parts[template.parts.length - 1]?.role !== 'user') {
    throw new ConfigError(`prompt template ${file} must end with a user message`);
  }
  return template;
}
