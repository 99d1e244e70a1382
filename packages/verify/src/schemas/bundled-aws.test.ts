/**
 * The committed, derived AWS schema (data/schemas/.../6.25.0.json.gz): what it must know, and how
 * well it agrees with terraform's real 4.36.1 output on the types both versions have.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledCatalog, type SchemaIndex } from './bundled';
import { compareSchemas } from './compare';
import { loadSchemaSet } from './index';
import { META_ARGUMENTS } from './from-jsii';
import { parseProvidersSchema, readMaybeGzip } from './schema-file';
import type { BlockSchema, ProviderSchemaJson } from './types';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const aws4361 = join(repoRoot, '../shared/data/provider-schemas/aws-4.36.1.schema.json.gz');
const AWS = 'registry.terraform.io/hashicorp/aws';

const ref = bundledCatalog().get(AWS)?.[0];
if (!ref) throw new Error('no bundled AWS schema under data/schemas; run scripts/extract-provider-schema.ts');
const whole = (): ProviderSchemaJson => {
  const doc = parseProvidersSchema(ref.file, readMaybeGzip(ref.file).toString('utf8'));
  return doc.provider_schemas[AWS]!;
};

describe('bundled AWS schema', () => {
  const set = loadSchemaSet();

  it('is AWS provider 6.25.0, the newest bundled, with an index', () => {
    expect(set.label).toBe(`${AWS} 6.25.0`);
    expect(ref.indexFile).toBeDefined();
    expect(set.resourceTypes('aws').length).toBeGreaterThan(1500);
    expect(set.dataSourceTypes('aws').length).toBeGreaterThan(600);
  });

  it('knows aws_instance arguments, computed attributes and nesting modes', () => {
    const instance = set.resource('aws_instance')!;
    expect(instance.attributes?.ami).toEqual({ type: 'string', optional: true });
    expect(instance.attributes?.arn).toEqual({ type: 'string', computed: true });
    expect(instance.attributes?.vpc_security_group_ids?.type).toEqual(['set', 'string']);
    // removed in AWS provider 6.0 (cpu_options instead)
    expect(instance.attributes?.cpu_core_count).toBeUndefined();
    expect(instance.block_types?.root_block_device).toMatchObject({ nesting_mode: 'list', max_items: 1 });
    expect(instance.block_types?.root_block_device?.block.attributes?.volume_size).toEqual({ type: 'number', optional: true });
    expect(instance.block_types?.root_block_device?.block.attributes?.volume_id).toEqual({ type: 'string', computed: true });
    expect(instance.block_types?.ebs_block_device?.nesting_mode).toBe('set');
    expect(instance.block_types?.ebs_block_device?.max_items).toBeUndefined();
    expect(instance.block_types?.timeouts?.nesting_mode).toBe('single');
  });

  it('takes names from doc anchors, not from camelCase', () => {
    // cdktf calls these fetchPasswordData and selfAttribute
    expect(set.dataSource('aws_instance')?.attributes?.get_password_data).toEqual({ type: 'bool', optional: true });
    expect(set.dataSource('aws_instance')?.attributes?.fetch_password_data).toBeUndefined();
    const ingress = set.resource('aws_security_group')?.attributes?.ingress;
    expect(ingress?.type).toEqual(['set', ['object', expect.objectContaining({ self: 'bool', from_port: 'number' })]]);
  });

  it('marks required arguments and required blocks', () => {
    expect(set.resource('aws_iam_role')?.attributes?.assume_role_policy).toEqual({ type: 'string', required: true });
    expect(set.resource('aws_elasticache_user')?.attributes?.user_name).toEqual({ type: 'string', required: true });
    expect(set.resource('aws_elasticache_replication_group')?.attributes?.description?.required).toBe(true);
    // removed in AWS provider 5.0
    expect(set.resource('aws_elasticache_replication_group')?.attributes?.replication_group_description).toBeUndefined();
    const condition = set.resource('aws_lb_listener_rule')?.block_types?.condition;
    expect(condition).toMatchObject({ nesting_mode: 'set', min_items: 1 });
    expect(set.resource('aws_lb_listener_rule')?.block_types?.action?.min_items).toBe(1);
  });

  it('knows aws_s3_bucket and the data source aws_ami', () => {
    const bucket = set.resource('aws_s3_bucket')!;
    expect(bucket.attributes?.bucket).toEqual({ type: 'string', optional: true });
    expect(bucket.attributes?.tags?.type).toEqual(['map', 'string']);
    expect(bucket.attributes?.bucket_regional_domain_name?.computed).toBe(true);
    expect(bucket.block_types?.versioning).toMatchObject({ nesting_mode: 'list', max_items: 1 });
    const ami = set.dataSource('aws_ami')!;
    expect(ami.attributes?.owners?.type).toEqual(['list', 'string']);
    expect(ami.attributes?.image_id).toEqual({ type: 'string', computed: true });
    expect(ami.block_types?.filter?.nesting_mode).toBe('set');
    expect(ami.block_types?.filter?.block.attributes?.values).toEqual({ type: ['set', 'string'], required: true });
  });

  it('knows the provider block without meta-arguments', () => {
    const provider = set.provider('aws')!;
    expect(provider.attributes?.region).toEqual({ type: 'string', optional: true });
    expect(provider.attributes?.alias).toBeUndefined();
    // cdktf types every provider block as an array, so max_items 1 is lost for default_tags
    expect(provider.block_types?.default_tags?.nesting_mode).toBe('list');
    expect(provider.block_types?.default_tags?.block.attributes?.tags?.type).toEqual(['map', 'string']);
    expect(provider.block_types?.assume_role).toBeDefined();
  });

  it('marks blocks whose content cdktf elided as opaque', () => {
    const rule = set.resource('aws_wafv2_web_acl')?.block_types?.rule;
    expect(rule?.block.block_types?.statement).toEqual({ nesting_mode: 'list', block: { opaque: true } });
  });

  it('has no terraform meta-argument as a top-level argument', () => {
    const offenders: string[] = [];
    const doc = whole();
    for (const [kind, table] of [['resource', doc.resource_schemas], ['data', doc.data_source_schemas]] as const) {
      for (const [type, s] of Object.entries(table ?? {})) {
        for (const name of [...Object.keys(s.block.attributes ?? {}), ...Object.keys(s.block.block_types ?? {})]) {
          if (META_ARGUMENTS.has(name)) offenders.push(`${kind}.${type}.${name}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('has an index that covers exactly the document and points at each schema', () => {
    const index = JSON.parse(readFileSync(ref.indexFile!, 'utf8')) as SchemaIndex;
    const doc = whole();
    expect(Object.keys(index.resource_schemas).sort()).toEqual(Object.keys(doc.resource_schemas ?? {}).sort());
    expect(Object.keys(index.data_source_schemas).sort()).toEqual(Object.keys(doc.data_source_schemas ?? {}).sort());
    const bytes = readMaybeGzip(ref.file);
    expect(bytes.length).toBe(index.bytes);
    // every 50th entry: the slice is exactly that type's schema
    Object.entries(index.resource_schemas).forEach(([type, [start, end]], i) => {
      if (i % 50 === 0) expect(JSON.parse(bytes.toString('utf8', start, end)), type).toEqual(doc.resource_schemas?.[type]);
    });
  });

  it('agrees with terraform 4.36.1 on the names of shared resource types (floors)', () => {
    const reference = Object.values((parseProvidersSchema(aws4361, readMaybeGzip(aws4361).toString('utf8'))).provider_schemas)[0]!;
    const c = compareSchemas(whole(), reference);
    expect(c.sharedResourceTypes).toBeGreaterThan(1000);
    const argTotal = c.arguments.agree + c.arguments.onlyInReference.length;
    const blockTotal = c.blocks.agree + c.blocks.onlyInReference.length;
    const computedTotal = c.computedOnly.agree + c.computedOnly.onlyInReference.length;
    // differences are arguments removed in 5.x/6.x (aws_db_instance.name, aws_eip.vpc, ...)
    expect(c.arguments.agree / argTotal).toBeGreaterThan(0.98);
    expect(c.requiredAgree / c.arguments.agree).toBeGreaterThan(0.99);
    expect(c.blocks.agree / blockTotal).toBeGreaterThan(0.99);
    expect(c.nestingModeAgree / c.blocks.agree).toBeGreaterThan(0.99);
    expect(c.computedOnly.agree / computedTotal).toBeGreaterThan(0.99);
    expect(c.arguments.onlyInReference).toContain('aws_db_instance.name');
    expect(c.kindMismatch.length).toBeLessThan(5);
  });
});

describe('bundled AWS versions', () => {
  const pick = (version?: string) => loadSchemaSet({ requiredProviders: version ? { aws: { source: 'hashicorp/aws', version } } : {} });

  it('bundles 5.100.0 and 6.25.0', () => {
    expect(bundledCatalog().get(AWS)?.map((r) => r.version)).toEqual(['6.25.0', '5.100.0']);
  });

  it('choose by the required_providers constraint', () => {
    expect(pick().label).toBe(`${AWS} 6.25.0`);
    expect(pick('~> 5.0').label).toBe(`${AWS} 5.100.0`);
    expect(pick('>= 4.0, < 6.0').label).toBe(`${AWS} 5.100.0`);
    expect(pick('~> 6.0').label).toBe(`${AWS} 6.25.0`);
    expect(pick('~> 4.16').label).toBe(`${AWS} 5.100.0 (no bundled version satisfies "~> 4.16")`);
  });

  it('differ where the provider changed between majors', () => {
    // aws_instance.cpu_core_count was removed in 6.0; aws_eip.vpc too
    expect(pick('~> 5.0').resource('aws_instance')?.attributes?.cpu_core_count?.optional).toBe(true);
    expect(pick('~> 6.0').resource('aws_instance')?.attributes?.cpu_core_count).toBeUndefined();
    expect(pick('~> 5.0').resource('aws_eip')?.attributes?.vpc).toBeDefined();
    expect(pick('~> 6.0').resource('aws_eip')?.attributes?.vpc).toBeUndefined();
    // per-resource region arrived in 6.0 (in 5.x the bucket's region was only exported)
    expect(pick('~> 5.0').resource('aws_s3_bucket')?.attributes?.region).toEqual({ type: 'string', computed: true });
    expect(pick('~> 6.0').resource('aws_s3_bucket')?.attributes?.region).toEqual({ type: 'string', optional: true });
    // deprecated-but-valid in 4.36.1, removed in 5.0
    expect(pick('~> 5.0').resource('aws_elasticache_replication_group')?.attributes?.replication_group_description).toBeUndefined();
    expect(pick('~> 5.0').resource('aws_elasticache_replication_group')?.attributes?.description?.required).toBe(true);
  });
});

describe('terraform block shapes survive the round trip', () => {
  it('every bundled block is a valid BlockSchema (the reader accepted the whole document)', () => {
    const doc = whole();
    const walk = (b: BlockSchema): number =>
      1 + Object.values(b.block_types ?? {}).reduce((n, bt) => n + walk(bt.block), 0);
    const blocks = Object.values(doc.resource_schemas ?? {}).reduce((n, s) => n + walk(s.block), 0);
    expect(blocks).toBeGreaterThan(5000);
  });
});
