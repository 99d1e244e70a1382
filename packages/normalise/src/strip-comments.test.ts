import { describe, expect, it } from 'vitest';
import { normaliseAnswer } from './normalise';
import { stripComments, stripCommentsBeforeFormat } from './strip-comments';

describe('stripComments', () => {
  it('removes #, // and block comments, whole lines and trailing ones, and re-formats', async () => {
    const input = [
      '# header',
      '',
      'resource "aws_s3_bucket" "b" { # after brace',
      '  bucket = "b" # short',
      '  acl    = "private"   // longer',
      '  /* a block',
      '     over lines */',
      '  force_destroy = /* inline */ true',
      '}',
      '',
      '// footer',
      '',
    ].join('\n');
    expect(await stripComments(input)).toBe(
      ['resource "aws_s3_bucket" "b" {', '  bucket        = "b"', '  acl           = "private"', '  force_destroy = true', '}', ''].join('\n'),
    );
  });

  it('never touches strings, heredocs or templates', async () => {
    const input = [
      'locals {',
      '  url   = "http://example.com/#anchor" # real',
      '  glob  = "/* not a comment */"',
      '  doc   = <<EOT',
      '# heading in a heredoc',
      '// also text ${var.x} /* text */',
      'EOT',
      '  tmpl  = "${var.a # inside a template',
      '  }"',
      '}',
      '',
    ].join('\n');
    const out = await stripComments(input);
    expect(out).toContain('"http://example.com/#anchor"\n');
    expect(out).not.toContain('# real');
    expect(out).toContain('"/* not a comment */"');
    expect(out).toContain('# heading in a heredoc\n// also text ${var.x} /* text */\nEOT');
    expect(out).toContain('# inside a template');
  });

  it('does not glue tokens and keeps CRLF', async () => {
    expect(await stripComments('a = 1/*x*/+2\r\nb = 2 # c\r\n')).toBe('a = 1 + 2\r\nb = 2\r\n');
  });

  it('drops comments between labels and at the end of the file without newline', async () => {
    expect(await stripComments('resource "a" /* x */ "b" {}\n# end')).toBe('resource "a" "b" {}\n');
  });

  it('returns invalid HCL unchanged', async () => {
    const broken = 'resource "a" "b" { # c\n  x = \n';
    expect(await stripComments(broken)).toBe(broken);
  });
});

describe('stripCommentsBeforeFormat', () => {
  it('strips before formatting, and leaves the order to the caller where it matters', async () => {
    expect(await stripCommentsBeforeFormat('a = 1 # c\n')).toEqual({ stripped: 'a = 1\n' });
    expect(await stripCommentsBeforeFormat('a = 1\n')).toEqual({ stripped: 'a = 1\n' });
    // fmt unwraps the lone interpolation, after which its comment is no longer inside a template
    expect(await stripCommentsBeforeFormat('a = "${b /* c */}"\n')).toBeNull();
    expect((await normaliseAnswer('a = "${b /* c */}"\n', { format: true, stripComments: true, isAnswer: false })).code).toBe('a = b\n');
  });
});
