import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO, StepStats } from '@tfpairs/core';
import { renderStepsText, stepFindingsText } from './audit';
import { auditCommand, compareCommand } from './cli';
import { compareRuns, qualityPairs, renderCompareText } from './compare';
import { writeReport } from './html';
import { formatOutcomeRate, qualityMetrics } from './metrics';
import { loadBuildOutput } from './output';
import { draft, task, writeRun } from './testing';

/**
 * Intent, lint and security rates and per-step stats, read from manifests written by the real writer
 * with counters named as the intent, lint and security stages name them.
 */
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

// run A: gold 8 pass, 1 fail, 1 error -> pass@1 80 %; model gpt-4.1 (a dotted name) 3 pass of 3 + 1 + 2 = 6 -> 50 %
const METRICS_A = {
  'policy.gold.pass': 8,
  'policy.gold.fail': 1,
  'policy.gold.error': 1,
  'policy.gold.dropped': 2, // not an outcome: in no rate
  'policy.source.gold.pass': 8,
  'policy.source.gold.fail': 1,
  'policy.source.gold.error': 1,
  'policy.candidate.pass': 3,
  'policy.candidate.fail': 1,
  'policy.candidate.error': 2,
  'policy.source.gpt-4.1.pass': 3,
  'policy.source.gpt-4.1.fail': 1,
  'policy.source.gpt-4.1.error': 2,
  'policy.false-rule.data.terraform.validation.valid': 4,
  'policy.false-rule.data.main.allow': 4,
  'policy.false-rule.data.x.has_bucket': 1,
  'lint.gold.pass': 9,
  'lint.gold.fail': 1,
  'lint.source.gpt-4.1.pass': 1,
  'lint.source.gpt-4.1.fail': 3,
  'lint.rule.terraform_required_providers': 4,
  'security.gold.compliant': 6,
  'security.gold.noncompliant': 4,
  'security.source.gpt-4.1.noncompliant': 4,
  'security.check.CKV_AWS_18': 7,
  'security.check.CKV2_AWS_6': 2,
};
// run B: the model got better at intent (5 of 6) and security (1 of 4); lint was not run
const METRICS_B = {
  'policy.gold.pass': 8,
  'policy.gold.fail': 1,
  'policy.gold.error': 1,
  'policy.source.gpt-4.1.pass': 5,
  'policy.source.gpt-4.1.fail': 1,
  'security.source.gpt-4.1.compliant': 1,
  'security.source.gpt-4.1.noncompliant': 3,
  'policy.false-rule.data.main.allow': 1,
};

const STEPS: StepStats[] = [
  { name: 'ingest', version: '0.1.0', in: 0, out: 3, dropped: 0, findings: {}, ms: 12 },
  { name: 'intent', version: null, in: 3, out: 3, dropped: 1, findings: { 'intent-failed': 2, 'intent-error': 5 }, ms: 340 },
];

function captureIO(): { io: CliIO; out: () => string } {
  let text = '';
  const io: CliIO = { stdin: process.stdin, stdout: { write: (s: string) => ((text += s), true) }, stderr: { write: () => true }, cwd: '/', env: {} };
  return { io, out: () => text };
}

async function run(metrics: Record<string, number>, steps?: StepStats[]): Promise<string> {
  const dir = tmp('tfpairs-quality-');
  await writeRun(dir, [task({ prompt: 'Make a bucket', gold: 'resource "a" "b" {}\n', line: 1, candidates: [draft('c1', 'x', 'gpt-4.1', [])] })], { metrics, steps });
  return dir;
}

describe('qualityMetrics', () => {
  it('pass@1 is pass / (pass + fail + error) per role and per model; dotted model names and rule names survive', () => {
    const q = qualityMetrics(groupsOf(METRICS_A));
    // source.gold repeats gold exactly, so it is folded into the gold row
    expect(q.rows.map((r) => `${r.group}:${r.name}`)).toEqual(['role:gold', 'role:candidate', 'source:gpt-4.1']);
    const [gold, , model] = q.rows;
    expect(gold!.rates.intent).toEqual({ passed: 8, failed: { error: 1, fail: 1 }, total: 10, rate: 0.8 });
    expect(model!.rates.intent!.rate).toBe(0.5);
    expect(model!.rates.lint).toMatchObject({ passed: 1, total: 4, rate: 0.25 });
    expect(model!.rates.security).toMatchObject({ passed: 0, total: 4, rate: 0 });
    expect(gold!.rates.security!.rate).toBe(0.6);
    // the candidate role had no lint or security counters: no rate, shown as '-'
    expect(q.rows[1]!.rates.lint).toBeUndefined();
    expect(formatOutcomeRate(q.rows[1]!.rates.lint)).toBe('-');
    expect(formatOutcomeRate(gold!.rates.intent)).toBe('80.0% (8/10)');
    // ties by name; the top list is cut at `top`
    expect(q.top.intent).toEqual([
      { name: 'data.main.allow', n: 4 },
      { name: 'data.terraform.validation.valid', n: 4 },
      { name: 'data.x.has_bucket', n: 1 },
    ]);
    expect(qualityMetrics(groupsOf(METRICS_A), 1).top.security).toEqual([{ name: 'CKV_AWS_18', n: 7 }]);
    expect(q.top.lint).toEqual([{ name: 'terraform_required_providers', n: 4 }]);
  });

  it('a source that differs from the role of its name keeps its own row; a run without these stages has none', () => {
    const q = qualityMetrics(groupsOf({ 'policy.gold.pass': 2, 'policy.source.gold.pass': 1, 'policy.source.gold.fail': 1 }));
    expect(q.rows.map((r) => `${r.group}:${r.name}`)).toEqual(['role:gold', 'source:gold']);
    expect(qualityMetrics({ verify: { 'gold.valid': 3 } })).toEqual({ rows: [], top: { intent: [], lint: [], security: [] } });
  });
});

