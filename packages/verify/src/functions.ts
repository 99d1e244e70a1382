/**
 * terraform's built-in functions (internal/lang/functions.go) and the part of function evaluation that
 * needs no runtime values: unknown names, and the file-reading functions whose path is known at
 * validate time (literals and path.module / path.root / path.cwd), which fail when the file is missing.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import { error } from './decode';
import { nameSuggestion } from './didyoumean';
import { literalOf, type Expr } from '@tfpairs/hcl/tree';

export const TERRAFORM_FUNCTIONS: readonly string[] = [
  'abs', 'abspath', 'alltrue', 'anytrue', 'base64decode', 'base64encode', 'base64gzip', 'base64sha256', 'base64sha512',
  'basename', 'bcrypt', 'can', 'ceil', 'chomp', 'chunklist', 'cidrhost', 'cidrnetmask', 'cidrsubnet', 'cidrsubnets',
  'coalesce', 'coalescelist', 'compact', 'concat', 'contains', 'csvdecode', 'dirname', 'distinct', 'element', 'endswith',
  'ephemeralasnull', 'file', 'filebase64', 'filebase64sha256', 'filebase64sha512', 'fileexists', 'filemd5', 'fileset',
  'filesha1', 'filesha256', 'filesha512', 'flatten', 'floor', 'format', 'formatdate', 'formatlist', 'indent', 'index',
  'issensitive', 'join', 'jsondecode', 'jsonencode', 'keys', 'length', 'list', 'log', 'lookup', 'lower', 'map', 'matchkeys',
  'max', 'md5', 'merge', 'min', 'nonsensitive', 'one', 'parseint', 'pathexpand', 'plantimestamp', 'pow', 'range', 'regex',
  'regexall', 'replace', 'reverse', 'rsadecrypt', 'sensitive', 'setintersection', 'setproduct', 'setsubtract', 'setunion',
  'sha1', 'sha256', 'sha512', 'signum', 'slice', 'sort', 'split', 'startswith', 'strcontains', 'strrev', 'substr', 'sum',
  'templatefile', 'templatestring', 'textdecodebase64', 'textencodebase64', 'timeadd', 'timecmp', 'timestamp', 'title',
  'tobool', 'tolist', 'tomap', 'tonumber', 'toset', 'tostring', 'transpose', 'trim', 'trimprefix', 'trimspace',
  'trimsuffix', 'try', 'upper', 'urlencode', 'uuid', 'uuidv5', 'values', 'yamldecode', 'yamlencode', 'zipmap',
].sort();

const KNOWN = new Set(TERRAFORM_FUNCTIONS);

/**
 * Fixed parameters of each function (names as terraform's function definitions give them) and
 * whether a variadic parameter follows: HCL checks the argument count before calling.
 */
