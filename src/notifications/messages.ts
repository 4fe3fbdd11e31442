import { z } from 'zod';
import { escapeHtml } from '../web/html.js';
import { plural } from '../web/i18n.js';
import { WHATSAPP_TEMPLATES, whatsappTemplateBody } from './whatsapp-templates.js';

/**
 * Every message Izol sends, as a kind with params. A notification row keeps the kind and params
 * (JSON) and renders them per language and per channel when it is composed and again when it falls
 * back to another channel: email (subject, plain text, simple HTML), SMS (one short line: codes and
 * status) and WhatsApp (an approved template with its body parameters; free text only for replies
 * inside the 24-hour customer-service window, kind `whatsapp_reply`).
 */

export const CHANNELS = ['whatsapp', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The order a message tries its recipient's channels in unless the office or the person says otherwise. */
export const DEFAULT_CHANNEL_ORDER: readonly Channel[] = ['whatsapp', 'sms', 'email'];

const localised = z.object({ id: z.string(), en: z.string() });
export type Localised = z.infer<typeof localised>;

export const messageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('account_registered'), params: z.object({ name: z.string() }) }),
  z.object({ kind: z.literal('contact_code'), params: z.object({ code: z.string(), minutes: z.number() }) }),
  z.object({ kind: z.literal('reset_code'), params: z.object({ code: z.string(), minutes: z.number() }) }),
  z.object({
    kind: z.literal('claim_code'),
    params: z.object({ number: z.string(), permit: localised, code: z.string(), days: z.number(), link: z.string() }),
  }),
  z.object({
    kind: z.literal('application_submitted'),
    params: z.object({ number: z.string(), permit: localised, trackingCode: z.string(), link: z.string() }),
  }),
  z.object({
    kind: z.literal('application_transitioned'),
    params: z.object({
      number: z.string(),
      state: localised,
      nextStep: localised,
      link: z.string(),
      /** The bill issued with the fee assessment (src/payments/): amount, VA number, expiry in the office's zone. */
      bill: z.object({ amount: z.string(), paymentCode: z.string(), expires: localised }).optional(),
    }),
  }),
  z.object({ kind: z.literal('application_returned'), params: z.object({ number: z.string(), nextStep: localised, link: z.string() }) }),
  z.object({
    kind: z.literal('permit_issued'),
    /** survey: the SKM survey's link (src/survey/), when the issuing made an invitation. */
    params: z.object({ number: z.string(), permitNumber: z.string(), link: z.string(), survey: z.string().optional() }),
  }),
  z.object({ kind: z.literal('new_message'), params: z.object({ number: z.string(), link: z.string() }) }),
  /** A courier parcel linked to its file (src/parcels/); `number` is empty while the new file is not filed yet. */
  z.object({
    kind: z.literal('parcel_received'),
    params: z.object({ company: z.string(), trackingNumber: z.string(), receivedOn: z.string(), number: z.string(), link: z.string() }),
  }),
  /** The permit or the papers sent back by courier (src/parcels/). */
  z.object({
    kind: z.literal('parcel_sent'),
    params: z.object({
      company: z.string(),
      trackingNumber: z.string(),
      contents: z.enum(['permit', 'returned_papers']),
      number: z.string(),
      link: z.string(),
    }),
  }),
  z.object({
    kind: z.literal('overdue'),
    params: z.object({ number: z.string(), permit: localised, used: z.number(), sla: z.number(), state: localised, link: z.string() }),
  }),
  z.object({ kind: z.literal('permit_revoked'), params: z.object({ permitNumber: z.string(), title: localised, reason: z.string(), link: z.string() }) }),
  z.object({ kind: z.literal('permit_reissued'), params: z.object({ permitNumber: z.string(), title: localised, link: z.string() }) }),
  z.object({
    kind: z.literal('permit_expiring'),
    params: z.object({ permitNumber: z.string(), title: localised, validUntil: z.string(), link: z.string() }),
  }),
  /** A free-text WhatsApp answer to an inbound message (src/whatsapp/), inside the 24-hour window. */
  z.object({ kind: z.literal('whatsapp_reply'), params: z.object({ text: z.string() }) }),
  /** The help desk's reply to a help request (src/helpdesk/): by email, or a WhatsApp template once the 24-hour window closed. */
  z.object({ kind: z.literal('help_reply'), params: z.object({ office: z.string(), text: z.string() }) }),
  /** The help desk prepared an assisted draft: the claim link (single use) to continue it online (src/helpdesk/). */
  z.object({ kind: z.literal('claim_link'), params: z.object({ office: z.string(), permit: localised, link: z.string(), days: z.number() }) }),
  /** To the old email or number: the account's sign-in contact was changed (the security review). */
  z.object({ kind: z.literal('contact_changed'), params: z.object({ name: z.string(), link: z.string() }) }),
  /** To an account's holder: someone tried to register a new account with their NIK (the security review). */
  z.object({ kind: z.literal('registration_attempt'), params: z.object({ name: z.string(), link: z.string() }) }),
  z.object({
    kind: z.literal('data_request_resolved'),
    params: z.object({ name: z.string(), reference: z.string(), outcome: z.enum(['corrected', 'refused']), link: z.string() }),
  }),
  /** The booking pass of an appointment (src/appointments/): number, service, time in the office's zone, the pass link with the code. */
  z.object({
    kind: z.literal('appointment_booked'),
    params: z.object({ number: z.string(), service: localised, when: localised, link: z.string() }),
  }),
  /** The day before an appointment (the reminder job). */
  z.object({
    kind: z.literal('appointment_reminder'),
    params: z.object({ number: z.string(), service: localised, when: localised, link: z.string() }),
  }),
]);
export type Message = z.infer<typeof messageSchema>;
export type MessageKind = Message['kind'];
export type MessageOf<K extends MessageKind> = Extract<Message, { kind: K }>;

