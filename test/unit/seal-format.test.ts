/**
 * The worked example of docs/verification.md §7, byte for byte: Ed25519 is deterministic, so sealing the
 * documented claims with the RFC 8032 §7.1 test key must give the documented COSE_Sign1 and sealed text;
 * an independent COSE implementation (@ldclabs/cose-ts) verifies them, and the seal's own reader agrees.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import fs from 'node:fs';
import { Ed25519Key } from '@ldclabs/cose-ts/ed25519';
import { Sign1Message } from '@ldclabs/cose-ts/sign1';
import { describe, expect, it } from 'vitest';
import { base45Encode } from '../../src/signing/base45.js';
import { endOfDaySeconds, openSeal, type SealClaims, sealCose, sealText, sealUrl } from '../../src/signing/seal.js';
import type { PreparedSigner } from '../../src/signing/signer.js';

const SECRET = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const privateKey = createPrivateKey({ key: Buffer.from(`302e020100300506032b657004220420${SECRET}`, 'hex'), format: 'der', type: 'pkcs8' });
const kid = createHash('sha256')
  .update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))
  .digest('hex')
  .slice(0, 32);
const signer: PreparedSigner = {
  keyId: kid,
  sign: (data) => Promise.resolve({ alg: 'Ed25519', keyId: kid, signature: sign(null, data, privateKey).toString('base64url') }),
};
const claims: SealClaims = {
  iss: 'MLG',
  iat: Date.parse('2026-11-20T03:00:00Z') / 1000,
  exp: endOfDaySeconds('2027-11-19', 'Asia/Jakarta'),
  permit: { n: 'REKLAME/00012/MLG/2026', t: 'REKLAME', h: 'Siti Nurhaliza', s: 'Jl. Ijen No. 10, Kec. Klojen, Kota Malang', v: 'K7Q2M9XD3F' },
};

/** The fenced block of docs/verification.md that follows `after`. */
function documented(after: string): string {
  const doc = fs.readFileSync('docs/verification.md', 'utf8');
  const from = doc.indexOf('```\n', doc.indexOf(after)) + 4;
  return doc.slice(from, doc.indexOf('\n```', from));
}

describe('the sealed text of docs/verification.md', () => {
  it('is what Izol makes from the documented claims and key', async () => {
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).subarray(-32).toString('hex')).toBe(PUBLIC);
    expect(kid).toBe('06e3fd8fda29bb60ab59557de61edb0a');
    expect(claims.exp).toBe(Date.parse('2027-11-19T23:59:59+07:00') / 1000);
    const cose = await sealCose(signer, claims);
    expect(Buffer.from(cose).toString('hex')).toBe(documented('In one line:'));
    const sealed = await sealText(signer, claims);
    expect(sealed).toBe(`IZ1:${base45Encode(cose)}`);
    expect(sealed).toBe(documented('The sealed text ('));
    expect(sealUrl('https://izin.malangkota.go.id', sealed)).toBe(documented("and the QR code's address:"));
  });

  it('verifies with @ldclabs/cose-ts, and reads back to the same claims', async () => {
    const cose = await sealCose(signer, claims);
    const key = Ed25519Key.fromPublic(new Uint8Array(Buffer.from(PUBLIC, 'hex')));
    expect(Sign1Message.fromBytes(key, cose).payload).toEqual(cose.subarray(cose.length - 66 - 134, cose.length - 66));
    const opened = openSeal(await sealText(signer, claims));
    expect(opened.kid).toBe(kid);
    expect(opened.claims).toEqual(claims);
    const flipped = Uint8Array.from(cose);
    flipped[60]! ^= 0x01;
    expect(() => Sign1Message.fromBytes(key, flipped)).toThrow();
  });

  it('leaves exp out for a permit without expiry', async () => {
    const opened = openSeal(await sealText(signer, { ...claims, exp: null }));
    expect(opened.claims.exp).toBeNull();
  });
});
