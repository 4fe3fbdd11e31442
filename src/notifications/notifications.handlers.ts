import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findApplication } from '../applications/applications.repository.js';
import { CLAIM_CODE_DAYS, claimCodeHash } from '../applications/applications.service.js';
import { issueCode, OTP_POLICY } from '../auth/one-time-codes.js';
import { findUserById } from '../auth/users.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Database, OutboxRow, User } from '../db/schema.js';
import type { OutboxHandlers } from '../outbox/outbox.worker.js';
import { findPermitById } from '../permits/permits.repository.js';
import { readableCode } from '../shared/crypto.js';
import { type Clock, isoNow } from '../shared/time.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { stateOf } from '../workflow/workflow.engine.js';
import { insertNotification, permitTitle, setClaimCode } from './notifications.repository.js';

/**
 * Turns outbox messages into notifications. In this foundation every notification is delivered to
 * the built-in mailbox (the notifications table), which the portal shows and developers read;
 * email and WhatsApp gateways plug in behind the same handlers later, keyed on the outbox id.
 */
export function createNotificationHandlers(deps: { catalogue: CatalogueService; address: OfficeAddress; dataKey: Buffer; clock: Clock }): OutboxHandlers {
  /** Links in a message point at the office's own host (office-url.ts). */
  async function base(trx: Kysely<Database>, row: OutboxRow): Promise<string> {
    const tenant = await findTenantById(trx, row.tenant_id);
    return tenant ? officeBaseUrl(deps.address, tenant) : deps.address.baseUrl;
  }

  /** One message to one address, written once for its outbox row. */
  async function send(
    trx: Kysely<Database>,
    row: OutboxRow,
    to: { userId: string | null; address: string; channel: 'email' | 'whatsapp' },
    subject: string,
    body: string,
  ) {
    await insertNotification(trx, {
      id: randomUUID(),
      tenant_id: row.tenant_id,
      outbox_id: row.id,
      channel: to.channel,
      recipient_user_id: to.userId,
      recipient: to.address,
      subject,
      body,
      created_at: isoNow(deps.clock),
    });
  }

  /** To an account: by email if it has one, else WhatsApp. */
  async function deliver(trx: Kysely<Database>, row: OutboxRow, user: User, subject: string, body: string): Promise<void> {
    await send(trx, row, { userId: user.id, address: user.email ?? user.phone ?? '', channel: user.email ? 'email' : 'whatsapp' }, subject, body);
  }

  /** To the WhatsApp number or email the counter recorded for a front-desk file. */
  async function toContact(trx: Kysely<Database>, row: OutboxRow, contact: string, subject: string, body: string): Promise<void> {
    await send(trx, row, { userId: null, address: contact, channel: contact.includes('@') ? 'email' : 'whatsapp' }, subject, body);
  }

  const findUser = (trx: Kysely<Database>, row: OutboxRow, id: string | null) => (id ? findUserById(trx, row.tenant_id, id) : Promise.resolve(undefined));
  async function findApp(trx: Kysely<Database>, row: OutboxRow, id: string) {
    const app = await findApplication(trx, row.tenant_id, id);
    if (!app) throw new Error(`application ${id} of outbox row ${row.id} is missing`);
    return app;
  }

  /** The permit, its file and the holder's account (none for a front-desk file nobody claimed). */
  async function permitParties(trx: Kysely<Database>, row: OutboxRow, permitId: string) {
    const permit = await findPermitById(trx, permitId);
    if (!permit) throw new Error(`permit ${permitId} of outbox row ${row.id} is missing`);
    const app = await findApp(trx, row, permit.application_id);
    const user = await findUser(trx, row, app.applicant_id);
    return { permit, app, user: user && !user.disabled_at ? user : undefined, title: permitTitle(permit) };
  }

  /**
   * Tells a permit's holder: their account, or, for a front-desk file nobody has claimed, the WhatsApp
   * number or email the counter recorded. Returns false if there is nobody to tell.
   */
  async function toHolder(
    trx: Kysely<Database>,
    row: OutboxRow,
    parties: Awaited<ReturnType<typeof permitParties>>,
    subject: string,
    body: string,
  ): Promise<boolean> {
    if (parties.user) {
      await deliver(trx, row, parties.user, subject, body);
      return true;
    }
    const contact = parties.app.applicant_id === null ? parties.app.applicant_contact : null;
    if (!contact) return false;
    await toContact(trx, row, contact, subject, body);
    return true;
  }

  return {
    'notify.permit_revoked': async (trx, m, row) => {
      const parties = await permitParties(trx, row, m.permitId);
      const { permit, title } = parties;
      await toHolder(
        trx,
        row,
        parties,
        `Izin ${permit.number} dicabut / Permit ${permit.number} revoked`,
        `${title.id} nomor ${permit.number} dicabut oleh kepala dinas.\nAlasan: ${permit.revocation_reason ?? ''}\nLihat ${await base(trx, row)}/v/${permit.verification_code}\n\n` +
          `${title.en} number ${permit.number} has been revoked by the head of office.\nReason: ${permit.revocation_reason ?? ''}\nSee ${await base(trx, row)}/v/${permit.verification_code}`,
      );
    },
    'notify.permit_reissued': async (trx, m, row) => {
      const parties = await permitParties(trx, row, m.permitId);
      const { permit, app, title } = parties;
      await toHolder(
        trx,
        row,
        parties,
        `Izin diterbitkan ulang: ${permit.number} / Permit re-issued`,
        `${title.id} Anda diterbitkan ulang dengan perbaikan, nomor baru ${permit.number}. Izin lama tidak berlaku lagi. Unduh di ${await base(trx, row)}/permohonan/${app.id}\n\n` +
          `Your ${title.en} has been corrected and re-issued as ${permit.number}. The old permit is no longer valid. Download it at ${await base(trx, row)}/permohonan/${app.id}`,
      );
    },
    'notify.permit_expiring': async (trx, m, row) => {
      const parties = await permitParties(trx, row, m.permitId);
      const { permit, app, title } = parties;
      if (permit.status !== 'valid' || !permit.valid_until) return;
      await toHolder(
        trx,
        row,
        parties,
        `Izin ${permit.number} segera berakhir / Permit ${permit.number} expires soon`,
        `${title.id} nomor ${permit.number} berlaku sampai ${permit.valid_until}. Ajukan perpanjangan di ${await base(trx, row)}/permohonan/${app.id}\n\n` +
          `${title.en} number ${permit.number} is valid until ${permit.valid_until}. Apply to renew it at ${await base(trx, row)}/permohonan/${app.id}`,
      );
    },
    'notify.account_registered': async (trx, m, row) => {
      const user = await findUser(trx, row, m.userId);
      if (!user) return;
      await deliver(
        trx,
        row,
        user,
        'Selamat datang di Izol / Welcome to Izol',
        `Halo ${user.name}, akun Izol Anda sudah dibuat.\n\nHello ${user.name}, your Izol account has been created.`,
      );
    },
    'notify.one_time_code': async (trx, m, row) => {
      const user = await findUser(trx, row, m.userId);
      if (!user || user.disabled_at) return;
      const code = await issueCode(trx, deps.dataKey, { tenantId: row.tenant_id, userId: user.id, purpose: m.purpose, now: isoNow(deps.clock) });
      const what =
        m.purpose === 'verify_contact'
          ? { id: 'memastikan kontak Anda', en: 'confirm your contact details' }
          : { id: 'mengatur ulang kata sandi', en: 'reset your password' };
      await deliver(
        trx,
        row,
        user,
        `Kode Izol: ${code}`,
        `Kode untuk ${what.id}: ${code}\nBerlaku ${OTP_POLICY.lifetimeMinutes} menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas.\n\n` +
          `Your code to ${what.en}: ${code}\nValid for ${OTP_POLICY.lifetimeMinutes} minutes. Never give this code to anyone, officers included.`,
      );
    },
    'notify.message': async (trx, m, row) => {
      const [user, app] = await Promise.all([findUser(trx, row, m.userId), findApp(trx, row, m.applicationId)]);
      if (!user) return;
      await deliver(
        trx,
        row,
        user,
        `${app.number ?? ''}: pesan dari petugas / a message from the office`,
        `Ada pesan baru dari petugas tentang permohonan ${app.number ?? ''}. Baca di ${await base(trx, row)}/permohonan/${app.id}\n\n` +
          `There is a new message from the office about application ${app.number ?? ''}. Read it at ${await base(trx, row)}/permohonan/${app.id}`,
      );
    },
    'notify.overdue': async (trx, m, row) => {
      const [head, app] = await Promise.all([findUser(trx, row, m.headUserId), findApp(trx, row, m.applicationId)]);
      if (!head || head.disabled_at) return;
      const { definition, workflow } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      const state = stateOf(workflow, app.state);
      await deliver(
        trx,
        row,
        head,
        `Terlambat: ${app.number} / Overdue: ${app.number}`,
        `${app.number} (${definition.name.id}) melewati batas layanan: ${m.usedWorkingDays} dari ${m.slaWorkingDays} hari kerja, kini di tahap "${state.label.id}".\n${await base(trx, row)}/kantor\n\n` +
          `${app.number} (${definition.name.en}) is past its service standard: ${m.usedWorkingDays} of ${m.slaWorkingDays} working days, now at "${state.label.en}".`,
      );
    },
    'notify.claim_code': async (trx, m, row) => {
      const app = await findApp(trx, row, m.applicationId);
      if (!app.applicant_contact || app.applicant_id !== null) return;
      const code = readableCode(8);
      await setClaimCode(trx, {
        tenantId: row.tenant_id,
        applicationId: app.id,
        hash: claimCodeHash(deps.dataKey, app.id, code),
        expiresAt: new Date(deps.clock.now().getTime() + CLAIM_CODE_DAYS * 86_400_000).toISOString(),
      });
      const { definition } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      await toContact(
        trx,
        row,
        app.applicant_contact,
        `Permohonan ${app.number}: kode klaim / claim code`,
        `Permohonan ${definition.name.id} Anda (${app.number}) sudah kami terima di loket. Untuk mengikutinya online, masuk ke ${await base(trx, row)}/permohonan/klaim dan masukkan nomor permohonan dan kode klaim: ${code} (berlaku ${CLAIM_CODE_DAYS} hari).\n\n` +
          `We received your ${definition.name.en} application (${app.number}) at the counter. To follow it online, sign in at ${await base(trx, row)}/permohonan/klaim and enter the application number and claim code: ${code} (valid ${CLAIM_CODE_DAYS} days).`,
      );
    },
    'notify.application_submitted': async (trx, m, row) => {
      const [user, app] = await Promise.all([findUser(trx, row, m.userId), findApp(trx, row, m.applicationId)]);
      if (!user) return; // front-desk intake: the claim link comes with the back-office issue
      const { definition } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      await deliver(
        trx,
        row,
        user,
        `Permohonan ${app.number} diterima / Application ${app.number} received`,
        `Permohonan ${definition.name.id} Anda sudah kami terima.\nNomor: ${app.number}\nKode lacak: ${app.tracking_code}\nLacak di ${await base(trx, row)}/lacak\n\n` +
          `We have received your ${definition.name.en} application.\nNumber: ${app.number}\nTracking code: ${app.tracking_code}\nTrack it at ${await base(trx, row)}/lacak`,
      );
    },
    'notify.application_transitioned': async (trx, m, row) => {
      const [user, app] = await Promise.all([findUser(trx, row, m.userId), findApp(trx, row, m.applicationId)]);
      if (!user) return;
      const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      const state = stateOf(workflow, m.toState);
      await deliver(trx, row, user, `${app.number ?? ''}: ${state.label.id} / ${state.label.en}`, `${state.nextStep.id}\n\n${state.nextStep.en}`);
    },
  };
}
