/**
 * The expression oracle's shared parts: the configuration context the recorder gives every case and the
 * test rebuilds (`ORACLE_VARIABLES`: unknown in validate; `ORACLE_LOCALS`: known), the case-file reader,
 * and the recorded shape (scripts/record-expr-oracle.ts writes it, oracle.test.ts replays it).
 */
export const ORACLE_VARIABLES = `variable "u" {
  type = string
}
variable "un" {
  type = number
}
variable "ul" {
  type = list(string)
}
variable "uo" {
  type = object({ a = string, b = number })
}
variable "ua" {}
`;

export const ORACLE_LOCALS = `locals {
  str    = "hello"
  num    = 3
  list   = ["a", "b", "c"]
  nums   = [1, 2, 3]
  objs   = [{ name = "a", v = 1 }, { name = "b", v = 2 }]
  m      = { a = 1, b = 2 }
  obj    = { a = 1, b = "x" }
  n      = null
  nested = { x = { y = [10, 20] } }
  empty  = []
  t      = true
  tpl    = "Hello, $\${name}!"
  tplfs  = "$\${file(\\"x\\")}"
}
`;

const HEAD = `${ORACLE_VARIABLES}${ORACLE_LOCALS}output "r" {\n  sensitive = true\n  value = `;
/** the line and column where each case's expression starts in `oracleMain` */
export const EXPR_LINE = HEAD.split('\n').length;
export const EXPR_COLUMN = '  value = '.length + 1;

/** The main.tf the recorder validates for a case (the test parses the same text). */
export function oracleMain(expr: string): string {
  return `${HEAD}${expr}\n}\n`;
}

/** A main.tf position relative to the expression (line 1 is its first line, columns on it count from it). */
export function relativePos(p: { line: number; column: number }): RecordedPos {
  return { line: p.line - EXPR_LINE + 1, column: p.line === EXPR_LINE ? p.column - EXPR_COLUMN + 1 : p.column };
}

export interface RecordedPos {
  readonly line: number;
  readonly column: number;
}

export interface RecordedExprCase {
  readonly expr: string;
  readonly diagnostics: readonly { readonly severity: string; readonly summary: string; readonly detail: string; readonly range?: { readonly start: RecordedPos; readonly end: RecordedPos } }[];
  /** console's `type(EXPR)` and `jsonencode(EXPR)` (the JSON text), or its error */
  readonly console?: { readonly type?: string; readonly json?: string; readonly error?: string };
}

/** Cases: one a line, `#` comments, a block between `<<<` and `>>>` lines is one multi-line case. */
export function readExprCases(text: string): string[] {
  const out: string[] = [];
  let block: string[] | undefined;
  for (const line of text.split('\n')) {
    if (block) {
      if (line === '>>>') {
        out.push(block.join('\n'));
        block = undefined;
      } else block.push(line);
    } else if (line === '<<<') block = [];
    else if (line.trim() !== '' && !line.startsWith('#')) out.push(line);
  }
  return out;
}
