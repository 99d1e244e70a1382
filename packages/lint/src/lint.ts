/**
 * Lint one module (a configuration's files) with TFLint's rule selection: presets, `.tflint.hcl` rule
 * blocks, `--only` / `--enable-rule` / `--disable-rule`, `tflint-ignore` annotations, TFLint's issue order.
 */
import type { Diagnostic } from '@tfpairs/core';
import { checkSyntax, parseFile, type ParsedFile } from '@tfpairs/hcl';
import { awsRules } from './aws-rules';
import { LintModule, tokensOf, type ModuleFile, type Token } from './module';
import type { LintIssue, Rule, RuleContext } from './rule';
import { TERRAFORM_RULES } from './terraform-rules';

export interface PluginConfig {
  readonly enabled: boolean;
  /** `recommended` or `all` (tflint-ruleset-terraform only) */
  readonly preset?: string;
}

export interface RuleConfig {
  readonly enabled?: boolean;
  /** the rule's other attributes (`format`, `style`, ...) */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What a `.tflint.hcl` says (only the parts the linter uses). */
export interface TflintConfig {
  readonly disabledByDefault?: boolean;
  readonly plugins?: Readonly<Record<string, PluginConfig>>;
  readonly rules?: Readonly<Record<string, RuleConfig>>;
  readonly format?: string;
  readonly force?: boolean;
}

export interface LintOptions {
  /** a loaded `.tflint.hcl`; without one: terraform's `recommended` preset plus the AWS ruleset */
  readonly config?: TflintConfig;
  /** `--only`: exactly these rules */
  readonly only?: readonly string[];
  readonly enable?: readonly string[];
  readonly disable?: readonly string[];
  /** the caller already ran HashiCorp's parser on these files and they are valid */
  readonly syntaxChecked?: boolean;
}

export interface LintReport {
  readonly issues: LintIssue[];
  /** configuration that could not be linted (HCL syntax errors, unknown rules), as TFLint's `errors` */
  readonly errors: Diagnostic[];
}

/** Every rule tfpairs knows: tflint-ruleset-terraform's, then tflint-ruleset-aws's. */
export function allRules(): readonly Rule[] {
  return [...TERRAFORM_RULES, ...awsRules()];
}

/** The default config: what TFLint does with the bundled terraform plugin and `plugin "aws" { enabled = true }`. */
export const DEFAULT_CONFIG: TflintConfig = { plugins: { terraform: { enabled: true, preset: 'recommended' }, aws: { enabled: true } } };

const PRESETS: Record<string, (r: Rule) => boolean> = {
  recommended: (r) => r.recommended === true,
  all: () => true,
};

interface Selection {
  readonly rules: Rule[];
  readonly errors: Diagnostic[];
  /** enabled rules that look at one resource type only, by that type */
  readonly byResourceType: ReadonlyMap<string, Rule[]>;
  /** enabled rules that look at the whole module */
  readonly general: Rule[];
}

// the same options object (the build passes one per run) selects its rules once
const selections = new WeakMap<LintOptions, Selection>();
const NO_OPTIONS: LintOptions = {};

function selection(options: LintOptions): Selection {
  let s = selections.get(options);
  if (!s) {
    const { rules, errors } = enabledRules(options);
    const byResourceType = new Map<string, Rule[]>();
    const general: Rule[] = [];
    for (const r of rules) {
      if (!r.resourceTypes) general.push(r);
      else for (const t of r.resourceTypes) byResourceType.set(t, [...(byResourceType.get(t) ?? []), r]);
    }
    s = { rules, errors, byResourceType, general };
    selections.set(options, s);
  }
  return s;
}

export function enabledRules(options: LintOptions = {}): { rules: Rule[]; errors: Diagnostic[] } {
  const config = options.config ?? DEFAULT_CONFIG;
  const errors: Diagnostic[] = [];
  const rules = allRules();
  const known = new Set(rules.map((r) => r.name));
  for (const name of [...(options.only ?? []), ...(options.enable ?? []), ...(options.disable ?? []), ...Object.keys(config.rules ?? {})]) {
    if (!known.has(name)) errors.push({ severity: 'error', summary: 'Rule not found', detail: `Rule not found: ${name}` });
  }
  const only = options.only && options.only.length > 0 ? new Set(options.only) : undefined;
  const enable = new Set(options.enable ?? []);
  const disable = new Set(options.disable ?? []);
  const plugin = (name: string): PluginConfig | undefined => {
    const p = config.plugins?.[name];
    // the terraform ruleset is enabled (with `recommended`) unless a config says otherwise
    if (!p && name === 'terraform') return { enabled: true, preset: config.disabledByDefault ? undefined : 'recommended' };
    return p;
  };
  const out: Rule[] = [];
  for (const r of rules) {
    const p = plugin(r.plugin);
    if (!p?.enabled) continue;
    let on: boolean;
    if (only) on = only.has(r.name);
    else {
      const preset = p.preset ? PRESETS[p.preset] : undefined;
      if (p.preset && !preset) errors.push({ severity: 'error', summary: 'Invalid preset', detail: `preset "${p.preset}" is not found` });
      on = preset ? preset(r) : config.disabledByDefault ? false : r.enabledByDefault;
      const rc = config.rules?.[r.name];
      if (rc?.enabled !== undefined) on = rc.enabled;
      if (enable.has(r.name)) on = true;
      if (disable.has(r.name)) on = false;
    }
    if (on) out.push(r);
  }
  return { rules: out, errors: dedupe(errors) };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => (seen.has(d.detail) ? false : (seen.add(d.detail), true)));
}

