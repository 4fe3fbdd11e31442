import type { Catalogue } from '../web/i18n.js';

/**
 * Page text for the offline verifier (/verifikasi/luring), Indonesian first; merged into web/i18n.ts.
 * Keys under `luring.js.` are handed to the page's script (it writes the verdicts in the page's language).
 */
export const OFFLINE_VERIFIER_MESSAGES = {
  'luring.title': { id: 'Periksa izin tanpa internet', en: 'Check a permit offline' },
  'luring.lead': {
    id: 'Untuk petugas lapangan dan siapa pun yang memeriksa izin di tempat tanpa sinyal. Buka halaman ini sekali selagi tersambung ke internet: setelah itu halaman ini tetap bekerja tanpa internet dan memeriksa segel digital pada kode QR izin dengan kunci publik kantor yang tersimpan di perangkat.',
    en: 'For field officers and anyone who checks permits where there is no signal. Open this page once while online: after that it keeps working without the internet and checks the digital seal in a permit’s QR code with the office’s public keys stored on the device.',
  },
  'luring.nojs.heading': { id: 'Halaman ini memerlukan JavaScript', en: 'This page needs JavaScript' },
  'luring.nojs.text': {
    id: 'Pemeriksaan tanpa internet berjalan di peramban Anda dan memerlukan JavaScript, yang tidak aktif di sini. Periksa izin secara online dengan kode verifikasinya di halaman Periksa keaslian izin.',
    en: 'The offline check runs in your browser and needs JavaScript, which is not running here. Check the permit online with its verification code on the page Check a permit is genuine.',
  },
  'luring.online.link': { id: 'Periksa secara online di /verifikasi', en: 'Check online at /verifikasi' },
  'luring.status.heading': { id: 'Kesiapan tanpa internet', en: 'Ready for offline use' },
  'luring.status.waiting': { id: 'Menyiapkan halaman agar bisa dipakai tanpa internet…', en: 'Getting the page ready for offline use…' },
  'luring.scan.heading': { id: 'Pindai kode QR', en: 'Scan the QR code' },
  'luring.scan.start': { id: 'Pindai dengan kamera', en: 'Scan with the camera' },
  'luring.scan.stop': { id: 'Hentikan kamera', en: 'Stop the camera' },
  'luring.scan.video': { id: 'Gambar kamera', en: 'Camera picture' },
  'luring.paste.heading': { id: 'Atau tempel teks segelnya', en: 'Or paste the seal’s text' },
  'luring.paste.label': { id: 'Teks segel atau alamat dari kode QR', en: 'Seal text or the address from the QR code' },
  'luring.paste.hint': {
    id: 'Diawali IZ1: atau alamat yang memuatnya. Aplikasi pemindai QR di ponsel dapat menyalinnya.',
    en: 'It starts with IZ1: or is an address that contains it. A QR scanner app on the phone can copy it.',
  },
  'luring.paste.submit': { id: 'Periksa segel', en: 'Check the seal' },
  'luring.result.heading': { id: 'Hasil pemeriksaan', en: 'Result' },
  'luring.js.ready': { id: 'Siap dipakai tanpa internet.', en: 'Ready to use offline.' },
  'luring.js.ready.nolist': {
    id: 'Halaman siap dipakai tanpa internet, tetapi daftar pencabutan belum tersimpan: izin yang dicabut belum bisa dikenali.',
    en: 'The page is ready to use offline, but the revocation list is not stored yet: revoked permits cannot be recognised yet.',
  },
  'luring.js.notready': {
    id: 'Belum siap dipakai tanpa internet. Biarkan halaman ini terbuka sebentar selagi tersambung ke internet.',
    en: 'Not ready for offline use yet. Keep this page open for a moment while online.',
  },
  'luring.js.nosw': {
    id: 'Peramban ini tidak dapat menyimpan halaman untuk dipakai tanpa internet. Pemeriksaan tetap bisa dilakukan selama tersambung.',
    en: 'This browser cannot store the page for offline use. Checks still work while online.',
  },
  'luring.js.offline': { id: 'Tanpa internet: memakai data yang tersimpan di perangkat ini.', en: 'Offline: using the data stored on this device.' },
  'luring.js.list.age': { id: 'Daftar pencabutan diperbarui {age}.', en: 'Revocation list updated {age}.' },
  'luring.js.list.stale': {
    id: 'Perhatian: daftar pencabutan ini sudah melewati jadwal pembaruannya ({date}). Izin yang dicabut sesudahnya belum tercantum; sambungkan ke internet untuk memperbaruinya.',
    en: 'Warning: this revocation list is past its next update ({date}). Permits revoked since then are not in it; go online to refresh it.',
  },
  'luring.js.list.none': {
    id: 'Belum ada daftar pencabutan yang tersimpan atau daftarnya tidak sah: status pencabutan tidak dapat diperiksa.',
    en: 'No revocation list is stored, or it is not genuine: whether a permit was revoked cannot be checked.',
  },
  'luring.js.keys.none': {
    id: 'Kunci publik kantor belum tersimpan. Buka halaman ini sekali selagi tersambung ke internet.',
    en: 'The office’s public keys are not stored yet. Open this page once while online.',
  },
  'luring.js.age.now': { id: 'baru saja', en: 'just now' },
  'luring.js.age.minutes': { id: '{n} menit lalu', en: '{n} minutes ago' },
  'luring.js.age.minute': { id: '{n} menit lalu', en: '{n} minute ago' },
  'luring.js.age.hours': { id: '{n} jam lalu', en: '{n} hours ago' },
  'luring.js.age.hour': { id: '{n} jam lalu', en: '{n} hour ago' },
  'luring.js.age.days': { id: '{n} hari lalu', en: '{n} days ago' },
  'luring.js.age.day': { id: '{n} hari lalu', en: '{n} day ago' },
  'luring.js.valid': { id: 'Asli dan berlaku', en: 'Genuine and valid' },
  'luring.js.valid.text': {
    id: 'Segel digital izin ini sah: diterbitkan oleh {office} dan tidak diubah sejak itu.',
    en: 'This permit’s digital seal is genuine: issued by {office} and not changed since.',
  },
  'luring.js.unchecked': { id: 'Asli, status pencabutan tidak diketahui', en: 'Genuine, revocation status unknown' },
  'luring.js.expired': { id: 'Asli, tetapi masa berlakunya habis', en: 'Genuine, but expired' },
  'luring.js.expired.text': { id: 'Masa berlaku izin ini berakhir pada {date}.', en: 'This permit expired on {date}.' },
  'luring.js.revoked': { id: 'Izin ini dicabut', en: 'This permit was revoked' },
  'luring.js.revoked.text': {
    id: 'Menurut daftar pencabutan kantor, izin ini dicabut pada {date}. Izin ini tidak berlaku lagi.',
    en: 'According to the office’s revocation list, this permit was revoked on {date}. It is no longer valid.',
  },
  'luring.js.superseded': { id: 'Izin ini sudah diganti', en: 'This permit was superseded' },
  'luring.js.superseded.text': {
    id: 'Menurut daftar pencabutan kantor, izin ini diganti dengan izin baru pada {date}. Mintalah izin yang baru.',
    en: 'According to the office’s revocation list, this permit was replaced by a new one on {date}. Ask for the new permit.',
  },
  'luring.js.not_authentic': { id: 'Tidak asli', en: 'Not genuine' },
  'luring.js.not_authentic.signature': {
    id: 'Tanda tangan segel tidak cocok dengan isinya: teks ini telah diubah atau dipalsukan. Jangan terima izin ini.',
    en: 'The seal’s signature does not match its contents: this text was changed or forged. Do not accept this permit.',
  },
  'luring.js.not_authentic.key': {
    id: 'Segel ini tidak ditandatangani dengan kunci kantor ini. Jangan terima izin ini, atau periksa secara online.',
    en: 'This seal was not signed with this office’s key. Do not accept this permit, or check it online.',
  },
  'luring.js.not_authentic.malformed': {
    id: 'Teks ini bukan segel izin yang dapat dibaca (harus diawali IZ1:). Periksa apakah teksnya tersalin lengkap.',
    en: 'This text is not a readable permit seal (it must start with IZ1:). Check that it was copied in full.',
  },
  'luring.js.required': { id: 'Tempel teks segel atau pindai kode QR terlebih dahulu.', en: 'Paste the seal’s text or scan the QR code first.' },
  'luring.js.camera.unsupported': {
    id: 'Peramban ini tidak dapat membaca kode QR dari kamera. Pindai dengan aplikasi kamera ponsel, lalu tempel teksnya di bawah.',
    en: 'This browser cannot read QR codes from the camera. Scan with the phone’s camera app, then paste the text below.',
  },
  'luring.js.camera.denied': {
    id: 'Kamera tidak dapat dibuka. Izinkan akses kamera, atau tempel teks segelnya di bawah.',
    en: 'The camera could not be opened. Allow camera access, or paste the seal’s text below.',
  },
  'luring.js.camera.looking': { id: 'Arahkan kamera ke kode QR izin…', en: 'Point the camera at the permit’s QR code…' },
  'luring.js.field.number': { id: 'Nomor izin', en: 'Permit number' },
  'luring.js.field.type': { id: 'Jenis izin (kode)', en: 'Permit type (code)' },
  'luring.js.field.holder': { id: 'Pemegang izin', en: 'Permit holder' },
  'luring.js.field.subject': { id: 'Perihal', en: 'Subject' },
  'luring.js.field.office': { id: 'Kantor penerbit (kode)', en: 'Issuing office (code)' },
  'luring.js.field.issued': { id: 'Diterbitkan', en: 'Issued' },
  'luring.js.field.expires': { id: 'Berlaku sampai', en: 'Valid until' },
  'luring.js.field.noexpiry': { id: 'Tanpa batas waktu', en: 'No expiry' },
  'luring.js.field.code': { id: 'Kode verifikasi', en: 'Verification code' },
  'luring.js.field.key': { id: 'Kunci penanda tangan', en: 'Signing key' },
} as const satisfies Catalogue;
