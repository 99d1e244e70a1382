import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { serialiseBundled } from './bundled';
import { impliedProviderName, isSchemaFileError, loadSchemaSet, SchemaFileError } from './index';
import type { BlockSchema } from './types';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const aws4361 = join(repoRoot, '../shared/data/provider-schemas/aws-4.36.1.schema.json.gz');
const scratch = mkdtempSync(join(tmpdir(), 'tfpairs-schemas-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A tiny provider schema whose resource carries `marker` so tests can tell the sources apart. */
function miniSchema(marker: string): { provider: { block: BlockSchema }; resource_schemas: Record<string, { block: BlockSchema }>; data_source_schemas: Record<string, { block: BlockSchema }> } {
  return {
    provider: { block: { attributes: { region: { type: 'string', optional: true } } } },
    resource_schemas: {
      aws_instance: { block: { attributes: { [marker]: { type: 'string', required: true } } } },
      aws_only_in_mini: { block: {} },
    },
    data_source_schemas: { aws_ami: { block: { attributes: { owners: { type: ['list', 'string'], optional: true } } } } },
  };
}

/** Writes a bundled-schema folder like data/schemas with the given aws versions. */
function bundledDir(name: string, versions: readonly string[], withIndex = true): string {
  const dir = join(scratch, name);
  const folder = join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
  mkdirSync(folder, { recursive: true });
  for (const version of versions) {
    const { gz, index } = serialiseBundled('registry.terraform.io/hashicorp/aws', version, miniSchema(`marker_${version.replaceAll('.', '_')}`));
    writeFileSync(join(folder, `${version}.json.gz`), gz);
    if (withIndex) writeFileSync(join(folder, `${version}.index.json`), JSON.stringify(index));
  }
  return dir;
}

const emptyBundle = join(scratch, 'empty');

describe('reading terraform providers schema -json (AWS 4.36.1)', () => {
  const set = loadSchemaSet({ userSchemaFiles: [aws4361], bundledDir: emptyBundle });

  it('labels the provider and its file', () => {
    expect(set.label).toBe('registry.terraform.io/hashicorp/aws (from aws-4.36.1.schema.json.gz)');
    expect(set.hasProvider('aws')).toBe(true);
    expect(set.hasProvider('google')).toBe(false);
  });

  it('lists every resource and data source type, sorted', () => {
    const types = set.resourceTypes('aws');
    expect(types).toHaveLength(1079);
    expect(set.dataSourceTypes('aws')).toHaveLength(418);
    expect([...types].sort()).toEqual(types);
    expect(types).toContain('aws_s3_bucket');
    expect(set.resourceTypes('google')).toEqual([]);
  });

  it('knows aws_instance attributes and nested blocks', () => {
    const instance = set.resource('aws_instance')!;
    expect(instance.attributes?.ami).toMatchObject({ type: 'string', optional: true, computed: true });
    expect(instance.attributes?.arn).toMatchObject({ type: 'string', computed: true });
    expect(instance.attributes?.arn?.optional).toBeUndefined();
    expect(instance.attributes?.vpc_security_group_ids?.type).toEqual(['set', 'string']);
    expect(instance.block_types?.ebs_block_device?.nesting_mode).toBe('set');
    expect(instance.block_types?.root_block_device).toMatchObject({ nesting_mode: 'list', max_items: 1 });
    expect(instance.block_types?.root_block_device?.block.attributes?.volume_size?.type).toBe('number');
  });

  it('knows required arguments, deprecations and data sources', () => {
    expect(set.resource('aws_s3_bucket')?.attributes?.acl?.deprecated).toBe(true);
    expect(set.resource('aws_vpc')?.attributes?.cidr_block?.optional).toBe(true);
    expect(set.resource('aws_iam_role')?.attributes?.assume_role_policy?.required).toBe(true);
    expect(set.resource('aws_elasticache_replication_group')?.attributes?.replication_group_description?.deprecated).toBe(true);
    expect(set.dataSource('aws_ami')?.attributes?.owners?.type).toEqual(['list', 'string']);
    expect(set.provider('aws')?.attributes?.region?.type).toBe('string');
  });

  it('returns undefined for unknown types and providers', () => {
    expect(set.resource('aws_instanse')).toBeUndefined();
    expect(set.resource('google_compute_instance')).toBeUndefined();
    expect(set.dataSource('aws_instanse')).toBeUndefined();
    expect(set.resource('constructor')).toBeUndefined();
    expect(set.provider('google')).toBeUndefined();
  });

  it('maps local names through required_providers sources', () => {
    const renamed = loadSchemaSet({
      userSchemaFiles: [aws4361],
      requiredProviders: { amazon: { source: 'hashicorp/aws' } },
      bundledDir: emptyBundle,
    });
    expect(renamed.hasProvider('amazon')).toBe(true);
    expect(renamed.resourceTypes('amazon')).toHaveLength(1079);
    // the implied provider of aws_instance is still "aws", which maps to hashicorp/aws by default
    expect(renamed.resource('aws_instance')).toBeDefined();
  });

  it('reads the same document uncompressed', () => {
    const plain = join(scratch, 'plain.json');
    writeFileSync(plain, JSON.stringify({ format_version: '1.0', provider_schemas: { aws: miniSchema('plain_marker') } }));
    const s = loadSchemaSet({ userSchemaFiles: [plain], bundledDir: emptyBundle });
    // terraform 0.12 keyed providers by bare type
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws (from plain.json)');
    expect(s.resource('aws_instance')?.attributes?.plain_marker?.required).toBe(true);
  });
});

describe('bundled schemas', () => {
  const dir = bundledDir('three', ['4.67.0', '5.100.0', '6.25.0']);

  it('default to the newest version', () => {
    const s = loadSchemaSet({ bundledDir: dir });
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws 6.25.0');
    expect(Object.keys(s.resource('aws_instance')?.attributes ?? {})).toEqual(['marker_6_25_0']);
    expect(s.resourceTypes('aws')).toEqual(['aws_instance', 'aws_only_in_mini']);
    expect(s.dataSource('aws_ami')?.attributes?.owners?.type).toEqual(['list', 'string']);
    expect(s.provider('aws')?.attributes?.region?.optional).toBe(true);
  });

  it('pick the newest version satisfying required_providers', () => {
    const pick = (version: string): string =>
      loadSchemaSet({ bundledDir: dir, requiredProviders: { aws: { source: 'hashicorp/aws', version } } }).label;
    expect(pick('~> 5.0')).toBe('registry.terraform.io/hashicorp/aws 5.100.0');
    expect(pick('>= 4.0, < 6.0')).toBe('registry.terraform.io/hashicorp/aws 5.100.0');
    expect(pick('= 4.67.0')).toBe('registry.terraform.io/hashicorp/aws 4.67.0');
    expect(pick('~> 6.0')).toBe('registry.terraform.io/hashicorp/aws 6.25.0');
    const s = loadSchemaSet({ bundledDir: dir, requiredProviders: { aws: { version: '~> 5.0' } } });
    expect(Object.keys(s.resource('aws_instance')?.attributes ?? {})).toEqual(['marker_5_100_0']);
  });

  it('fall back to the nearest major, and say so, when no bundled version satisfies', () => {
    const s = loadSchemaSet({ bundledDir: dir, requiredProviders: { aws: { version: '~> 3.0' } } });
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws 4.67.0 (no bundled version satisfies "~> 3.0")');
    const newer = loadSchemaSet({ bundledDir: dir, requiredProviders: { aws: { version: '>= 7.0' } } });
    expect(newer.label).toBe('registry.terraform.io/hashicorp/aws 6.25.0 (no bundled version satisfies ">= 7.0")');
    const between = loadSchemaSet({ bundledDir: dir, requiredProviders: { aws: { version: '> 5.100.0, < 6.0' } } });
    expect(between.label).toBe('registry.terraform.io/hashicorp/aws 5.100.0 (no bundled version satisfies "> 5.100.0, < 6.0")');
    const bad = loadSchemaSet({ bundledDir: dir, requiredProviders: { aws: { version: 'latest' } } });
    expect(bad.label).toMatch(/6\.25\.0 \(Invalid version constraint "latest"/);
    expect(bad.resource('aws_instance')).toBeDefined();
  });

  it('read the whole document when there is no index', () => {
    const noIndex = bundledDir('no-index', ['5.100.0'], false);
    const s = loadSchemaSet({ bundledDir: noIndex });
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws 5.100.0');
    expect(Object.keys(s.resource('aws_instance')?.attributes ?? {})).toEqual(['marker_5_100_0']);
  });

  it('are overridden by a user file for the providers it covers', () => {
    const s = loadSchemaSet({ bundledDir: dir, userSchemaFiles: [aws4361] });
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws (from aws-4.36.1.schema.json.gz)');
    expect(s.resource('aws_instance')?.attributes?.ami).toBeDefined();
    expect(s.resource('aws_only_in_mini')).toBeUndefined();
  });

  it('give way to the later of two user files covering the same provider', () => {
    const first = join(scratch, 'first.json');
    const second = join(scratch, 'second.json');
    writeFileSync(first, JSON.stringify({ format_version: '1.0', provider_schemas: { 'registry.terraform.io/hashicorp/aws': miniSchema('from_first') } }));
    writeFileSync(second, JSON.stringify({ format_version: '1.0', provider_schemas: { 'registry.terraform.io/hashicorp/aws': miniSchema('from_second') } }));
    const s = loadSchemaSet({ bundledDir: dir, userSchemaFiles: [first, second] });
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws (from second.json)');
    expect(Object.keys(s.resource('aws_instance')?.attributes ?? {})).toEqual(['from_second']);
  });

  it('still cover providers a user file does not', () => {
    const googleOnly = join(scratch, 'google.json');
    writeFileSync(googleOnly, JSON.stringify({
      format_version: '1.0',
      provider_schemas: { 'registry.terraform.io/hashicorp/google': { resource_schemas: { google_compute_instance: { version: 6, block: { attributes: { name: { type: 'string', required: true } } } } } } },
    }));
    const s = loadSchemaSet({ bundledDir: dir, userSchemaFiles: [googleOnly] });
    expect(s.label).toBe('registry.terraform.io/hashicorp/aws 6.25.0, registry.terraform.io/hashicorp/google (from google.json)');
    expect(s.resource('google_compute_instance')?.attributes?.name?.required).toBe(true);
    expect(s.resource('aws_only_in_mini')).toBeDefined();
  });
});

describe('malformed schema files', () => {
  const write = (name: string, content: string | Buffer): string => {
    const file = join(scratch, name);
    writeFileSync(file, content);
    return file;
  };
  const failure = (file: string): SchemaFileError => {
    try {
      loadSchemaSet({ userSchemaFiles: [file], bundledDir: emptyBundle });
    } catch (e) {
      expect(isSchemaFileError(e)).toBe(true);
      return e as SchemaFileError;
    }
    throw new Error(`${file} was accepted`);
  };

  it('a missing file', () => {
    expect(failure(join(scratch, 'nope.json')).message).toBe(`Failed to read provider schema file ${join(scratch, 'nope.json')}: no such file`);
  });

  it('text that is not JSON, plain or gzipped', () => {
    expect(failure(write('bad.json', '{"format_version": "1.0", ')).message).toMatch(/bad\.json: not valid JSON \(/);
    expect(failure(write('bad.json.gz', gzipSync('not json'))).message).toMatch(/bad\.json\.gz: not valid JSON/);
  });

  it('JSON of the wrong shape names the path of the problem', () => {
    expect(failure(write('shape1.json', '[]')).message).toMatch(/not the output of "terraform providers schema -json" \(\(top level\): /);
    const wrongNesting = {
      format_version: '1.0',
      provider_schemas: { aws: { resource_schemas: { aws_x: { block: { block_types: { b: { nesting_mode: 'tuple', block: {} } } } } } } },
    };
    expect(failure(write('shape2.json', JSON.stringify(wrongNesting))).message).toMatch(
      /provider_schemas\.aws\.resource_schemas\.aws_x\.block\.block_types\.b\.nesting_mode: /,
    );
    const wrongRequired = { format_version: '1.0', provider_schemas: { aws: { provider: { block: { attributes: { region: { required: 'yes' } } } } } } };
    expect(failure(write('shape3.json', JSON.stringify(wrongRequired))).message).toMatch(/provider\.block\.attributes\.region\.required/);
  });

  it('a truncated gzip file', () => {
    const gz = gzipSync(JSON.stringify({ format_version: '1.0', provider_schemas: {} }));
    expect(failure(write('cut.json.gz', gz.subarray(0, gz.length - 8))).message).toMatch(/cut\.json\.gz: unexpected end of file/);
  });

  it('an unknown format_version', () => {
    expect(failure(write('v2.json', JSON.stringify({ format_version: '2.0', provider_schemas: {} }))).message).toMatch(
      /unsupported format_version "2\.0"/,
    );
  });
});

describe('impliedProviderName', () => {
  it('is the type prefix before the first underscore', () => {
    expect(impliedProviderName('aws_instance')).toBe('aws');
    expect(impliedProviderName('google_compute_instance')).toBe('google');
    expect(impliedProviderName('null_resource')).toBe('null');
    expect(impliedProviderName('terraform_data')).toBe('terraform');
    expect(impliedProviderName('weird')).toBe('weird');
  });
});
