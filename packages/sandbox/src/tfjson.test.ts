import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePlanJson, parseValidateJson } from './tfjson';

/** Recorded `terraform validate -json` outputs (docker/test-image/replays), each beside its configuration. */
const REPLAYS = fileURLToPath(new URL('../../../docker/test-image/replays/', import.meta.url));
const names = readdirSync(REPLAYS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

describe('parseValidateJson on recorded terraform outputs', () => {
  it('has the recorded fixtures', () => {
    expect(names).toEqual([
      'deprecated-warning',
      'missing-provider',
      'missing-required-and-unsupported',
      'undeclared-resource',
      'unsupported-argument',
      'unsupported-did-you-mean',
      'valid',
    ]);
  });

  for (const name of names) {
    it(`${name}: counts, verdict, and ranges that point into the configuration`, () => {
      const text = readFileSync(`${REPLAYS}${name}.json`, 'utf8');
      const source = Buffer.from(readFileSync(`${REPLAYS}${name}.tf`, 'utf8'));
      const raw = JSON.parse(text) as { valid: boolean; error_count: number; warning_count: number };
      const parsed = parseValidateJson(text);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.value.formatVersion).toBe('1.0');
      expect(parsed.value.valid).toBe(raw.valid);
      expect(parsed.value.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(raw.error_count);
      expect(parsed.value.diagnostics.filter((d) => d.severity === 'warning')).toHaveLength(raw.warning_count);
      for (const d of parsed.value.diagnostics) {
        if (!d.range) continue;
        const lines = source.toString('utf8').split('\n');
        // snippet.code is the source line and the highlight is the range's bytes within it
        expect(d.snippet!.code).toBe(lines[d.range.start.line - 1]);
        const highlighted = Buffer.from(d.snippet!.code).subarray(d.snippet!.highlight_start_offset, d.snippet!.highlight_end_offset).toString();
        expect(source.subarray(d.range.start.byte, d.range.end.byte).toString()).toBe(highlighted);
      }
    });
  }

  it('keeps terraform\'s fields as core diagnostics', () => {
    const parsed = parseValidateJson(readFileSync(`${REPLAYS}unsupported-argument.json`, 'utf8'));
    expect(parsed).toEqual({
      ok: true,
      value: {
        formatVersion: '1.0',
        valid: false,
        diagnostics: [
          {
            severity: 'error',
            summary: 'Unsupported argument',
            detail: 'An argument named "stream_mode" is not expected here.',
            range: { filename: 'main.tf', start: { line: 7, column: 3, byte: 126 }, end: { line: 7, column: 14, byte: 137 } },
            snippet: {
              context: 'resource "aws_kinesis_video_stream" "example"',
              code: '  stream_mode = "PRODUCE_AND_CONSUME"',
              start_line: 7,
              highlight_start_offset: 2,
              highlight_end_offset: 13,
              values: [],
            },
          },
        ],
      },
    });
  });

  it('a sourceless diagnostic has no range', () => {
    const parsed = parseValidateJson(readFileSync(`${REPLAYS}missing-provider.json`, 'utf8'));
    expect(parsed.ok && parsed.value.diagnostics[0]).toEqual({
      severity: 'error',
      summary: 'Missing required provider',
      detail: expect.stringContaining('terraform init'),
    });
  });

  it('folds a diagnostic address into the detail and treats severity "unknown" as an error', () => {
    const parsed = parseValidateJson(
      JSON.stringify({
        format_version: '1.0',
        valid: false,
        error_count: 1,
        warning_count: 0,
        diagnostics: [{ severity: 'unknown', summary: 'Odd', detail: 'x', address: 'aws_instance.a' }],
      }),
    );
    expect(parsed.ok && parsed.value.diagnostics).toEqual([{ severity: 'error', summary: 'Odd', detail: 'x\n\n(aws_instance.a)' }]);
  });
});

describe('parseValidateJson refuses what is not a trustworthy answer', () => {
  it.each([
    ['empty output', ''],
    ['a crash banner', 'panic: runtime error\n!!!!! TERRAFORM CRASH !!!!!'],
    ['truncated JSON', '{"format_version":"1.0","valid":true,'],
    ['wrong shape', '{"valid":"yes"}'],
    ['valid=true with an error', JSON.stringify({ format_version: '1.0', valid: true, error_count: 1, warning_count: 0, diagnostics: [{ severity: 'error', summary: 's', detail: 'd' }] })],
  ])('%s', (_name, text) => {
    const parsed = parseValidateJson(text);
    expect(parsed.ok).toBe(false);
  });
});

describe('parsePlanJson', () => {
  it('collects diagnostics and message types from terraform\'s JSON UI lines', () => {
    const out = [
      '{"@level":"info","@message":"Terraform 1.5.7","@module":"terraform.ui","@timestamp":"2024-01-01T00:00:00.000000Z","terraform":"1.5.7","type":"version","ui":"1.1"}',
      '{"@level":"error","@message":"Error: No valid credential sources found","@module":"terraform.ui","@timestamp":"2024-01-01T00:00:00.000000Z","diagnostic":{"severity":"error","summary":"No valid credential sources found","detail":"see docs"},"type":"diagnostic"}',
      'not json',
    ].join('\n');
    expect(parsePlanJson(out)).toEqual({
      diagnostics: [{ severity: 'error', summary: 'No valid credential sources found', detail: 'see docs' }],
      messageTypes: ['version', 'diagnostic'],
      otherLines: 1,
    });
  });
});
