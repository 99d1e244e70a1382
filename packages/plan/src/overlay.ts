/**
 * The computed-flag overlay (data/schemas/computed/, derived by scripts/derive-computed-overlay.ts
 * from the real AWS 4.36.1 schema): the bundled schemas know which arguments exist but hardly ever
 * that an optional one is also computed, which decides null vs unknown in a plan.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BlockSchema } from '@tfpairs/verify';

export const COMPUTED_OVERLAY_FORMAT = 'tfpairs-computed-overlay/1';

export interface TypeOverlay {
  /** the type's schema_version in the real schema */
  readonly version: number;
  /** attribute paths (`tags_all`, `root_block_device.volume_id`) computed in the real schema */
  readonly computed: readonly string[];
}

export interface ComputedOverlay {
  readonly format: typeof COMPUTED_OVERLAY_FORMAT;
  readonly address: string;
  readonly bundled_version: string;
  readonly derived_from: string;
  readonly resource_schemas: Readonly<Record<string, TypeOverlay>>;
  readonly data_source_schemas: Readonly<Record<string, TypeOverlay>>;
}

export const OVERLAY_DIR = fileURLToPath(new URL('../../../data/schemas/computed/', import.meta.url));

const overlays = new Map<string, ComputedOverlay | null>();

/** The overlay for a bundled AWS version (e.g. "6.25.0"), or null when none was derived. */
export function awsOverlay(version: string, dir = OVERLAY_DIR): ComputedOverlay | null {
  const key = `${dir}\0${version}`;
  if (overlays.has(key)) return overlays.get(key)!;
  const file = `${dir}aws-${version}.computed.json`;
  const overlay = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ComputedOverlay) : null;
  overlays.set(key, overlay);
  return overlay;
}

/** A copy of `block` with the overlay's paths marked computed (the input is shared and never mutated). */
export function applyOverlay(block: BlockSchema, overlay: TypeOverlay | undefined): BlockSchema {
  if (!overlay || overlay.computed.length === 0) return block;
  const byPrefix = new Map<string, string[]>();
  for (const path of overlay.computed) {
    const dot = path.indexOf('.');
    const head = dot < 0 ? '' : path.slice(0, dot);
    const list = byPrefix.get(head) ?? [];
    list.push(dot < 0 ? path : path.slice(dot + 1));
    byPrefix.set(head, list);
  }
  const attributes = { ...block.attributes };
  for (const name of byPrefix.get('') ?? []) {
    const a = attributes[name];
    if (a) attributes[name] = { ...a, computed: true };
  }
  const blockTypes = { ...block.block_types };
  for (const [head, rest] of byPrefix) {
    if (head === '') continue;
    const bt = blockTypes[head];
    if (bt) blockTypes[head] = { ...bt, block: applyOverlay(bt.block, { version: 0, computed: rest }) };
  }
  return { ...block, attributes, block_types: blockTypes };
}
