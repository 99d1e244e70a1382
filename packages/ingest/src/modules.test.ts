import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseAnswer, parseFileSet } from '@tfpairs/normalise';
import type { TaskRecord } from '@tfpairs/core';
import { readTaskFolder } from './folder';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tfpairs-modules-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function all(root: string): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for await (const r of readTaskFolder(root, 'tasks')) out.push(r);
  return out;
}

describe('task folders with local modules', () => {
  const files = {
    'net/prompt.md': 'A VPC through a local module\n',
    'net/main.tf': 'module "vpc" {\n  source = "./modules/vpc"\n  cidr = "10.0.0.0/16"\n}\n',
    'net/modules/vpc/main.tf': 'variable "cidr" {}\nresource "aws_vpc" "v" {\n  cidr_block = var.cidr\n}\n',
    'net/modules/vpc/outputs.tf': 'output "id" { value = aws_vpc.v.id }\n',
    'plain/prompt.md': 'A bucket\n',
    'plain/main.tf': 'resource "aws_s3_bucket" "b" {}\n',
  };

  it('a task is the folder holding the prompt: its modules/** are part of it, not inputs of their own', async () => {
    const records = await all(tree(files));
    expect(records.map((r) => [r.provenance.source.path, r.status])).toEqual([
      ['tasks/net/prompt.md', 'kept'],
      ['tasks/plain/prompt.md', 'kept'],
    ]);
    const net = records[0]!;
    expect(parseFileSet(net.gold!.raw)!.map((f) => f.path)).toEqual(['main.tf', 'modules/vpc/main.tf', 'modules/vpc/outputs.tf']);
    // a task of one folder keeps the one-file gold it always had
    expect(records[1]!.gold!.raw).toBe('resource "aws_s3_bucket" "b" {}\n');
  });

  it('a folder of .tf files with no prompt above it is still audited as missing its prompt', async () => {
    const records = await all(tree({ ...files, 'stray/main.tf': 'resource "a" "b" {}\n' }));
    expect(records.find((r) => r.provenance.source.path === 'tasks/stray/main.tf')?.findings[0]?.code).toBe('missing-prompt');
  });

  it('normalise formats every file of the set under its own name and keeps the set', async () => {
    const [net] = await all(tree(files));
    const n = await normaliseAnswer(net!.gold!.raw, { format: true, stripComments: true, isAnswer: false });
    const set = parseFileSet(n.code!)!;
    expect(set.map((f) => f.path)).toEqual(['main.tf', 'modules/vpc/main.tf', 'modules/vpc/outputs.tf']);
    // fmt aligns the equals signs of one block and leaves a one-line block on one line
    expect(set[0]!.text).toBe('module "vpc" {\n  source = "./modules/vpc"\n  cidr   = "10.0.0.0/16"\n}\n');
    expect(set[2]!.text).toBe('output "id" { value = aws_vpc.v.id }\n');
    expect(n.code!.endsWith('}\n')).toBe(true);
  });
});
