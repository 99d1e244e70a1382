import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import type { RunContext, TaskRecord } from '@tfpairs/core';
import { readIacEvalCsv } from './csv';
import { readJsonlTasks } from './jsonl';
import { readTaskFolder } from './folder';
import { rejectedInput } from './records';
import { isUtf8File, ndjsonLinesOfFile, utf8Bytes } from './encoding';
import { emptyInputWarning, withInputChecks } from './checks';

const JSONL_EXTS = ['.jsonl', '.ndjson', '.json'];

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

export interface ReadOptions {
  /** decode .csv/.jsonl files from this encoding (else they must be UTF-8) */
  readonly encoding?: string;
}

/** Reads one input of any supported kind; an unusable path becomes one dropped, audited record. */
export async function* readInput(input: string, cwd: string, options: ReadOptions = {}): AsyncIterable<TaskRecord> {
  const path = resolve(cwd, input);
  const shown = displayPath(path, cwd);
  let isDir: boolean;
  let isFile: boolean;
  try {
    const info = await stat(path);
    isDir = info.isDirectory();
    isFile = info.isFile();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    yield rejectedInput({ path: shown, line: 0 }, 'jsonl', 'unreadable-input', 'Cannot read input', `${shown}: ${err.code ?? err.message}`);
    return;
  }
  try {
    const ext = extname(path).toLowerCase();
    const jsonl = !isDir && JSONL_EXTS.includes(ext);
    // a file's bytes must be UTF-8 (or decoded from --input-encoding): never read as U+FFFD. JSONL and
    // CSV are checked and then read in chunks, so a corpus of any size is never in memory whole; the
    // bytes are read whole only to say where a file that is not UTF-8 goes wrong.
    // (a pipe cannot be read twice: it is read whole, as before)
    const streamable = (jsonl || ext === '.csv') && isFile && (options.encoding !== undefined || (await isUtf8File(path)));
    const decoded = !isDir && !streamable && (ext === '.csv' || jsonl) ? utf8Bytes(await readFile(path), shown, options.encoding) : null;
    if (decoded && !decoded.ok) yield rejectedInput({ path: shown, line: decoded.line }, ext === '.csv' ? 'iac-eval-csv' : 'jsonl', 'not-utf8', 'Input is not UTF-8', decoded.detail);
    else if (isDir) yield* readTaskFolder(path, shown);
    else if (ext === '.csv') yield* readIacEvalCsv(path, shown, decoded ? { bytes: decoded.bytes } : { encoding: options.encoding });
    else if (streamable) yield* readJsonlTasks(path, shown, ndjsonLinesOfFile(path, options.encoding));
    else yield rejectedInput({ path: shown, line: 0 }, 'jsonl', 'unknown-input-format', 'Unknown input format', `${shown}: expected a .csv (IaC-Eval), .jsonl file or a folder of tasks`);
  } catch (e) {
    // e.g. a file that cannot be read half-way, or invalid UTF-8 handling in a parser: audit, go on
    const err = e as NodeJS.ErrnoException;
    yield rejectedInput({ path: shown, line: 0 }, isDir ? 'folder' : 'jsonl', 'unreadable-input', 'Input could not be read to the end', `${shown}: ${err.code ?? ''} ${err.message}`.trim());
  }
}

/** All inputs of the run, in the order given, read relative to the run's `cwd`. */
export function ingestInputs(ctx: RunContext): AsyncIterable<TaskRecord> {
  const settings = ctx.config.ingest;
  return (async function* () {
    for (const input of ctx.config.inputs) {
      let count = 0;
      for await (const record of readInput(input, ctx.cwd, { encoding: settings.inputEncoding })) {
        count += 1;
        yield withInputChecks(record, settings.maxPromptChars);
      }
      const empty = await emptyInputWarning(input, ctx.cwd, count);
      if (empty) ctx.warnings.push(empty);
    }
  })();
}
