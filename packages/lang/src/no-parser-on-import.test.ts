import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

/**
 * The build's main thread imports every stage and never parses: importing the evaluator (templatestring,
 * decode_tfvars) must not start tree-sitter's WebAssembly there. A fresh process, since module state
 * is per process.
 */
it('importing the evaluator and the stages that use it loads no HCL parser until something parses', () => {
  const script = `
    const hcl = await import('@tfpairs/hcl');
    await import('@tfpairs/lang');
    await import('@tfpairs/plan');
    await import('@tfpairs/verify');
    await new Promise((r) => setTimeout(r, 300));
    const before = hcl.loadedHclParser() === undefined;
    await hcl.parseFile('main.tf', 'a = 1\\n');
    console.log(JSON.stringify({ before, after: hcl.loadedHclParser() !== undefined }));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('.', import.meta.url) });
  expect(child.status, child.stderr).toBe(0);
  expect(JSON.parse(child.stdout.trim().split('\n').pop()!)).toEqual({ before: true, after: true });
});
