import type { ErrorCode } from './errors.js';

export type Lang = 'id' | 'en';

/** Picks the language from Accept-Language; Indonesian unless English is preferred. */
export function languageFrom(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'id';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'id';
}

/** What a citizen reads when something goes wrong: a title and a sentence saying what to do. */
export const ERROR_MESSAGES: Record<ErrorCode, Record<Lang, { title: string; detail: string }>> = {
  invalid_input: {
    id: { title: 'Isian tidak valid', detail: 'Sebagian isian tidak sesuai. Periksa kolom yang ditandai lalu coba lagi.' },
    en: { title: 'Invalid input', detail: 'Some of what was sent is not valid. Check the marked fields and try again.' },
  },
  invalid_answers: {
    id: { title: 'Formulir belum benar', detail: 'Beberapa jawaban formulir belum benar. Perbaiki kolom yang ditandai.' },
    en: { title: 'The form needs correcting', detail: 'Some answers on the form are not right. Correct the marked fields.' },
  },
  unauthenticated: {
    id: { title: 'Silakan masuk', detail: 'Anda perlu masuk (login) untuk melanjutkan. Sesi Anda mungkin sudah berakhir.' },
    en: { title: 'Please sign in', detail: 'You need to sign in to continue. Your session may have ended.' },
  },
  forbidden: {
    id: { title: 'Tidak diizinkan', detail: 'Akun Anda tidak dapat melakukan tindakan ini.' },
    en: { title: 'Not allowed', detail: 'Your account cannot do this.' },
  },
  not_found: {
    id: { title: 'Tidak ditemukan', detail: 'Data yang Anda cari tidak ada atau bukan milik Anda.' },
    en: { title: 'Not found', detail: 'What you are looking for does not exist or is not yours.' },
  },
  invalid_state: {
    id: { title: 'Tidak dapat dilakukan sekarang', detail: 'Tindakan ini tidak dapat dilakukan pada tahap permohonan saat ini.' },
    en: { title: 'Not possible now', detail: 'This cannot be done at the application’s current stage.' },
  },
  precondition_failed: {
    id: { title: 'Syarat belum terpenuhi', detail: 'Tindakan ini belum dapat dilakukan: {missing}.' },
    en: { title: 'Not ready yet', detail: 'This cannot be done yet: {missing}.' },
  },
  conflict: {
    id: { title: 'Data sudah berubah', detail: 'Permohonan ini baru saja diubah. Muat ulang halaman lalu coba lagi.' },
    en: { title: 'Changed meanwhile', detail: 'This application was just changed. Reload and try again.' },
  },
  already_registered: {
    id: { title: 'Sudah terdaftar', detail: '{field} ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.' },
    en: { title: 'Already registered', detail: 'This {field} is already registered. Sign in or reset your password.' },
  },
  bad_credentials: {
    id: { title: 'Gagal masuk', detail: 'Email/nomor WhatsApp atau kata sandi salah.' },
    en: { title: 'Sign-in failed', detail: 'The email/WhatsApp number or password is wrong.' },
  },
  second_factor_required: {
    id: { title: 'Perlu kode autentikator', detail: 'Akun petugas perlu kode 6 angka dari aplikasi autentikator.' },
    en: { title: 'Authenticator code needed', detail: 'Staff accounts need the 6-digit code from the authenticator app.' },
  },
  bad_second_factor: {
    id: { title: 'Kode salah', detail: 'Kode autentikator salah, kedaluwarsa, atau sudah dipakai. Tunggu kode berikutnya lalu coba lagi.' },
    en: { title: 'Wrong code', detail: 'The authenticator code is wrong, expired or already used. Wait for the next code and try again.' },
  },
  second_factor_setup_required: {
    id: { title: 'Atur autentikator dulu', detail: 'Masuk lewat halaman kantor belakang untuk mengatur aplikasi autentikator, lalu coba lagi.' },
    en: { title: 'Set up the authenticator first', detail: 'Sign in through the back office to set up the authenticator app, then try again.' },
  },
  too_many_attempts: {
    id: { title: 'Terlalu banyak percobaan', detail: 'Terlalu banyak percobaan. Tunggu {minutes} menit lalu coba lagi.' },
    en: { title: 'Too many attempts', detail: 'Too many attempts. Wait {minutes} minutes and try again.' },
  },
  service_busy: {
    id: {
      title: 'Layanan sedang sibuk',
      detail: 'Layanan sedang sangat sibuk. Permintaan Anda belum diproses dan tidak ada yang berubah. Silakan coba lagi dalam {seconds} detik.',
    },
    en: {
      title: 'The service is busy',
      detail: 'The service is very busy right now. Your request was not processed and nothing was changed. Please try again in {seconds} seconds.',
    },
  },
  unsupported_file: {
    id: { title: 'Jenis berkas tidak diterima', detail: 'Berkas harus berupa {accepted}, dan isinya harus sesuai dengan nama berkasnya.' },
    en: { title: 'File type not accepted', detail: 'The file must be {accepted}, and its content must match its name.' },
  },
  request_too_large: {
    id: { title: 'Data terlalu besar', detail: 'Data yang dikirim terlalu besar (paling besar {maxMb} MB).' },
    en: { title: 'Too much data', detail: 'What was sent is too large (at most {maxMb} MB).' },
  },
  infected_file: {
    id: { title: 'Berkas ditolak', detail: 'Pemindai virus menolak berkas ini. Periksa perangkat Anda, lalu unggah berkas yang bersih.' },
    en: { title: 'File refused', detail: 'The virus scanner refused this file. Check your device, then upload a clean file.' },
  },
  scanner_unavailable: {
    id: {
      title: 'Pemindai virus sedang tidak tersedia',
      detail: 'Berkas belum dapat diperiksa oleh pemindai virus, jadi belum disimpan. Coba unggah lagi beberapa menit lagi.',
    },
    en: {
      title: 'Virus scanner unavailable',
      detail: 'The file could not be checked by the virus scanner, so it was not kept. Try uploading it again in a few minutes.',
    },
  },
  file_too_large: {
    id: {
      title: 'Berkas terlalu besar',
      detail:
        'Ukuran berkas paling besar {maxMb} MB. Perkecil berkasnya: foto ulang dengan resolusi lebih rendah, atau kecilkan di aplikasi galeri, lalu unggah lagi.',
    },
    en: {
      title: 'File too large',
      detail:
        'The file must be at most {maxMb} MB. Make it smaller: take the photo again at a lower resolution, or make it smaller in the gallery app, then upload it again.',
    },
  },
  image_too_large: {
    id: {
      title: 'Gambar terlalu besar',
      detail:
        'Gambar ini {width} × {height} piksel; paling besar {maxMp} megapiksel. Perkecil gambarnya di aplikasi galeri, atau foto ulang dengan resolusi lebih rendah, lalu unggah lagi.',
    },
    en: {
      title: 'Picture too large',
      detail:
        'This picture is {width} × {height} pixels; at most {maxMp} megapixels are accepted. Make it smaller in the gallery app, or take the photo again at a lower resolution, then upload it again.',
    },
  },
  permit_type_disabled: {
    id: { title: 'Layanan ditutup', detail: 'Jenis izin ini sedang tidak menerima permohonan.' },
    en: { title: 'Service closed', detail: 'This permit type is not taking applications at the moment.' },
  },
  upload_quota_exceeded: {
    id: {
      title: 'Batas unggahan tercapai',
      detail: 'Permohonan ini menyimpan paling banyak {versions} versi per dokumen dan {maxMb} MB seluruhnya. Hubungi kantor bila dokumen perlu diganti lagi.',
    },
    en: {
      title: 'Upload limit reached',
      detail:
        'An application keeps at most {versions} versions of each document and {maxMb} MB in all. Contact the office if a document must be replaced again.',
    },
  },
  draft_uploads_full: {
    id: {
      title: 'Ruang draf penuh',
      detail:
        'Dokumen pada permohonan Anda yang belum dikirim sudah mencapai {maxMb} MB, batas untuk satu akun. Kirim permohonan yang sudah lengkap, atau ganti dokumen dengan berkas yang lebih kecil, lalu coba lagi.',
    },
    en: {
      title: 'Draft storage full',
      detail:
        'The documents on your applications not yet sent have reached {maxMb} MB, the most one account may keep. Send an application that is complete, or replace a document with a smaller file, then try again.',
    },
  },
  slot_full: {
    id: { title: 'Slot penuh', detail: 'Semua tempat pada jam ini sudah dipesan. Pilih jam atau hari lain yang masih tersedia.' },
    en: { title: 'Slot full', detail: 'Every place at this time is already booked. Choose another time or day that is still free.' },
  },
  slot_unavailable: {
    id: {
      title: 'Jam tidak tersedia',
      detail: 'Kantor tidak melayani pada jam ini: sudah lewat, di luar jam buka, atau hari libur. Pilih salah satu jam dari daftar slot yang tersedia.',
    },
    en: {
      title: 'Time not available',
      detail: 'The office does not serve at this time: it has passed, is outside opening hours, or is a holiday. Choose one of the listed free slots.',
    },
  },
  queue_service_unknown: {
    id: { title: 'Layanan tidak dikenal', detail: 'Kantor ini tidak memiliki antrean untuk layanan tersebut. Pilih salah satu layanan yang tersedia.' },
    en: { title: 'Unknown service', detail: 'This office has no queue for that service. Choose one of the services offered.' },
  },
  queue_closed: {
    id: { title: 'Antrean tutup', detail: 'Kantor tidak melayani saat ini: di luar jam buka atau hari libur. Silakan datang kembali pada jam buka.' },
    en: { title: 'Queue closed', detail: 'The office is not serving now: it is outside opening hours or a holiday. Please come back during opening hours.' },
  },
  queue_empty: {
    id: { title: 'Tidak ada yang menunggu', detail: 'Tidak ada tiket yang menunggu untuk layanan ini hari ini.' },
    en: { title: 'Nobody waiting', detail: 'No ticket is waiting for this service today.' },
  },
  queue_closed_for_day: {
    id: {
      title: 'Antrean hari ini sudah ditutup',
      detail: 'Pengambilan nomor antrean hari ini ditutup pukul {closesAt}. Silakan datang kembali pada hari kerja berikutnya, atau pesan janji temu.',
    },
    en: {
      title: 'Today’s queue is closed',
      detail: 'Queue tickets for today stopped at {closesAt}. Please come back on the next working day, or book an appointment.',
    },
  },
  queue_grace_period: {
    id: {
      title: 'Belum bisa ditandai tidak hadir',
      detail: 'Pengunjung ini punya janji temu; ia baru dapat ditandai tidak hadir mulai pukul {from}. Panggil ulang nanti, atau panggil nomor lain dulu.',
    },
    en: {
      title: 'Too early for a no-show',
      detail: 'This visitor has an appointment; they can be marked no-show from {from}. Call them again later, or call another number first.',
    },
  },
  queue_busy: {
    id: {
      title: 'Loket lain memanggil bersamaan',
      detail: 'Beberapa loket memanggil pada saat yang sama dan tiket keburu dipanggil loket lain. Tekan Panggil sekali lagi.',
    },
    en: {
      title: 'Other counters called at the same time',
      detail: 'Several counters called at the same moment and took the tickets first. Press Call once more.',
    },
  },
  queue_kiosk_required: {
    id: {
      title: 'Perangkat ini bukan kios antrean',
      detail: 'Nomor antrean hanya dapat diambil di kios kantor atau di meja layanan. Jika perangkat ini kios kantor, minta administrator mendaftarkannya.',
    },
    en: {
      title: 'This device is not a queue kiosk',
      detail: 'Queue tickets are taken at the office’s kiosk or at the front desk. If this device is the office’s kiosk, ask an administrator to enrol it.',
    },
  },
  appointment_code_wrong: {
    id: {
      title: 'Kode WhatsApp salah',
      detail:
        'Kode yang Anda masukkan salah atau sudah kedaluwarsa, jadi belum ada yang dipesan. Periksa pesan WhatsApp terakhir dari kami, atau minta kode baru.',
    },
    en: {
      title: 'Wrong WhatsApp code',
      detail: 'The code you entered is wrong or has expired, so nothing has been booked. Check our latest WhatsApp message, or ask for a new code.',
    },
  },
  parcel_invalid: {
    id: { title: 'Data kiriman belum benar', detail: 'Beberapa data kiriman belum benar. Periksa isian yang ditandai, lalu coba lagi.' },
    en: { title: 'Parcel details not right', detail: 'Some of the parcel details are not right. Check the marked fields and try again.' },
  },
  parcel_duplicate: {
    id: {
      title: 'Kiriman sudah dicatat',
      detail: 'Kiriman dengan jasa kurir dan nomor resi ini sudah dicatat. Cari kiriman itu di daftar kiriman.',
    },
    en: { title: 'Parcel logged already', detail: 'A parcel with this courier company and tracking number is logged already. Find it in the parcel list.' },
  },
  parcel_photos_full: {
    id: { title: 'Foto kiriman sudah penuh', detail: 'Satu kiriman menyimpan paling banyak {max} foto, dan kiriman ini sudah memilikinya.' },
    en: { title: 'No room for more photos', detail: 'A parcel keeps at most {max} photos, and this parcel has them already.' },
  },
  statement_invalid: {
    id: { title: 'Rekening koran tidak terbaca', detail: 'Baris {line}: {id}. Tidak ada yang disimpan; perbaiki berkasnya lalu unggah lagi.' },
    en: { title: 'The statement cannot be read', detail: 'Line {line}: {en}. Nothing was saved; correct the file and upload it again.' },
  },
  reconciliation_day_closed: {
    id: {
      title: 'Hari ini sudah ditutup',
      detail: 'Rekonsiliasi tanggal {day} sudah ditutup: rekening korannya tidak dapat diunggah lagi dan barisnya tidak dapat diubah.',
    },
    en: { title: 'This day is closed', detail: 'The reconciliation of {day} is closed: its statement cannot be imported again and its lines cannot change.' },
  },
  reconciliation_unresolved: {
    id: {
      title: 'Masih ada baris yang belum diselesaikan',
      detail: 'Tanggal {day} belum dapat ditutup: {count} baris belum diselesaikan. Selesaikan setiap baris dengan catatan lebih dulu.',
    },
    en: {
      title: 'Some lines are not resolved yet',
      detail: 'The day {day} cannot be closed yet: {count} lines are not resolved. Resolve each line with a note first.',
    },
  },
  payment_not_acceptable: {
    id: {
      title: 'Pembayaran ini tidak dapat diterima',
      detail:
        'Pembayaran tertahan hanya dapat melunasi permohonan bila tagihannya kedaluwarsa tetapi belum dibatalkan, jumlahnya sama dengan tagihan, dan permohonan masih menunggu pembayaran. Tutup pembayaran ini dengan catatan (misalnya untuk dikembalikan).',
    },
    en: {
      title: 'This payment cannot be accepted',
      detail:
        'A held payment can pay its file only when its bill expired but was not cancelled, the amount equals the bill, and the file still waits for payment. Close this payment with a note instead (a refund, for example).',
    },
  },
};

