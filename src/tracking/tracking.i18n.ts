import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const TRACKING_MESSAGES = {
  'track.title': { id: 'Lacak permohonan', en: 'Track an application' },
  'track.lead': {
    id: 'Tanpa akun. Nomor dan kode lacak ada di tanda terima atau pesan dari kami.',
    en: 'No account needed. The number and tracking code are on your receipt or in our message.',
  },
  'track.number': { id: 'Nomor permohonan', en: 'Application number' },
  'track.number.hint': { id: 'Misalnya {example} (angka nol di depan boleh tidak ditulis)', en: 'For example {example} (the leading zeros may be left out)' },
  'track.code': { id: 'Kode lacak', en: 'Tracking code' },
  'track.code.hint': {
    id: '8 huruf dan angka. Huruf besar atau kecil, spasi dan tanda hubung tidak apa-apa.',
    en: '8 letters and digits. Capitals or small letters, spaces and hyphens are all fine.',
  },
  'track.submit': { id: 'Lacak', en: 'Track' },
  'track.notfound': {
    id: 'Tidak ada permohonan dengan nomor dan kode lacak itu. Periksa kembali tanda terima Anda.',
    en: 'No application has that number and tracking code. Check your receipt again.',
  },
  'track.number.format': {
    id: 'Ini bukan nomor permohonan kantor ini. Nomornya seperti {example}: kode kantor, jenis izin, tahun dan nomor urut.',
    en: 'This is not an application number of this office. Numbers look like {example}: office code, permit type, year and serial.',
  },
  'track.expected': { id: 'Perkiraan selesai', en: 'Expected to finish' },
  'track.step': { id: 'Tahap', en: 'Stage' },
  'track.step.value': { id: 'Langkah {n} dari {of}', en: 'Step {n} of {of}' },
  'track.late.title': { id: 'Permohonan ini melewati perkiraan selesai', en: 'This application is past its expected date' },
  'track.late.told': {
    id: 'Kantor sudah diberi tahu dan kepala kantor memantaunya. Anda tidak perlu melakukan apa pun.',
    en: 'The office has been told and the head of the office is following it up. You do not need to do anything.',
  },
  'track.late.telling': {
    id: 'Kepala kantor diberi tahu secara otomatis dalam beberapa menit. Anda tidak perlu melakukan apa pun.',
    en: 'The head of the office is told automatically within a few minutes. You do not need to do anything.',
  },
  'track.bookmark.title': { id: 'Simpan untuk dilihat lagi', en: 'Save to look again' },
  'track.bookmark.text': {
    id: 'Simpan atau tandai tautan ini untuk melihat permohonan ini lagi tanpa mengetik nomor dan kode. Tautan berlaku sampai {date}.',
    en: 'Save or bookmark this link to see this application again without typing the number and code. The link works until {date}.',
  },
  'track.bookmark.link': { id: 'Tautan lacak permohonan ini', en: 'Tracking link for this application' },
  'track.link.invalid': {
    id: 'Tautan lacak ini tidak sah: mungkin ada bagian yang berubah saat disalin. Lacak dengan nomor dan kode lacak di bawah.',
    en: 'This tracking link is not valid: part of it may have changed when it was copied. Track with the number and tracking code below.',
  },
  'track.link.expired': {
    id: 'Tautan lacak ini sudah kedaluwarsa. Lacak dengan nomor dan kode lacak di bawah untuk mendapat tautan baru.',
    en: 'This tracking link has expired. Track with the number and tracking code below to get a new link.',
  },
  'track.replace': { id: 'Dokumen yang perlu diganti', en: 'Documents to replace' },
} as const satisfies Catalogue;
