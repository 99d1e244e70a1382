import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedResponder, startOpenAIServer, type ChatCall, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';
import { REPO } from './paths';
import { cli } from './cli';

// fake, generated for this test: shaped like real credentials
const ACCESS_KEY = `AKIA${'QX7TZ2LMBV9RKD4W'}`;
const SECRET_KEY = 'tq8Ub3Zr0kXw9vNc5LhJ2mYs7PaE4dGf1RnKoT6i';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('credentials never reach the model or the outputs', () => {
  let server: OpenAITestServer;
  const calls: ChatCall[] = [];
  beforeAll(async () => {
    server = await startOpenAIServer({
      respond: (call) => {
        calls.push(call);
        return scriptedResponder(call);
      },
    });
  });
  afterAll(() => server.close());

  it('a secret in the prompt and the gold is scrubbed before generation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-scrub-gen-'));
    const gold = `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${ACCESS_KEY}"\n  secret_key = "${SECRET_KEY}"\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = "scrub-test"\n}\n`;
    const prompt = `Create an S3 bucket named scrub-test. Use access key ${ACCESS_KEY} with secret ${SECRET_KEY} in the provider.`;
    writeFileSync(join(dir, 't.jsonl'), `${JSON.stringify({ prompt, gold })}\n`);
    const out = join(dir, 'out');
    await cli(['build', '--no-report', '--input', join(dir, 't.jsonl'), '--out', out, '--model', 'gpt-4o', '--base-url', server.url, '--repair-turns', '0'], {
      cwd: REPO,
      env: { ...process.env, OPENAI_API_KEY: 'test', OPENAI_BASE_URL: '', TFPAIRS_CACHE_DIR: join(dir, 'cache') },
    });
    expect(calls.length).toBeGreaterThan(0);
    const sent = JSON.stringify(calls.map((c) => c.messages));
    expect(sent).toContain('scrub-test');
    expect(sent).not.toContain(ACCESS_KEY);
    expect(sent).not.toContain(SECRET_KEY);
    expect(sent).toMatch(/<AWS_SECRET_ACCESS_KEY>/);
    // nor anything the run wrote, except the private response cache
    for (const file of filesUnder(out).filter((f) => !f.includes(`${join(out, 'cache')}`))) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes(ACCESS_KEY) || text.includes(SECRET_KEY), file).toBe(false);
    }
    const audit = readFileSync(join(out, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/"subject":"prompt"[^\n]*|Credential replaced/);
  });
});
