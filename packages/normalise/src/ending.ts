/**
 * The one canonical ending of every text a corpus holds (code and prompts alike): no trailing
 * whitespace, then exactly one final newline, as `terraform fmt` leaves a file. A trainer must not be
 * able to tell chosen from rejected (or one corpus from another) by how the text ends. Empty text
 * stays empty: there is nothing to end.
 */
export function withFinalNewline(text: string): string {
  const body = text.replace(/\s+$/u, '');
  return body === '' ? '' : `${body}\n`;
}
