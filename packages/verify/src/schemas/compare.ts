/**
 * Compares two schemas of the same provider (e.g. a derived 6.x schema with terraform's real 4.36.1
 * output) over the resource types both have: which argument and block names agree, and how.
 * Used by the extraction script's report.
 */
import type { BlockSchema, ProviderSchemaJson } from './types';

export interface NameComparison {
  /** in both */
  agree: number;
  /** only in `reference` (e.g. removed since, or computed-only there) */
  onlyInReference: string[];
  /** only in `derived` (e.g. added since) */
  onlyInDerived: string[];
}

export interface SchemaComparison {
  sharedResourceTypes: number;
  sharedDataSourceTypes: number;
  onlyInReferenceTypes: number;
  onlyInDerivedTypes: number;
  /** configurable arguments (required or optional in the reference; computed-only ones excluded) */
  arguments: NameComparison;
  /** of the agreeing arguments: same required-ness */
  requiredAgree: number;
  /** nested block types */
  blocks: NameComparison;
  /** of the agreeing blocks: same nesting mode */
  nestingModeAgree: number;
  /** of the agreeing blocks: same max_items (1 vs unlimited) */
  maxItemsAgree: number;
  /** computed-only attributes of the reference present in derived (if derived carries them) */
  computedOnly: NameComparison;
  /** a name that is a block in one and an attribute in the other */
  kindMismatch: string[];
  /** agreeing blocks whose content the derived schema does not know (not compared further) */
  opaqueBlocks: number;
}

function emptyNames(): NameComparison {
  return { agree: 0, onlyInReference: [], onlyInDerived: [] };
}

export function compareSchemas(derived: ProviderSchemaJson, reference: ProviderSchemaJson): SchemaComparison {
  const out: SchemaComparison = {
    sharedResourceTypes: 0,
    sharedDataSourceTypes: 0,
    onlyInReferenceTypes: 0,
    onlyInDerivedTypes: 0,
    arguments: emptyNames(),
    requiredAgree: 0,
    blocks: emptyNames(),
    nestingModeAgree: 0,
    maxItemsAgree: 0,
    computedOnly: emptyNames(),
    kindMismatch: [],
    opaqueBlocks: 0,
  };
  const walk = (d: BlockSchema, r: BlockSchema, where: string): void => {
    const dAttrs = d.attributes ?? {};
    const rAttrs = r.attributes ?? {};
    const dBlocks = d.block_types ?? {};
    const rBlocks = r.block_types ?? {};
    for (const [name, ra] of Object.entries(rAttrs)) {
      const configurable = ra.required === true || ra.optional === true;
      const bucket = configurable ? out.arguments : out.computedOnly;
      const da = dAttrs[name];
      if (da) {
        bucket.agree++;
        if (configurable && (da.required === true) === (ra.required === true)) out.requiredAgree++;
      } else if (dBlocks[name]) {
        out.kindMismatch.push(`${where}.${name} (attribute in reference, block in derived)`);
      } else {
        bucket.onlyInReference.push(`${where}.${name}`);
      }
    }
    for (const [name, da] of Object.entries(dAttrs)) {
      if (rAttrs[name] || rBlocks[name]) continue;
      (da.computed && !da.optional && !da.required ? out.computedOnly : out.arguments).onlyInDerived.push(`${where}.${name}`);
    }
    for (const [name, rb] of Object.entries(rBlocks)) {
      const db = dBlocks[name];
      if (db?.block.opaque) {
        // the derived schema does not know this block's content: its name agrees, nothing below is compared
        out.blocks.agree++;
        out.opaqueBlocks++;
        if (db.nesting_mode === rb.nesting_mode) out.nestingModeAgree++;
        if ((db.max_items ?? 0) === (rb.max_items ?? 0)) out.maxItemsAgree++;
      } else if (db) {
        out.blocks.agree++;
        if (db.nesting_mode === rb.nesting_mode) out.nestingModeAgree++;
        if ((db.max_items ?? 0) === (rb.max_items ?? 0)) out.maxItemsAgree++;
        walk(db.block, rb.block, `${where}.${name}`);
      } else if (dAttrs[name]) {
        out.kindMismatch.push(`${where}.${name} (block in reference, attribute in derived)`);
      } else {
        out.blocks.onlyInReference.push(`${where}.${name}`);
      }
    }
    for (const name of Object.keys(dBlocks)) {
      if (!rBlocks[name] && !rAttrs[name]) out.blocks.onlyInDerived.push(`${where}.${name}`);
    }
  };
  for (const kind of ['resource_schemas', 'data_source_schemas'] as const) {
    const d = derived[kind] ?? {};
    const r = reference[kind] ?? {};
    for (const [type, rs] of Object.entries(r)) {
      const ds = d[type];
      if (!ds) {
        out.onlyInReferenceTypes++;
        continue;
      }
      if (kind === 'resource_schemas') out.sharedResourceTypes++;
      else out.sharedDataSourceTypes++;
      walk(ds.block, rs.block, `${kind === 'data_source_schemas' ? 'data.' : ''}${type}`);
    }
    out.onlyInDerivedTypes += Object.keys(d).filter((t) => !r[t]).length;
  }
  if (derived.provider && reference.provider) walk(derived.provider.block, reference.provider.block, 'provider');
  return out;
}
