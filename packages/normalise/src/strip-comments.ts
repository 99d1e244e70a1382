import { checkSyntax } from '@tfpairs/hcl/syntax';
import { formatValidHcl } from './fmt';
import { withHclTree, type Node } from './tree';

/**
 * Removes `#`, `//` and `/* *\/` comments (the IaC-DPO recipe), then formats like terraform fmt.
 * Comments are the `comment` nodes of tree-sitter-hcl, so a `#` inside a string, a heredoc or a
 * `${...}` template is never taken for one; comments written inside a template's `${ }` are left
 * alone too. A comment alone on its line takes the line with it (and a now-doubled blank line);
 * a trailing comment takes the spaces before it. Text that is not valid HCL is returned unchanged:
 * tree-sitter's error recovery cannot be trusted to place comments in broken code.
 */
export async function stripComments(text: string, filename = 'main.tf', opts: { reformat?: boolean } = {}): Promise<string> {
  const reformat = opts.reformat ?? true;
  if ((await checkSyntax(text, filename)).some((d) => d.severity === 'error')) return text;
  const stripped = await stripValidComments(text, filename, { reformat });
  // stripValidComments only re-formats what it changed; this entry point always re-formats
  return reformat && stripped === text ? (await formatValidHcl(text, filename)).text : stripped;
}

/**
 * stripComments for text HashiCorp's parser has already accepted; re-formats only when a comment was
 * removed (formatting formatted text changes nothing).
 */
export async function stripValidComments(text: string, filename = 'main.tf', opts: { reformat?: boolean } = {}): Promise<string> {
  const stripped = await withHclTree(text, (root) => (root.hasError ? text : removeComments(text, commentsOf(root).filter((c) => !insideTemplate(c)))));
  if (stripped === text) return text;
  // cannot happen for the cases above, but never hand back something broken
  if ((await checkSyntax(stripped, filename)).some((d) => d.severity === 'error')) return text;
  return (opts.reformat ?? true) ? (await formatValidHcl(stripped, filename)).text : stripped;
}

/**
 * Comments removed from text HashiCorp's parser has accepted, before formatting: `stripped` is what
 * formatting it once gives the same bytes as terraform fmt, strip, fmt again (one hclwrite pass and one
 * tree less). null when the order would matter: tree-sitter cannot place every comment, or a comment sits
 * inside a template (fmt may unwrap `"${ x # c }"`, which makes the comment strippable only afterwards).
 * The stripped text is checked by HashiCorp's parser like any other.
 */
export async function stripCommentsBeforeFormat(text: string, filename = 'main.tf'): Promise<{ stripped: string } | null> {
  const stripped = await withHclTree(text, (root) => {
    if (root.hasError) return null;
    const comments = commentsOf(root);
    return comments.some(insideTemplate) ? null : removeComments(text, comments);
  });
  if (stripped === null) return null;
  if (stripped !== text && (await checkSyntax(stripped, filename)).some((d) => d.severity === 'error')) return null;
  return { stripped };
}

function insideTemplate(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'template_interpolation' || p.type === 'template_directive') return true;
  }
  return false;
}

function lineStartOf(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineEndOf(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl;
}

const isBlank = (s: string): boolean => /^[ \t\r]*$/.test(s);

const commentsOf = (root: Node): Node[] => root.descendantsOfType('comment').filter((c): c is Node => !!c);

/** `text` without `comments` (nodes of its tree, none inside a template) and the blank lines they leave. */
function removeComments(text: string, comments: readonly Node[]): string {
  if (comments.length === 0) return text;
  const remove = new Uint8Array(text.length);
  const mark = (start: number, end: number) => remove.fill(1, start, end);
  /** [start, end) ranges of whole removed lines, including their newline */
  const wholeLines: [number, number][] = [];

  for (const c of comments) {
    const lineStart = lineStartOf(text, c.startIndex);
    const lineEnd = lineEndOf(text, c.endIndex);
    const before = text.slice(lineStart, c.startIndex);
    const after = text.slice(c.endIndex, lineEnd);
    if (isBlank(before) && isBlank(after)) {
      const end = Math.min(text.length, lineEnd + 1);
      mark(lineStart, end);
      wholeLines.push([lineStart, end]);
    } else if (isBlank(after)) {
      // trailing comment: drop it and the spaces before it, keep the line ending
      const spaces = before.length - before.replace(/[ \t]+$/, '').length;
      mark(c.startIndex - spaces, lineEnd - (text[lineEnd - 1] === '\r' ? 1 : 0));
    } else {
      // a block comment before or between tokens
      mark(c.startIndex, c.endIndex);
    }
  }

  // a removed run of comment lines between two blank lines (or at the start or end of the file)
  // would leave a doubled blank line: take one of them too
  wholeLines.sort((a, b) => a[0] - b[0]);
  const runs: [number, number][] = [];
  for (const [s, e] of wholeLines) {
    const last = runs[runs.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else runs.push([s, e]);
  }
  for (const [s, e] of runs) {
    const prevLineStart = s === 0 ? -1 : lineStartOf(text, s - 1);
    const prevBlank = s === 0 || isBlank(text.slice(prevLineStart, s - 1));
    if (!prevBlank) continue;
    if (e >= text.length) {
      if (prevLineStart >= 0) mark(prevLineStart, s);
      continue;
    }
    const nextEnd = lineEndOf(text, e);
    if (isBlank(text.slice(e, nextEnd))) mark(e, Math.min(text.length, nextEnd + 1));
  }

  let out = '';
  let i = 0;
  while (i < text.length) {
    if (!remove[i]) {
      out += text[i];
      i += 1;
      continue;
    }
    let j = i;
    while (j < text.length && remove[j]) j += 1;
    // never glue two tokens together (`a/* x */b`)
    const prev = out[out.length - 1];
    const next = text[j];
    if (prev !== undefined && next !== undefined && !/\s/.test(prev) && !/\s/.test(next)) out += ' ';
    i = j;
  }
  return out;
}