/** Reads a stored kind and params back through the schema: a row of an unknown shape fails loudly. */
export function parseMessage(kind: string, params: string): Message {
  return messageSchema.parse({ kind, params: JSON.parse(params) as unknown });
}

export type RenderedEmail = { channel: 'email'; subject: string; text: string; html: string };
export type RenderedSms = { channel: 'sms'; subject: string; text: string };
export type RenderedWhatsApp = {
  channel: 'whatsapp';
  subject: string;
  /** What the recipient reads (the template filled in), kept on the notification row. */
  text: string;
  /** An approved template for a message Izol starts; absent for a free-text reply. */
  template?: { name: string; languageCode: string; bodyParameters: string[]; copyCode?: string };
};
export type Rendered = RenderedEmail | RenderedSms | RenderedWhatsApp;

type Texts = { subject: string; email: string; sms: string };

const pick = (l: Localised, lang: Language) => l[lang];

/**
 * Subject, the plain-text email body and the one-line SMS of each kind, per language, signed with the
 * office's name (`office`, the tenant's display name: the citizen deals with the office, Izol is
 * only the software). A count meets its noun through `plural` ("1 day", "14 days").
 */
function texts(m: Message, lang: Language, office: string): Texts {
  const id = lang === 'id';
  const days = (n: number) => (id ? `${n} hari` : plural(lang, n, 'day', 'days'));
  switch (m.kind) {
    case 'account_registered':
      return id
        ? {
            subject: `Selamat datang di layanan izin online ${office}`,
            email: `Halo ${m.params.name}, akun Anda di layanan izin online ${office} sudah dibuat.`,
            sms: `${office}: akun Anda sudah dibuat.`,
          }
        : {
            subject: `Welcome to the ${office} online permit service`,
            email: `Hello ${m.params.name}, your account with the ${office} online permit service has been created.`,
            sms: `${office}: your account has been created.`,
          };
    case 'contact_code':
    case 'reset_code': {
      const { code, minutes } = m.params;
      const what =
        m.kind === 'contact_code'
          ? { id: 'memastikan kontak Anda', en: 'confirm your contact details' }
          : { id: 'mengatur ulang kata sandi', en: 'reset your password' };
      return id
        ? {
            subject: `Kode ${office}: ${code}`,
            email: `Kode untuk ${what.id}: ${code}\nBerlaku ${minutes} menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas.`,
            sms: `Kode ${office} ${code} untuk ${what.id}. Berlaku ${minutes} menit. Jangan berikan kepada siapa pun.`,
          }
        : {
            subject: `${office} code: ${code}`,
            email: `Your code to ${what.en}: ${code}\nValid for ${plural(lang, minutes, 'minute', 'minutes')}. Never give this code to anyone, officers included.`,
            sms: `${office} code ${code} to ${what.en}. Valid ${minutes} min. Never share it.`,
          };
    }
    case 'claim_code': {
      const p = m.params;
      return id
        ? {
            subject: `Permohonan ${p.number}: kode klaim`,
            email: `Permohonan ${p.permit.id} Anda (${p.number}) sudah kami terima di loket. Untuk mengikutinya online, masuk ke ${p.link} dan masukkan nomor permohonan dan kode klaim: ${p.code} (berlaku ${days(p.days)}).`,
            sms: `${office}: permohonan ${p.number}, kode klaim: ${p.code} (${days(p.days)}). Klaim di ${p.link}`,
          }
        : {
            subject: `Application ${p.number}: claim code`,
            email: `We received your ${p.permit.en} application (${p.number}) at the counter. To follow it online, sign in at ${p.link} and enter the application number and claim code: ${p.code} (valid ${days(p.days)}).`,
            sms: `${office}: application ${p.number}, claim code: ${p.code} (${days(p.days)}). Claim at ${p.link}`,
          };
    }
    case 'application_submitted': {
      const p = m.params;
      return id
        ? {
            subject: `Permohonan ${p.number} diterima`,
            email: `Permohonan ${p.permit.id} Anda sudah kami terima.\nNomor: ${p.number}\nKode lacak: ${p.trackingCode}\nLacak di ${p.link}`,
            sms: `${office}: permohonan ${p.number} diterima. Kode lacak ${p.trackingCode}.`,
          }
        : {
            subject: `Application ${p.number} received`,
            email: `We have received your ${p.permit.en} application.\nNumber: ${p.number}\nTracking code: ${p.trackingCode}\nTrack it at ${p.link}`,
            sms: `${office}: application ${p.number} received. Tracking code ${p.trackingCode}.`,
          };
    }
    case 'application_transitioned': {
      const p = m.params;
      const b = p.bill;
      const bill = !b
        ? { email: '', sms: '' }
        : id
          ? {
              email: `\nTagihan retribusi: ${b.amount}. Kode bayar (virtual account): ${b.paymentCode}. Bayar sebelum ${b.expires.id}.`,
              sms: ` Bayar ${b.amount} ke VA ${b.paymentCode} sebelum ${b.expires.id}.`,
            }
          : {
              email: `\nFee bill: ${b.amount}. Payment code (virtual account): ${b.paymentCode}. Pay before ${b.expires.en}.`,
              sms: ` Pay ${b.amount} to VA ${b.paymentCode} before ${b.expires.en}.`,
            };
      return {
        subject: `${p.number}: ${pick(p.state, lang)}`,
        email: `${pick(p.nextStep, lang)}${bill.email}\n${p.link}`,
        sms: `${office} ${p.number}: ${pick(p.state, lang)}.${bill.sms}`,
      };
    }
    case 'application_returned': {
      const p = m.params;
      return id
        ? {
            subject: `${p.number}: dikembalikan untuk perbaikan`,
            email: `Permohonan ${p.number} dikembalikan untuk perbaikan.\n${p.nextStep.id}\nLihat catatan petugas di ${p.link}`,
            sms: `${office} ${p.number}: dikembalikan untuk perbaikan. Lihat ${p.link}`,
          }
        : {
            subject: `${p.number}: returned for correction`,
            email: `Application ${p.number} has been returned for correction.\n${p.nextStep.en}\nRead the officer's note at ${p.link}`,
            sms: `${office} ${p.number}: returned for correction. See ${p.link}`,
          };
    }
    case 'permit_issued': {
      const p = m.params;
      return id
        ? {
            subject: `Izin terbit: ${p.permitNumber}`,
            email: `Izin untuk permohonan ${p.number} sudah terbit dengan nomor ${p.permitNumber}.\nUnduh di ${p.link}${p.survey ? `\nBantu kami menjadi lebih baik: isi survei kepuasan (9 pertanyaan, tanpa nama) di ${p.survey}` : ''}`,
            sms: `${office}: izin ${p.permitNumber} untuk ${p.number} sudah terbit.`,
          }
        : {
            subject: `Permit issued: ${p.permitNumber}`,
            email: `The permit for application ${p.number} has been issued as ${p.permitNumber}.\nDownload it at ${p.link}${p.survey ? `\nHelp us improve: take the satisfaction survey (9 questions, anonymous) at ${p.survey}` : ''}`,
            sms: `${office}: permit ${p.permitNumber} for ${p.number} has been issued.`,
          };
    }
    case 'parcel_received': {
      const p = m.params;
      const next = id
        ? p.number
          ? `Nomor permohonan: ${p.number}. Lacak di ${p.link}`
          : 'Nomor permohonan kami kirim setelah berkas Anda didaftarkan.'
        : p.number
          ? `Application number: ${p.number}. Track it at ${p.link}`
          : 'We will send you the application number once your papers are registered.';
      return id
        ? {
            subject: `Kiriman ${p.company} ${p.trackingNumber} diterima`,
            email: `Kiriman Anda (${p.company}, resi ${p.trackingNumber}) sudah kami terima pada ${p.receivedOn}.\n${next}`,
            sms: `${office}: kiriman ${p.company} ${p.trackingNumber} diterima ${p.receivedOn}.${p.number ? ` Permohonan ${p.number}.` : ''}`,
          }
        : {
            subject: `Parcel ${p.company} ${p.trackingNumber} received`,
            email: `We received your parcel (${p.company}, tracking number ${p.trackingNumber}) on ${p.receivedOn}.\n${next}`,
            sms: `${office}: parcel ${p.company} ${p.trackingNumber} received ${p.receivedOn}.${p.number ? ` Application ${p.number}.` : ''}`,
          };
    }
    case 'parcel_sent': {
      const p = m.params;
      const what = p.contents === 'permit' ? { id: 'Izin', en: 'The permit' } : { id: 'Berkas yang dikembalikan', en: 'The returned papers' };
      return id
        ? {
            subject: `${p.number}: dikirim dengan ${p.company}`,
            email: `${what.id} untuk permohonan ${p.number} sudah kami kirim dengan ${p.company}, nomor resi ${p.trackingNumber}.\nLihat di ${p.link}`,
            sms: `${office} ${p.number}: ${what.id.toLowerCase()} dikirim, ${p.company} resi ${p.trackingNumber}.`,
          }
        : {
            subject: `${p.number}: sent by ${p.company}`,
            email: `${what.en} for application ${p.number} has been sent by ${p.company}, tracking number ${p.trackingNumber}.\nSee ${p.link}`,
            sms: `${office} ${p.number}: ${what.en.toLowerCase()} sent, ${p.company} tracking ${p.trackingNumber}.`,
          };
    }
    case 'new_message': {
      const p = m.params;
      return id
        ? {
            subject: `${p.number}: pesan dari petugas`,
            email: `Ada pesan baru dari petugas tentang permohonan ${p.number}. Baca di ${p.link}`,
            sms: `${office} ${p.number}: ada pesan dari petugas.`,
          }
        : {
            subject: `${p.number}: a message from the office`,
            email: `There is a new message from the office about application ${p.number}. Read it at ${p.link}`,
            sms: `${office} ${p.number}: a message from the office.`,
          };
    }
    case 'overdue': {
      const p = m.params;
      return id
        ? {
            subject: `Terlambat: ${p.number}`,
            email: `${p.number} (${p.permit.id}) melewati batas layanan: ${p.used} dari ${p.sla} hari kerja, kini di tahap "${p.state.id}".\n${p.link}`,
            sms: `${office}: ${p.number} terlambat, ${p.used}/${p.sla} hari kerja.`,
          }
        : {
            subject: `Overdue: ${p.number}`,
            email: `${p.number} (${p.permit.en}) is past its service standard: ${p.used} of ${plural(lang, p.sla, 'working day', 'working days')}, now at "${p.state.en}".\n${p.link}`,
            sms: `${office}: ${p.number} overdue, ${p.used}/${plural(lang, p.sla, 'working day', 'working days')}.`,
          };
    }
    case 'permit_revoked': {
      const p = m.params;
      return id
        ? {
            subject: `Izin ${p.permitNumber} dicabut`,
            email: `${p.title.id} nomor ${p.permitNumber} dicabut oleh kepala dinas.\nAlasan: ${p.reason}\nLihat ${p.link}`,
            sms: `${office}: izin ${p.permitNumber} dicabut. Lihat ${p.link}`,
          }
        : {
            subject: `Permit ${p.permitNumber} revoked`,
            email: `${p.title.en} number ${p.permitNumber} has been revoked by the head of office.\nReason: ${p.reason}\nSee ${p.link}`,
            sms: `${office}: permit ${p.permitNumber} revoked. See ${p.link}`,
          };
    }
    case 'permit_reissued': {
      const p = m.params;
      return id
        ? {
            subject: `Izin diterbitkan ulang: ${p.permitNumber}`,
            email: `${p.title.id} Anda diterbitkan ulang dengan perbaikan, nomor baru ${p.permitNumber}. Izin lama tidak berlaku lagi. Unduh di ${p.link}`,
            sms: `${office}: izin diterbitkan ulang, nomor baru ${p.permitNumber}.`,
          }
        : {
            subject: `Permit re-issued: ${p.permitNumber}`,
            email: `Your ${p.title.en} has been corrected and re-issued as ${p.permitNumber}. The old permit is no longer valid. Download it at ${p.link}`,
            sms: `${office}: permit re-issued as ${p.permitNumber}.`,
          };
    }
    case 'permit_expiring': {
      const p = m.params;
      return id
        ? {
            subject: `Izin ${p.permitNumber} segera berakhir`,
            email: `${p.title.id} nomor ${p.permitNumber} berlaku sampai ${p.validUntil}. Ajukan perpanjangan di ${p.link}`,
            sms: `${office}: izin ${p.permitNumber} berlaku s.d. ${p.validUntil}. Perpanjang di ${p.link}`,
          }
        : {
            subject: `Permit ${p.permitNumber} expires soon`,
            email: `${p.title.en} number ${p.permitNumber} is valid until ${p.validUntil}. Apply to renew it at ${p.link}`,
            sms: `${office}: permit ${p.permitNumber} valid until ${p.validUntil}. Renew at ${p.link}`,
          };
    }
    case 'whatsapp_reply':
      return { subject: id ? 'Balasan WhatsApp' : 'WhatsApp reply', email: m.params.text, sms: m.params.text };
    case 'help_reply': {
      const p = m.params;
      return id
        ? { subject: `Balasan ${p.office} atas pertanyaan Anda`, email: p.text, sms: `${p.office}: ${p.text}` }
        : { subject: `${p.office}: an answer to your question`, email: p.text, sms: `${p.office}: ${p.text}` };
    }
    case 'claim_link': {
      const p = m.params;
      return id
        ? {
            subject: `Draf permohonan ${p.permit.id} Anda`,
            email: `${p.office} sudah menyiapkan draf permohonan ${p.permit.id} untuk Anda. Buka ${p.link}, masuk atau daftar, lalu lengkapi dan ajukan sendiri. Tautan ini berlaku ${days(p.days)} dan hanya sekali pakai.`,
            sms: `${office}: draf permohonan ${p.permit.id} Anda siap. Lanjutkan di ${p.link} (${days(p.days)}, sekali pakai).`,
          }
        : {
            subject: `Your ${p.permit.en} application draft`,
            email: `${p.office} has prepared a ${p.permit.en} application draft for you. Open ${p.link}, sign in or register, then complete and submit it yourself. The link works for ${days(p.days)}, once.`,
            sms: `${office}: your ${p.permit.en} draft is ready. Continue at ${p.link} (${days(p.days)}, once).`,
          };
    }
    case 'contact_changed': {
      const p = m.params;
      return id
        ? {
            subject: `Kontak akun ${office} Anda diganti`,
            email: `Halo ${p.name}, email atau nomor WhatsApp untuk masuk ke akun ${office} Anda baru saja diganti; alamat ini tidak dipakai lagi.\nBila bukan Anda yang menggantinya, segera hubungi kantor atau datang ke loket dengan KTP Anda: ${p.link}`,
            sms: `${office}: kontak akun Anda baru saja diganti. Bukan Anda? Hubungi kantor: ${p.link}`,
          }
        : {
            subject: `Your ${office} account contact was changed`,
            email: `Hello ${p.name}, the email or WhatsApp number you sign in to ${office} with has just been changed; this address is no longer used.\nIf you did not change it, contact the office at once or come to the counter with your KTP: ${p.link}`,
            sms: `${office}: your account contact was just changed. Not you? Contact the office: ${p.link}`,
          };
    }
    case 'registration_attempt': {
      const p = m.params;
      return id
        ? {
            subject: 'Pendaftaran dengan NIK Anda',
            email: `Halo ${p.name}, seseorang baru saja mencoba membuat akun ${office} baru dengan NIK Anda. NIK Anda tetap milik akun ini: akun lain itu tidak dapat memakainya kecuali petugas loket memeriksa KTP pemiliknya.\nBila itu Anda, Anda sudah punya akun: masuk di ${p.link} (lupa kata sandi? atur ulang di sana). Bila bukan, Anda tidak perlu berbuat apa-apa.`,
            sms: `${office}: ada yang mencoba mendaftar dengan NIK Anda; NIK tetap milik akun Anda. Masuk: ${p.link}`,
          }
        : {
            subject: 'A registration with your NIK',
            email: `Hello ${p.name}, someone has just tried to create a new ${office} account with your NIK. Your NIK stays with this account: the other account cannot use it unless a counter officer checks its owner's KTP.\nIf that was you, you already have an account: sign in at ${p.link} (forgot your password? reset it there). If not, you need not do anything.`,
            sms: `${office}: someone tried to register with your NIK; it stays with your account. Sign in: ${p.link}`,
          };
    }
    case 'data_request_resolved': {
      const p = m.params;
      const corrected = p.outcome === 'corrected';
      return id
        ? {
            subject: `Permintaan pembetulan data ${p.reference}`,
            email: `Halo ${p.name}, ${office} sudah menjawab permintaan pembetulan data pribadi Anda ${p.reference}: ${corrected ? 'data sudah dibetulkan' : 'permintaan tidak dapat dipenuhi'}. Baca jawabannya di ${p.link}`,
            sms: `${office}: permintaan ${p.reference} ${corrected ? 'sudah dibetulkan' : 'tidak dapat dipenuhi'}. Lihat: ${p.link}`,
          }
        : {
            subject: `Your data correction request ${p.reference}`,
            email: `Hello ${p.name}, ${office} has answered your personal data correction request ${p.reference}: ${corrected ? 'the data has been corrected' : 'the request could not be met'}. Read the answer at ${p.link}`,
            sms: `${office}: request ${p.reference} ${corrected ? 'corrected' : 'could not be met'}. See: ${p.link}`,
          };
    }
    case 'appointment_booked': {
      const p = m.params;
      return id
        ? {
            subject: `Janji temu ${p.number}`,
            email: `Janji temu Anda untuk ${p.service.id} sudah dipesan: ${p.when.id}.\nNomor: ${p.number}\nTiket (tunjukkan di kantor): ${p.link}`,
            sms: `${office}: janji temu ${p.number}, ${p.when.id}. Tiket: ${p.link}`,
          }
        : {
            subject: `Appointment ${p.number}`,
            email: `Your appointment for ${p.service.en} is booked: ${p.when.en}.\nNumber: ${p.number}\nBooking pass (show it at the office): ${p.link}`,
            sms: `${office}: appointment ${p.number}, ${p.when.en}. Pass: ${p.link}`,
          };
    }
    case 'appointment_reminder': {
      const p = m.params;
      return id
        ? {
            subject: `Besok: janji temu ${p.number}`,
            email: `Pengingat: janji temu Anda untuk ${p.service.id} besok, ${p.when.id}.\nNomor: ${p.number}\nTidak bisa datang? Batalkan atau pindahkan di ${p.link}`,
            sms: `${office}: besok janji temu ${p.number}, ${p.when.id}. Ubah: ${p.link}`,
          }
        : {
            subject: `Tomorrow: appointment ${p.number}`,
            email: `Reminder: your appointment for ${p.service.en} is tomorrow, ${p.when.en}.\nNumber: ${p.number}\nCannot come? Cancel or move it at ${p.link}`,
            sms: `${office}: appointment ${p.number} tomorrow, ${p.when.en}. Change: ${p.link}`,
          };
    }
  }
}

