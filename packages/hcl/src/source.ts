import type { Pos, Range } from '@tfpairs/core';

/**
 * One configuration file's text with the position arithmetic terraform's diagnostics need:
 * web-tree-sitter reports offsets in UTF-16 code units, terraform wants 1-based lines, columns counted
 * in characters and 0-based UTF-8 byte offsets.
 */
export class SourceFile {
  readonly filename: string;
  readonly text: string;
  /** UTF-16 offset where each line starts */
  private readonly lineStarts: number[];
  /** UTF-8 byte offset where each line starts */
  private readonly lineStartBytes: number[];
  private readonly ascii: boolean;

  constructor(filename: string, text: string) {
    this.filename = filename;
    this.text = text;
    this.ascii = !/[^\x00-\x7f]/.test(text);
    this.lineStarts = [0];
    this.lineStartBytes = [0];
    let byte = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      byte += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
      if (c === 10) {
        this.lineStarts.push(i + 1);
        this.lineStartBytes.push(byte);
      }
    }
  }

  get byteLength(): number {
    return this.ascii ? this.text.length : Buffer.byteLength(this.text);
  }

  /** 0-based line index of a UTF-16 offset */
  private lineIndex(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  pos(offset: number): Pos {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const li = this.lineIndex(clamped);
    const start = this.lineStarts[li]!;
    if (this.ascii) return { line: li + 1, column: clamped - start + 1, byte: clamped };
    const prefix = this.text.slice(start, clamped);
    return { line: li + 1, column: [...prefix].length + 1, byte: this.lineStartBytes[li]! + Buffer.byteLength(prefix) };
  }

  range(startOffset: number, endOffset: number): Range {
    return { filename: this.filename, start: this.pos(startOffset), end: this.pos(endOffset) };
  }

  /** UTF-16 offset of a 1-based line and column (HCL's error positions) */
  offsetOf(line: number, column: number): number {
    const li = Math.max(0, Math.min(line - 1, this.lineStarts.length - 1));
    const start = this.lineStarts[li]!;
    if (this.ascii) return Math.min(start + column - 1, this.text.length);
    let offset = start;
    for (let c = 1; c < column && offset < this.text.length; c++) {
      const code = this.text.charCodeAt(offset);
      offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    return offset;
  }

  lineText(line: number): string {
    const li = line - 1;
    if (li < 0 || li >= this.lineStarts.length) return '';
    const end = li + 1 < this.lineStarts.length ? this.lineStarts[li + 1]! - 1 : this.text.length;
    return this.text.slice(this.lineStarts[li]!, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** The smallest range covering both (hcl.RangeBetween). */
export function rangeBetween(a: Range, b: Range): Range {
  return { filename: a.filename, start: a.start, end: b.end };
}

/** A zero-width range at the start of another (hcl's MissingItemRange). */
export function startOf(r: Range): Range {
  return { filename: r.filename, start: r.start, end: r.start };
}

/** hcl.Range.String(): `main.tf:5,1-30` or `main.tf:5,1-7,2` */
export function rangeString(r: Range): string {
  return r.start.line === r.end.line
    ? `${r.filename}:${r.start.line},${r.start.column}-${r.end.column}`
    : `${r.filename}:${r.start.line},${r.start.column}-${r.end.line},${r.end.column}`;
}
