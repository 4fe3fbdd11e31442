import { createPublicKey } from 'node:crypto';
import { Ed25519Key } from '@ldclabs/cose-ts/ed25519';
import { Sign1Message } from '@ldclabs/cose-ts/sign1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { officeSeal } from '../helpers/seal-fixture.js';

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** RFC 9285 decoding, written out here apart from the helper's encoder. */
function base45Decode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const [c, d, e] = [B45.indexOf(s[i]!), B45.indexOf(s[i + 1]!), i + 2 < s.length ? B45.indexOf(s[i + 2]!) : -1];
    if (e < 0) out.push(c + d * 45);
    else {
      const n = c + d * 45 + e * 2025;
      out.push(n >> 8, n & 255);
    }
  }
  return new Uint8Array(out);
}

/**
 * The offline verifier's tests seal their fixtures with test/helpers/seal-fixture.ts; an independent
 * COSE implementation (@ldclabs/cose-ts) must read them as the format says: a tagged COSE_Sign1 whose
 * Ed25519 signature holds with the office's published key, its kid the key id, and RFC 9285's example
 * ("AB" → "BB8") encoded as the RFC gives it.
 */
describe('the seal fixtures of the offline verifier’s tests', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
  });
  afterAll(async () => ctx?.close());

  it('are COSE_Sign1 seals another implementation verifies with the office’s published key', async () => {
    const { base45Encode } = await import('../helpers/seal-fixture.js');
    expect(base45Encode(Buffer.from('AB'))).toBe('BB8');
    expect(base45Encode(Buffer.from('ietf!'))).toBe('QED8WEX0');

    const seal = await officeSeal(ctx, {
      office: ctx.tenant.code,
      iat: 1_790_000_000,
      exp: 1_820_000_000,
      permit: { n: '503/SIP-DOK/0001/2026', t: 'SIPDOK', h: 'dr. Sri Wahyuni', s: 'Jl. Ijen 12', v: 'K7Q2M9X4TA' },
    });
    expect(seal.text.startsWith('IZ1:')).toBe(true);
    const cose = base45Decode(seal.text.slice(4));
    expect(Buffer.from(cose).equals(seal.cose)).toBe(true);
    expect(cose[0]).toBe(0xd2); // tag 18

    const published = (await ctx.app.inject({ method: 'GET', url: '/.well-known/izol-signing-keys.json' })).json<{
      keys: { keyId: string; publicKeyPem: string }[];
    }>();
    const key = published.keys.find((k) => k.keyId === seal.keyId)!;
    const jwk = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
    const verifier = Ed25519Key.fromPublic(new Uint8Array(Buffer.from(jwk.x!, 'base64url')), new TextEncoder().encode(key.keyId));
    const msg = Sign1Message.fromBytes(verifier, cose);
    expect(Buffer.from(msg.payload).includes(Buffer.from('dr. Sri Wahyuni'))).toBe(true);

    const forged = Buffer.from(cose);
    forged.write('Wahyuno', forged.indexOf(Buffer.from('Wahyuni')));
    expect(() => Sign1Message.fromBytes(verifier, forged)).toThrow();
  });
});
