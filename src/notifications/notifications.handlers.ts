import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findApplication } from '../applications/applications.repository.js';
import { CLAIM_CODE_DAYS, claimCodeHash } from '../applications/applications.service.js';
import { issueCode, OTP_POLICY } from '../auth/one-time-codes.js';
import { findUserById } from '../auth/users.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Application, Database, OutboxRow, User } from '../db/schema.js';
import type { OutboxTopic } from '../outbox/outbox.schemas.js';
import type { OutboxHandler } from '../outbox/outbox.worker.js';
import { findPermitById, listPermitsOfApplication } from '../permits/permits.repository.js';
import { readableCode } from '../shared/crypto.js';
import { type Clock, isoNow, localDate } from '../shared/time.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { findRequest } from '../data-rights/data-rights.repository.js';
import { findParcel } from '../parcels/parcels.repository.js';
import { findOpenBill } from '../payments/payments.repository.js';
import { formatDateTime, formatRupiah } from '../web/i18n.js';
import { stateOf } from '../workflow/workflow.engine.js';
import { insertDelivery, messagePreferences, officeChannelOrder, officeName, type RouteEntry } from './deliveries.repository.js';
import { type Channel, DEFAULT_CHANNEL_ORDER, type Language, type Message, renderMessage } from './messages.js';
import { permitTitle, setClaimCode } from './notifications.repository.js';
import { findInvitationFor } from '../survey/survey.repository.js';

/** The outbox topics this feature handles; other features (src/whatsapp/ …) bring handlers for theirs, merged in services.ts. */
export const NOTIFICATION_TOPICS = [
  'notify.application_submitted',
  'notify.application_transitioned',
  'notify.account_registered',
  'notify.message',
  'notify.overdue',
  'notify.claim_code',
  'notify.permit_revoked',
  'notify.permit_reissued',
  'notify.permit_expiring',
  'notify.one_time_code',
  'notify.contact_changed',
  'notify.registration_attempt',
  'notify.data_request_resolved',
  'notify.parcel_received',
  'notify.parcel_sent',
] as const satisfies readonly OutboxTopic[];
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];
export type NotificationHandlers = { [T in NotificationTopic]: OutboxHandler<T> };

/** Who a message goes to: an account, or the contact a counter recorded for a file nobody has claimed. */
type Recipient = { userId: string | null; email: string | null; phone: string | null; language: Language; preferred: Channel | null };

/**
 * The order to try a recipient's channels in: their preferred channel first, then the office's
 * fallback order (WhatsApp → SMS → email unless the office set another in its settings). A channel
 * the office left out of its order is not used; a channel the recipient has no address for is skipped.
 */
export function routeFor(r: Pick<Recipient, 'email' | 'phone' | 'preferred'>, officeOrder: readonly Channel[]): RouteEntry[] {
  const address: Record<Channel, string | null> = { whatsapp: r.phone, sms: r.phone, email: r.email };
  const order = r.preferred && officeOrder.includes(r.preferred) ? [r.preferred, ...officeOrder.filter((c) => c !== r.preferred)] : officeOrder;
  return order.flatMap((channel) => (address[channel] ? [{ channel, address: address[channel] }] : []));
}

/**
 * Stage one of delivery, inside the outbox transaction: each outbox message becomes (at most) one
 * notification row: recipient, kind and params, language, route of channels, rendered subject and
 * body for the first channel (the development mailbox and tests read these). The delivery job
 * (delivery.worker.ts) then sends it through the gateways, outside any transaction.
 */
