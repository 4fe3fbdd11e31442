import type { Catalogue } from '../web/i18n.js';

/** The privacy notice page and the consent on the profile (issue 16: a title and a date, not "version pdp-2026-01"). */
export const CONSENT_MESSAGES = {
  'consent.given': { id: '{title} (berlaku {effective}), disetujui {date}', en: '{title} (in force from {effective}), agreed on {date}' },
  'consent.given.undated': { id: '{title}, disetujui {date}', en: '{title}, agreed on {date}' },
  'consent.read': { id: 'Baca pemberitahuan privasi', en: 'Read the privacy notice' },
  'consent.page.effective': { id: 'Berlaku sejak {date}.', en: 'In force from {date}.' },
  'consent.page.law': {
    id: 'Pemberitahuan ini dibuat menurut Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.',
    en: 'This notice is given under Law 27 of 2022 on Personal Data Protection.',
  },
  'account.signout.all.title': { id: 'Keluar dari semua perangkat', en: 'Sign out on all devices' },
  'account.signout.all.lead': {
    id: '"Keluar" di menu hanya mengeluarkan perangkat ini. Lupa keluar di komputer lain, atau ponsel Anda hilang? Keluar dari semua perangkat sekaligus, termasuk yang ini.',
    en: '"Sign out" in the menu signs out this device only. Forgot to sign out on another computer, or lost your phone? Sign out on every device at once, this one included.',
  },
  'account.signout.all.button': { id: 'Keluar dari semua perangkat', en: 'Sign out on all devices' },
} as const satisfies Catalogue;
