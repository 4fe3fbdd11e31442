/**
 * SNAP (Standar Nasional Open API Pembayaran, Bank Indonesia / ASPI) security primitives for Izol
 * acting as a biller that a bank calls. Pure apart from node:crypto: no database, no clock of its
 * own (the caller passes one). Sources and the next step's use: docs/payments.md.
 *
 * Source: ASPI SNAP developer site, "Keamanan" (Standar Teknis dan Standar Keamanan), sections
 * "Komponen Struktur Format Header – Access Token Request (B2B)" and "… – Transaction Request (B2B)";
 * mirrored in mseptiaan/snap-aspi-go `aspi/keamanan.md`.
 *
 * ## Transaction requests: symmetric signature
 *
 *     stringToSign = HTTPMethod + ":" + EndpointUrl + ":" + AccessToken + ":"
 *                    + Lowercase(HexEncode(SHA-256(minify(RequestBody)))) + ":" + TimeStamp
 *     X-SIGNATURE  = base64(HMAC_SHA512(clientSecret, stringToSign))
 *
 * EndpointUrl is the relative path as the bank called it, with any query string ("Endpoint URL
 * lengkap termasuk seluruh parameter … Relative path"), e.g. `/snap/v1.0/transfer-va/inquiry`;
 * AccessToken is the bearer token without "Bearer "; TimeStamp is the X-TIMESTAMP header byte for
 * byte; with no body, minify(RequestBody) is the empty string.
 *
 * ### Minifying the body: the raw body, whitespace outside strings removed
 *
 * SNAP says "minify" without defining it; the PayerMax and DOKU guides define it as removing the
 * whitespace (spaces, newlines, tabs) outside strings, keeping the fields' order and their values
 * exactly. We do that on the raw bytes received (after checking they are JSON) rather than
 * `JSON.stringify(JSON.parse(body))`, because re-serialising is not the identity on a minified body:
 * JavaScript moves integer-like keys first (`{"b":1,"1":2}` → `{"1":2,"b":1}`), rewrites numbers
 * (`100.00` → `100`, `1e2` → `100`) and escapes (`"\u0041"` → `"A"`, `"\/"` → `"/"`). A bank hashes the
 * bytes it sent; so must we. On an already-minified body (what banks send) both readings agree.
 *
 * ## The B2B access-token request: asymmetric signature
 *
 *     X-SIGNATURE = base64(SHA256withRSA(bank's private key, clientId + "|" + X-TIMESTAMP))
 *
 * SHA256withRSA is RSASSA-PKCS1-v1_5 with SHA-256 (the Java JCA name banks use). Izol verifies with
 * the bank's public key, registered in the office's settings; X-CLIENT-KEY carries the clientId.
 *
 * ## Encodings
 *
 * Banks' SNAP guides (BCA, BRI, DOKU, Bank Raya) send base64 signatures; the ASPI site's own sample
 * responses show hex. Both functions default to base64 and take `encoding: 'hex'` for a bank that
 * sends hex: a per-office setting for the next step.
 */
import { constants, createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import type { Clock } from '../shared/time.js';

export type SignatureEncoding = 'base64' | 'hex';

/** The request body is not JSON, so its signature cannot be checked. */
export class SnapBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapBodyError';
  }
}

const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * SNAP's minify(RequestBody): the raw body with JSON whitespace outside strings removed; key order,
 * number spelling and string escapes untouched. An empty (or whitespace-only) body minifies to "".
 * Throws SnapBodyError when the body is not JSON.
 */
export function minifyJsonBody(raw: string): string {
  if (raw.trim() === '') return '';
  try {
    JSON.parse(raw);
  } catch {
    throw new SnapBodyError('the request body is not valid JSON');
  }
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charAt(i);
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += raw.charAt(i + 1);
        i++;
      } else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!JSON_WHITESPACE.has(ch)) out += ch;
  }
  return out;
}

/** Lowercase hex SHA-256 of the minified body (UTF-8), the fourth part of the stringToSign. */
export function snapBodyDigest(rawBody: string): string {
  return createHash('sha256').update(minifyJsonBody(rawBody), 'utf8').digest('hex');
}

export interface SymmetricRequest {
  /** HTTP method; upper-cased here. */
  method: string;
  /** Relative path with query string, exactly as requested (e.g. `/snap/v1.0/transfer-va/payment`). */
  path: string;
  /** The bearer token, without "Bearer ". */
  accessToken: string;
  /** The raw request body as received ("" when none). */
  body: string;
  /** The X-TIMESTAMP header, byte for byte. */
  timestamp: string;
}

/** `METHOD:path:accessToken:sha256hex(minify(body)):timestamp`. */
export function symmetricStringToSign(req: SymmetricRequest): string {
  return [req.method.toUpperCase(), req.path, req.accessToken, snapBodyDigest(req.body), req.timestamp].join(':');
}

