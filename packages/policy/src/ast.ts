/** Rego syntax tree, as the parser builds it. Operators are calls of OPA's built-in names (`plus`, `eq`, ...). */
import type { Value } from './value';

export interface Loc {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

export type Term =
  | { t: 'scalar'; v: Value; loc: Loc }
  | { t: 'var'; name: string; loc: Loc }
  | { t: 'ref'; head: Term; path: Term[]; loc: Loc }
  | { t: 'array'; items: Term[]; loc: Loc }
  | { t: 'object'; items: [Term, Term][]; loc: Loc }
  | { t: 'set'; items: Term[]; loc: Loc }
  | { t: 'arraycomp'; head: Term; body: Literal[]; loc: Loc }
  | { t: 'setcomp'; head: Term; body: Literal[]; loc: Loc }
  | { t: 'objcomp'; key: Term; value: Term; body: Literal[]; loc: Loc }
  | { t: 'call'; fn: Term; args: Term[]; loc: Loc };

export interface With {
  readonly target: Term;
  readonly value: Term;
  readonly loc: Loc;
}

export type Literal =
  | { k: 'expr'; negated: boolean; expr: Term; withs: With[]; loc: Loc; text?: string }
  | { k: 'some'; vars: Term[]; loc: Loc }
  | { k: 'somein'; key?: Term; value: Term; coll: Term; withs: With[]; loc: Loc }
  | { k: 'every'; key?: Term; value: Term; domain: Term; body: Literal[]; withs: With[]; loc: Loc };

/** `nested`: a ref head with a variable before its last element (`p[x].y := 1`, `p[x] contains y` under a ref) */
export type RuleKind = 'complete' | 'set' | 'object' | 'func' | 'nested';

export interface RuleElse {
  readonly value: Term;
  readonly body: Literal[];
  readonly loc: Loc;
}

export interface Rule {
  kind: RuleKind;
  /** head reference after the package, e.g. `p`, `a.b["c"]` */
  ref: Term[];
  /** partial set element / partial object key */
  key?: Term;
  /** complete and object value; function result; defaults to `true` */
  value: Term;
  args?: Term[];
  /** nested rules: the keys below the group's node, and whether the leaf is a set (`contains`) */
  nested?: { keys: Term[]; leafSet: boolean };
  body: Literal[];
  isDefault: boolean;
  elses: RuleElse[];
  loc: Loc;
  /** index of the module the rule is in */
  module: number;
}

export interface Import {
  readonly path: Term;
  readonly alias?: string;
  readonly loc: Loc;
}

export interface Module {
  readonly file: string;
  /** package path without `data`, e.g. ["terraform", "validation"] */
  readonly pkg: string[];
  readonly imports: Import[];
  readonly rules: Rule[];
  readonly regoV1: boolean;
}
