import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSyntax } from '@tfpairs/hcl/syntax';
import { Progress } from './progress';
import { bundledTemplate, loadGenerateTemplate, parseTemplate, renderTemplate } from './template';
import { renderDiagnosticsForModel as renderDiagnostics } from '@tfpairs/core';
import { fencedBlocks } from '@tfpairs/normalise';
import { tempDir } from './testing/fixtures';

describe('prompt templates', () => {
  it('splits a template into chat messages at marker lines and fills placeholders', () => {
    const t = parseTemplate('=== system ===\nYou write Terraform.\n\n=== user ===\nTask: {{prompt}}\nKeep {{unknown}}.\n', 'x');
    expect(t.parts).toEqual([
      { role: 'system', content: 'You write Terraform.' },
      { role: 'user', content: 'Task: {{prompt}}\nKeep {{unknown}}.' },
    ]);
    expect(renderTemplate(t, { prompt: 'an S3 bucket' })[1]!.content).toBe('Task: an S3 bucket\nKeep {{unknown}}.');
    expect(parseTemplate('Just {{prompt}}', 'y').parts).toEqual([{ role: 'user', content: 'Just {{prompt}}' }]);
  });

  it('hashes the exact text, so any edit changes the provenance hash', () => {
    const a = parseTemplate('=== user ===\n{{prompt}}\n', 'a');
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(parseTemplate('=== user ===\n{{prompt}} \n', 'a').hash).not.toBe(a.hash);
  });

  it('bundles generate, repair and mutate templates with the placeholders the stages fill', () => {
    expect(bundledTemplate('generate').parts.map((p) => p.role)).toEqual(['system', 'user']);
    expect(bundledTemplate('generate').text).toContain('{{prompt}}');
    expect(bundledTemplate('repair').text).toContain('{{diagnostics}}');
    expect(bundledTemplate('mutate').text).toMatch(/\{\{prompt\}\}[\s\S]*\{\{code\}\}[\s\S]*\{\{kind\}\}/);
    expect(loadGenerateTemplate(undefined).name).toBe('bundled:generate');
  });

  it('rejects template files that cannot work', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'assistant-last.txt'), '=== user ===\n{{prompt}}\n=== assistant ===\nSure.\n');
    expect(() => loadGenerateTemplate(join(dir, 'assistant-last.txt'))).toThrow(/must end with a user message/);
    writeFileSync(join(dir, 'ok.txt'), 'Write Terraform for: {{prompt}}');
    expect(loadGenerateTemplate(join(dir, 'ok.txt'))).toMatchObject({ name: 'ok.txt' });
  });
});

describe('fencedBlocks', () => {
  it('finds fenced blocks with their language, and an unclosed last block', () => {
    expect(fencedBlocks('a\n```hcl\nx = 1\n```\nb\n~~~json\n{}\n~~~\n```tf\ny')).toEqual([
      { lang: 'hcl', body: 'x = 1', closed: true },
      { lang: 'json', body: '{}', closed: true },
      { lang: 'tf', body: 'y', closed: false },
    ]);
    // a longer fence closes only with at least as many backticks
    expect(fencedBlocks('````md\n```hcl\nx\n```\n````')).toEqual([{ lang: 'md', body: '```hcl\nx\n```', closed: true }]);
  });
});

describe('renderDiagnostics', () => {
  it('prints diagnostics as terraform does, with the source line when the verifier gave none', async () => {
    const code = 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n';
    const text = renderDiagnostics(await checkSyntax(code), code);
    expect(text).toBe('Error: Invalid expression\n\n  on main.tf line 2:\n   2:   bucket = \n\nExpected the start of an expression, but found an invalid expression token.\n');
  });

  it('puts errors before warnings', () => {
    const text = renderDiagnostics(
      [
        { severity: 'warning', summary: 'W', detail: '' },
        { severity: 'error', summary: 'E', detail: '' },
      ],
      '',
    );
    expect(text.indexOf('Error: E')).toBeLessThan(text.indexOf('Warning: W'));
  });
});

describe('Progress', () => {
  it('on a terminal hands a plain bar line to the display at most every interval, and the final line', () => {
    const written: string[] = [];
    let clock = 0;
    const p = new Progress('generate', { tty: true, log: (l) => written.push(l) }, 100, 1000, () => clock);
    p.total = 4;
    p.add('requests');
    clock = 500;
    p.add('done');
    clock = 1200;
    p.add('costMicros', 1500);
    p.finish();
    expect(written).toEqual([
      '[------------------------] generate: 0/4 done, 1 requests, 0 cached, 0 retried, 0 failed, ~$0.0000',
      '[######------------------] generate: 1/4 done, 1 requests, 0 cached, 0 retried, 0 failed, ~$0.0015',
    ]);
  });

  it('logs quiet lines when not on a terminal, and no line twice', () => {
    const lines: string[] = [];
    const p = new Progress('generate', { tty: false, log: (l) => lines.push(l) }, 2);
    for (let i = 0; i < 5; i++) p.add('done');
    p.finish();
    p.finish();
    expect(lines).toEqual([
      'generate: 2 done, 0 requests, 0 cached, 0 retried, 0 failed, ~$0.0000',
      'generate: 4 done, 0 requests, 0 cached, 0 retried, 0 failed, ~$0.0000',
      'generate: 5 done, 0 requests, 0 cached, 0 retried, 0 failed, ~$0.0000',
    ]);
  });
});
