import { describe, expect, it } from 'vitest';
import { extractCode } from './extract';
import { formatHcl, formatValidHcl } from './fmt';
import { stripValidComments } from './strip-comments';
import { normaliseAnswer } from './normalise';
import { loadIacEvalReferences, loadIacEvalRows } from './testing';

// the two shared IaC-Eval CSVs: 140 gold references and 140 real deepseek-coder-v2 drafts
const rows = loadIacEvalRows();
const references = loadIacEvalReferences();

describe('IaC-Eval corpus', () => {
  it('has 140 references and 140 drafts', () => {
    expect(rows).toHaveLength(140);
    expect(references).toHaveLength(140);
  });

  it('formats every reference without errors, and a second pass changes nothing (fmt -check passes)', async () => {
    let changed = 0;
    for (const [i, reference] of references.entries()) {
      const once = await formatHcl(reference);
      expect(once.diagnostics, `reference ${i}`).toEqual([]);
      if (once.text !== reference) changed += 1;
      expect((await formatHcl(once.text)).text, `reference ${i}`).toBe(once.text);
    }
    // the references were not all terraform-fmt'ed by their authors: the first pass must do something
    expect(changed).toBeGreaterThan(0);
  });

  it('extracts every real draft: one closed ```hcl block, verbatim', () => {
    for (const [i, { draft }] of rows.entries()) {
      const extraction = extractCode(draft);
      expect(extraction.findings, `draft ${i}`).toEqual([]);
      expect(extraction.truncated).toBe(false);
      const body = /```hcl\n([\s\S]*?)\n```/.exec(draft)![1]!;
      expect(extraction.code, `draft ${i}`).toBe(`${body.replace(/\s+$/, '')}\n`);
    }
  });

  it('normalises every draft idempotently (extract + fmt + strip-comments)', async () => {
    let formatted = 0;
    for (const [i, { draft }] of rows.entries()) {
      const first = await normaliseAnswer(draft, { format: true, stripComments: true, isAnswer: true });
      expect(first.code, `draft ${i}`).not.toBeNull();
      expect(first.revisions[0]?.stage).toBe('extract');
      if (first.revisions.some((r) => r.stage === 'fmt')) formatted += 1;
      const again = await normaliseAnswer(first.code!, { format: true, stripComments: true, isAnswer: false });
      expect(again.code, `draft ${i}`).toBe(first.code);
      expect(again.revisions).toEqual([]);
    }
    expect(formatted).toBeGreaterThan(0);
  });

  it('normalises every reference idempotently with comments stripped', async () => {
    for (const [i, reference] of references.entries()) {
      const first = await normaliseAnswer(reference, { format: true, stripComments: true, isAnswer: false });
      expect(first.findings, `reference ${i}`).toEqual([]);
      expect(first.code).not.toMatch(/^\s*(#|\/\/)/m);
      const again = await normaliseAnswer(first.code!, { format: true, stripComments: true, isAnswer: false });
      expect(again.code, `reference ${i}`).toBe(first.code);
    }
  });

  it('strips comments before formatting with the bytes of fmt, strip, fmt (references and drafts, with comments added)', async () => {
    const texts = [...references, ...rows.map((r) => extractCode(r.draft).code ?? '')];
    // comments where fmt moves things: trailing, own lines, between `=` and a value, before a block
    const variants = texts.flatMap((t) => {
      const lines = t.split('\n');
      return [
        t,
        lines.map((l, j) => (j % 3 === 0 && l.trim() ? `${l}   # note ${j}` : l)).join('\n'),
        lines.map((l, j) => (j % 4 === 1 ? `  // about ${j}\n${l}` : l)).join('\n'),
        t.replace(/ = /g, (m, k: number) => (k % 5 === 0 ? ' = /* c */ ' : m)),
        lines.map((l, j) => (j % 5 === 2 && !l.trim() ? `\n# lone ${j}\n` : l)).join('\n'),
      ];
    });
    let stripped = 0;
    for (const [i, text] of variants.entries()) {
      const once = await normaliseAnswer(text, { format: true, stripComments: true, isAnswer: false });
      if (once.findings.length > 0) continue; // not valid HCL: kept as it is either way
      const formatted = await formatValidHcl(text.endsWith('\n') ? text : `${text}\n`);
      const twice = await stripValidComments(formatted.text, 'main.tf', { reformat: true });
      expect(once.code, `variant ${i}`).toBe(twice.endsWith('\n') ? twice : `${twice}\n`);
      if (once.revisions.some((r) => r.stage === 'strip-comments')) stripped += 1;
    }
    expect(stripped).toBeGreaterThan(variants.length / 2);
  });
});
