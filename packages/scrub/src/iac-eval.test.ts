import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fencedBlocks } from '@tfpairs/normalise';
import { parsesAsHcl as parses } from '@tfpairs/hcl/syntax';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { SecretFactory } from './planted';
import { scrubText } from './scrub';
import { requireShared, SHARED } from '../../../test/paths';

function rows(file: string): Record<string, string>[] {
  const path = requireShared(join(SHARED, 'data', 'iac-eval', file));
  return parseCsv(readFileSync(path), { columns: true, relax_column_count: true }) as Record<string, string>[];
}

/** The code of a model answer: its fenced blocks, or the whole answer when it has none. */
function fencedCode(answer: string): string {
  const blocks = fencedBlocks(answer).map((b) => b.body);
  return blocks.length ? blocks.join('\n') : answer;
}

interface Replacement {
  readonly row: number;
  readonly rule: string;
  readonly placeholder: string;
  /** the scrubbed line, and the original text the placeholder stands for (public benchmark data) */
  readonly line: string;
  readonly original: string;
}

/** Lists replacements with the original value recovered by aligning the line before and after. */
async function replacementsOf(texts: readonly { row: number; code: string }[]): Promise<{ list: Replacement[]; validBefore: number; brokenAfter: number[] }> {
  const list: Replacement[] = [];
  let validBefore = 0;
  const brokenAfter: number[] = [];
  for (const { row, code } of texts) {
    const before = await parses(code);
    const { text, findings } = await scrubText(code, { kind: 'hcl' });
    if (findings.length === 0 && text !== code) throw new Error(`row ${row}: changed without a finding`);
    if (before) {
      validBefore++;
      if (!(await parses(text))) brokenAfter.push(row);
    }
    for (const f of findings) {
      const lineNo = f.range.start.line - 1;
      const after = text.split('\n')[lineNo]!;
      const orig = code.split('\n')[lineNo]!;
      const prefix = after.slice(0, f.range.start.column - 1);
      const suffix = after.slice(f.range.end.column - 1);
      list.push({ row, rule: f.rule, placeholder: f.placeholder, line: after.trim(), original: orig.slice(prefix.length, orig.length - suffix.length) });
    }
  }
  return { list, validBefore, brokenAfter };
}

describe('IaC-Eval shared data stays valid HCL after scrubbing', () => {
  it('140 references: all valid before and after; replacements are the reviewed ones', async () => {
    const data = rows('iac-eval-subset-140.csv');
    expect(data).toHaveLength(140);
    const { list, validBefore, brokenAfter } = await replacementsOf(data.map((r, row) => ({ row, code: r['Reference output']! })));
    expect(validBefore).toBe(140);
    expect(brokenAfter).toEqual([]);
    // Reviewed by hand: rows 32-35 set a DocumentDB master_password to the literal "Mustbe8characters"
    // (mixed case + digit, 17 chars). It reads like a documentation hint, but it *is* a hard-coded password
    // in a password argument, so scrubbing it is accepted. The ~20 other literal passwords of the file
    // ("foobarbaz", "password123456789", "testdatabasepassword", "Mypassword1", ...) are left as fakes.
    expect(list).toEqual(
      [32, 33, 34, 35].map((row) => ({
        row,
        rule: 'sensitive-argument',
        placeholder: '<PASSWORD>',
        line: expect.stringMatching(/^master_password\s+= "<PASSWORD>"$/),
        original: 'Mustbe8characters',
      })),
    );
  });

  it('140 drafts of deepseek-coder-v2: those that parsed still parse; no draft holds a plausible secret', async () => {
    const data = rows('deepseek-coder-v2-16b-drafts-140.csv');
    expect(data).toHaveLength(140);
    const { list, validBefore, brokenAfter } = await replacementsOf(data.map((r, row) => ({ row, code: fencedCode(r['LLM Output #0']!) })));
    expect(validBefore).toBeGreaterThanOrEqual(100);
    expect(brokenAfter).toEqual([]);
    // Reviewed by hand: the drafts' literal passwords are all demo values ("password123", "Passw0rd!",
    // "yourStrong(!)Password", "mypassword123", ...), so nothing is replaced.
    expect(list).toEqual([]);
  });

  it('prompts, intents and raw answers as prose: only the reviewed password', async () => {
    const found: string[] = [];
    for (const file of ['iac-eval-subset-140.csv', 'deepseek-coder-v2-16b-drafts-140.csv']) {
      for (const [row, r] of rows(file).entries()) {
        for (const [column, value] of Object.entries(r)) {
          const { findings } = await scrubText(value, { kind: 'prose' });
          for (const f of findings) found.push(`${row}:${column}:${f.placeholder}`);
        }
      }
    }
    const reviewed = [32, 33, 34, 35].map((row) => `${row}:Reference output:<PASSWORD>`);
    expect(found).toEqual([...reviewed, ...reviewed]);
  });

  it('secrets planted into the 140 references (unseen configurations) never survive and the code still parses', async () => {
    const data = rows('iac-eval-subset-140.csv');
    const f = new SecretFactory(140);
    let planted = 0;
    for (const [row, r] of data.entries()) {
      const secrets: string[] = [];
      const id = f.awsKeyId();
      const key = f.awsSecret();
      secrets.push(id, key);
      const creds = `  access_key = "${id}"\n  secret_key = "${key}"\n`;
      let code = r['Reference output']!;
      code = /provider\s+"aws"\s*\{/.test(code)
        ? code.replace(/provider\s+"aws"\s*\{[ \t]*\n/, (m) => `${m}${creds}`)
        : `${code}\nprovider "aws" {\n${creds}}\n`;
      // every literal password argument gets a random password instead of its demo value
      code = code.replace(/^(\s*[a-z_]*password[a-z_]*\s*=\s*")[^"\n]*(")/gm, (_m, a: string, b: string) => {
        const pw = f.password();
        secrets.push(pw);
        return `${a}${pw}${b}`;
      });
      planted += secrets.length;
      expect(await parses(code), `row ${row} planted`).toBe(true);
      const { text } = await scrubText(code, { kind: 'hcl' });
      for (const s of secrets) expect(text.includes(s), `row ${row}: secret survived`).toBe(false);
      expect(await parses(text), `row ${row} scrubbed`).toBe(true);
    }
    expect(planted).toBeGreaterThan(280);
  });
});
