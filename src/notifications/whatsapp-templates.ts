import type { Language, Localised, MessageKind, MessageOf } from './messages.js';

/**
 * The WhatsApp message templates an office registers with Meta (WhatsApp Manager > Message
 * templates) before it turns WhatsApp on: outside the 24-hour customer-service window only approved
 * templates may be sent, so every message Izol starts is one of these. Names, categories, languages
 * and body texts here are what the office submits; README "Message delivery" lists them too.
 *
 * Body parameters are positional ({{1}}, {{2}} …) and sent in this order. Authentication templates
 * have Meta's fixed body ("*{{1}}* adalah kode verifikasi Anda." / "*{{1}}* is your verification
 * code.", with the security recommendation and a 10-minute expiry footer) and a copy-code button;
 * the code goes both into the body parameter and into the button's url parameter (index 0).
 */
export type TemplateSpec<K extends MessageKind> = {
  name: string;
  category: 'utility' | 'authentication';
  /** The template language code per message language (Meta: id = Indonesian, en = English). */
  languages: Record<Language, string>;
  /** The approved body text per language, with {{n}} placeholders (authentication: Meta's preset text). */
  body: Localised;
  /** What each placeholder holds, in order (for the office registering the template). */
  parameterNames: readonly string[];
  /** The body parameters; `office` is the office's display name, for the templates that sign with it. */
  parameters: (m: MessageOf<K>, lang: Language, office: string) => string[];
};

type TemplatedKind = Exclude<MessageKind, 'whatsapp_reply'>;
const LANGS = { id: 'id', en: 'en' } as const;
const pick = (l: Localised, lang: Language) => l[lang];

const CODE_TEMPLATE = {
  name: 'izol_kode_verifikasi',
  category: 'authentication',
  languages: LANGS,
  body: {
    id: '*{{1}}* adalah kode verifikasi Anda. Demi keamanan, jangan bagikan kode ini. Kode ini kedaluwarsa dalam 10 menit.',
    en: '*{{1}}* is your verification code. For your security, do not share this code. This code expires in 10 minutes.',
  },
  parameterNames: ['code'],
} as const;

