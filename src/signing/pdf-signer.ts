import { createPrivateKey, type KeyObject, sign as cryptoSign, X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { decryptField, encryptField, sha256Hex } from '../shared/crypto.js';
import { type Clock, isoNow } from '../shared/time.js';
import { buildCadesDetached, messageDigestOf } from './cms.js';
import type { PdfSignature } from './pades.js';
import {
  findCurrentCertificate,
  findOfficeName,
  findRoot,
  insertCertificate,
  insertRoot,
  listCertificates,
  type PdfCertificateRow,
  type PdfRootRow,
  retireActiveCertificates,
} from './pdf-signing.repository.js';
import type { ManagedSigner } from './signer.js';
import { createRootCertificate, createSigningCertificate, pemToDer } from './x509.js';

/**
 * The PDF half of the signing seam (ARCHITECTURE decision "PAdES"): who signs an issued certificate's
 * PDF. Built in: the office's RSA-2048 key with an X.509 certificate from the deployment's own root,
 * so readers show "signed by DPMPTSP Kota Malang" but not a verified identity. Remote: a certified
 * provider (BSrE-style) signs the PDF's digest with the official's certified key; see docs/signing.md.
 * Ed25519, the key of the JSON signatures, is not used here: poppler/NSS 3.87 and Acrobat do not
 * verify Ed25519 CMS signatures ("Document isn't signed or corrupted data").
 */

/** Ready to sign one office's PDFs without reading the database (prepared before the transaction). */
export type PreparedPdfSigner = {
  /** The name readers show as the signer (the certificate's common name). */
  signerName: string;
  /** True when the certificate comes from a certified provider (a PSrE such as BSrE). */
  certified: boolean;
  /** The certified provider's name, printed in the signature block; null for the built-in signer. */
  provider: string | null;
  signature: PdfSignature;
};

export type PdfCertificateInfo = {
  id: string;
  subject: string;
  serial: string;
  certificatePem: string;
  createdAt: string;
  notAfter: string;
  retiredAt: string | null;
};

export interface PdfSigner {
  /** Looks the office's key and certificate up (creating them if it has none). */
  prepare(tenantId: string): Promise<PreparedPdfSigner>;
  /** Creates the root and the office's certificate if missing; returns the current certificate id. */
  ensureCertificate(tenantId: string): Promise<string>;
  /** Retires the office's certificate(s) and issues a new one; PDFs signed before keep verifying (they embed theirs). */
  rotate(tenantId: string): Promise<{ retired: string[]; certificateId: string }>;
  /** Every certificate of the office, newest first, for publication. */
  certificates(tenantId: string): Promise<PdfCertificateInfo[]>;
  /** The deployment's root certificate (PEM), to be trusted by a reader that trusts this deployment. */
  rootCertificatePem(): Promise<string>;
}

const certificateId = (pem: string) => sha256Hex(pemToDer(pem)).slice(0, 32);

export function createBuiltinPdfSigner(deps: { db: Kysely<Database>; dataKey: Buffer; clock: Clock; rootName: string }): PdfSigner {
  const { db, dataKey, clock } = deps;
  const keys = new Map<string, KeyObject>();
  let rootCache: { row: PdfRootRow; key: KeyObject; der: Buffer } | null = null;

  /**
   * A row is used only if its private half decrypts with our data key and matches the certificate:
   * a certificate slipped into the table without the data key cannot sign as the office.
   */
  function keyOf(id: string, pem: string, sealed: string): KeyObject {
    const cached = keys.get(id);
    if (cached) return cached;
    const key = createPrivateKey(decryptField(dataKey, sealed));
    if (!new X509Certificate(pem).checkPrivateKey(key) || certificateId(pem) !== id) throw new Error(`PDF signing certificate ${id} does not match its key`);
    keys.set(id, key);
    return key;
  }

  async function root(): Promise<{ row: PdfRootRow; key: KeyObject; der: Buffer }> {
    if (rootCache) return rootCache;
    let row = await findRoot(db);
    if (!row) {
      const now = clock.now();
      const issued = createRootCertificate({ commonName: deps.rootName, organization: 'Izol', organizationalUnit: 'Izol PDF signing root' }, now);
      const candidate: PdfRootRow = {
        id: certificateId(issued.certificatePem),
        purpose: 'pdf-root',
        subject: deps.rootName,
        certificate_pem: issued.certificatePem,
        private_key_encrypted: encryptField(dataKey, issued.privateKeyPem),
        created_at: now.toISOString(),
      };
      try {
        await insertRoot(db, candidate);
      } catch (err) {
        // Another instance made the root first: use theirs.
        if (violatedConstraint(err) !== 'pdf_signing_roots_purpose') throw err;
      }
      row = await findRoot(db);
      if (!row) throw new Error('the PDF signing root is missing');
    }
    rootCache = { row, key: keyOf(row.id, row.certificate_pem, row.private_key_encrypted), der: pemToDer(row.certificate_pem) };
    return rootCache;
  }

  async function issueFor(trx: Kysely<Database>, tenantId: string): Promise<PdfCertificateRow> {
    const r = await root();
    const office = await findOfficeName(trx, tenantId);
    if (!office) throw new Error(`no office ${tenantId}`);
    const now = clock.now();
    const issued = createSigningCertificate(
      { commonName: office.name, organization: office.name, organizationalUnit: `Izol ${office.code}` },
      { certificatePem: r.row.certificate_pem, privateKeyPem: decryptField(dataKey, r.row.private_key_encrypted) },
      now,
    );
    const row: PdfCertificateRow = {
      id: certificateId(issued.certificatePem),
      tenant_id: tenantId,
      root_id: r.row.id,
      subject: office.name,
      serial: issued.serial,
      certificate_pem: issued.certificatePem,
      private_key_encrypted: encryptField(dataKey, issued.privateKeyPem),
      created_at: isoNow(clock),
      not_after: issued.notAfter,
      retired_at: null,
    };
    await insertCertificate(trx, row);
    return row;
  }

  // One certificate made at a time per office in this process: concurrent first issuings share it.
  const making = new Map<string, Promise<PdfCertificateRow>>();
  async function current(tenantId: string): Promise<PdfCertificateRow> {
    const found = await findCurrentCertificate(db, tenantId);
    if (found) return found;
    let pending = making.get(tenantId);
    if (!pending) {
      pending = (async () => {
        const made = await findCurrentCertificate(db, tenantId);
        if (made) return made;
        try {
          return await issueFor(db, tenantId);
        } catch (err) {
          // Another instance made the office's first certificate at the same moment: the unique index on
          // current certificates (migration 0044) let one in, and this instance signs with that one.
          const theirs = violatedConstraint(err) === 'pdf_signing_certificates_current' ? await findCurrentCertificate(db, tenantId) : undefined;
          if (!theirs) throw err;
          return theirs;
        }
      })().finally(() => making.delete(tenantId));
      making.set(tenantId, pending);
    }
    return pending;
  }

  return {
    async ensureCertificate(tenantId) {
      return (await current(tenantId)).id;
    },

    async prepare(tenantId) {
      const row = await current(tenantId);
      const key = keyOf(row.id, row.certificate_pem, row.private_key_encrypted);
      const chain = [pemToDer(row.certificate_pem), (await root()).der];
      return {
        signerName: row.subject,
        certified: false,
        provider: null,
        signature: (contentDigest) =>
          buildCadesDetached({
            contentDigest,
            certificates: chain,
            algorithm: 'RSA-SHA256',
            sign: (attrs) => Promise.resolve(cryptoSign('sha256', attrs, key)),
          }),
      };
    },

    async rotate(tenantId) {
      await root(); // made outside the transaction: SQLite has one connection
      return db.transaction().execute(async (trx) => {
        const retired = await retireActiveCertificates(trx, tenantId, isoNow(clock));
        const row = await issueFor(trx, tenantId);
        return { retired, certificateId: row.id };
      });
    },

    async certificates(tenantId) {
      return (await listCertificates(db, tenantId)).map((r) => ({
        id: r.id,
        subject: r.subject,
        serial: r.serial,
        certificatePem: r.certificate_pem,
        createdAt: r.created_at,
        notAfter: r.not_after,
        retiredAt: r.retired_at,
      }));
    },

    async rootCertificatePem() {
      return (await root()).row.certificate_pem;
    },
  };
}

export type RemotePdfSignerConfig = {
  /** The provider's base address, e.g. https://esign.bsre.example/ (the request goes to {url}/api/v2/sign/hash). */
  url: string;
  clientId: string;
  clientSecret: string;
  /** The certified official's NIK and certificate passphrase, as the provider asks for them. */
  nik: string;
  passphrase: string;
  /** The certificate holder's name, printed in the signature block (the certificate's CN). */
  signerName: string;
  /** Shown as "Tersertifikasi oleh {provider}". */
  provider: string;
  timeoutMs: number;
};

/** What the provider answers (validated: anything else is an error, and no permit is issued). */
function parseRemoteAnswer(body: unknown): Buffer {
  if (!body || typeof body !== 'object') throw new Error('the PDF signing provider answered no JSON object');
  const signature = (body as Record<string, unknown>).signature;
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) throw new Error('the PDF signing provider answered no base64 signature');
  return Buffer.from(signature, 'base64');
}

