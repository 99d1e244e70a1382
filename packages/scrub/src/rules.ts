/**
 * What counts as a secret: sensitive names, secret-looking values, obviously fake placeholders.
 * Pure functions on strings; the scanners in detect.ts decide *where* to look.
 */

/** Placeholder kinds (the text between `<` and `>`); see README.md for the scheme. */
export type SecretKind =
  | 'AWS_ACCESS_KEY_ID'
  | 'AWS_SECRET_ACCESS_KEY'
  | 'ACCESS_KEY'
  | 'PASSWORD'
  | 'CLIENT_SECRET'
  | 'PRIVATE_KEY'
  | 'PRIVATE_KEY_ID'
  | 'API_KEY'
  | 'TOKEN'
  | 'CREDENTIALS'
  | 'CONNECTION_STRING'
  | 'SECRET'
  | 'SECRET_KEY'
  | 'WEBHOOK_URL';

/** `masterUserPassword`, `"DB-PASSWORD"`, `db.password` -> `master_user_password`, `db_password`, ... */
export function normaliseName(name: string): string {
  return name
    .replace(/^["'\\]+|["'\\]+$/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Last name segments that make an argument describe a secret rather than hold one. */
const DESCRIPTOR_SUFFIX = new Set([
  'arn', 'name', 'names', 'id', 'ids', 'length', 'ttl', 'count', 'enabled', 'enable', 'type', 'version', 'path', 'file',
  'filename', 'field', 'policy', 'required', 'reset', 'rotation', 'days', 'age', 'period', 'prefix', 'suffix', 'template',
  'format', 'source', 'location', 'url', 'uri', 'mode', 'algorithm', 'size', 'bits', 'hint', 'config', 'configuration',
  'validity', 'units', 'expiration', 'expires', 'lifetime', 'header', 'parameter', 'param', 'ref', 'reference', 'store',
  'vault', 'manager', 'kms', 'identifier', 'endpoint', 'status', 'timeout', 'retention', 'max', 'min', 'minimum',
  'maximum', 'complexity', 'usage', 'use', 'uppercase', 'lowercase', 'numbers', 'symbols', 'special', 'sensitive',
  'attribute', 'attributes', 'description', 'key_id', 'arns', 'wo', 'auth_type', 'pair', 'fingerprint', 'variable',
  'env', 'secret_id', 'label', 'labels', 'tags', 'tag', 'group', 'role', 'user', 'username', 'email',
]);

/** Names that contain a sensitive word but never hold a secret (AWS idempotency tokens and the like). */
const NOT_SENSITIVE = new Set([
  'creation_token', 'client_request_token', 'idempotency_token', 'client_token', 'public_key', 'public_key_pem',
  'public_key_openssh', 'ssh_public_key', 'passwords_required', 'no_password_required', 'manage_master_user_password',
  'password_reset_required', 'hard_expiry', 'key', 'secret_string_wo_version', 'token_key',
]);

/**
 * The placeholder kind an argument / JSON key / environment variable name implies, or null when the name
 * is not sensitive. Works on any spelling (`DB_PASSWORD`, `masterPassword`, `"client-secret"`).
 */
export function sensitiveKind(name: string): SecretKind | null {
  const n = normaliseName(name);
  if (!n || NOT_SENSITIVE.has(n)) return null;
  const segs = n.split('_');
  const last = segs[segs.length - 1]!;
  if (/(^|_)(aws_)?access_key_id$/.test(n)) return 'AWS_ACCESS_KEY_ID';
  if (/(^|_)private_key_id$/.test(n)) return 'PRIVATE_KEY_ID';
  if (/(^|_)(web)?hook(_url|_uri)?$/.test(n)) return 'WEBHOOK_URL';
  if (DESCRIPTOR_SUFFIX.has(last) || DESCRIPTOR_SUFFIX.has(segs.slice(-2).join('_'))) return null;
  if (segs.includes('public')) return null;
  if (/(^|_)(aws_)?secret_(access_)?key$/.test(n) || n === 'aws_secret') return 'AWS_SECRET_ACCESS_KEY';
  if (/(^|_)access_key$/.test(n)) return 'ACCESS_KEY';
  if (n.includes('client_secret')) return 'CLIENT_SECRET';
  if (n.includes('private_key')) return 'PRIVATE_KEY';
  if (n.includes('connection_string') || n === 'conn_str' || n === 'dsn') return 'CONNECTION_STRING';
  if (n.includes('password') || n.includes('passwd') || segs.some((s) => s === 'pwd' || s === 'pw' || s === 'pass' || s === 'passphrase'))
    return 'PASSWORD';
  if (n.includes('api_key') || n.includes('apikey') || segs.includes('apikey')) return 'API_KEY';
  if (segs.includes('token') || n.endsWith('token')) return 'TOKEN';
  if (segs.some((s) => s === 'credentials' || s === 'credential' || s === 'creds')) return 'CREDENTIALS';
  if (segs.includes('secret') || n.endsWith('secret') || segs.includes('plaintext')) return 'SECRET';
  if (n === 'auth' || n === 'basic_auth' || n === 'authorization') return 'CREDENTIALS';
  if (/(^|_)(account|shared|master|signing|auth|sas|storage|primary|secondary|hmac|encryption|license|subscription|app|application|client|service|webhook)_key$/.test(n))
    return 'SECRET_KEY';
  return null;
}

/**
 * Letters every name `sensitiveKind` accepts contains in one run (it only lower-cases, splits runs and
 * joins them with `_`), plus what marks a value sensitive without its name (`sensitive = true`, an SSM
 * `SecureString`, SQL's `IDENTIFIED BY` / `PASSWORD`). A text without any of them names no secret,
 * so finding nothing in it needs no syntax tree. Keep in step with `sensitiveKind`.
 */
const SECRET_NAME_WORDS = /key|hook|secret|dsn|pass|pw|token|cred|plaintext|auth|conn|sensitive|securestring|identified/i;

/** False only when no name in `text` can be sensitive (see SECRET_NAME_WORDS); true is a maybe. */
export function mayNameSecret(text: string): boolean {
  return SECRET_NAME_WORDS.test(text);
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const n = [...value].length;
  for (const c of counts.values()) bits -= (c / n) * Math.log2(c / n);
  return bits;
}

function charClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
}

/**
 * A word as people write it in a placeholder: `password`, `Password`, `PASSWORD`; not `pAsSwOrD`, which
 * is how a word turns up by chance inside a random key.
 */
function wordsRegex(words: readonly string[], flags = ''): RegExp {
  const variants = words.flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()]);
  return new RegExp(variants.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), flags);
}