/** Said before file_too_large's detail when the upload declared its size (http/multipart.ts, fileTooLargeMessage). */
export const FILE_SIZE_SENTENCE: Record<Lang, string> = { id: 'Berkas ini {sizeMb} MB.', en: 'This file is {sizeMb} MB.' };

export function fillTemplate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

/** Plain-language names for preconditions, used in "not ready yet" messages. */
export const PRECONDITION_MESSAGES: Record<string, Record<Lang, string>> = {
  all_required_documents_uploaded: { id: 'semua dokumen wajib harus diunggah', en: 'all required documents must be uploaded' },
  all_required_documents_accepted: { id: 'semua dokumen wajib harus sudah diterima petugas', en: 'all required documents must be accepted by an officer' },
  some_document_refused: { id: 'paling tidak satu dokumen harus ditandai perlu perbaikan', en: 'at least one document must be marked for correction' },
  no_document_refused: { id: 'dokumen yang ditandai perlu perbaikan harus diganti', en: 'the documents marked for correction must be replaced' },
  inspection_recorded: { id: 'hasil peninjauan lapangan harus dicatat', en: 'the field inspection result must be recorded' },
  fee_assessed: { id: 'retribusi harus ditetapkan', en: 'the fee must be assessed' },
  fee_paid: { id: 'retribusi harus dibayar', en: 'the fee must be paid' },
  // Bills (src/payments/bills.service.ts).
  payment_settings: {
    id: 'kantor harus mengisi pengaturan pembayaran (kode biller, masa berlaku tagihan, dasar hukum) sebelum tagihan dapat diterbitkan',
    en: 'the office must fill in its payment settings (biller code, bill expiry, legal basis) before a bill can be issued',
  },
  bill_expired: {
    id: 'kode bayar yang sekarang masih berlaku dan masih dapat dibayar; kode baru dapat diminta setelah kode itu kedaluwarsa',
    en: 'the current payment code is still valid and can still be paid; a new code can be asked for once it has expired',
  },
  held_payment_decided: {
    id: 'pembayaran Anda untuk kode ini sedang diperiksa bendahara; tunggu keputusannya sebelum meminta kode baru agar tidak membayar dua kali',
    en: 'your payment of this code is being checked by the treasurer; wait for the decision before asking for a new code, so that you do not pay twice',
  },
  // Not workflow preconditions: why the fee engine cannot price a PBG file ({year} from the error's params).
  retribution_coefficients: {
    id: 'kantor harus menetapkan koefisien retribusi PBG (SHST dan indeks) yang lengkap untuk tahun pengajuan {year}; sampai saat itu, hitung retribusi secara manual',
    en: 'the office must set complete PBG retribution coefficients (SHST and indices) for the filing year {year}; until then, work the fee out by hand',
  },
  fee_answers: {
    id: 'jawaban formulir yang dipakai menghitung biaya harus lengkap dan sesuai tabel tarif',
    en: 'the form answers the fee is worked out from must be complete and listed in the tariff',
  },
  retribution_answers: {
    id: 'jawaban formulir yang dipakai menghitung retribusi (luas lantai, jumlah lantai, fungsi, kompleksitas, sifat permanen, kepemilikan, jenis pekerjaan) harus lengkap',
    en: 'the form answers the fee is worked out from (floor area, floors, function, complexity, permanence, ownership, type of work) must be complete',
  },
};

