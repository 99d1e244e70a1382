import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eachLineSync } from './io';

describe('eachLineSync', () => {
  it('gives every line of a file of several 1 MB chunks, characters split between chunks included, the last line without LF too', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${'é🪣x'.repeat(i % 300)}`);
    const path = join(mkdtempSync(join(tmpdir(), 'tfpairs-lines-')), 'f.jsonl');
    writeFileSync(path, lines.join('\n'));
    const seen: string[] = [];
    eachLineSync(path, (line) => seen.push(line));
    expect(Buffer.byteLength(lines.join('\n'))).toBeGreaterThan(2 << 20);
    expect(seen).toEqual(lines);
  });
});
