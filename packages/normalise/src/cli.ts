import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { FlagError, parseFlags, readAll, renderDiagnostic, type CliIO, type Command, type Diagnostic, type FlagSpec } from '@tfpairs/core';
import { createTwoFilesPatch } from 'diff';
import { formatHcl } from './fmt';

/**
 * `tfpairs fmt`: terraform's `fmt` command (internal/command/fmt.go) with its flags, output and exit
 * codes: 0 done, 1 bad flags, 2 diagnostics (syntax errors, missing paths), 3 `-check` found files
 * that need formatting.
 */
const fmtFlags: FlagSpec[] = [
  { name: 'list', type: 'boolean', help: "list files whose formatting differs (always disabled if using STDIN)", default: 'true' },
  { name: 'write', type: 'boolean', help: 'write result to source files (always disabled if using STDIN or -check)', default: 'true' },
  { name: 'diff', type: 'boolean', help: 'display diffs of formatting changes' },
  { name: 'check', type: 'boolean', help: 'check if the input is formatted; exit status 3 when it is not' },
  { name: 'recursive', type: 'boolean', help: 'also process files in subdirectories' },
  { name: 'no-color', type: 'boolean', help: 'accepted for compatibility (output has no colours)' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const HELP = `Usage: tfpairs fmt [options] [target...]

  Rewrites Terraform configuration files (.tf, .tfvars, .tftest.hcl, .tfmock.hcl) to the canonical
  format and style, byte for byte as \`terraform fmt\` does. With no target the current directory is
  processed; a directory target is scanned, a file target is processed alone; a single dash ("-")
  reads STDIN and writes the result to STDOUT.

Options:

${fmtFlags.map((f) => `  -${f.type === 'boolean' && f.default === 'true' ? `${f.name}=false` : f.name}`.padEnd(16) + f.help).join('\n')}
`;

const SUPPORTED_EXTENSIONS = ['.tf', '.tfvars', '.tftest.hcl', '.tfmock.hcl'];

/** terraform's configs.IsIgnoredFile: dotfiles and editor backups (`foo~`, `#foo#`). */
function isIgnoredFile(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
}

interface FmtOptions {
  list: boolean;
  write: boolean;
  diff: boolean;
}

/** GNU `diff -u --label=old/P --label=new/P`, which terraform shells out to. */
export function unifiedDiff(before: string, after: string, path: string): string {
  const patch = createTwoFilesPatch(`old/${path}`, `new/${path}`, before, after, undefined, undefined, { context: 3 });
  return patch
    .replace(/^(Index: .*\n)?=+\n/, '')
    .replace(/^@@ -(\d+),1 \+/gm, '@@ -$1 +')
    .replace(/^(@@ -\S+ \+\d+),1 @@/gm, '$1 @@');
}

/** The source lines of a diagnostic's range, printed under `on FILE line N:` as terraform does. */
function withSnippet(d: Diagnostic, src: string): Diagnostic {
  if (!d.range || d.snippet) return d;
  const lines = src.split(/\r?\n/);
  const { start, end } = d.range;
  const code = lines.slice(start.line - 1, Math.max(start.line, end.line)).join('\n');
  return { ...d, snippet: { context: null, code, start_line: start.line, highlight_start_offset: start.column - 1, highlight_end_offset: code.length, values: [] } };
}

class Formatter {
  readonly diagnostics: Diagnostic[] = [];
  output = '';

  /**
   * terraform writes through cli.UiWriter, which prints each chunk with exactly one trailing newline:
   * a formatted STDIN without a final newline (or an empty one) gets one on STDOUT, a file does not.
   */
  private write(chunk: string): void {
    this.output += chunk.endsWith('\n') ? chunk : `${chunk}\n`;
  }

  constructor(
    private readonly io: CliIO,
    private readonly opts: FmtOptions,
    private readonly recursive: boolean,
  ) {}

  /** terraform prints paths relative to the working directory */
  display(path: string): string {
    return relative(this.io.cwd, path) || '.';
  }

  async processFile(displayPath: string, src: string, writePath: string | null): Promise<void> {
    const result = await formatHcl(src, displayPath);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      this.diagnostics.push(...errors.map((d) => withSnippet(d, src)));
      return;
    }
    if (src !== result.text) {
      if (this.opts.list) this.write(`${displayPath}\n`);
      if (this.opts.write && writePath) {
        try {
          writeFileSync(writePath, result.text);
        } catch {
          this.diagnostics.push({ severity: 'error', summary: `Failed to write ${displayPath}`, detail: '' });
          return;
        }
      }
      if (this.opts.diff) this.write(unifiedDiff(src, result.text, displayPath));
    }
    if (!this.opts.list && !this.opts.write && !this.opts.diff) this.write(result.text);
  }

  async processDir(dir: string): Promise<void> {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      this.diagnostics.push({ severity: 'error', summary: missing ? `There is no configuration directory at ${this.display(dir)}` : `Cannot read directory ${this.display(dir)}`, detail: '' });
      return;
    }
    for (const entry of entries) {
      if (isIgnoredFile(entry.name)) continue;
      const sub = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (this.recursive) await this.processDir(sub);
        continue;
      }
      if (!SUPPORTED_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) continue;
      await this.processPath(sub);
    }
  }

  async processPath(path: string): Promise<void> {
    let src: string;
    try {
      src = readFileSync(path, 'utf8');
    } catch {
      this.diagnostics.push({ severity: 'error', summary: `Failed to read file ${this.display(path)}`, detail: '' });
      return;
    }
    await this.processFile(this.display(path), src, path);
  }
}

export const fmtCommand: Command = async (argv, io) => {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(argv, fmtFlags));
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`${e.message}\n\n${HELP}`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const check = values.check === true;
  const stdin = positionals[0] === '-';
  let list = values.list !== false;
  let write = values.write !== false;
  if (stdin) {
    list = false;
    write = false;
  }
  const printList = list; // -check prints the list only when -list was not switched off
  if (check) {
    list = true;
    write = false;
  }
  const formatter = new Formatter(io, { list, write, diff: values.diff === true }, values.recursive === true);

  if (stdin) {
    await formatter.processFile('<stdin>', await readAll(io.stdin), null);
  } else {
    for (const given of positionals.length ? positionals : ['.']) {
      const path = isAbsolute(given) ? given : resolve(io.cwd, given);
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        formatter.diagnostics.push({ severity: 'error', summary: `No file or directory at ${formatter.display(path)}`, detail: '' });
        break;
      }
      if (isDir) await formatter.processDir(path);
      else if (SUPPORTED_EXTENSIONS.some((ext) => path.endsWith(ext))) await formatter.processPath(path);
      else formatter.diagnostics.push({ severity: 'error', summary: 'Only .tf, .tfvars, and .tftest.hcl files can be processed with terraform fmt', detail: '' });
    }
  }

  // terraform streams names, diffs and stdin results as it goes; under -check it buffers them and
  // prints the buffer only when no file had errors
  if (!check) io.stdout.write(formatter.output);
  for (const d of formatter.diagnostics) io.stderr.write(`\n${renderDiagnostic(d)}`);
  if (formatter.diagnostics.length > 0) return 2;
  if (!check) return 0;
  if (printList) io.stdout.write(formatter.output);
  return formatter.output.length === 0 ? 0 : 3;
};
