/**
 * The sealed QR code (issue 14, docs/verification.md), on SQLite and PostgreSQL: an issued permit's PDF,
 * rasterised by poppler, carries a QR code whose address holds "IZ1:" + base45 of a COSE_Sign1; an
 * independent COSE implementation (@ldclabs/cose-ts) verifies it with the key the office publishes, and
 * one changed character makes it fail there and on the verification page. The code is EC level Q, at
 * least 40 mm wide, on a one-page certificate, with no NIK inside; after a key rotation old seals still
 * verify and new ones carry the new key id.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Claims } from '@ldclabs/cose-ts/cwt';
import { Ed25519Key } from '@ldclabs/cose-ts/ed25519';
import { Sign1Message } from '@ldclabs/cose-ts/sign1';
import jsqr from 'jsqr';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptField } from '../../src/shared/crypto.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { issuedPermit, type IssuingStaff } from '../helpers/journeys.js';
import { pdfInfo } from '../helpers/permits.js';

const jsQR = jsqr.default;
const MM_PER_PT = 25.4 / 72;

type CoseHeader = { getBytes(label: number): Uint8Array; getInt(label: number): number };
type KeysBody = { office: string; keys: { keyId: string; publicKeyPem: string; retiredAt: string | null }[] };
type PermitJson = { id: string; number: string; verificationCode: string; sealedText: string | null; holderName: string };

/** Base45 decoding written out from RFC 9285 §4 here, apart from src/signing/base45.ts. */
function rfcBase45Decode(s: string): Uint8Array {
  const A = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const chunk = [...s.slice(i, i + 3)].map((ch) => {
      const v = A.indexOf(ch);
      if (v < 0) throw new Error('not base45');
      return v;
    });
    const n = chunk.reduce((acc, v, k) => acc + v * 45 ** k, 0);
    if (chunk.length === 3) {
      if (n > 65535) throw new Error('base45 group too large');
      out.push(n >> 8, n & 0xff);
    } else if (chunk.length === 2 && n <= 255) out.push(n);
    else throw new Error('bad base45 length');
  }
  return Uint8Array.from(out);
}

/** Page 1 at 150 dpi (poppler, as a viewer renders it), its QR code decoded, and the error correction level read from the image. */
function scan(pdf: Buffer): { text: string; ecLevel: 'L' | 'M' | 'Q' | 'H' } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-seal-'));
  try {
    fs.writeFileSync(path.join(dir, 'p.pdf'), pdf);
    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', path.join(dir, 'p.pdf'), path.join(dir, 'page')]);
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'page.png')));
    const qr = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    if (!qr) throw new Error('no QR code found on page 1');
    // The format information beside the top-left finder (ISO/IEC 18004 §7.9): row 8 then column 8.
    const n = 17 + 4 * qr.version;
    const { topLeftCorner: tl, topRightCorner: tr, bottomLeftCorner: bl } = qr.location;
    const dark = (col: number, row: number) => {
      const x = Math.round(tl.x + ((col + 0.5) / n) * (tr.x - tl.x) + ((row + 0.5) / n) * (bl.x - tl.x));
      const y = Math.round(tl.y + ((col + 0.5) / n) * (tr.y - tl.y) + ((row + 0.5) / n) * (bl.y - tl.y));
      const i = (y * png.width + x) * 4;
      return png.data[i]! + png.data[i + 1]! + png.data[i + 2]! < 384;
    };
    let bits = 0;
    for (let c = 0; c <= 8; c++) if (c !== 6) bits = (bits << 1) | (dark(c, 8) ? 1 : 0);
    for (let r = 7; r >= 0; r--) if (r !== 6) bits = (bits << 1) | (dark(8, r) ? 1 : 0);
    const format = bits ^ 0x5412;
    // The BCH(15,5) check: the five data bits must give the ten check bits that were read.
    let bch = (format >> 10) << 10;
    for (let i = 14; i >= 10; i--) if (bch & (1 << i)) bch ^= 0x537 << (i - 10);
    expect(bch, 'format information read intact').toBe(format & 0x3ff);
    return { text: qr.data, ecLevel: (['M', 'L', 'H', 'Q'] as const)[format >> 13]! };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every image drawn on page 1, with its size on the page in points (the `cm` before its `Do`). */
