import { parsesAsHcl as parses } from '@tfpairs/hcl/syntax';
import { describe, expect, it, vi } from 'vitest';
import { CLEAN_FILES, plantedCorpus, SecretFactory } from './planted';
import { forgetCleanTexts, scrubText } from './scrub';
import * as tree from './tree';

/** The text a finding's range points at, by byte offsets and by line/column (both must agree). */
function sliceByRange(text: string, range: { start: { line: number; column: number; byte: number }; end: { byte: number } }): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const byBytes = bytes.subarray(range.start.byte, range.end.byte).toString('utf8');
  const line = text.split('\n')[range.start.line - 1] ?? '';
  const byColumn = [...line].slice(range.start.column - 1).join('').slice(0, byBytes.length);
  return [byBytes, byColumn];
}

const corpus = plantedCorpus();

describe('planted-secret corpus', () => {
  it('has valid HCL and real secrets to begin with', async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    for (const c of corpus) {
      expect(await parses(c.hcl), c.name).toBe(true);
      for (const s of c.secrets) expect(c.hcl.includes(s), `${c.name}: ${s}`).toBe(true);
    }
  });

  for (const c of corpus) {
    it(`scrubs: ${c.name}`, async () => {
      const { text, findings } = await scrubText(c.hcl, { kind: 'hcl' });
      for (const s of c.secrets) expect(text.includes(s), `secret survived in\n${text}`).toBe(false);
      expect(await parses(text), text).toBe(true);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) {
        expect(f.placeholder).toMatch(/^<[A-Z][A-Z0-9_]*>$/);
        expect(sliceByRange(text, f.range)).toEqual([f.placeholder, f.placeholder]);
      }
      const serialised = JSON.stringify(findings);
      for (const s of c.secrets) expect(serialised.includes(s)).toBe(false);
      // idempotent: scrubbing scrubbed text changes nothing
      const again = await scrubText(text, { kind: 'hcl' });
      expect(again.text).toBe(text);
      expect(again.findings).toEqual([]);
    });
  }

  it('no planted credential survives under other seeds (other random values, same shapes)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const c of plantedCorpus(seed)) {
        const { text } = await scrubText(c.hcl, { kind: 'hcl' });
        for (const s of c.secrets) expect(text.includes(s), `seed ${seed}, ${c.name}: secret survived in\n${text}`).toBe(false);
        expect(await parses(text), `seed ${seed}, ${c.name}`).toBe(true);
      }
    }
  });

  it('gives the same secret the same placeholder and numbers different ones of a kind', async () => {
    const c = corpus.find((x) => x.name.startsWith('same secret twice'))!;
    const { text, findings } = await scrubText(c.hcl, { kind: 'hcl' });
    // `<PASSWORD>` was already in the file (a fake value), so the real one becomes <PASSWORD_2>, twice
    expect(findings.map((f) => f.placeholder)).toEqual(['<PASSWORD_2>', '<PASSWORD_2>']);
    expect(text.match(/<PASSWORD>/g)).toHaveLength(1);
    const two = corpus.find((x) => x.name.startsWith('elasticache'))!;
    const r2 = await scrubText(two.hcl, { kind: 'hcl' });
    expect(r2.findings.map((f) => f.placeholder)).toEqual(['<PASSWORD>', '<PASSWORD_2>']);
  });

  it('names placeholders by kind', async () => {
    const byName = async (name: string) => (await scrubText(corpus.find((x) => x.name === name)!.hcl, { kind: 'hcl' })).findings.map((f) => f.placeholder);
    expect(await byName('aws provider keys')).toEqual(['<AWS_ACCESS_KEY_ID>', '<AWS_SECRET_ACCESS_KEY>']);
    expect(await byName('private key in heredoc')).toEqual(['<PRIVATE_KEY>']);
    expect(await byName('azurerm client_secret')).toEqual(['<CLIENT_SECRET>']);
    expect(await byName('url userinfo in strings and templates')).toEqual(['<PASSWORD>', '<PASSWORD_2>']);
  });

  it('keeps ranges right after multi-byte characters', async () => {
    const pw = new SecretFactory(7).password();
    const hcl = `# café ☕ 😀\nresource "aws_db_instance" "x" {\n  identifier = "ünïcödé"\n  password   = "${pw}"\n}\n`;
    const { text, findings } = await scrubText(hcl, { kind: 'hcl' });
    expect(findings).toHaveLength(1);
    expect(sliceByRange(text, findings[0]!.range)).toEqual(['<PASSWORD>', '<PASSWORD>']);
    expect(findings[0]!.range.start).toMatchObject({ line: 4, column: 17 });
  });
});