const SIGNATURES: Readonly<Record<string, readonly [readonly string[], boolean]>> = {
  abs: [['num'], false], ceil: [['num'], false], floor: [['num'], false], log: [['num', 'base'], false],
  max: [[], true], min: [[], true], parseint: [['number', 'base'], false], pow: [['num', 'power'], false], signum: [['num'], false],
  chomp: [['str'], false], format: [['format'], true], formatlist: [['format'], true], indent: [['spaces', 'str'], false],
  join: [['separator'], true], lower: [['str'], false], regex: [['pattern', 'string'], false], regexall: [['pattern', 'string'], false],
  replace: [['str', 'substr', 'replace'], false], split: [['separator', 'str'], false], strrev: [['str'], false],
  substr: [['str', 'offset', 'length'], false], title: [['str'], false], trim: [['str', 'cutset'], false],
  trimprefix: [['str', 'prefix'], false], trimsuffix: [['str', 'suffix'], false], trimspace: [['str'], false], upper: [['str'], false],
  startswith: [['str', 'prefix'], false], endswith: [['str', 'suffix'], false], strcontains: [['str', 'substr'], false],
  alltrue: [['list'], false], anytrue: [['list'], false], chunklist: [['list', 'size'], false], coalesce: [[], true],
  coalescelist: [[], true], compact: [['list'], false], concat: [[], true], contains: [['list', 'value'], false],
  distinct: [['list'], false], element: [['list', 'index'], false], flatten: [['list'], false], index: [['list', 'value'], false],
  keys: [['inputMap'], false], length: [['value'], false], lookup: [['inputMap', 'key'], true],
  matchkeys: [['values', 'keys', 'searchset'], false], merge: [[], true], one: [['list'], false], range: [[], true],
  reverse: [['list'], false], setintersection: [['first_set'], true], setproduct: [[], true], setsubtract: [['a', 'b'], false],
  setunion: [['first_set'], true], slice: [['list', 'start_index', 'end_index'], false], sort: [['list'], false], sum: [['list'], false],
  transpose: [['values'], false], values: [['mapping'], false], zipmap: [['keys', 'values'], false],
  base64decode: [['str'], false], base64encode: [['str'], false], base64gzip: [['str'], false], csvdecode: [['str'], false],
  jsondecode: [['str'], false], jsonencode: [['val'], false], urlencode: [['str'], false], yamldecode: [['src'], false],
  yamlencode: [['value'], false], abspath: [['path'], false], dirname: [['path'], false], pathexpand: [['path'], false],
  basename: [['path'], false], file: [['path'], false], fileexists: [['path'], false], fileset: [['path', 'pattern'], false],
  filebase64: [['path'], false], templatefile: [['path', 'vars'], false], formatdate: [['format', 'time'], false],
  timeadd: [['timestamp', 'duration'], false], timecmp: [['timestamp_a', 'timestamp_b'], false], timestamp: [[], false],
  plantimestamp: [[], false], base64sha256: [['str'], false], base64sha512: [['str'], false], bcrypt: [['str'], true],
  filebase64sha256: [['path'], false], filebase64sha512: [['path'], false], filemd5: [['path'], false], filesha1: [['path'], false],
  filesha256: [['path'], false], filesha512: [['path'], false], md5: [['str'], false], rsadecrypt: [['ciphertext', 'privatekey'], false],
  sha1: [['str'], false], sha256: [['str'], false], sha512: [['str'], false], uuid: [[], false], uuidv5: [['namespace', 'name'], false],
  cidrhost: [['prefix', 'hostnum'], false], cidrnetmask: [['prefix'], false], cidrsubnet: [['prefix', 'newbits', 'netnum'], false],
  cidrsubnets: [['prefix'], true], can: [['expression'], false], try: [[], true], nonsensitive: [['value'], false],
  sensitive: [['value'], false], issensitive: [['value'], false], tobool: [['v'], false], tolist: [['v'], false], tomap: [['v'], false],
  tonumber: [['v'], false], toset: [['v'], false], tostring: [['v'], false],
};

/** Functions that read a file at the given path, all failing the same way when it is missing. */
const FILE_READERS = new Set(['file', 'filebase64', 'filebase64sha256', 'filebase64sha512', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'templatefile']);

/** Functions removed in terraform 0.12+ (their call is an error with a dedicated message). */
const REMOVED: Readonly<Record<string, string>> = {
  list: 'the "list" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list',
  map: 'the "map" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map',
};

export interface FunctionContext {
  /** true when a file at this path (relative to the module directory, or absolute) exists */
  fileExists(path: string): boolean;
  /** absolute module directory, the value of path.cwd */
  readonly cwd: string;
  /** local names required_providers maps to terraform's builtin provider (their provider:: functions exist) */
  readonly builtinProviderNames?: ReadonlySet<string>;
}

/** the builtin terraform provider's functions (terraform.io/builtin/terraform) */
const TERRAFORM_PROVIDER_FUNCTIONS = new Set(['encode_tfvars', 'decode_tfvars', 'encode_expr']);

/** `core::` and `provider::` names, as terraform resolves them before evaluating (lang/functions.go) */
function checkNamespacedCall(call: Extract<Expr, { kind: 'call' }>, ctx: FunctionContext): Diagnostic[] {
  const parts = call.name.split('::');
  if (parts[0] === 'core' && parts.length === 2) {
    if (KNOWN.has(parts[1]!)) return [];
    return [error('Unknown provider function', 'The function namespace "core" is not valid. Provider function calls must use the "provider::" namespace prefix.', call.nameRange)];
  }
  if (parts[0] === 'provider' && parts.length === 3) {
    const [, provider, fn] = parts as [string, string, string];
    if (ctx.builtinProviderNames?.has(provider) && TERRAFORM_PROVIDER_FUNCTIONS.has(fn)) return [];
    return [
      error('Unknown provider function', `There is no function named ${JSON.stringify(call.name)}. Ensure that provider name ${JSON.stringify(provider)} is declared in this module's required_providers block, and that this provider offers a function named ${JSON.stringify(fn)}.`, call.nameRange),
    ];
  }
  return [];
}

