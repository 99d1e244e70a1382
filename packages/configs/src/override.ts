/**
 * terraform's override files (configs/module_merge.go): each block of an override file is merged into
 * the primary block of the same identity — its arguments replace the primary's, and its nested blocks
 * of a type replace all the primary's nested blocks of that type. An override block with no primary
 * counterpart is an error, with terraform's own words.
 */
import type { Diagnostic } from '@tfpairs/core';
import type { Attribute, Block, Body, ParsedFile } from '@tfpairs/hcl/tree';

function literalString(a: Attribute | undefined): string | undefined {
  const e = a?.expr;
  if (!e) return undefined;
  if (e.kind === 'traversal' && e.steps.length === 0) return e.root;
  if (e.kind === 'template' && e.parts.length === 1 && e.parts[0]!.kind === 'literal') return String(e.parts[0]!.value);
  return undefined;
}

/** the identity under which an override block meets its primary, or undefined for blocks that merge by type only */
function identity(b: Block): string | undefined {
  switch (b.type) {
    case 'variable':
    case 'output':
    case 'module':
      return `${b.type}.${b.labels[0]}`;
    case 'resource':
    case 'data':
    case 'ephemeral':
      return `${b.type}.${b.labels[0]}.${b.labels[1]}`;
    case 'provider':
      return `provider.${b.labels[0]}.${literalString(b.body.attributes.find((a) => a.name === 'alias')) ?? ''}`;
    default:
      return undefined;
  }
}

function missing(b: Block): Diagnostic {
  const [a, n] = [b.labels[0] ?? '', b.labels[1] ?? ''];
  const d = (summary: string, detail: string): Diagnostic => ({ severity: 'error', summary, detail, range: b.defRange });
  switch (b.type) {
    case 'variable':
      return d('Missing base variable declaration to override', `There is no variable named ${JSON.stringify(a)}. An override file can only override a variable that was already declared in a primary configuration file.`);
    case 'output':
      return d('Missing base output definition to override', `There is no output named ${JSON.stringify(a)}. An override file can only override an output that was already defined in a primary configuration file.`);
    case 'module':
      return d('Missing module call to override', `There is no module call named ${JSON.stringify(a)}. An override file can only override a module call that was defined in a primary configuration file.`);
    case 'data':
      return d('Missing data resource to override', `There is no ${a} data resource named ${JSON.stringify(n)}. An override file can only override a data block defined in a primary configuration file.`);
    case 'provider': {
      const alias = literalString(b.body.attributes.find((x) => x.name === 'alias'));
      return alias
        ? d('Missing base provider configuration for override', `There is no ${a} provider configuration with the alias ${JSON.stringify(alias)}. An override file can only override an aliased provider configuration that was already defined in a primary configuration file.`)
        : d('Missing base provider configuration for override', `There is no ${a} provider configuration. An override file can only override a provider configuration that was already defined in a primary configuration file.`);
    }
    default:
      return d('Missing resource to override', `There is no ${a} resource named ${JSON.stringify(n)}. An override file can only override a resource block defined in a primary configuration file.`);
  }
}

/** arguments of `over` replace those of `base`; nested block types present in `over` replace base's */
export function mergeBodies(base: Body, over: Body): Body {
  const overAttrs = new Set(over.attributes.map((a) => a.name));
  const overTypes = new Set(over.blocks.map((b) => b.type));
  return {
    attributes: [...base.attributes.filter((a) => !overAttrs.has(a.name)), ...over.attributes],
    blocks: [...base.blocks.filter((b) => !overTypes.has(b.type)), ...over.blocks],
    range: base.range,
  };
}

export interface MergeResult {
  readonly files: ParsedFile[];
  readonly diags: Diagnostic[];
}

/** Primary files with every override file (in file-name order) merged in. */
export function applyOverrides(primary: readonly ParsedFile[], overrides: readonly ParsedFile[]): MergeResult {
  const diags: Diagnostic[] = [];
  if (overrides.length === 0) return { files: [...primary], diags };
  // mutable copies of each primary file's top-level blocks
  const fileBlocks = primary.map((f) => [...f.body.blocks]);
  const find = (pred: (b: Block) => boolean): [number, number] | undefined => {
    for (let fi = 0; fi < fileBlocks.length; fi++) {
      const bi = fileBlocks[fi]!.findIndex(pred);
      if (bi >= 0) return [fi, bi];
    }
    return undefined;
  };
  for (const o of overrides) {
    for (const ob of o.body.blocks) {
      if (ob.type === 'locals') {
        for (const attr of ob.body.attributes) {
          const at = find((b) => b.type === 'locals' && b.body.attributes.some((a) => a.name === attr.name));
          if (!at) {
            diags.push({ severity: 'error', summary: 'Missing base local value definition to override', detail: `There is no local value named ${JSON.stringify(attr.name)}. An override file can only override a local value that was already defined in a primary configuration file.`, range: attr.range });
            continue;
          }
          const b = fileBlocks[at[0]]![at[1]]!;
          fileBlocks[at[0]]![at[1]] = { ...b, body: { ...b.body, attributes: b.body.attributes.map((a) => (a.name === attr.name ? attr : a)) } };
        }
        continue;
      }
      if (ob.type === 'terraform') {
        const at = find((b) => b.type === 'terraform');
        if (!at) fileBlocks[0]?.push(ob);
        else {
          const b = fileBlocks[at[0]]![at[1]]!;
          fileBlocks[at[0]]![at[1]] = { ...b, body: mergeBodies(b.body, ob.body) };
        }
        continue;
      }
      const id = identity(ob);
      if (!id) continue;
      const at = find((b) => identity(b) === id);
      if (!at) {
        diags.push(missing(ob));
        continue;
      }
      const b = fileBlocks[at[0]]![at[1]]!;
      fileBlocks[at[0]]![at[1]] = { ...b, body: mergeBodies(b.body, ob.body) };
    }
  }
  return { files: primary.map((f, i) => ({ ...f, body: { ...f.body, blocks: fileBlocks[i]! } })), diags };
}
