import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deepFreeze,
  diagnostic,
  finding,
  newArtifact,
  readNdjson,
  reviseArtifact,
  updateRecord,
  type CliIO,
} from '@tfpairs/core';
import { auditCommand } from '@tfpairs/report/cli';
import type { AuditSummary } from '@tfpairs/report';
import { diagAt, draft, task, writeRun } from '@tfpairs/report/testing';
import { REPO } from './paths';
import { cli } from './cli';

const SAMPLE = ['data/sample/tasks.jsonl', 'data/sample/iac-eval-style.csv', 'data/sample/tasks-folder'];
const MALFORMED_DIR = join(REPO, 'test', 'fixtures', 'malformed');
const MALFORMED = ['bad.jsonl', 'bad.csv', 'truncated.csv', 'folder'].map((f) => join('test', 'fixtures', 'malformed', f));

async function build(inputs: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'tfpairs-audit-'));
  await cli(['build', '--offline', '--no-report', ...inputs.flatMap((i) => ['--input', i]), '--out', out], { cwd: REPO });
  return out;
}

async function audit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdin: process.stdin,
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    cwd: REPO,
    env: {},
  };
  const code = await auditCommand(args, io);
  return { code, stdout, stderr };
}

interface AuditFileLine {
  id: string | null;
  stage: string;
  code: string;
  severity: string;
  dropped: boolean;
  split: string | null;
}

