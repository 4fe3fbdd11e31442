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
  'admin.settings.address.hint': {
    id: 'Ditampilkan di kaki setiap halaman publik, dengan tautan ke peta.',
    en: 'Shown in the footer of every public page, with a link to a map.',
  },
  'admin.settings.help': { id: 'Kontak bantuan untuk warga', en: 'Help contacts for citizens' },
  'admin.settings.help.hint': {
    id: 'Ditampilkan di kaki setiap halaman publik dan halaman kesalahan. Semua boleh kosong: yang kosong tidak ditampilkan.',
    en: 'Shown in the footer of every public page and error page. All are optional: an empty one is not shown.',
  },
  'admin.settings.whatsapp': { id: 'Nomor WhatsApp kantor', en: 'Office WhatsApp number' },
  'admin.settings.whatsapp.hint': { id: 'Nomor HP Indonesia, misalnya 0812-3456-7890.', en: 'An Indonesian mobile number, for example 0812-3456-7890.' },
  'admin.settings.whatsapp.invalid': {
    id: 'Nomor WhatsApp kantor: isi nomor HP Indonesia yang diawali 08 atau +62, misalnya 0812-3456-7890.',
    en: 'Office WhatsApp number: enter an Indonesian mobile number starting with 08 or +62, for example 0812-3456-7890.',
  },
  'admin.settings.instagram': { id: 'Akun Instagram', en: 'Instagram account' },
  'admin.settings.instagram.hint': {
    id: 'Nama akun saja, tanpa alamat web, misalnya dpmptsp.kotamalang.',
    en: 'The account name only, without a web address, for example dpmptsp.kotamalang.',
  },
  'admin.settings.instagram.invalid': {
    id: 'Akun Instagram: gunakan huruf, angka, titik dan garis bawah saja (paling banyak 30), misalnya dpmptsp.kotamalang.',
    en: 'Instagram account: use only letters, digits, dots and underscores (at most 30), for example dpmptsp.kotamalang.',
  },
  'admin.settings.facebook': { id: 'Halaman Facebook', en: 'Facebook page' },
  'admin.settings.facebook.hint': {
    id: 'Nama halaman saja, tanpa alamat web, misalnya dpmptsp.kotamalang.',
    en: 'The page name only, without a web address, for example dpmptsp.kotamalang.',
  },
  'admin.settings.facebook.invalid': {
    id: 'Halaman Facebook: gunakan huruf, angka dan titik saja (5 sampai 50), misalnya dpmptsp.kotamalang.',
    en: 'Facebook page: use only letters, digits and dots (5 to 50), for example dpmptsp.kotamalang.',
  },
  'admin.settings.hours': { id: 'Jam buka', en: 'Opening hours' },
  'admin.settings.hours.hint': { id: 'Misalnya Senin–Jumat 08.00–15.00.', en: 'For example Senin–Jumat 08.00–15.00.' },
  'footer.contacts': { id: 'Kontak kantor', en: 'Contact the office' },
  'footer.whatsapp': { id: 'WhatsApp kantor: {number}', en: 'Office WhatsApp: {number}' },
  'footer.instagram': { id: 'Instagram kantor: @{handle}', en: 'Office Instagram: @{handle}' },
  'footer.facebook': { id: 'Facebook kantor: {handle}', en: 'Office Facebook: {handle}' },
  'footer.address': { id: 'Alamat', en: 'Address' },
  'footer.map': { id: 'Lihat alamat kantor di peta', en: 'See the office’s address on a map' },
  'footer.hours': { id: 'Jam buka', en: 'Opening hours' },
  'admin.settings.save': { id: 'Simpan pengaturan', en: 'Save the settings' },
  'admin.settings.saved': { id: 'Pengaturan kantor sudah disimpan.', en: 'The office settings have been saved.' },
  'admin.settings.unchanged': { id: 'Tidak ada perubahan.', en: 'Nothing changed.' },
} as const satisfies Catalogue;
