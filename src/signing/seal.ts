import { base45Decode, base45Encode } from './base45.js';
import { CborError, CborTag, type CborKey, type CborValue, decodeCbor, encodeCbor } from './cbor.js';
import type { PreparedSigner, Signer } from './signer.js';
import { utcOffsetMinutes } from '../shared/time.js';

/**
 * The sealed QR code (issue 14, docs/verification.md): the permit's essential data signed by the office,
 * so that anyone with the office's public key can check a printed permit without a network.
 *
 *   sealed text = "IZ1:" + base45( CBOR( 18([ bstr(CBOR {1: -8}), {4: bstr kid}, bstr(CBOR claims), bstr signature ]) ) )
 *
 * a COSE_Sign1 (RFC 9052) with EdDSA (Ed25519, alg -8), whose payload is a CWT claims set (RFC 8392):
 * 1 iss office code, 6 iat, 4 exp (end of the last day, office time; absent without expiry), and the
 * private claim -65537 {"n" number, "t" type code, "h" holder, "s" subject summary, "v" verification code}.
 * kid is the UTF-8 bytes of the key id published in /.well-known/izol-signing-keys.json. The signature is
 * over CBOR(["Signature1", protected bstr, h'', payload bstr]), made by the office's Signer.
 */
export const SEAL_PREFIX = 'IZ1:';

export const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_KID = 4;
const ALG_EDDSA = -8;
const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_IAT = 6;
export const CLAIM_PERMIT = -65537;

/** The longest subject summary and holder name a seal carries (characters); longer ones end in "…". */
export const MAX_SUMMARY = 80;
export const MAX_HOLDER = 100;

export type SealedPermit = {
  /** Permit number, e.g. "REKLAME/00012/MLG/2026". */
  n: string;
  /** Permit type code, e.g. "REKLAME". */
  t: string;
  /** Holder's name. */
  h: string;
  /** Subject summary: the business name or the address, at most 80 characters. */
  s: string;
  /** Verification code (10 characters, no dash). */
  v: string;
};

export type SealClaims = { iss: string; iat: number; exp: number | null; permit: SealedPermit };

export class SealError extends Error {}

/** Text cut to `max` characters (code points), ending in "…" when it was longer. */
export function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The offset of `timeZone` from UTC at an instant, in milliseconds (Asia/Jakarta: +7 h). */
const zoneOffset = (ms: number, timeZone: string): number => utcOffsetMinutes(timeZone, new Date(ms)) * 60_000;

/** 23:59:59 office time on the day `ymd`, in seconds since 1970 (the seal's exp). */
export function endOfDaySeconds(ymd: string, timeZone: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const local = Date.UTC(y, m - 1, d, 23, 59, 59);
  let utc = local - zoneOffset(local, timeZone);
  utc = local - zoneOffset(utc, timeZone); // once more, for a zone whose offset changes that day
  return Math.floor(utc / 1000);
}

const PROTECTED = encodeCbor(new Map<CborKey, CborValue>([[HEADER_ALG, ALG_EDDSA]]));

function claimsMap(c: SealClaims): Map<CborKey, CborValue> {
  const permit = new Map<CborKey, CborValue>([
    ['n', c.permit.n],
    ['t', c.permit.t],
    ['h', c.permit.h],
    ['s', c.permit.s],
    ['v', c.permit.v],
  ]);
  const claims = new Map<CborKey, CborValue>([
    [CLAIM_ISS, c.iss],
    [CLAIM_IAT, c.iat],
    [CLAIM_PERMIT, permit],
  ]);
  if (c.exp !== null) claims.set(CLAIM_EXP, c.exp);
  return claims;
}

/** The bytes the signature covers: CBOR(["Signature1", protected, h'' (no external data), payload]). */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  return Buffer.from(encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]));
}

/** The COSE_Sign1 bytes of a seal (before base45), signed by the office's prepared signer. */
export async function sealCose(signer: PreparedSigner, claims: SealClaims): Promise<Uint8Array> {
  const payload = encodeCbor(claimsMap(claims));
  const signature = await signer.sign(sigStructure(PROTECTED, payload));
  if (signature.alg !== 'Ed25519') throw new Error(`a seal needs an Ed25519 signature, not ${String(signature.alg)}`);
  const sig = Buffer.from(signature.signature, 'base64url');
  if (sig.length !== 64) throw new Error('an Ed25519 signature is 64 bytes');
  const unprotected = new Map<CborKey, CborValue>([[HEADER_KID, new TextEncoder().encode(signature.keyId)]]);
  return encodeCbor(new CborTag(COSE_SIGN1_TAG, [PROTECTED, unprotected, payload, new Uint8Array(sig)]));
}

/** The sealed text ("IZ1:" + base45) of a permit's claims. */
export async function sealText(signer: PreparedSigner, claims: SealClaims): Promise<string> {
  return SEAL_PREFIX + base45Encode(await sealCose(signer, claims));
}

