/**
 * The PAdES signature on issued certificate PDFs (issue 14 item 4), on SQLite and PostgreSQL, checked
 * by poppler's pdfsig (NSS), the way a reader checks it: valid, covering the whole document, signed
 * by the office's certificate under the deployment's root, trusted once that root is trusted; any
 * byte changed in the signed range makes it invalid. The visible block says the identity is not
 * verified. The certificates are published; after a rotation a new certificate signs and old PDFs
 * still verify. With PDF_SIGNER=remote a stand-in for a certified provider (BSrE-style sign API)
 * signs instead, and pdfsig names the certified signer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, sign as cryptoSign, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCadesDetached } from '../../src/signing/cms.js';
import { createRootCertificate, createSigningCertificate, pemToDer } from '../../src/signing/x509.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit } from '../helpers/journeys.js';
import { pdfInfo } from '../helpers/permits.js';

type Staff = { verifier: string; technical: string; head: string; treasurer: string };

/** What pdfsig prints for a PDF, with `-nssdir` when given (an NSS database trusting a root). */
function pdfsig(pdf: Buffer, nssdir?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-pdfsig-'));
  try {
    fs.writeFileSync(path.join(dir, 'izin.pdf'), pdf);
    const r = spawnSync('pdfsig', [...(nssdir ? ['-nssdir', `sql:${nssdir}`] : []), path.join(dir, 'izin.pdf')], { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-pdftext-'));
  try {
    fs.writeFileSync(path.join(dir, 'izin.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', path.join(dir, 'izin.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The signed byte ranges of the PDF's signature. */
function byteRange(pdf: Buffer): number[] {
  const m = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(pdf.toString('latin1'));
  if (!m) throw new Error('no ByteRange');
  return m.slice(1).map(Number);
}

async function staffOf(ctx: TestContext): Promise<Staff> {
  const [verifier, technical, head, treasurer] = await Promise.all(
    (['verifier', 'technical', 'head', 'treasurer'] as const).map(async (r) => (await userWithToken(ctx, r)).token),
  );
  return { verifier: verifier!, technical: technical!, head: head!, treasurer: treasurer! };
}

async function issuedPdf(ctx: TestContext, staff: Staff): Promise<{ pdf: Buffer; permitId: string }> {
  const applicant = (await userWithToken(ctx, 'applicant')).token;
  const { permitId } = await issuedPermit(ctx, applicant, staff);
  const res = await ctx.app.inject({ url: `/api/v1/permits/${permitId}/pdf`, headers: auth(applicant) });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return { pdf: res.rawPayload, permitId };
}

const hasCertutil = spawnSync('certutil', ['-H']).error === undefined;

describe.each(DIALECTS)('PAdES signature on certificate PDFs (%s)', (dialect) => {
  let ctx: TestContext;
  let staff: Staff;
  let pdf: Buffer;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    staff = await staffOf(ctx);
    ({ pdf } = await issuedPdf(ctx, staff));
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('pdfsig finds a valid ETSI.CAdES.detached signature by DPMPTSP Kota Malang over the whole one-page document', () => {
    const out = pdfsig(pdf);
    expect(out).toContain('Signer Certificate Common Name: DPMPTSP Kota Malang');
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signing Hash Algorithm: SHA-256');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signature Validation: Signature is Valid.');
    // Self-issued: the reader does not know the deployment's root.
    expect(out).toMatch(/Certificate Validation: Certificate issuer isn't Trusted\.|Certificate Validation: Certificate isn't Trusted\./);
    const [start, holeStart, holeEnd, tail] = byteRange(pdf);
    expect(start).toBe(0);
    expect(holeEnd! + tail!).toBe(pdf.length);
    expect(pdf.toString('latin1', holeStart, holeStart! + 1)).toBe('<');
    expect(pdfInfo(pdf).Pages).toBe('1');
  });

  it('one byte changed inside the signed range makes the signature invalid (LAW-7)', () => {
    const [, holeStart, holeEnd] = byteRange(pdf);
    // A byte of the page content (inside the first signed range), and a letter of the signature's reason (the second).
    const reason = pdf.indexOf('(Penerbitan izin', holeEnd);
    expect(reason).toBeGreaterThan(holeEnd!);
    for (const at of [Math.floor(holeStart! / 2), reason + 3]) {
      const copy = Buffer.from(pdf);
      copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
      const out = pdfsig(copy);
      expect(out).not.toContain('Signature is Valid.');
      expect(out).toMatch(/Signature Validation: (Digest Mismatch\.|Signature is Invalid\.|Document isn't signed or corrupted data\.)/);
    }
  });

  it('shows a visible signature block: signer, office, time, identity not verified', () => {
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Digitally signed by: DPMPTSP Kota Malang');
    expect(text).toContain('Kantor / Office: DPMPTSP Kota Malang');
    expect(text).toMatch(/Waktu \/ Time: 20 November 2026 1\d\.\d{2} WIB/);
    expect(text).toContain('Identitas belum diverifikasi (sertifikat Izol) / Identity not verified');
  });

  it('the uploaded signed PDF still verifies as the permit, and a changed copy does not', async () => {
    const check = async (bytes: Buffer) => {
      const file = multipartFile('izin.pdf', bytes, 'application/pdf');
      return json<{ status: string }>(await ctx.app.inject({ method: 'POST', url: '/api/v1/verify/pdf', headers: file.headers, payload: file.payload }));
    };
    expect((await check(pdf)).status).toBe('valid');
    const copy = Buffer.from(pdf);
    copy[100]! ^= 0x01;
    expect((await check(copy)).status).toBe('not_authentic');
  });

  it('publishes the root and the office certificate; pdfsig trusts the signature once the root is trusted', async () => {
    const body = json<{
      pdfSigning: { rootCertificatePem: string; certificates: { id: string; subject: string; certificatePem: string; retiredAt: string | null }[] };
    }>(await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json' }));
    const root = new X509Certificate(body.pdfSigning.rootCertificatePem);
    expect(root.ca).toBe(true);
    expect(root.subject).toContain('CN=Izol Root CA (');
    expect(body.pdfSigning.certificates).toHaveLength(1);
    const office = new X509Certificate(body.pdfSigning.certificates[0]!.certificatePem);
    expect(office.subject).toContain('CN=DPMPTSP Kota Malang');
    expect(office.verify(root.publicKey)).toBe(true);
    expect(office.publicKey.asymmetricKeyType).toBe('rsa');
    // The PDF embeds exactly this certificate.
    expect(pdf.includes(Buffer.from(pemToDer(office.toString()).toString('hex')))).toBe(true);

    const pem = await ctx.app.inject({ url: '/.well-known/izol-certificates.pem' });
    expect(pem.statusCode).toBe(200);
    expect(pem.headers['content-type']).toContain('application/x-pem-file');
    expect(pem.body.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    expect(new X509Certificate(pem.body).fingerprint256).toBe(root.fingerprint256); // the root first

    if (!hasCertutil) throw new Error('certutil missing: run scripts/ensure-test-tools.sh (libnss3-tools)');
    const nss = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-nss-'));
    try {
      execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
      fs.writeFileSync(path.join(nss, 'root.pem'), body.pdfSigning.rootCertificatePem);
      execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'izol-root', '-t', 'C,C,C', '-i', path.join(nss, 'root.pem')]);
      const out = pdfsig(pdf, nss);
      expect(out).toContain('Signature Validation: Signature is Valid.');
      expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    } finally {
      fs.rmSync(nss, { recursive: true, force: true });
    }
  });

  it('after a key rotation a new certificate signs; the old PDF still verifies and its certificate stays published as retired', async () => {
    const before = await ctx.services.signer.pdf.certificates(ctx.tenant.id);
    ctx.clock.advanceMinutes(60);
    await ctx.services.signer.rotate(ctx.tenant.id);
    const after = await ctx.services.signer.pdf.certificates(ctx.tenant.id);
    expect(after).toHaveLength(2);
    expect(after[1]!.id).toBe(before[0]!.id);
    expect(after[1]!.retiredAt).not.toBeNull();
    expect(after[0]!.retiredAt).toBeNull();

    ctx.clock.advanceMinutes(5);
    const { pdf: fresh } = await issuedPdf(ctx, staff);
    const der = (pem: string) => Buffer.from(pemToDer(pem).toString('hex'));
    expect(fresh.includes(der(after[0]!.certificatePem))).toBe(true);
    expect(fresh.includes(der(after[1]!.certificatePem))).toBe(false);
    expect(pdfsig(fresh)).toContain('Signature Validation: Signature is Valid.');
    expect(pdfsig(pdf)).toContain('Signature Validation: Signature is Valid.');
    const listed = json<{ pdfSigning: { certificates: { id: string; retiredAt: string | null }[] } }>(
      await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json' }),
    );
    expect(listed.pdfSigning.certificates.map((c) => [c.id, c.retiredAt === null])).toEqual([
      [after[0]!.id, true],
      [before[0]!.id, false],
    ]);
  }, 120_000);
});

/** A stand-in for a certified provider's sign API: its own CA and the official's certificate; it checks the request's exact shape. */
function certifiedProvider() {
  const now = new Date();
  const ca = createRootCertificate({ commonName: 'Stand-in PSrE Root CA', organization: 'Balai Sertifikasi Elektronik (uji)' }, now);
  const official = createSigningCertificate(
    { commonName: 'Dr. Sutiaji Wibowo', organization: 'Pemerintah Kota Malang', organizationalUnit: 'DPMPTSP' },
    ca,
    now,
  );
  const key = createPrivateKey(official.privateKeyPem);
  const requests: { path: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const problems: string[] = [];
  let refuse = false;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        requests.push({ path: req.url ?? '', headers: req.headers, body });
        const expectKeys = ['hash', 'hashAlgorithm', 'nik', 'passphrase', 'signatureFormat', 'signingTime'];
        if (req.method !== 'POST' || req.url !== '/esign/api/v2/sign/hash') problems.push(`${req.method} ${req.url}`);
        if (req.headers.authorization !== `Basic ${Buffer.from('izol-mlg:rahasia-klien-uji').toString('base64')}`) problems.push('authorization');
        if (req.headers['content-type'] !== 'application/json') problems.push('content-type');
        if (JSON.stringify(Object.keys(body).sort()) !== JSON.stringify(expectKeys)) problems.push(`keys ${Object.keys(body).join(',')}`);
        if (
          body.nik !== '3573010101800001' ||
          body.passphrase !== 'frasa sandi uji' ||
          body.hashAlgorithm !== 'SHA-256' ||
          body.signatureFormat !== 'CAdES-detached'
        ) {
          problems.push('fields');
        }
        const digest = Buffer.from(String(body.hash), 'base64');
        if (digest.length !== 32) problems.push('hash length');
        if (refuse || problems.length) {
          res.writeHead(refuse ? 401 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'refused', status_code: refuse ? 401 : 400 }));
          return;
        }
        const cms = await buildCadesDetached({
          contentDigest: digest,
          certificates: [pemToDer(official.certificatePem), pemToDer(ca.certificatePem)],
          algorithm: 'RSA-SHA256',
          sign: (attrs) => Promise.resolve(cryptoSign('sha256', attrs, key)),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ signature: cms.toString('base64'), id: 'uji-1' }));
      })();
    });
  });
  return {
    server,
    requests,
    problems,
    ca,
    refuseNext(on: boolean) {
      refuse = on;
    },
  };
}

describe.each(DIALECTS)('PDF signatures by a certified provider (remote adapter, %s): LAW-8', (dialect) => {
  let ctx: TestContext;
  let staff: Staff;
  const provider = certifiedProvider();

  beforeAll(async () => {
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    const { port } = provider.server.address() as AddressInfo;
    ctx = await createTestContext(dialect, {
      PDF_SIGNER: 'remote',
      PDF_SIGNER_URL: `http://127.0.0.1:${port}/esign/`,
      PDF_SIGNER_CLIENT_ID: 'izol-mlg',
      PDF_SIGNER_CLIENT_SECRET: 'rahasia-klien-uji',
      PDF_SIGNER_NIK: '3573010101800001',
      PDF_SIGNER_PASSPHRASE: 'frasa sandi uji',
      PDF_SIGNER_NAME: 'Dr. Sutiaji Wibowo',
    });
    staff = await staffOf(ctx);
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await new Promise((resolve) => provider.server.close(resolve));
  });

  it('sends the digest of the signed ranges with NIK and passphrase; pdfsig names the certified signer, trusted under the provider root', async () => {
    const { pdf } = await issuedPdf(ctx, staff);
    expect(provider.problems).toEqual([]);
    expect(provider.requests).toHaveLength(1);
    const [start, holeStart, holeEnd, tail] = byteRange(pdf);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256')
      .update(pdf.subarray(start, start! + holeStart!))
      .update(pdf.subarray(holeEnd, holeEnd! + tail!))
      .digest('base64');
    expect(provider.requests[0]!.body.hash).toBe(digest);

    const out = pdfsig(pdf);
    expect(out).toContain('Signer Certificate Common Name: Dr. Sutiaji Wibowo');
    expect(out).toContain('O=Pemerintah Kota Malang');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signature Validation: Signature is Valid.');
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Digitally signed by: Dr. Sutiaji Wibowo');
    expect(text).toContain('Identitas terverifikasi oleh BSrE / Identity verified');

    if (!hasCertutil) throw new Error('certutil missing: run scripts/ensure-test-tools.sh (libnss3-tools)');
    const nss = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-nss-'));
    try {
      execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
      fs.writeFileSync(path.join(nss, 'ca.pem'), provider.ca.certificatePem);
      execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'psre-root', '-t', 'C,C,C', '-i', path.join(nss, 'ca.pem')]);
      expect(pdfsig(pdf, nss)).toContain('Certificate Validation: Certificate is Trusted.');
    } finally {
      fs.rmSync(nss, { recursive: true, force: true });
    }
  }, 120_000);

  it('a refusal by the provider issues nothing: the signing action fails and the file keeps its state', async () => {
    provider.refuseNext(true);
    const applicant = (await userWithToken(ctx, 'applicant')).token;
    await expect(issuedPermit(ctx, applicant, staff)).rejects.toThrow(/failed/);
    provider.refuseNext(false);
    const permits = await ctx.db.selectFrom('permits').select('id').execute();
    expect(permits).toHaveLength(1); // only the one of the test before
  }, 120_000);
});
