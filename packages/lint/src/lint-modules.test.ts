import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { checkSyntax } from '@tfpairs/hcl';
import { DRAFTS_CSV, requireShared } from '../../../test/paths';
import { lintModules, lintReport } from './lint';
import type { ModuleFile } from './module';

/** What linting one module means: HashiCorp's parser on each file alone, then the rules on valid modules. */
async function expected(files: readonly ModuleFile[]) {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : 1));
  const syntax = (await Promise.all(sorted.filter((f) => !f.name.endsWith('.json')).map((f) => checkSyntax(f.text, f.name)))).flat();
  if (syntax.length) return { issues: [], errors: syntax };
  return lintReport(files, { syntaxChecked: true });
}

// a heredoc left open is closed by the next file's terminator when the two are joined
const OPEN_HEREDOC = 'locals {\n  a = <<EOT\nhello\n';
const CLOSES_IT = 'locals {\n  b = <<EOT\nworld\nEOT\n}\n';
const BROKEN = 'resource "aws_vpc" "v" {\n  cidr_block = \n}\n';

describe('lintModules: HashiCorp parser in groups, the same reports as module by module', () => {
  it('on the shared references and drafts, with broken files and a heredoc that only a neighbour closes', async () => {
    const rows = parse(readFileSync(requireShared(DRAFTS_CSV)), { columns: true, bom: true }) as Record<string, string>[];
    const modules: ModuleFile[][] = rows.map((r, i) => [{ name: `m${i}/main.tf`, text: r['Reference output']! }]);
    modules.splice(3, 0, [{ name: 'open/main.tf', text: OPEN_HEREDOC }], [{ name: 'closes/main.tf', text: CLOSES_IT }]);
    modules.splice(40, 0, [{ name: 'broken/main.tf', text: BROKEN }]);
    modules.splice(70, 0, [
      { name: 'two/a.tf', text: 'variable "x" {\n  type = string\n}\n' },
      { name: 'two/b.tf', text: 'output "x" {\n  value = var.x\n}\n' },
    ]);
    const grouped = await lintModules(modules);
    const one = await Promise.all(modules.map(expected));
    expect(grouped).toEqual(one);
    // the traps are errors, reported under the file's own name
    expect(grouped[3]!.errors.length).toBeGreaterThan(0);
    expect(grouped[3]!.errors[0]!.range?.filename).toBe('open/main.tf');
    expect(grouped[4]!.errors).toEqual([]);
    expect(grouped[40]!.errors[0]!.range?.filename).toBe('broken/main.tf');
    expect(grouped.filter((r) => r.issues.length > 0).length).toBeGreaterThan(100);
  }, 120_000);
});
