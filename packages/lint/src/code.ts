import { posix } from 'node:path';
import { filesOfCode } from '@tfpairs/configs/fileset';
import { lintConfig, sortIssues, type LintOptions } from './lint';
import type { LintIssue } from './rule';

/**
 * The issues of an artifact's code: one `main.tf`, or a file set (a root module and its local modules),
 * where each module folder is linted as its own module, as `tflint --recursive` does, and every issue
 * names its file by its path in the set (`modules/m/main.tf`).
 */
export async function lintCode(code: string, options: LintOptions): Promise<LintIssue[]> {
  const byDir = new Map<string, { name: string; text: string }[]>();
  for (const f of filesOfCode(code)) {
    if (!f.path.endsWith('.tf') && !f.path.endsWith('.tf.json')) continue;
    const dir = posix.dirname(f.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), { name: f.path, text: f.text }]);
  }
  const issues = await Promise.all([...byDir.values()].map((files) => lintConfig(files, options)));
  return byDir.size > 1 ? sortIssues(issues.flat()) : (issues[0] ?? []);
}
