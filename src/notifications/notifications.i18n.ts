import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const NOTIFICATIONS_MESSAGES = {
  'mailbox.title': { id: 'Kotak surat pengembangan', en: 'Development mailbox' },
  'mailbox.lead': {
    id: 'Pesan yang akan dikirim lewat email atau WhatsApp. Hanya ada di luar produksi.',
    en: 'Messages that would go out by email or WhatsApp. Only outside production.',
  },
  'mailbox.empty': { id: 'Belum ada pesan.', en: 'No messages yet.' },
} as const satisfies Catalogue;
