import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * X.509 certificates for PDF signing (ARCHITECTURE decision "PAdES"): a root CA per deployment and,
 * under it, one certificate per office signing key. RSA-2048 with SHA-256: every PDF reader verifies
 * it (Acrobat, Foxit, poppler/NSS, pdf.js-based viewers), and node-forge, the X.509 builder at hand,
 * issues RSA certificates only. Keys are made by node:crypto and handed to forge as PEM.
 */

export type IssuedCertificate = { certificatePem: string; privateKeyPem: string; serial: string; notAfter: string };
export type Subject = { commonName: string; organization: string; organizationalUnit?: string; locality?: string };

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

function subjectAttrs(s: Subject): forge.pki.CertificateField[] {
  return [
    { shortName: 'C', value: 'ID' },
    ...(s.locality ? [{ shortName: 'L', value: s.locality }] : []),
    { shortName: 'O', value: s.organization },
    ...(s.organizationalUnit ? [{ shortName: 'OU', value: s.organizationalUnit }] : []),
    { shortName: 'CN', value: s.commonName },
  ].map((a) => ({ ...a, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }));
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function issue(input: {
  subject: Subject;
  publicKeyPem: string;
  issuer: { certificatePem: string; privateKeyPem: string } | 'self';
  selfPrivateKeyPem?: string;
  ca: boolean;
  now: Date;
  years: number;
}): { certificatePem: string; serial: string; notAfter: string } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(input.publicKeyPem);
  // A positive 16-byte serial (RFC 5280: at most 20 octets, unpredictable).
  const serialBytes = randomBytes(16);
  serialBytes[0] = (serialBytes[0]! & 0x7f) | 0x10;
  cert.serialNumber = serialBytes.toString('hex');
  // A day's slack before: a reader whose clock runs behind still sees a certificate in force.
  cert.validity.notBefore = new Date(input.now.getTime() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(input.now.getTime() + input.years * YEAR_MS);
  cert.setSubject(subjectAttrs(input.subject));
  const issuerCert = input.issuer === 'self' ? null : forge.pki.certificateFromPem(input.issuer.certificatePem);
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subjectAttrs(input.subject));
  const extensions: object[] = input.ca
    ? [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ]
    : [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
      ];
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (issuerCert) {
    const ski = issuerCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
    if (ski?.subjectKeyIdentifier) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ski.subjectKeyIdentifier) });
  }
  cert.setExtensions(extensions);
  const signingKeyPem = input.issuer === 'self' ? input.selfPrivateKeyPem! : input.issuer.privateKeyPem;
  cert.sign(forge.pki.privateKeyFromPem(signingKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), serial: cert.serialNumber, notAfter: cert.validity.notAfter.toISOString() };
}

/** A self-signed root CA (30 years) for the deployment. */
export function createRootCertificate(subject: Subject, now: Date): IssuedCertificate {
  const keys = rsaKeyPair();
  const cert = issue({ subject, publicKeyPem: keys.publicKeyPem, issuer: 'self', selfPrivateKeyPem: keys.privateKeyPem, ca: true, now, years: 30 });
  return { ...cert, privateKeyPem: keys.privateKeyPem };
}

/** A document-signing certificate (10 years) for a new key, issued by `issuer`. */
export function createSigningCertificate(subject: Subject, issuer: { certificatePem: string; privateKeyPem: string }, now: Date): IssuedCertificate {
  const keys = rsaKeyPair();
  const cert = issue({ subject, publicKeyPem: keys.publicKeyPem, issuer, ca: false, now, years: 10 });
  return { ...cert, privateKeyPem: keys.privateKeyPem };
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(new X509Certificate(pem).raw);
}
