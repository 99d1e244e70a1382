/**
 * Several files as one text, for a task whose configuration is more than one file (a root module and
 * its local `modules/**`): the txtar format of golang.org/x/tools/txtar, which Go's tools use for
 * multi-file test cases. Each file starts with a line `-- relative/path.tf --`; its text follows up to
 * the next such line. A reader turns it back into files (e.g. `@tfpairs/configs` memoryFileSystem)
 * and terraform reads those files from a directory as they are. Unlike txtar we admit no leading
 * comment: a file set starts with its first marker, so ordinary HCL is never mistaken for one.
 */
export interface SetFile {
  /** slash-separated, relative to the task folder (the root module) */
  readonly path: string;
  readonly text: string;
}

const MARKER = /^-- (\S(?:.*\S)?) --$/;

export function isFileSet(text: string): boolean {
  const first = text.slice(0, text.indexOf('\n') < 0 ? undefined : text.indexOf('\n'));
  return MARKER.test(first.trimEnd());
}

/** The files of a file set, in order; null when the text is not one. */
export function parseFileSet(text: string): SetFile[] | null {
  if (!isFileSet(text)) return null;
  const files: { path: string; lines: string[] }[] = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const m = MARKER.exec(line.trimEnd());
    if (m) files.push({ path: m[1]!, lines: [] });
    else files.at(-1)!.lines.push(line);
  }
  return files.map((f) => ({ path: f.path, text: f.lines.join('\n').replace(/\s+$/u, '') + '\n' }));
}

/** One text of the files, each ending with exactly one final newline. */
export function renderFileSet(files: readonly SetFile[]): string {
  return files.map((f) => `-- ${f.path} --\n${f.text.replace(/\s+$/u, '')}\n`).join('');
}
