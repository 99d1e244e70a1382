import type { Diagnostic } from '@tfpairs/core';
import { checkSyntax, rememberAccepted } from '@tfpairs/hcl/syntax';
import { syntaxTree } from '@tfpairs/hcl/tree';
import { applyEdits, children, leaves, namedChildren, withHclTree, type Edit, type Node } from './tree';

/**
 * `terraform fmt`, reproduced. terraform's `internal/command/fmt.go` does, in order:
 *   1. refuse a file that hclsyntax cannot parse (diagnostics, file untouched);
 *   2. walk every body (the file, then every block at any depth) with hclwrite and
 *      - for each attribute `type` directly inside a top-level `variable` block, rewrite legacy type
 *        keywords: bare `list`/`map`/`set` -> `list(any)`..., quoted `"string"` -> `string`,
 *        `"list"` -> `list(string)`, `"map"` -> `map(string)`;
 *      - for every other attribute, unwrap a lone interpolation `"${ expr }"` -> `expr` (leading and
 *        trailing newline tokens trimmed; a multi-line result is wrapped in parentheses unless it
 *        already starts with `(` and ends with `)`), but only when the template holds no literal text
 *        and no other template sequence outside nested quotes;
 *      - for every block, re-set its labels: bare labels get quoted, quoted ones are decoded and
 *        re-escaped, and anything between the labels (comments) disappears;
 *   3. print with hclwrite's formatter (indentation, spacing, `=` and comment alignment).
 * Step 3 is HashiCorp's own code (`hclwrite.Format` compiled to WASM in @cdktf/hcl-tools); steps 1-2
 * are the rewrites below, located with tree-sitter-hcl and applied as text edits. hclwrite.Format
 * only changes whitespace before tokens and re-lexes our edited text into exactly the token sequence
 * terraform builds in memory, so the printed bytes are the same.
 */

export interface FormatResult {
  /** the formatted text, or the input unchanged when it has syntax errors */
  readonly text: string;
  /** HCL's syntax errors (severity error); warnings when a rewrite could not be located */
  readonly diagnostics: Diagnostic[];
}

export async function formatHcl(text: string, filename = 'main.tf'): Promise<FormatResult> {
  const syntax = await checkSyntax(text, filename);
  if (syntax.some((d) => d.severity === 'error')) return { text, diagnostics: syntax };
  return formatValidHcl(text, filename);
}

/** formatHcl for text HashiCorp's parser has already accepted (saves a second parse). */
export async function formatValidHcl(text: string, filename = 'main.tf'): Promise<FormatResult> {
  const { edits, treeErrors } = await withHclTree(text, (root) => ({ edits: fmtEdits(root, text), treeErrors: root.hasError }));
  const diagnostics: Diagnostic[] = [];
  if (treeErrors) {
    // HCL accepts the file but tree-sitter-hcl does not: the rewrites found may be incomplete.
    diagnostics.push({
      severity: 'warning',
      summary: 'terraform fmt rewrites may be incomplete',
      detail: `${filename}: tree-sitter-hcl could not parse every part of this valid HCL, so interpolation unwrapping, legacy type and label rewrites were only applied where it could.`,
    });
  }
  const rewritten = applyEdits(text, edits);
  const printed = await printHcl(rewritten);
  // fmt's output of accepted text is accepted (see rememberAccepted), when tree-sitter agrees
  if (!treeErrors && printed !== text && !(await syntaxTree(printed)).hasError) rememberAccepted(printed, filename);
  return { text: printed, diagnostics };
}

/** The edits terraform fmt's formatBody makes, located in the tree of `text`. */
export function fmtEdits(root: Node, text: string): Edit[] {
  const edits: Edit[] = [];
  const body = namedChildren(root).find((n) => n.type === 'body');
  if (body) visitBody(body, [], text, edits);
  return edits;
}

function visitBody(body: Node, inBlocks: readonly string[], text: string, edits: Edit[]): void {
  for (const item of namedChildren(body)) {
    if (item.type === 'attribute') {
      const parts = namedChildren(item);
      const name = parts.find((n) => n.type === 'identifier')?.text;
      const expr = parts.find((n) => n.type === 'expression');
      if (!name || !expr) continue;
      const edit = inBlocks.length === 1 && inBlocks[0] === 'variable' && name === 'type' ? typeExprEdit(expr, text) : valueExprEdit(expr, text);
      if (edit) edits.push(edit);
    } else if (item.type === 'block') {
      const parts = children(item);
      const typeName = parts[0]?.type === 'identifier' ? parts[0].text : '';
      const labels: Node[] = [];
      for (const part of parts.slice(1)) {
        if (part.type === 'identifier' || part.type === 'string_lit') labels.push(part);
        else if (part.type === 'block_start') break;
      }
      const labelEdit = parts[0] ? labelsEdit(parts[0], labels, text) : null;
      if (labelEdit) edits.push(labelEdit);
      const inner = parts.find((n) => n.type === 'body');
      if (inner) visitBody(inner, [...inBlocks, typeName], text, edits);
    }
  }
}

