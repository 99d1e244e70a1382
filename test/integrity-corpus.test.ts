import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli';

/**
 * Issue 14's properties over generated corpora: the texts of every corpus line end alike (one final
 * newline), no near-duplicate family or group spans two splits, every rejected says why, and every
 * corpus file has one schema (same keys, one JSON type per key, null where absent).
 */

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

const TASKS: readonly (readonly [string, string])[] = [
  ['Create an S3 bucket named "{n}" with versioning enabled', 'resource "aws_s3_bucket" "{n}" {\n  bucket = "{n}"\n}'],
  ['Create a VPC called {n} with the CIDR block 10.0.0.0/16 and DNS support', 'resource "aws_vpc" "{n}" {\n  cidr_block = "10.0.0.0/16"\n  enable_dns_support = true\n}'],
  ['Provision an SQS queue {n} that keeps messages for one day', 'resource "aws_sqs_queue" "{n}" {\n  name = "{n}"\n  message_retention_seconds = 86400\n}'],
  ['Set up an IAM role {n} that EC2 instances can assume', 'resource "aws_iam_role" "{n}" {\n  name = "{n}"\n  assume_role_policy = "{}"\n}'],
  ['Create a CloudWatch log group {n} keeping logs for a week', 'resource "aws_cloudwatch_log_group" "{n}" {\n  name = "{n}"\n  retention_in_days = 7\n}'],
];
const ENDINGS = ['', '\n', '\n\n\n', '  \n', '\n \n'];

function corpus(seed: number): { lines: string[]; families: number } {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const lines: string[] = [];
  let families = 0;
  for (const [t, [prompt, gold]] of TASKS.entries()) {
    for (let f = 0; f < 6; f++, families++) {
      const base = `n${seed}_${t}_${f}`;
      const members = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < members; m++) {
        // a family varies what issue 14's 20k corpus varied: a name, a trailing period, case
        const name = m === 0 ? base : pick([base, `${base}_${m}`]);
        let p = prompt.replaceAll('{n}', name) + (rand() < 0.5 ? '.' : '');
        if (rand() < 0.2) p = p.toLowerCase();
        const g = gold.replaceAll('{n}', name);
        const drafts = [
          g.replace(/\n}$/, '\n  tags = { a = "b" }\n}') + pick(ENDINGS), // verifies, differs
          g.replace(/"\n/, '\n') + pick(ENDINGS), // broken string: invalid
          '```hcl\nresource "aws_s3_bucket" "x" {\n  bucket =' + pick(ENDINGS), // an answer cut off by the token limit: its fence never closes
        ];
        const extra = rand() < 0.5 ? { family: `${t}/${f}`, owner: pick(['a', 'b']) } : rand() < 0.5 ? { family: `${t}/${f}`, stars: 3 } : { family: `${t}/${f}` };
        lines.push(JSON.stringify({ prompt: p + pick(ENDINGS), gold: g + pick(ENDINGS), drafts, meta: extra }));
      }
    }
  }
  return { lines, families };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
