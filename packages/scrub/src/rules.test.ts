import { describe, expect, it } from 'vitest';
import { SecretFactory } from './planted';
import { isObviouslyFake, looksSecret, sensitiveKind, type SecretKind } from './rules';

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
