import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, OutboxRow, Tenant } from '../db/schema.js';
import { insertDelivery, officeChannelOrder, officeName } from '../notifications/deliveries.repository.js';
import { DEFAULT_CHANNEL_ORDER, type Message, renderMessage } from '../notifications/messages.js';
import { routeFor } from '../notifications/notifications.handlers.js';
import type { OutboxHandlers } from '../outbox/outbox.worker.js';
import { blindIndex } from '../shared/crypto.js';
import { addMinutes, type Clock, isoNow } from '../shared/time.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { formatWhen, passPath } from './appointments.format.js';
import { clearPassCode, findAppointmentById, findAppointmentSettings, findCodeRow, storeCodeHash } from './appointments.repository.js';
import { DEFAULT_APPOINTMENT_SETTINGS } from './appointments.schemas.js';

/** A booker's WhatsApp code: 6 digits, 10 minutes, 5 tries (the accounts' one-time-code policy); one a minute, five a day per number (each costs the office a message). */
export const APPOINTMENT_CODE_POLICY = { digits: 6, lifetimeMinutes: 10, maxAttempts: 5, cooldownSeconds: 60, perDay: 5 } as const;

/** The HMAC a code is kept as: bound to the office, the number and the request it answers. */
export const appointmentCodeHash = (key: Buffer, q: { tenantId: string; phone: string; requestedAt: string }, code: string) =>
  blindIndex(key, `apt:${q.tenantId}:${q.phone}:${q.requestedAt}`, code.trim());

type AppointmentTopics = 'appointments.code' | 'appointments.booked' | 'appointments.reminder';

/**
 * The appointments' messages, composed in the outbox transaction like every other (one notifications
 * row, WhatsApp then SMS to the booker's number): the code (made here, so the plain code exists only in
 * the message), the booking pass with its link (the plain booking code then leaves the outbox row: it
 * lives only in the message, like the WhatsApp code), the day-before reminder.
 */
export function createAppointmentHandlers(deps: { address: OfficeAddress; dataKey: Buffer; clock: Clock }): Pick<OutboxHandlers, AppointmentTopics> {
  async function tenantOf(trx: Kysely<Database>, row: OutboxRow): Promise<Tenant> {
    const tenant = await findTenantById(trx, row.tenant_id);
    if (!tenant) throw new Error(`office ${row.tenant_id} of outbox row ${row.id} is missing`);
    return tenant;
  }

  async function send(trx: Kysely<Database>, row: OutboxRow, to: { phone: string; language: 'id' | 'en' }, message: Message): Promise<void> {
    const order = ((await officeChannelOrder(trx, row.tenant_id)) ?? [...DEFAULT_CHANNEL_ORDER]).filter((c) => c !== 'email');
    const route = routeFor({ email: null, phone: to.phone, preferred: null }, order);
    const first = route[0] ?? { channel: 'whatsapp' as const, address: to.phone };
    const rendered = renderMessage(message, to.language, first.channel, await officeName(trx, row.tenant_id));
    const now = isoNow(deps.clock);
    await insertDelivery(trx, {
      id: randomUUID(),
      tenant_id: row.tenant_id,
      outbox_id: row.id,
      channel: first.channel,
      recipient_user_id: null,
      recipient: first.address,
      subject: rendered.subject,
      body: rendered.text,
      created_at: now,
      kind: message.kind,
      params: JSON.stringify(message.params),
      language: to.language,
      status: 'pending',
      application_id: null,
      route: JSON.stringify(route.length ? route : [first]),
      route_step: 0,
      attempts: 0,
      channel_attempts: 0,
      resends: 0,
      available_at: now,
      status_at: now,
    });
  }

  async function bookingMessage(trx: Kysely<Database>, row: OutboxRow, id: string) {
    const appointment = await findAppointmentById(trx, id);
    if (!appointment) throw new Error(`appointment ${id} of outbox row ${row.id} is missing`);
    const tenant = await tenantOf(trx, row);
    const settings = (await findAppointmentSettings(trx, row.tenant_id)) ?? DEFAULT_APPOINTMENT_SETTINGS;
    const name = settings.services.find((s) => s.code === appointment.service_code)?.name ?? { id: appointment.service_code, en: appointment.service_code };
    const when = { id: formatWhen(appointment.starts_at, tenant.time_zone, 'id'), en: formatWhen(appointment.starts_at, tenant.time_zone, 'en') };
    return { appointment, base: officeBaseUrl(deps.address, tenant), service: name, when };
  }

  return {
    'appointments.code': async (trx, m, row) => {
      const request = await findCodeRow(trx, row.tenant_id, m.phone);
      // A newer request replaced this one: its own outbox row sends the code that counts.
      if (!request || request.requested_at !== m.requestedAt) return;
      const code = String(randomInt(0, 10 ** APPOINTMENT_CODE_POLICY.digits)).padStart(APPOINTMENT_CODE_POLICY.digits, '0');
      const hash = appointmentCodeHash(deps.dataKey, { tenantId: row.tenant_id, phone: m.phone, requestedAt: m.requestedAt }, code);
      const expiresAt = addMinutes(isoNow(deps.clock), APPOINTMENT_CODE_POLICY.lifetimeMinutes);
      if (!(await storeCodeHash(trx, { tenantId: row.tenant_id, phone: m.phone, requestedAt: m.requestedAt, codeHash: hash, expiresAt }))) return;
      await send(
        trx,
        row,
        { phone: m.phone, language: request.language },
        { kind: 'contact_code', params: { code, minutes: APPOINTMENT_CODE_POLICY.lifetimeMinutes } },
      );
    },
    'appointments.booked': async (trx, m, row) => {
      const { appointment, base, service, when } = await bookingMessage(trx, row, m.appointmentId);
      if (appointment.status === 'cancelled') return clearPassCode(trx, row.id);
      const link = `${base}${passPath(appointment.number, m.code)}`;
      await send(trx, row, appointment, { kind: 'appointment_booked', params: { number: appointment.number, service, when, link } });
      await clearPassCode(trx, row.id);
    },
    'appointments.reminder': async (trx, m, row) => {
      const { appointment, base, service, when } = await bookingMessage(trx, row, m.appointmentId);
      if (appointment.status !== 'booked') return;
      const link = `${base}/janji-temu/lihat?nomor=${encodeURIComponent(appointment.number)}`;
      await send(trx, row, appointment, { kind: 'appointment_reminder', params: { number: appointment.number, service, when, link } });
    },
  };
}
