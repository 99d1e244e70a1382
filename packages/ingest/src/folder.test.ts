import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect } from '@tfpairs/core';
import { readTaskFolder } from './folder';

const POLICY = 'package terraform.validation\ndefault ok = false\nok {\n  input.planned_values\n}\n';

describe('task folder: intent.rego', () => {
  it("beside the prompt it is the task's Rego intent (meta.rego_intent); a task without one has none", async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfpairs-folder-intent-'));
    const mk = (rel: string, text: string) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    mk('with/prompt.md', 'A VPC\n');
    mk('with/main.tf', 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n');
    mk('with/intent.rego', POLICY);
    // a module folder's intent.rego is not the task's
    mk('modules-only/prompt.md', 'A VPC from a module\n');
    mk('modules-only/main.tf', 'module "net" {\n  source = "./modules/net"\n}\n');
    mk('modules-only/modules/net/main.tf', 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n');
    mk('modules-only/modules/net/intent.rego', POLICY);
    mk('without/prompt.md', 'A bucket\n');
    mk('without/main.tf', 'resource "aws_s3_bucket" "b" {}\n');
    const records = await collect(readTaskFolder(root, 'tasks'));
    const byTask = Object.fromEntries(records.map((r) => [r.meta.task, r]));
    expect(records.every((r) => r.status === 'kept')).toBe(true);
    expect(byTask.with!.meta).toEqual({ task: 'with', rego_intent: POLICY });
    expect(byTask['modules-only']!.meta).toEqual({ task: 'modules-only' });
    expect(byTask.without!.meta).toEqual({ task: 'without' });
    // the intent is not part of the gold
    expect(byTask.with!.gold!.raw).not.toContain('package');
  });

  it('an unreadable intent.rego is an audited drop of its task, not a task without intent', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfpairs-folder-intent-'));
    mkdirSync(join(root, 't', 'intent.rego'), { recursive: true }); // a folder where the file should be
    writeFileSync(join(root, 't', 'prompt.md'), 'A VPC\n');
    writeFileSync(join(root, 't', 'main.tf'), 'resource "aws_vpc" "v" {}\n');
    const [r] = await collect(readTaskFolder(root, 'tasks'));
    expect(r!.status).toBe('dropped');
    expect(r!.findings[0]).toMatchObject({ code: 'unreadable-file', dropped: true });
    expect(r!.findings[0]!.detail).toContain('EISDIR');
  });
});
