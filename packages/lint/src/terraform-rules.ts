/**
 * tflint-ruleset-terraform's rules (v0.15.0), re-implemented over the positioned HCL tree: same names,
 * severities, messages and ranges as the Go rules (rules/*.go there), semantics as docs/rules/*.md.
 */
import type { Range } from '@tfpairs/core';
import { rangeString, type Block, type Expr } from '@tfpairs/hcl';
import semver from 'semver';
import { fileStart, type LintSeverity, type Rule, type RuleContext } from './rule';

export const TERRAFORM_RULESET_VERSION = '0.15.0';

const link = (name: string) => `https://github.com/terraform-linters/tflint-ruleset-terraform/blob/v${TERRAFORM_RULESET_VERSION}/docs/rules/${name}.md`;

function rule(name: string, severity: LintSeverity, recommended: boolean, check: Rule['check']): Rule {
  return { name, severity, link: link(name), plugin: 'terraform', enabledByDefault: true, recommended, check };
}

const attr = (b: Block, name: string) => b.body.attributes.find((a) => a.name === name);

/** `// x` and multi-line `/* *\/` comments; a line comment's token ends after its newline, as HCL's lexer. */
const commentSyntax = rule('terraform_comment_syntax', 'warning', false, async (ctx) => {
  for (const { file, tokens } of await ctx.tokens({ comments: true, splats: false })) {
    if (file.source.filename.endsWith('.json')) continue;
    for (const t of tokens) {
      if (t.kind !== 'comment' || t.text.startsWith('#')) continue;
      const isLine = t.text.startsWith('//');
      if (!isLine && !t.text.includes('\n')) continue;
      const text = file.source.text;
      let end = t.end;
      if (isLine && text[end] === '\r') end++;
      if (isLine && text[end] === '\n') end++;
      ctx.emit('Comments should begin with #', file.source.range(t.start, end));
    }
  }
});

const deprecatedIndex = rule('terraform_deprecated_index', 'warning', true, async (ctx) => {
  const message = 'List items should be accessed using square brackets';
  ctx.module.walkExpressions((e) => {
    // scope traversals and relative ones (`f(x).0`), whose steps the tree keeps on `steps`
    const steps = e.kind === 'traversal' ? e.steps : e.kind === 'other' && e.what === 'relative' ? ((e as { steps?: readonly { kind: string; range: Range }[] }).steps ?? []) : [];
    for (const s of steps) if (s.kind === 'index' && ctx.module.textOf(s.range).startsWith('.')) ctx.emit(message, s.range);
  });
  for (const { file, tokens } of await ctx.tokens({ comments: false, splats: true })) {
    for (const t of tokens) if (t.kind === 'attr_splat') ctx.emit(message, file.source.range(t.start, t.start + 2));
  }
});

/** `"${x}"`: a quoted template that is one interpolation and nothing else (HCL's TemplateWrapExpr). */
function isTemplateWrap(e: Expr): boolean {
  return e.kind === 'template' && !e.heredoc && e.parts.length === 1 && e.parts[0]!.kind !== 'literal' && !(e.parts[0]!.kind === 'other' && e.parts[0]!.what === 'directive');
}

const deprecatedInterpolation = rule('terraform_deprecated_interpolation', 'warning', true, (ctx) => {
  ctx.module.walkExpressions((e) => {
    if (isTemplateWrap(e)) ctx.emit('Interpolation-only expressions are deprecated in Terraform v0.12.14', e.range);
  });
});

const deprecatedLookup = rule('terraform_deprecated_lookup', 'warning', true, (ctx) => {
  ctx.module.walkExpressions((e) => {
    if (e.kind === 'call' && e.name === 'lookup' && e.args.length === 2 && !e.expand) ctx.emit('Lookup with 2 arguments is deprecated', e.range);
  });
});

function documented(kind: 'output' | 'variable'): Rule {
  return rule(`terraform_documented_${kind}s`, 'notice', false, (ctx) => {
    for (const b of ctx.module.blocks(kind)) {
      const d = attr(b, 'description');
      // a description that is not a constant string stops TFLint with an error; nothing to report here
      const value = d ? ctx.module.evalLiteral(d.expr) : '';
      if (value === '' || value === null) ctx.emit(`\`${b.labels[0] ?? ''}\` ${kind} has no description`, b.defRange);
    }
  });
}

