import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { canonicalJson } from '../../src/shared/json.js';
import type { TestContext } from './context.js';

/**
 * Seals and revocation lists made here exactly per the formats the lead fixed for issue 14, so the
 * offline verifier can be tested before the issuer makes them: a seal is `IZ1:` + base45 (RFC 9285) of
 * a COSE_Sign1 (RFC 9052, tag 18) signed with Ed25519 over ["Signature1", protected, h'', payload];
 * a list is signed over the canonical JSON of itself without `signature`. Both are signed with the
 * office's real key (the signer service), unless a stranger's key is asked for.
 */
export type CborValue = number | string | Uint8Array | CborValue[] | Map<number | string, CborValue> | { tag: number; value: CborValue };

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
  if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

/** Deterministic CBOR of the few kinds a seal holds (integers, text, bytes, arrays, maps, a tag). */
export function cborEncode(v: CborValue): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, b.length), b]);
  }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), v]);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cborEncode)]);
  if (v instanceof Map) return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cborEncode(k), cborEncode(x)])]);
  return Buffer.concat([head(6, v.tag), cborEncode(v.value)]);
}

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      const n = bytes[i]! * 256 + bytes[i + 1]!;
      out += B45[n % 45]! + B45[Math.floor(n / 45) % 45]! + B45[Math.floor(n / 2025)]!;
    } else {
      const n = bytes[i]!;
      out += B45[n % 45]! + B45[Math.floor(n / 45)]!;
    }
  }
  return out;
}

export type SealClaims = {
  office: string;
  iat: number;
  exp?: number;
  permit: { n: string; t: string; h: string; s: string; v: string };
};

export function claimsBytes(c: SealClaims): Buffer {
  const claims = new Map<number | string, CborValue>([
    [1, c.office],
    [6, c.iat],
  ]);
  if (c.exp !== undefined) claims.set(4, c.exp);
  claims.set(-65537, new Map<number | string, CborValue>(Object.entries(c.permit)));
  return cborEncode(claims);
}

/** The COSE_Sign1 around a payload, signed by `sign` (over the Sig_structure's bytes). */
export async function coseSign1(payload: Buffer, keyId: string, sign: (data: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const protectedHeader = cborEncode(new Map([[1, -8]]));
  const toBeSigned = cborEncode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const signature = await sign(toBeSigned);
  return cborEncode({ tag: 18, value: [protectedHeader, new Map([[4, Buffer.from(keyId, 'utf8')]]), payload, signature] });
}

export const sealedText = (cose: Uint8Array) => `IZ1:${base45Encode(cose)}`;

/** A seal signed with the office's current key, as the issuer would make it. */
export async function officeSeal(ctx: TestContext, claims: SealClaims): Promise<{ text: string; cose: Buffer; keyId: string }> {
  const signer = await ctx.services.signer.prepare(ctx.tenant.id);
  const cose = await coseSign1(claimsBytes(claims), signer.keyId, async (data) => Buffer.from((await signer.sign(data)).signature, 'base64url'));
  return { text: sealedText(cose), cose, keyId: signer.keyId };
}

/** A seal that names the office's key id but is signed with a stranger's key. */
export async function strangerSeal(keyId: string, claims: SealClaims): Promise<string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return sealedText(await coseSign1(claimsBytes(claims), keyId, (data) => Promise.resolve(cryptoSign(null, data, privateKey))));
}

export type RevocationListFixture = {
  type: 'izol.revocations/1';
  office: string;
  issuedAt: string;
  nextUpdate: string;
  keyId: string;
  hash: 'sha256';
  entries: { h: string; at: string; s: 'revoked' | 'superseded' }[];
  signature: string;
};

/** A revocation list signed with the office's key over the canonical JSON of the rest. */
export async function officeRevocationList(
  ctx: TestContext,
  opts: { issuedAt: string; nextUpdate: string; entries: RevocationListFixture['entries'] },
): Promise<RevocationListFixture> {
  const signer = await ctx.services.signer.prepare(ctx.tenant.id);
  const unsigned = {
    type: 'izol.revocations/1' as const,
    office: ctx.tenant.code,
    issuedAt: opts.issuedAt,
    nextUpdate: opts.nextUpdate,
    keyId: signer.keyId,
    hash: 'sha256' as const,
    entries: opts.entries,
  };
  const { signature } = await signer.sign(Buffer.from(canonicalJson(unsigned), 'utf8'));
  return { ...unsigned, signature };
}
