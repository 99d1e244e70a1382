/**
 * The block shapes of terraform's `terraform providers schema -json` output (format_version 1.0),
 * reduced to what validation needs. Unknown keys (`description_kind`, `version`, ...) may be present.
 */

export interface AttributeSchema {
  /** cty type in JSON form: "string", "number", "bool", "dynamic", ["list","string"], ["object",{...}], ... */
  type?: unknown;
  /** protocol-6 nested attribute type (`{attributes, nesting_mode}`), instead of `type` */
  nested_type?: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  deprecated?: boolean;
  sensitive?: boolean;
  description?: string;
}

export interface BlockTypeSchema {
  nesting_mode: 'single' | 'list' | 'set' | 'map' | 'group';
  min_items?: number;
  max_items?: number;
  block: BlockSchema;
}

export interface BlockSchema {
  attributes?: Record<string, AttributeSchema>;
  block_types?: Record<string, BlockTypeSchema>;
  deprecated?: boolean;
  /**
   * Extension (not printed by terraform): the block's content is unknown because the source the
   * schema was derived from elided it (cdktf types very deep blocks as `any`). Accept any content.
   */
  opaque?: boolean;
}

/** One provider's entry under `provider_schemas` (the `version` of each schema is kept if present). */
export interface ProviderSchemaJson {
  provider?: { version?: number; block: BlockSchema };
  resource_schemas?: Record<string, { version?: number; block: BlockSchema }>;
  data_source_schemas?: Record<string, { version?: number; block: BlockSchema }>;
}

/** The whole `terraform providers schema -json` document. */
export interface ProvidersSchemaJson {
  format_version: string;
  provider_schemas: Record<string, ProviderSchemaJson>;
}

/**
 * The schemas of one provider, whether read from a user's file or from a bundled compact file.
 * Lookups may parse lazily; they never throw for an unknown name (undefined instead).
 */
export interface ProviderSchemaSource {
  /** full address, e.g. `registry.terraform.io/hashicorp/aws` */
  readonly address: string;
  /** e.g. `registry.terraform.io/hashicorp/aws 6.25.0` or `registry.terraform.io/hashicorp/aws (from my.json)` */
  readonly label: string;
  provider(): BlockSchema | undefined;
  resource(type: string): BlockSchema | undefined;
  dataSource(type: string): BlockSchema | undefined;
  resourceTypes(): readonly string[];
  dataSourceTypes(): readonly string[];
}