async function drawnImages(pdf: Buffer): Promise<{ width: number; height: number }[]> {
  const doc = await PDFDocument.load(pdf);
  const page = doc.getPage(0);
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  let ops = '';
  for (const s of streams) if (s instanceof PDFRawStream) ops += Buffer.from(decodePDFRawStream(s).decode()).toString('latin1');
  const xobjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), (await import('pdf-lib')).PDFDict);
  const out: { width: number; height: number }[] = [];
  // pdf-lib draws an image as `q`, a run of `cm` (translate, rotate, scale, skew), `/Name Do`, `Q`: the
  // product of that run is the image's matrix on the page (the page's own matrix is the identity).
  for (const m of ops.matchAll(/((?:[-\d.]+\s+){6}cm\s+)+\/(\S+)\s+Do/g)) {
    let [a, b, c, d] = [1, 0, 0, 1];
    for (const cm of m[0].matchAll(/((?:[-\d.]+\s+){6})cm/g)) {
      const [a2, b2, c2, d2] = cm[1]!.trim().split(/\s+/).map(Number) as [number, number, number, number];
      [a, b, c, d] = [a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d];
    }
    const xo = xobjects?.lookup(PDFName.of(m[2]!));
    const subtype = xo instanceof PDFRawStream ? xo.dict.get(PDFName.of('Subtype'))?.toString() : undefined;
    if (subtype === '/Image') out.push({ width: Math.hypot(a, b), height: Math.hypot(c, d) });
  }
  return out;
}

/** The sealed text inside a QR address: the path after /V/, percent-decoded. */
function sealedOf(address: string): string {
  const m = /^HTTPS?:\/\/[^/]+\/V\/(.+)$/.exec(address);
  if (!m) throw new Error(`not a sealed address: ${address}`);
  return decodeURIComponent(m[1]!);
}

/** One character swapped for another base45 character. */
function tamper(sealed: string, at: number): string {
  const ch = sealed[at]!;
  return sealed.slice(0, at) + (ch === '0' ? '1' : '0') + sealed.slice(at + 1);
}

