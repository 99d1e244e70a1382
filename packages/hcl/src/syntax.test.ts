import { describe, expect, it } from 'vitest';
import { checkSyntax, forgetSyntaxVerdicts, hclToJson, parseHclErrors } from './syntax';

describe('checkSyntax', () => {
  // checkSyntax calls the parser's Go function directly once it runs; its verdicts must be the
  // module's own, error messages included
  const texts = [
    'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n',
    'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n',
    'a = 1 b = 2\n',
    'locals {\n  x = [1, 2,\n}\n',
    'variable "v" {\n  default = "${"\n}\n',
    'x = <<EOT\nno end\n',
    '',
  ];

  it('gives the verdicts and messages of @cdktf/hcl2json parse', async () => {
    forgetSyntaxVerdicts();
    for (const text of texts) {
      let expected: ReturnType<typeof parseHclErrors> = [];
      try {
        await hclToJson('main.tf', text);
      } catch (e) {
        expected = parseHclErrors(String((e as Error).message), 'main.tf');
      }
      expect(await checkSyntax(text, 'main.tf'), text).toEqual(expected);
    }
    expect((await checkSyntax(texts[1]!, 'main.tf'))[0]?.summary).toMatch(/Unclosed configuration block/);
    expect(await checkSyntax(texts[0]!, 'main.tf')).toEqual([]);
    // the direct path was the one taken (else checkSyntax falls back to the module's parse, correct but slower)
    expect(typeof (globalThis as { __parse_terraform_config_wasm__?: { parse?: unknown } }).__parse_terraform_config_wasm__?.parse).toBe('function');
  });
});
