import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';
import { isObviouslyFake, looksSecret, refineKind, sensitiveKind, type SecretKind } from './rules';

// secretlint 11 profiles every lint whether asked or not: each call leaves performance marks that its
// observer keeps in an array and scans linearly (secretlint issues #1633, #1653; fixed upstream only in
// the 13.x line, which needs Node 22). That made scrubbing quadratic in the corpus size: 80 ms a record
// after a few hundred records. Profiling is never read here, so marks are switched off.
secretLintProfiler.mark = () => {};

/** One place a secret sits: offsets into the scanned text, the rule that found it, its kind. */
export interface Hit {
  readonly start: number;
  readonly end: number;
  readonly rule: string;
  readonly kind: SecretKind;
  /** higher wins when hits overlap */
  readonly priority: number;
}

const AWS_RULE = '@secretlint/secretlint-rule-aws';
const FILTER_COMMENTS_RULE = '@secretlint/secretlint-rule-filter-comments';

/**
 * The recommended preset's rules, registered one by one: secretlint 11 ignores `disabled` on a rule
 * inside a preset, and its comment filter must go (a `secretlint-disable` comment inside scraped or
 * generated text must not hide a secret from us).
 */
const SECRETLINT_CONFIG: SecretLintCoreConfig = {
  rules: presetRules
    .filter((rule) => rule.meta.id !== FILTER_COMMENTS_RULE)
    .map((rule) =>
      rule.meta.id === AWS_RULE
        ? // scan for access key ids too; AWS account ids are not credentials (and fill every ARN)
          { id: rule.meta.id, rule, options: { enableIDScanRule: true }, allowMessageIds: ['AWSAccountID'] }
        : { id: rule.meta.id, rule },
    ) as SecretLintCoreConfig['rules'],
};

/** secretlint message id -> placeholder kind (anything else: TOKEN). */
const SECRETLINT_KIND: Record<string, SecretKind> = {
  AWSAccessKeyID: 'AWS_ACCESS_KEY_ID',
  AWSSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  BasicAuth: 'PASSWORD',
  MongoDBConnection: 'PASSWORD',
  MySQLConnection: 'PASSWORD',
  PostgreSQLConnection: 'PASSWORD',
  IncomingWebhook: 'WEBHOOK_URL',
  PrivateKey: 'PRIVATE_KEY',
  PrivateKeyJSON: 'PRIVATE_KEY',
  PrivateKeyP12: 'PRIVATE_KEY',
  OPENAI_TOKEN: 'API_KEY',
  ANTHROPIC_API_KEY: 'API_KEY',
  SENDGRID_KEY: 'API_KEY',
  SHOPIFY_KEY: 'API_KEY',
  LINEAR_API_TOKEN: 'API_KEY',
};

