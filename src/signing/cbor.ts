/**
 * A small CBOR (RFC 8949) encoder and decoder for the sealed QR code (seal.ts): unsigned and negative
 * integers, byte strings, text strings, arrays, maps and tags, with definite lengths only. Encoding is
 * deterministic (RFC 8949 §4.2.1): every integer and length in its shortest form, map keys sorted by
 * the bytewise order of their encodings. Decoding is strict: well-formed, definite lengths, shortest
 * forms, no duplicate map keys, nothing after the item; anything else throws a CborError.
 * Integers are JavaScript safe integers (±2^53 - 1); map keys are integers or text.
 */

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export type CborKey = number | string;
export type CborValue = number | string | Uint8Array | CborValue[] | Map<CborKey, CborValue> | CborTag;

export class CborError extends Error {}

const MAX_DEPTH = 16;

function head(major: number, n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new CborError(`cannot encode ${n}`);
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n < 0x100000000) return Uint8Array.of(m | 26, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const out = new Uint8Array(9);
  out[0] = m | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(n));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function encodeItem(v: CborValue, depth: number): Uint8Array {
  if (depth > MAX_DEPTH) throw new CborError('nested too deeply');
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new CborError(`only safe integers are encoded, not ${v}`);
    return v >= 0 ? head(0, v) : head(1, -1 - v);
  }
  if (typeof v === 'string') {
    const bytes = new TextEncoder().encode(v);
    return concat([head(3, bytes.length), bytes]);
  }
  if (v instanceof Uint8Array) return concat([head(2, v.length), v]);
  if (Array.isArray(v)) return concat([head(4, v.length), ...v.map((x) => encodeItem(x, depth + 1))]);
  if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => ({ key: encodeItem(k, depth + 1), value: encodeItem(x, depth + 1) }));
    entries.sort((a, b) => compareBytes(a.key, b.key));
    for (let i = 1; i < entries.length; i++) if (compareBytes(entries[i - 1]!.key, entries[i]!.key) === 0) throw new CborError('duplicate map key');
    return concat([head(5, entries.length), ...entries.flatMap((e) => [e.key, e.value])]);
  }
  if (v instanceof CborTag) return concat([head(6, v.tag), encodeItem(v.value, depth + 1)]);
  throw new CborError('cannot encode this value');
}

/** The deterministic encoding of `value`. */
export function encodeCbor(value: CborValue): Uint8Array {
  return encodeItem(value, 0);
}

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new CborError('unexpected end');
    return this.bytes[this.at++]!;
  }

  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.at) throw new CborError('unexpected end');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** The argument of a head, refusing indefinite lengths and non-shortest forms. */
  argument(info: number): number {
    if (info < 24) return info;
    let n: number;
    if (info === 24) {
      n = this.byte();
      if (n < 24) throw new CborError('not the shortest form');
      return n;
    }
    if (info === 25) {
      const b = this.take(2);
      n = (b[0]! << 8) | b[1]!;
      if (n < 0x100) throw new CborError('not the shortest form');
      return n;
    }
    if (info === 26) {
      const b = this.take(4);
      n = ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
      if (n < 0x10000) throw new CborError('not the shortest form');
      return n;
    }
    if (info === 27) {
      const b = this.take(8);
      const big = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
      if (big < 0x100000000n) throw new CborError('not the shortest form');
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborError('integer too large');
      return Number(big);
    }
    throw new CborError(info === 31 ? 'indefinite lengths are not accepted' : 'reserved additional information');
  }
}

function decodeItem(r: Reader, depth: number): CborValue {
  if (depth > MAX_DEPTH) throw new CborError('nested too deeply');
  const initial = r.byte();
  const major = initial >> 5;
  const n = r.argument(initial & 0x1f);
  switch (major) {
    case 0:
      return n;
    case 1:
      if (n >= Number.MAX_SAFE_INTEGER) throw new CborError('integer too large');
      return -1 - n;
    case 2:
      return Uint8Array.from(r.take(n));
    case 3: {
      const raw = r.take(n);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        throw new CborError('text is not UTF-8');
      }
    }
    case 4: {
      if (n > r.bytes.length - r.at) throw new CborError('unexpected end');
      const out: CborValue[] = [];
      for (let i = 0; i < n; i++) out.push(decodeItem(r, depth + 1));
      return out;
    }
    case 5: {
      if (n > r.bytes.length - r.at) throw new CborError('unexpected end');
      const out = new Map<CborKey, CborValue>();
      for (let i = 0; i < n; i++) {
        const key = decodeItem(r, depth + 1);
        if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('map keys must be integers or text');
        if (out.has(key)) throw new CborError('duplicate map key');
        out.set(key, decodeItem(r, depth + 1));
      }
      return out;
    }
    case 6:
      return new CborTag(n, decodeItem(r, depth + 1));
    default:
      throw new CborError('floats and simple values are not accepted');
  }
}

/** Decodes exactly one data item filling `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const r = new Reader(bytes);
  const value = decodeItem(r, 0);
  if (r.at !== bytes.length) throw new CborError('bytes after the data item');
  return value;
}
