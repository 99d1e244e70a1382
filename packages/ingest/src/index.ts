import { stat } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import type { RunContext, TaskRecord } from '@tfpairs/core';
import { readIacEvalCsv } from './csv';
import { readJsonlTasks } from './jsonl';
import { readTaskFolder } from './folder';
import { rejectedInput } from './records';

export { readIacEvalCsv } from './csv';
export { readJsonlTasks, invalidCode } from './jsonl';
export { readTaskFolder } from './folder';
export { INGEST_VERSION, rejectedInput, taskRecord } from './records';
export { TaskInput, JsonlTask } from './schema';

/** How a path is shown in the audit: relative to the working directory when it is inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Reads one input of any supported kind; an unusable path becomes one dropped, audited record. */
export async function* readInput(input: string, cwd: string): AsyncIterable<TaskRecord> {
  const path = resolve(cwd, input);
  const shown = displayPath(path, cwd);
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    yield rejectedInput({ path: shown, line: 0 }, 'jsonl', 'unreadable-input', 'Cannot read input', `${shown}: ${err.code ?? err.message}`);
    return;
  }
  try {
    if (isDir) yield* readTaskFolder(path, shown);
    else if (extname(path).toLowerCase() === '.csv') yield* readIacEvalCsv(path, shown);
    else if (['.jsonl', '.ndjson', '.json'].includes(extname(path).toLowerCase())) yield* readJsonlTasks(path, shown);
    else yield rejectedInput({ path: shown, line: 0 }, 'jsonl', 'unknown-input-format', 'Unknown input format', `${shown}: expected a .csv (IaC-Eval), .jsonl file or a folder of tasks`);
  } catch (e) {
    // e.g. a file that cannot be read half-way, or invalid UTF-8 handling in a parser: audit, go on
    const err = e as NodeJS.ErrnoException;
    yield rejectedInput({ path: shown, line: 0 }, isDir ? 'folder' : 'jsonl', 'unreadable-input', 'Input could not be read to the end', `${shown}: ${err.code ?? ''} ${err.message}`.trim());
  }
}

/** All inputs of the run, in the order given, read relative to the run's `cwd`. */
export function ingestInputs(ctx: RunContext): AsyncIterable<TaskRecord> {
  return (async function* () {
    for (const input of ctx.config.inputs) yield* readInput(input, ctx.cwd);
  })();
}