/** The operator between the two operands of a binary operation, read from the source. */
function binaryOperator(ctx: RuleContext, e: Expr & { kind: 'other' }): string | undefined {
  if (e.what !== 'binary_operation' || e.children.length !== 2) return undefined;
  const [l, r] = e.children as [Expr, Expr];
  const between = { filename: e.range.filename, start: l.range.end, end: r.range.start };
  return ctx.module.textOf(between).replace(/#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
}

const emptyListEquality = rule('terraform_empty_list_equality', 'warning', true, (ctx) => {
  ctx.module.walkExpressions((e) => {
    if (e.kind !== 'other') return;
    const op = binaryOperator(ctx, e);
    if (op !== '==' && op !== '!=') return;
    const isEmptyTuple = (x: Expr) => x.kind === 'tuple' && x.items.length === 0;
    if (isEmptyTuple(e.children[0]!) || isEmptyTuple(e.children[1]!)) {
      ctx.emit('Comparing a collection with an empty list is invalid. To detect an empty collection, check its length.', e.range);
    }
  });
});

const jsonSyntax = rule('terraform_json_syntax', 'warning', true, (ctx) => {
  for (const f of ctx.module.jsonFiles) {
    if (!f.name.endsWith('.tf.json')) continue;
    let root: unknown;
    try {
      root = JSON.parse(f.text);
    } catch {
      continue;
    }
    // hcl's JSON body MissingItemRange: the start of the file
    if (Array.isArray(root)) ctx.emit('JSON configuration uses array syntax at root, expected object', fileStart(f.name));
  }
});

/** The key of an object item as a string when it is known without evaluation (a bare name or a literal). */
function objectKey(ctx: RuleContext, key: Expr): string | undefined {
  if (key.kind === 'traversal' && key.steps.length === 0) return key.root;
  const inner = key.kind === 'other' && key.what === 'paren' ? key.children[0]! : key;
  const v = ctx.module.evalLiteral(inner);
  if (v === undefined || v === null) return undefined;
  return String(v);
}

const mapDuplicateKeys = rule('terraform_map_duplicate_keys', 'warning', true, (ctx) => {
  ctx.module.walkExpressions((e) => {
    if (e.kind !== 'object') return;
    const seen = new Map<string, Range>();
    for (const it of e.items) {
      const k = objectKey(ctx, it.key);
      if (k === undefined) continue;
      const first = seen.get(k);
      if (first) ctx.emit(`Duplicate key: ${JSON.stringify(k)}, first defined at ${rangeString(first)}`, it.key.range);
      else seen.set(k, it.key.range);
    }
  });
});

interface ModuleCall {
  readonly block: Block;
  readonly name: string;
  readonly source?: { value: string; range: Range };
  readonly version?: { value: string; range: Range };
}

function moduleCalls(ctx: RuleContext): ModuleCall[] {
  return ctx.module.blocks('module').map((block) => {
    const s = attr(block, 'source');
    const v = attr(block, 'version');
    const sv = s ? ctx.module.evalString(s.expr) : undefined;
    const vv = v ? ctx.module.evalString(v.expr) : undefined;
    return {
      block,
      name: block.labels[0] ?? '',
      source: s && sv !== undefined ? { value: sv, range: s.expr.range } : undefined,
      version: v && vv !== undefined ? { value: vv, range: v.range } : undefined,
    };
  });
}

/** go-getter's detection for the VCS sources these rules look at: scheme, host and query, or undefined. */
function vcsSource(source: string): { scheme: 'git' | 'hg'; host: string; query: URLSearchParams } | undefined {
  let scheme: string | undefined;
  let rest = source;
  const forced = /^([a-z0-9]+)::(.*)$/s.exec(source);
  if (forced) {
    scheme = forced[1];
    rest = forced[2]!;
  }
  const queryOf = (s: string) => new URLSearchParams(s.includes('?') ? s.slice(s.indexOf('?') + 1) : '');
  const fromUrl = (s: string): { host: string; query: URLSearchParams } => {
    try {
      const u = new URL(s);
      return { host: u.hostname, query: u.searchParams };
    } catch {
      return { host: '', query: queryOf(s) };
    }
  };
  let detected: { scheme: string; host: string; query: URLSearchParams } | undefined;
  if (/^github\.com\//.test(rest) || /^bitbucket\.org\//.test(rest)) {
    detected = { scheme: 'git', host: rest.slice(0, rest.indexOf('/')), query: queryOf(rest) };
  } else if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.test(rest) && !/^[a-z]+:\/\//.test(rest)) {
    // scp-like git@host:path
    detected = { scheme: 'git', host: rest.slice(rest.indexOf('@') + 1, rest.indexOf(':')), query: queryOf(rest) };
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    const u = fromUrl(rest);
    detected = { scheme: rest.slice(0, rest.indexOf(':')).toLowerCase(), ...u };
  }
  if (!detected) return forced && (scheme === 'git' || scheme === 'hg') ? { scheme, host: '', query: queryOf(rest) } : undefined;
  const effective = scheme ?? detected.scheme;
  if (effective !== 'git' && effective !== 'hg') return undefined;
  return { scheme: effective, host: detected.host, query: detected.query };
}

