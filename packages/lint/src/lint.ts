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
  const { rules, errors, byResourceType, general } = selection(options);
  if (errors.length) return { issues: [], errors };
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hclFiles = sorted.filter((f) => !f.name.endsWith('.json'));
  const jsonFiles = sorted.filter((f) => f.name.endsWith('.json'));
  if (!options.syntaxChecked) {
    const syntax = (await Promise.all(hclFiles.map((f) => checkSyntax(f.text, f.name)))).flat();
    for (const f of jsonFiles) {
      try {
        JSON.parse(f.text);
      } catch (e) {
        syntax.push({ severity: 'error', summary: 'Invalid JSON', detail: `${f.name}: ${(e as Error).message}` });
      }
    }
    if (syntax.length) return { issues: [], errors: syntax };
  }
  const parsed = await Promise.all(hclFiles.map((f) => parseFile(f.name, f.text)));
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