export const WHATSAPP_TEMPLATES: { [K in TemplatedKind]: TemplateSpec<K> } = {
  account_registered: {
    name: 'izol_akun_dibuat',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Halo {{1}}, akun Anda di layanan izin online {{2}} sudah dibuat.',
      en: 'Hello {{1}}, your account with the {{2}} online permit service has been created.',
    },
    parameterNames: ['name', 'office'],
    parameters: (m, _lang, office) => [m.params.name, office],
  },
  contact_code: { ...CODE_TEMPLATE, parameters: (m) => [m.params.code] },
  reset_code: { ...CODE_TEMPLATE, parameters: (m) => [m.params.code] },
  claim_code: {
    name: 'izol_kode_klaim',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Permohonan {{1}} Anda ({{2}}) sudah kami terima di loket. Untuk mengikutinya online, masuk ke {{3}} dan masukkan nomor permohonan dan kode klaim: {{4}} (berlaku {{5}} hari).',
      en: 'We received your {{1}} application ({{2}}) at the counter. To follow it online, sign in at {{3}} and enter the application number and claim code: {{4}} (valid {{5}} days).',
    },
    parameterNames: ['permit type', 'application number', 'claim page link', 'claim code', 'days valid'],
    parameters: (m, lang) => [pick(m.params.permit, lang), m.params.number, m.params.link, m.params.code, String(m.params.days)],
  },
  help_reply: {
    name: 'izol_balasan_bantuan',
    category: 'utility',
    languages: LANGS,
    body: { id: 'Balasan {{1}} atas pertanyaan Anda: {{2}}', en: 'The answer of {{1}} to your question: {{2}}' },
    parameterNames: ['office', 'answer'],
    parameters: (m) => [m.params.office, m.params.text],
  },
  claim_link: {
    name: 'izol_tautan_klaim',
    category: 'utility',
    languages: LANGS,
    body: {
      id: '{{1}} sudah menyiapkan draf permohonan {{2}} untuk Anda. Buka {{3}}, masuk atau daftar, lalu lengkapi dan ajukan sendiri. Tautan ini berlaku {{4}} hari dan hanya sekali pakai.',
      en: '{{1}} has prepared a {{2}} application draft for you. Open {{3}}, sign in or register, then complete and submit it yourself. The link works for {{4}} days, once.',
    },
    parameterNames: ['office', 'permit type', 'claim link', 'days valid'],
    parameters: (m, lang) => [m.params.office, pick(m.params.permit, lang), m.params.link, String(m.params.days)],
  },
  application_submitted: {
    name: 'izol_permohonan_diterima',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Permohonan {{1}} Anda sudah kami terima. Nomor: {{2}}. Kode lacak: {{3}}. Lacak di {{4}}',
      en: 'We have received your {{1}} application. Number: {{2}}. Tracking code: {{3}}. Track it at {{4}}',
    },
    parameterNames: ['permit type', 'application number', 'tracking code', 'tracking link'],
    parameters: (m, lang) => [pick(m.params.permit, lang), m.params.number, m.params.trackingCode, m.params.link],
  },
  application_transitioned: {
    name: 'izol_status_permohonan',
    category: 'utility',
    languages: LANGS,
    body: { id: 'Permohonan {{1}}: {{2}}. {{3}} Lihat {{4}}', en: 'Application {{1}}: {{2}}. {{3}} See {{4}}' },
    parameterNames: ['application number', 'status', 'next step', 'application link'],
    parameters: (m, lang) => [m.params.number, pick(m.params.state, lang), pick(m.params.nextStep, lang), m.params.link],
  },
  application_returned: {
    name: 'izol_permohonan_dikembalikan',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Permohonan {{1}} dikembalikan untuk perbaikan. {{2}} Lihat catatan petugas di {{3}}',
      en: 'Application {{1}} has been returned for correction. {{2}} Read the officer’s note at {{3}}',
    },
    parameterNames: ['application number', 'next step', 'application link'],
    parameters: (m, lang) => [m.params.number, pick(m.params.nextStep, lang), m.params.link],
  },
  permit_issued: {
    name: 'izol_izin_terbit',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Izin untuk permohonan {{1}} sudah terbit dengan nomor {{2}}. Unduh di {{3}} — bantu kami menjadi lebih baik: isi survei kepuasan (9 pertanyaan, tanpa nama) di {{4}}',
      en: 'The permit for application {{1}} has been issued as {{2}}. Download it at {{3}} — help us improve: take the satisfaction survey (9 questions, anonymous) at {{4}}',
    },
    parameterNames: ['application number', 'permit number', 'application link', 'survey link (the application link once the survey is answered)'],
    // A template's parameters are all required: without an open survey link the file page stands in.
    parameters: (m) => [m.params.number, m.params.permitNumber, m.params.link, m.params.survey ?? m.params.link],
  },
  new_message: {
    name: 'izol_pesan_petugas',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Ada pesan baru dari petugas tentang permohonan {{1}}. Baca di {{2}}',
      en: 'There is a new message from the office about application {{1}}. Read it at {{2}}',
    },
    parameterNames: ['application number', 'application link'],
    parameters: (m) => [m.params.number, m.params.link],
  },
  parcel_received: {
    name: 'izol_kiriman_diterima',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Kiriman Anda ({{1}}, resi {{2}}) sudah kami terima pada {{3}}. {{4}}',
      en: 'We received your parcel ({{1}}, tracking number {{2}}) on {{3}}. {{4}}',
    },
    parameterNames: ['courier company', 'tracking number', 'date received', 'application number and tracking link, or when it follows'],
    parameters: (m, lang) => [
      m.params.company,
      m.params.trackingNumber,
      m.params.receivedOn,
      m.params.number
        ? lang === 'id'
          ? `Nomor permohonan: ${m.params.number}. Lacak di ${m.params.link}`
          : `Application number: ${m.params.number}. Track it at ${m.params.link}`
        : lang === 'id'
          ? 'Nomor permohonan kami kirim setelah berkas Anda didaftarkan.'
          : 'We will send you the application number once your papers are registered.',
    ],
  },
  parcel_sent: {
    name: 'izol_kiriman_dikirim',
    category: 'utility',
    languages: LANGS,
    body: {
      id: '{{1}} untuk permohonan {{2}} sudah kami kirim dengan {{3}}, nomor resi {{4}}. Lihat {{5}}',
      en: '{{1}} for application {{2}} has been sent by {{3}}, tracking number {{4}}. See {{5}}',
    },
    parameterNames: ['what was sent', 'application number', 'courier company', 'tracking number', 'application link'],
    parameters: (m, lang) => [
      m.params.contents === 'permit' ? (lang === 'id' ? 'Izin' : 'The permit') : lang === 'id' ? 'Berkas yang dikembalikan' : 'The returned papers',
      m.params.number,
      m.params.company,
      m.params.trackingNumber,
      m.params.link,
    ],
  },
  overdue: {
    name: 'izol_melewati_batas_layanan',
    category: 'utility',
    languages: LANGS,
    body: {
      id: '{{1}} ({{2}}) melewati batas layanan: {{3}} dari {{4}} hari kerja, kini di tahap "{{5}}". {{6}}',
      en: '{{1}} ({{2}}) is past its service standard: {{3}} of {{4}} working days, now at "{{5}}". {{6}}',
    },
    parameterNames: ['application number', 'permit type', 'working days used', 'service standard (days)', 'stage', 'back-office link'],
    parameters: (m, lang) => [
      m.params.number,
      pick(m.params.permit, lang),
      String(m.params.used),
      String(m.params.sla),
      pick(m.params.state, lang),
      m.params.link,
    ],
  },
  permit_revoked: {
    name: 'izol_izin_dicabut',
    category: 'utility',
    languages: LANGS,
    body: {
      id: '{{1}} nomor {{2}} dicabut oleh kepala dinas. Alasan: {{3}}. Lihat {{4}}',
      en: '{{1}} number {{2}} has been revoked by the head of office. Reason: {{3}}. See {{4}}',
    },
    parameterNames: ['permit title', 'permit number', 'reason', 'verification link'],
    parameters: (m, lang) => [pick(m.params.title, lang), m.params.permitNumber, m.params.reason, m.params.link],
  },
  permit_reissued: {
    name: 'izol_izin_terbit_ulang',
    category: 'utility',
    languages: LANGS,
    body: {
      id: '{{1}} Anda diterbitkan ulang dengan perbaikan, nomor baru {{2}}. Izin lama tidak berlaku lagi. Unduh di {{3}}',
      en: 'Your {{1}} has been corrected and re-issued as {{2}}. The old permit is no longer valid. Download it at {{3}}',
    },
    parameterNames: ['permit title', 'new permit number', 'application link'],
    parameters: (m, lang) => [pick(m.params.title, lang), m.params.permitNumber, m.params.link],
  },
  permit_expiring: {
    name: 'izol_izin_segera_berakhir',
    category: 'utility',
    languages: LANGS,
    body: {
      id: '{{1}} nomor {{2}} berlaku sampai {{3}}. Ajukan perpanjangan di {{4}}',
      en: '{{1}} number {{2}} is valid until {{3}}. Apply to renew it at {{4}}',
    },
    parameterNames: ['permit title', 'permit number', 'valid until', 'application link'],
    parameters: (m, lang) => [pick(m.params.title, lang), m.params.permitNumber, m.params.validUntil, m.params.link],
  },
  contact_changed: {
    name: 'izol_kontak_diganti',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Halo {{1}}, email atau nomor WhatsApp untuk masuk ke akun {{3}} Anda baru saja diganti; nomor ini tidak dipakai lagi. Bila bukan Anda, segera hubungi kantor: {{2}}',
      en: 'Hello {{1}}, the email or WhatsApp number you sign in to {{3}} with has just been changed; this number is no longer used. If it was not you, contact the office at once: {{2}}',
    },
    parameterNames: ['name', 'office link', 'office'],
    parameters: (m, _lang, office) => [m.params.name, m.params.link, office],
  },
  registration_attempt: {
    name: 'izol_pendaftaran_nik',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Halo {{1}}, seseorang mencoba membuat akun {{3}} baru dengan NIK Anda; NIK Anda tetap milik akun Anda. Bila itu Anda, Anda sudah punya akun: masuk di {{2}}',
      en: 'Hello {{1}}, someone tried to create a new {{3}} account with your NIK; your NIK stays with your account. If that was you, you already have an account: sign in at {{2}}',
    },
    parameterNames: ['name', 'sign-in link', 'office'],
    parameters: (m, _lang, office) => [m.params.name, m.params.link, office],
  },
  data_request_resolved: {
    name: 'izol_pembetulan_data',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Halo {{1}}, {{4}} sudah menjawab permintaan pembetulan data Anda {{2}}. Baca jawabannya di {{3}}',
      en: 'Hello {{1}}, {{4}} has answered your data correction request {{2}}. Read the answer at {{3}}',
    },
    parameterNames: ['name', 'reference', 'request link', 'office'],
    parameters: (m, _lang, office) => [m.params.name, m.params.reference, m.params.link, office],
  },
  appointment_booked: {
    name: 'izol_janji_temu_dipesan',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Janji temu Anda untuk {{1}} sudah dipesan: {{2}}. Nomor: {{3}}. Tunjukkan tiket ini di kantor: {{4}}',
      en: 'Your appointment for {{1}} is booked: {{2}}. Number: {{3}}. Show this pass at the office: {{4}}',
    },
    parameterNames: ['service', 'date and time', 'booking number', 'booking pass link'],
    parameters: (m, lang) => [pick(m.params.service, lang), pick(m.params.when, lang), m.params.number, m.params.link],
  },
  appointment_reminder: {
    name: 'izol_pengingat_janji_temu',
    category: 'utility',
    languages: LANGS,
    body: {
      id: 'Pengingat: janji temu Anda untuk {{1}} besok, {{2}}. Nomor: {{3}}. Tidak bisa datang? Batalkan atau pindahkan di {{4}}',
      en: 'Reminder: your appointment for {{1}} is tomorrow, {{2}}. Number: {{3}}. Cannot come? Cancel or move it at {{4}}',
    },
    parameterNames: ['service', 'date and time', 'booking number', 'booking page link'],
    parameters: (m, lang) => [pick(m.params.service, lang), pick(m.params.when, lang), m.params.number, m.params.link],
  },
};

/** The template's text as the recipient reads it, placeholders filled. */
export function whatsappTemplateBody(spec: Pick<TemplateSpec<TemplatedKind>, 'body'>, lang: Language, parameters: readonly string[]): string {
  return spec.body[lang].replace(/\{\{(\d+)\}\}/g, (_, n: string) => parameters[Number(n) - 1] ?? '');
}