describe('report, compare and audit show what the manifest holds', () => {
  it('the report has the rates table, the three top lists and the step table with its chart', async () => {
    const dir = await run(METRICS_A, STEPS);
    const html = readFileSync((await writeReport(dir))!, 'utf8');
    const quality = /<table id="quality-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(quality).toContain('<td>model gpt-4.1</td><td class="n">50.0% (3/6)</td><td class="n">25.0% (1/4)</td><td class="n">0.0% (0/4)</td>');
    expect(quality).toContain('<td>gold</td><td class="n">80.0% (8/10)</td><td class="n">90.0% (9/10)</td><td class="n">60.0% (6/10)</td>');
    expect(html).toContain('<td>data.terraform.validation.valid</td><td class="n">4</td>');
    expect(html).toContain('<td>CKV_AWS_18</td><td class="n">7</td>');
    expect(html).toContain('data-chart="quality-rates"');
    const steps = /<table id="steps-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(steps).toContain('<td>intent</td><td>-</td><td class="n">3</td><td class="n">3</td><td class="n">1</td><td>intent-error 5, intent-failed 2</td><td class="n">340</td>');
    expect(html).toContain('data-chart="step-times"');
  });

  it('a manifest without steps or these metrics says so instead of drawing empty charts', async () => {
    const html = readFileSync((await writeReport(await run({})))!, 'utf8');
    expect(html).toContain('This run recorded no intent, lint or security results.');
    expect(html).toContain('manifest.json has no per-step stats');
    expect(html).not.toContain('data-chart="step-times"');
  });

  it('compare puts the rates of both runs side by side, in text, JSON and HTML', async () => {
    const [a, b] = [await run(METRICS_A), await run(METRICS_B)];
    const c = compareRuns(await loadBuildOutput(a, { pairs: true }), await loadBuildOutput(b, { pairs: true }));
    const model = qualityPairs(c.a.quality, c.b.quality).find((p) => p.name === 'gpt-4.1')!;
    expect([model.a.intent?.rate, model.b.intent?.rate]).toEqual([0.5, 5 / 6]);
    expect(model.b.lint).toBeUndefined();
    const text = renderCompareText(c);
    expect(text).toMatch(/model gpt-4\.1\s+intent pass@1\s+50\.0% \(3\/6\)\s+83\.3% \(5\/6\)\s+\+33\.3 pp/);
    expect(text).toMatch(/model gpt-4\.1\s+lint pass\s+25\.0% \(1\/4\)\s+-\s+-/);
    expect(text).toMatch(/model gpt-4\.1\s+security compliant\s+0\.0% \(0\/4\)\s+25\.0% \(1\/4\)\s+\+25\.0 pp/);
    expect(text).toMatch(/data\.main\.allow\s+4\s+1/);

    const json = captureIO();
    expect(await compareCommand([a, b, '--json'], json.io)).toBe(0);
    const parsed = JSON.parse(json.out()) as { b: { quality: { rows: { name: string; rates: { intent?: { passed: number } } }[] } } };
    expect(parsed.b.quality.rows.find((r) => r.name === 'gpt-4.1')!.rates.intent!.passed).toBe(5);

    const html = captureIO();
    expect(await compareCommand([a, b, '--html'], html.io)).toBe(0);
    const page = readFileSync(join(b, 'report.html'), 'utf8');
    const table = /<table id="compare-quality">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    expect(table).toContain('<td>model gpt-4.1</td><td class="n">50.0% (3/6)</td><td class="n">83.3% (5/6)</td><td class="n">+33.3 pp</td>');
  });

  it('audit --steps prints one line per step, and --json gives the manifest steps', async () => {
    const dir = await run({}, STEPS);
    const text = captureIO();
    expect(await auditCommand([dir, '--steps'], text.io)).toBe(0);
    expect(text.out()).toContain('2 steps, 352 ms inside steps');
    expect(text.out()).toMatch(/\nintent\s+-\s+3\s+3\s+1\s+340\s+intent-error 5, intent-failed 2\n/);
    expect(text.out()).toMatch(/\ningest\s+0\.1\.0\s+0\s+3\s+0\s+12\s+-\n/);
    const json = captureIO();
    expect(await auditCommand([dir, '--steps', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out()).steps).toEqual(STEPS);
    expect(renderStepsText('old-run', undefined)).toContain('no per-step stats');
    expect(stepFindingsText({})).toBe('-');
  });
});

/** `policy.gold.pass` → `{ policy: { 'gold.pass': n } }`, as the writer groups counters. */
function groupsOf(flat: Record<string, number>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [key, n] of Object.entries(flat)) {
    const dot = key.indexOf('.');
    (out[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = n;
  }
  return out;
}
