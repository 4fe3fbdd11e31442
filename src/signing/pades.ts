import { createHash } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer as SignPdfSigner, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import type { PDFDocument, PDFPage } from 'pdf-lib';

/**
 * PAdES baseline B-B (ETSI EN 319 142-1) on a pdf-lib document: a signature field whose dictionary
 * has /SubFilter /ETSI.CAdES.detached and a /Contents hole, then a ByteRange covering every byte but
 * that hole, and the CMS over their SHA-256 written into it. @signpdf does the byte surgery; the CMS
 * comes from a PdfSignature (cms.ts, built in or from a certified provider).
 */

/** Room for the CMS: two or three RSA certificates and the signature take about 3 KB; a provider's chain can be longer. */
export const SIGNATURE_BYTES = 12_288;

/** Makes the CMS for the SHA-256 of the signed byte ranges. */
export type PdfSignature = (contentDigest: Buffer, signingTime: Date) => Promise<Buffer>;

export type PlaceholderInput = {
  page: PDFPage;
  /** [x1, y1, x2, y2]: the visible signature block, so a reader's click on it opens the signature. */
  rect: [number, number, number, number];
  /** The signer's name as the dictionary's /Name (readers show the certificate's name anyway). */
  name: string;
  reason: string;
  location: string;
  contactInfo: string;
  signingTime: Date;
};

export function addSignaturePlaceholder(doc: PDFDocument, input: PlaceholderInput): void {
  pdflibAddPlaceholder({
    pdfDoc: doc,
    pdfPage: input.page,
    reason: input.reason,
    contactInfo: input.contactInfo,
    name: input.name,
    location: input.location,
    signingTime: input.signingTime,
    signatureLength: SIGNATURE_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: input.rect,
    appName: 'Izol',
  });
}

class DigestSigner extends SignPdfSigner {
  constructor(private readonly signature: PdfSignature) {
    super();
  }
  override async sign(signedBytes: Buffer, signingTime?: Date): Promise<Buffer> {
    return this.signature(createHash('sha256').update(signedBytes).digest(), signingTime ?? new Date());
  }
}

/** Fills the placeholder of `pdf` (saved with addSignaturePlaceholder) with a signature over the whole file. */
export async function signPdf(pdf: Buffer, signature: PdfSignature, signingTime: Date): Promise<Buffer> {
  return new SignPdf().sign(pdf, new DigestSigner(signature), signingTime);
}
