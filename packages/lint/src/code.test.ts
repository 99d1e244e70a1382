import { describe, expect, it } from 'vitest';
import { renderFileSet } from '@tfpairs/configs/fileset';
import { lintCode } from './code';
import { lintConfig } from './lint';

const ROOT = 'module "m" {\n  source = "./modules/m"\n}\n\nvariable "unused" {}\n';
const CHILD = 'variable "name" {}\n\nresource "terraform_data" "x" {\n  input = "${var.name}"\n}\n';

describe('lintCode', () => {
  it('lints each module folder of a file set on its own, issues named by their path in the set', async () => {
    const code = renderFileSet([
      { path: 'main.tf', text: ROOT },
      { path: 'modules/m/main.tf', text: CHILD },
    ]);
    const issues = await lintCode(code, {});
    // the same issues as linting each folder alone (tflint --recursive), nothing from one module leaking into another
    const root = await lintConfig([{ name: 'main.tf', text: ROOT }], {});
    const child = await lintConfig([{ name: 'modules/m/main.tf', text: CHILD }], {});
    expect(issues.map((i) => [i.rule, i.range.filename, i.range.start.line])).toEqual([...root, ...child].map((i) => [i.rule, i.range.filename, i.range.start.line]));
    expect(new Set(issues.map((i) => i.range.filename))).toEqual(new Set(['main.tf', 'modules/m/main.tf']));
    expect(issues.some((i) => i.rule === 'terraform_deprecated_interpolation' && i.range.filename === 'modules/m/main.tf')).toBe(true);
  });

  it('lints one-file code as main.tf, as before', async () => {
    expect(await lintCode(ROOT, {})).toEqual(await lintConfig([{ name: 'main.tf', text: ROOT }], {}));
  });
});
