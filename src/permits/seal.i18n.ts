import type { Catalogue } from '../web/i18n.js';

/** The sealed QR code's verification page (/V/…, issue 14), in Bahasa Indonesia (default) and English. */
export const SEAL_MESSAGES = {
  'seal.valid.text': {
    id: 'Segel elektronik dalam kode QR cocok dengan kunci {office}: data di bawah ini berasal dari kantor dan tidak diubah.',
    en: 'The electronic seal in the QR code matches a key of {office}: the data below comes from the office, unchanged.',
  },
  'seal.expired.text': {
    id: 'Segel elektronik dalam kode QR asli, tetapi izin ini berlaku sampai dengan {date}.',
    en: 'The electronic seal in the QR code is genuine, but this permit was valid until {date}.',
  },
  'seal.not_authentic.text': {
    id: 'Kode QR ini tidak memuat segel yang sah dari kantor ini: isinya diubah, rusak, atau dibuat pihak lain. Jangan mengandalkan dokumen ini; periksa dengan kode verifikasi yang tercetak atau hubungi kantor.',
    en: 'This QR code holds no valid seal of this office: it was changed, damaged or made by someone else. Do not rely on this document; check the printed verification code or contact the office.',
  },
  'seal.data': { id: 'Data dalam segel', en: 'What the seal says' },
  'seal.type': { id: 'Kode jenis izin', en: 'Permit type code' },
  'seal.subject': { id: 'Keterangan', en: 'Subject' },
  'seal.until': { id: 'Berlaku sampai dengan', en: 'Valid until' },
  'seal.until.none': { id: 'Tanpa batas waktu', en: 'No expiry' },
  'seal.office': { id: 'Kode kantor', en: 'Office code' },
  'seal.key': { id: 'Kunci penanda tangan', en: 'Signing key' },
  'seal.online': { id: 'Status di catatan kantor saat ini', en: 'Status in the office’s records now' },
  'seal.online.not_found': { id: 'Tidak ditemukan di catatan kantor', en: 'Not found in the office’s records' },
  'seal.record': { id: 'Lihat catatan lengkap izin ini', en: 'See this permit’s full record' },
  'seal.offline': {
    id: 'Segel ini dapat diperiksa tanpa internet dengan kunci publik kantor; cara memeriksanya dijelaskan di dokumentasi verifikasi.',
    en: 'This seal can be checked without internet using the office’s public keys; the verification documentation explains how.',
  },
} as const satisfies Catalogue;