/** Checks `tfpairs audit --json` against manifest.json and, independently, against audit.jsonl itself. */
async function expectAuditAgreesWithManifest(out: string): Promise<AuditSummary> {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const lines = await readNdjson<AuditFileLine>(join(out, 'audit.jsonl'));
  const { code, stdout, stderr } = await audit(['--json', out]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const summary = JSON.parse(stdout) as AuditSummary;
  const c = manifest.counts;
  expect(summary.mismatches).toEqual([]);
  expect(summary.totals).toEqual({ input: c.input, kept: c.kept, dropped: c.dropped, splits: c.splits });
  expect(summary.findings).toBe(lines.length);
  const sum = (pick: (r: AuditSummary['rows'][number]) => number, where: (r: AuditSummary['rows'][number]) => boolean = () => true) =>
    summary.rows.filter(where).reduce((n, r) => n + pick(r), 0);
  expect(sum((r) => r.dropped)).toBe(c.dropped);
  for (const [code, n] of Object.entries(c.dropCodes)) expect(sum((r) => r.dropped, (r) => r.code === code)).toBe(n);
  for (const [code, n] of Object.entries(c.findingCodes)) expect(sum((r) => r.findings, (r) => r.code === code)).toBe(n);
  for (const [stage, s] of Object.entries(c.byStage) as [string, { dropped: number; warnings: number; errors: number }][]) {
    expect(sum((r) => r.dropped, (r) => r.stage === stage)).toBe(s.dropped);
    expect(sum((r) => r.warnings, (r) => r.stage === stage)).toBe(s.warnings);
    expect(sum((r) => r.errors, (r) => r.stage === stage)).toBe(s.errors);
  }
  expect(sum((r) => r.findings)).toBe(lines.length);
  expect(Math.abs(sum((r) => r.share) - 1)).toBeLessThan(1e-9);
  return summary;
}

describe('tfpairs audit on real build outputs', () => {
  let sample: string;
  let malformed: string;
  beforeAll(async () => {
    [sample, malformed] = await Promise.all([build(SAMPLE), build(MALFORMED)]);
  });

  it('counts agree with manifest.json exactly on data/sample', async () => {
    const summary = await expectAuditAgreesWithManifest(sample);
    expect(summary.totals.dropped).toBeGreaterThan(0);
    expect(summary.rows.map((r) => r.code)).toContain('duplicate');
  });

  it('counts agree with manifest.json exactly on the malformed corpus, and match its expected drops', async () => {
    const summary = await expectAuditAgreesWithManifest(malformed);
    const expected = JSON.parse(readFileSync(join(MALFORMED_DIR, 'expected.json'), 'utf8')) as { records: { status: string; code: string | null }[] };
    const expectedDrops = new Map<string, number>();
    for (const r of expected.records) if (r.status === 'dropped') expectedDrops.set(r.code!, (expectedDrops.get(r.code!) ?? 0) + 1);
    const ingestDrops = new Map(summary.rows.filter((r) => r.stage === 'ingest' && r.dropped > 0).map((r) => [r.code, r.dropped]));
    expect(ingestDrops).toEqual(expectedDrops);
    // every example points at a real file and line
    for (const r of summary.rows) expect(r.example.source).toMatch(/^test\/fixtures\/malformed\/.+:\d+$/);
  });

  it('filters by stage, code, severity, split and dropped', async () => {
    const all = JSON.parse((await audit(['--json', malformed])).stdout) as AuditSummary;
    const lines = await readNdjson<AuditFileLine>(join(malformed, 'audit.jsonl'));
    const count = (f: (l: AuditFileLine) => boolean) => lines.filter(f).length;

    const onlyDrops = JSON.parse((await audit(['--json', '-dropped', malformed])).stdout) as AuditSummary;
    expect(onlyDrops.findings).toBe(count((l) => l.dropped));
    const notDrops = JSON.parse((await audit(['--json', '--dropped=false', malformed])).stdout) as AuditSummary;
    expect(notDrops.findings).toBe(count((l) => !l.dropped));
    expect(onlyDrops.findings + notDrops.findings).toBe(all.findings);

    const byCode = JSON.parse((await audit(['--json', '--code', 'bad-json,csv-column-count', malformed])).stdout) as AuditSummary;
    expect(byCode.rows.map((r) => r.code).sort()).toEqual(['bad-json', 'csv-column-count']);
    expect(byCode.findings).toBe(count((l) => l.code === 'bad-json' || l.code === 'csv-column-count'));

    const ingestErrors = JSON.parse((await audit(['--json', '--stage=ingest', '--severity', 'error', malformed])).stdout) as AuditSummary;
    expect(ingestErrors.findings).toBe(count((l) => l.stage === 'ingest' && l.severity === 'error'));
    expect(ingestErrors.rows.every((r) => r.stage === 'ingest' && r.warnings === 0)).toBe(true);

    const noSplit = JSON.parse((await audit(['--json', '--split', 'none', malformed])).stdout) as AuditSummary;
    expect(noSplit.findings).toBe(count((l) => l.split === null));
    const train = JSON.parse((await audit(['--json', '--split', 'train', malformed])).stdout) as AuditSummary;
    expect(train.findings).toBe(count((l) => l.split === 'train'));
    // filters narrow the table, never the totals
    expect(train.totals).toEqual(all.totals);

    const text = await audit(['--stage', 'ingest', malformed]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/STAGE\s+CODE\s+DROPPED\s+FINDINGS/);
    expect(text.stdout).toMatch(/ingest\s+bad-json\s+1\s+1/);
    expect(text.stdout).toContain('test/fixtures/malformed/bad.jsonl:3');

    expect((await audit(['--severity', 'fatal', malformed])).code).toBe(1);
    expect((await audit(['--split', 'dev', malformed])).code).toBe(1);
    expect((await audit([])).code).toBe(1);
    expect((await audit([join(malformed, 'tf-gen')])).stderr).toMatch(/not a tfpairs build output/);
  });

  it('says so, and exits 1, when the files disagree with manifest.json', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'tfpairs-audit-tampered-'));
    cpSync(sample, copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
    manifest.counts.dropCodes.duplicate += 1;
    manifest.counts.kept -= 1;
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest));
    const { code, stderr } = await audit([copy]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/dropCodes\.duplicate: manifest\.json says \d+, audit\.jsonl drop lines gives \d+/);
    expect(stderr).toMatch(/kept: manifest\.json says \d+, tf-gen\/\*\.jsonl lines gives \d+/);
  });

  it('--show tells a dropped record\'s story with the diagnostic as terraform prints it', async () => {
    const lines = await readNdjson<AuditFileLine & { source: { path: string; line: number } }>(join(sample, 'audit.jsonl'));
    const drop = lines.find((l) => l.dropped && l.code === 'hcl-syntax')!;
    expect(drop).toBeDefined();
    const { code, stdout } = await audit([sample, '--show', drop.id!]);
    expect(code).toBe(0);
    expect(stdout).toContain(`record ${drop.id} — DROPPED by verify (hcl-syntax)`);
    expect(stdout).toContain(`source:  ${drop.source.path}:${drop.source.line}`);
    expect(stdout).toMatch(/── prompt ──\n {4}\S/);
    expect(stdout).toMatch(/\[verify\] hcl-syntax \(gold\) — DROPPED the record\n {6}Error: Gold does not verify: .+\n\n {8}on main\.tf line \d+/);
    expect(stdout).toMatch(/── gold \[.+, reference\]/);

    // by FILE:LINE too, and as JSON
    const bySource = await audit([sample, '--show', `${drop.source.path}:${drop.source.line}`, '--json']);
    const parsed = JSON.parse(bySource.stdout) as { matches: { record: { id: string; status: string }; audit: unknown[] }[] };
    expect(parsed.matches).toHaveLength(1);
    expect(parsed.matches[0]!.record).toMatchObject({ id: drop.id, status: 'dropped' });
    expect(parsed.matches[0]!.audit).toHaveLength(1);

    const missing = await audit([sample, '--show', 'ffffffffffffffff']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no record "ffffffffffffffff"/);
  });

  it('--show tells a kept record\'s story: split, stages, gold and every candidate', async () => {
    const records = await readNdjson<{ id: string; status: string; split: string; candidates: { id: string; raw: string }[]; provenance: { source: { path: string; line: number } } }>(
      join(sample, 'records.jsonl'),
    );
    const kept = records.find((r) => r.status === 'kept' && r.candidates.length >= 2)!;
    expect(kept).toBeDefined();
    const { code, stdout } = await audit([sample, '--show', kept.id.slice(0, 8)]);
    expect(code).toBe(0);
    expect(stdout.startsWith(`═══ record ${kept.id} — kept (${kept.split}) ═══`)).toBe(true);
    expect(stdout).toMatch(/stages: {2}ingest \S+ → /);
    for (const [i, c] of kept.candidates.entries()) expect(stdout).toContain(`── candidate ${i + 1}/${kept.candidates.length} [${c.id}, `);
    expect(stdout).toContain(`source:  ${kept.provenance.source.path}:${kept.provenance.source.line}`);
  });
});