export type OpenedSeal = { kid: string; claims: SealClaims; signed: Buffer; signature: Buffer };

const isText = (v: CborValue | undefined): v is string => typeof v === 'string';
const isInt = (v: CborValue | undefined): v is number => typeof v === 'number';

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Reads a sealed text without checking its signature; throws a SealError if it is not a well-formed seal. */
export function openSeal(text: string): OpenedSeal {
  if (!text.startsWith(SEAL_PREFIX)) throw new SealError('not a sealed text');
  if (text.length > 4000) throw new SealError('too long for a seal');
  let cose: CborValue;
  try {
    cose = decodeCbor(base45Decode(text.slice(SEAL_PREFIX.length)));
  } catch (err) {
    throw new SealError(`unreadable seal: ${(err as Error).message}`);
  }
  if (!(cose instanceof CborTag) || cose.tag !== COSE_SIGN1_TAG || !Array.isArray(cose.value) || cose.value.length !== 4) {
    throw new SealError('not a tagged COSE_Sign1');
  }
  const [protectedBytes, unprotected, payload, signature] = cose.value;
  if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw new SealError('COSE_Sign1 fields of the wrong type');
  }
  if (!equalBytes(protectedBytes, PROTECTED)) throw new SealError('the protected header must be exactly {1: -8} (EdDSA)');
  if (!(unprotected instanceof Map)) throw new SealError('the unprotected header must be a map');
  const kid = unprotected.get(HEADER_KID);
  if (!(kid instanceof Uint8Array)) throw new SealError('no key id');
  if (signature.length !== 64) throw new SealError('an Ed25519 signature is 64 bytes');
  let claims: CborValue;
  let kidText: string;
  try {
    claims = decodeCbor(payload);
    kidText = new TextDecoder('utf-8', { fatal: true }).decode(kid);
  } catch (err) {
    throw new SealError(`unreadable claims: ${err instanceof CborError ? err.message : 'bad key id'}`);
  }
  if (!(claims instanceof Map)) throw new SealError('the claims must be a map');
  const iss = claims.get(CLAIM_ISS);
  const iat = claims.get(CLAIM_IAT);
  const exp = claims.get(CLAIM_EXP);
  const permit = claims.get(CLAIM_PERMIT);
  if (!isText(iss) || !isInt(iat) || (exp !== undefined && !isInt(exp)) || !(permit instanceof Map)) throw new SealError('claims missing or of the wrong type');
  const fields = ['n', 't', 'h', 's', 'v'].map((k) => permit.get(k));
  if (!fields.every(isText)) throw new SealError('permit claim missing a field');
  const [n, t, h, s, v] = fields as [string, string, string, string, string];
  return {
    kid: kidText,
    claims: { iss, iat, exp: exp ?? null, permit: { n, t, h, s, v } },
    signed: sigStructure(protectedBytes, payload),
    signature: Buffer.from(signature),
  };
}

export type SealCheck = { status: 'not_authentic'; reason: string } | { status: 'valid' | 'expired'; kid: string; claims: SealClaims };

/**
 * Checks a sealed text against the office's keys (current and retired, through the Signer), and that it
 * names this office; `nowSeconds` judges expiry. Never throws on bad input.
 */
export async function checkSeal(signer: Signer, office: { id: string; code: string }, text: string, nowSeconds: number): Promise<SealCheck> {
  let opened: OpenedSeal;
  try {
    opened = openSeal(text);
  } catch (err) {
    return { status: 'not_authentic', reason: (err as Error).message };
  }
  const ok = await signer.verify(office.id, opened.signed, { alg: 'Ed25519', keyId: opened.kid, signature: opened.signature.toString('base64url') });
  if (!ok) return { status: 'not_authentic', reason: 'the signature does not hold with any key of this office' };
  if (opened.claims.iss !== office.code) return { status: 'not_authentic', reason: 'sealed by another office' };
  const expired = opened.claims.exp !== null && nowSeconds > opened.claims.exp;
  return { status: expired ? 'expired' : 'valid', kid: opened.kid, claims: opened.claims };
}

/**
 * The QR code's text: an address that opens the verification page, all in the QR alphanumeric set
 * (upper case) so the code stays small. Of the base45 characters, space, "%" and "/" are percent-encoded
 * ("/" because a browser would resolve "/./" or "/../" in a path and so change the seal).
 */
export function sealUrl(baseUrl: string, sealed: string): string {
  const origin = new URL(baseUrl).origin.toUpperCase();
  return `${origin}/V/${sealed.replace(/[ %/]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}

/** The sealed text in a request path after /V/ (or /v/), percent-decoded; null if it cannot be decoded. */
export function sealFromPath(rest: string): string | null {
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}