/** Masterminds/semver's NewVersion (loose: `v1`, `1.2` accepted) */
const SEMVER = /^v?\d+(\.\d+)?(\.\d+)?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

const DEFAULT_BRANCHES = ['master', 'main', 'default', 'develop'];

const modulePinnedSource = rule('terraform_module_pinned_source', 'warning', true, (ctx) => {
  const style = (ctx.config.style as string | undefined) ?? 'flexible';
  const branches = [...DEFAULT_BRANCHES, ...(((ctx.config.default_branches as string[] | undefined) ?? []) as string[])];
  for (const call of moduleCalls(ctx)) {
    if (!call.source) continue;
    const src = call.source.value;
    const vcs = vcsSource(src);
    if (!vcs) continue;
    if (vcs.host === '') {
      ctx.emit(`Module source ${JSON.stringify(src)} is not a valid URL`, call.source.range);
      continue;
    }
    const key = vcs.query.get('ref') ? 'ref' : vcs.query.get('rev') ? 'rev' : undefined;
    if (!key) {
      ctx.emit(`Module source "${src}" is not pinned`, call.source.range);
      continue;
    }
    const value = vcs.query.get(key)!;
    if (style === 'semver') {
      if (!SEMVER.test(value)) ctx.emit(`Module source "${src}" uses a ${key} which is not a semantic version string`, call.source.range);
    } else {
      const branch = branches.find((b) => b === value);
      if (branch) ctx.emit(`Module source "${src}" uses a default branch as ${key} (${branch})`, call.source.range);
    }
  }
});

const moduleShallowClone = rule('terraform_module_shallow_clone', 'warning', false, (ctx) => {
  for (const call of moduleCalls(ctx)) {
    if (!call.source) continue;
    const vcs = vcsSource(call.source.value);
    if (!vcs || vcs.scheme !== 'git' || vcs.host === '') continue;
    const ref = vcs.query.get('ref');
    if (!ref || /^[a-f0-9]{4,64}$/.test(ref) || vcs.query.get('depth') === '1') continue;
    ctx.emit(`Module source ${JSON.stringify(call.source.value)} should enable shallow cloning by adding "depth=1" parameter`, call.source.range);
  }
});

const REGISTRY_PART = /^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$/;

