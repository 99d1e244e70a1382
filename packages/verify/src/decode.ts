/**
 * Decoding a body against a provider block schema the way terraform does (configschema -> hcldec ->
 * hclsyntax Body.Content): "Unsupported argument", "Missing required argument", "Unsupported block
 * type", "Insufficient X blocks", "Too many X blocks", "Missing X block", "Duplicate X block",
 * "Incorrect attribute value type", with HCL's texts and subject ranges.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import { nameSuggestion } from './didyoumean';
import { literalOf, type Attribute, type Block, type Body, type Expr } from '@tfpairs/hcl/tree';
import type { AttributeSchema, BlockSchema } from './schemas';
import { rangeString, startOf } from '@tfpairs/hcl/source';
import { literalTypeError, objectElementAttributes } from './types';

/** An expression that terraform evaluates while decoding, with names bound around it (dynamic iterators). */
export interface EvaluatedExpr {
  readonly expr: Expr;
  readonly bound: ReadonlySet<string>;
  readonly attr?: Attribute;
  readonly schema?: AttributeSchema;
}

export interface DecodeOptions {
  /** attribute and block names the caller already consumed (meta-arguments) */
  readonly hiddenAttributes?: ReadonlySet<string>;
  readonly hiddenBlocks?: ReadonlySet<string>;
}

export interface DecodeOutput {
  readonly diags: Diagnostic[];
  readonly exprs: EvaluatedExpr[];
  /** deprecated arguments that were set (reported only when the config has no errors, as the provider does) */
  readonly deprecated: Attribute[];
  /** computed-only arguments that were set: the provider rejects them once core decoding succeeded */
  readonly unconfigurable: Attribute[];
}

const EMPTY: ReadonlySet<string> = new Set();

export function error(summary: string, detail: string, range?: Range): Diagnostic {
  return range ? { severity: 'error', summary, detail, range } : { severity: 'error', summary, detail };
}

