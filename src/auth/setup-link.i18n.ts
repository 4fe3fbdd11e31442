import type { Catalogue } from '../web/i18n.js';

/** Page text for the first admin's set-up link, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const SETUP_LINK_MESSAGES = {
  'setup.title': { id: 'Siapkan akun admin kantor', en: 'Set up the office’s admin account' },
  'setup.lead': {
    id: 'Anda adalah admin pertama kantor ini. Pilih kata sandi, lalu pasang aplikasi autentikator di ponsel Anda.',
    en: 'You are this office’s first admin. Choose a password, then set up an authenticator app on your phone.',
  },
  'setup.office': { id: 'Kantor', en: 'Office' },
  'setup.email': { id: 'Email untuk masuk', en: 'Sign-in email' },
  'setup.expires': { id: 'Tautan berlaku sampai', en: 'Link valid until' },
  'setup.password': { id: 'Kata sandi baru', en: 'New password' },
  'setup.password.hint': {
    id: 'Paling sedikit 12 karakter. Jangan memakai nama atau email Anda, atau kata sandi yang umum.',
    en: 'At least 12 characters. Do not use your name or email, or a common password.',
  },
  'setup.passwordAgain': { id: 'Ketik ulang kata sandi', en: 'Type the password again' },
  'setup.passwordAgain.differs': {
    id: 'Kedua kata sandi tidak sama. Ketik ulang kata sandi yang sama.',
    en: 'The two passwords differ. Type the same password again.',
  },
  'setup.next': {
    id: 'Langkah berikutnya: memindai kode QR dengan aplikasi autentikator (misalnya Google Authenticator atau Aegis).',
    en: 'Next step: scanning a QR code with an authenticator app (such as Google Authenticator or Aegis).',
  },
  'setup.submit': { id: 'Simpan kata sandi dan lanjutkan', en: 'Save the password and continue' },
  'setup.closed.unknown.title': { id: 'Tautan ini tidak dikenal', en: 'This link is not known' },
  'setup.closed.unknown.text': {
    id: 'Tautan penyiapan ini tidak ada di kantor ini. Periksa apakah tautan disalin utuh.',
    en: 'This set-up link does not exist at this office. Check that the whole link was copied.',
  },
  'setup.closed.expired.title': { id: 'Tautan ini sudah kedaluwarsa', en: 'This link has expired' },
  'setup.closed.expired.text': {
    id: 'Tautan penyiapan hanya berlaku 24 jam. Akun admin belum disiapkan dan tidak ada yang berubah.',
    en: 'A set-up link is valid for 24 hours only. The admin account has not been set up and nothing has changed.',
  },
  'setup.closed.used.title': { id: 'Tautan ini sudah dipakai', en: 'This link has been used' },
  'setup.closed.used.text': {
    id: 'Tautan penyiapan hanya bisa dipakai sekali, dan akun admin sudah diberi kata sandi. Silakan masuk dengan email dan kata sandi itu.',
    en: 'A set-up link works once, and the admin account already has its password. Sign in with that email and password.',
  },
  'setup.closed.ended.title': { id: 'Tautan ini tidak berlaku lagi', en: 'This link no longer works' },
  'setup.closed.ended.text': {
    id: 'Tautan yang lebih baru sudah dibuat untuk akun ini, jadi tautan ini tidak berlaku lagi.',
    en: 'A newer link was made for this account, so this one no longer works.',
  },
  'setup.closed.what': {
    id: 'Minta operator server membuat tautan baru dengan perintah: npm run office:setup-link -- --code {code}',
    en: 'Ask the server’s operator to make a new link with the command: npm run office:setup-link -- --code {code}',
  },
  'setup.closed.signin': { id: 'Masuk', en: 'Sign in' },
} as const satisfies Catalogue;
