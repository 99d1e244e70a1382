import { describe, expect, it } from 'vitest';
import { collect, createRunContext, deepFreeze, fromArray, newArtifact, parseConfig, updateArtifact, type TaskRecord } from '@tfpairs/core';
import { renderFileSet } from '@tfpairs/configs/fileset';
import { sandboxStage } from '@tfpairs/sandbox';
import { doubleConfig, engineGate, TEST_IMAGE, testEngine } from './engine';

/**
 * A file-set artifact (a task with local modules) in the real sandbox: the stage uploads each file to
 * its path, so the container's configuration folder holds the root module's own files at the top and
 * the module's files in their folders (the terraform test double, docker/test-image, reports the top).
 */
const engine = await testEngine();
const suffix = engineGate(engine);

(engine.docker ? describe : describe.skip)(`sandbox stage on a file set (real Docker engine)${suffix}`, () => {
  it('writes each file of the set to its path: the root keeps only its own files', async () => {
    const code = renderFileSet([
      { path: 'main.tf', text: doubleConfig('module "m" {\n  source = "./modules/m"\n}\n', 'probe') },
      // the double reads directives from the top folder's files only: this one acts only if the upload flattened the set
      { path: 'modules/m/main.tf', text: doubleConfig('resource "terraform_data" "x" {}\n', 'crash') },
      { path: 'modules/m/outputs.tf', text: 'output "id" {\n  value = terraform_data.x.id\n}\n' },
    ]);
    const gold = updateArtifact(newArtifact('gold', 'reference', code, { code }), { verdict: 'valid', verifiedBy: 'embedded' });
    const record: TaskRecord = deepFreeze({
      id: 'modules',
      prompt: 'a local module',
      gold,
      candidates: [],
      mutations: [],
      meta: {},
      provenance: { source: { path: 'tasks/m/prompt.md', line: 1 }, format: 'folder' as const, stages: { verify: 'test' } },
      split: null,
      findings: [],
      status: 'kept' as const,
    });
    const ctx = createRunContext(parseConfig({ sandbox: { mode: 'docker', image: TEST_IMAGE } }), { env: process.env });
    const [r] = await collect(sandboxStage(ctx)(fromArray([record])));
    expect(r!.gold).toMatchObject({ verdict: 'valid', verifiedBy: 'sandbox' });
    // a flattened upload would put the module's files (and their crash directive) at the top
    expect(r!.gold!.diagnostics.find((d) => d.summary === 'tfpairs-double files')?.detail).toBe('main.tf');
    expect(r!.findings).toEqual([]);
  }, 60_000);
});