describe('tfpairs audit --show on a repaired record', () => {
  it('prints each stage\'s before/after, the diagnostics as terraform prints them and the repair trajectory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tfpairs-audit-repair-'));
    const raw = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n  acl="private"\n}\n';
    const formatted = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n  acl    = "private"\n}\n';
    const fixed = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n';
    const turnDiag = diagAt('error', 'Unsupported argument', 3, 'An argument named "acl" is not expected here.');
    let d = draft('c-draft01', raw, 'gpt-4o', []);
    d = reviseArtifact(d, 'normalise', formatted, { verdict: 'invalid', diagnostics: [turnDiag] });
    const repaired = newArtifact('c-repair01', 'repaired', fixed, {
      verdict: 'valid',
      verifiedBy: 'embedded',
      repairedFrom: 'c-draft01',
      generation: { model: 'gpt-4o' },
      trajectory: [
        {
          messages: [
            { role: 'user', content: 'Fix this configuration: UNIQUE-TURN-1-PROMPT' },
          ],
          answer: 'Here you go: UNIQUE-TURN-1-ANSWER',
          code: formatted,
          diagnostics: [diagAt('error', 'Still unsupported argument', 3)],
        },
        {
          messages: [
            { role: 'user', content: 'Fix this configuration: UNIQUE-TURN-1-PROMPT' },
            { role: 'assistant', content: 'Here you go: UNIQUE-TURN-1-ANSWER' },
            { role: 'user', content: 'terraform still says: UNIQUE-TURN-2-PROMPT' },
          ],
          answer: 'UNIQUE-TURN-2-ANSWER',
          code: fixed,
          diagnostics: [],
        },
      ],
    });
    const base = task({ prompt: 'A private S3 bucket for logs', gold: fixed, line: 4, split: 'train' });
    const record = deepFreeze(
      updateRecord(base, {
        candidates: [d, repaired],
        findings: [finding('repair', 'repaired', diagnostic('warning', 'Draft repaired in 2 turns', 'c-draft01 -> c-repair01'), 'candidate:c-repair01')],
      }),
    );
    await writeRun(out, [record]);
    const { code, stdout } = await audit([out, '--show', record.id!]);
    expect(code).toBe(0);
    expect(stdout).toContain('source:  fixture.jsonl:4 (jsonl)');
    expect(stdout).toContain('── candidate 1/2 [c-draft01, generated] — verdict invalid (embedded) ──');
    expect(stdout).toContain('generation: model gpt-4o');
    // before/after normalise as a diff
    expect(stdout).toMatch(/after normalise:\n(.*\n)*? {4}-  acl="private"\n {4}\+  acl {4}= "private"/);
    // terraform's rendering of the draft's diagnostic
    expect(stdout).toContain('    Error: Unsupported argument\n\n      on main.tf line 3:\n\n    An argument named "acl" is not expected here.');
    expect(stdout).toContain('── candidate 2/2 [c-repair01, repaired] — verdict valid (embedded) ──');
    expect(stdout).toContain('repaired from: c-draft01');
    expect(stdout).toContain('[repair] repaired (candidate:c-repair01)');
    expect(stdout).toContain('repair trajectory (2 turns):');
    // each turn prints only its new messages
    expect(stdout.split('UNIQUE-TURN-1-PROMPT')).toHaveLength(2);
    expect(stdout).toMatch(/turn 2:\n {6}assistant:\n {8}Here you go: UNIQUE-TURN-1-ANSWER\n {6}user:\n {8}terraform still says: UNIQUE-TURN-2-PROMPT/);
    expect(stdout).toContain('Error: Still unsupported argument');
    expect(stdout).toContain('diagnostics after this turn: none');
  });
});
