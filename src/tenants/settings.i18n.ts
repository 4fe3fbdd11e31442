import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const SETTINGS_MESSAGES = {
  'admin.title': { id: 'Administrasi kantor', en: 'Office administration' },
  'admin.lead': { id: 'Hanya untuk admin. Setiap perubahan dicatat dalam jejak audit.', en: 'For admins only. Every change is recorded in the audit trail.' },
  'admin.settings': { id: 'Pengaturan kantor', en: 'Office settings' },
  'admin.settings.hint': { id: 'Nama, zona waktu, nama host dan identitas kantor.', en: 'Name, time zone, host names and the office’s details.' },
  'admin.settings.lead': { id: 'Perubahan berlaku segera dan dicatat dalam jejak audit.', en: 'Changes apply at once and are recorded in the audit trail.' },
  'admin.settings.name': { id: 'Nama kantor', en: 'Office name' },
  'admin.settings.timeZone': { id: 'Zona waktu', en: 'Time zone' },
  'admin.settings.timeZone.hint': {
    id: 'Nama zona IANA: Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).',
    en: 'An IANA zone name: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).',
  },
  'admin.settings.timeZone.invalid': {
    id: 'Zona waktu: "{value}" tidak dikenal. Gunakan nama IANA seperti Asia/Jakarta.',
    en: 'Time zone: "{value}" is not known. Use an IANA name like Asia/Jakarta.',
  },
  'admin.settings.hostnames': { id: 'Nama host', en: 'Host names' },
  'admin.settings.hostnames.hint': {
    id: 'Satu per baris, tanpa http:// dan tanpa port, misalnya izin.malangkota.go.id. Permintaan ke nama ini dilayani sebagai kantor ini.',
    en: 'One per line, without http:// or a port, for example izin.malangkota.go.id. Requests to these names are served as this office.',
  },
  'admin.settings.host.invalid': {
    id: 'Nama host: "{value}" tidak valid. Gunakan huruf, angka, tanda hubung dan titik saja.',
    en: 'Host names: "{value}" is not valid. Use letters, digits, hyphens and dots only.',
  },
  'admin.settings.host.taken': { id: 'Nama host: "{value}" sudah dipakai kantor lain.', en: 'Host names: "{value}" is already used by another office.' },
  'admin.settings.host.tooMany': { id: 'Nama host: paling banyak {max}.', en: 'Host names: at most {max}.' },
  'admin.settings.branding': { id: 'Identitas kantor', en: 'Office details' },
  'admin.settings.logoText': { id: 'Teks logo', en: 'Logo text' },
  'admin.settings.address': { id: 'Alamat', en: 'Address' },
  'admin.settings.phone': { id: 'Telepon', en: 'Phone' },
  'admin.settings.phone.invalid': {
    id: 'Telepon: isi nomor telepon yang benar, misalnya 0341-751942.',
    en: 'Phone: enter a real phone number, like 0341-751942.',
  },
  'admin.settings.email': { id: 'Email', en: 'Email' },
  'admin.settings.save': { id: 'Simpan pengaturan', en: 'Save the settings' },
  'admin.settings.saved': { id: 'Pengaturan kantor sudah disimpan.', en: 'The office settings have been saved.' },
  'admin.settings.unchanged': { id: 'Tidak ada perubahan.', en: 'Nothing changed.' },
} as const satisfies Catalogue;