/** The "missing" list of a precondition_failed error, in the reader's language, with the error's params filled in. */
export function missingText(missing: string, lang: Lang, params: Record<string, string | number> = {}): string {
  return missing
    .split(',')
    .map((m) => {
      const text = PRECONDITION_MESSAGES[m]?.[lang];
      return text ? fillTemplate(text, params) : m;
    })
    .join('; ');
}

/** Citizen-facing messages for field problems, by code. `{…}` placeholders come from the problem's params. */
export const FIELD_MESSAGES: Record<string, Record<Lang, string>> = {
  required: { id: 'Wajib diisi.', en: 'This is required.' },
  payment_reference_used: {
    id: 'Referensi bank ini sudah tercatat untuk pembayaran lain. Periksa bukti setor dari bank.',
    en: 'This bank reference is already recorded for another payment. Check the bank’s payment slip.',
  },
  fee_reason_required: {
    id: 'Tulis alasan mengapa jumlahnya berbeda dari hasil perhitungan aturan retribusi.',
    en: 'Give the reason for a different amount than the fee rules give.',
  },
  too_long: { id: 'Terlalu panjang: paling banyak {max} karakter.', en: 'Too long: at most {max} characters.' },
  /** A correction request's text (src/data-rights/): a NIK is never typed there (it would be kept in plain text). */
  nik_not_here: {
    id: 'Jangan tulis NIK lengkap di sini. Untuk membetulkan NIK, datanglah ke loket dengan KTP Anda.',
    en: 'Do not type a full NIK here. To correct a NIK, come to the counter with your KTP.',
  },
  /** A correction about an application number that is not one of the person's filed applications. */
  not_your_application: {
    id: 'Tidak ada permohonan Anda dengan nomor ini. Salin nomornya dari halaman Permohonan saya.',
    en: 'You have no application with this number. Copy the number from the My applications page.',
  },
  /** Erasure: the box that says the person understood. */
  erasure_confirm: {
    id: 'Centang kotak ini untuk menyatakan Anda mengerti bahwa akun ditutup dan tidak bisa dibuka lagi.',
    en: 'Tick this box to say you understand that the account is closed and cannot be opened again.',
  },
  too_short: { id: 'Terlalu pendek: paling sedikit {min} karakter.', en: 'Too short: at least {min} characters.' },
  too_small: { id: 'Paling kecil {min}.', en: 'Must be at least {min}.' },
  too_big: { id: 'Paling besar {max}.', en: 'Must be at most {max}.' },
  not_a_number: { id: 'Isi dengan angka, misalnya 120 atau 85,5.', en: 'Enter a number, like 120 or 85.5.' },
  /** Two answers that contradict each other: the catalogue's message for that check (answerChecks), in both languages. */
  answers_contradict: { id: '{text_id}', en: '{text_en}' },
  not_an_integer: { id: 'Isi dengan bilangan bulat.', en: 'Enter a whole number.' },
  invalid_date: { id: 'Isi tanggal yang benar, misalnya 2026-03-27.', en: 'Enter a real date, like 2026-03-27.' },
  date_in_past: { id: 'Tanggal tidak boleh sebelum hari ini.', en: 'The date cannot be before today.' },
  date_in_future: { id: 'Tanggal tidak boleh setelah hari ini.', en: 'The date cannot be after today.' },
  invalid_option: { id: 'Pilih salah satu pilihan yang tersedia.', en: 'Choose one of the options.' },
  invalid_yes_no: { id: 'Pilih ya atau tidak.', en: 'Choose yes or no.' },
  invalid_nik: { id: 'NIK harus 16 angka sesuai KTP.', en: 'The NIK must be the 16 digits on the KTP.' },
  // Registration and the counter name which part of a NIK is wrong (src/auth/identity.ts nikFieldProblem).
  nik_region: {
    id: 'Enam angka pertama NIK (kode wilayah) tidak cocok dengan wilayah mana pun; periksa nomor pada KTP.',
    en: 'The first six digits of the NIK (region code) do not match any region; check the number on the KTP.',
  },
  nik_birth_date: {
    id: 'Angka ke-7 sampai ke-12 NIK (tanggal lahir) bukan tanggal yang benar; periksa nomor pada KTP.',
    en: 'Digits 7 to 12 of the NIK (date of birth) are not a real date; check the number on the KTP.',
  },
  invalid_passport: { id: 'Nomor paspor harus 6 sampai 12 huruf dan angka.', en: 'The passport number must be 6 to 12 letters and digits.' },
  invalid_stay_permit: { id: 'Nomor KITAS atau KITAP harus 6 sampai 25 huruf dan angka.', en: 'The KITAS or KITAP number must be 6 to 25 letters and digits.' },
  invalid_nationality: { id: 'Tulis kewarganegaraan dengan huruf, misalnya Malaysia.', en: 'Write the nationality in letters, like Malaysia.' },
  nik_required: {
    id: 'Jenis izin ini memerlukan NIK; warga negara asing dengan KITAS/KITAP mengajukannya di loket kantor.',
    en: 'This permit type needs a NIK; foreign residents with a KITAS/KITAP apply at the office counter.',
  },
  invalid_nib: { id: 'NIB harus 13 angka.', en: 'The NIB must be 13 digits.' },
  invalid_npwp: { id: 'NPWP harus 15 angka, atau 16 angka (NIK).', en: 'The NPWP must be 15 digits, or 16 (the NIK).' },
  invalid_kbli: { id: 'Kode KBLI harus 5 angka.', en: 'The KBLI code must be 5 digits.' },
  invalid_email: { id: 'Isi alamat email yang benar, misalnya nama@contoh.id.', en: 'Enter a real email address, like name@example.id.' },
  appointment_code_wrong: {
    id: 'Kode salah atau sudah kedaluwarsa. Masukkan 6 angka dari pesan WhatsApp terakhir kami, atau minta kode baru.',
    en: 'The code is wrong or has expired. Enter the 6 digits from our latest WhatsApp message, or ask for a new code.',
  },
  appointment_code_missing: {
    id: 'Masukkan kode 6 angka yang kami kirim ke WhatsApp Anda.',
    en: 'Enter the 6-digit code we sent to your WhatsApp.',
  },
  booking_changed: {
    id: 'Janji temu ini baru saja dipindahkan atau dibatalkan dari tempat lain. Buka lagi janji temu Anda untuk melihat waktunya sekarang.',
    en: 'This booking was just moved or cancelled elsewhere. Open your booking again to see where it stands now.',
  },
  invalid_phone: { id: 'Isi nomor HP yang benar, misalnya 0812 3456 7890.', en: 'Enter a real mobile number, like 0812 3456 7890.' },
  invalid_plate: { id: 'Isi nomor polisi yang benar, misalnya N 1234 AB.', en: 'Enter a real number plate, like N 1234 AB.' },
  unknown_field: { id: 'Kolom ini tidak dikenal.', en: 'This field is not known.' },
  unknown_action: { id: 'Tindakan ini tidak dikenal.', en: 'This action is not known.' },
  invalid_code: {
    id: 'Kode salah atau sudah tidak berlaku. Minta kode baru bila perlu.',
    en: 'The code is wrong or has expired. Ask for a new one if needed.',
  },
  invalid_value: { id: 'Isian tidak valid.', en: 'This value is not valid.' },
  wrong_password: { id: 'Kata sandi salah.', en: 'The password is wrong.' },
  weak_password: {
    id: 'Kata sandi terlalu mudah ditebak. Gunakan kalimat panjang yang mudah Anda ingat.',
    en: 'This password is too easy to guess. Use a long phrase you can remember.',
  },
  no_permit: {
    id: 'Permohonan ini belum memiliki izin yang berlaku untuk dikirim. Pilih berkas yang dikembalikan, atau tunggu izin terbit.',
    en: 'This application has no valid permit to send yet. Choose returned papers, or wait until the permit is issued.',
  },
  // Payment settings (src/payments/payment-settings.service.ts).
  invalid_partner_service_id: { id: 'Kode biller harus 1 sampai 8 angka.', en: 'The biller code must be 1 to 8 digits.' },
  invalid_bill_expiry_days: { id: 'Masa berlaku tagihan harus 1 sampai 60 hari.', en: 'The bill expiry must be 1 to 60 days.' },
  invalid_legal_basis: { id: 'Isi dasar hukum, 3 sampai 500 karakter.', en: 'Enter the legal basis, 3 to 500 characters.' },
  invalid_qris_merchant: {
    id: 'Data merchant QRIS tidak valid: huruf tanpa aksen; nama paling banyak 25 karakter, kota 15, ID merchant 15, MCC 4 angka.',
    en: 'The QRIS merchant data is not valid: letters without accents; name at most 25 characters, city 15, merchant id 15, MCC 4 digits.',
  },
  invalid_client_id: { id: 'Client id paling banyak 100 karakter ASCII.', en: 'The client id is at most 100 ASCII characters.' },
  invalid_client_secret: {
    id: 'Client secret harus 16 sampai 200 karakter ASCII, atau kosong untuk mempertahankan yang tersimpan.',
    en: 'The client secret must be 16 to 200 ASCII characters, or empty to keep the stored one.',
  },
  invalid_public_key: {
    id: 'Kunci publik bank harus kunci publik RSA (2048 bit atau lebih) dalam format PEM.',
    en: 'The bank’s public key must be an RSA public key (2048 bits or more) in PEM form.',
  },
  demo_not_in_production: {
    id: 'Bank demo dan kunci demonya hanya untuk pengembangan dan uji, tidak boleh di produksi.',
    en: 'The demo bank and its demo key are for development and tests only, never in production.',
  },
};
