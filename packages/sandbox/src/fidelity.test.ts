import { describe, expect, it } from 'vitest';
import { diagnostic, type Diagnostic } from '@tfpairs/core';
import { compareConfiguration, compareDiagnostics, summarise } from './fidelity';

const at = (d: Diagnostic, line: number, filename = 'main.tf'): Diagnostic => ({
  ...d,
  range: { filename, start: { line, column: 1, byte: 0 }, end: { line, column: 2, byte: 1 } },
});

describe('compareDiagnostics', () => {
  it('pairs by severity, summary, file and line, each diagnostic once', () => {
    const embedded = [
      at(diagnostic('error', 'Unsupported argument', 'An argument named "a" is not expected here.'), 7),
      at(diagnostic('error', 'Unsupported argument', 'x'), 7),
      at(diagnostic('error', 'Missing required argument', 'y'), 3),
    ];
    const terraform = [
      at(diagnostic('error', 'Unsupported argument', 'An argument named "a" is not expected here. Did you mean "b"?'), 7),
      diagnostic('error', 'Missing required provider', 'z'),
      at(diagnostic('warning', 'Missing required argument', 'y'), 3),
    ];
    const c = compareDiagnostics(embedded, terraform);
    expect(c.matched).toEqual([{ severity: 'error', summary: 'Unsupported argument', filename: 'main.tf', line: 7, detail_differs: true }]);
    expect(c.only_embedded.map((d) => [d.summary, d.range?.start.line])).toEqual([
      ['Unsupported argument', 7],
      ['Missing required argument', 3],
    ]);
    expect(c.only_terraform.map((d) => d.summary)).toEqual(['Missing required provider', 'Missing required argument']);
  });
});

describe('summarise', () => {
  it('counts agreement only over configurations terraform judged', () => {
    const e = { verdict: 'valid' as const, diagnostics: [] };
    const results = [
      compareConfiguration('a', ['main.tf'], e, { verdict: 'valid', diagnostics: [], problems: [] }),
      compareConfiguration('b', ['main.tf'], e, { verdict: 'invalid', diagnostics: [diagnostic('error', 'x')], problems: [] }),
      compareConfiguration('c', ['main.tf'], e, { verdict: 'unverified', diagnostics: [], problems: [{ code: 'sandbox-oom', diagnostic: diagnostic('warning', 'oom') }] }),
    ];
    expect(summarise(results)).toEqual({
      configurations: 3,
      compared: 2,
      agree: 1,
      disagree: 1,
      agreement: 0.5,
      embedded_valid_terraform_invalid: 1,
      embedded_invalid_terraform_valid: 0,
      not_judged: { 'sandbox-oom': 1 },
      diagnostics: { matched: 0, only_embedded: 0, only_terraform: 1, detail_differs: 0 },
    });
  });
});
