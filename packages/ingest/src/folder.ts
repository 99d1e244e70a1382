import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import fg from 'fast-glob';
import type { TaskRecord } from '@tfpairs/core';
import { TaskInput, zodReason } from './schema';
import { invalidCode } from './jsonl';
import { rejectedInput, taskRecord } from './records';

/**
 * A folder of tasks: every directory holding `prompt.md`/`prompt.txt` and/or `*.tf` files directly is one
 * task; its `.tf` files (main.tf first, then by name) form the gold module; `drafts/*` are recorded drafts.
 */
export async function* readTaskFolder(root: string, displayRoot = root): AsyncIterable<TaskRecord> {
  const files = await fg(['**/prompt.md', '**/prompt.txt', '**/*.tf'], {
    cwd: root,
    onlyFiles: true,
    ignore: ['**/drafts/**', '**/.terraform/**', '**/node_modules/**'],
  });
  const dirs = new Map<string, { prompts: string[]; tf: string[] }>();
  for (const f of files) {
    const d = dirname(f);
    const entry = dirs.get(d) ?? { prompts: [], tf: [] };
    (f.endsWith('.tf') ? entry.tf : entry.prompts).push(f);
    dirs.set(d, entry);
  }
  for (const dir of [...dirs.keys()].sort()) {
    const { prompts, tf } = dirs.get(dir)!;
    tf.sort((a, b) => (basename(a) === 'main.tf' ? -1 : basename(b) === 'main.tf' ? 1 : a.localeCompare(b)));
    prompts.sort(); // prompt.md before prompt.txt
    const anchor = prompts[0] ?? tf[0]!;
    const source = { path: join(displayRoot, anchor), line: 1 };
    if (prompts.length > 1) {
      yield rejectedInput(source, 'folder', 'ambiguous-prompt', 'Task has two prompt files', `both ${prompts.join(' and ')} exist in ${join(displayRoot, dir)}`);
      continue;
    }
    try {
      const prompt = prompts[0] ? await readFile(join(root, prompts[0]), 'utf8') : undefined;
      const goldParts = await Promise.all(tf.map((f) => readFile(join(root, f), 'utf8')));
      const draftFiles = (await fg(['drafts/*'], { cwd: join(root, dir), onlyFiles: true })).sort();
      const drafts = await Promise.all(draftFiles.map((f) => readFile(join(root, dir, f), 'utf8')));
      const gold = goldParts.length ? goldParts.map((t) => t.replace(/\s+$/, '')).join('\n\n') + '\n' : undefined;
      const task = TaskInput.safeParse({ prompt, gold, drafts, meta: { task: dir === '.' ? basename(root) : dir } });
      if (!task.success) {
        const reason = zodReason(task.error).replace(/\bgold is missing\b/, 'gold is missing (no .tf file)').replace(/\bprompt is missing\b/, 'prompt is missing (no prompt.md or prompt.txt)');
        yield rejectedInput(source, 'folder', invalidCode(reason), 'Invalid task', `${join(displayRoot, dir)}: ${reason}`, prompt ?? '');
        continue;
      }
      yield taskRecord(task.data, source, 'folder');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      yield rejectedInput(source, 'folder', 'unreadable-file', 'Cannot read task file', `${join(displayRoot, dir)}: ${err.code ?? ''} ${err.message}`.trim());
    }
  }
}
