import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSyntax, forgetSyntaxVerdicts, verdictKnown } from '@tfpairs/hcl/syntax';
import { decodeQuotedLiteral, escapeQuotedLiteral, formatHcl } from './fmt';

const fixtures = fileURLToPath(new URL('./__fixtures__/fmt/', import.meta.url));
const cases = readdirSync(fixtures).filter((f) => f.endsWith('.in.tf')).map((f) => f.slice(0, -'.in.tf'.length));

describe('formatHcl: fmt corpus', () => {
  it('has the corpus', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });
  it.each(cases)('%s', async (name) => {
    const input = readFileSync(`${fixtures}${name}.in.tf`, 'utf8');
    const expected = readFileSync(`${fixtures}${name}.out.tf`, 'utf8');
    const result = await formatHcl(input);
    expect(result.diagnostics).toEqual([]);
    expect(result.text).toBe(expected);
    expect((await formatHcl(expected)).text).toBe(expected);
  });
});

describe('formatHcl: rules', () => {
  it('refuses input with syntax errors and returns it unchanged (TestFmt_syntaxError)', async () => {
    const input = '\na = 1 +\n';
    const result = await formatHcl(input);
    expect(result.text).toBe(input);
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', summary: 'Invalid expression' });
    expect(result.diagnostics[0]!.range?.start.line).toBe(2);
  });

  it('keeps whitespace-only literal text in a template', async () => {
    expect((await formatHcl('a = "${x} "\nb = " ${x}"\n')).text).toBe('a = "${x} "\nb = " ${x}"\n');
  });

  it('unwraps in single-line blocks and tfvars-style top-level attributes', async () => {
    expect((await formatHcl('x = "${y}"\nb "l" { z = "${w}" }\n')).text).toBe('x = y\nb "l" { z = w }\n');
  });

  it('rewrites legacy types only in top-level variable blocks', async () => {
    const out = (await formatHcl('variable "a" { type = list }\nlocals { type = list }\nvariable "b" {\n  type = " string"\n}\n')).text;
    expect(out).toBe('variable "a" { type = list(any) }\nlocals { type = list }\nvariable "b" {\n  type = " string"\n}\n');
  });

  it('keeps CRLF line endings inside a multi-line unwrap', async () => {
    const out = (await formatHcl('a = "${\r\n  b ?\r\n  c : d\r\n}"\r\n')).text;
    expect(out).toBe('a = (b ?\r\nc : d)\r\n');
  });
});

describe('label escapes', () => {
  it('decodes HCL escapes', () => {
    expect(decodeQuotedLiteral('a\\u0042\\"\\\\$${x}%%{y}\\n')).toBe('aB"\\${x}%{y}\n');
    expect(decodeQuotedLiteral('bad\\q')).toBeNull();
  });
  it('re-escapes as hclwrite does', () => {
    expect(escapeQuotedLiteral('a"b\\${x}%{y}$z\t\u0001é')).toBe('a\\"b\\\\$${x}%%{y}$z\\t\\u0001é');
  });
});

describe('the formatted text of accepted text', () => {
  it('is remembered as accepted when tree-sitter agrees, and left to the parser when tree-sitter finds an error', async () => {
    forgetSyntaxVerdicts();
    const loose = 'resource "aws_s3_bucket" "b" {\nbucket="x"\n  tags = { a = "${var.x}" }\n}\n';
    const { text } = await formatHcl(loose);
    expect(text).not.toBe(loose);
    expect(verdictKnown(text)).toBe(true);
    expect(await checkSyntax(text)).toEqual([]);
    // tree-sitter-hcl has no exponents: it errs on 1e3, which HashiCorp's parser accepts
    const exponent = 'locals {\nx=1e3\n}\n';
    const formatted = await formatHcl(exponent);
    expect(formatted.text).not.toBe(exponent);
    expect(formatted.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(verdictKnown(formatted.text)).toBe(false);
  });
});
