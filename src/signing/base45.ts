/**
 * Base45 (RFC 9285): bytes as characters of the QR code's alphanumeric mode. Each pair of bytes
 * [a, b] is n = a·256 + b, written as three characters c d e with n = c + d·45 + e·45² (least
 * significant first); a last odd byte is two characters c d with n = c + d·45.
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUE = new Map([...BASE45_ALPHABET].map((ch, i) => [ch, i]));

export class Base45Error extends Error {}

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += BASE45_ALPHABET[c]! + BASE45_ALPHABET[d]! + BASE45_ALPHABET[e]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/** Throws a Base45Error on a character outside the alphabet, a dangling character, or a group too large. */
export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new Base45Error('a base45 text cannot be 1 more than a multiple of 3 long');
  const digits = [...text].map((ch) => {
    const v = VALUE.get(ch);
    if (v === undefined) throw new Base45Error(`not a base45 character: ${JSON.stringify(ch)}`);
    return v;
  });
  const out = new Uint8Array(Math.floor(digits.length / 3) * 2 + (digits.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < digits.length; i += 3) {
    if (i + 2 < digits.length) {
      const n = digits[i]! + digits[i + 1]! * 45 + digits[i + 2]! * 2025;
      if (n > 0xffff) throw new Base45Error('base45 group out of range');
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = digits[i]! + digits[i + 1]! * 45;
      if (n > 0xff) throw new Base45Error('base45 group out of range');
      out[o++] = n;
    }
  }
  return out;
}
