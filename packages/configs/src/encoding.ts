/**
 * Bytes to text as terraform's HCL scanner sees them: invalid UTF-8 outside comments is an error
 * ("Invalid character encoding" at the offending byte; inside a quoted string the scanner also loses
 * the string's end). Invalid bytes in comments are skipped silently, as HCL does.
 */
import type { Diagnostic } from '@tfpairs/core';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
const strict = new TextDecoder('utf-8', { fatal: true });

export interface DecodedText {
  readonly text: string;
  readonly diags: Diagnostic[];
}

/** byte length of a valid UTF-8 sequence starting at `i`, or 0 */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

export function decodeConfigBytes(filename: string, bytes: Uint8Array): DecodedText {
  try {
    return { text: strict.decode(bytes), diags: [] };
  } catch {
    // fall through: locate each bad byte
  }
  const diags: Diagnostic[] = [];
  let line = 1;
  let column = 1;
  let inString = false;
  let inComment = false;
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i]!;
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      if (!inComment) {
        const range = { filename, start: { line, column, byte: i }, end: { line, column: column + 1, byte: i + 1 } };
        diags.push({ severity: 'error', summary: 'Invalid character encoding', detail: 'All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.', range });
        if (inString) diags.push({ severity: 'error', summary: 'Unterminated template string', detail: 'No closing marker was found for the string.', range });
      }
      i++;
      column++;
      continue;
    }
    if (c === 0x0a) {
      line++;
      column = 1;
      inString = false;
      inComment = false;
    } else {
      if (!inComment) {
        if (c === 0x22 && (i === 0 || bytes[i - 1] !== 0x5c)) inString = !inString;
        else if (!inString && (c === 0x23 || (c === 0x2f && bytes[i + 1] === 0x2f))) inComment = true;
      }
      column++;
    }
    i += n;
  }
  return { text: decoder.decode(bytes), diags };
}
