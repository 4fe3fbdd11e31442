import type { Lang } from '../shared/messages.js';
import { fillTemplate } from '../shared/messages.js';

/**
 * Every string the pages show, in Bahasa Indonesia (default) and English. `{name}` placeholders
 * are filled by `t`. Keep keys grouped by page.
 */
const M = {
  // Layout
  'site.name': { id: 'Izol', en: 'Izol' },
  'site.tagline': { id: 'Layanan izin online', en: 'Online permit service' },
  'skip': { id: 'Langsung ke isi utama', en: 'Skip to main content' },
  'nav.home': { id: 'Beranda', en: 'Home' },
  'nav.permits': { id: 'Jenis izin', en: 'Permits' },
  'nav.track': { id: 'Lacak permohonan', en: 'Track an application' },
  'nav.mine': { id: 'Permohonan saya', en: 'My applications' },
  'nav.signin': { id: 'Masuk', en: 'Sign in' },
  'nav.register': { id: 'Daftar', en: 'Create an account' },
  'nav.signout': { id: 'Keluar', en: 'Sign out' },
  'nav.profile': { id: 'Profil', en: 'Profile' },
  'nav.mailbox': { id: 'Kotak surat (pengembangan)', en: 'Mailbox (development)' },
  'lang.switch': { id: 'English', en: 'Bahasa Indonesia' },
  'lang.switch.label': { id: 'Ganti bahasa', en: 'Change language' },
  'footer.help': { id: 'Butuh bantuan? Hubungi kami lewat WhatsApp, Instagram atau datang ke loket.', en: 'Need help? Contact us on WhatsApp, Instagram or come to the counter.' },
  'footer.api': { id: 'API untuk pengembang', en: 'API for developers' },
  'error.summary': { id: 'Ada masalah', en: 'There is a problem' },
  'error.prefix': { id: 'Kesalahan:', en: 'Error:' },
  'back': { id: 'Kembali', en: 'Back' },
  'continue': { id: 'Lanjutkan', en: 'Continue' },
  'save.continue': { id: 'Simpan dan lanjutkan', en: 'Save and continue' },
  'optional': { id: '(opsional)', en: '(optional)' },
  'yes': { id: 'Ya', en: 'Yes' },
  'no': { id: 'Tidak', en: 'No' },
  'change': { id: 'Ubah', en: 'Change' },
  'print': { id: 'Cetak', en: 'Print' },

  // Home
  'home.title': { id: 'Apa yang ingin Anda lakukan?', en: 'What do you want to do?' },
  'home.lead': { id: 'Ajukan izin dari ponsel Anda, tanpa antre. Berkas, pembayaran dan izin yang terbit semuanya ada di sini.', en: 'Apply for a permit from your phone, without queuing. Documents, payment and the issued permit are all here.' },
  'home.apply': { id: 'Ajukan izin', en: 'Apply for a permit' },
  'home.apply.hint': { id: 'Cari jenis izin, lihat persyaratannya, lalu ajukan online.', en: 'Find the permit, see what it needs, then apply online.' },
  'home.track': { id: 'Lacak permohonan', en: 'Track an application' },
  'home.track.hint': { id: 'Dengan nomor permohonan dan kode lacak dari tanda terima.', en: 'With the application number and tracking code from your receipt.' },
  'home.mine': { id: 'Lanjutkan permohonan saya', en: 'Continue my applications' },
  'home.mine.hint': { id: 'Lihat status, jawab permintaan petugas, unduh izin.', en: 'See the status, answer the office, download your permit.' },

  // Catalogue
  'catalogue.title': { id: 'Jenis izin', en: 'Permit types' },
  'catalogue.search': { id: 'Cari jenis izin', en: 'Search permit types' },
  'catalogue.search.button': { id: 'Cari', en: 'Search' },
  'catalogue.none': { id: 'Tidak ada jenis izin yang cocok dengan "{q}".', en: 'No permit type matches "{q}".' },
  'catalogue.days': { id: '{n} hari kerja', en: '{n} working days' },
  'catalogue.free': { id: 'Gratis', en: 'Free' },
  'catalogue.fee': { id: 'Dikenai retribusi', en: 'Fee payable' },

  // Guide
  'guide.what': { id: 'Apa ini', en: 'What it is' },
  'guide.who': { id: 'Siapa yang memerlukan', en: 'Who needs it' },
  'guide.documents': { id: 'Dokumen yang diperlukan', en: 'Documents you need' },
  'guide.documents.hint': { id: 'Siapkan hasil pindaian atau foto yang jelas. Jenis berkas dan ukuran maksimal tertulis di setiap dokumen.', en: 'Have clear scans or photos ready. Each document lists the file types and largest size accepted.' },
  'guide.required': { id: 'wajib', en: 'required' },
  'guide.optional': { id: 'tidak wajib', en: 'optional' },
  'guide.steps': { id: 'Langkah-langkah', en: 'Steps' },
  'guide.fee': { id: 'Biaya', en: 'Fee' },
  'guide.fee.free': { id: 'Gratis. Izol tidak pernah meminta uang di luar tagihan resmi.', en: 'Free. Izol never asks for money outside an official bill.' },
  'guide.fee.pbg': { id: 'Retribusi PBG dihitung dari luas, fungsi, kompleksitas, ketinggian dan kepemilikan bangunan (PP 16/2021). Tagihan resmi dikirim setelah kajian teknis.', en: 'The PBG fee is calculated from floor area, function, complexity, height and ownership (PP 16/2021). The official bill is sent after the technical review.' },
  'guide.sla': { id: 'Waktu penyelesaian', en: 'How long it takes' },
  'guide.sla.text': { id: '{n} hari kerja setelah berkas lengkap. Waktu berhenti dihitung selama berkas dikembalikan kepada Anda.', en: '{n} working days once the file is complete. The clock stops while the file is back with you.' },
  'guide.validity': { id: 'Masa berlaku', en: 'Valid for' },
  'guide.validity.none': { id: 'Berlaku selama tidak ada perubahan.', en: 'Valid as long as nothing changes.' },
  'guide.validity.years': { id: '{n} tahun', en: '{n} years' },
  'guide.validity.months': { id: '{n} bulan', en: '{n} months' },
  'guide.legal': { id: 'Dasar hukum', en: 'Legal basis' },
  'guide.start': { id: 'Mulai online', en: 'Start online' },
  'guide.poster': { id: 'Poster dengan kode QR', en: 'Poster with QR code' },
  'guide.types': { id: 'Jenis berkas: {types}, paling besar {mb} MB', en: 'File types: {types}, at most {mb} MB' },
  'poster.scan': { id: 'Pindai untuk mengajukan online', en: 'Scan to apply online' },
  'poster.noqueue': { id: 'Tanpa antre. Dari ponsel Anda.', en: 'No queue. From your phone.' },

  // Account
  'register.title': { id: 'Buat akun', en: 'Create an account' },
  'register.name': { id: 'Nama lengkap sesuai KTP', en: 'Full name as on your KTP' },
  'register.nik': { id: 'NIK', en: 'NIK (national identity number)' },
  'register.nik.hint': { id: '16 angka pada KTP Anda. Kami menyimpannya terenkripsi dan tidak pernah menampilkannya utuh.', en: 'The 16 digits on your KTP. We store it encrypted and never show it in full.' },
  'register.email': { id: 'Email', en: 'Email' },
  'register.phone': { id: 'Nomor WhatsApp', en: 'WhatsApp number' },
  'register.contact.hint': { id: 'Isi email, nomor WhatsApp, atau keduanya. Kami mengirim kode dan kabar permohonan ke sini.', en: 'Give an email, a WhatsApp number, or both. We send codes and news of your applications there.' },
  'register.password': { id: 'Kata sandi', en: 'Password' },
  'register.password.hint': { id: 'Paling sedikit 8 karakter. Kalimat panjang yang mudah Anda ingat lebih aman daripada kata yang rumit.', en: 'At least 8 characters. A long phrase you can remember is safer than a complicated word.' },
  'register.consent': { id: 'Saya setuju data pribadi saya diproses untuk layanan perizinan sesuai pemberitahuan privasi (UU 27/2022 tentang Pelindungan Data Pribadi).', en: 'I agree to my personal data being processed for permit services as the privacy notice says (Law 27/2022 on Personal Data Protection).' },
  'register.privacy': { id: 'Pemberitahuan privasi', en: 'Privacy notice' },
  'register.privacy.text': { id: 'Kami memproses nama, NIK, kontak dan dokumen Anda hanya untuk menangani permohonan izin. NIK disimpan terenkripsi. Setiap akses petugas ke dokumen Anda dicatat. Anda berhak melihat, memperbaiki dan meminta penghapusan data Anda.', en: 'We process your name, NIK, contact details and documents only to handle permit applications. The NIK is stored encrypted. Every officer access to your documents is logged. You may see, correct and ask us to erase your data.' },
  'register.submit': { id: 'Buat akun', en: 'Create account' },
  'signin.title': { id: 'Masuk', en: 'Sign in' },
  'signin.login': { id: 'Email atau nomor WhatsApp', en: 'Email or WhatsApp number' },
  'signin.password': { id: 'Kata sandi', en: 'Password' },
  'signin.submit': { id: 'Masuk', en: 'Sign in' },
  'signin.forgot': { id: 'Lupa kata sandi?', en: 'Forgotten your password?' },
  'signin.noaccount': { id: 'Belum punya akun? Buat akun', en: 'No account yet? Create one' },
  'signin.staff': { id: 'Akun petugas masuk lewat halaman kantor belakang.', en: 'Staff accounts sign in through the back office.' },
  'verify.title': { id: 'Masukkan kode', en: 'Enter the code' },
  'verify.lead': { id: 'Kami mengirim kode 6 angka ke {contact}. Kode berlaku 10 menit.', en: 'We sent a 6-digit code to {contact}. It is valid for 10 minutes.' },
  'verify.code': { id: 'Kode', en: 'Code' },
  'verify.submit': { id: 'Pastikan', en: 'Confirm' },
  'verify.resend': { id: 'Kirim kode baru', en: 'Send a new code' },
  'verify.done': { id: 'Kontak Anda sudah dipastikan.', en: 'Your contact details are confirmed.' },
  'verify.needed': { id: 'Pastikan kontak Anda agar kabar permohonan sampai.', en: 'Confirm your contact details so news of your applications reaches you.' },
  'verify.sent': { id: 'Kode baru sudah dikirim.', en: 'A new code has been sent.' },
  'forgot.title': { id: 'Atur ulang kata sandi', en: 'Reset your password' },
  'forgot.lead': { id: 'Masukkan email atau nomor WhatsApp akun Anda. Bila terdaftar, kami mengirim kode.', en: 'Enter your account’s email or WhatsApp number. If it is registered, we send a code.' },
  'forgot.submit': { id: 'Kirim kode', en: 'Send code' },
  'reset.title': { id: 'Buat kata sandi baru', en: 'Choose a new password' },
  'reset.lead': { id: 'Bila akun terdaftar, kode sudah dikirim ke kontaknya. Masukkan kode dan kata sandi baru.', en: 'If the account exists, a code has been sent to it. Enter the code and a new password.' },
  'reset.password': { id: 'Kata sandi baru', en: 'New password' },
  'reset.submit': { id: 'Simpan kata sandi', en: 'Save password' },
  'reset.done': { id: 'Kata sandi sudah diganti. Silakan masuk.', en: 'Your password has been changed. Please sign in.' },
  'profile.title': { id: 'Profil', en: 'Profile' },
  'profile.nik': { id: 'NIK', en: 'NIK' },
  'profile.consent': { id: 'Persetujuan data pribadi', en: 'Personal-data consent' },
  'profile.consent.text': { id: 'Disetujui {date} (versi {version})', en: 'Given on {date} (version {version})' },
  'profile.save': { id: 'Simpan', en: 'Save' },
  'profile.saved': { id: 'Profil sudah disimpan.', en: 'Your profile has been saved.' },
  'signedout': { id: 'Anda sudah keluar dari semua perangkat.', en: 'You have been signed out on every device.' },

  // Apply
  'start.title': { id: 'Ajukan {name}', en: 'Apply for {name}' },
  'start.lead': { id: 'Anda akan mengisi {fields} pertanyaan dan mengunggah dokumen. Isian tersimpan otomatis; Anda bisa melanjutkan kapan saja dari "Permohonan saya".', en: 'You will answer {fields} questions and upload documents. Your answers are saved as you go; continue any time from "My applications".' },
  'start.need': { id: 'Yang perlu Anda siapkan', en: 'What you will need' },
  'start.button': { id: 'Mulai sekarang', en: 'Start now' },
  'start.signin': { id: 'Masuk atau buat akun untuk mulai', en: 'Sign in or create an account to start' },
  'question.step': { id: 'Pertanyaan {n} dari {total}', en: 'Question {n} of {total}' },
  'docs.title': { id: 'Unggah dokumen', en: 'Upload documents' },
  'docs.lead': { id: 'Unggah setiap dokumen. Anda bisa mengganti berkas sebelum mengajukan.', en: 'Upload each document. You can replace a file before you submit.' },
  'docs.missing': { id: 'Belum diunggah', en: 'Not uploaded' },
  'docs.uploaded': { id: 'Sudah diunggah', en: 'Uploaded' },
  'docs.upload': { id: 'Unggah', en: 'Upload' },
  'docs.replace': { id: 'Ganti', en: 'Replace' },
  'docs.file': { id: 'Pilih berkas', en: 'Choose a file' },
  'docs.done': { id: 'Lanjut ke pemeriksaan', en: 'Continue to check your answers' },
  'docs.uploading': { id: 'Mengunggah…', en: 'Uploading…' },
  'docs.refused': { id: 'Perlu diperbaiki: {reason}', en: 'Needs correcting: {reason}' },
  'docs.required.missing': { id: 'Unggah dokumen wajib ini.', en: 'Upload this required document.' },
  'check.title': { id: 'Periksa jawaban Anda sebelum mengajukan', en: 'Check your answers before submitting' },
  'check.answers': { id: 'Isian formulir', en: 'Form answers' },
  'check.documents': { id: 'Dokumen', en: 'Documents' },
  'check.declaration': { id: 'Pernyataan', en: 'Declaration' },
  'check.declare': { id: 'Saya menyatakan bahwa isian dan dokumen ini benar. Saya memahami bahwa keterangan palsu dapat membatalkan izin dan dikenai sanksi hukum.', en: 'I declare that these answers and documents are true. I understand that false information can void the permit and lead to legal penalties.' },
  'check.declare.required': { id: 'Centang pernyataan untuk mengajukan.', en: 'Tick the declaration to submit.' },
  'check.submit': { id: 'Ajukan permohonan', en: 'Submit application' },
  'check.resubmit': { id: 'Ajukan kembali', en: 'Resubmit' },
  'check.notanswered': { id: 'Belum diisi', en: 'Not answered' },
  'done.title': { id: 'Permohonan terkirim', en: 'Application submitted' },
  'done.number': { id: 'Nomor permohonan', en: 'Application number' },
  'done.code': { id: 'Kode lacak', en: 'Tracking code' },
  'done.next': { id: 'Apa selanjutnya', en: 'What happens next' },
  'done.next.text': { id: 'Petugas memeriksa berkas Anda. Kami mengabari lewat email atau WhatsApp. Perkiraan selesai: {date}.', en: 'An officer checks your file. We keep you posted by email or WhatsApp. Expected completion: {date}.' },
  'done.receipt': { id: 'Cetak tanda terima', en: 'Print the receipt' },
  'done.mine': { id: 'Ke permohonan saya', en: 'Go to my applications' },
  'receipt.title': { id: 'Tanda terima permohonan', en: 'Application receipt' },
  'receipt.keep': { id: 'Simpan tanda terima ini. Lacak permohonan di {url} dengan nomor dan kode lacak.', en: 'Keep this receipt. Track the application at {url} with the number and tracking code.' },

  // Mine
  'mine.title': { id: 'Permohonan saya', en: 'My applications' },
  'mine.none': { id: 'Anda belum punya permohonan.', en: 'You have no applications yet.' },
  'mine.apply': { id: 'Ajukan izin baru', en: 'Apply for a new permit' },
  'mine.draft': { id: 'Draf, belum diajukan', en: 'Draft, not submitted' },
  'mine.expected': { id: 'Perkiraan selesai {date}', en: 'Expected by {date}' },
  'mine.continue': { id: 'Lanjutkan', en: 'Continue' },
  'mine.view': { id: 'Lihat', en: 'View' },
  'detail.status': { id: 'Status', en: 'Status' },
  'detail.next': { id: 'Langkah berikutnya', en: 'Next step' },
  'detail.timeline': { id: 'Riwayat', en: 'History' },
  'detail.submitted': { id: 'Diajukan', en: 'Submitted' },
  'detail.expected': { id: 'Perkiraan selesai', en: 'Expected completion' },
  'detail.channel': { id: 'Diterima lewat', en: 'Received through' },
  'detail.returned': { id: 'Petugas mengembalikan berkas Anda', en: 'The office has returned your file' },
  'detail.fix': { id: 'Perbaiki dokumen', en: 'Correct the documents' },
  'detail.withdraw': { id: 'Tarik permohonan', en: 'Withdraw the application' },
  'detail.reason': { id: 'Alasan: {reason}', en: 'Reason: {reason}' },
  'detail.fee': { id: 'Tagihan retribusi: {amount}', en: 'Fee to pay: {amount}' },
  'withdraw.title': { id: 'Tarik permohonan {number}?', en: 'Withdraw application {number}?' },
  'withdraw.lead': { id: 'Permohonan yang ditarik tidak dapat dilanjutkan. Anda perlu mengajukan baru bila berubah pikiran.', en: 'A withdrawn application cannot be continued. You would need to apply again.' },
  'withdraw.confirm': { id: 'Ya, tarik permohonan', en: 'Yes, withdraw it' },
  'withdraw.done': { id: 'Permohonan sudah ditarik.', en: 'The application has been withdrawn.' },
  'channel.online': { id: 'Online', en: 'Online' },
  'channel.walk_in': { id: 'Loket', en: 'Counter' },
  'channel.courier': { id: 'Kurir', en: 'Courier' },
  'channel.assisted': { id: 'Bantuan petugas', en: 'Assisted by an officer' },

  // Tracking
  'track.title': { id: 'Lacak permohonan', en: 'Track an application' },
  'track.lead': { id: 'Tanpa akun. Nomor dan kode lacak ada di tanda terima atau pesan dari kami.', en: 'No account needed. The number and tracking code are on your receipt or in our message.' },
  'track.number': { id: 'Nomor permohonan', en: 'Application number' },
  'track.number.hint': { id: 'Misalnya MLG-PBG-2026-000123', en: 'For example MLG-PBG-2026-000123' },
  'track.code': { id: 'Kode lacak', en: 'Tracking code' },
  'track.code.hint': { id: '8 huruf dan angka', en: '8 letters and digits' },
  'track.submit': { id: 'Lacak', en: 'Track' },
  'track.notfound': { id: 'Tidak ada permohonan dengan nomor dan kode lacak itu. Periksa kembali tanda terima Anda.', en: 'No application has that number and tracking code. Check your receipt again.' },
  'track.replace': { id: 'Dokumen yang perlu diganti', en: 'Documents to replace' },

  // Mailbox
  'mailbox.title': { id: 'Kotak surat pengembangan', en: 'Development mailbox' },
  'mailbox.lead': { id: 'Pesan yang akan dikirim lewat email atau WhatsApp. Hanya ada di luar produksi.', en: 'Messages that would go out by email or WhatsApp. Only outside production.' },
  'mailbox.empty': { id: 'Belum ada pesan.', en: 'No messages yet.' },

  // Back office
  'office.setup.title': { id: 'Atur aplikasi autentikator', en: 'Set up your authenticator app' },
  'office.setup.lead': { id: 'Akun petugas memerlukan faktor kedua. Pindai kode QR ini dengan aplikasi autentikator (misalnya Google Authenticator, Microsoft Authenticator atau FreeOTP), lalu masukkan kode 6 angka yang muncul.', en: 'Staff accounts need a second factor. Scan this QR code with an authenticator app (for example Google Authenticator, Microsoft Authenticator or FreeOTP), then enter the 6-digit code it shows.' },
  'office.setup.qr': { id: 'Kode QR untuk aplikasi autentikator', en: 'QR code for the authenticator app' },
  'office.setup.manual': { id: 'Tidak bisa memindai? Masukkan kunci ini di aplikasi:', en: 'Cannot scan? Enter this key in the app:' },
  'office.code.title': { id: 'Masukkan kode autentikator', en: 'Enter your authenticator code' },
  'office.code': { id: 'Kode 6 angka', en: '6-digit code' },
  'office.code.hint': { id: 'Dari aplikasi autentikator di ponsel Anda. Kode berganti setiap 30 detik.', en: 'From the authenticator app on your phone. The code changes every 30 seconds.' },
  'office.queue.title': { id: 'Antrean kerja', en: 'Work queue' },
  'office.queue.lead': { id: '{n} berkas menunggu tindakan peran Anda, yang paling dekat tenggatnya di atas.', en: '{n} files wait for your role, soonest due first.' },
  'office.queue.due': { id: 'tenggat {date}', en: 'due {date}' },
  'nav.office': { id: 'Kantor', en: 'Back office' },

  // Errors
  'page.notfound': { id: 'Halaman tidak ditemukan', en: 'Page not found' },
  'page.notfound.text': { id: 'Periksa alamatnya, atau mulai dari beranda.', en: 'Check the address, or start from the home page.' },
  'page.error': { id: 'Maaf, terjadi masalah', en: 'Sorry, something went wrong' },
  'page.error.text': { id: 'Tidak ada yang berubah. Silakan coba lagi sebentar lagi.', en: 'Nothing was changed. Please try again in a moment.' },
  'page.expired': { id: 'Halaman sudah kedaluwarsa', en: 'This page has expired' },
  'page.expired.text': { id: 'Demi keamanan, kembali ke halaman sebelumnya, muat ulang, lalu coba lagi.', en: 'For your security, go back, reload the page and try again.' },
  'page.forbidden': { id: 'Tidak diizinkan', en: 'Not allowed' },
  'page.signin.needed': { id: 'Silakan masuk untuk melanjutkan.', en: 'Please sign in to continue.' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof M;

export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  return fillTemplate(M[key][lang], params);
}

/** Localised text from catalogue data ({ id, en }). */
export function loc(lang: Lang, text: { id: string; en: string }): string {
  return text[lang];
}

export function formatDate(lang: Lang, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(new Date(iso));
}

export function formatDateTime(lang: Lang, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso));
}

/** Rupiah as Indonesians write it: Rp 6.176.270 (whole rupiah, no decimals). */
export function formatRupiah(amount: number): string {
  return `Rp ${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(amount)}`;
}
