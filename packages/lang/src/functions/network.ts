/** IP network functions (terraform funcs/cidr.go over its ipaddr package and go-cidr). */
import { T, listOf } from '../types';
import { type Value, stringVal } from '../value';
import type { FunctionSpec } from '../function';
import { FunctionArgError, p, simple, stringList } from './helpers';

interface Cidr {
  readonly v6: boolean;
  readonly bits: number; // 32 or 128
  readonly addr: bigint;
  readonly prefix: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const part of parts) {
    // terraform's ipaddr keeps Go 1.16's parser, which accepts leading zeros (as decimal)
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    out = (out << 8n) | BigInt(Number(part));
  }
  return out;
}

function parseV6(s: string): bigint | undefined {
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return undefined;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const left = groups(dbl[0]!);
  const right = dbl.length === 2 ? groups(dbl[1]!) : [];
  const total = left.length + right.length;
  if (dbl.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...left, ...Array(8 - total).fill('0'), ...right];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) out = (out & ~0xffffffffn) | tailV4;
  return out;
}

function parseCidr(s: string): Cidr {
  const slash = s.indexOf('/');
  const fail = () => new Error(`invalid CIDR expression: invalid CIDR address: ${s}`);
  if (slash < 0) throw fail();
  const ip = s.slice(0, slash);
  const pre = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(pre)) throw fail();
  const v4 = parseV4(ip);
  const v6 = v4 === undefined ? parseV6(ip) : undefined;
  if (v4 === undefined && v6 === undefined) throw fail();
  const bits = v4 !== undefined ? 32 : 128;
  const prefix = Number(pre);
  if (prefix > bits) throw fail();
  const addr = v4 ?? v6!;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { v6: v4 === undefined, bits, addr: addr & mask, prefix };
}

function ipString(addr: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((addr >> BigInt(i * 16)) & 0xffffn));
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return ipString(addr & 0xffffffffn, false);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexs = g.map((x) => x.toString(16));
  if (bestStart < 0) return hexs.join(':');
  return `${hexs.slice(0, bestStart).join(':')}::${hexs.slice(bestStart + bestLen).join(':')}`;
}

function bigWhole(v: Value, argIndex?: number): bigint {
  const n = v.asNumber();
  if (!Number.isInteger(n)) {
    if (argIndex !== undefined) throw new FunctionArgError(argIndex, 'value must be a whole number');
    throw new Error('value must be a whole number');
  }
  return BigInt(n);
}

function subnet(c: Cidr, newbits: number, netnum: bigint): Cidr {
  const newPrefix = c.prefix + newbits;
  if (newPrefix > c.bits) throw new Error(`insufficient address space to extend prefix of ${c.prefix} by ${newbits}`);
  const max = 1n << BigInt(newbits < 0 ? 0 : newbits);
  if (netnum >= max && newbits >= 0) throw new Error(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`);
  const shift = BigInt(c.bits - newPrefix);
  const full = (1n << BigInt(c.bits)) - 1n;
  return { ...c, addr: (c.addr | ((netnum << shift) & full)) & full, prefix: newPrefix };
}

export const networkFunctions: Record<string, FunctionSpec> = {
  cidrhost: simple([p('prefix', T.string), p('hostnum', T.number)], T.string, ([pr, h]) => {
    const c = parseCidr(pr!.asString());
    let host = bigWhole(h!);
    const hostBits = BigInt(c.bits - c.prefix);
    const max = 1n << hostBits;
    if (host < 0n) host = max + host;
    if (host < 0n || host >= max) throw new Error(`prefix of ${c.prefix} does not accommodate a host numbered ${bigWhole(h!)}`);
    return stringVal(ipString(c.addr | host, c.v6));
  }),
  cidrnetmask: simple([p('prefix', T.string)], T.string, ([pr]) => {
    const c = parseCidr(pr!.asString());
    if (c.v6) throw new Error(`IPv6 addresses cannot have a netmask: ${pr!.asString()}`);
    const mask = 0xffffffffn ^ ((1n << BigInt(32 - c.prefix)) - 1n);
    return stringVal(ipString(mask, false));
  }),
  cidrsubnet: simple([p('prefix', T.string), p('newbits', T.number), p('netnum', T.number)], T.string, ([pr, nb, nn]) => {
    const c = parseCidr(pr!.asString());
    const s = subnet(c, Number(bigWhole(nb!)), bigWhole(nn!));
    return stringVal(`${ipString(s.addr, s.v6)}/${s.prefix}`);
  }),
  cidrsubnets: {
    params: [p('prefix', T.string)],
    varParam: p('newbits', T.number),
    returnType: () => listOf(T.string),
    impl: (args) => {
      let c: Cidr;
      try {
        c = parseCidr(args[0]!.asString());
      } catch (e) {
        throw new FunctionArgError(0, (e as Error).message);
      }
      const out: string[] = [];
      let next: bigint | undefined = c.addr;
      let first = true;
      let prevLen = c.prefix;
      let prevAddr = c.addr;
      for (let i = 1; i < args.length; i++) {
        const nb = Number(bigWhole(args[i]!, i));
        if (nb < 1) throw new FunctionArgError(i, 'must extend prefix by at least one bit');
        if (nb > 32) throw new FunctionArgError(i, 'may not extend prefix by more than 32 bits');
        const len = c.prefix + nb;
        if (len > c.bits) throw new FunctionArgError(i, `would extend prefix to ${len} bits, which is too long for an ${c.v6 ? 'IPv6' : 'IPv4'} address`);
        let addr: bigint;
        if (first) {
          addr = c.addr;
          first = false;
        } else {
          // the first network of this size after the previous one (go-cidr NextSubnet)
          const size = 1n << BigInt(c.bits - len);
          const prevEnd = prevAddr + (1n << BigInt(c.bits - prevLen));
          addr = ((prevEnd + size - 1n) / size) * size;
          const parentEnd = c.addr + (1n << BigInt(c.bits - c.prefix));
          if (addr + size > parentEnd) throw new FunctionArgError(i, `not enough remaining address space for a subnet with a prefix of ${len} bits after ${ipString(prevAddr, c.v6)}/${prevLen}`);
        }
        next = addr;
        prevAddr = addr;
        prevLen = len;
        out.push(`${ipString(addr, c.v6)}/${len}`);
      }
      void next;
      return stringList(out);
    },
  },
};