function kebab(id: string): string {
  return id
    .replace(/PostgreSQL|MySQL|MongoDB|OpenAI|GitHub/g, (w) => w[0] + w.slice(1).toLowerCase())
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** `scheme://user:password@host`: the password part (group 3). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:/?#@"'<>\\]*):([^\s/?@"'<>\\]+)@[^\s/@"'<>]/gi;

function urlPasswordHits(text: string, offset: number, rule: string, priority: number): Hit[] {
  const out: Hit[] = [];
  for (const m of text.matchAll(URL_USERINFO)) {
    const password = m[3]!;
    if (isObviouslyFake(password)) continue;
    if (/\$\{|%\{|\{\{/.test(password) || password.length < 4) continue;
    const start = offset + m.index! + m[0].indexOf(`:${password}@`, m[1]!.length + 3) + 1;
    out.push({ start, end: start + password.length, rule, kind: 'PASSWORD', priority });
  }
  return out;
}

/** secretlint 11 with its recommended preset; results mapped to the exact secret inside each hit. */
export async function secretlintHits(text: string): Promise<Hit[]> {
  const result = await lintSource({
    source: { content: text, filePath: 'main.tf', contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, noPhysicFilePath: true },
  });
  const out: Hit[] = [];
  for (const m of result.messages) {
    if (m.type !== 'message') continue;
    const rule = `secretlint-${kebab(m.messageId)}`;
    const [from, to] = m.range;
    const found = text.slice(from, to);
    // connection strings and basic auth: only the password in the userinfo is secret
    if (/:\/\//.test(found)) {
      const urlHits = urlPasswordHits(found, from, rule, 3);
      if (urlHits.length) {
        out.push(...urlHits);
        continue;
      }
      if (/connection|basic-?auth/i.test(m.ruleId)) continue; // no password in it (e.g. `${var.pw}`)
    }
    // some rules report the start of the whole `key = "value"` match with the value's length: locate the value
    const data = (m.data ?? {}) as Record<string, unknown>;
    const value = Object.values(data).find((v): v is string => typeof v === 'string' && v.length >= 8 && text.includes(v, from));
    let start = from;
    let end = to;
    if (value) {
      const at = text.indexOf(value, from);
      if (at >= 0 && at <= to + 256) {
        start = at;
        end = at + value.length;
      }
    }
    out.push({ start, end, rule, kind: SECRETLINT_KIND[m.messageId] ?? 'TOKEN', priority: 3 });
  }
  return out;
}

/** Formats secretlint's preset does not know; each is a whole-token pattern. */
const VENDOR_PATTERNS: readonly { rule: string; kind: SecretKind; re: RegExp }[] = [
  { rule: 'aws-access-key-id', kind: 'AWS_ACCESS_KEY_ID', re: /\b(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b/g },
  { rule: 'terraform-cloud-token', kind: 'TOKEN', re: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}/g },
  { rule: 'vault-token', kind: 'TOKEN', re: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g },
  { rule: 'stripe-key', kind: 'API_KEY', re: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{20,}\b/g },
  { rule: 'google-api-key', kind: 'API_KEY', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { rule: 'gitlab-token', kind: 'TOKEN', re: /\bglpat-[0-9A-Za-z_-]{20,}/g },
  { rule: 'github-token', kind: 'TOKEN', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g },
  { rule: 'slack-token', kind: 'TOKEN', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { rule: 'slack-webhook', kind: 'WEBHOOK_URL', re: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9+/_-]{20,}/g },
  { rule: 'discord-webhook', kind: 'WEBHOOK_URL', re: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{30,}/g },
  { rule: 'teams-webhook', kind: 'WEBHOOK_URL', re: /https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[^\s"'<>\\]{30,}/g },
  { rule: 'digitalocean-token', kind: 'TOKEN', re: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { rule: 'jwt', kind: 'TOKEN', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
];

/**
 * PEM / OpenSSH / PGP private keys, whole block; the body may hold real newlines (heredoc) or `\n`
 * escapes (quoted HCL or JSON string).
 */
const PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY\2-----/g;

/** `Authorization: Bearer <token>` in headers, curl lines, provider `headers` maps. */
const BEARER = /\b(?:Bearer|Basic|Token)[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/g;

/** A 40-character AWS secret key after its name with any separator (`aws configure set aws_secret_access_key KEY`). */
const AWS_SECRET_AFTER_NAME = /secret_?(?:access_?)?key["']?[ \t]*[:=]?[ \t]*\\?["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;

/** The signature of an Azure SAS URL or token (`...&sig=...`). */
const SAS_SIGNATURE = /[?&]sig=([A-Za-z0-9%+/=]{20,})/g;

export function patternHits(text: string): Hit[] {
  const out: Hit[] = [];
  for (const { rule, kind, re } of VENDOR_PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (/EXAMPLE|example|XXXX|xxxx|placeholder/.test(m[0])) continue;
      out.push({ start: m.index!, end: m.index! + m[0].length, rule, kind, priority: 2 });
    }
  }
  for (const m of text.matchAll(PRIVATE_KEY)) {
    const body = m[0].replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\\n|\s/g, '');
    if (body.length < 40 || /^[.x*]+$/i.test(body) || /example|placeholder|redacted|\.\.\./i.test(body)) continue;
    out.push({ start: m.index!, end: m.index! + m[0].length, rule: 'private-key', kind: 'PRIVATE_KEY', priority: 4 });
  }
  for (const m of text.matchAll(BEARER)) {
    const token = m[1]!;
    if (!looksSecret(token, 'TOKEN')) continue;
    const start = m.index! + m[0].length - token.length;
    out.push({ start, end: start + token.length, rule: 'bearer-token', kind: 'TOKEN', priority: 2 });
  }
  for (const [re, rule, kind] of [[AWS_SECRET_AFTER_NAME, 'aws-secret-access-key', 'AWS_SECRET_ACCESS_KEY'], [SAS_SIGNATURE, 'sas-signature', 'TOKEN']] as const) {
    for (const m of text.matchAll(re)) {
      const value = m[1]!;
      if (/EXAMPLEKEY$/.test(value) || !looksSecret(value, kind)) continue;
      const start = m.index! + m[0].length - value.length;
      out.push({ start, end: start + value.length, rule, kind, priority: 2 });
    }
  }
  out.push(...urlPasswordHits(text, 0, 'url-userinfo', 2));
  return out;
}

/**
 * `key: value`, `"key": "value"`, `\"key\": \"value\"`, `KEY=value`, `Key=value;` inside heredocs, JSON
 * held in strings, shell scripts, connection strings and prose. The key must be sensitive by name and the
 * value must look like a secret. Hand-written because these are fragments of many languages at once
 * (no one parser reads a YAML line inside a shell heredoc inside HCL).
 */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_])(\\?["']?)([A-Za-z_][A-Za-z0-9_.-]{1,60})\1[ \t]*(:|=>|=|[ \t]+IDENTIFIED[ \t]+BY|[ \t]+PASSWORD)[ \t]*(?:(\\?["'])([^\n"'\\]*)\4|([^\s"',;}\]&)<>\\]+))/g;

/** `{"name": "DB_PASSWORD", "value": "..."}` in JSON text (ECS container definitions, Lambda env). */
const NAME_VALUE = /(\\?")name\1\s*:\s*\1([^"\\]+)\1\s*,\s*\1value\1\s*:\s*\1((?:(?!\1)[^\n\\])*)\1/g;

export function assignmentHits(text: string, offset: number, priority = 1): Hit[] {
  const out: Hit[] = [];
  for (const m of text.matchAll(ASSIGNMENT)) {
    const sql = /IDENTIFIED|PASSWORD/.test(m[3]!);
    const kind = sql ? 'PASSWORD' : sensitiveKind(m[2]!);
    if (!kind) continue;
    const value = m[5] ?? m[6] ?? '';
    if (!value || /\$\{|%\{|\{\{|\$\(/.test(value) || /^\$[A-Za-z_]/.test(value)) continue;
    const refined = refineKind(kind, value);
    if (!looksSecret(value, refined)) continue;
    const valueAt = m.index! + m[0].lastIndexOf(value);
    out.push({ start: offset + valueAt, end: offset + valueAt + value.length, rule: 'embedded-assignment', kind: refined, priority });
  }
  for (const m of text.matchAll(NAME_VALUE)) {
    const kind = sensitiveKind(m[2]!);
    const value = m[3]!;
    if (!kind || /\$\{|%\{/.test(value)) continue;
    const refined = refineKind(kind, value);
    if (!looksSecret(value, refined)) continue;
    const valueAt = m.index! + m[0].lastIndexOf(value);
    out.push({ start: offset + valueAt, end: offset + valueAt + value.length, rule: 'embedded-assignment', kind: refined, priority });
  }
  return out;
}