/** Plain text as simple HTML: escaped, one paragraph per line, addresses as links; the office's name closes it. */
function simpleHtml(subject: string, text: string, lang: Language, office: string): string {
  const lines = text
    .split('\n')
    .map((line) => `<p>${escapeHtml(line).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)}</p>`)
    .join('\n');
  return `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body style="font-family:sans-serif;line-height:1.5">\n${lines}\n<p style="color:#555">${escapeHtml(office)}</p>\n</body></html>\n`;
}

/**
 * Renders a message for one channel in one language (the recipient's), signed by the office: `office`
 * is the tenant's display name (tenants.name, "DPMPTSP Kota Malang"). An email ends with it, an SMS
 * starts with it, and the WhatsApp templates that name the service carry it as a parameter.
 */
export function renderMessage(m: Message, lang: Language, channel: Channel, office: string): Rendered {
  const t = texts(m, lang, office);
  switch (channel) {
    case 'email': {
      const text = `${t.email}\n\n${office}`;
      return { channel, subject: t.subject, text, html: simpleHtml(t.subject, t.email, lang, office) };
    }
    case 'sms':
      return { channel, subject: t.subject, text: t.sms };
    case 'whatsapp': {
      if (m.kind === 'whatsapp_reply') return { channel, subject: t.subject, text: m.params.text };
      const spec = WHATSAPP_TEMPLATES[m.kind];
      const bodyParameters = spec.parameters(m as never, lang, office).map(templateParameter);
      return {
        channel,
        subject: t.subject,
        text: whatsappTemplateBody(spec, lang, bodyParameters),
        template: {
          name: spec.name,
          languageCode: spec.languages[lang],
          bodyParameters,
          ...(spec.category === 'authentication' ? { copyCode: bodyParameters[0]! } : {}),
        },
      };
    }
  }
}

/** Meta refuses template parameters with new lines, tabs or more than four spaces in a row (error 132018). */
function templateParameter(value: string): string {
  return value.replace(/\s+/g, ' ').trim() || '-';
}