/** X-SIGNATURE of a transaction request: HMAC-SHA512 with the client secret (UTF-8 bytes), base64 by default. */
export function signSymmetric(clientSecret: string, req: SymmetricRequest, encoding: SignatureEncoding = 'base64'): string {
  return createHmac('sha512', clientSecret).update(symmetricStringToSign(req), 'utf8').digest(encoding);
}

/** Decodes a signature strictly (Node's decoders skip bad characters, which would let junk through). */
function decodeSignature(signature: string, encoding: SignatureEncoding): Buffer | null {
  const pattern = encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/ : /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (signature === '' || !pattern.test(signature)) return null;
  return Buffer.from(signature, encoding);
}

/**
 * Checks a transaction request's X-SIGNATURE in constant time. False for a wrong, malformed or
 * missing signature; throws SnapBodyError when the body is not JSON (the caller answers 400).
 */
export function verifySymmetric(clientSecret: string, req: SymmetricRequest, signature: string | undefined, encoding: SignatureEncoding = 'base64'): boolean {
  const expected = createHmac('sha512', clientSecret).update(symmetricStringToSign(req), 'utf8').digest();
  const given = signature === undefined ? null : decodeSignature(signature, encoding);
  if (given === null || given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

/** `clientId|timestamp`, the access-token request's stringToSign. */
export function accessTokenStringToSign(clientId: string, timestamp: string): string {
  return `${clientId}|${timestamp}`;
}

/** The bank's side (used by the demo bank and tests): SHA256withRSA over `clientId|timestamp`. */
export function signAccessTokenRequest(privateKey: KeyObject | string, clientId: string, timestamp: string, encoding: SignatureEncoding = 'base64'): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign('sha256', Buffer.from(accessTokenStringToSign(clientId, timestamp), 'utf8'), { key, padding: constants.RSA_PKCS1_PADDING }).toString(encoding);
}

/**
 * Izol's side: checks an access-token request's X-SIGNATURE with the bank's RSA public key (PEM or
 * KeyObject). False for a wrong or malformed signature, or a key that is not RSA.
 */
export function verifyAccessTokenSignature(
  publicKey: KeyObject | string,
  clientId: string,
  timestamp: string,
  signature: string | undefined,
  encoding: SignatureEncoding = 'base64',
): boolean {
  const given = signature === undefined ? null : decodeSignature(signature, encoding);
  if (given === null) return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (key.asymmetricKeyType !== 'rsa') return false;
  return verify('sha256', Buffer.from(accessTokenStringToSign(clientId, timestamp), 'utf8'), { key, padding: constants.RSA_PKCS1_PADDING }, given);
}

// ---------------------------------------------------------------------------------------------
// X-TIMESTAMP
// ---------------------------------------------------------------------------------------------

/** Default tolerance between X-TIMESTAMP and the server clock, either way. */
export const SNAP_TIMESTAMP_WINDOW_MS = 5 * 60_000;

/**
 * SNAP's `yyyy-MM-ddTHH:mm:ssTZD` (W3C/ISO 8601): TZD is `Z` or `±hh:mm`. Fractional seconds (1–3
 * digits) are accepted because some banks send them (`2025-08-26T09:15:30.000Z`).
 */
const SNAP_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|([+-])(\d{2}):(\d{2}))$/;

export type SnapTimestampResult =
  | { ok: true; instant: Date; skewMs: number }
  | { ok: false; reason: 'format'; message: string }
  | { ok: false; reason: 'outside_window'; message: string; skewMs: number };

/** Parses an X-TIMESTAMP into an instant, or null when it is not SNAP's format or not a real date. */
export function parseSnapTimestamp(text: string): Date | null {
  const m = SNAP_TIMESTAMP.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

/**
 * Checks an X-TIMESTAMP against the server clock: refused when not SNAP's format, or more than
 * `windowMs` (default 5 minutes) before or after now. The edges are inside: exactly 5 minutes
 * early or late is accepted. `skewMs` is timestamp − now.
 */
export function checkSnapTimestamp(text: string | undefined, clock: Clock, windowMs: number = SNAP_TIMESTAMP_WINDOW_MS): SnapTimestampResult {
  const instant = text === undefined ? null : parseSnapTimestamp(text);
  if (instant === null)
    return { ok: false, reason: 'format', message: 'X-TIMESTAMP must be yyyy-MM-ddTHH:mm:ss with a time zone, e.g. 2026-12-01T10:00:00+07:00' };
  const skewMs = instant.getTime() - clock.now().getTime();
  if (Math.abs(skewMs) > windowMs) {
    return {
      ok: false,
      reason: 'outside_window',
      skewMs,
      message: `X-TIMESTAMP is ${Math.round(skewMs / 1000)} s from the server clock (allowed ±${windowMs / 1000} s)`,
    };
  }
  return { ok: true, instant, skewMs };
}

/** Formats an instant as SNAP's X-TIMESTAMP in a fixed offset (default +07:00, WIB), for responses and the demo bank. */
export function formatSnapTimestamp(instant: Date, offsetMinutes = 7 * 60): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const abs = Math.abs(offsetMinutes);
  const tz = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19)}${tz}`;
}
