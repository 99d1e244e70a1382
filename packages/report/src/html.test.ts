import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCounts } from './audit';
import { renderReportHtml, writeReport } from './html';
import { loadBuildOutput } from './output';
import { diagAt, draft, dropped, task, writeRun } from './testing';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('writeReport', () => {
  it('escapes whatever the data holds: no markup from prompts, code or diagnostics reaches the page', async () => {
    const out = tmp('tfpairs-html-');
    const evil = '</pre></details><script>alert(1)</script><img src="https://evil.example/x.png">';
    const kept = task({ prompt: `bucket ${evil}`, gold: 'resource "a" "b" {}\n', line: 1, candidates: [draft('c1', `# ${evil}\n`, 'm', [diagAt('error', evil, 1)])] });
    const gone = dropped(task({ prompt: `other ${evil}`, gold: 'resource "c" "d" {}\n', line: 2 }), 'verify', 'hcl-syntax', evil, evil);
    await writeRun(out, [kept, gone]);
    const path = await writeReport(out);
    expect(path).toBe(join(out, 'report.html'));
    const html = readFileSync(path!, 'utf8');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // exactly the page's own script and one drop story
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<details id="rec-\d+">/g)).toHaveLength(1);
  });

  it('writes a report for an empty run and returns null for a folder that is not a build output', async () => {
    const out = tmp('tfpairs-html-empty-');
    await writeRun(out, []);
    const html = readFileSync((await writeReport(out))!, 'utf8');
    expect(html).toContain('data-chart="funnel"');
    expect(html).toContain('No record was dropped.');
    expect(await writeReport(tmp('tfpairs-not-output-'))).toBeNull();
  });
});

describe('loadBuildOutput', () => {
  it("recordTexts 'dropped' leaves out kept records' code and nothing the report shows", async () => {
    const out = tmp('tfpairs-load-slim-');
    const kept = [1, 2, 3].map((line) =>
      task({ prompt: `p${line}`, gold: `resource "a" "b${line}" {}\n`, line, candidates: [draft(`c${line}`, `resource "x" "y" {\n`, 'm', [diagAt('error', 'Unclosed configuration block', 1)])] }),
    );
    const gone = dropped(task({ prompt: 'q', gold: 'resource "c" {\n', line: 4 }), 'verify', 'hcl-syntax', 'Unclosed configuration block', 'detail');
    await writeRun(out, [...kept, gone]);
    const full = await loadBuildOutput(out);
    const slim = await loadBuildOutput(out, { recordTexts: 'dropped' });
    expect(await renderReportHtml(slim)).toBe(await renderReportHtml(full));
    const keptSlim = slim.records!.filter((r) => r.status === 'kept');
    expect(keptSlim).toHaveLength(3);
    for (const r of keptSlim) expect([r.gold!.code, r.gold!.raw, ...r.candidates.map((c) => c.code)]).toEqual(['', '', '']);
    expect(full.records!.find((r) => r.status === 'kept')!.gold!.code).toContain('resource "a"');
    // a dropped record keeps its texts: its story shows them
    expect(slim.records!.find((r) => r.status === 'dropped')).toEqual(full.records!.find((r) => r.status === 'dropped'));
  });

  it('reports unreadable lines with file and line, and the counts then disagree with the manifest', async () => {
    const out = tmp('tfpairs-load-');
    const r = task({ prompt: 'p', gold: 'resource "a" "b" {}\n', line: 1 });
    await writeRun(out, [r, dropped(task({ prompt: 'q', gold: 'x', line: 2 }), 'verify', 'hcl-syntax', 'bad')]);
    appendFileSync(join(out, 'audit.jsonl'), '{"id": "x", "stage": \n{"id": null, "stage": "ingest"}\n');
    const output = await loadBuildOutput(out);
    expect(output.problems).toEqual([
      expect.stringMatching(/^audit\.jsonl:3: not JSON/),
      expect.stringMatching(/^audit\.jsonl:4: code: /),
    ]);
    // the drop and the writer's no-candidate warning survive; the two broken lines are reported
    expect(output.audit).toHaveLength(2);
    expect(checkCounts(output)).toEqual([]);
    // tf-gen lines that the manifest does not account for are caught
    const tfgen = join(out, 'tf-gen', `${r.split}.jsonl`);
    const lines = readFileSync(tfgen, 'utf8');
    appendFileSync(tfgen, lines);
    const mismatches = checkCounts(await loadBuildOutput(out)).map((m) => m.what);
    expect(mismatches).toEqual(expect.arrayContaining(['kept', 'input', `splits.${r.split}`, `corpora.tf-gen.${r.split}`]));
  });
});