export function createNotificationHandlers(deps: { catalogue: CatalogueService; address: OfficeAddress; dataKey: Buffer; clock: Clock }): NotificationHandlers {
  async function base(trx: Kysely<Database>, row: OutboxRow): Promise<string> {
    const tenant = await findTenantById(trx, row.tenant_id);
    return tenant ? officeBaseUrl(deps.address, tenant) : deps.address.baseUrl;
  }

  /**
   * An account as a recipient. Once it proved an address, an address it has not proved (a changed
   * email or number) gets nothing but the code that verifies it (notify.one_time_code); an account
   * that proved nothing yet (just registered) is reached where it registered, as its code is.
   */
  async function ofUser(trx: Kysely<Database>, user: User): Promise<Recipient> {
    const prefs = await messagePreferences(trx, user.tenant_id, user.id);
    const proved = user.email_verified_at !== null || user.phone_verified_at !== null;
    return {
      userId: user.id,
      email: proved && !user.email_verified_at ? null : user.email,
      phone: proved && !user.phone_verified_at ? null : user.phone,
      language: prefs.language ?? 'id',
      preferred: prefs.channel,
    };
  }

  /** An account's recipient without any address it has not proved (the NIK holder's notice: an unproved holder may be a squatter). */
  function verifiedOnly(user: User, to: Recipient): Recipient {
    return { ...to, email: user.email_verified_at ? to.email : null, phone: user.phone_verified_at ? to.phone : null };
  }

  /** The counter's recorded contact: a +628… number or an email address; in Indonesian. */
  function ofContact(contact: string): Recipient {
    const email = contact.includes('@');
    return { userId: null, email: email ? contact : null, phone: email ? null : contact, language: 'id', preferred: null };
  }

  /** Writes the message for its outbox row, to be delivered by the delivery job. */
  async function compose(
    trx: Kysely<Database>,
    row: OutboxRow,
    to: Recipient,
    message: Message,
    applicationId: string | null,
    onlyRoute?: RouteEntry[],
  ): Promise<void> {
    const order = (await officeChannelOrder(trx, row.tenant_id)) ?? [...DEFAULT_CHANNEL_ORDER];
    const route = onlyRoute ?? routeFor(to, order);
    const first = route[0] ?? { channel: to.email ? 'email' : 'whatsapp', address: to.email ?? to.phone ?? '' };
    const rendered = renderMessage(message, to.language, first.channel, await officeName(trx, row.tenant_id));
    const now = isoNow(deps.clock);
    await insertDelivery(trx, {
      id: randomUUID(),
      tenant_id: row.tenant_id,
      outbox_id: row.id,
      channel: first.channel,
      recipient_user_id: to.userId,
      recipient: first.address,
      subject: rendered.subject,
      body: rendered.text,
      created_at: now,
      kind: message.kind,
      params: JSON.stringify(message.params),
      language: to.language,
      status: 'pending',
      application_id: applicationId,
      route: JSON.stringify(route),
      route_step: 0,
      attempts: 0,
      channel_attempts: 0,
      resends: 0,
      available_at: now,
      status_at: now,
    });
  }

  const findUser = (trx: Kysely<Database>, row: OutboxRow, id: string | null) => (id ? findUserById(trx, row.tenant_id, id) : Promise.resolve(undefined));
  async function findApp(trx: Kysely<Database>, row: OutboxRow, id: string) {
    const app = await findApplication(trx, row.tenant_id, id);
    if (!app) throw new Error(`application ${id} of outbox row ${row.id} is missing`);
    return app;
  }

  /**
   * Who hears about a file: its applicant's account (the one the message named, else whoever holds
   * the file now), or, for a counter or courier file nobody has claimed, the contact the counter
   * recorded. Undefined when there is nobody (a disabled account, no contact).
   */
  async function aboutFile(trx: Kysely<Database>, row: OutboxRow, app: Application, userId: string | null): Promise<Recipient | undefined> {
    const user = await findUser(trx, row, userId ?? app.applicant_id);
    if (user) return user.disabled_at ? undefined : ofUser(trx, user);
    return app.applicant_id === null && app.applicant_contact ? ofContact(app.applicant_contact) : undefined;
  }

  async function permitParties(trx: Kysely<Database>, row: OutboxRow, permitId: string) {
    const permit = await findPermitById(trx, permitId);
    if (!permit) throw new Error(`permit ${permitId} of outbox row ${row.id} is missing`);
    const app = await findApp(trx, row, permit.application_id);
    return { permit, app, to: await aboutFile(trx, row, app, null), title: permitTitle(permit) };
  }

  /** The fee assessment's bill (src/payments/), when the action set the fee and a bill is open: amount, VA number, expiry. */
  async function billOf(trx: Kysely<Database>, app: Application, action: { input?: string | undefined } | undefined) {
    if (action?.input !== 'fee_amount') return {};
    const [bill, tenant] = await Promise.all([findOpenBill(trx, app.tenant_id, app.id), findTenantById(trx, app.tenant_id)]);
    if (!bill || !tenant) return {};
    const zone = tenant.time_zone;
    const expires = { id: formatDateTime('id', bill.expires_at, zone), en: formatDateTime('en', bill.expires_at, zone) };
    return { bill: { amount: formatRupiah(Number(bill.amount)), paymentCode: bill.va_number.replace(/ /g, ''), expires } };
  }

  return {
    // The security review's two account messages (auth.service.ts): the old contact of a changed
    // account, in the account's language; the holder of a NIK someone tried to register again,
    // only through a contact they proved (an unverified holder may be the one who squatted the NIK).
    'notify.contact_changed': async (trx, m, row) => {
      const user = await findUser(trx, row, m.userId);
      if (!user) return;
      const { language } = await ofUser(trx, user);
      const to: Recipient = { userId: user.id, email: m.email, phone: m.phone, language, preferred: null };
      await compose(trx, row, to, { kind: 'contact_changed', params: { name: user.name, link: await base(trx, row) } }, null);
    },
    'notify.registration_attempt': async (trx, m, row) => {
      const user = await findUser(trx, row, m.userId);
      if (!user || user.disabled_at) return;
      const to = verifiedOnly(user, await ofUser(trx, user));
      if (!to.email && !to.phone) return;
      const link = `${await base(trx, row)}/akun/masuk`;
      await compose(trx, row, to, { kind: 'registration_attempt', params: { name: user.name, link } }, null);
    },
    // The office answered a correction request (src/data-rights/): the requester, unless the account was erased since.
    'notify.data_request_resolved': async (trx, m, row) => {
      const request = await findRequest(trx, row.tenant_id, m.requestId);
      if (!request || (request.status !== 'corrected' && request.status !== 'refused')) return;
      const user = await findUser(trx, row, request.user_id);
      if (!user || user.disabled_at) return;
      const link = `${await base(trx, row)}/akun/data-pribadi/permintaan/${request.id}`;
      await compose(
        trx,
        row,
        await ofUser(trx, user),
        { kind: 'data_request_resolved', params: { name: user.name, reference: request.reference, outcome: request.status, link } },
        null,
      );
    },
    'notify.permit_revoked': async (trx, m, row) => {
      const { permit, app, to, title } = await permitParties(trx, row, m.permitId);
      if (!to) return;
      const link = `${await base(trx, row)}/v/${permit.verification_code}`;
      await compose(
        trx,
        row,
        to,
        { kind: 'permit_revoked', params: { permitNumber: permit.number, title, reason: permit.revocation_reason ?? '', link } },
        app.id,
      );
    },
    'notify.permit_reissued': async (trx, m, row) => {
      const { permit, app, to, title } = await permitParties(trx, row, m.permitId);
      if (!to) return;
      const link = `${await base(trx, row)}/permohonan/${app.id}`;
      await compose(trx, row, to, { kind: 'permit_reissued', params: { permitNumber: permit.number, title, link } }, app.id);
    },
    'notify.permit_expiring': async (trx, m, row) => {
      const { permit, app, to, title } = await permitParties(trx, row, m.permitId);
      if (!to || permit.status !== 'valid' || !permit.valid_until) return;
      const link = `${await base(trx, row)}/permohonan/${app.id}`;
      await compose(trx, row, to, { kind: 'permit_expiring', params: { permitNumber: permit.number, title, validUntil: permit.valid_until, link } }, app.id);
    },
    // Courier parcels (src/parcels/): to the file's account, or the contact the front desk recorded.
    'notify.parcel_received': async (trx, m, row) => {
      const parcel = await findParcel(trx, row.tenant_id, m.parcelId);
      if (!parcel?.application_id) return;
      const app = await findApp(trx, row, parcel.application_id);
      const to = await aboutFile(trx, row, app, null);
      if (!to) return;
      const tenant = await findTenantById(trx, row.tenant_id);
      const params = {
        company: parcel.company,
        trackingNumber: parcel.tracking_number,
        receivedOn: localDate(parcel.at, tenant?.time_zone ?? 'Asia/Jakarta'),
        number: app.number ?? '',
        link: `${await base(trx, row)}/lacak`,
      };
      await compose(trx, row, to, { kind: 'parcel_received', params }, app.id);
    },
    'notify.parcel_sent': async (trx, m, row) => {
      const parcel = await findParcel(trx, row.tenant_id, m.parcelId);
      if (!parcel?.application_id || !parcel.contents) return;
      const app = await findApp(trx, row, parcel.application_id);
      const to = await aboutFile(trx, row, app, null);
      if (!to) return;
      const link = `${await base(trx, row)}${to.userId ? `/permohonan/${app.id}` : '/lacak'}`;
      const params = { company: parcel.company, trackingNumber: parcel.tracking_number, contents: parcel.contents, number: app.number ?? '', link };
      await compose(trx, row, to, { kind: 'parcel_sent', params }, app.id);
    },
    'notify.account_registered': async (trx, m, row) => {
      const user = await findUser(trx, row, m.userId);
      if (!user) return;
      await compose(trx, row, await ofUser(trx, user), { kind: 'account_registered', params: { name: user.name } }, null);
    },
    'notify.one_time_code': async (trx, m, row) => {
      const user = await findUser(trx, row, m.userId);
      if (!user || user.disabled_at) return;
      const to = await ofUser(trx, user);
      const order = (await officeChannelOrder(trx, row.tenant_id)) ?? [...DEFAULT_CHANNEL_ORDER];
      const params = (code: string) => ({ code, minutes: OTP_POLICY.lifetimeMinutes });
      const now = isoNow(deps.clock);
      if (m.purpose === 'reset_password') {
        // Like every message, only to a proved address once the account has one (ofUser).
        if (!to.email && !to.phone) return;
        const code = await issueCode(trx, deps.dataKey, { tenantId: row.tenant_id, userId: user.id, purpose: m.purpose, now });
        return compose(trx, row, to, { kind: 'reset_code', params: params(code) }, null);
      }
      // A verification code goes to exactly the address it verifies (the one named, else the first
      // unverified one the route reaches), on that address's channels only, and remembers it.
      const unproved = { email: user.email_verified_at ? null : user.email, phone: user.phone_verified_at ? null : user.phone };
      const wanted = m.address ? { email: m.address === 'email' ? unproved.email : null, phone: m.address === 'phone' ? unproved.phone : null } : unproved;
      const first = routeFor({ ...wanted, preferred: to.preferred }, order)[0];
      if (!first) return;
      const route = routeFor({ ...wanted, preferred: to.preferred }, order).filter((e) => e.address === first.address);
      const code = await issueCode(trx, deps.dataKey, { tenantId: row.tenant_id, userId: user.id, purpose: m.purpose, now, address: first.address });
      await compose(trx, row, to, { kind: 'contact_code', params: params(code) }, null, route);
    },
    'notify.message': async (trx, m, row) => {
      const app = await findApp(trx, row, m.applicationId);
      const to = await aboutFile(trx, row, app, m.userId);
      if (!to) return;
      const link = `${await base(trx, row)}/permohonan/${app.id}`;
      await compose(trx, row, to, { kind: 'new_message', params: { number: app.number ?? '', link } }, app.id);
    },
    'notify.overdue': async (trx, m, row) => {
      const [head, app] = await Promise.all([findUser(trx, row, m.headUserId), findApp(trx, row, m.applicationId)]);
      if (!head || head.disabled_at) return;
      const { definition, workflow } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      const state = stateOf(workflow, app.state);
      await compose(
        trx,
        row,
        await ofUser(trx, head),
        {
          kind: 'overdue',
          params: {
            number: app.number ?? '',
            permit: definition.name,
            used: m.usedWorkingDays,
            sla: m.slaWorkingDays,
            state: state.label,
            link: `${await base(trx, row)}/kantor`,
          },
        },
        app.id,
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
      const params = { number: app.number ?? '', permit: definition.name, code, days: CLAIM_CODE_DAYS, link: `${await base(trx, row)}/permohonan/klaim` };
      await compose(trx, row, ofContact(app.applicant_contact), { kind: 'claim_code', params }, app.id);
    },
    'notify.application_submitted': async (trx, m, row) => {
      const app = await findApp(trx, row, m.applicationId);
      // A counter file nobody has claimed: the claim-code message (notify.claim_code) is its receipt.
      const user = await findUser(trx, row, m.userId);
      if (!user || user.disabled_at) return;
      const { definition } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      const params = { number: app.number ?? '', permit: definition.name, trackingCode: app.tracking_code ?? '', link: `${await base(trx, row)}/lacak` };
      await compose(trx, row, await ofUser(trx, user), { kind: 'application_submitted', params }, app.id);
    },
    'notify.application_transitioned': async (trx, m, row) => {
      const app = await findApp(trx, row, m.applicationId);
      const to = await aboutFile(trx, row, app, m.userId);
      if (!to) return;
      const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      const state = stateOf(workflow, m.toState);
      const action = workflow.actions.find((a) => a.code === m.action);
      const number = app.number ?? '';
      const link = `${await base(trx, row)}/permohonan/${app.id}`;
      const permit = action?.issuesPermit ? (await listPermitsOfApplication(trx, row.tenant_id, app.id)).find((p) => p.status === 'valid') : undefined;
      // A fee assessed with its bill waits for the applicant's payment, not a correction: the status, with the bill.
      const bill = await billOf(trx, app, action);
      const invitation = permit ? await findInvitationFor(trx, { tenantId: row.tenant_id, occasion: 'permit_issued', subjectId: app.id }) : undefined;
      const survey = invitation && invitation.used === 0 ? { survey: `${await base(trx, row)}/survei/${invitation.token}` } : {};
      const message: Message = permit
        ? { kind: 'permit_issued', params: { number, permitNumber: permit.number, link, ...survey } }
        : state.kind === 'applicant' && !bill.bill
          ? { kind: 'application_returned', params: { number, nextStep: state.nextStep, link } }
          : { kind: 'application_transitioned', params: { number, state: state.label, nextStep: state.nextStep, link, ...bill } };
      await compose(trx, row, to, message, app.id);
    },
  };
}