// ---- labels ---------------------------------------------------------------------------------------

function labelsEdit(typeName: Node, labels: readonly Node[], text: string): Edit | null {
  if (labels.length === 0) return null;
  const values: string[] = [];
  for (const label of labels) {
    if (label.type === 'identifier') values.push(label.text);
    else {
      const raw = text.slice(label.startIndex + 1, label.endIndex - 1);
      // hclwrite's Labels() keeps a quoted label only when it lexes as one literal token (or none),
      // so terraform fmt silently drops labels such as "50%" or "a$b"; so do we, to print the same
      if (quotedLiteralTokenCount(raw) > 1) continue;
      const decoded = decodeQuotedLiteral(raw);
      // hclwrite drops a label it cannot decode; HCL would have refused such a file already
      if (decoded !== null) values.push(decoded);
    }
  }
  // hclwrite's parser keeps nothing between the block type and the first label either: comments
  // there vanish too (terraform 1.11: `resource /* a */ x y {}` -> `resource "x" "y" {}`)
  const start = typeName.endIndex;
  const end = labels[labels.length - 1]!.endIndex;
  const replacement = ` ${values.map((v) => `"${escapeQuotedLiteral(v)}"`).join(' ')}`;
  return replacement === text.slice(start, end) ? null : { start, end, text: replacement };
}

/**
 * How many TokenQuotedLit tokens HCL's scanner makes of a quoted string's content: a run of plain
 * characters and `\x` escapes is one token, every `$` or `%` starts a token of its own (`$${` and
 * `%%{` are one token of three characters).
 */
export function quotedLiteralTokenCount(raw: string): number {
  let count = 0;
  let inRun = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '$' || ch === '%') {
      count += 1;
      inRun = false;
      if (raw[i + 1] === ch && raw[i + 2] === '{') i += 2;
      continue;
    }
    if (!inRun) {
      count += 1;
      inRun = true;
    }
    if (ch === '\\') i += 1;
  }
  return count;
}

/** HCL's quoted string literal escapes (hclsyntax.ParseStringLiteralToken); null when invalid. */
export function decodeQuotedLiteral(raw: string): string | null {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\') {
      const next = raw[i + 1];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (next !== undefined && next in simple) {
        out += simple[next];
        i += 1;
      } else if (next === 'u' || next === 'U') {
        const len = next === 'u' ? 4 : 8;
        const hex = raw.slice(i + 2, i + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return null;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) return null;
        out += String.fromCodePoint(cp);
        i += 1 + len;
      } else return null;
    } else if ((ch === '$' || ch === '%') && raw[i + 1] === ch && raw[i + 2] === '{') {
      out += `${ch}{`;
      i += 2;
    } else out += ch;
  }
  return out;
}

/** hclwrite's escapeQuotedStringLit: the inverse of the above, with Go's unicode.IsPrint. */
export function escapeQuotedLiteral(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((ch, i) => {
    switch (ch) {
      case '\n': out += '\\n'; return;
      case '\r': out += '\\r'; return;
      case '\t': out += '\\t'; return;
      case '"': out += '\\"'; return;
      case '\\': out += '\\\\'; return;
      case '$':
      case '%':
        out += chars[i + 1] === '{' ? ch + ch : ch;
        return;
      default: {
        if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) out += ch;
        else {
          const cp = ch.codePointAt(0)!;
          out += cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
        }
      }
    }
  });
  return out;
}

// ---- variable types -------------------------------------------------------------------------------

const LEGACY_QUOTED_TYPES: Record<string, string> = { string: 'string', list: 'list(string)', map: 'map(string)' };

function typeExprEdit(expr: Node, text: string): Edit | null {
  const tokens = leaves(expr);
  if (tokens.length === 1 && tokens[0]!.type === 'identifier' && ['list', 'map', 'set'].includes(tokens[0]!.text)) {
    return { start: expr.startIndex, end: expr.endIndex, text: `${tokens[0]!.text}(any)` };
  }
  if (tokens.length === 3 && tokens[0]!.type === 'quoted_template_start' && tokens[1]!.type === 'template_literal' && tokens[2]!.type === 'quoted_template_end') {
    const literal = tokens[1]!.text;
    if (literal !== text.slice(expr.startIndex + 1, expr.endIndex - 1)) return null; // `" string"`
    if (Object.hasOwn(LEGACY_QUOTED_TYPES, literal)) return { start: expr.startIndex, end: expr.endIndex, text: LEGACY_QUOTED_TYPES[literal]! };
  }
  return null;
}

// ---- lone interpolations --------------------------------------------------------------------------