describe('text that is not valid HCL', () => {
  it('still loses its secrets (a model answer with prose, a truncated file)', async () => {
    const f = new SecretFactory(5);
    const pw = f.password();
    const key = f.awsSecret();
    const answer = `Sure! Here is the code:\n\n\`\`\`hcl\nresource "aws_db_instance" "db" {\n  password = "${pw}"\n}\n\`\`\`\nSet AWS_SECRET_ACCESS_KEY=${key} before running.`;
    const truncated = `provider "aws" {\n  secret_key = "${key}"\n  region = "us-east-1"\nresource "aws_db_instance" "db" {\n  password = "${pw}`;
    for (const text of [answer, truncated]) {
      expect(await parses(text)).toBe(false);
      const out = await scrubText(text, { kind: 'hcl' });
      expect(out.text.includes(pw) || out.text.includes(key), out.text).toBe(false);
    }
  });
});

describe('secretlint integration', () => {
  it('ignores secretlint-disable comments in the scanned text', async () => {
    const gh = `ghp_${new SecretFactory(8).alnum(36)}`;
    const hcl = `# secretlint-disable\nlocals {\n  bot = "${gh}"\n}\n`;
    const { text, findings } = await scrubText(hcl, { kind: 'hcl' });
    expect(text.includes(gh)).toBe(false);
    expect(findings.map((f) => f.rule)).toEqual(['secretlint-github-token']);
  });
});

describe('clean files', () => {
  for (const c of CLEAN_FILES) {
    it(`leaves byte for byte unchanged: ${c.name}`, async () => {
      expect(await parses(c.hcl)).toBe(true);
      const { text, findings } = await scrubText(c.hcl, { kind: 'hcl' });
      expect(findings).toEqual([]);
      expect(text).toBe(c.hcl);
    });
  }

  it('leaves prose without credentials unchanged', async () => {
    const prompt = 'Create an RDS instance whose password comes from a sensitive variable; store the token in SSM. Token validity: 1 hour.';
    const { text, findings } = await scrubText(prompt, { kind: 'prose' });
    expect(findings).toEqual([]);
    expect(text).toBe(prompt);
  });
});

describe('prose', () => {
  it('scrubs a prompt with a key pair, a URL password and an HCL snippet', async () => {
    const f = new SecretFactory(99);
    const id = f.awsKeyId();
    const secret = f.awsSecret();
    const pw = f.password();
    const pw2 = f.password();
    const prompt = `Configure the AWS provider with access key ${id} and AWS_SECRET_ACCESS_KEY=${secret}. Connect to mysql://root:${pw}@db.internal:3306/app and set\n\`\`\`hcl\npassword = "${pw2}"\n\`\`\``;
    const { text, findings } = await scrubText(prompt, { kind: 'prose' });
    for (const s of [id, secret, pw, pw2]) expect(text.includes(s)).toBe(false);
    expect(findings.map((f) => f.placeholder).sort()).toEqual(['<AWS_ACCESS_KEY_ID>', '<AWS_SECRET_ACCESS_KEY>', '<PASSWORD>', '<PASSWORD_2>']);
    expect((await scrubText(text, { kind: 'prose' })).text).toBe(text);
  });
});

describe('texts known to be clean', () => {
  it('a text with a secret is scanned every time (each call names it with its own placeholder map); a clean one is remembered per kind', async () => {
    forgetCleanTexts();
    const hcl = corpus[0]!.hcl;
    const b = await scrubText(hcl, { kind: 'hcl' });
    // a map that already gave the names b used to other secrets: the same secrets must get other names
    const taken = new Map(b.findings.map((f, i) => [`another-secret-${i}`, f.placeholder]));
    const a = await scrubText(hcl, { kind: 'hcl', placeholders: taken });
    expect(b.findings.length).toBeGreaterThan(0);
    expect(a.findings.length).toBe(b.findings.length);
    expect(a.text).not.toBe(b.text);

    // a clean HCL text scanned once is not scanned again as HCL, but is as prose (other rules)
    // (a name that might be sensitive, so the tree is needed to tell)
    const clean = 'resource "aws_instance" "b" {\n  key_name = "deployer"\n}\n';
    // and a text that names nothing sensitive needs no tree at all
    const plain = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\n';
    const spans = vi.spyOn(tree, 'literalSpans');
    try {
      expect((await scrubText(clean, { kind: 'hcl' })).findings).toEqual([]);
      expect((await scrubText(clean, { kind: 'hcl', filename: 'other.tf' })).findings).toEqual([]);
      expect(spans).toHaveBeenCalledTimes(1);
      expect((await scrubText(plain, { kind: 'hcl' })).findings).toEqual([]);
      expect(spans).toHaveBeenCalledTimes(1);
      const prose = 'password: Zx9!qT4#mR2$vL8w';
      expect((await scrubText(prose, { kind: 'prose' })).findings.length).toBeGreaterThan(0);
      expect((await scrubText(prose, { kind: 'prose' })).findings.length).toBeGreaterThan(0);
    } finally {
      spans.mockRestore();
    }
  });
});
