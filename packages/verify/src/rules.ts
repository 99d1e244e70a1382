/**
 * Static rules terraform's configuration loader applies (internal/configs): lifecycle arguments,
 * provisioner keywords and destroy-time references, the terraform block (required_version against
 * 1.11.4, experiments, cloud + backend, provider source strings), check blocks, moved / import /
 * removed addresses, module sources with a version, and `.tftest.hcl` files. Texts are terraform
 * 1.11.4's, recorded in the lang-oracle.
 */
import type { Diagnostic } from '@tfpairs/core';
import semver from 'semver';
import { literalOf, traversalsIn, type Attribute, type Block, type Expr, type ParsedFile } from '@tfpairs/hcl/tree';
import { rangeString } from '@tfpairs/hcl/source';
import { error } from './decode';
import { content, shimQuoted } from './module';
import { isLocalSource } from '@tfpairs/configs';

/** the terraform version whose behaviour is reproduced */
export const TERRAFORM_VERSION = '1.11.4';

type Traversal = Extract<Expr, { kind: 'traversal' }>;

/** `lifecycle` arguments of a managed resource beyond their decoding (configs/resource.go) */
export function lifecycleRules(lc: Block, diags: Diagnostic[]): void {
  for (const a of lc.body.attributes) {
    if (a.name === 'ignore_changes') ignoreChanges(a, diags);
    if (a.name === 'replace_triggered_by') replaceTriggeredBy(a, diags);
    if ((a.name === 'create_before_destroy' || a.name === 'prevent_destroy') && traversalsIn(a.expr).length > 0) {
      // gohcl decodes a bool that must be known: after "Variables not allowed" the value is unknown
      diags.push(error('Unsuitable value type', 'Unsuitable value: value must be known', a.expr.range));
    }
  }
}

function ignoreChanges(a: Attribute, diags: Diagnostic[]): void {
  const e = a.expr;
  if (e.kind === 'traversal' && e.root === 'all' && e.steps.length === 0) return;
  if (e.kind !== 'tuple') return;
  for (const item of e.items) {
    if (literalOf(item) === '*') {
      diags.push(error('Invalid ignore_changes wildcard', 'The ["*"] form of ignore_changes wildcard is was deprecated and is now invalid. Use "ignore_changes = all" to ignore changes to all attributes.', e.range));
      return;
    }
    shimQuoted(item, diags);
  }
}

function replaceTriggeredBy(a: Attribute, diags: Diagnostic[]): void {
  if (a.expr.kind !== 'tuple') return;
  for (const item of a.expr.items) {
    let resource = false;
    for (const t of traversalsIn(item)) {
      const first = t.steps[0];
      const name = first?.kind === 'attr' ? first.name : undefined;
      if ((t.root === 'count' && name === 'index') || (t.root === 'each' && name === 'key')) continue;
      if (['var', 'local', 'data', 'module', 'path', 'terraform', 'self', 'each', 'count'].includes(t.root)) {
        diags.push(error('Invalid reference in replace_triggered_by expression', 'Only resources, count.index, and each.key may be used in replace_triggered_by.', t.range));
        continue;
      }
      resource = true;
    }
    if (!resource) diags.push(error('Invalid replace_triggered_by expression', 'Missing resource reference in replace_triggered_by expression.', item.range));
  }
}

const REMOVED_PROVISIONERS = new Set(['chef', 'habitat', 'puppet', 'salt-masterless']);

