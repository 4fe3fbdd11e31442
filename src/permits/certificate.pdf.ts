import { PageSizes, PDFDocument, type PDFFont, type PDFImage, type PDFPage, rgb, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import { characters, embedPdfFonts, printable, textWidth as fontTextWidth } from '../shared/pdf-fonts.js';
import { localDate } from '../shared/time.js';
import { addSignaturePlaceholder } from '../signing/pades.js';
import { dateText } from './permit.document.js';

export type CertificateData = {
  office: { code: string; name: string; address: string | null };
  /** Permit title in Indonesian, e.g. "SURAT IZIN PRAKTIK DOKTER", and in English (shown smaller). */
  title: { id: string; en: string };
  number: string; // e.g. "SIPDOK/00012/MLG/2026"
  holder: { name: string; nikMasked: string | null }; // NIK already masked by the caller, e.g. "3573••••••••••02"
  subject: { label: string; value: string }[]; // label in Indonesian; 0..12 rows; values may be long (up to ~500 chars) -> wrap
  conditions: string[]; // Indonesian; 0..10 items; wrap long lines
  validFrom: string; // YYYY-MM-DD
  validUntil: string | null; // null = no expiry ("berlaku selama ... tidak berubah" / "Tidak ada masa berlaku")
  issuedAt: string; // ISO timestamp
  timeZone: string; // e.g. "Asia/Jakarta", for printing the issue date
  signer: { name: string; position: string };
  /** The QR encodes `qr` (the sealed address, docs/verification.md) or else `url`; `url` and `code` are printed for people who type (e.g. "K7Q2M-9XD3F"). */
  verification: { url: string; code: string; qr?: string };
  keyId: string; // signing key id, printed small ("Ditandatangani secara elektronik, kunci ...")
  supersedes: string | null; // number of the permit this one replaces (re-issue), printed if present
  /** The PAdES signature's visible block and the signature field under it (src/signing/pades.ts); absent: no PDF signature. */
  pdfSignature?: PdfSignatureBlock | null;
};

/** What the visible signature block says: the certificate's name, and whether a certified provider vouches for it. */
export type PdfSignatureBlock = { signerName: string; certified: boolean; provider: string | null };

/** "2026-11-28" -> "28 November 2026" (permit.document.ts writes dates by hand, not with ICU data). */
const tanggal = (ymd: string): string => dateText(ymd).id;

/** The calendar date of an instant in the office's time zone (a 20:00 UTC issue is the next day in Jakarta). */
const dateIn = (iso: string, timeZone: string): string => tanggal(localDate(iso, timeZone));

const [PAGE_W, PAGE_H] = PageSizes.A4;
const MARGIN = 56; // about 2 cm
const WIDTH = PAGE_W - 2 * MARGIN;
const TOP = PAGE_H - 42;
const BODY_BOTTOM = 72; // the footer lives below this on every page
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.38, 0.38, 0.38);
const BODY = 10;
const LABEL_W = 140;
const COLUMN = 220; // each half of the closing block
/** The QR image, its 2-module quiet zone included: 130 pt is 45.9 mm, the symbol itself at least 40 mm (issue 14). */
const QR_SIZE = 130;

type Fonts = { regular: PDFFont; bold: PDFFont; mono: PDFFont };
type Style = { font?: PDFFont; size?: number; color?: RGB; x?: number; width?: number; align?: 'left' | 'center' | 'right' };
/** Where the next line goes; body text flows onto a new page when it reaches the footer. */
type Cursor = { doc: PDFDocument; fonts: Fonts; page: PDFPage; y: number };

const leading = (size: number) => size * 1.35;

/** The width drawText will draw, from the embedded font's own advance widths (see shared/pdf-fonts.ts). */
function textWidth(font: PDFFont, text: string, size: number): number {
  return fontTextWidth(font, text, size);
}

