import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '@tfpairs/core';
import { task, writeRun } from '@tfpairs/report/testing';
import { DRAFTS_CSV, requireShared } from '../../../test/paths';
import { seededRandom } from '@tfpairs/core';
import { percentileInterval, resampleIndices } from './bootstrap';
import { evalCommand } from './cli';
import { comparePaired, METRICS, scorePrediction, summarise, type Metric } from './evaluate';
import { matchPredictions, readPredictions, type Reference } from './inputs';
import { loadLintChecker, loadSecurityChecker } from './checks';
import { loadIntentChecker, loadPlanner } from './intent';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tfpairs-eval-'));
  dirs.push(d);
  return d;
};

function io(cwd: string) {
  const out = { stdout: '', stderr: '' };
  const cli: CliIO = {
    stdin: Readable.from([]),
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    cwd,
    env: {},
  };
  return { cli, out };
}

const GOLD = `resource "aws_s3_bucket" "b" {
  bucket = "acme-logs"
}

resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
`;
const BROKEN = 'resource "aws_s3_bucket" "b" {\n  bucket = "acme-logs"\n  bogus_argument = 1\n  other_bogus = 2\n}\n';
const ref = (over: Partial<Reference> = {}): Reference => ({ id: 'r1', prompt: 'Make a versioned bucket', code: GOLD, split: null, intent: null, source: 'x:1', ...over });

describe('bootstrap', () => {
  it('is seeded: the same seed gives the same resamples, another seed others', () => {
    expect(resampleIndices(10, { resamples: 5, seed: 7 })).toEqual(resampleIndices(10, { resamples: 5, seed: 7 }));
    expect(resampleIndices(10, { resamples: 5, seed: 7 })).not.toEqual(resampleIndices(10, { resamples: 5, seed: 8 }));
    const r = seededRandom(1);
    for (let i = 0; i < 1000; i++) expect(r()).toBeGreaterThanOrEqual(0);
  });

  it('percentile interval interpolates between order statistics (numpy default) and ignores undefined resamples', () => {
    // 0..100: the 2.5th and 97.5th percentiles are 2.5 and 97.5
    const i = percentileInterval([...Array(101).keys()].reverse())!;
    expect(i.lo).toBeCloseTo(2.5, 9);
    expect(i.hi).toBeCloseTo(97.5, 9);
    expect(percentileInterval([null, 1, null])).toEqual({ lo: 1, hi: 1 });
    expect(percentileInterval([null])).toBeNull();
  });

  it('the interval of a pass rate brackets it and narrows with more data', () => {
    const coin = (n: number) => Array.from({ length: n }, (_, i) => ({ verdict: i % 2 ? 'valid' : 'invalid' }) as never);
    const width = (n: number) => {
      const items = coin(n);
      const s = summarise(items.map((x: { verdict: string }) => ({ ...ITEM, verdict: x.verdict })) as never, { resamples: 400 });
      const e = s.metrics.syntaxPass;
      expect(e.lo!).toBeLessThanOrEqual(e.value!);
      expect(e.hi!).toBeGreaterThanOrEqual(e.value!);
      return e.hi! - e.lo!;
    };
    expect(width(400)).toBeLessThan(width(40));
  });
});

// a scored prediction's shape for aggregation tests (filled from a real scoring in beforeAll-free style)
const ITEM = {
  id: 'x',
  source: 's:1',
  split: null,
  code: '',
  stats: { bleu: { numerators: [1, 1, 1, 1], denominators: [1, 1, 1, 1] }, weighted: { numerators: [1, 1, 1, 1], denominators: [1, 1, 1, 1] }, hypLen: 4, refLen: 4, syntax: { matched: 1, total: 1 }, dataflow: { matched: 0, total: 0 } },
  codebleu: { codebleu: 1, ngramMatch: 1, weightedNgramMatch: 1, syntaxMatch: 1, dataflowMatch: null },
  verdict: 'valid',
  diagnostics: [],
  errorLines: 0,
  intent: null,
};

describe('scoring one prediction', () => {
  it('the gold itself, as a fenced model answer: CodeBLEU 1, valid, no error line', async () => {
    const s = await scorePrediction({ id: 'r1', prompt: null, completion: `Here it is:\n\n\`\`\`hcl\n${GOLD}\`\`\`\n`, source: 'p:1' }, ref());
    expect(s.code).toBe(GOLD);
    expect(s.codebleu.codebleu).toBeCloseTo(1, 12);
    expect(s.verdict).toBe('valid');
    expect(s.errorLines).toBe(0);
    expect(s.intent).toBeNull();
  });

  it('unsupported arguments on two lines: invalid, two unique error lines (IaC-DPO definition)', async () => {
    const s = await scorePrediction({ id: 'r1', prompt: null, completion: BROKEN, source: 'p:1' }, ref());
    expect(s.verdict).toBe('invalid');
    expect(new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.range?.start.line))).toEqual(new Set([3, 4]));
    expect(s.errorLines).toBe(2);
    expect(s.codebleu.codebleu).toBeLessThan(1);
  });

  it('an answer without code is invalid and names no line', async () => {
    const s = await scorePrediction({ id: 'r1', prompt: null, completion: '   ', source: 'p:1' }, ref());
    expect(s.code).toBeNull();
    expect(s.verdict).toBe('invalid');
    expect(s.errorLines).toBe(0);
    expect(s.codebleu.ngramMatch).toBe(0);
  });
});

