import { describe, expect, it } from 'vitest';
import { extractCode } from './extract';
import { loadIacEvalRows } from './testing';

const codes = (answer: string) => extractCode(answer).findings.map((f) => f.code);
const realDraft = loadIacEvalRows()[0]!.draft;
const realBody = /```hcl\n([\s\S]*?)\n```/.exec(realDraft)![1]!;

describe('extractCode on adversarial answers', () => {
  it('a real draft cut off mid-block: code kept, truncated flagged', () => {
    const cut = realDraft.slice(0, realDraft.indexOf('ttl'));
    const e = extractCode(cut);
    expect(e.truncated).toBe(true);
    expect(codes(cut)).toEqual(['truncated-fence']);
    expect(e.code).toBe(`${cut.slice(cut.indexOf('\n') + 1).replace(/\s+$/, '')}\n`);
    expect(e.findings[0]!.diagnostic.severity).toBe('warning');
  });

  it('a real draft without fences cut off mid-block: every code line kept, unclosed-block flagged', () => {
    const cut = realBody.slice(0, realBody.indexOf('ttl'));
    const e = extractCode(cut);
    expect(e.code).toBe(`${cut.replace(/\s+$/, '')}\n`);
    expect(e.truncated).toBe(true);
    expect(codes(cut)).toEqual(['unclosed-block']);
    // prose after the cut-off code is still left out
    expect(extractCode(`${cut}\nThis creates a record.`).code).toBe(e.code);
  });

  it('two HCL blocks with prose between: joined in order', () => {
    const answer = `First the provider:\n\n\`\`\`hcl\nprovider "aws" {}\n\`\`\`\n\nThen the bucket:\n\n\`\`\`terraform\nresource "aws_s3_bucket" "b" {}\n\`\`\`\nDone.`;
    const e = extractCode(answer);
    expect(e.code).toBe('provider "aws" {}\n\nresource "aws_s3_bucket" "b" {}\n');
    expect(codes(answer)).toEqual(['multiple-blocks']);
    expect(e.truncated).toBe(false);
  });

  it('JSON instead of HCL: no code, json-not-hcl', () => {
    const answer = 'Here is the config:\n```json\n{"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}\n```\n';
    const e = extractCode(answer);
    expect(e.code).toBeNull();
    expect(codes(answer)).toEqual(['json-not-hcl']);
    // JSON in a block tagged hcl is still JSON
    expect(codes('```hcl\n{"resource": {}}\n```')).toEqual(['json-not-hcl']);
  });

  it('prose only, or an empty answer: no-code', () => {
    expect(extractCode('I cannot help with that request.')).toMatchObject({ code: null, truncated: false });
    expect(codes('I cannot help with that request.')).toEqual(['no-code']);
    expect(codes('   \n')).toEqual(['no-code']);
    expect(codes('```bash\nterraform init\n```')).toEqual(['no-code']);
  });

  it('bare HCL with prose before and after', () => {
    const answer = `Sure! Here it is:\n\n${realBody}\n\nThis creates a zone and an A record.`;
    const e = extractCode(answer);
    expect(e.code).toBe(`${realBody.replace(/\s+$/, '')}\n`);
    expect(codes(answer)).toEqual(['prose-around-code']);
  });

  it('an answer that is nothing but HCL is taken whole, with no finding', () => {
    expect(extractCode(realBody)).toEqual({ code: `${realBody.replace(/\s+$/, '')}\n`, truncated: false, findings: [] });
  });

  it('fences: ~~~, untagged HCL, other languages ignored with a finding, longer fences', () => {
    expect(extractCode('~~~\nx = 1\n~~~').code).toBe('x = 1\n');
    const mixed = '```bash\nterraform apply\n```\n```\nresource "a" "b" {}\n```';
    expect(extractCode(mixed).code).toBe('resource "a" "b" {}\n');
    expect(codes(mixed)).toEqual(['ignored-block']);
    const nested = '````hcl\nlocals {\n  doc = <<EOT\n```\nEOT\n}\n````';
    expect(extractCode(nested).code).toBe('locals {\n  doc = <<EOT\n```\nEOT\n}\n');
  });

  it('drops a <think> section and keeps CRLF line endings', () => {
    const answer = '<think>maybe ```hcl\nwrong {}\n```</think>\r\n```hcl\r\nx = 1\r\ny = 2\r\n```\r\n';
    expect(extractCode(answer)).toEqual({ code: 'x = 1\r\ny = 2\r\n', truncated: false, findings: [] });
  });

  it('never invents code: the result is always a verbatim part of the answer', () => {
    for (const answer of [realDraft, `intro\n${realBody}\noutro`, '```hcl\na = 1\n']) {
      const code = extractCode(answer).code!;
      expect(answer.includes(code.replace(/\n$/, ''))).toBe(true);
    }
  });
});
