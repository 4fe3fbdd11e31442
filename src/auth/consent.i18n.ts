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
  'privacy.record.title': { id: 'Catatan kegiatan pemrosesan data pribadi', en: 'Record of personal data processing' },
  'privacy.record.lead': {
    id: 'Menurut UU PDP Pasal 31 kantor mencatat setiap kegiatan pemrosesan data pribadi. Inilah catatan itu (versi {version}), untuk setiap kegiatan: tujuan, dasar pemrosesan, data, orang yang datanya diproses, penerima, masa simpan dan pengamanannya.',
    en: 'Under UU PDP art. 31 the office records every processing of personal data. This is that record (version {version}), for each activity: its purpose, legal basis, the data, whose data it is, who receives it, how long it is kept and how it is protected.',
  },
  'privacy.record.controller': { id: 'Pengendali data:', en: 'Data controller:' },
  'privacy.record.specific.lead': {
    id: 'Data yang ditandai "data spesifik" (kesehatan, data anak, keuangan pribadi; UU PDP Pasal 4 ayat (2)) dijaga lebih ketat.',
    en: 'Data marked "specific data" (health, children\'s data, personal finance; UU PDP art. 4(2)) is guarded more tightly.',
  },
  'privacy.record.purpose': { id: 'Tujuan', en: 'Purpose' },
  'privacy.record.basis': { id: 'Dasar pemrosesan', en: 'Legal basis' },
  'privacy.record.subjects': { id: 'Data siapa', en: 'Whose data' },
  'privacy.record.data': { id: 'Jenis data', en: 'Kinds of data' },
  'privacy.record.specific': { id: 'data spesifik', en: 'specific data' },
  'privacy.record.recipients': { id: 'Penerima dan pemroses', en: 'Recipients and processors' },
  'privacy.record.none': { id: 'Tidak ada', en: 'None' },
  'privacy.record.retention': { id: 'Masa simpan', en: 'Retention' },
  'privacy.record.safeguards': { id: 'Pengamanan', en: 'Safeguards' },
  'privacy.record.rights': { id: 'Hak Anda', en: 'Your rights' },
  'privacy.record.rights.text': {
    id: 'Anda berhak mendapat informasi, melihat dan memperoleh salinan, memperbaiki, meminta penghapusan, menarik persetujuan, dan mengajukan keberatan atas pemrosesan data pribadi Anda (UU PDP Pasal 5–13). Ajukan melalui kontak kantor.',
    en: "You may be informed, see and get a copy of, correct, ask to erase, withdraw consent to, and object to the processing of your personal data (UU PDP art. 5–13). Ask through the office's contacts.",
  },
  'privacy.record.breach': {
    id: 'Bila terjadi kegagalan pelindungan data pribadi, kantor memberi tahu Anda dan lembaga pelindungan data pribadi secara tertulis paling lambat 3 × 24 jam (UU PDP Pasal 46).',
    en: 'If the protection of personal data fails, the office tells you and the personal data protection authority in writing within 3 × 24 hours (UU PDP art. 46).',
  },
  'account.signout.all.title': { id: 'Keluar dari semua perangkat', en: 'Sign out on all devices' },
  'account.signout.all.lead': {
    id: '"Keluar" di menu hanya mengeluarkan perangkat ini. Lupa keluar di komputer lain, atau ponsel Anda hilang? Keluar dari semua perangkat sekaligus, termasuk yang ini.',
    en: '"Sign out" in the menu signs out this device only. Forgot to sign out on another computer, or lost your phone? Sign out on every device at once, this one included.',
  },
  'account.signout.all.button': { id: 'Keluar dari semua perangkat', en: 'Sign out on all devices' },
} as const satisfies Catalogue;
