/**
 * Provider schemas as the plan builder uses them: the verifier's schema set (bundled AWS schemas or
 * the user's `providers schema -json` files) with, for the bundled AWS versions, the computed flags and
 * schema versions of the real 4.36.1 schema laid over it (overlay.ts), plus terraform's built-in
 * `terraform_data`.
 */
import { loadSchemaSet, type BlockSchema, type SchemaSet } from '@tfpairs/verify';
import { normaliseProviderAddress } from '@tfpairs/verify/schemas/schema-file';
import { applyOverlay, awsOverlay, type ComputedOverlay } from './overlay';

export interface TypeSchema {
  readonly block: BlockSchema;
  readonly version: number;
}

export interface PlanSchemas {
  resource(type: string, providerLocalName: string): TypeSchema | undefined;
  dataSource(type: string, providerLocalName: string): TypeSchema | undefined;
  provider(localName: string): BlockSchema | undefined;
  /** full provider address of a local name (`aws` -> `registry.terraform.io/hashicorp/aws`) */
  address(localName: string): string;
}

/** terraform's built-in provider's managed resource (internal/builtin/providers/terraform). */
export const TERRAFORM_DATA: TypeSchema = {
  version: 0,
  block: {
    attributes: {
      id: { type: 'string', computed: true },
      input: { type: 'dynamic', optional: true },
      output: { type: 'dynamic', computed: true },
      triggers_replace: { type: 'dynamic', optional: true },
    },
  },
};

export const BUILTIN_PROVIDER = 'terraform.io/builtin/terraform';

export function planSchemas(requiredProviders: Readonly<Record<string, { source?: string; version?: string }>>, schemaFiles: readonly string[] = []): PlanSchemas {
  const set: SchemaSet = loadSchemaSet({ userSchemaFiles: schemaFiles, requiredProviders });
  // the overlay fixes the bundled AWS schemas only; a user's file is terraform's own output
  const m = /registry\.terraform\.io\/hashicorp\/aws (\d+\.\d+\.\d+)(?! \(from)/.exec(set.label);
  const overlay: ComputedOverlay | null = m && !set.label.includes('hashicorp/aws (from') ? awsOverlay(m[1]!) : null;
  const cache = new Map<string, TypeSchema | undefined>();
  const lookup = (kind: 'resource_schemas' | 'data_source_schemas', type: string, get: () => BlockSchema | undefined): TypeSchema | undefined => {
    const key = `${kind}\0${type}`;
    if (cache.has(key)) return cache.get(key);
    const block = get();
    const o = overlay?.[kind][type];
    const result = block ? { block: applyOverlay(block, o), version: o?.version ?? 0 } : undefined;
    cache.set(key, result);
    return result;
  };
  const address = (localName: string) => {
    if (localName === 'terraform' && !requiredProviders['terraform']) return BUILTIN_PROVIDER;
    const entry = Object.hasOwn(requiredProviders, localName) ? requiredProviders[localName] : undefined;
    return normaliseProviderAddress(entry?.source ?? localName);
  };
  return {
    resource: (type, local) => (type === 'terraform_data' && address(local) === BUILTIN_PROVIDER ? TERRAFORM_DATA : lookup('resource_schemas', type, () => set.resource(type))),
    dataSource: (type) => lookup('data_source_schemas', type, () => set.dataSource(type)),
    provider: (localName) => set.provider(localName),
    address,
  };
}
