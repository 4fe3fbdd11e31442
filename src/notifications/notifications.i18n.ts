import type { Catalogue } from '../web/i18n.js';

/** Page text for this feature, in Bahasa Indonesia (default) and English; merged into web/i18n.ts. */
export const NOTIFICATIONS_MESSAGES = {
  'mailbox.title': { id: 'Kotak surat pengembangan', en: 'Development mailbox' },
  'mailbox.lead': {
    id: 'Pesan yang akan dikirim lewat email, WhatsApp atau SMS. Hanya ada di luar produksi.',
    en: 'Messages that would go out by email, WhatsApp or SMS. Only outside production.',
  },
  'mailbox.empty': { id: 'Belum ada pesan.', en: 'No messages yet.' },

  'messages.kind.account_registered': { id: 'Akun dibuat', en: 'Account created' },
  'messages.kind.contact_code': { id: 'Kode verifikasi kontak', en: 'Contact verification code' },
  'messages.kind.reset_code': { id: 'Kode atur ulang kata sandi', en: 'Password reset code' },
  'messages.kind.claim_code': { id: 'Kode klaim', en: 'Claim code' },
  'messages.kind.application_submitted': { id: 'Permohonan diterima', en: 'Application received' },
  'messages.kind.application_transitioned': { id: 'Perubahan status', en: 'Status change' },
  'messages.kind.application_returned': { id: 'Dikembalikan untuk perbaikan', en: 'Returned for correction' },
  'messages.kind.permit_issued': { id: 'Izin terbit', en: 'Permit issued' },
  'messages.kind.new_message': { id: 'Pesan dari petugas', en: 'Message from the office' },
  'messages.kind.overdue': { id: 'Melewati batas layanan', en: 'Past the service standard' },
  'messages.kind.permit_revoked': { id: 'Izin dicabut', en: 'Permit revoked' },
  'messages.kind.permit_reissued': { id: 'Izin diterbitkan ulang', en: 'Permit re-issued' },
  'messages.kind.permit_expiring': { id: 'Pengingat masa berlaku', en: 'Expiry reminder' },
  'messages.kind.whatsapp_reply': { id: 'Balasan WhatsApp', en: 'WhatsApp reply' },
  'messages.kind.contact_changed': { id: 'Kontak akun diganti', en: 'Account contact changed' },
  'messages.kind.registration_attempt': { id: 'Pendaftaran dengan NIK Anda', en: 'Registration with your NIK' },
  'messages.kind.data_request_resolved': { id: 'Jawaban permintaan pembetulan data', en: 'Answer to a data correction request' },
  'messages.kind.legacy': { id: 'Pesan', en: 'Message' },

  'messages.channel.email': { id: 'Email', en: 'Email' },
  'messages.channel.whatsapp': { id: 'WhatsApp', en: 'WhatsApp' },
  'messages.channel.sms': { id: 'SMS', en: 'SMS' },
  'messages.channel.in_app': { id: 'Di aplikasi', en: 'In the app' },

  'messages.status.mailbox': { id: 'Kotak surat (tidak dikirim)', en: 'Mailbox (not sent)' },
  'messages.status.pending': { id: 'Menunggu dikirim', en: 'Waiting to be sent' },
  'messages.status.sent': { id: 'Terkirim', en: 'Sent' },
  'messages.status.delivered': { id: 'Sampai', en: 'Delivered' },
  'messages.status.read': { id: 'Dibaca', en: 'Read' },
  'messages.status.failed': { id: 'Gagal', en: 'Failed' },
  'messages.status.dead': { id: 'Tidak terkirim', en: 'Not delivered' },

  'messages.section.title': { id: 'Pemberitahuan terkirim', en: 'Messages sent' },
  'messages.section.empty': { id: 'Belum ada pemberitahuan tentang permohonan ini.', en: 'No messages about this application yet.' },
  'messages.col.what': { id: 'Pesan', en: 'Message' },
  'messages.col.to': { id: 'Kepada', en: 'To' },
  'messages.col.channel': { id: 'Saluran', en: 'Channel' },
  'messages.col.time': { id: 'Waktu', en: 'Time' },
  'messages.col.attempts': { id: 'Percobaan', en: 'Attempts' },
  'messages.col.reason': { id: 'Alasan', en: 'Reason' },

  'admin.messages': { id: 'Pesan gagal', en: 'Failed messages' },
  'admin.messages.hint': {
    id: 'Pemberitahuan yang tidak sampai ke warga atau petugas, dengan alasannya; kirim lagi setelah masalahnya diperbaiki.',
    en: 'Messages that did not reach a citizen or officer, with the reason; send them again once the problem is fixed.',
  },
  'admin.messages.lead': {
    id: 'Pesan di sini sudah dicoba di semua saluran penerima dan tidak sampai. Perbaiki penyebabnya (pengaturan saluran, template WhatsApp, alamat penerima), lalu kirim lagi. Setiap pengiriman ulang dicatat dalam jejak audit.',
    en: 'These messages were tried on every channel the recipient has and did not arrive. Fix the cause (channel settings, WhatsApp template, the recipient’s address), then send them again. Every resend is recorded in the audit trail.',
  },
  'admin.messages.empty': { id: 'Tidak ada pesan gagal.', en: 'No failed messages.' },
  'admin.messages.resend': { id: 'Kirim lagi', en: 'Send again' },
  'admin.messages.resent': { id: 'Pesan dijadwalkan untuk dikirim lagi.', en: 'The message has been queued to be sent again.' },

  'prefs.title': { id: 'Pemberitahuan', en: 'Notifications' },
  'prefs.lead': {
    id: 'Pilih bahasa pemberitahuan dan saluran yang Anda utamakan. Bila saluran itu gagal, kami mencoba saluran Anda yang lain.',
    en: 'Choose the language of your messages and the channel you prefer. If that channel fails, we try your other ones.',
  },
  'prefs.language': { id: 'Bahasa pemberitahuan', en: 'Language of messages' },
  'prefs.language.id': { id: 'Bahasa Indonesia', en: 'Bahasa Indonesia' },
  'prefs.language.en': { id: 'English', en: 'English' },
  'prefs.channel': { id: 'Saluran utama', en: 'Preferred channel' },
  'prefs.channel.default': { id: 'Ikuti urutan kantor', en: 'The office’s order' },
  'prefs.save': { id: 'Simpan', en: 'Save' },
  'prefs.link': { id: 'Ubah bahasa dan saluran pemberitahuan', en: 'Change the language and channel of your messages' },
  'prefs.saved': { id: 'Pilihan pemberitahuan disimpan.', en: 'Your message choices have been saved.' },
  'prefs.language.required': { id: 'Pilih bahasa pemberitahuan.', en: 'Choose the language of your messages.' },
  'prefs.channel.required': { id: 'Pilih saluran utama.', en: 'Choose a preferred channel.' },

  'admin.settings.channelOrder': { id: 'Urutan saluran pemberitahuan', en: 'Order of message channels' },
  'admin.settings.channelOrder.hint': {
    id: 'Saluran pertama yang dimiliki penerima dipakai; bila gagal, saluran berikutnya. Pilihan warga sendiri didahulukan.',
    en: 'The first channel the recipient has is used; if it fails, the next one. A citizen’s own choice comes first.',
  },
} as const satisfies Catalogue;