/** The value of a string expression if it is known at validate time (literals and path.* only). */
export function staticString(e: Expr, ctx: FunctionContext): string | undefined {
  const lit = literalOf(e);
  if (typeof lit === 'string') return lit;
  if (e.kind === 'traversal' && e.root === 'path' && e.steps.length === 1 && e.steps[0]!.kind === 'attr') {
    const name = e.steps[0]!.name;
    if (name === 'module' || name === 'root') return '.';
    if (name === 'cwd') return ctx.cwd;
    return undefined;
  }
  if (e.kind === 'template' && !e.heredoc) {
    let out = '';
    for (const part of e.parts) {
      const s = staticString(part, ctx);
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  }
  return undefined;
}

/** Diagnostics of one call (not its nested calls). */
export function checkCall(call: Extract<Expr, { kind: 'call' }>, ctx: FunctionContext): Diagnostic[] {
  if (call.name.includes('::')) return checkNamespacedCall(call, ctx);
  if (!KNOWN.has(call.name)) {
    const s = nameSuggestion(call.name, TERRAFORM_FUNCTIONS);
    return [error('Call to unknown function', `There is no function named ${JSON.stringify(call.name)}.${s ? ` Did you mean ${JSON.stringify(s)}?` : ''}`, call.nameRange)];
  }
  const removed = REMOVED[call.name];
  if (removed) return [error('Error in function call', `Call to function ${JSON.stringify(call.name)} failed: ${removed}.`, call.nameRange)];
  const sig = SIGNATURES[call.name];
  if (sig && !call.expand) {
    const [params, variadic] = sig;
    if (call.args.length < params.length) {
      const close = { filename: call.range.filename, start: { ...call.range.end, column: call.range.end.column - 1, byte: call.range.end.byte - 1 }, end: call.range.end };
      return [error('Not enough function arguments', `Function ${JSON.stringify(call.name)} expects${variadic ? ' at least' : ''} ${params.length} argument(s). Missing value for ${JSON.stringify(params[call.args.length])}.`, close)];
    }
    if (!variadic && call.args.length > params.length) {
      return [error('Too many function arguments', `Function ${JSON.stringify(call.name)} expects only ${params.length} argument(s).`, startRange(call.args[params.length]!))];
    }
  }
  if (FILE_READERS.has(call.name) && call.args.length >= 1 && !call.expand) {
    const arg = call.args[0]!;
    const path = staticString(arg, ctx);
    // `~` expands to the home directory of whoever runs terraform: unknowable here, so not reported
    if (path !== undefined && !path.startsWith('~') && !ctx.fileExists(path)) {
      return [
        error(
          'Invalid function argument',
          `Invalid value for "path" parameter: no file exists at ${JSON.stringify(path)}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource.`,
          startRange(arg),
        ),
      ];
    }
  }
  return [];
}

/**
 * hclsyntax's Expression.StartRange, where hcl points argument errors: a template's first part (the
 * text inside the quotes, or the first interpolated expression), a call's `name(`, a traversal's whole
 * range; the whole range otherwise.
 */
export function startRange(expr: Expr): Range {
  if (expr.kind === 'template' && !expr.heredoc && expr.parts.length > 0) return startRange(expr.parts[0]!);
  // a call's name and its opening parenthesis
  if (expr.kind === 'call') return { ...expr.nameRange, end: { line: expr.nameRange.end.line, column: expr.nameRange.end.column + 1, byte: expr.nameRange.end.byte + 1 } };
  // a quoted string is a template of one literal part: its range is inside the quotes
  const r = expr.range;
  if (expr.kind === 'literal' && typeof expr.value === 'string' && r.start.line === r.end.line && r.end.byte - r.start.byte >= 2) {
    return { filename: r.filename, start: { line: r.start.line, column: r.start.column + 1, byte: r.start.byte + 1 }, end: { line: r.end.line, column: r.end.column - 1, byte: r.end.byte - 1 } };
  }
  return r;
}