/** TFLint's Issues.Sort: file, start line, start column, longer ranges first, then message. */
export function sortIssues(issues: LintIssue[]): LintIssue[] {
  return issues.sort((a, b) => {
    const x = a.range;
    const y = b.range;
    if (x.filename !== y.filename) return x.filename < y.filename ? -1 : 1;
    if (x.start.line !== y.start.line) return x.start.line - y.start.line;
    if (x.start.column !== y.start.column) return x.start.column - y.start.column;
    if (x.end.line !== y.end.line) return y.end.line - x.end.line;
    if (x.end.column !== y.end.column) return y.end.column - x.end.column;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}

interface Ignore {
  readonly file: string;
  /** lines the annotation covers (its own and the next) */
  readonly lines: readonly number[];
  readonly rules: ReadonlySet<string>;
  readonly wholeFile: boolean;
}

const ANNOTATION = /(?:#|\/\/|\/\*)\s*tflint-ignore(-file)?:\s*([A-Za-z0-9_, ]+)/g;

/** `# tflint-ignore: rule[, rule]` (this line and the next) and `# tflint-ignore-file: rule` annotations */
function ignoresOf(file: ParsedFile): Ignore[] {
  const text = file.source.text;
  if (!text.includes('tflint-ignore')) return [];
  const out: Ignore[] = [];
  for (const m of text.matchAll(ANNOTATION)) {
    const line = file.source.pos(m.index).line;
    const rules = new Set(m[2]!.split(',').map((s) => s.trim().split(/\s+/)[0]!).filter(Boolean));
    out.push({ file: file.source.filename, lines: [line, line + 1], rules, wholeFile: !!m[1] });
  }
  return out;
}

function ignored(issue: LintIssue, ignores: readonly Ignore[]): boolean {
  return ignores.some((i) => i.file === issue.range.filename && (i.rules.has(issue.rule) || i.rules.has('all')) && (i.wholeFile || i.lines.includes(issue.range.start.line)));
}

/** rules whose issues TFLint emits with a fix (EmitIssueWithFix) */
const FIXABLE = new Set([
  'terraform_comment_syntax',
  'terraform_deprecated_index',
  'terraform_deprecated_interpolation',
  'terraform_deprecated_lookup',
  'terraform_empty_list_equality',
  'terraform_json_syntax',
  'terraform_module_shallow_clone',
  'terraform_unused_declarations',
]);

function isFixable(rule: string, message: string): boolean {
  if (rule === 'terraform_required_providers') return message.startsWith('Legacy version constraint') || message.startsWith('Missing `source`');
  return FIXABLE.has(rule);
}

/** Lints one module. Files that are not valid HCL stop the module, as in TFLint (their errors are returned). */
export async function lintReport(files: readonly ModuleFile[], options: LintOptions = NO_OPTIONS): Promise<LintReport> {
  return (await lintModules([files], options))[0]!;
}

/**
 * HashiCorp's parser is called once per group of files, not once per file: most of a call's cost is
 * fixed, so a group of a few dozen small files costs about a third less. Valid bodies joined by newlines
 * are a valid body; a group with any error is checked again file by file, so every reported error is the
 * file's own. (The one way a joined group passes while a member fails, a member's unterminated heredoc
 * closed by a later one, leaves a tree-sitter error in that member: such files are checked on their own.)
 */
const SYNTAX_GROUP_FILES = 32;
const SYNTAX_GROUP_BYTES = 64 * 1024;

interface SyntaxCheck {
  /** HashiCorp's diagnostics of the file on its own; undefined when only its group was checked (and passed) */
  diags?: Diagnostic[];
}

async function checkSyntaxGrouped(files: readonly ModuleFile[]): Promise<SyntaxCheck[]> {
  const out: SyntaxCheck[] = files.map(() => ({}));
  const alone = async (i: number) => (out[i]!.diags = await checkSyntax(files[i]!.text, files[i]!.name));
  let i = 0;
  while (i < files.length) {
    let j = i;
    let bytes = 0;
    while (j < files.length && j - i < SYNTAX_GROUP_FILES && (j === i || bytes + files[j]!.text.length <= SYNTAX_GROUP_BYTES)) bytes += files[j++]!.text.length;
    if (j - i === 1) await alone(i);
    else if ((await checkSyntax(files.slice(i, j).map((f) => f.text).join('\n'), 'group.tf')).length > 0) for (let k = i; k < j; k++) await alone(k);
    i = j;
  }
  return out;
}

/** JSON files that do not parse, as TFLint reports them. */
function jsonErrors(files: readonly ModuleFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of files) {
    try {
      JSON.parse(f.text);
    } catch (e) {
      out.push({ severity: 'error', summary: 'Invalid JSON', detail: `${f.name}: ${(e as Error).message}` });
    }
  }
  return out;
}

const byName = (a: ModuleFile, b: ModuleFile) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Lints several modules (`tfpairs lint PATH...`): each report is what `lintReport` gives for that module. */
export async function lintModules(modules: readonly (readonly ModuleFile[])[], options: LintOptions = NO_OPTIONS): Promise<LintReport[]> {
  const { errors } = selection(options);
  if (errors.length) return modules.map(() => ({ issues: [], errors }));
  const sorted = modules.map((files) => [...files].sort(byName));
  const hcl = sorted.map((files) => files.filter((f) => !f.name.endsWith('.json')));
  const json = sorted.map((files) => files.filter((f) => f.name.endsWith('.json')));
  const checks = options.syntaxChecked ? undefined : await checkSyntaxGrouped(hcl.flat());
  const reports: LintReport[] = [];
  let at = 0;
  for (let m = 0; m < modules.length; m++) {
    const own = checks?.slice(at, (at += hcl[m]!.length));
    if (own) {
      const syntax = [...own.flatMap((c) => c.diags ?? []), ...jsonErrors(json[m]!)];
      if (syntax.length) {
        reports.push({ issues: [], errors: syntax });
        continue;
      }
    }
    const parsed = await Promise.all(hcl[m]!.map((f) => parseFile(f.name, f.text)));
    if (own && parsed.some((p, k) => p.hasErrors && own[k]!.diags === undefined)) {
      // only the group was checked and tree-sitter disagrees: HashiCorp's parser on each file decides
      const syntax = (await Promise.all(hcl[m]!.map((f, k) => own[k]!.diags ?? checkSyntax(f.text, f.name)))).flat();
      if (syntax.length) {
        reports.push({ issues: [], errors: syntax });
        continue;
      }
    }
    reports.push(await lintParsed(parsed, json[m]!, options));
  }
  return reports;
}

/** The rules over a module whose files are valid HCL (parsed) and JSON. */
async function lintParsed(parsed: readonly ParsedFile[], jsonFiles: readonly ModuleFile[], options: LintOptions): Promise<LintReport> {
  const { rules, byResourceType, general } = selection(options);
  const module = new LintModule(parsed, jsonFiles);
  const ruleConfigs = options.config?.rules ?? {};
  let tokenCache: Promise<{ file: ParsedFile; tokens: Token[] }[]> | undefined;
  const wantTokens = { comments: rules.some((r) => r.name === 'terraform_comment_syntax'), splats: rules.some((r) => r.name === 'terraform_deprecated_index') };
  const tokens = () => (tokenCache ??= Promise.all(parsed.map(async (file) => ({ file, tokens: await tokensOf(file, wantTokens) }))));
  const issues: LintIssue[] = [];
  const runErrors: Diagnostic[] = [];
  // rules about one resource type run only when the module has such resources
  const toRun = [...general];
  const seen = new Set<Rule>();
  for (const type of module.resourceTypes()) {
    for (const r of byResourceType.get(type) ?? []) if (!seen.has(r)) (seen.add(r), toRun.push(r));
  }
  for (const r of toRun) {
    const ctx: RuleContext = {
      module,
      config: ruleConfigs[r.name]?.options ?? {},
      emit: (message, range) => issues.push({ rule: r.name, severity: r.severity, link: r.link, message, range, fixable: isFixable(r.name, message) }),
      tokens,
    };
    try {
      const pending = r.check(ctx);
      if (pending) await pending;
    } catch (e) {
      // a rule's bad configuration (e.g. an unknown naming format) is an error, as in TFLint
      runErrors.push({ severity: 'error', summary: `Failed to check ruleset`, detail: `${r.name}: ${(e as Error).message}` });
    }
  }
  const ignores = parsed.flatMap(ignoresOf);
  const kept = ignores.length ? issues.filter((i) => !ignored(i, ignores)) : issues;
  return { issues: sortIssues(kept), errors: runErrors };
}

/** The build's entry point: the issues of one configuration (none when it is not valid HCL). */
export async function lintConfig(files: readonly ModuleFile[], options: LintOptions = NO_OPTIONS): Promise<LintIssue[]> {
  return (await lintReport(files, options)).issues;
}

/** Terraform-shaped diagnostics for issues; `code` is the rule name (TFLint `error` -> error, else warning). */
export function issueDiagnostics(issues: readonly LintIssue[]): (Diagnostic & { code: string })[] {
  return issues.map((i) => ({
    severity: i.severity === 'error' ? 'error' : 'warning',
    summary: i.message,
    detail: `${i.rule} (${i.severity})${i.link ? `: ${i.link}` : ''}`,
    range: i.range,
    code: i.rule,
  }));
}
