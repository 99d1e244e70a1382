import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Whitespace- and case-insensitive form of a prompt: the key for dedup and for the split. */
export function normalisePrompt(prompt: string): string {
  return prompt.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A record's id: derived from its content only, so it is the same in every run. */
export function recordId(prompt: string, gold: string): string {
  return sha256(`${normalisePrompt(prompt)}\u0000${gold.replace(/\r\n/g, '\n').trim()}`).slice(0, 16);
}

/** Stable JSON (sorted keys) for hashing structured values such as request params. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
