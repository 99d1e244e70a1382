/** Hash and crypto functions (terraform funcs/crypto.go). */
import { createHash, randomUUID, createPrivateKey, privateDecrypt, constants } from 'node:crypto';
import { T } from '../types';
import { stringVal, unknownVal } from '../value';
import type { FunctionSpec } from '../function';
import { FunctionArgError, p, simple, stringToString } from './helpers';

const hex = (alg: string) => stringToString((s) => createHash(alg).update(s, 'utf8').digest('hex'));
const b64 = (alg: string) => stringToString((s) => createHash(alg).update(s, 'utf8').digest('base64'));

const NAMESPACES: Record<string, string> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

/** uuid.Parse's accepted forms: plain, urn:uuid:, braces, or 32 hex digits. */
function parseUuid(s: string): Buffer | undefined {
  let t = s;
  if (/^urn:uuid:/i.test(t)) t = t.slice(9);
  if (t.length === 38 && t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) return Buffer.from(t.replace(/-/g, ''), 'hex');
  if (/^[0-9a-f]{32}$/i.test(t)) return Buffer.from(t, 'hex');
  return undefined;
}

function uuidv5(ns: string, name: string): string {
  const nsBytes = NAMESPACES[ns] ? parseUuid(NAMESPACES[ns]!)! : parseUuid(ns);
  if (!nsBytes) {
    const len = [...ns].length;
    const why = len === 36 || len === 38 || len === 45 || len === 32 ? 'invalid UUID format' : `invalid UUID length: ${Buffer.byteLength(ns)}`;
    throw new Error(`uuidv5() doesn't support namespace ${ns} (${why})`);
  }
  const h = createHash('sha1').update(nsBytes).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface CryptoOptions {
  /** impure functions give unknown results (terraform's validate and plan); false in console/apply */
  readonly pureOnly: boolean;
}

export function cryptoFunctions(opts: CryptoOptions): Record<string, FunctionSpec> {
  return {
    md5: hex('md5'),
    sha1: hex('sha1'),
    sha256: hex('sha256'),
    sha512: hex('sha512'),
    base64sha256: b64('sha256'),
    base64sha512: b64('sha512'),
    uuidv5: simple([p('namespace', T.string), p('name', T.string)], T.string, ([ns, n]) => stringVal(uuidv5(ns!.asString(), n!.asString()))),
    // uuid and bcrypt are random: a real value only where terraform computes one (apply, console)
    uuid: simple([], T.string, () => (opts.pureOnly ? unknownVal(T.string) : stringVal(randomUUID()))),
    bcrypt: {
      params: [p('str', T.string)],
      varParam: p('cost', T.number),
      returnType: () => T.string,
      impl: (args) => {
        if (args.length > 2) throw new Error('bcrypt() takes no more than two arguments');
        // no bcrypt implementation is bundled: its salt is random, so no run can reproduce terraform's answer
        return unknownVal(T.string);
      },
    },
    rsadecrypt: simple([p('ciphertext', T.string), p('privatekey', T.string)], T.string, ([c, k]) => {
      const s = c!.asString();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new FunctionArgError(0, `failed to decode input ${JSON.stringify(s)}: cipher text must be base64-encoded`);
      let key;
      try {
        key = createPrivateKey(k!.asString());
      } catch {
        throw new FunctionArgError(1, 'invalid private key: expected a PEM-encoded RSA private key');
      }
      try {
        return stringVal(privateDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(s, 'base64')).toString('utf8'));
      } catch (e) {
        throw new Error(`failed to decrypt: ${(e as Error).message}`);
      }
    }),
  };
}