/** terraform-registry-address's ParseModuleSource: `[host/]namespace/name/system[//subdir]`. */
export function isRegistrySource(source: string): boolean {
  if (/^\.\.?[\\/]/.test(source) || source.includes('::') || /^[a-z]+:\/\//i.test(source) || source.includes('?')) return false;
  const pkg = source.split('//')[0]!;
  const parts = pkg.split('/');
  if (parts.length === 4) {
    const host = parts.shift()!.toLowerCase();
    if (!/^[a-z0-9.-]+(:\d+)?$/.test(host) || host === 'github.com' || host === 'bitbucket.org') return false;
  }
  if (parts.length !== 3) return false;
  return parts.every((p) => REGISTRY_PART.test(p)) && /^[0-9a-z]+$/.test(parts[2]!);
}

const EXACT_VERSION = /^=?\s*(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const moduleVersion = rule('terraform_module_version', 'warning', true, (ctx) => {
  const exact = ctx.config.exact === true;
  for (const call of moduleCalls(ctx)) {
    if (!call.source || !isRegistrySource(call.source.value)) continue;
    const v = attr(call.block, 'version');
    if (v && !call.version) continue; // version not known
    if (!call.version) {
      ctx.emit(`module ${JSON.stringify(call.name)} should specify a version`, call.block.defRange);
      continue;
    }
    if (!exact) continue;
    const constraints = call.version.value.split(',').map((c) => c.trim());
    if (constraints.length > 1) ctx.emit(`module ${JSON.stringify(call.name)} should specify an exact version, but multiple constraints were found`, call.version.range);
    else if (!EXACT_VERSION.test(constraints[0]!)) ctx.emit(`module ${JSON.stringify(call.name)} should specify an exact version, but a range was found`, call.version.range);
  }
});

const NAMED_FORMATS: Record<string, RegExp> = {
  snake_case: /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/,
  mixed_snake_case: /^[a-zA-Z][a-zA-Z0-9]*(_[a-zA-Z0-9]+)*$/,
};

interface NameValidator {
  readonly regexp: RegExp;
  readonly format: string;
  readonly named: boolean;
}

function nameValidator(custom: unknown, format: unknown, customFormats: Record<string, { regex?: string; description?: string }>): NameValidator | undefined {
  if (typeof custom === 'string' && custom !== '') return { regexp: new RegExp(custom), format: custom, named: false };
  const f = typeof format === 'string' ? format : 'snake_case';
  if (f === 'none') return undefined;
  const cf = customFormats[f];
  if (cf) return { regexp: new RegExp(cf.regex ?? ''), format: cf.description ?? f, named: true };
  const re = NAMED_FORMATS[f.toLowerCase()];
  if (!re) throw new Error(`\`${f}\` is unsupported format`);
  return { regexp: re, format: f, named: true };
}

const namingConvention = rule('terraform_naming_convention', 'notice', false, (ctx) => {
  const customFormats = (ctx.config.custom_formats as Record<string, { regex?: string; description?: string }> | undefined) ?? {};
  const base = nameValidator(ctx.config.custom, ctx.config.format ?? 'snake_case', customFormats);
  const forKind = (key: string) => {
    const c = ctx.config[key] as Record<string, unknown> | undefined;
    if (!c) return base;
    return nameValidator(c.custom, c.format ?? 'snake_case', customFormats);
  };
  const check = (v: NameValidator | undefined, kind: string, name: string, range: Range) => {
    if (v && !v.regexp.test(name)) ctx.emit(`${kind} name \`${name}\` must match the following ${v.named ? 'format' : 'RegExp'}: ${v.format}`, range);
  };
  const data = forKind('data');
  for (const b of ctx.module.blocks('data')) check(data, 'data', b.labels[1] ?? '', b.defRange);
  for (const c of ctx.module.blocks('check')) for (const b of c.body.blocks) if (b.type === 'data') check(data, 'data', b.labels[1] ?? '', b.defRange);
  const mod = forKind('module');
  for (const b of ctx.module.blocks('module')) check(mod, 'module', b.labels[0] ?? '', b.defRange);
  const out = forKind('output');
  for (const b of ctx.module.blocks('output')) check(out, 'output', b.labels[0] ?? '', b.defRange);
  const res = forKind('resource');
  for (const b of ctx.module.blocks('resource')) check(res, 'resource', b.labels[1] ?? '', b.defRange);
  const vars = forKind('variable');
  for (const b of ctx.module.blocks('variable')) check(vars, 'variable', b.labels[0] ?? '', b.defRange);
  const chk = forKind('check');
  for (const b of ctx.module.blocks('check')) check(chk, 'check', b.labels[0] ?? '', b.defRange);
  const locals = forKind('locals');
  for (const b of ctx.module.blocks('locals')) for (const a of b.body.attributes) check(locals, 'local value', a.name, a.range);
});

interface ProviderRef {
  readonly name: string;
  readonly range: Range;
}

/** The provider name of a `provider = aws.west` expression. */
function providerRefName(e: Expr): string | undefined {
  if (e.kind === 'traversal') return e.root;
  return undefined;
}

/** tflint-ruleset-terraform's GetProviderRefs: every provider the module uses, with the last place it is named. */
export function providerRefs(ctx: RuleContext): Map<string, ProviderRef> {
  const refs = new Map<string, ProviderRef>();
  const fromResource = (b: Block) => {
    const p = attr(b, 'provider');
    const name = p ? providerRefName(p.expr) : (b.labels[0] ?? '').split('_')[0]!;
    if (name) refs.set(name, { name, range: b.defRange });
  };
  for (const b of ctx.module.topBlocks()) {
    if (b.type === 'resource' || b.type === 'ephemeral' || b.type === 'data') fromResource(b);
    else if (b.type === 'provider' && b.labels[0]) refs.set(b.labels[0], { name: b.labels[0], range: b.defRange });
    else if (b.type === 'module') {
      const p = attr(b, 'providers');
      if (p?.expr.kind === 'object') {
        for (const it of p.expr.items) {
          const name = providerRefName(it.value);
          if (name) refs.set(name, { name, range: b.defRange });
        }
      }
    } else if (b.type === 'check') for (const d of b.body.blocks) if (d.type === 'data') fromResource(d);
  }
  ctx.module.walkExpressions((e) => {
    if (e.kind !== 'call') return;
    const parts = e.name.split('::');
    if (parts.length >= 2 && parts[0] === 'provider' && parts[1]) refs.set(parts[1], { name: parts[1], range: e.range });
  });
  return refs;
}

/** `required_providers` entries of every terraform block, later ones winning. */
function requiredProviders(ctx: RuleContext) {
  const out = new Map<string, import('@tfpairs/hcl').Attribute>();
  for (const t of ctx.module.blocks('terraform')) for (const rp of t.body.blocks) if (rp.type === 'required_providers') for (const a of rp.body.attributes) out.set(a.name, a);
  return out;
}

const requiredProvidersRule = rule('terraform_required_providers', 'warning', true, (ctx) => {
  const wantSource = ctx.config.source !== false;
  const wantVersion = ctx.config.version !== false;
  for (const p of ctx.module.blocks('provider')) {
    if (attr(p, 'version')) ctx.emit('provider version constraint should be specified via `required_providers`', p.defRange);
  }
  const required = requiredProviders(ctx);
  for (const [name, ref] of providerRefs(ctx)) {
    if (name === 'terraform') continue;
    const req = required.get(name);
    if (!req) {
      ctx.emit(`Missing version constraint for provider ${JSON.stringify(name)} in \`required_providers\``, ref.range);
      continue;
    }
    if (req.expr.kind !== 'object') {
      if (ctx.module.evalString(req.expr) !== undefined) ctx.emit(`Legacy version constraint for provider ${JSON.stringify(name)} in \`required_providers\``, req.expr.range);
      continue;
    }
    const keys = new Map(req.expr.items.map((it) => [objectKey(ctx, it.key), it.value] as const));
    const source = keys.get('source');
    if (source) {
      const s = ctx.module.evalString(source) ?? '';
      if (/^(terraform\.io\/)?builtin\//.test(s)) continue;
    } else if (wantSource) {
      ctx.emit(`Missing \`source\` for provider ${JSON.stringify(name)} in \`required_providers\``, req.expr.range);
    }
    if (!keys.has('version') && wantVersion) ctx.emit(`Missing version constraint for provider ${JSON.stringify(name)} in \`required_providers\``, req.expr.range);
  }
});

const requiredVersion = rule('terraform_required_version', 'warning', true, (ctx) => {
  const names = ctx.module.fileNames;
  if (names.length === 0) return;
  const blocks = ctx.module.blocks('terraform');
  if (blocks.some((b) => attr(b, 'required_version'))) return;
  const message = 'terraform "required_version" attribute is required';
  if (blocks.length > 0) return ctx.emit(message, blocks[0]!.defRange);
  if (names.length === 1) return ctx.emit(message, fileStart(names[0]!));
  const dir = dirOf(names[0]!);
  for (const base of ['terraform.tf', 'main.tf']) {
    const f = joinPath(dir, base);
    if (names.includes(f)) return ctx.emit(message, fileStart(f));
  }
  ctx.emit(message, zeroRange(joinPath(dir, 'terraform.tf')));
});

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
function joinPath(dir: string, base: string): string {
  return dir === '' || dir === '.' ? base : `${dir}/${base}`;
}
/** hcl.Range{Filename} with zero positions, as TFLint reports a file that does not exist */
function zeroRange(filename: string, start?: { line: number; column: number; byte: number }): Range {
  return { filename, start: start ?? { line: 0, column: 0, byte: 0 }, end: { line: 0, column: 0, byte: 0 } };
}

const standardModuleStructure = rule('terraform_standard_module_structure', 'warning', false, (ctx) => {
  const names = ctx.module.fileNames;
  if (names.length === 0) return;
  const variables = ctx.module.blocks('variable');
  const outputs = ctx.module.blocks('output');
  if (!names.every((n) => n.endsWith('.json'))) {
    const dir = dirOf(names[names.length - 1]!);
    const bases = new Set(names.map(baseOf));
    const initial = { line: 1, column: 1, byte: 0 };
    if (!bases.has('main.tf')) ctx.emit('Module should include a main.tf file as the primary entrypoint', zeroRange(joinPath(dir, 'main.tf'), initial));
    if (!bases.has('variables.tf') && variables.length === 0) ctx.emit('Module should include an empty variables.tf file', zeroRange(joinPath(dir, 'variables.tf'), initial));
    if (!bases.has('outputs.tf') && outputs.length === 0) ctx.emit('Module should include an empty outputs.tf file', zeroRange(joinPath(dir, 'outputs.tf'), initial));
  }
  for (const [blocks, kind, expected] of [[variables, 'variable', 'variables.tf'], [outputs, 'output', 'outputs.tf']] as const) {
    for (const b of blocks) {
      const f = b.defRange.filename;
      if (!f.endsWith('.json') && baseOf(f) !== expected) ctx.emit(`${kind} ${JSON.stringify(b.labels[0] ?? '')} should be moved from ${f} to ${expected}`, b.defRange);
    }
  }
});

const typedVariables = rule('terraform_typed_variables', 'warning', true, (ctx) => {
  for (const b of ctx.module.blocks('variable')) if (!attr(b, 'type')) ctx.emit(`\`${b.labels[0] ?? ''}\` variable has no type`, b.defRange);
});

function overlaps(a: Range, b: Range): boolean {
  return a.filename === b.filename && a.start.byte < b.end.byte && b.start.byte < a.end.byte;
}

const unusedDeclarations = rule('terraform_unused_declarations', 'warning', true, (ctx) => {
  const variables = new Map(ctx.module.blocks('variable').map((b) => [b.labels[0] ?? '', b]));
  const data = new Map<string, Block>();
  for (const b of ctx.module.topBlocks()) {
    if (b.type === 'data') data.set(`data.${b.labels[0]}.${b.labels[1]}`, b);
    else if (b.type === 'check') for (const d of b.body.blocks) if (d.type === 'data') data.set(`data.${d.labels[0]}.${d.labels[1]}`, d);
  }
  const locals = new Map<string, import('@tfpairs/hcl').Attribute>();
  for (const b of ctx.module.blocks('locals')) for (const a of b.body.attributes) locals.set(a.name, a);
  const aliases = new Map<string, { block: Block; alias: string }>();
  for (const p of ctx.module.blocks('provider')) {
    const a = attr(p, 'alias');
    const alias = a ? ctx.module.evalString(a.expr) : undefined;
    if (alias !== undefined) aliases.set(`${p.labels[0]}.${alias}`, { block: p, alias });
  }
  // validation conditions of a variable referring to it do not count as a use
  const validationRanges = (v: Block) => v.body.blocks.filter((b) => b.type === 'validation').flatMap((b) => b.body.attributes.filter((a) => a.name === 'condition' || a.name === 'error_message').map((a) => a.expr.range));
  ctx.module.walkExpressions((e) => {
    // every reference is visited as its own traversal node
    if (e.kind !== 'traversal') return;
    const first = e.steps[0];
    if (e.steps.length === 1 && first?.kind === 'attr') aliases.delete(`${e.root}.${first.name}`);
    if (!first || first.kind !== 'attr') return;
    if (e.root === 'var') {
      const v = variables.get(first.name);
      if (v && validationRanges(v).some((r) => overlaps(r, e.range))) return;
      variables.delete(first.name);
    } else if (e.root === 'local') locals.delete(first.name);
    else if (e.root === 'data') {
      const second = e.steps[1];
      if (second?.kind === 'attr') data.delete(`data.${first.name}.${second.name}`);
    }
  });
  // `provider = aws.west` and module `providers = { aws = aws.west }` use an alias (also as a string)
  const useAlias = (e: Expr) => {
    const s = e.kind === 'traversal' ? (e.steps.length === 1 && e.steps[0]!.kind === 'attr' ? `${e.root}.${e.steps[0]!.name}` : undefined) : ctx.module.evalString(e);
    if (s) aliases.delete(s);
  };
  for (const b of ctx.module.topBlocks()) {
    if (b.type === 'resource' || b.type === 'data') {
      const p = attr(b, 'provider');
      if (p) useAlias(p.expr);
    } else if (b.type === 'check') {
      for (const d of b.body.blocks) {
        const p = d.type === 'data' ? attr(d, 'provider') : undefined;
        if (p) useAlias(p.expr);
      }
    } else if (b.type === 'module') {
      const p = attr(b, 'providers');
      if (p?.expr.kind === 'object') for (const it of p.expr.items) useAlias(it.value);
    }
  }
  for (const [name, v] of variables) ctx.emit(`variable "${name}" is declared but not used`, v.defRange);
  for (const d of data.values()) ctx.emit(`data "${d.labels[0]}" "${d.labels[1]}" is declared but not used`, d.defRange);
  for (const [name, l] of locals) ctx.emit(`local.${name} is declared but not used`, l.range);
  for (const { block, alias } of aliases.values()) ctx.emit(`provider "${block.labels[0]}" with alias "${alias}" is declared but not used`, block.defRange);
});

const unusedRequiredProviders = rule('terraform_unused_required_providers', 'warning', false, (ctx) => {
  const refs = providerRefs(ctx);
  for (const [name, a] of requiredProviders(ctx)) {
    if (!refs.has(name)) ctx.emit(`provider '${name}' is declared in required_providers but not used by the module`, a.range);
  }
});

/** hashicorp/go-version constraints ("~> 1.0, >= 0.14") as a semver range. */
export function goVersionRange(constraint: string): string | undefined {
  const parts: string[] = [];
  for (const raw of constraint.split(',')) {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?\s*$/.exec(raw);
    if (!m) return undefined;
    const op = m[1] ?? '=';
    const segs = m[2]!.split('.');
    const full = [...segs, '0', '0'].slice(0, 3).join('.') + (m[3] ?? '');
    if (op === '~>') {
      if (segs.length === 1) parts.push(`>=${full}`);
      else {
        const upper = segs.slice(0, -1).map(Number);
        upper[upper.length - 1]!++;
        parts.push(`>=${full} <${[...upper, 0, 0].slice(0, 3).join('.')}`);
      }
    } else if (op === '!=') parts.push(`<${full} || >${full}`);
    else parts.push(`${op === '=' ? '' : op}${full}`);
  }
  // `!=` is the only operator needing a union; intersect everything else
  if (parts.some((p) => p.includes('||'))) {
    const others = parts.filter((p) => !p.includes('||')).join(' ');
    const ne = parts.filter((p) => p.includes('||')).map((p) => p.split('||').map((x) => `${x.trim()} ${others}`).join(' || '));
    return ne.join(' || ');
  }
  return parts.join(' ');
}

const workspaceRemote = rule('terraform_workspace_remote', 'warning', true, (ctx) => {
  let remote = false;
  const constraints: string[] = [];
  for (const t of ctx.module.blocks('terraform')) {
    const rv = attr(t, 'required_version');
    const v = rv ? ctx.module.evalString(rv.expr) : undefined;
    if (v !== undefined) constraints.push(v);
    for (const b of t.body.blocks) if (b.type === 'backend' && b.labels[0] === 'remote') remote = true;
  }
  if (!remote || constraints.length === 0) return;
  const ranges = constraints.map(goVersionRange);
  if (ranges.some((r) => r === undefined)) return;
  const tf10 = Array.from({ length: 12 }, (_, i) => `1.0.${i}`);
  if (!tf10.some((v) => ranges.every((r) => semver.satisfies(v, r!)))) return;
  ctx.module.walkExpressions((e) => {
    if (e.kind === 'traversal' && e.root === 'terraform' && e.steps[0]?.kind === 'attr' && e.steps[0].name === 'workspace') {
      ctx.emit("terraform.workspace should not be used with a 'remote' backend", e.range);
    }
  });
});

export const TERRAFORM_RULES: readonly Rule[] = [
  commentSyntax,
  deprecatedIndex,
  deprecatedInterpolation,
  deprecatedLookup,
  documented('output'),
  documented('variable'),
  emptyListEquality,
  jsonSyntax,
  mapDuplicateKeys,
  modulePinnedSource,
  moduleShallowClone,
  moduleVersion,
  namingConvention,
  requiredProvidersRule,
  requiredVersion,
  standardModuleStructure,
  typedVariables,
  unusedDeclarations,
  unusedRequiredProviders,
  workspaceRemote,
];