/** Word wrap by measured width; a word wider than the column (a URL, a long code) is cut where it must be, never inside a letter. */
function wrap(raw: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (s: string) => textWidth(font, s, size) <= maxWidth;
  const lines: string[] = [];
  let line = '';
  for (const word of printable(raw, font).split(' ').filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (!fits(line)) {
      const chars = characters(line);
      let cut = chars.length - 1;
      while (cut > 1 && !fits(chars.slice(0, cut).join(''))) cut--;
      lines.push(chars.slice(0, cut).join(''));
      line = chars.slice(cut).join('');
    }
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

/** Draws wrapped text on `page` with its first baseline just under `top`; returns the y under the last line. */
function block(page: PDFPage, fonts: Fonts, text: string, top: number, s: Style = {}): number {
  const font = s.font ?? fonts.regular,
    size = s.size ?? BODY,
    x = s.x ?? MARGIN,
    width = s.width ?? WIDTH;
  let y = top;
  for (const line of wrap(text, font, size, width)) {
    const w = textWidth(font, line, size);
    const dx = s.align === 'center' ? (width - w) / 2 : s.align === 'right' ? width - w : 0;
    page.drawText(line, { x: x + dx, y: y - size, font, size, color: s.color ?? BLACK });
    y -= leading(size);
  }
  return y;
}

function newPageIfShort(c: Cursor, height: number, bottom = BODY_BOTTOM): void {
  if (c.y - height >= bottom) return;
  c.page = c.doc.addPage(PageSizes.A4);
  c.y = TOP;
}

/** Flowing text: moves to a new page first if the whole paragraph would not fit (paragraphs here are short). */
function para(c: Cursor, text: string, s: Style = {}, gapAfter = 0): void {
  const size = s.size ?? BODY;
  newPageIfShort(c, wrap(text, s.font ?? c.fonts.regular, size, s.width ?? WIDTH).length * leading(size));
  c.y = block(c.page, c.fonts, text, c.y, s) - gapAfter;
}

function rule(c: Cursor, thickness: number, gapAfter: number): void {
  c.page.drawLine({ start: { x: MARGIN, y: c.y }, end: { x: PAGE_W - MARGIN, y: c.y }, thickness, color: BLACK });
  c.y -= gapAfter;
}

/** "Label   : value", the layout of Indonesian official letters; both columns wrap. */
function row(c: Cursor, label: string, value: string): void {
  const valueX = MARGIN + LABEL_W + 10,
    valueW = WIDTH - LABEL_W - 10;
  const lines = Math.max(wrap(label, c.fonts.regular, BODY, LABEL_W - 4).length, wrap(value, c.fonts.regular, BODY, valueW).length);
  newPageIfShort(c, lines * leading(BODY));
  const labelEnd = block(c.page, c.fonts, label, c.y, { width: LABEL_W - 4 });
  block(c.page, c.fonts, ':', c.y, { x: MARGIN + LABEL_W });
  c.y = Math.min(labelEnd, block(c.page, c.fonts, value, c.y, { x: valueX, width: valueW })) - 3;
}

function header(c: Cursor, d: CertificateData): void {
  para(c, d.office.name, { font: c.fonts.bold, size: 13, align: 'center' }, 2);
  if (d.office.address) para(c, d.office.address, { size: 9, align: 'center' });
  c.y -= 4;
  rule(c, 1.6, 2.5); // the double rule under a kop surat
  rule(c, 0.5, 22);
  para(c, d.title.id, { font: c.fonts.bold, size: 16, align: 'center' }, 1);
  para(c, d.title.en, { size: 9, color: GREY, align: 'center' }, 4);
  para(c, `Nomor: ${d.number}`, { size: BODY, align: 'center' }, 18);
}

function body(c: Cursor, d: CertificateData): void {
  para(c, 'Diberikan kepada:', {}, 6);
  row(c, 'Nama pemegang', d.holder.name);
  if (d.holder.nikMasked) row(c, 'NIK', d.holder.nikMasked);
  for (const s of d.subject) row(c, s.label, s.value);
  c.y -= 12;
  if (d.conditions.length) {
    para(c, 'Ketentuan:', { font: c.fonts.bold }, 4);
    d.conditions.forEach((text, i) => {
      newPageIfShort(c, wrap(text, c.fonts.regular, BODY, WIDTH - 20).length * leading(BODY));
      block(c.page, c.fonts, `${i + 1}.`, c.y);
      c.y = block(c.page, c.fonts, text, c.y, { x: MARGIN + 20, width: WIDTH - 20 }) - 3;
    });
    c.y -= 12;
  }
  const from = tanggal(d.validFrom);
  para(
    c,
    d.validUntil
      ? `Berlaku sejak ${from} sampai dengan ${tanggal(d.validUntil)}.`
      : `Berlaku sejak ${from}. Berlaku tanpa batas waktu selama ketentuan dipenuhi.`,
    {},
    4,
  );
  if (d.supersedes) para(c, `Menggantikan izin nomor ${d.supersedes}.`, {}, 4);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Stacked text that can be measured before it is drawn; `gap` is the space above it. */
type Piece = { text: string; style: Style; gap: number };

function piecesHeight(fonts: Fonts, pieces: Piece[]): number {
  return pieces.reduce((h, p) => {
    const size = p.style.size ?? BODY;
    return h + p.gap + wrap(p.text, p.style.font ?? fonts.regular, size, p.style.width ?? WIDTH).length * leading(size);
  }, 0);
}

function drawPieces(page: PDFPage, fonts: Fonts, pieces: Piece[], top: number): number {
  return pieces.reduce((y, p) => block(page, fonts, p.text, y - p.gap, p.style), top);
}

const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/** "20 November 2026 10.00 WIB": the signing time as the office reads it. */
function timeIn(iso: string, timeZone: string): string {
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  return `${dateIn(iso, timeZone)} ${hm.replace(':', '.')} ${ZONES[timeZone] ?? timeZone}`;
}

/** The visible PAdES block under the signer's name: signer, office, time, and whether the identity is verified. */
function signaturePieces(d: CertificateData, sig: PdfSignatureBlock, x: number): Piece[] {
  const style: Style = { x, width: COLUMN, size: 6.5, color: GREY };
  return [
    `Ditandatangani secara digital oleh / Digitally signed by: ${sig.signerName}`,
    `Kantor / Office: ${d.office.name}`,
    `Waktu / Time: ${timeIn(d.issuedAt, d.timeZone)}`,
    sig.certified
      ? `Identitas terverifikasi oleh ${sig.provider ?? 'PSrE'} / Identity verified`
      : 'Identitas belum diverifikasi (sertifikat Izol) / Identity not verified',
  ].map((text, i) => ({ text, style, gap: i === 0 ? 14 : 0 }));
}

type SignatureArea = { page: PDFPage; rect: [number, number, number, number] };

/**
 * QR and verification code bottom left, signature bottom right, the scan note under both: measured
 * first, so a long signer name or URL pushes the block up (or onto a page of its own) rather than
 * into the footer.
 */
function closing(c: Cursor, d: CertificateData, qr: PDFImage): SignatureArea | null {
  const { fonts } = c;
  const x = PAGE_W - MARGIN - COLUMN;
  const left: Piece[] = [
    { text: d.verification.code, style: { font: fonts.mono, size: 13, width: COLUMN }, gap: QR_SIZE + 6 },
    { text: d.verification.url, style: { size: 7, width: COLUMN, color: GREY }, gap: -2 },
  ];
  const right: Piece[] = [
    { text: `Ditetapkan pada ${dateIn(d.issuedAt, d.timeZone)}`, style: { x, width: COLUMN }, gap: 0 },
    { text: d.signer.position, style: { x, width: COLUMN, font: fonts.bold }, gap: 4 },
    { text: 'Ditandatangani secara elektronik', style: { x, width: COLUMN, size: 8.5, color: GREY }, gap: 10 },
    { text: d.signer.name, style: { x, width: COLUMN, font: fonts.bold, size: 11 }, gap: 24 },
  ];
  const note: Piece[] = [
    { text: `Pindai kode QR atau buka ${hostOf(d.verification.url)}/verifikasi dan ketik kode ini untuk memeriksa keaslian.`, style: { size: 7.5 }, gap: 14 },
    { text: 'Scan or type this code to check it is genuine.', style: { size: 7.5, color: GREY }, gap: 0 },
  ];
  const signature = d.pdfSignature ? signaturePieces(d, d.pdfSignature, x) : [];
  const columns = Math.max(piecesHeight(fonts, left), piecesHeight(fonts, right) + piecesHeight(fonts, signature));
  const top = BODY_BOTTOM + 6 + columns + piecesHeight(fonts, note);
  newPageIfShort(c, 16, top);

  const { page } = c;
  page.drawImage(qr, { x: MARGIN - 4, y: top - QR_SIZE, width: QR_SIZE, height: QR_SIZE }); // -4: the quiet zone
  drawPieces(page, fonts, left, top);
  const nameBottom = drawPieces(page, fonts, right, top);
  const lastNameLine = wrap(d.signer.name, fonts.bold, 11, COLUMN).at(-1) ?? '';
  page.drawLine({ start: { x, y: nameBottom + 2 }, end: { x: x + textWidth(fonts.bold, lastNameLine, 11), y: nameBottom + 2 }, thickness: 0.6 });
  drawPieces(page, fonts, note, top - columns);
  if (!signature.length) return null;
  const blockTop = nameBottom - 10;
  const blockBottom = drawPieces(page, fonts, signature, nameBottom) - 2;
  page.drawRectangle({ x: x - 4, y: blockBottom, width: COLUMN + 8, height: blockTop - blockBottom, borderColor: GREY, borderWidth: 0.5 });
  return { page, rect: [x - 4, blockBottom, x + COLUMN + 4, blockTop] };
}

function footers(doc: PDFDocument, fonts: Fonts, d: CertificateData): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    page.drawLine({ start: { x: MARGIN, y: BODY_BOTTOM - 10 }, end: { x: PAGE_W - MARGIN, y: BODY_BOTTOM - 10 }, thickness: 0.4, color: GREY });
    const small = { size: 7, color: GREY };
    const y = block(page, fonts, `Dokumen ini ditandatangani secara elektronik (Ed25519, kunci ${d.keyId}).`, BODY_BOTTOM - 16, small);
    block(page, fonts, 'Perubahan sekecil apa pun membuat dokumen tidak sah.', y, small);
    if (pages.length > 1) block(page, fonts, `${d.number} - halaman ${i + 1} dari ${pages.length}`, y, { ...small, align: 'right' });
  });
}