/**
 * A certified provider's sign API (modelled on BSrE's esign API; request and answer in docs/signing.md):
 * the SHA-256 of the PDF's signed byte ranges goes out with the official's NIK and passphrase, a
 * detached CAdES SignedData made with their certified key comes back. The CMS must carry our digest
 * as its message digest; publication (certificates, root) stays with the built-in signer, whose
 * certificates old PDFs embed.
 */
export function createRemotePdfSigner(config: RemotePdfSignerConfig, builtin: PdfSigner, fetchImpl: typeof fetch = fetch): PdfSigner {
  const endpoint = new URL('api/v2/sign/hash', config.url.endsWith('/') ? config.url : `${config.url}/`).toString();
  const authorization = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`;

  async function remoteSign(contentDigest: Buffer, signingTime: Date): Promise<Buffer> {
    const response = await fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body: JSON.stringify({
        nik: config.nik,
        passphrase: config.passphrase,
        hashAlgorithm: 'SHA-256',
        hash: contentDigest.toString('base64'),
        signatureFormat: 'CAdES-detached',
        signingTime: signingTime.toISOString(),
      }),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (!response.ok) throw new Error(`the PDF signing provider refused (HTTP ${response.status})`);
    const cms = parseRemoteAnswer(await response.json());
    const digest = messageDigestOf(cms);
    if (!digest?.equals(contentDigest)) throw new Error('the PDF signing provider signed another digest');
    return cms;
  }

  return {
    prepare: () => Promise.resolve({ signerName: config.signerName, certified: true, provider: config.provider, signature: remoteSign }),
    ensureCertificate: (tenantId) => builtin.ensureCertificate(tenantId),
    rotate: (tenantId) => builtin.rotate(tenantId),
    certificates: (tenantId) => builtin.certificates(tenantId),
    rootCertificatePem: () => builtin.rootCertificatePem(),
  };
}

/**
 * The signer the services use: the Ed25519 signer for JSON documents, with the PDF signer prepared
 * alongside it (PreparedSigner.pdf) and rotated with it (issue 14 item 5: a new key, a new certificate).
 */
export function withPdfSigning<S extends ManagedSigner>(base: S, pdf: PdfSigner): S & { pdf: PdfSigner } {
  return {
    ...base,
    pdf,
    // The PDF-signing certificate is made when the office first signs a PDF (prepare, before the issuing
    // transaction), or by npm run keys: two RSA keys cost ~0.6 s, too much for every office start.
    ensureKey: (tenantId: string) => base.ensureKey(tenantId),
    // Receipts, statements and lists sign JSON only: the PDF signer (a certificate read, or made the first
    // time) is prepared only for what renders a permit PDF.
    async prepare(tenantId: string, options?: { pdf?: boolean }) {
      if (!options?.pdf) return base.prepare(tenantId);
      const [prepared, pdfSigner] = await Promise.all([base.prepare(tenantId), pdf.prepare(tenantId)]);
      return { ...prepared, pdf: pdfSigner };
    },
    async rotate(tenantId: string) {
      const rotated = await base.rotate(tenantId);
      await pdf.rotate(tenantId);
      return rotated;
    },
  };
}
