import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const HOLIDAYS_MESSAGES = {
  'admin.holidays': { id: 'Kalender hari libur', en: 'Holiday calendar' },
  'admin.holidays.hint': {
    id: 'Libur nasional, cuti bersama dan libur daerah yang dipakai untuk menghitung tenggat layanan.',
    en: 'National holidays, cuti bersama and local holidays that service deadlines are counted with.',
  },
  'admin.holidays.lead': {
    id: 'Hari libur tidak dihitung sebagai hari kerja. Tenggat layanan (SLA) semua berkas langsung mengikuti perubahan di sini.',
    en: 'Holidays do not count as working days. The service deadline (SLA) of every file follows changes made here at once.',
  },
  'admin.holidays.caption': { id: 'Hari libur tahun {year}', en: 'Holidays in {year}' },
  'admin.holidays.years': { id: 'Tahun', en: 'Year' },
  'admin.holidays.none': { id: 'Belum ada hari libur untuk tahun {year}.', en: 'No holidays for {year} yet.' },
  'admin.holidays.col.date': { id: 'Tanggal', en: 'Date' },
  'admin.holidays.col.name': { id: 'Nama', en: 'Name' },
  'admin.holidays.col.kind': { id: 'Jenis', en: 'Kind' },
  'admin.holidays.col.decree': { id: 'Dasar hukum', en: 'Decree' },
  'admin.holidays.col.actions': { id: 'Tindakan', en: 'Actions' },
  'admin.holidays.kind.national': { id: 'Libur nasional', en: 'National holiday' },
  'admin.holidays.kind.cuti_bersama': { id: 'Cuti bersama', en: 'Cuti bersama (joint leave)' },
  'admin.holidays.kind.local': { id: 'Libur daerah', en: 'Local holiday' },
  'admin.holidays.add': { id: 'Tambah hari libur', en: 'Add a holiday' },
  'admin.holidays.correct': { id: 'Perbaiki', en: 'Correct' },
  'admin.holidays.remove': { id: 'Hapus', en: 'Remove' },
  'admin.holidays.form.title': { id: 'Tambah atau perbaiki hari libur', en: 'Add or correct a holiday' },
  'admin.holidays.form.lead': { id: 'Menyimpan tanggal yang sudah ada memperbaiki datanya.', en: 'Saving a date that is already listed corrects it.' },
  'admin.holidays.date': { id: 'Tanggal', en: 'Date' },
  'admin.holidays.date.hint': { id: 'Misalnya 2026-12-24', en: 'For example 2026-12-24' },
  'admin.holidays.date.invalid': { id: 'Tanggal: isi tanggal yang benar, misalnya 2026-12-24.', en: 'Date: enter a real date, like 2026-12-24.' },
  'admin.holidays.kind': { id: 'Jenis hari libur', en: 'Kind of holiday' },
  'admin.holidays.kind.choose': { id: 'Pilih jenis hari libur.', en: 'Choose the kind of holiday.' },
  'admin.holidays.name': { id: 'Nama hari libur', en: 'Name of the holiday' },
  'admin.holidays.decree': { id: 'Dasar hukum', en: 'Decree' },
  'admin.holidays.decree.hint': {
    id: 'Surat keputusan yang menetapkan hari ini, misalnya SKB 3 Menteri 2026 atau Keputusan Wali Kota.',
    en: 'The decree that sets this day, for example SKB 3 Menteri 2026 or a mayor’s decree.',
  },
  'admin.holidays.save': { id: 'Simpan hari libur', en: 'Save the holiday' },
  'admin.holidays.saved': {
    id: 'Hari libur {date} sudah disimpan; tenggat layanan mengikutinya.',
    en: 'The holiday on {date} has been saved; service deadlines follow it.',
  },
  'admin.holidays.remove.title': { id: 'Hapus hari libur {date}?', en: 'Remove the holiday on {date}?' },
  'admin.holidays.remove.reason': { id: 'Dasar penghapusan', en: 'Grounds for removing it' },
  'admin.holidays.remove.reason.hint': {
    id: 'Surat keputusan atau alasan yang membatalkan hari libur ini. Dicatat dalam jejak audit.',
    en: 'The decree or reason that cancels this holiday. It is recorded in the audit trail.',
  },
  'admin.holidays.remove.confirm': { id: 'Ya, hapus hari libur', en: 'Yes, remove the holiday' },
  'admin.holidays.removed': {
    id: 'Hari libur {date} sudah dihapus; tenggat layanan mengikutinya.',
    en: 'The holiday on {date} has been removed; service deadlines follow it.',
  },
  'calendar.gap.title': { id: 'Hari libur {year} belum dimasukkan', en: 'The {year} holidays are not entered yet' },
  'calendar.gap.text': {
    id: 'Kalender kantor belum punya hari libur nasional dan cuti bersama tahun {year}. Tenggat layanan (SLA) yang jatuh di tahun itu masih sementara dan bisa bergeser.',
    en: 'The office calendar has no national holidays or cuti bersama for {year}. Service deadlines (SLA) that fall in that year are provisional and may move.',
  },
  'calendar.gap.action': { id: 'Masukkan hari libur {year}', en: 'Enter the {year} holidays' },
  'calendar.gap.ask': { id: 'Minta admin kantor memasukkannya.', en: 'Ask the office admin to enter them.' },
} as const satisfies Catalogue;