/** hcldec.Variables + Decode on one body. */
export function decodeBody(body: Body, schema: BlockSchema, out: DecodeOutput, opts: DecodeOptions = {}, bound: ReadonlySet<string> = EMPTY): void {
  const attrSchemas = schema.attributes ?? {};
  const blockSchemas = schema.block_types ?? {};
  const hiddenAttrs = opts.hiddenAttributes ?? EMPTY;
  const hiddenBlocks = opts.hiddenBlocks ?? EMPTY;
  const attrNames = Object.keys(attrSchemas).sort();
  const blockNames = Object.keys(blockSchemas).sort();
  const present = new Map<string, Attribute>();
  for (const a of body.attributes) if (!hiddenAttrs.has(a.name) && !present.has(a.name)) present.set(a.name, a);

  // PartialContent: required attributes
  for (const name of attrNames) {
    const s = attrSchemas[name]!;
    // a required list-of-objects argument may be given as blocks (blocktoattr)
    if (s.required && !present.has(name) && !(objectElementAttributes(s.type) && body.blocks.some((b) => b.type === name))) {
      out.diags.push(error('Missing required argument', `The argument ${JSON.stringify(name)} is required, but no definition was found.`, startOf(body.range)));
    }
  }
  // Content: extraneous attributes
  for (const a of present.values()) {
    const s = attrSchemas[a.name];
    if (s) {
      out.exprs.push({ expr: a.expr, bound, attr: a, schema: s });
      const typeErr = s.type !== undefined ? literalTypeError(a.expr, s.type) : undefined;
      if (typeErr) {
        out.diags.push(error('Incorrect attribute value type', `Inappropriate value for attribute ${JSON.stringify(a.name)}: ${typeErr}.`, a.expr.range));
      }
      if (s.deprecated) out.deprecated.push(a);
      if (s.computed && !s.optional && !s.required && literalOf(a.expr) !== null) out.unconfigurable.push(a);
      continue;
    }
    // a list/set-of-objects attribute may also be written as blocks (blocktoattr), but not the reverse
    const unset = attrNames.filter((n) => !present.has(n));
    let suggestion = nameSuggestion(a.name, unset);
    let hint = suggestion ? ` Did you mean ${JSON.stringify(suggestion)}?` : '';
    if (!suggestion && blockSchemas[a.name]) hint = ` Did you mean to define a block of type ${JSON.stringify(a.name)}?`;
    suggestion = undefined;
    out.diags.push(error('Unsupported argument', `An argument named ${JSON.stringify(a.name)} is not expected here.${hint}`, a.nameRange));
  }

  // blocks, grouped by type in source order
  const byType = new Map<string, Block[]>();
  const dynamicTypes = new Set<string>();
  for (const b of body.blocks) {
    if (hiddenBlocks.has(b.type)) continue;
    if (b.type === 'dynamic') {
      decodeDynamic(b, schema, out, bound, dynamicTypes);
      continue;
    }
    const bs = blockSchemas[b.type];
    if (bs) {
      if (b.labels.length > 0) {
        out.diags.push(error(`Extraneous label for ${b.type}`, `No labels are expected for ${b.type} blocks.`, b.labelRanges[0]));
        continue;
      }
      const list = byType.get(b.type) ?? [];
      list.push(b);
      byType.set(b.type, list);
      continue;
    }
    const attrS = attrSchemas[b.type];
    const elementAttrs = attrS ? objectElementAttributes(attrS.type) : undefined;
    if (elementAttrs && !present.has(b.type)) {
      // blocktoattr fixup: blocks stand for the elements of a list/set-of-objects attribute
      decodeBody(b.body, { attributes: Object.fromEntries(Object.entries(elementAttrs).map(([k, t]) => [k, { type: t, optional: true }])) }, out, {}, bound);
      continue;
    }
    const suggestion = nameSuggestion(b.type, blockNames);
    let hint = suggestion ? ` Did you mean ${JSON.stringify(suggestion)}?` : '';
    if (!suggestion && attrS) hint = ` Did you mean to define argument ${JSON.stringify(b.type)}? If so, use the equals sign to assign it a value.`;
    out.diags.push(error('Unsupported block type', `Blocks of type ${JSON.stringify(b.type)} are not expected here.${hint}`, b.typeRange));
  }

  for (const name of blockNames) {
    const bs = blockSchemas[name]!;
    const blocks = byType.get(name) ?? [];
    const dynamic = dynamicTypes.has(name);
    if (bs.nesting_mode === 'single' || bs.nesting_mode === 'group') {
      if (blocks.length > 1) {
        out.diags.push(error(`Duplicate ${name} block`, `Only one block of type ${JSON.stringify(name)} is allowed. Previous definition was at ${rangeString(blocks[0]!.defRange)}.`, blocks[1]!.defRange));
      } else if (blocks.length === 0 && !dynamic && bs.nesting_mode === 'single' && (bs.min_items ?? 0) >= 1) {
        out.diags.push(error(`Missing ${name} block`, `A block of type ${JSON.stringify(name)} is required here.`, startOf(body.range)));
      }
    } else if (!dynamic && bs.nesting_mode !== 'map') {
      const min = bs.min_items ?? 0;
      const max = bs.max_items ?? 0;
      if (blocks.length < min) {
        out.diags.push(error(`Insufficient ${name} blocks`, `At least ${min} ${JSON.stringify(name)} blocks are required.`, startOf(body.range)));
      } else if (max > 0 && blocks.length > max) {
        out.diags.push(error(`Too many ${name} blocks`, `No more than ${max} ${JSON.stringify(name)} blocks are allowed`, blocks[max]!.defRange));
      }
    }
    for (const b of blocks) decodeBody(b.body, bs.block, out, {}, bound);
  }
}

/** `dynamic "x" { for_each = ..., iterator = it, content { ... } }` (dynblock expansion). */
function decodeDynamic(b: Block, schema: BlockSchema, out: DecodeOutput, bound: ReadonlySet<string>, dynamicTypes: Set<string>): void {
  const type = b.labels[0];
  if (type === undefined) {
    out.diags.push(error('Missing dynamic block type', 'All dynamic blocks must have 1 labels (type).', b.openBraceRange));
    return;
  }
  dynamicTypes.add(type);
  const bs = schema.block_types?.[type];
  const iteratorAttr = b.body.attributes.find((a) => a.name === 'iterator');
  const iterator = iteratorAttr?.expr.kind === 'traversal' ? iteratorAttr.expr.root : type;
  for (const a of b.body.attributes) {
    if (a.name === 'for_each' || a.name === 'labels') out.exprs.push({ expr: a.expr, bound, attr: a });
  }
  const inner = new Set(bound);
  inner.add(iterator);
  // blocktoattr also applies to dynamic blocks: a list/set-of-objects attribute may be generated
  const elementAttrs = bs ? undefined : objectElementAttributes(schema.attributes?.[type]?.type);
  const contentSchema: BlockSchema | undefined = bs ? bs.block : elementAttrs ? { attributes: Object.fromEntries(Object.entries(elementAttrs).map(([k, t]) => [k, { type: t, optional: true }])) } : undefined;
  if (!contentSchema) {
    out.diags.push(error('Unsupported block type', `Blocks of type ${JSON.stringify(type)} are not expected here.`, b.labelRanges[0]));
    return;
  }
  for (const content of b.body.blocks.filter((x) => x.type === 'content')) decodeBody(content.body, contentSchema, out, {}, inner);
}
