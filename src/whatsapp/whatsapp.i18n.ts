import { fillTemplate, type Lang } from '../shared/messages.js';

/**
 * The replies of the office's WhatsApp number, in Bahasa Indonesia and English. Plain text (WhatsApp
 * shows *bold* and line breaks, nothing else); {placeholders} are filled by `waText`. Not page text,
 * so not merged into web/i18n.ts.
 */
export const WHATSAPP_TEXTS = {
  'wa.help': {
    id:
      'Layanan WhatsApp {office}. Kirim:\n' +
      '• *CEK <nomor permohonan>*: status dan langkah berikutnya\n' +
      '• *KUITANSI <nomor permohonan>*: tanda terima\n' +
      '• *IZIN <nomor permohonan>*: tautan verifikasi izin\n' +
      'Dari nomor yang bukan nomor WhatsApp terverifikasi di akun Anda, tambahkan kode lacak dari tanda terima: CEK <nomor> <kode lacak>.\n' +
      'Pertanyaan lain? Tulis saja; petugas membalas pada jam kerja.\n' +
      'Lacak juga di {tracking}',
    en:
      'WhatsApp service of {office}. Send:\n' +
      '• *STATUS <application number>*: where it is and what comes next\n' +
      '• *RECEIPT <application number>*: its receipts\n' +
      '• *PERMIT <application number>*: the permit’s verification link\n' +
      'From a number that is not the verified WhatsApp number of your account, add the tracking code from your receipt: STATUS <number> <tracking code>.\n' +
      'Anything else? Just write; an officer answers during office hours.\n' +
      'You can also track it at {tracking}',
  },
  'wa.usage': {
    id: 'Tulis juga nomor permohonannya, misalnya: *{word} MLG-PBG-2026-000123*. Kirim BANTUAN untuk menu.',
    en: 'Please add the application number, for example: *{word} MLG-PBG-2026-000123*. Send HELP for the menu.',
  },
  /**
   * The one answer for a number that does not exist and for a file this sender may not see, word for
   * word the same (it does not even repeat the number): it reveals nothing.
   */
  'wa.hidden': {
    id:
      'Kami tidak dapat menampilkan permohonan itu untuk nomor WhatsApp ini. Jika Anda pemohonnya, kirim dari nomor WhatsApp yang terverifikasi di akun Anda, ' +
      'atau tambahkan kode lacak dari tanda terima: *{word} <nomor permohonan> <kode lacak>*. Lacak juga di {tracking}',
    en:
      'We cannot show that application to this WhatsApp number. If you are the applicant, send from the verified WhatsApp number of your account, ' +
      'or add the tracking code from your receipt: *{word} <application number> <tracking code>*. You can also track it at {tracking}',
  },
  'wa.status': {
    id: '*{number}*, {permit}\nStatus: *{state}*\nLangkah berikutnya: {next}\nLacak: {tracking}',
    en: '*{number}*, {permit}\nStatus: *{state}*\nNext step: {next}\nTrack it: {tracking}',
  },
  'wa.receipts': { id: 'Tanda terima permohonan {number}:\n{list}', en: 'Receipts of application {number}:\n{list}' },
  'wa.receipt.filing': { id: '• Tanda terima pengajuan: {link}', en: '• Proof of filing: {link}' },
  'wa.receipt.payment': { id: '• Tanda terima pembayaran: {link}', en: '• Proof of payment: {link}' },
  'wa.receipts.none': {
    id: 'Permohonan {number} belum memiliki tanda terima bertanda tangan. Status: *{state}*.',
    en: 'Application {number} has no signed receipt yet. Status: *{state}*.',
  },
  'wa.permit': {
    id: 'Izin {permit} untuk permohonan {number}. Periksa keaslian dan masa berlakunya di {link}',
    en: 'Permit {permit} for application {number}. Check that it is genuine and still valid at {link}',
  },
  'wa.permit.none': {
    id: 'Izin untuk permohonan {number} belum terbit. Status: *{state}*. Langkah berikutnya: {next}',
    en: 'No permit has been issued for application {number} yet. Status: *{state}*. Next step: {next}',
  },
  'wa.ack': {
    id:
      'Terima kasih, pesan Anda sudah kami terima dan akan dibaca petugas pada jam kerja. Kirim BANTUAN untuk menu.\n\n' +
      'Thank you, we have received your message; an officer will read it during office hours. Send HELP for the menu.',
    en: 'Thank you, we have received your message; an officer will read it during office hours. Send HELP for the menu.',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type WhatsAppTextKey = keyof typeof WHATSAPP_TEXTS;

export function waText(lang: Lang, key: WhatsAppTextKey, params: Record<string, string | number> = {}): string {
  return fillTemplate(WHATSAPP_TEXTS[key][lang], params);
}