/** key path -> JSON type, of every value in a line (arrays: the type of their elements under `[]`) */
function shape(v: Json, at = '', out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  (out.get(at) ?? out.set(at, new Set()).get(at)!).add(typeOf(v));
  if (Array.isArray(v)) for (const x of v) shape(x, `${at}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) shape(x, `${at}.${k}`, out);
  return out;
}
const TEXT_FIELDS = ['prompt', 'completion', 'chosen', 'rejected', 'initial', 'utterance', 'expected'];

describe('corpus integrity (issue 14), property over generated corpora', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: one ending, no group across splits, every rejected with a reason, one schema per file`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tfpairs-integrity-'));
      const { lines } = corpus(seed);
      writeFileSync(join(dir, 'tasks.jsonl'), lines.join('\n') + '\n');
      await cli(['build', '--input', 'tasks.jsonl', '--out', 'out', '--dpo-rejected', 'invalid,intent,truncated,differs'], { cwd: dir });
      const out = join(dir, 'out');
      const familySplits = new Map<string, Set<string>>();
      const groupSplits = new Map<string, Set<string>>();
      const reasons = new Map<string, number>();
      for (const corpusName of ['tf-gen', 'dpo', 'dpo-postedit', 'tf-mutn', 'kto']) {
        const rows: Record<string, Json>[] = [];
        for (const f of readdirSync(join(out, corpusName))) {
          const split = f.replace('.jsonl', '');
          for (const l of readFileSync(join(out, corpusName, f), 'utf8').split('\n').filter(Boolean)) {
            const row = JSON.parse(l) as Record<string, Json>;
            rows.push(row);
            const meta = row.meta as Record<string, Json>;
            expect(meta.split).toBe(split);
            if (typeof meta.group === 'string') (groupSplits.get(meta.group) ?? groupSplits.set(meta.group, new Set()).get(meta.group)!).add(split);
            if (corpusName === 'tf-gen') {
              const family = JSON.parse(meta.input_meta as string).family as string;
              (familySplits.get(family) ?? familySplits.set(family, new Set()).get(family)!).add(split);
            }
            if (corpusName === 'dpo') reasons.set(String(meta.rejected_because), (reasons.get(String(meta.rejected_because)) ?? 0) + 1);
          }
        }
        // one ending: every text field ends with exactly one newline
        for (const row of rows) for (const k of TEXT_FIELDS) if (k in row) expect(row[k], `${corpusName} ${k}`).toMatch(/[^\s]\n$/);
        // one schema: the same key paths in every line, one JSON type per path (null where absent)
        const shapes = rows.map((r) => shape(r));
        const keys = new Set(shapes.flatMap((s) => [...s.keys()].filter((k) => !k.includes('[]'))));
        for (const s of shapes) expect([...s.keys()].filter((k) => !k.includes('[]')).sort(), corpusName).toEqual([...keys].sort());
        for (const k of keys) {
          const types = new Set(shapes.flatMap((s) => [...(s.get(k) ?? [])]));
          types.delete('null');
          expect(types.size, `${corpusName} ${k}: ${[...types]}`).toBeLessThanOrEqual(1);
        }
      }
      expect([...familySplits.values()].filter((s) => s.size > 1)).toEqual([]);
      expect([...groupSplits.values()].filter((s) => s.size > 1)).toEqual([]);
      // every reason a pair can have is one of the four, and this corpus has each but intent (no policy stage here)
      expect([...reasons.keys()].sort()).toEqual(['differs', 'invalid', 'truncated']);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      // families of one template differ only in a name: by issue 14's definition they are near-duplicates too
      expect(manifest.counts.groups.count).toBeGreaterThanOrEqual(TASKS.length);
      expect(manifest.counts.groups.count).toBeLessThanOrEqual(familySplits.size);
      expect(manifest.counts.groups.largest.size).toBeGreaterThan(1);
      expect(manifest.counts.rejectedBecause).toEqual(Object.fromEntries([...reasons].sort()));
    }, 120_000);
  }

  it('by default, a truncated or a verifying draft is never a rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-integrity-'));
    writeFileSync(join(dir, 'tasks.jsonl'), corpus(4).lines.join('\n') + '\n');
    await cli(['build', '--input', 'tasks.jsonl', '--out', 'out'], { cwd: dir });
    const pairs = ['train', 'val', 'test'].flatMap((s) => readFileSync(join(dir, 'out', 'dpo', `${s}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
    expect(pairs.length).toBeGreaterThan(0);
    expect(new Set(pairs.map((p) => p.meta.rejected_because))).toEqual(new Set(['invalid']));
    expect(pairs.every((p) => p.meta.rejected_error_count > 0)).toBe(true);
    expect(new Set(pairs.map((p) => p.meta.rejected_id)).size).toBe(pairs.length);
  }, 120_000);
});