describe('inputs', () => {
  it('reads {id, completion}, TRL {prompt, completion} and conversational lines; bad lines become diagnostics at file:line', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'p.jsonl'),
      [
        JSON.stringify({ id: 'r1', completion: GOLD }),
        '{not json',
        JSON.stringify({ prompt: [{ role: 'user', content: 'make a  VERSIONED bucket' }], completion: [{ role: 'assistant', content: BROKEN }] }),
        JSON.stringify({ foo: 1 }),
      ].join('\n'),
    );
    const p = await readPredictions('p.jsonl', dir);
    expect(p.items.map((i) => [i.id, i.prompt, i.source])).toEqual([
      ['r1', null, 'p.jsonl:1'],
      [null, 'make a  VERSIONED bucket', 'p.jsonl:3'],
    ]);
    expect(p.problems.map((d) => [d.summary, d.range?.start.line])).toEqual([
      ['Line is not JSON', 2],
      ['Not a prediction', 4],
    ]);
    // the second matches the same reference by normalised prompt: only the first counts (pass@1)
    const m = matchPredictions(p.items, [ref()]);
    expect(m.items).toHaveLength(1);
    expect(m.problems[0]!.summary).toBe('Second prediction for a reference');
    expect(matchPredictions([{ id: 'nope', prompt: null, completion: '', source: 'q:1' }], [ref()]).problems[0]!.summary).toBe('No reference for prediction');
  });

  it('the intent pass: plan + Rego policy through @tfpairs/plan and @tfpairs/policy; an invalid prediction fails without planning', async () => {
    const loaded = await loadIntentChecker();
    if (!('checker' in loaded)) throw new Error(loaded.reason);
    const policy = 'package terraform.validation\n\ndefault has_versioning = false\n\nhas_versioning {\n  some r in input.configuration.root_module.resources\n  r.type == "aws_s3_bucket_versioning"\n}\n';
    const withIntent = ref({ intent: policy });
    const good = await scorePrediction({ id: 'r1', prompt: null, completion: GOLD, source: 'p:1' }, withIntent, { intent: loaded.checker });
    expect(good.intent).toEqual({ status: 'pass' });
    const noVersioning = 'resource "aws_s3_bucket" "b" {\n  bucket = "acme-logs"\n}\n';
    const fails = await scorePrediction({ id: 'r1', prompt: null, completion: noVersioning, source: 'p:1' }, withIntent, { intent: loaded.checker });
    expect(fails.intent).toMatchObject({ status: 'fail' });
    const broken = await scorePrediction({ id: 'r1', prompt: null, completion: BROKEN, source: 'p:1' }, withIntent, { intent: loaded.checker });
    expect(broken.intent).toEqual({ status: 'fail', reason: 'does not validate' });
    expect((METRICS.intentPass as Metric)([good, fails, broken], () => null)).toBeCloseTo(1 / 3, 12);
  });

  it('lint pass and security compliance as build counts them: over valid predictions, on one shared plan', async () => {
    const planned = await loadPlanner();
    const [lint, security] = await Promise.all([loadLintChecker(), loadSecurityChecker(planned)]);
    if (!('checker' in lint)) throw new Error(lint.reason);
    if (!('checker' in security)) throw new Error(security.reason);
    const opts = { lint: lint.checker, security: security.checker };
    // an SSH group open to the world fails CKV_AWS_24; without a terraform block TFLint flags the providers
    const openSsh = 'resource "aws_security_group" "ssh" {\n  name = "ssh"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
    const sg = await scorePrediction({ id: 'r1', prompt: null, completion: openSsh, source: 'p:1' }, ref(), opts);
    expect(sg.security).toMatchObject({ status: 'checked' });
    expect(sg.security?.status === 'checked' && sg.security.failed).toContain('CKV_AWS_24');
    // no terraform block: TFLint's terraform_required_providers / _version
    expect(sg.lint?.rules).toEqual(expect.arrayContaining(['terraform_required_providers', 'terraform_required_version']));
    const clean = 'terraform {\n  required_version = ">= 1.5"\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n\nresource "aws_ssm_parameter" "p" {\n  name  = "p"\n  type  = "String"\n  value = "v"\n}\n';
    const ok = await scorePrediction({ id: 'r1', prompt: null, completion: clean, source: 'p:1' }, ref(), opts);
    expect(ok.lint).toEqual({ issues: 0, rules: [] });
    expect(ok.security).toEqual({ status: 'checked', failed: [] });
    const broken = await scorePrediction({ id: 'r1', prompt: null, completion: BROKEN, source: 'p:1' }, ref(), opts);
    expect([broken.lint, broken.security]).toEqual([null, null]);
    const items = [sg, ok, broken];
    expect((METRICS.lintPass as Metric)(items, () => null)).toBe(0.5);
    expect((METRICS.securityPass as Metric)(items, () => null)).toBe(0.5);
    expect(summarise(items, { resamples: 50 }).metrics.lintPass.n).toBe(2);
  });
});

