import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * True when `header` (X-Hub-Signature-256: `sha256=<hex>`) is the HMAC-SHA256 of exactly these bytes
 * under the app secret. Over the raw body, never a re-serialised one (JSON.stringify changes escapes
 * such as "\u00e9" or "\/", and the signature with them). Compared in constant time on two 32-byte
 * buffers; a missing or malformed header is simply false.
 */
export function isSignedByMeta(raw: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  const hex = typeof header === 'string' ? SIGNATURE.exec(header.trim())?.[1] : undefined;
  if (!hex) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compares a presented secret (the verify token) with ours in constant time, whatever their lengths. */
export function sameSecret(presented: string, ours: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(ours).digest();
  return timingSafeEqual(a, b);
}

/** The header Meta would send for this body: for tests and for checking a set-up by hand. */
export function signatureFor(raw: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}
