import type { Range } from '@tfpairs/core';
import type { LintModule } from './module';

/** TFLint's three severities (`notice` prints as `info` in its JSON format). */
export type LintSeverity = 'error' | 'warning' | 'notice';

export interface LintIssue {
  readonly rule: string;
  readonly severity: LintSeverity;
  readonly link: string;
  readonly message: string;
  readonly range: Range;
  /** TFLint offers an autofix for it (`--fix` is not implemented here; the flag is reported as in TFLint) */
  readonly fixable: boolean;
}

export interface RuleContext {
  readonly module: LintModule;
  /** the rule's block from `.tflint.hcl` (e.g. `format` of terraform_naming_convention) */
  readonly config: Readonly<Record<string, unknown>>;
  emit(message: string, range: Range): void;
  /** comments and `.*` splats of the module's files (a second parser pass, only when a rule asks) */
  tokens(want: { comments: boolean; splats: boolean }): Promise<{ file: import('@tfpairs/hcl').ParsedFile; tokens: import('./module').Token[] }[]>;
}

export interface Rule {
  readonly name: string;
  readonly severity: LintSeverity;
  readonly link: string;
  /** which ruleset (TFLint plugin) the rule belongs to */
  readonly plugin: 'terraform' | 'aws';
  /** enabled when its plugin is on and no preset narrows it */
  readonly enabledByDefault: boolean;
  /** in tflint-ruleset-terraform's `recommended` preset */
  readonly recommended?: boolean;
  /** the only resource types the rule looks at (lets the linter skip it for modules without them) */
  readonly resourceTypes?: readonly string[];
  check(ctx: RuleContext): void | Promise<void>;
}

/** A range covering nothing at the start of a file (hcl.InitialPos). */
export function fileStart(filename: string): Range {
  return { filename, start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } };
}
