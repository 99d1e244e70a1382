import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { ndjsonLine, type NdjsonLine } from '@tfpairs/core';

/**
 * Input files must be UTF-8; a file that is not is reported with a guess of what it is (so the user
 * can rerun with `--input-encoding`), never read with its bytes turned into U+FFFD. With
 * `--input-encoding`, the file is decoded by the WHATWG decoder of that name (Node's full ICU:
 * windows-1252, iso-8859-15, utf-16le, shift_jis, ...) before it is parsed.
 *
 * The guess is hand-written (no charset detector is installed; see the package README): a BOM, the
 * NUL pattern of UTF-16, then the single-byte code pages by which bytes occur. It is a hint in a
 * message, never applied without the user asking.
 */

export function guessEncoding(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const sample = bytes.subarray(0, 4096);
  let evenNul = 0;
  let oddNul = 0;
  let c1 = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) (i % 2 === 0 ? evenNul++ : oddNul++);
    else if (sample[i]! >= 0x80 && sample[i]! <= 0x9f) c1++;
  }
  // ASCII text in UTF-16 has a NUL in every other byte
  if (oddNul > sample.length / 4) return 'utf-16le';
  if (evenNul > sample.length / 4) return 'utf-16be';
  // 0x80-0x9F are control codes in ISO-8859-1 but curly quotes, dashes and the euro sign in windows-1252
  return c1 > 0 ? 'windows-1252' : 'iso-8859-1';
}

/** Where the first byte that is not UTF-8 is: 1-based line and the byte itself. */
export function firstInvalidByte(bytes: Uint8Array): { line: number; byte: number } | null {
  let line = 1;
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i]!;
    if (c === 0x0a) line += 1;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || !isUtf8(bytes.subarray(i, i + n))) return { line, byte: c };
    i += n;
  }
  return null;
}

/** WHATWG's windows-1252 for 0x80-0x9F (the rest is Latin-1). */
const CP1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Decodes with the WHATWG decoder of `encoding`. Node 20's decoder for windows-1252 (the encoding
 * WHATWG also gives the labels latin1/iso-8859-1/ascii) decodes Latin-1 instead, turning curly quotes
 * into C1 control codes, so that one is decoded here from the standard's table.
 */
export function decodeBytes(bytes: Uint8Array, encoding: string): string {
  const decoder = new TextDecoder(encoding);
  if (decoder.encoding !== 'windows-1252') return decoder.decode(bytes);
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? CP1252_C1[b - 0x80]! : b);
  return out;
}

export type Decoded = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly detail: string; readonly line: number };

/**
 * The file's bytes as UTF-8: as they are when they are UTF-8 and no encoding was asked for, decoded
 * from `encoding` when one was, else the reason they cannot be read (with the guess).
 */
export function utf8Bytes(bytes: Buffer, shown: string, encoding?: string): Decoded {
  if (encoding) return { ok: true, bytes: Buffer.from(decodeBytes(bytes, encoding), 'utf8') };
  if (isUtf8(bytes)) return { ok: true, bytes };
  const at = firstInvalidByte(bytes);
  const guess = guessEncoding(bytes);
  return {
    ok: false,
    line: at?.line ?? 1,
    detail: `${shown} is not UTF-8 (byte 0x${(at?.byte ?? 0).toString(16).padStart(2, '0')} on line ${at?.line ?? 1}); it looks like ${guess}: rerun with --input-encoding ${guess}`,
  };
}

/**
 * Whether a file is UTF-8 throughout, read in chunks (a 150k-record corpus is hundreds of MB: it is
 * never held whole). A character split between two chunks is carried over to the next.
 */
export async function isUtf8File(path: string): Promise<boolean> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    const bytes = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    // the last 0-3 bytes may be the start of a character the next chunk finishes
    let end = bytes.length;
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const c = bytes[bytes.length - back]!;
      if (c < 0x80) break;
      if (c >= 0xc0) {
        const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (need > back) end = bytes.length - back;
        break;
      }
    }
    if (!isUtf8(bytes.subarray(0, end))) return false;
    carry = Buffer.from(bytes.subarray(end));
  }
  return carry.length === 0 || isUtf8(carry);
}

/**
 * JSONL lines of a file, streamed: decoded from UTF-8 (or from `encoding`), a leading BOM dropped, lines
 * split on LF with a CR before it removed, as `ndjsonLinesOfText` splits a whole text. The caller checks
 * the bytes first (`isUtf8File`): here a bad byte would become U+FFFD.
 */
export async function* ndjsonLinesOfFile(path: string, encoding?: string): AsyncIterable<NdjsonLine> {
  const decoder = encoding ? chunkDecoder(encoding) : chunkDecoder('utf-8');
  let pending = '';
  let line = 0;
  let first = true;
  const lines = function* (text: string, final: boolean): Generator<NdjsonLine> {
    pending += text;
    if (first && pending.length > 0) {
      pending = pending.replace(/^\uFEFF/, '');
      first = false;
    }
    let at = 0;
    for (let nl = pending.indexOf('\n', at); nl >= 0; nl = pending.indexOf('\n', at)) {
      line += 1;
      const parsed = ndjsonLine(pending.slice(at, pending[nl - 1] === '\r' && nl > at ? nl - 1 : nl), line);
      at = nl + 1;
      if (parsed) yield parsed;
    }
    pending = pending.slice(at);
    if (final && pending.length > 0) {
      const parsed = ndjsonLine(pending, line + 1);
      pending = '';
      if (parsed) yield parsed;
    }
  };
  for await (const chunk of createReadStream(path)) yield* lines(decoder.decode(chunk as Buffer), false);
  yield* lines(decoder.flush(), true);
}

/** A streaming decoder of `encoding` (the windows-1252 table of `decodeBytes` for that one: one byte, one character). */
export function chunkDecoder(encoding: string): { decode(bytes: Uint8Array): string; flush(): string } {
  const decoder = new TextDecoder(encoding);
  if (decoder.encoding === 'windows-1252') return { decode: (bytes) => decodeBytes(bytes, encoding), flush: () => '' };
  return { decode: (bytes) => decoder.decode(bytes, { stream: true }), flush: () => decoder.decode() };
}
