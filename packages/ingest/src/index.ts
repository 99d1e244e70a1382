import { stat } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import { dropRecord, finding, normalisePrompt, sha256, stampStage, type RunContext, type Stage, type TaskRecord } from '@tfpairs/core';
import { readIacEvalCsv } from './csv';
import { readJsonlTasks } from './jsonl';
import { readTaskFolder } from './folder';
import { rejectedInput } from './records';

export const DEDUP_VERSION = '0.1.0';

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

/** All inputs of the run, in the order given. */
export function ingestInputs(ctx: RunContext, cwd = process.cwd()): AsyncIterable<TaskRecord> {
  return (async function* () {
    for (const input of ctx.config.inputs) yield* readInput(input, cwd);
  })();
}

/** Drops a prompt seen before (after whitespace/case normalisation); the first occurrence is kept. */
export function dedupStage(_ctx?: RunContext): Stage {
  return async function* (input) {
    // only what the audit needs of the first occurrence: a 150k-record run must not keep records alive
    const seen = new Map<string, { id: string | null; at: string }>();
    for await (const record of input) {
      if (record.status !== 'kept') {
        yield record;
        continue;
      }
      const key = sha256(normalisePrompt(record.prompt));
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { id: record.id, at: `${record.provenance.source.path}:${record.provenance.source.line}` });
        yield stampStage(record, 'dedup', DEDUP_VERSION);
        continue;
      }
      yield dropRecord(
        stampStage(record, 'dedup', DEDUP_VERSION),
        finding('dedup', 'duplicate', { severity: 'warning', summary: 'Duplicate prompt', detail: `same prompt (ignoring case and whitespace) as record ${first.id} at ${first.at}` }),
      );
    }
  };
}