/** a `provisioner` block's keywords and, for destroy-time ones, its references (configs/provisioner.go) */
export function provisionerRules(p: Block, diags: Diagnostic[]): void {
  const type = p.labels[0] ?? '';
  if (REMOVED_PROVISIONERS.has(type)) {
    diags.push(error(`The ${JSON.stringify(type)} provisioner has been removed`, `The ${JSON.stringify(type)} provisioner was deprecated in Terraform 0.13.4 has been removed from Terraform. Visit https://learn.hashicorp.com/collections/terraform/provision for alternatives to using provisioners that are a better fit for the Terraform workflow.`, p.labelRanges[0]));
    return;
  }
  let destroy = false;
  for (const a of p.body.attributes) {
    const keyword = a.expr.kind === 'traversal' && a.expr.steps.length === 0 ? a.expr.root : undefined;
    if (a.name === 'when') {
      if (keyword === 'destroy') destroy = true;
      else if (keyword !== 'create') diags.push(error('Invalid "when" keyword', 'The "when" argument requires one of the following keywords: create or destroy.', a.expr.range));
    }
    if (a.name === 'on_failure' && keyword !== 'continue' && keyword !== 'fail') {
      diags.push(error('Invalid "on_failure" keyword', 'The "on_failure" argument requires one of the following keywords: continue or fail.', a.expr.range));
    }
  }
  if (!destroy) return;
  const visit = (attrs: readonly Attribute[], blocks: readonly Block[]) => {
    for (const a of attrs) {
      if (a.name === 'when' || a.name === 'on_failure') continue;
      for (const t of traversalsIn(a.expr)) {
        if (t.root === 'self' || t.root === 'count' || t.root === 'each') continue;
        diags.push(error('Invalid reference from destroy provisioner', "Destroy-time provisioners and their connection configurations may only reference attributes of the related resource, via 'self', 'count.index', or 'each.key'.\n\nReferences to other resources during the destroy phase can cause dependency cycles and interact poorly with create_before_destroy.", a.expr.range));
      }
    }
    for (const b of blocks) visit(b.body.attributes, b.body.blocks);
  };
  visit(p.body.attributes, p.body.blocks);
}

/** the `file` provisioner's own ValidateProvisionerConfig (sourceless, as terraform prints it) */
export function fileProvisionerRules(p: Block): Diagnostic[] {
  if (p.labels[0] !== 'file') return [];
  const has = (n: string) => p.body.attributes.some((a) => a.name === n);
  if (has('source') && has('content')) return [{ severity: 'error', summary: "Cannot set both 'source' and 'content'", detail: '' }];
  if (!has('source') && !has('content')) return [{ severity: 'error', summary: "Must provide one of 'source' or 'content'", detail: '' }];
  return [];
}

/**
 * terraform's version constraint syntax (go-version): comma-separated `[op] version` with ops
 * = != > >= < <= ~>. Returns a semver range, or undefined when the string does not parse.
 */
export function versionConstraintRange(text: string): string | undefined {
  const parts = text.split(',').map((p) => p.trim());
  const out: string[] = [];
  for (const part of parts) {
    const m = /^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(part);
    if (!m) return undefined;
    const op = m[1] ?? '=';
    const segs = m[2]!.split('.');
    const full = [...segs, '0', '0'].slice(0, 3).join('.') + (m[3] ?? '');
    if (op === '~>') {
      // ~> 1.2 allows >= 1.2.0, < 2.0.0; ~> 1.2.3 allows >= 1.2.3, < 1.3.0
      const upper = segs.length <= 2 ? `${Number(segs[0]) + 1}.0.0` : `${segs[0]}.${Number(segs[1]) + 1}.0`;
      out.push(`>=${full} <${upper}-0`);
    } else if (op === '!=') out.push(`<${full} || >${full}`);
    else out.push(`${op === '=' ? '' : op}${full}`);
  }
  return out.join(' ');
}

/** whether 1.11.4 satisfies the constraint (`!=` parts split a range in two, checked one by one) */
function satisfies(text: string): boolean | undefined {
  const parts = text.split(',').map((p) => p.trim());
  for (const part of parts) {
    const r = versionConstraintRange(part);
    if (r === undefined) return undefined;
    if (!semver.satisfies(TERRAFORM_VERSION, r)) return false;
  }
  return true;
}

export interface TerraformBlockFacts {
  /** `required_version` attributes that 1.11.4 does not satisfy */
  readonly unmet: Attribute[];
}

