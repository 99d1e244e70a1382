import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { renderFileSet } from '@tfpairs/normalise/fileset';
import fg from 'fast-glob';
import type { TaskRecord } from '@tfpairs/core';
import { TaskInput, zodReason } from './schema';
import { invalidCode } from './jsonl';
import { rejectedInput, taskRecord } from './records';

/** A task's Rego intent, beside its prompt. */
const INTENT_FILE = 'intent.rego';

/** The file's text, `undefined` when it does not exist (other read errors are the caller's). */
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** `dir` itself or the nearest folder above it (inside the input) that holds a prompt. */
function taskOf(dir: string, promptDirs: ReadonlySet<string>): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (promptDirs.has(d)) return d;
    if (d === '.' || d === dirname(d)) return null;
  }
}

/** A task's own `.tf` files first (main.tf first, then by name), then those of its module folders. */
function byTaskOrder(a: string, b: string): number {
  const da = dirname(a);
  const db = dirname(b);
  if (da !== db) return da === '.' ? -1 : db === '.' ? 1 : da.localeCompare(db);
  return basename(a) === 'main.tf' ? -1 : basename(b) === 'main.tf' ? 1 : a.localeCompare(b);
}

/**
 * A folder of tasks: a task is a directory holding `prompt.md`/`prompt.txt` (or, without any prompt
 * above it, a directory of `*.tf` files, which is audited as missing its prompt). The `.tf` files of
 * its folders below (local modules: `modules/**`) belong to it. A task of one folder has its `.tf`
 * files (main.tf first, then by name) joined as one gold file; a task with module folders keeps every
 * file under its relative path, as a file set (`@tfpairs/normalise` fileset.ts: txtar's
 * `-- path --` lines). `drafts/*` are recorded drafts; `intent.rego` beside the prompt is the task's
 * Rego intent (`meta.rego_intent`, as the CSV's `Rego intent` column), checked on the plan by the
 * intent stage.
 */
export async function* readTaskFolder(root: string, displayRoot = root): AsyncIterable<TaskRecord> {
  const files = await fg(['**/prompt.md', '**/prompt.txt', '**/*.tf'], {
    cwd: root,
    onlyFiles: true,
    ignore: ['**/drafts/**', '**/.terraform/**', '**/node_modules/**'],
  });
  const promptDirs = new Set(files.filter((f) => !f.endsWith('.tf')).map((f) => dirname(f)));
  const dirs = new Map<string, { prompts: string[]; tf: string[] }>();
  for (const f of files) {
    const own = dirname(f);
    // a .tf file below a task's folder is part of that task (relative to it); a prompt is its folder's
    const d = f.endsWith('.tf') ? (taskOf(own, promptDirs) ?? own) : own;
    const entry = dirs.get(d) ?? { prompts: [], tf: [] };
    (f.endsWith('.tf') ? entry.tf : entry.prompts).push(f);
    dirs.set(d, entry);
  }
  for (const dir of [...dirs.keys()].sort()) {
    const { prompts, tf } = dirs.get(dir)!;
    const local = (f: string) => (dir === '.' ? f : relative(dir, f)).split(sep).join('/');
    tf.sort((a, b) => byTaskOrder(local(a), local(b)));
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
      const withModules = tf.some((f) => local(f).includes('/'));
      const gold = !goldParts.length
        ? undefined
        : withModules
          ? renderFileSet(tf.map((f, i) => ({ path: local(f), text: goldParts[i]! })))
          : goldParts.map((t) => t.replace(/\s+$/, '')).join('\n\n') + '\n';
      const intent = await readIfPresent(join(root, dir, INTENT_FILE));
      const meta = { task: dir === '.' ? basename(root) : dir, ...(intent !== undefined ? { rego_intent: intent } : {}) };
      const task = TaskInput.safeParse({ prompt, gold, drafts, meta });
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