describe('paired comparison', () => {
  it('a file against itself differs by 0 everywhere and nowhere significantly; gold vs broken differs', async () => {
    const refs = [ref(), ref({ id: 'r2', prompt: 'p2' }), ref({ id: 'r3', prompt: 'p3' }), ref({ id: 'r4', prompt: 'p4' })];
    const good = await Promise.all(refs.map((r) => scorePrediction({ id: r.id, prompt: null, completion: GOLD, source: 'a' }, r)));
    const bad = await Promise.all(refs.map((r) => scorePrediction({ id: r.id, prompt: null, completion: BROKEN, source: 'b' }, r)));
    const same = comparePaired(good, good, { resamples: 200 });
    expect(same.matched).toBe(4);
    for (const d of Object.values(same.metrics)) if (d.diff !== null) expect([d.diff, d.significant]).toEqual([0, false]);
    const worse = comparePaired(good, bad, { resamples: 200 });
    expect(worse.metrics.syntaxPass).toMatchObject({ a: 1, b: 0, diff: -1, lo: -1, hi: -1, significant: true });
    expect(worse.metrics.errorLines.diff).toBe(2);
    expect((METRICS.intentPass as Metric)(good, () => null)).toBeNull(); // no intent anywhere: undefined, not 0
  });
});

describe('tfpairs eval (in-process)', () => {
  it('scores the first 12 shared drafts against their golds: deterministic with a seed, CIs bracket the values', async () => {
    const rows = (parse(readFileSync(requireShared(DRAFTS_CSV)), { columns: true, bom: true }) as Record<string, string>[]).slice(0, 12);
    const dir = tmp();
    writeFileSync(join(dir, 'pred.jsonl'), rows.map((r) => JSON.stringify({ prompt: r.Prompt, completion: r['LLM Output #0'] })).join('\n'));
    const run = async () => {
      const { cli, out } = io(dir);
      expect(await evalCommand(['--predictions', 'pred.jsonl', '--references', DRAFTS_CSV, '--json', '--resamples', '200'], cli)).toBe(0);
      return JSON.parse(out.stdout);
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    const overall = a.runs[0].summary.overall;
    expect(a.runs[0].scored).toBe(12);
    for (const name of ['codebleu', 'syntaxPass', 'errorLines']) {
      const e = overall.metrics[name];
      expect(e.lo).toBeLessThanOrEqual(e.value);
      expect(e.hi).toBeGreaterThanOrEqual(e.value);
    }
    // 128 references not predicted: the summary is over the 12 predictions only
    expect(overall.predictions).toBe(12);
    // lint and security are measured (over the predictions that validate)
    expect(a.skipped).toEqual([]);
    expect(overall.metrics.lintPass.n).toBe(overall.metrics.securityPass.n + a.runs[0].items.filter((i: { security: { status: string } | null }) => i.security?.status === 'error').length);
    expect(overall.metrics.lintPass.n).toBe(a.runs[0].items.filter((i: { verdict: string }) => i.verdict === 'valid').length);
  });

  it('--against a build output: per split and overall; A B gives paired differences; bad arguments exit 1', async () => {
    const out = tmp();
    const records = [
      task({ prompt: 'Make a versioned bucket', gold: GOLD, line: 1, split: 'train' }),
      task({ prompt: 'Another bucket', gold: GOLD.replace('acme-logs', 'acme-data'), line: 2, split: 'val' }),
    ];
    await writeRun(out, records);
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), records.map((r) => JSON.stringify({ id: r.id, completion: r.gold!.raw })).join('\n'));
    writeFileSync(join(dir, 'b.jsonl'), records.map((r) => JSON.stringify({ id: r.id, completion: BROKEN })).join('\n'));
    const one = io(dir);
    expect(await evalCommand(['--predictions', 'a.jsonl', '--against', out], one.cli)).toBe(0);
    expect(one.out.stdout).toMatch(/TRAIN \(n=1\)/);
    expect(one.out.stdout).toMatch(/VAL \(n=1\)/);
    expect(one.out.stdout).toMatch(/OVERALL \(n=2\)/);
    const two = io(dir);
    expect(await evalCommand(['a.jsonl', 'b.jsonl', '--against', out, '--split', 'train'], two.cli)).toBe(0);
    expect(two.out.stdout).toMatch(/paired over 1 references/);
    const bad = io(dir);
    expect(await evalCommand(['--predictions', 'a.jsonl'], bad.cli)).toBe(1);
    expect(bad.out.stderr).toMatch(/exactly one of --against/);
  });
});
