import type { Catalogue } from '../web/i18n.js';

/** The applicant's list, a draft's deletion and the receipt's labelled codes (issue 16, "smaller things seen"). */
export const MY_APPLICATIONS_MESSAGES = {
  'mine.draft.unnumbered': {
    id: 'Belum diajukan: nomor permohonan diberikan saat Anda mengajukannya.',
    en: 'Not submitted yet: the application number is given when you submit it.',
  },
  'mine.draft.deleted': { id: 'Draf sudah dihapus.', en: 'The draft has been deleted.' },
  'draft.delete.link': { id: 'Hapus draf ini', en: 'Delete this draft' },
  'draft.delete.title': { id: 'Hapus draf ini?', en: 'Delete this draft?' },
  'draft.delete.lead': {
    id: 'Draf {permit} ini belum pernah diajukan, jadi kantor belum menerimanya dan belum ada nomornya. Setelah dihapus, draf hilang dari "Permohonan saya" dan tidak dapat dilanjutkan; Anda bisa mulai permohonan baru kapan saja.',
    en: 'This {permit} draft was never submitted, so the office has not received it and it has no number. Once deleted it leaves "My applications" and cannot be continued; you can start a new application at any time.',
  },
  'draft.delete.files': {
    id: 'Dokumen yang sudah Anda unggah ke draf ini tidak dikirim ke siapa pun. Dokumen itu tetap tersimpan bersama catatan draf yang dihapus (sebagai bukti, seperti berkas yang ditarik) dan tetap dihitung dalam batas unggahan akun Anda.',
    en: 'The documents you uploaded to this draft are not sent to anyone. They are kept with the record of the deleted draft (as evidence, like a withdrawn file) and still count towards your account’s upload allowance.',
  },
  'draft.delete.confirm': { id: 'Ya, hapus draf', en: 'Yes, delete the draft' },
  'draft.delete.cancel': { id: 'Tidak, kembali ke draf', en: 'No, back to the draft' },
  'receipt.number.for': {
    id: 'Sebutkan nomor ini bila Anda menghubungi kantor; nomor ini juga ada di "Permohonan saya".',
    en: 'Give this number when you contact the office; it is also in "My applications".',
  },
  'receipt.code.for': {
    id: 'Bersama nomor permohonan, kode ini membuka pelacakan di {url} tanpa masuk akun. Jangan bagikan kepada orang yang tidak perlu mengetahui status permohonan Anda.',
    en: 'With the application number, this code opens tracking at {url} without signing in. Share it only with people who may see how your application is doing.',
  },
} as const satisfies Catalogue;
