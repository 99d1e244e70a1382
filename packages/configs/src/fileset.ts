/**
 * A configuration of several files as one text: the form a task with local modules (a root module and
 * its `modules/**`) takes in records and corpora. It is the txtar format of golang.org/x/tools/txtar,
 * which Go's tools use for multi-file test cases: each file starts with a line `-- relative/path.tf --`
 * and its text runs up to the next such line. Two differences from txtar: no leading comment (a file
 * set starts with its first marker, so ordinary HCL is never mistaken for one), and every path must be
 * a plain relative path (no `..`, `.`, empty or hidden segment, no backslash, no duplicate), since the
 * files are written to disk (the sandbox) and read as one module tree (`memoryFileSystem`). A text whose
 * markers break that rule is not a file set: it is judged as the one file it is.
 *
 * It lives here, under every stage and check, because each of them reads an artifact's code as files.
 */
export interface SetFile {
  /** slash-separated, relative to the root module's folder */
  readonly path: string;
  readonly text: string;
}

/** the file name a one-file configuration has */
export const SINGLE_FILE = 'main.tf';

const MARKER = /^-- (\S(?:.*\S)?) --$/;

/** a path the set may hold: relative, plain segments, nothing hidden */
export function isSetPath(path: string): boolean {
  if (path.startsWith('/') || /[\\\u0000-\u001f]/.test(path)) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.startsWith('.') && s.trim() === s);
}

function markerPath(line: string): string | undefined {
  return MARKER.exec(line.trimEnd())?.[1];
}

export function isFileSet(text: string): boolean {
  return parseFileSet(text) !== null;
}

/** The files of a file set, in order; null when the text is not one. */
export function parseFileSet(text: string): SetFile[] | null {
  const newline = text.indexOf('\n');
  if (markerPath(newline < 0 ? text : text.slice(0, newline)) === undefined) return null;
  const files: { path: string; lines: string[] }[] = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const path = markerPath(line);
    if (path !== undefined) files.push({ path, lines: [] });
    else files.at(-1)!.lines.push(line);
  }
  const paths = new Set(files.map((f) => f.path));
  if (paths.size !== files.length || !files.every((f) => isSetPath(f.path))) return null;
  return files.map((f) => ({ path: f.path, text: f.lines.join('\n').replace(/\s+$/u, '') + '\n' }));
}

/** One text of the files, each ending with exactly one final newline. */
export function renderFileSet(files: readonly SetFile[]): string {
  return files.map((f) => `-- ${f.path} --\n${f.text.replace(/\s+$/u, '')}\n`).join('');
}

/** The files an artifact's code stands for: a file set's files, else the code as the one `main.tf`. */
export function filesOfCode(code: string): SetFile[] {
  return parseFileSet(code) ?? [{ path: SINGLE_FILE, text: code }];
}

/**
 * The code with `change` applied to each of its files (in order, one at a time: a change may number
 * what it finds across files); a one-file code is changed as `main.tf` and stays one file.
 */
export async function mapCodeFiles(code: string, change: (text: string, path: string) => Promise<string>): Promise<string> {
  const files = parseFileSet(code);
  if (!files) return change(code, SINGLE_FILE);
  const out: SetFile[] = [];
  for (const f of files) out.push({ path: f.path, text: await change(f.text, f.path) });
  return renderFileSet(out);
}
