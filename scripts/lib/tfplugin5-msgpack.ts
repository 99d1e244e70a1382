/**
 * The MessagePack subset terraform's plugin protocol uses for DynamicValue (cty's msgpack encoding):
 * nil, bool, ints, floats, str, bin, arrays, maps, and extension type 0 (cty's unknown value; type 12,
 * a refined unknown, is read as unknown too). No npm msgpack package is installed in the workspace and
 * the schema-only provider needs only this much, so it is hand-written here, for scripts only.
 */

/** cty's unknown value */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** A msgpack `bin` (cty writes the JSON type of a dynamic value as bin). */
export class Bin {
  constructor(readonly bytes: Uint8Array) {}
}

/** A float64 that must stay a float when re-encoded. */
export class Float {
  constructor(readonly value: number) {}
}

export type Msg = null | boolean | number | bigint | string | Bin | Float | typeof UNKNOWN | Msg[] | { [k: string]: Msg };

export function decode(buf: Uint8Array): Msg {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = 0;
  const text = new TextDecoder();
  const str = (n: number) => {
    const s = text.decode(buf.subarray(p, p + n));
    p += n;
    return s;
  };
  const bin = (n: number) => {
    const b = new Bin(buf.slice(p, p + n));
    p += n;
    return b;
  };
  const arr = (n: number): Msg[] => {
    const out: Msg[] = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  };
  const map = (n: number): { [k: string]: Msg } => {
    const out: { [k: string]: Msg } = {};
    for (let i = 0; i < n; i++) {
      const k = read();
      out[String(k)] = read();
    }
    return out;
  };
  const ext = (n: number): Msg => {
    const type = view.getInt8(p);
    p += 1 + n;
    if (type === 0 || type === 12) return UNKNOWN;
    throw new Error(`msgpack extension type ${type} is not a cty value`);
  };
  const int64 = (signed: boolean): number | bigint => {
    const v = signed ? view.getBigInt64(p) : view.getBigUint64(p);
    p += 8;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  function read(): Msg {
    const b = buf[p++]!;
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if ((b & 0xf0) === 0x80) return map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return arr(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
    let v: number;
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: v = buf[p]!; p += 1; return bin(v);
      case 0xc5: v = view.getUint16(p); p += 2; return bin(v);
      case 0xc6: v = view.getUint32(p); p += 4; return bin(v);
      case 0xc7: v = buf[p]!; p += 1; return ext(v);
      case 0xc8: v = view.getUint16(p); p += 2; return ext(v);
      case 0xc9: v = view.getUint32(p); p += 4; return ext(v);
      case 0xca: v = view.getFloat32(p); p += 4; return new Float(v);
      case 0xcb: v = view.getFloat64(p); p += 8; return new Float(v);
      case 0xcc: v = buf[p]!; p += 1; return v;
      case 0xcd: v = view.getUint16(p); p += 2; return v;
      case 0xce: v = view.getUint32(p); p += 4; return v;
      case 0xcf: return int64(false);
      case 0xd0: v = view.getInt8(p); p += 1; return v;
      case 0xd1: v = view.getInt16(p); p += 2; return v;
      case 0xd2: v = view.getInt32(p); p += 4; return v;
      case 0xd3: return int64(true);
      case 0xd4: return ext(1);
      case 0xd5: return ext(2);
      case 0xd6: return ext(4);
      case 0xd7: return ext(8);
      case 0xd8: return ext(16);
      case 0xd9: v = buf[p]!; p += 1; return str(v);
      case 0xda: v = view.getUint16(p); p += 2; return str(v);
      case 0xdb: v = view.getUint32(p); p += 4; return str(v);
      case 0xdc: v = view.getUint16(p); p += 2; return arr(v);
      case 0xdd: v = view.getUint32(p); p += 4; return arr(v);
      case 0xde: v = view.getUint16(p); p += 2; return map(v);
      case 0xdf: v = view.getUint32(p); p += 4; return map(v);
      default: throw new Error(`msgpack byte 0x${b.toString(16)} is not supported`);
    }
  }
  return read();
}

export function encode(value: Msg): Buffer {
  const chunks: Buffer[] = [];
  const head = (bytes: number[]) => chunks.push(Buffer.from(bytes));
  const sized = (n: number, small: number | null, smallMax: number, c8: number | null, c16: number, c32: number) => {
    if (small !== null && n <= smallMax) head([small | n]);
    else if (c8 !== null && n <= 0xff) head([c8, n]);
    else if (n <= 0xffff) head([c16, n >> 8, n & 0xff]);
    else {
      const b = Buffer.alloc(5);
      b[0] = c32;
      b.writeUInt32BE(n, 1);
      chunks.push(b);
    }
  };
  const write = (v: Msg): void => {
    if (v === null) return void head([0xc0]);
    if (v === UNKNOWN) return void head([0xd4, 0, 0]);
    if (typeof v === 'boolean') return void head([v ? 0xc3 : 0xc2]);
    if (typeof v === 'bigint') {
      const b = Buffer.alloc(9);
      b[0] = 0xd3;
      b.writeBigInt64BE(v, 1);
      return void chunks.push(b);
    }
    if (typeof v === 'number' || v instanceof Float) {
      const n = typeof v === 'number' ? v : v.value;
      if (typeof v === 'number' && Number.isSafeInteger(n)) {
        if (n >= 0 && n <= 0x7f) return void head([n]);
        if (n < 0 && n >= -32) return void head([n + 0x100]);
        const b = Buffer.alloc(9);
        b[0] = 0xd3;
        b.writeBigInt64BE(BigInt(n), 1);
        return void chunks.push(b);
      }
      const b = Buffer.alloc(9);
      b[0] = 0xcb;
      b.writeDoubleBE(n, 1);
      return void chunks.push(b);
    }
    if (typeof v === 'string') {
      const s = Buffer.from(v, 'utf8');
      sized(s.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
      return void chunks.push(s);
    }
    if (v instanceof Bin) {
      sized(v.bytes.length, null, 0, 0xc4, 0xc5, 0xc6);
      return void chunks.push(Buffer.from(v.bytes));
    }
    if (Array.isArray(v)) {
      sized(v.length, 0x90, 15, null, 0xdc, 0xdd);
      return v.forEach(write);
    }
    const keys = Object.keys(v);
    sized(keys.length, 0x80, 15, null, 0xde, 0xdf);
    for (const k of keys) {
      write(k);
      write(v[k]!);
    }
  };
  write(value);
  return Buffer.concat(chunks);
}
