import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const TRACKING_MESSAGES = {
  'track.title': { id: 'Lacak permohonan', en: 'Track an application' },
  'track.lead': {
    id: 'Tanpa akun. Nomor dan kode lacak ada di tanda terima atau pesan dari kami.',
    en: 'No account needed. The number and tracking code are on your receipt or in our message.',
  },
  'track.number': { id: 'Nomor permohonan', en: 'Application number' },
  'track.number.hint': { id: 'Misalnya MLG-PBG-2026-000123', en: 'For example MLG-PBG-2026-000123' },
  'track.code': { id: 'Kode lacak', en: 'Tracking code' },
  'track.code.hint': { id: '8 huruf dan angka', en: '8 letters and digits' },
  'track.submit': { id: 'Lacak', en: 'Track' },
  'track.notfound': {
    id: 'Tidak ada permohonan dengan nomor dan kode lacak itu. Periksa kembali tanda terima Anda.',
    en: 'No application has that number and tracking code. Check your receipt again.',
  },
  'track.replace': { id: 'Dokumen yang perlu diganti', en: 'Documents to replace' },
} as const satisfies Catalogue;
