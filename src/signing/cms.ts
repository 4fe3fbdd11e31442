import { createHash } from 'node:crypto';
import forge from 'node-forge';

/**
 * The CMS SignedData a PAdES baseline B-B signature carries (ETSI EN 319 142-1 §6.3, CAdES detached):
 * no encapsulated content, SHA-256 message digest, the content-type, message-digest and
 * signing-certificate-v2 signed attributes (no signing-time attribute: PAdES puts the claimed time in
 * the signature dictionary's /M), the signer's certificate and its chain. Built by hand with
 * node-forge's ASN.1 encoder because forge's pkcs7 module knows RSA only and computes the digest
 * itself, while a remote provider gets the digest alone. The key signs the DER of the signed
 * attributes; which algorithm it uses is the caller's.
 */

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ed25519: '1.3.101.112',
} as const;

export type CmsSignatureAlgorithm = 'RSA-SHA256' | 'ECDSA-SHA256' | 'Ed25519';

const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, v);
const octets = (b: Buffer) => asn1.create(U, T.OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(U, T.NULL, false, '');
const tagged = (n: number, v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, true, v);

export const toDer = (a: forge.asn1.Asn1): Buffer => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
export const fromDer = (b: Buffer): forge.asn1.Asn1 => asn1.fromDer(forge.util.createBuffer(b.toString('binary')));

function algorithmIdentifier(alg: CmsSignatureAlgorithm): forge.asn1.Asn1 {
  if (alg === 'RSA-SHA256') return seq([oid(OID.sha256WithRSA), nul()]);
  return seq([oid(alg === 'Ed25519' ? OID.ed25519 : OID.ecdsaWithSHA256)]);
}

/** The issuer Name and serialNumber of a DER certificate, as ASN.1 nodes to re-encode. */
function issuerAndSerial(certDer: Buffer): { issuer: forge.asn1.Asn1; serial: forge.asn1.Asn1 } {
  const tbs = (fromDer(certDer).value as forge.asn1.Asn1[])[0]!;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0; // [0] version is optional
  return { serial: fields[offset]!, issuer: fields[offset + 2]! };
}

/** DER orders a SET OF by the encodings of its members; the signature covers that encoding. */
function derSet(members: forge.asn1.Asn1[]): forge.asn1.Asn1[] {
  return members
    .map((m) => ({ m, d: toDer(m) }))
    .sort((a, b) => Buffer.compare(a.d, b.d))
    .map((x) => x.m);
}

export type CmsInput = {
  /** SHA-256 of the signed bytes (for a PDF: everything but the /Contents hole). */
  contentDigest: Buffer;
  /** The signer's certificate (DER), first, then the chain up to and including the root. */
  certificates: Buffer[];
  algorithm: CmsSignatureAlgorithm;
  /** Signs the DER of the signed attributes (the key hashes with SHA-256, or Ed25519 its own way). */
  sign(signedAttributes: Buffer): Promise<Buffer>;
};

/** The DER of the signed attributes alone (what the key signs), for a provider that signs a digest. */
export function signedAttributes(contentDigest: Buffer, signerCertificate: Buffer): forge.asn1.Asn1[] {
  const { issuer, serial } = issuerAndSerial(signerCertificate);
  const essCertIdV2 = seq([
    octets(createHash('sha256').update(signerCertificate).digest()), // hashAlgorithm DEFAULT sha256: omitted
    seq([seq([tagged(4, [issuer])]), serial]), // IssuerSerial: GeneralNames { directoryName [4] Name }, serial
  ]);
  return derSet([
    seq([oid(OID.contentType), set([oid(OID.data)])]),
    seq([oid(OID.messageDigest), set([octets(contentDigest)])]),
    seq([oid(OID.signingCertificateV2), set([seq([seq([essCertIdV2])])])]),
  ]);
}

/** A detached CAdES SignedData (ContentInfo, DER) over `contentDigest`. */
export async function buildCadesDetached(input: CmsInput): Promise<Buffer> {
  const [signerCert] = input.certificates;
  if (!signerCert) throw new Error('a CMS signature needs the signer certificate');
  if (input.contentDigest.length !== 32) throw new Error('the content digest must be SHA-256 (32 bytes)');
  const attrs = signedAttributes(input.contentDigest, signerCert);
  const signature = await input.sign(toDer(set(attrs)));
  const { issuer, serial } = issuerAndSerial(signerCert);
  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    seq([oid(OID.sha256)]),
    tagged(0, attrs), // [0] IMPLICIT SET OF Attribute
    algorithmIdentifier(input.algorithm),
    octets(signature),
  ]);
  const signedData = seq([
    int(1),
    set([seq([oid(OID.sha256)])]),
    seq([oid(OID.data)]), // detached: no eContent
    tagged(0, input.certificates.map(fromDer)), // [0] IMPLICIT CertificateSet
    set([signerInfo]),
  ]);
  return toDer(seq([oid(OID.signedData), tagged(0, [signedData])]));
}

/** The message-digest signed attribute of a CMS SignedData, or null if it has none (a check on what a provider returns). */
export function messageDigestOf(cms: Buffer): Buffer | null {
  try {
    const contentInfo = fromDer(cms).value as forge.asn1.Asn1[];
    if (asn1.derToOid(forge.util.createBuffer(contentInfo[0]!.value as string)) !== OID.signedData) return null;
    const signedData = ((contentInfo[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[]) ?? [];
    const signerInfos = signedData.at(-1)!.value as forge.asn1.Asn1[];
    const fields = signerInfos[0]!.value as forge.asn1.Asn1[];
    const attrs = fields.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && (f.type as number) === 0);
    for (const attr of (attrs?.value as forge.asn1.Asn1[]) ?? []) {
      const [type, values] = attr.value as forge.asn1.Asn1[];
      if (asn1.derToOid(forge.util.createBuffer(type!.value as string)) !== OID.messageDigest) continue;
      return Buffer.from((values!.value as forge.asn1.Asn1[])[0]!.value as string, 'binary');
    }
    return null;
  } catch {
    return null;
  }
}
