import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SecretFactory } from './planted';
import { isObviouslyFake, looksSecret, mayNameSecret, sensitiveKind, type SecretKind } from './rules';

describe('sensitiveKind', () => {
  it('maps sensitive names of any spelling to a placeholder kind', () => {
    const cases: [string, SecretKind][] = [
      ['password', 'PASSWORD'], ['master_password', 'PASSWORD'], ['masterUserPassword', 'PASSWORD'], ['"DB_PASSWORD"', 'PASSWORD'],
      ['plain_text_passwd', 'PASSWORD'], ['db_pw', 'PASSWORD'], ['pw', 'PASSWORD'], ['secret_key', 'AWS_SECRET_ACCESS_KEY'], ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY'],
      ['access_key', 'ACCESS_KEY'], ['aws_access_key_id', 'AWS_ACCESS_KEY_ID'], ['client_secret', 'CLIENT_SECRET'],
      ['private_key', 'PRIVATE_KEY'], ['ca_private_key_pem', 'PRIVATE_KEY'], ['private_key_id', 'PRIVATE_KEY_ID'], ['api_key', 'API_KEY'],
      ['token', 'TOKEN'], ['GITHUB_TOKEN', 'TOKEN'], ['accessToken', 'TOKEN'], ['credentials', 'CREDENTIALS'],
      ['secret_string', 'SECRET'], ['AccountKey', 'SECRET_KEY'], ['app_key', 'SECRET_KEY'], ['connection_string', 'CONNECTION_STRING'],
    ];
    for (const [name, kind] of cases) expect(sensitiveKind(name), name).toBe(kind);
  });

  it('does not flag names that describe or point at a secret', () => {
    for (const name of ['creation_token', 'public_key', 'password_length', 'password_reset_required', 'secret_name', 'secret_arn', 'kms_key_id',
      'manage_master_user_password', 'master_user_secret_kms_key_id', 'token_validity_units', 'key', 'key_name', 'description', 'records', 'secret_id'])
      expect(sensitiveKind(name), name).toBeNull();
  });
});

describe('looksSecret / isObviouslyFake', () => {
  it('treats demo values and placeholders as fake', () => {
    for (const v of ['changeme', 'example-password', 'foobarbaz', 'password123!', 'Passw0rd!', 'yourStrong(!)Password', 'mypassword123',
      'testdatabasepassword', 'Mypassword1', 'password123456789', '<PASSWORD>', '${var.pw}', 'xxxxxxxxxxxx', '************', 'Admin1234', '$DATABASE_PW', '%API_KEY%',
      '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)', 'YOUR_API_KEY', 'INSERT_KEY_HERE', 'TOKEN_HERE'])
      expect(isObviouslyFake(v) || !looksSecret(v, 'PASSWORD'), v).toBe(true);
  });

  it('does not take names, ARNs, paths or slugs for tokens', () => {
    for (const v of ['my-product-2024', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x', '/app/prod/token', 'prod_db_v2_primary', 'key.pem', 'The quick brown fox', 'MyApplicationDatabaseName', 'defaultVpcSecurityGroupID'])
      expect(looksSecret(v, 'TOKEN'), v).toBe(false);
  });

  it('recognises generated secrets of every shape (fuzz, fixed seed)', () => {
    const f = new SecretFactory(4242);
    const misses: Record<string, number> = {};
    const n = 1500;
    for (let i = 0; i < n; i++) {
      const samples: [string, SecretKind][] = [
        [f.password(), 'PASSWORD'], [f.password(10), 'PASSWORD'], [f.awsSecret(), 'AWS_SECRET_ACCESS_KEY'], [f.awsKeyId(), 'ACCESS_KEY'],
        [f.alnum(32), 'TOKEN'], [f.hex(40), 'API_KEY'], [f.alnum(20), 'SECRET'], [f.base64(32), 'CREDENTIALS'], [f.password(12), 'SECRET'],
      ];
      for (const [v, kind] of samples) if (!looksSecret(v, kind)) misses[kind] = (misses[kind] ?? 0) + 1;
    }
    // a random value may contain a demo word in its usual casing (`...Bar3...`): allowed up to 0.5%
    for (const [kind, count] of Object.entries(misses)) expect(count / n, kind).toBeLessThanOrEqual(0.005);
    expect(misses.ACCESS_KEY ?? 0).toBe(0);
  });
});

describe('mayNameSecret', () => {
  // the words of every argument name in the bundled AWS schema, plus the sensitive ones of other clouds
  const schemaPath = join(import.meta.dirname, '../../../data/schemas/registry.terraform.io/hashicorp/aws/6.25.0.json.gz');
  const words = new Set<string>(['passphrase', 'apikey', 'dsn', 'creds', 'webhook', 'hmac', 'sas', 'plaintext', 'auth', 'authorization', 'conn', 'str', 'pwd', 'pw']);
  for (const m of gunzipSync(readFileSync(schemaPath)).toString('utf8').matchAll(/"([a-z][a-z0-9_]*)":\{"(?:type|nested_type|block)"/g))
    for (const w of m[1]!.split('_')) if (w) words.add(w);

  const spellings = (parts: readonly string[]): string[] => [
    parts.join('_'),
    parts.join('-'),
    parts.join(' '),
    parts.join('.'),
    parts.join('_').toUpperCase(),
    parts.map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join(''),
    parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join(''),
    `"${parts.join('_')}"`,
  ];

  it('is true for every name sensitiveKind accepts (the scrubber skips its syntax tree when it is false)', () => {
    const list = [...words];
    // words that are sensitive alone or make a pair so (`account` of `account_key`), and the second halves of such pairs
    const sensitiveWords = [...new Set([...list.filter((w) => sensitiveKind(w) || sensitiveKind(`${w}_key`)), 'key', 'id', 'string', 'str', 'secret'])];
    expect(list.length).toBeGreaterThan(1000);
    expect(sensitiveWords.length).toBeGreaterThan(10);
    let accepted = 0;
    const missed: string[] = [];
    // every word alone, every pair with a sensitive word on either side, a sample of triples
    const names: string[][] = list.map((w) => [w]);
    // (a fifth of the other words beside them: what a pair adds is the spelling around the sensitive word)
    const others = [...sensitiveWords, ...list.filter((_, i) => i % 5 === 0)];
    for (const s of sensitiveWords) for (const w of others) names.push([w, s], [s, w]);
    for (const s of sensitiveWords) for (const a of sensitiveWords) for (const b of list.slice(0, 8)) names.push([b, a, s]);
    for (const parts of names)
      for (const name of spellings(parts)) {
        if (!sensitiveKind(name)) continue;
        accepted++;
        if (!mayNameSecret(name)) missed.push(name);
      }
    expect(accepted).toBeGreaterThan(1000);
    expect(missed).toEqual([]);
  });

  it('is false for configurations that name nothing sensitive', () => {
    expect(mayNameSecret('resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n  tags = { Name = "x" }\n}\n')).toBe(false);
    expect(mayNameSecret('resource "aws_db_instance" "db" {\n  password = "x"\n}\n')).toBe(true);
    expect(mayNameSecret('variable "db" {\n  sensitive = true\n  default = "x"\n}\n')).toBe(true);
  });
});