/** the `terraform` block's own rules (configs/module.go, version_constraint.go, experiments.go) */
export function terraformBlockRules(b: Block, where: { readonly path: readonly string[]; readonly sourceAddr: string }, diags: Diagnostic[], versionDiags: Diagnostic[]): void {
  for (const a of b.body.attributes) {
    if (a.name === 'required_version') {
      if (traversalsIn(a.expr).length > 0) continue; // "Variables not allowed" comes from the constant check
      const text = literalOf(a.expr);
      if (typeof text !== 'string') continue;
      const ok = satisfies(text);
      if (ok === undefined) {
        diags.push(error('Invalid version constraint', 'This string does not use correct version constraint syntax.', a.expr.range));
      } else if (!ok) {
        const who = where.path.length ? `Module ${where.path.map((p) => `module.${p}`).join('.')} (from ${where.sourceAddr})` : 'This configuration';
        versionDiags.push(
          error('Unsupported Terraform Core version', `${who} does not support Terraform version ${TERRAFORM_VERSION}. To proceed, either choose another supported Terraform version or update this version constraint. Version constraints are normally set for good reason, so updating the constraint may lead to other errors or unexpected behavior.`, a.range),
        );
      }
    }
    if (a.name === 'experiments') {
      diags.push(error('Module uses experimental features', 'Experimental features are intended only for gathering early feedback on new language designs, and so are available only in alpha releases of Terraform.', a.nameRange));
    }
  }
  const cloud = b.body.blocks.find((x) => x.type === 'cloud');
  const backend = b.body.blocks.find((x) => x.type === 'backend');
  if (cloud && backend) {
    diags.push(
      error('Both a backend and cloud configuration are present', `A module may declare either one 'cloud' block OR one 'backend' block configuring a state backend. The 'cloud' block is configured at ${rangeString(cloud.defRange)}; a backend is configured at ${rangeString(backend.defRange)}. Remove the backend block to configure HCP Terraform or Terraform Enteprise.`, backend.defRange),
    );
  }
  for (const rp of b.body.blocks.filter((x) => x.type === 'required_providers')) {
    for (const a of rp.body.attributes) {
      if (a.expr.kind !== 'object') continue;
      for (const item of a.expr.items) {
        const key = item.key.kind === 'traversal' && item.key.steps.length === 0 ? item.key.root : literalOf(item.key);
        const value = literalOf(item.value);
        if (key === 'source' && typeof value === 'string' && value.split('/').length > 3) {
          diags.push(error('Invalid provider source string', 'The "source" attribute must be in the format "[hostname/][namespace/]name"', item.value.range));
        }
      }
    }
  }
}

/** a module call's `version` with a local source (configs/module_call.go) */
export function moduleSourceRules(b: Block, diags: Diagnostic[]): void {
  const source = b.body.attributes.find((a) => a.name === 'source');
  const version = b.body.attributes.find((a) => a.name === 'version');
  const text = source ? literalOf(source.expr) : undefined;
  if (!source || !version || typeof text !== 'string' || !isLocalSource(text)) return;
  diags.push(
    error('Invalid registry module source address', `Failed to parse module registry address: can't use local directory ${JSON.stringify(text)} as a module registry address.\n\nTerraform assumed that you intended a module registry source address because you also set the argument "version", which applies only to registry modules.`, source.expr.range),
  );
}

/** resource-or-module kind of a moved/removed address */
function addressKind(t: Traversal): 'module' | 'resource' {
  return t.root === 'module' ? 'module' : 'resource';
}

function traversalOf(a: Attribute | undefined): Traversal | undefined {
  return a?.expr.kind === 'traversal' ? a.expr : undefined;
}

export function movedRules(b: Block, diags: Diagnostic[]): void {
  const from = traversalOf(b.body.attributes.find((a) => a.name === 'from'));
  const to = traversalOf(b.body.attributes.find((a) => a.name === 'to'));
  if (from && to && addressKind(from) !== addressKind(to)) {
    diags.push(error('Invalid "moved" addresses', 'The "from" and "to" addresses must either both refer to resources or both refer to modules.', b.defRange));
  }
}

export function removedRules(b: Block, diags: Diagnostic[]): void {
  const from = traversalOf(b.body.attributes.find((a) => a.name === 'from'));
  if (!from || from.root === 'module') return;
  const offset = from.root === 'data' ? 2 : 1;
  const key = from.steps[offset];
  if (key?.kind === 'index') {
    diags.push(error('Resource instance keys not allowed', 'Resource address must be a resource (e.g. "test_instance.foo"), not a resource instance (e.g. "test_instance.foo[1]").', key.range));
  }
}