function valueExprEdit(expr: Node, text: string): Edit | null {
  // the attribute's whole expression must be one quoted template: `"${ ... }"`
  const named = namedChildren(expr);
  if (named.length !== 1 || named[0]!.type !== 'template_expr') return null;
  const template = namedChildren(named[0]!);
  if (template.length !== 1 || template[0]!.type !== 'quoted_template') return null;
  const quoted = template[0]!;
  if (quoted.startIndex !== expr.startIndex || quoted.endIndex !== expr.endIndex) return null;
  const parts = children(quoted);
  if (parts.length !== 3 || parts[1]!.type !== 'template_interpolation') return null;
  const interp = parts[1]!;
  // tree-sitter-hcl drops whitespace-only literal text (`"${x} "`), so check the bytes directly
  if (interp.startIndex !== quoted.startIndex + 1 || interp.endIndex !== quoted.endIndex - 1) return null;
  if (hasTemplateSequenceOutsideQuotes(interp, interp)) return null;

  const inner = children(interp).filter((n) => n.type !== 'template_interpolation_start' && n.type !== 'template_interpolation_end' && n.type !== 'strip_marker');
  const tokens = inner.flatMap((n) => leaves(n));
  if (tokens.length === 0) return null;
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  let end = last.endIndex;
  // a `#`/`//` comment token includes its line ending in HCL, so trimming newlines keeps that one
  if (isLineComment(last)) end += lineEndingLength(text, end);
  const trimmed = text.slice(first.startIndex, end);

  const multiLine = hasNewlineToken(tokens, text);
  const wrapped = multiLine && !(first.type === '(' && last.type === ')');
  return { start: quoted.startIndex, end: quoted.endIndex, text: wrapped ? `(${trimmed})` : trimmed };
}

/**
 * terraform refuses to unwrap when, outside nested quotes, the interpolation holds another template
 * sequence (`${`, `%{` or their closing `}`), e.g. a heredoc with interpolations inside.
 */
function hasTemplateSequenceOutsideQuotes(node: Node, root: Node): boolean {
  for (const child of children(node)) {
    if (child.type === 'quoted_template') continue; // sequences in nested quotes are fine
    if (child !== root && (child.type === 'template_interpolation' || child.type === 'template_directive')) return true;
    if (hasTemplateSequenceOutsideQuotes(child, root)) return true;
  }
  return false;
}

function isLineComment(node: Node): boolean {
  return node.type === 'comment' && (node.text.startsWith('#') || node.text.startsWith('//'));
}

function lineEndingLength(text: string, at: number): number {
  if (text.startsWith('\r\n', at)) return 2;
  return text[at] === '\n' ? 1 : 0;
}

/** Whether HCL's lexer would emit a newline token between these tokens (not inside heredoc text). */
function hasNewlineToken(tokens: readonly Node[], text: string): boolean {
  for (let i = 1; i < tokens.length; i++) {
    const a = tokens[i - 1]!;
    const b = tokens[i]!;
    let gap = text.slice(a.endIndex, b.startIndex);
    if (isLineComment(a)) gap = gap.slice(lineEndingLength(gap, 0));
    if (!gap.includes('\n')) continue;
    if (isHeredocContentGap(a, b)) continue;
    return true;
  }
  return false;
}

function isHeredocContentGap(a: Node, b: Node): boolean {
  if (b.parent?.type === 'heredoc_template') return true;
  const parent = a.parent;
  return parent?.type === 'heredoc_template' && parent.lastChild !== a;
}

// ---- printing -------------------------------------------------------------------------------------

/** hclwrite's formatter, loaded on first use (importing @cdktf/hcl-tools starts its Go runtime) */
let hclTools: Promise<typeof import('@cdktf/hcl-tools')> | undefined;
async function hclwriteFormat(text: string): Promise<string> {
  hclTools ??= import('@cdktf/hcl-tools');
  return (await hclTools).format(text);
}

/**
 * hclwrite.Format (HCL v2.19 inside @cdktf/hcl-tools). That HCL predates provider-defined functions
 * (`provider::aws::arn_parse(x)`, HCL 2.20): its lexer splits `::` into two colons and the formatter
 * would space them out. Such names are swapped for same-width placeholders around the call.
 */
export async function printHcl(text: string): Promise<string> {
  if (!text.includes('::')) return hclwriteFormat(text);
  const names = await withHclTree(text, (root) => root.descendantsOfType('function_call').map((call) => call?.firstNamedChild).filter((n): n is Node => !!n && n.text.includes('::')).map((n) => ({ start: n.startIndex, end: n.endIndex, text: n.text })));
  if (names.length === 0) return hclwriteFormat(text);
  const filler = ['__', '_0', '0_', 'ZZ', 'Z_', '_Z'].find((f) => names.every((n) => !text.includes(n.text.replaceAll('::', f))));
  if (!filler) return hclwriteFormat(text);
  const protectedText = applyEdits(text, names.map((n) => ({ ...n, text: n.text.replaceAll('::', filler) })));
  const formatted = await hclwriteFormat(protectedText);
  let out = '';
  let at = 0;
  for (const n of names) {
    const placeholder = n.text.replaceAll('::', filler);
    const found = formatted.indexOf(placeholder, at);
    if (found < 0) return hclwriteFormat(text);
    out += formatted.slice(at, found) + n.text;
    at = found + placeholder.length;
  }
  return out + formatted.slice(at);
}
