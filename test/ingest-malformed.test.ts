import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, createRunContext, parseConfig, pipe } from '@tfpairs/core';
import { dedupStage } from '@tfpairs/filter';
import { ingestInputs } from '@tfpairs/ingest';
import { REPO } from './paths';

const FIXTURES = join(REPO, 'test', 'fixtures', 'malformed');

interface Expected {
  path: string;
  line: number;
  status: 'kept' | 'dropped';
  code: string | null;
  candidates?: number;
}

describe('malformed corpus (test/fixtures/malformed, expectations in expected.json)', () => {
  it('accounts for every record: kept or dropped with the right code at the right line', async () => {
    const expected = (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { records: Expected[] }).records;
    const ctx = createRunContext(parseConfig({ inputs: ['bad.jsonl', 'bad.csv', 'truncated.csv', 'folder'] }), { cwd: FIXTURES });
    const records = await collect(pipe(ingestInputs(ctx), dedupStage(ctx)));
    const got = records.map((r) => ({
      path: r.provenance.source.path,
      line: r.provenance.source.line,
      status: r.status,
      code: r.findings.find((f) => f.dropped)?.code ?? null,
      ...(r.status === 'kept' ? { candidates: r.candidates.length } : {}),
    }));
    const key = (e: { path: string; line: number }) => `${e.path}:${e.line}`;
    const want = expected.map(({ path, line, status, code, candidates }) => ({ path, line, status, code, ...(status === 'kept' ? { candidates } : {}) }));
    expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...want].sort((a, b) => key(a).localeCompare(key(b))));
    // each drop carries a human-readable detail naming the problem
    for (const r of records.filter((x) => x.status === 'dropped')) expect(r.findings.find((f) => f.dropped)!.detail.length).toBeGreaterThan(5);
  });

  it('emits CSV rows in file order, bad rows included', async () => {
    const ctx = createRunContext(parseConfig({ inputs: ['truncated.csv', 'bad.csv'] }), { cwd: FIXTURES });
    const records = await collect(ingestInputs(ctx));
    for (const path of ['truncated.csv', 'bad.csv']) {
      const lines = records.filter((r) => r.provenance.source.path === path).map((r) => r.provenance.source.line);
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    }
  });
});