/**
 * The printable permit, in subsets of DejaVu Sans (see shared/pdf-fonts.ts), so names and addresses print
 * as entered; every input string passes through `printable` inside `wrap`, which replaces what the font
 * cannot draw (emoji, CJK) with a visible placeholder instead of failing.
 * Deterministic: the same data gives the same bytes (pdf-lib writes no random /ID, dates come from issuedAt),
 * so a re-render can be compared with what was signed.
 */
export async function renderCertificatePdf(data: CertificateData): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts: Fonts = await embedPdfFonts(doc);
  // Level Q: a quarter of the code may be smudged or folded and it still reads (a sealed code is long).
  // 4 pixels a module: rendered at 150 dpi (about 3 pixels a module) it read 40 of 40 times, where 8 gave 13 of 25.
  const qr = await doc.embedPng(await QRCode.toBuffer(data.verification.qr ?? data.verification.url, { errorCorrectionLevel: 'Q', margin: 2, scale: 4 }));

  const c: Cursor = { doc, fonts, page: doc.addPage(PageSizes.A4), y: TOP };
  header(c, data);
  body(c, data);
  const signatureArea = closing(c, data, qr);
  footers(doc, fonts, data);

  const issued = new Date(data.issuedAt);
  doc.setTitle(`${data.title.id} ${data.number}`); // metadata is UTF-16, so it keeps the diacritics
  doc.setAuthor(data.office.name);
  doc.setSubject(`${data.title.en} ${data.number}`);
  doc.setProducer('Izol');
  doc.setCreator('Izol');
  doc.setLanguage('id-ID');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  if (signatureArea && data.pdfSignature) {
    // The signature field over the visible block; src/signing/pades.ts signPdf fills its /Contents.
    addSignaturePlaceholder(doc, {
      ...signatureArea,
      name: data.pdfSignature.signerName,
      reason: `Penerbitan izin ${data.number}`,
      location: data.office.name,
      contactInfo: data.verification.url,
      signingTime: issued,
    });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
