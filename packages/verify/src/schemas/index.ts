/**
 * Provider schemas for the verifier: the user's `terraform providers schema -json` files (which win
 * for the providers they cover) layered over the compact schemas bundled in `data/schemas/`.
 */
import { bundledCatalog, openBundled, type BundledSchemaRef } from './bundled';
import { normaliseProviderAddress, readSchemaFile } from './schema-file';
import type { BlockSchema, ProviderSchemaSource } from './types';
import { newestSatisfying, parseConstraint, parseVersion, VersionConstraintError } from './version-constraint';

export type { AttributeSchema, BlockSchema, BlockTypeSchema, ProviderSchemaSource } from './types';
export { SchemaFileError, isSchemaFileError } from './schema-file';
export { VersionConstraintError, satisfies, newestSatisfying, parseConstraint } from './version-constraint';

export interface SchemaSet {
  /** e.g. "registry.terraform.io/hashicorp/aws 6.25.0"; several providers are joined with ", " */
  readonly label: string;
  /** true when a schema is known for this local provider name (e.g. "aws") */
  hasProvider(localName: string): boolean;
  /** the provider's configuration block */
  provider(localName: string): BlockSchema | undefined;
  /** by resource type; the provider is implied by the type's prefix (`aws_instance` -> `aws`) */
  resource(type: string): BlockSchema | undefined;
  dataSource(type: string): BlockSchema | undefined;
  /** every resource type of that provider, sorted (for "Did you mean") */
  resourceTypes(localName: string): readonly string[];
  dataSourceTypes(localName: string): readonly string[];
}

export interface LoadSchemaSetOptions {
  /** `terraform providers schema -json` files (plain or gzip); later files win over earlier ones */
  userSchemaFiles?: readonly string[];
  /** the module's `terraform { required_providers { ... } }`: local name -> source / version constraint */
  requiredProviders?: Readonly<Record<string, { source?: string; version?: string }>>;
  /** folder of bundled schemas (tests); defaults to the repository's `data/schemas` */
  bundledDir?: string;
}

/** Terraform's implied provider of a resource type: the part before the first underscore. */
export function impliedProviderName(type: string): string {
  const i = type.indexOf('_');
  return i < 0 ? type : type.slice(0, i);
}

/**
 * Builds the schema set for one module. Throws SchemaFileError (with a clear message) when a user
 * file is missing or malformed; everything else is resolved lazily and cached per process.
 */
export function loadSchemaSet(opts: LoadSchemaSetOptions = {}): SchemaSet {
  // modules mostly repeat the same required_providers: reuse the (immutable) set
  const key = JSON.stringify([opts.userSchemaFiles ?? [], opts.requiredProviders ?? {}, opts.bundledDir ?? '']);
  const cached = setCache.get(key);
  if (cached) return cached;
  const set = buildSchemaSet(opts);
  if (setCache.size >= 256) setCache.clear();
  setCache.set(key, set);
  return set;
}

const setCache = new Map<string, SchemaSet>();

function buildSchemaSet(opts: LoadSchemaSetOptions): SchemaSet {
  const required = opts.requiredProviders ?? {};
  const userSources = new Map<string, ProviderSchemaSource>();
  for (const file of opts.userSchemaFiles ?? []) {
    for (const source of readSchemaFile(file)) userSources.set(source.address, source);
  }
  const catalog = bundledCatalog(opts.bundledDir);

  const addressOf = (localName: string): string => {
    const entry = Object.hasOwn(required, localName) ? required[localName] : undefined;
    return normaliseProviderAddress(entry?.source ?? localName);
  };

  const notes = new Map<string, string>();
  const pickBundled = (localName: string, refs: readonly BundledSchemaRef[]): BundledSchemaRef | undefined => {
    const constraint = Object.hasOwn(required, localName) ? required[localName]?.version : undefined;
    if (constraint === undefined) return refs[0];
    let conditions: ReturnType<typeof parseConstraint>;
    try {
      conditions = parseConstraint(constraint);
    } catch (e) {
      if (!(e instanceof VersionConstraintError)) throw e;
      notes.set(localName, e.message);
      return refs[0];
    }
    const version = newestSatisfying(refs.map((r) => r.version), constraint);
    if (version !== undefined) return refs.find((r) => r.version === version);
    // terraform would install a version we do not bundle: the nearest major (newer on a tie) is the
    // best stand-in, e.g. 5.x for "~> 4.0", since arguments disappear in major releases
    const wanted = conditions[0]!.version.major;
    const nearest = [...refs].sort((a, b) => {
      const da = Math.abs((parseVersion(a.version)?.major ?? 0) - wanted);
      const db = Math.abs((parseVersion(b.version)?.major ?? 0) - wanted);
      return da - db;
    })[0];
    notes.set(localName, `no bundled version satisfies "${constraint}"`);
    return nearest;
  };

  const resolved = new Map<string, ProviderSchemaSource | undefined>();
  const sourceFor = (localName: string): ProviderSchemaSource | undefined => {
    if (resolved.has(localName)) return resolved.get(localName);
    const address = addressOf(localName);
    let source = userSources.get(address);
    if (!source) {
      const refs = catalog.get(address);
      const ref = refs && refs.length > 0 ? pickBundled(localName, refs) : undefined;
      source = ref ? openBundled(ref) : undefined;
    }
    resolved.set(localName, source);
    return source;
  };

  // the label names what a validation of this module would use
  const localNames = new Set<string>(Object.keys(required));
  for (const address of [...userSources.keys(), ...catalog.keys()]) {
    const type = address.split('/').pop()!;
    if (![...localNames].some((n) => addressOf(n) === address)) localNames.add(type);
  }
  const labels: string[] = [];
  for (const name of [...localNames].sort()) {
    const source = sourceFor(name);
    if (source) labels.push(notes.has(name) ? `${source.label} (${notes.get(name)})` : source.label);
  }

  return {
    label: labels.join(', '),
    hasProvider: (localName) => sourceFor(localName) !== undefined,
    provider: (localName) => sourceFor(localName)?.provider(),
    resource: (type) => sourceFor(impliedProviderName(type))?.resource(type),
    dataSource: (type) => sourceFor(impliedProviderName(type))?.dataSource(type),
    resourceTypes: (localName) => sourceFor(localName)?.resourceTypes() ?? [],
    dataSourceTypes: (localName) => sourceFor(localName)?.dataSourceTypes() ?? [],
  };
}
