import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@tfpairs/generate/testing/fixtures';
import { REPO } from './paths';
import { cli } from './cli';

// an intent that needs a versioned bucket: the plan value it reads is `versioning_configuration[0].status`
const POLICY = `package terraform.validation
import future.keywords.in
default versioned = false
versioned {
  some r in input.planned_values.root_module.resources
  r.type == "aws_s3_bucket_versioning"
  r.values.versioning_configuration[0].status == "Enabled"
}
`;
const gold = (status: string, name: string) =>
  `resource "aws_s3_bucket" "b" {\n  bucket = "${name}"\n}\n\nresource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = "${status}"\n  }\n}\n`;
const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
const lines = (path: string): Record<string, any>[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/**
 * Every way an intent comes in (task folder `intent.rego`, JSONL `rego_intent` and `policy`, CSV
 * `Rego intent`): the gold that meets it is kept with a pass, the one that does not is dropped as
 * `intent-failed`, and `audit --show` prints the plan value the false rule read.
 */
describe('intent sources (issue 13 §3) and audit --show', () => {
  const dir = tempDir('tfpairs-intent-sources-');
  const out = join(dir, 'out');
  beforeAll(async () => {
    for (const [task, status] of [['folder-pass', 'Enabled'], ['folder-fail', 'Suspended']] as const) {
      mkdirSync(join(dir, 'tasks', task), { recursive: true });
      writeFileSync(join(dir, 'tasks', task, 'prompt.md'), `A versioned bucket (${task})\n`);
      writeFileSync(join(dir, 'tasks', task, 'main.tf'), gold(status, task));
      writeFileSync(join(dir, 'tasks', task, 'intent.rego'), POLICY);
    }
    writeFileSync(
      join(dir, 'tasks.jsonl'),
      [
        { prompt: 'A versioned bucket (jsonl-pass)', gold: gold('Enabled', 'jsonl-pass'), rego_intent: POLICY },
        { prompt: 'A versioned bucket (jsonl-fail)', gold: gold('Suspended', 'jsonl-fail'), rego_intent: POLICY },
        { prompt: 'A versioned bucket (policy-fail)', gold: gold('Suspended', 'policy-fail'), policy: POLICY },
        { prompt: 'A versioned bucket (no intent)', gold: gold('Suspended', 'no-intent') },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'tasks.csv'),
      ['Resource,Prompt,Rego intent,Difficulty,Reference output,Intent', ...[['csv-pass', 'Enabled'], ['csv-fail', 'Suspended']].map(([t, s]) => ['aws_s3_bucket', csvField(`A versioned bucket (${t})`), csvField(POLICY), '1', csvField(gold(s!, t!)), 'versioned'].join(','))].join('\r\n') + '\r\n',
    );
    await cli(['build', '--offline', '--no-report', '--input', join(dir, 'tasks'), '--input', join(dir, 'tasks.jsonl'), '--input', join(dir, 'tasks.csv'), '--out', out], { cwd: REPO });
  });

  it('each source becomes the intent: passes kept, failures dropped with the false rule', () => {
    const byTask = Object.fromEntries(lines(join(out, 'records.jsonl')).map((r) => [/\((.+)\)/.exec(r.prompt)![1], r]));
    expect(Object.keys(byTask).sort()).toEqual(['csv-fail', 'csv-pass', 'folder-fail', 'folder-pass', 'jsonl-fail', 'jsonl-pass', 'no intent', 'policy-fail']);
    for (const t of ['folder-pass', 'jsonl-pass', 'csv-pass']) expect([t, byTask[t].status, byTask[t].gold.intent]).toEqual([t, 'kept', { outcome: 'pass', falseRules: [] }]);
    for (const t of ['folder-fail', 'jsonl-fail', 'policy-fail', 'csv-fail']) {
      const cause = byTask[t].findings.find((f: { dropped: boolean }) => f.dropped);
      expect([t, byTask[t].status, cause?.code, byTask[t].gold.intent.falseRules]).toEqual([t, 'dropped', 'intent-failed', ['data.terraform.validation.versioned']]);
    }
    expect(byTask['no intent'].status).toBe('kept');
    expect(byTask['no intent'].gold.intent).toBeUndefined();
  });

  it('audit --show prints the intent verdict and the plan values the false rule read', async () => {
    const { stdout } = await cli(['audit', out, '--show', join(dir, 'tasks', 'folder-fail', 'prompt.md') + ':1'], { cwd: REPO });
    expect(stdout).toContain('DROPPED by policy (intent-failed)');
    expect(stdout).toContain('intent: fail (false: data.terraform.validation.versioned)');
    expect(stdout).toContain('data.terraform.validation.versioned read:');
    expect(stdout).toMatch(/planned_values\.root_module\.resources\[\d\]\.values\.versioning_configuration\[0\]\.status = "Suspended"/);
  });
});