/** import blocks: a required id, one import per target instance (configs/import.go, module.go) */
export function importRules(imports: readonly Block[], diags: Diagnostic[]): void {
  const seen = new Map<string, Block>();
  for (const b of imports) {
    const to = b.body.attributes.find((a) => a.name === 'to');
    if (!to) continue;
    if (!b.body.attributes.some((a) => a.name === 'id' || a.name === 'identity')) {
      diags.push(error('Missing required argument', 'The argument "id" is required, but no definition was found.', b.openBraceRange));
    }
    const t = traversalOf(to);
    if (!t || b.body.attributes.some((a) => a.name === 'for_each')) continue;
    const text = [t.root, ...t.steps.map((s) => (s.kind === 'attr' ? `.${s.name}` : `[${JSON.stringify(s.key)}]`))].join('');
    const prior = seen.get(text);
    const resourceLen = t.root === 'module' ? 0 : t.root === 'data' ? 2 : 1;
    const resource = [t.root, ...t.steps.slice(0, resourceLen).map((s) => (s.kind === 'attr' ? `.${s.name}` : ''))].join('');
    if (prior) {
      diags.push(error(`Duplicate import configuration for ${JSON.stringify(resource)}`, `An import block for the resource ${JSON.stringify(resource)} was already declared at ${rangeString(prior.defRange)}. A resource can have only one import block.`, to.expr.range));
    } else seen.set(text, b);
  }
}

/** check blocks: unique names, at most one data block (configs/checks.go, module.go) */
export function checkBlockRules(checks: readonly Block[], diags: Diagnostic[]): void {
  const seen = new Map<string, Block>();
  for (const b of checks) {
    const name = b.labels[0]!;
    const prior = seen.get(name);
    if (prior) diags.push(error(`Duplicate check ${JSON.stringify(name)} configuration`, `A check block named ${JSON.stringify(name)} was already declared at ${rangeString(prior.defRange)}. Check blocks must be unique within each module.`, b.defRange));
    else seen.set(name, b);
    const data = b.body.blocks.filter((x) => x.type === 'data');
    for (const extra of data.slice(1)) {
      diags.push(error('Multiple data resource blocks', `This check block already has a data resource defined at ${rangeString(data[0]!.defRange)}.`, extra.defRange));
    }
  }
}

const TEST_FILE_BLOCKS = [
  { type: 'run', labels: ['name'] },
  { type: 'variables', labels: [] },
  { type: 'provider', labels: ['name'] },
  { type: 'mock_provider', labels: ['name'] },
  { type: 'override_resource', labels: [] },
  { type: 'override_data', labels: [] },
  { type: 'override_module', labels: [] },
  { type: 'test', labels: [] },
];

/** `*.tftest.hcl` files as terraform validate reads them (configs/test_file.go) */
export function testFileRules(file: ParsedFile, diags: Diagnostic[]): void {
  const { blocks } = content(file.body, { attributes: [], blocks: TEST_FILE_BLOCKS }, diags);
  for (const b of blocks.filter((x) => x.type === 'run')) {
    const { attrs } = content(
      b.body,
      {
        attributes: [{ name: 'command' }, { name: 'providers' }, { name: 'expect_failures' }, { name: 'state_key' }, { name: 'parallel' }],
        blocks: [
          { type: 'plan_options', labels: [] },
          { type: 'variables', labels: [] },
          { type: 'module', labels: [] },
          { type: 'assert', labels: [] },
          { type: 'override_resource', labels: [] },
          { type: 'override_data', labels: [] },
          { type: 'override_module', labels: [] },
        ],
      },
      diags,
    );
    const command = attrs.get('command');
    if (command) {
      const keyword = command.expr.kind === 'traversal' && command.expr.steps.length === 0 ? command.expr.root : undefined;
      if (keyword !== 'apply' && keyword !== 'plan') diags.push(error('Invalid "command" keyword', 'The "command" argument requires one of the following keywords without quotes: apply or plan.', command.expr.range));
    }
  }
}