/** Markers of a placeholder whatever its shape (long enough not to occur in random strings by chance). */
const FAKE_ALWAYS = wordsRegex(['example', 'changeme', 'change_me', 'change-me', 'changeit', 'placeholder', 'redacted', 'notreal', 'not_a_real', 'xxxx', '***', '...', '<', '>', '{{', '${', '%{', '$(']);
/** Placeholder words short enough to turn up inside a random key: only for low-entropy values. */
const FAKE_SHORT = wordsRegex(['dummy', 'replace', 'insert', 'your', 'fake', 'sample', 'todo']);
/** Words that mark a short or low-entropy value as a placeholder (`password123`, `foobarbaz`, `test1234`). */
const FAKE_WEAK_WORDS = ['password', 'passwd', 'passphrase', 'pass', 'secret', 'foo', 'bar', 'baz', 'test', 'admin', 'demo', 'default', 'qwerty', 'letmein', 'welcome', '1234', 'abcd', 'hunter', 'token', 'key', 'user', 'root', 'temp'];
const FAKE_WEAK = wordsRegex(FAKE_WEAK_WORDS);
const FAKE_WEAK_G = wordsRegex(FAKE_WEAK_WORDS, 'g');

/** Undoes common leetspeak so `P@ssw0rd` reads as `password`. */
function deLeet(value: string): string {
  return value.replace(/[0134578@$!]/g, (c) => ({ '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '!': 'i' })[c] ?? c);
}

/** True for values that are obviously not a real secret: placeholders, masks, dictionary-ish demo values. */
export function isObviouslyFake(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  if (FAKE_ALWAYS.test(v)) return true;
  if (/^(.)\1+$/.test(v) || /^[x*#.\-_]+$/i.test(v)) return true;
  // references resolved elsewhere: `$DB_PASSWORD`, `%API_KEY%`, `@Microsoft.KeyVault(...)`
  if (/^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%)$/.test(v) || /^@Microsoft\.KeyVault\(/i.test(v)) return true;
  const random = v.length >= 20 && entropy(v) >= 4;
  if (!random && FAKE_SHORT.test(v)) return true;
  // a demo word plus a little decoration (`password123!`, `foobarbaz`, `Test1234`) is fake; a random
  // string that happens to contain `bar` is not
  for (const candidate of [v, deLeet(v)]) {
    if (!FAKE_WEAK.test(candidate)) continue;
    const rest = candidate.replace(FAKE_WEAK_G, '').replace(/[^A-Za-z0-9]/g, '');
    if (rest.length <= 6 || /^[a-z]+$/.test(rest)) return true;
  }
  return false;
}

const AWS_KEY_ID = /^(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}$/;

/**
 * Whether a literal held by an argument of the given kind looks like a real secret: by shape for keys
 * with a known format, otherwise by length, character classes and entropy, never for fake placeholders,
 * references, URLs without credentials or prose.
 */
export function looksSecret(value: string, kind: SecretKind): boolean {
  const v = value;
  if (v.length < (kind === 'PASSWORD' ? 6 : 8) || v.length > 8192) return false;
  if (/\s/.test(v)) return false;
  if (kind === 'AWS_ACCESS_KEY_ID' || kind === 'ACCESS_KEY') {
    if (AWS_KEY_ID.test(v)) return !/EXAMPLE$/.test(v);
  }
  if (kind === 'AWS_SECRET_ACCESS_KEY' && /^[A-Za-z0-9/+=]{40}$/.test(v)) return !/EXAMPLEKEY$/.test(v) && !isObviouslyFake(v);
  // a webhook URL is a credential when its path or query carries a key (whatever the host is called)
  if (kind === 'WEBHOOK_URL') return /^https?:\/\//i.test(v) && v.split(/[/?&=#]/).slice(3).some((part) => looksSecret(part, 'TOKEN'));
  if (isObviouslyFake(v)) return false;
  // references and locators, not values: ARNs, paths, URLs (their userinfo has its own rule), file names
  if (/^(arn|https?|s3|file|ssm|secretsmanager|vault):/i.test(v) || /\.(pem|json|key|txt|crt|pub)$/i.test(v)) return false;
  if (/^(?:\.{0,2}|~)\//.test(v) && v.split('/').every(isWordy)) return false;
  const classes = charClasses(v);
  const bits = entropy(v);
  const lettersOnly = /^[A-Za-z]+(?:[-_.][A-Za-z]+)*$/.test(v);
  if (kind === 'PASSWORD') {
    if (v.length < 8) return classes >= 3 && bits >= 2.5;
    if (lettersOnly) return v.length >= 16 && bits >= 3.8 && classes >= 2;
    return classes >= 3 || (classes >= 2 && bits >= 3.0 && v.length >= 10);
  }
  // tokens, keys, secrets: long (or shorter with every character class), not a slug, enough randomness
  if (v.length < (classes >= 3 ? 12 : 16) || bits < 3.0) return false;
  // a slug of words and numbers (`my-product-2024`, `prod_db_v2`) names something, it is not a key
  if (/^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/.test(v) && isWordy(v)) return false;
  // letters only: random mixed case is a key, CamelCase words (`MyApplicationDatabase`, `GroupID`) are a name
  if (lettersOnly) return v.length >= 20 && bits >= 3.2 && classes >= 2 && !/^[a-z]*(?:[A-Z][a-z]+)+[A-Z]{0,4}$/.test(v);
  return classes >= 2;
}

/** Words and numbers joined by `-`, `_`, `.` (`my-product-2024`, `key.pem`, `v2`): a name, not a key. */
function isWordy(text: string): boolean {
  return text.split(/[-_.]/).every((part) => /^(?:[a-z]*|[A-Z][a-z]*|[0-9]+|[a-z]{1,2}[0-9]{1,2})$/.test(part));
}

/** Kind of a value of known shape regardless of its name (an AWS key id under `access_key`). */
export function refineKind(kind: SecretKind, value: string): SecretKind {
  if ((kind === 'ACCESS_KEY' || kind === 'API_KEY' || kind === 'TOKEN') && AWS_KEY_ID.test(value)) return 'AWS_ACCESS_KEY_ID';
  if (kind === 'ACCESS_KEY' && /^[A-Za-z0-9/+=]{40}$/.test(value)) return 'AWS_SECRET_ACCESS_KEY';
  return kind;
}