describe.each(DIALECTS)('the sealed QR code (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  let staff: IssuingStaff;
  let first: PermitJson;
  let pdf: Buffer;
  let address: string;
  let nik: string;

  const keys = async () => (await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json' })).json<KeysBody>();
  const permitJson = async (id: string) => (await ctx.app.inject({ url: `/api/v1/permits/${id}`, headers: auth(applicant.token) })).json<PermitJson>();
  const issue = async () => permitJson((await issuedPermit(ctx, applicant.token, staff)).permitId);
  const pdfOf = async (id: string) => (await ctx.app.inject({ url: `/api/v1/permits/${id}/pdf`, headers: auth(applicant.token) })).rawPayload;
  /** What cose-ts says of a sealed text, with the public keys the office publishes now. */
  const independentlyVerify = async (sealed: string) => {
    expect(sealed.startsWith('IZ1:')).toBe(true);
    const cose = rfcBase45Decode(sealed.slice(4));
    const published = await keys();
    // Every published key is tried, current and retired: the one whose signature holds answers, with the kid the seal names.
    const errors: string[] = [];
    for (const k of published.keys) {
      const jwk = createPublicKey(k.publicKeyPem).export({ format: 'jwk' });
      const key = Ed25519Key.fromPublic(new Uint8Array(Buffer.from(jwk.x!, 'base64url')), new TextEncoder().encode(k.keyId));
      try {
        const msg = Sign1Message.fromBytes(key, cose);
        // Header extends KVMap, whose declaration cose-ts's extension-less imports hide from TypeScript.
        const headers = msg as unknown as { protected: CoseHeader; unprotected: CoseHeader };
        return {
          keyId: k.keyId,
          kid: new TextDecoder().decode(headers.unprotected.getBytes(4)),
          alg: headers.protected.getInt(1),
          claims: Claims.fromBytes(msg.payload),
        };
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    throw new Error(`no published key verifies the seal: ${errors.join('; ')}`);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    // The holder's account has a NIK, so the certificate prints it masked: the seal must carry none of it.
    nik = uniqueNik();
    await ctx.db
      .updateTable('users')
      .set({ nik_encrypted: encryptField(ctx.services.config.dataEncryptionKey, nik) })
      .where('id', '=', applicant.userId)
      .execute();
    const t = async (role: 'verifier' | 'technical' | 'head') => (await userWithToken(ctx, role)).token;
    staff = { verifier: await t('verifier'), technical: await t('technical'), head: await t('head') };
    first = await issue();
    pdf = await pdfOf(first.id);
    address = scan(pdf).text;
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('puts the sealed text in an upper-case address of the office, and the same text in the permit JSON', () => {
    expect(first.sealedText).toMatch(/^IZ1:[0-9A-Z $%*+\-./:]+$/);
    expect(address).toBe(address.toUpperCase());
    expect(address.startsWith(`${new URL(ctx.services.config.baseUrl).origin.toUpperCase()}/V/IZ1:`)).toBe(true);
    expect(address).not.toMatch(/[ /]\.{1,2}\//); // no dot segments a browser would resolve away
    expect(sealedOf(address)).toBe(first.sealedText);
  });

  it('verifies with @ldclabs/cose-ts against the key published in /.well-known/izol-signing-keys.json', async () => {
    const sealed = sealedOf(address);
    const checked = await independentlyVerify(sealed);
    const current = (await keys()).keys.find((k) => k.retiredAt === null)!;
    expect(checked.keyId).toBe(current.keyId);
    expect(checked.kid).toBe(current.keyId);
    expect(checked.alg).toBe(-8);
    const claims = checked.claims;
    expect(claims.iss).toBe('MLG');
    expect(claims.iat).toBe(Math.floor(ctx.clock.now().getTime() / 1000));
    // Claims extends KVMap, whose declaration cose-ts's extension-less imports hide from TypeScript.
    const permit = (claims as unknown as { toRaw(): Map<number, unknown> }).toRaw().get(-65537) as Map<string, string>;
    expect([...permit.keys()].sort()).toEqual(['h', 'n', 's', 't', 'v']);
    expect(permit.get('n')).toBe(first.number);
    expect(permit.get('t')).toBe('REKLAME');
    expect(permit.get('h')).toBe(first.holderName);
    expect(permit.get('v')).toBe(first.verificationCode);
    expect(permit.get('s')!.length).toBeGreaterThan(0);
    expect([...permit.get('s')!].length).toBeLessThanOrEqual(80);
    // A one-year billboard permit from 20 November 2026: the seal ends at 23:59:59 WIB on 19 November 2027.
    expect(claims.exp).toBe(Date.parse('2027-11-19T23:59:59+07:00') / 1000);
  });

  it('fails with one changed character, in cose-ts and on the verification page', async () => {
    const sealed = sealedOf(address);
    const good = await ctx.app.inject({ url: new URL(address).pathname });
    expect(good.statusCode).toBe(200);
    expect(good.body).toContain('data-verification-status="valid"');
    expect(good.body).toContain('data-seal-status="valid"');
    expect(good.body).toContain(first.number);
    // The lower-case route and a typed-in address work too.
    expect((await ctx.app.inject({ url: `/v/${encodeURIComponent(sealed)}` })).body).toContain('data-seal-status="valid"');
    for (const at of [6, Math.floor(sealed.length / 2), sealed.length - 5]) {
      const changed = tamper(sealed, at);
      await expect(independentlyVerify(changed)).rejects.toThrow();
      const res = await ctx.app.inject({ url: `/V/${encodeURIComponent(changed)}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('data-verification-status="not_authentic"');
      expect(res.body).not.toContain(first.number);
    }
    for (const broken of [sealed.slice(0, 40), 'IZ1:', `${sealed}00`]) {
      expect((await ctx.app.inject({ url: `/V/${encodeURIComponent(broken)}` })).body).toContain('data-verification-status="not_authentic"');
    }
  });

  it('prints the QR code at error correction level Q, at least 40 mm wide, on a one-page certificate, with no NIK in the seal', async () => {
    expect(scan(pdf).ecLevel).toBe('Q');
    const images = await drawnImages(pdf);
    expect(images).toHaveLength(1);
    expect(images[0]!.width * MM_PER_PT).toBeGreaterThanOrEqual(40);
    expect(images[0]!.height).toBeCloseTo(images[0]!.width, 3);
    expect(pdfInfo(pdf).Pages).toBe('1');
    const cose = Buffer.from(rfcBase45Decode(sealedOf(address).slice(4)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-seal-'));
    fs.writeFileSync(path.join(dir, 'p.pdf'), pdf);
    const printed = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'p.pdf'), '-'], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(printed, 'the certificate prints the masked NIK').toContain(`${nik.slice(0, 4)}••••••••••${nik.slice(-2)}`);
    expect(cose.includes(Buffer.from(nik))).toBe(false);
    expect(cose.includes(Buffer.from(nik.slice(0, 4)))).toBe(false);
    expect(cose.includes(Buffer.from('•'))).toBe(false);
    // What the seal says, as text: no NIK-like number, no email address, no phone number.
    const claims = (await independentlyVerify(sealedOf(address))).claims as unknown as { toRaw(): Map<number, unknown> };
    const said = [...(claims.toRaw().get(-65537) as Map<string, string>).values()].join(' | ');
    expect(said).toContain(first.number);
    expect(said).not.toMatch(/\d{16}|@|(\+62|\b0)8\d{7,12}/);
  });

  it('says expired after the last day and revoked once the office revokes, with the seal itself still authentic', async () => {
    const url = new URL(address).pathname;
    ctx.clock.set('2027-11-19T16:59:00Z'); // 23:59 WIB on the last day
    expect((await ctx.app.inject({ url })).body).toContain('data-verification-status="valid"');
    ctx.clock.set('2027-11-19T17:00:00Z'); // midnight WIB
    const expired = await ctx.app.inject({ url });
    expect(expired.body).toContain('data-verification-status="expired"');
    expect(expired.body).toContain('data-seal-status="expired"');
    ctx.clock.set('2026-11-20T04:00:00Z');

    const other = await issue();
    const revoked = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${other.id}/revoke`,
      headers: auth(staff.head),
      payload: { reason: 'Reklame dipasang di luar titik yang diizinkan.' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const page = await ctx.app.inject({ url: new URL(scan(await pdfOf(other.id)).text).pathname });
    expect(page.body).toContain('data-verification-status="revoked"');
    expect(page.body).toContain('data-seal-status="valid"');
    expect(page.body).toContain('data-online-status="revoked"');
    expect(page.body).toContain('Reklame dipasang di luar titik yang diizinkan.');
    // Someone with database access sets the row back to valid: the sealed check says not authentic, never valid.
    await ctx.db.updateTable('permits').set({ status: 'valid', revoked_at: null, revocation_reason: null }).where('id', '=', other.id).execute();
    const tampered = await ctx.app.inject({ url: new URL(scan(await pdfOf(other.id)).text).pathname });
    expect(tampered.body).toContain('data-verification-status="not_authentic"');
    expect(tampered.body).toContain('data-online-status="not_authentic"');
    expect(tampered.body).not.toContain('data-verification-status="valid"');
  });

  it('after a key rotation: the old seal still verifies (its key listed as retired), a new permit carries the new kid', async () => {
    const before = (await keys()).keys.find((k) => k.retiredAt === null)!.keyId;
    ctx.clock.advanceMinutes(10);
    const { keyId } = await ctx.services.signer.rotate(ctx.tenant.id);
    expect(keyId).not.toBe(before);
    const listed = (await keys()).keys;
    expect(listed.find((k) => k.keyId === before)?.retiredAt).not.toBeNull();

    const old = await independentlyVerify(sealedOf(address));
    expect(old.kid).toBe(before);
    expect((await ctx.app.inject({ url: new URL(address).pathname })).body).toContain('data-seal-status="valid"');

    const fresh = await issue();
    const freshAddress = scan(await pdfOf(fresh.id)).text;
    const checked = await independentlyVerify(sealedOf(freshAddress));
    expect(checked.kid).toBe(keyId);
    expect(checked.keyId).toBe(keyId);
    expect((await ctx.app.inject({ url: new URL(freshAddress).pathname })).body).toContain('data-seal-status="valid"');
  });
});
