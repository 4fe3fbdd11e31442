import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication } from '../applications/applications.repository.js';
import { type ApplicationService, takeIntoAccount } from '../applications/applications.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findUserById, findUserByLogin } from '../auth/users.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { attachContactsToUser, HELP_REQUEST_LABEL, recordContact } from '../contacts/contacts.repository.js';
import type { Db } from '../db/database.js';
import { violatedConstraint } from '../db/unique-violation.js';
import type { Database, HelpChannel, HelpMessage, HelpRequest, HelpStatus, Tenant, WhatsAppInbound } from '../db/schema.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { newToken, sha256Hex } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import { isEmail, normalisePhone } from '../shared/identifiers.js';
import type { Lang } from '../shared/messages.js';
import { type Clock, isoNow, localDate, todayIn } from '../shared/time.js';
import { addWorkingDays } from '../sla/calendar.js';
import type { HolidayService } from '../sla/holidays.service.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import {
  claimLinksOfRequest,
  findClaimLinkByHash,
  findHelpRequest,
  findOpenRequestOf,
  insertClaimLink,
  insertHelpMessage,
  insertHelpRequest,
  insertWhatsAppRequestOnce,
  listHelpdeskStaff,
  listHelpMessages,
  searchHelpRequests,
  setRequestApplicant,
  touchOnInbound,
  updateHelpRequest,
  useClaimLink,
} from './helpdesk.repository.js';
import { cannedAnswers, claimLinkNote } from './helpdesk.texts.js';
import { ensureInvitation } from '../survey/survey.repository.js';

/** The first-response standard: 3 working days on the office's calendar (as SP4N-LAPOR!). */
export const FIRST_RESPONSE_WORKING_DAYS = 3;
/** How long a claim link works. */
export const CLAIM_LINK_DAYS = 14;
/** WhatsApp's customer-service window: free text only this long after the citizen's last message; a template after it. */
export const WHATSAPP_WINDOW_HOURS = 24;

/** The doors an officer records by hand (the office has no API for them): replies are sent by the officer and recorded here. */
export const BY_HAND_CHANNELS: readonly HelpChannel[] = ['phone', 'instagram', 'facebook'];

export type HelpDelivery = NonNullable<HelpMessage['delivery']>;

/** A claim link's token: 256 random bits, base64url; only its SHA-256 is stored. */
export function newClaimToken(): string {
  return newToken();
}
export const claimTokenHash = (token: string) => sha256Hex(`claim-link:${token.trim()}`);

/** The address a claim link opens. */
export function claimLinkUrl(address: OfficeAddress, tenant: Pick<Tenant, 'code' | 'hostnames'>, token: string): string {
  return `${officeBaseUrl(address, tenant)}/klaim/${token}`;
}

/** How a reply reaches the citizen now: the channel, and for WhatsApp whether the 24-hour window is still open. */
export function deliveryFor(request: Pick<HelpRequest, 'channel' | 'handle' | 'last_inbound_at'>, now: string): HelpDelivery {
  switch (request.channel) {
    case 'whatsapp':
      return Date.parse(now) - Date.parse(request.last_inbound_at) < WHATSAPP_WINDOW_HOURS * 3_600_000 ? 'whatsapp_text' : 'whatsapp_template';
    case 'email':
      return 'email';
    case 'web':
      // The portal's form asks for an email or a WhatsApp number; the citizen never wrote to the number, so a template.
      return request.handle.includes('@') ? 'email' : 'whatsapp_template';
    case 'phone':
    case 'instagram':
    case 'facebook':
      return 'by_hand';
  }
}

/** The first line of a message, shortened: the request's subject in lists and in the channel history. */
export function subjectOf(message: string): string {
  const line = message.trim().split('\n')[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}…` : line || '-';
}

function fieldError(field: string, code: string, message: string): AppError {
  return new AppError('invalid_input', `${field}: ${message}`, { fields: [{ field, code, message }] });
}

/** The handle as stored for its channel (a normalised number, a lower-cased email, a social handle), or a field error. */
export function normaliseHandle(channel: HelpChannel, raw: string): string {
  const h = raw.trim();
  const phone = () => normalisePhone(h) ?? null;
  const email = () => (isEmail(h) ? h.toLowerCase() : null);
  let out: string | null;
  switch (channel) {
    case 'whatsapp':
    case 'phone':
      out = phone();
      break;
    case 'email':
      out = email();
      break;
    case 'web':
      out = h.includes('@') ? email() : phone();
      break;
    case 'instagram':
    case 'facebook':
      out = /^@?[\p{L}\p{N}._ -]{1,80}$/u.test(h) ? h : null;
      break;
  }
  if (!out) throw fieldError('handle', 'invalid_format', channel === 'web' ? 'an email address or a WhatsApp number' : `not a valid ${channel} contact`);
  return out;
}

type InboundContext = { timeZone: string; holidays: ReadonlySet<string> };

/**
 * The help desk (issue 11, item 5): requests from every door with their thread, status, assignee and
 * first-response due date; replies on the request's own channel (WhatsApp free text inside the 24-hour
 * window, a template after it; email; by hand for phone, Instagram and Facebook); canned answers from the
 * permit guides; and assisted drafts handed to the citizen by a claim link.
 */
export function createHelpdeskService(deps: {
  db: Db;
  clock: Clock;
  holidays: HolidayService;
  catalogue: CatalogueService;
  applications: ApplicationService;
  address: OfficeAddress;
}) {
  const { db, clock } = deps;

  async function inboundContext(tenantId: string): Promise<InboundContext> {
    const tenant = await findTenantById(db, tenantId);
    return { timeZone: tenant?.time_zone ?? 'Asia/Jakarta', holidays: await deps.holidays.forTenant(tenantId) };
  }

  /**
   * A message from a citizen, inside the caller's transaction: appended to the sender's open request on
   * that channel (which goes back to `new` if it was answered or waiting for them), or a new request with
   * its due date and its channel-history contact.
   */
  async function recordInbound(
    trx: Kysely<Database>,
    c: InboundContext,
    m: {
      tenantId: string;
      channel: HelpChannel;
      handle: string;
      name: string | null;
      body: string;
      at: string;
      inboundId?: string | null;
      applicantId?: string | null;
      applicationId?: string | null;
      permitCode?: string | null;
      createdBy?: string | null;
      joinOpen: boolean;
    },
  ): Promise<{ request: HelpRequest; created: boolean }> {
    const open = m.joinOpen ? await findOpenRequestOf(trx, { tenantId: m.tenantId, channel: m.channel, handle: m.handle }) : undefined;
    const message = (requestId: string): HelpMessage => ({
      id: randomUUID(),
      tenant_id: m.tenantId,
      request_id: requestId,
      kind: 'inbound',
      body: m.body,
      author_id: m.createdBy ?? null,
      delivery: null,
      inbound_id: m.inboundId ?? null,
      at: m.at,
    });
    if (open) {
      await insertHelpMessage(trx, message(open.id));
      await touchOnInbound(trx, open.id, { at: m.at, reopen: open.status === 'answered' || open.status === 'waiting_for_citizen' });
      return { request: (await findHelpRequest(trx, m.tenantId, open.id))!, created: false };
    }
    const request: HelpRequest = {
      id: randomUUID(),
      tenant_id: m.tenantId,
      channel: m.channel,
      handle: m.handle,
      name: m.name,
      subject: subjectOf(m.body),
      status: 'new',
      applicant_id: m.applicantId ?? null,
      application_id: m.applicationId ?? null,
      permit_code: m.permitCode ?? null,
      assignee_id: null,
      created_by: m.createdBy ?? null,
      first_response_due_on: addWorkingDays(m.at, FIRST_RESPONSE_WORKING_DAYS, c.timeZone, c.holidays),
      first_response_at: null,
      last_inbound_at: m.at,
      created_at: m.at,
      updated_at: m.at,
      revision: 0,
    };
    if (m.channel === 'whatsapp') {
      if (!(await insertWhatsAppRequestOnce(trx, request))) {
        // Another message from the sender opened one meanwhile: join it.
        const joined = (await findOpenRequestOf(trx, { tenantId: m.tenantId, channel: m.channel, handle: m.handle }))!;
        await insertHelpMessage(trx, message(joined.id));
        await touchOnInbound(trx, joined.id, { at: m.at, reopen: false });
        return { request: (await findHelpRequest(trx, m.tenantId, joined.id))!, created: false };
      }
    } else {
      await insertHelpRequest(trx, request);
    }
    await insertHelpMessage(trx, message(request.id));
    // The channel history joins a verified account's rows by their number or email, so a row carries only an
    // address its sender proved: Meta's for a WhatsApp number; an officer's who spoke to the person for a call or
    // an email. The portal's form is anyone typing any address: that row names the signed-in account or nobody.
    // Its label is never the citizen's text (which may hold a NIK or an address): roles without the help desk see it.
    const byPhone = m.channel === 'whatsapp' || m.channel === 'phone';
    const byEmail = m.channel === 'email';
    await recordContact(trx, {
      tenantId: m.tenantId,
      userId: request.applicant_id,
      phone: byPhone ? m.handle : null,
      email: byEmail ? m.handle : null,
      kind: 'help_request',
      channel: m.channel,
      refId: request.id,
      label: HELP_REQUEST_LABEL,
      at: m.at,
    });
    return { request, created: true };
  }

  /**
   * For src/whatsapp/: what the webhook needs before its transaction (the office's calendar: SQLite has
   * one connection), then, inside it, an 'open' message (a question, not a command) joins the sender's
   * open help request or starts one. The sender's account counts only through a verified number.
   */
  async function prepareWhatsApp(tenantId: string) {
    const c = await inboundContext(tenantId);
    return async (trx: Kysely<Database>, inbound: WhatsAppInbound): Promise<void> => {
      const account = await findUserByLogin(trx, tenantId, { phone: inbound.sender });
      const applicantId = account && account.role === 'applicant' && account.phone_verified_at ? account.id : null;
      await recordInbound(trx, c, {
        tenantId,
        channel: 'whatsapp',
        handle: inbound.sender,
        name: inbound.sender_name,
        body: inbound.body ?? '',
        at: inbound.received_at,
        inboundId: inbound.id,
        applicantId,
        joinOpen: true,
      });
    };
  }

  /**
   * A new help request: the portal's form (anyone, channel web; a signed-in citizen's own account), or an
   * officer recording a call, an Instagram or Facebook message or an email (`helpdesk.manage`).
   */
  async function createHelpRequest(input: {
    tenant: Tenant;
    actor: Actor | null;
    channel?: HelpChannel | undefined;
    handle?: string | undefined;
    name?: string | undefined;
    message: string;
    permitCode?: string | undefined;
    applicationId?: string | undefined;
  }) {
    const { actor, tenant } = input;
    const staff = actor !== null && actor.role !== 'applicant';
    if (staff) requireAccess({ actor, permission: 'helpdesk.manage', resource: { tenantId: tenant.id } });
    const channel: HelpChannel = input.channel ?? 'web';
    if (!staff && channel !== 'web') throw fieldError('channel', 'invalid_option', 'the portal’s form is channel web');
    if (staff && channel === 'whatsapp') throw fieldError('channel', 'invalid_option', 'WhatsApp messages arrive through the webhook');
    const account = actor && !staff ? await findUserById(db, tenant.id, actor.userId) : undefined;
    const rawHandle = input.handle?.trim() || account?.email || account?.phone || '';
    if (!rawHandle) throw fieldError('handle', 'required', 'an email address or a WhatsApp number to answer you at');
    const handle = normaliseHandle(channel, rawHandle);
    const permitCode = input.permitCode ? await permitCodeOf(tenant.id, input.permitCode) : null;
    let applicationId: string | null = null;
    if (input.applicationId) {
      // A citizen may name only their own file; an officer any of the office's (the policy's not_found otherwise).
      if (!actor) throw fieldError('applicationId', 'invalid_option', 'sign in to ask about your application');
      applicationId = (await deps.applications.loadVisible(actor, input.applicationId)).id;
    }
    const c = await inboundContext(tenant.id);
    const now = isoNow(clock);
    const { request } = await db.transaction().execute((trx) =>
      recordInbound(trx, c, {
        tenantId: tenant.id,
        channel,
        handle,
        name: input.name?.trim() || account?.name || null,
        body: input.message.trim(),
        at: now,
        applicantId: account?.id ?? null,
        applicationId,
        permitCode,
        createdBy: staff ? actor.userId : null,
        joinOpen: false,
      }),
    );
    return { id: request.id, channel: request.channel, status: request.status, firstResponseDueOn: request.first_response_due_on };
  }

  async function permitCodeOf(tenantId: string, code: string): Promise<string> {
    try {
      return (await deps.catalogue.getPermitType({ tenantId, code: code.trim().toUpperCase() })).definition.code;
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw fieldError('permitCode', 'invalid_option', 'not a permit type of this office');
      throw err;
    }
  }

  function requireHelpdesk(actor: Actor): void {
    requireAccess({ actor, permission: 'helpdesk.manage', resource: { tenantId: actor.tenantId } });
  }

  async function load(actor: Actor, id: string): Promise<HelpRequest> {
    requireHelpdesk(actor);
    const request = await findHelpRequest(db, actor.tenantId, id);
    if (!request) throw new AppError('not_found', 'help request not found');
    return request;
  }

  /** The office's today and time zone (the due dates are its local days). */
  async function today(tenantId: string): Promise<{ today: string; timeZone: string }> {
    const timeZone = (await findTenantById(db, tenantId))?.time_zone ?? 'Asia/Jakarta';
    return { today: todayIn(clock, timeZone), timeZone };
  }

  function summary(r: HelpRequest, ctx: { today: string; timeZone: string; now: string; staff: Map<string, string> }) {
    const overdue = r.first_response_at === null && r.status !== 'closed' && r.first_response_due_on < ctx.today;
    return {
      id: r.id,
      channel: r.channel,
      handle: r.handle,
      name: r.name,
      subject: r.subject,
      status: r.status,
      applicantId: r.applicant_id,
      applicationId: r.application_id,
      permitCode: r.permit_code,
      assignee: r.assignee_id ? { id: r.assignee_id, name: ctx.staff.get(r.assignee_id) ?? '' } : null,
      firstResponse: {
        dueOn: r.first_response_due_on,
        at: r.first_response_at,
        overdue,
        /** Answered by the end of the due date (the office's local day), or null while not answered. */
        withinSla: r.first_response_at === null ? null : localDate(r.first_response_at, ctx.timeZone) <= r.first_response_due_on,
      },
      /** How a reply would go out now. */
      replyBy: deliveryFor(r, ctx.now),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      revision: r.revision,
    };
  }

  async function staffNames(tenantId: string): Promise<Map<string, string>> {
    return new Map((await listHelpdeskStaff(db, tenantId)).map((s) => [s.id, s.name]));
  }

  async function listHelpRequests(input: { actor: Actor; status?: HelpStatus | undefined; mine?: boolean | undefined; page: number; pageSize: number }) {
    requireHelpdesk(input.actor);
    const t = await today(input.actor.tenantId);
    const { rows, total } = await searchHelpRequests(db, input.actor.tenantId, t.today, {
      status: input.status,
      assigneeId: input.mine ? input.actor.userId : undefined,
      page: input.page,
      pageSize: input.pageSize,
    });
    const staff = await staffNames(input.actor.tenantId);
    const now = isoNow(clock);
    return { items: rows.map((r) => summary(r, { ...t, now, staff })), total, page: input.page, pageSize: input.pageSize };
  }

  async function detail(actor: Actor, request: HelpRequest, lang: Lang) {
    const [messages, staff, t, links, definition] = await Promise.all([
      listHelpMessages(db, request.tenant_id, request.id),
      staffNames(request.tenant_id),
      today(request.tenant_id),
      claimLinksOfRequest(db, request.tenant_id, request.id),
      request.permit_code
        ? deps.catalogue.getPermitType({ tenantId: request.tenant_id, code: request.permit_code }).then(
            (p) => p.definition,
            () => null,
          )
        : Promise.resolve(null),
    ]);
    const office = { tenantId: request.tenant_id };
    const closed = request.status === 'closed';
    return {
      ...summary(request, { ...t, now: isoNow(clock), staff }),
      messages: messages.map((m) => ({
        id: m.id,
        kind: m.kind,
        body: m.body,
        author: m.author_id ? { id: m.author_id, name: staff.get(m.author_id) ?? '' } : null,
        delivery: m.delivery,
        at: m.at,
      })),
      cannedAnswers: definition ? cannedAnswers(definition, lang) : [],
      claimLinks: links.map((l) => ({ id: l.id, applicationId: l.application_id, expiresAt: l.expires_at, usedAt: l.used_at })),
      assignees: [...staff].map(([id, name]) => ({ id, name })),
      can: {
        reply: !closed,
        note: true,
        update: true,
        /** Only the front desk opens assisted drafts (application.intake); one per request. */
        assist: !closed && request.application_id === null && can(actor, 'application.intake', office),
      },
    };
  }

  async function getHelpRequest(input: { actor: Actor; id: string; lang: Lang }) {
    return detail(input.actor, await load(input.actor, input.id), input.lang);
  }

  /**
   * A reply on the request's channel: WhatsApp free text inside the 24-hour window and a template after
   * it, an email, or for phone, Instagram and Facebook a record of what the officer sent by hand. The
   * first reply is the first response the SLA measures.
   */
  async function replyToHelpRequest(input: { actor: Actor; id: string; body: string; status?: HelpStatus | undefined; lang: Lang }) {
    const request = await load(input.actor, input.id);
    if (request.status === 'closed') throw new AppError('invalid_state', 'the help request is closed');
    const now = isoNow(clock);
    const delivery = deliveryFor(request, now);
    const message: HelpMessage = {
      id: randomUUID(),
      tenant_id: request.tenant_id,
      request_id: request.id,
      kind: 'reply',
      body: input.body.trim(),
      author_id: input.actor.userId,
      delivery,
      inbound_id: null,
      at: now,
    };
    await db.transaction().execute(async (trx) => {
      const ok = await updateHelpRequest(trx, request.id, request.revision, {
        status: input.status ?? 'answered',
        first_response_at: request.first_response_at ?? now,
        updated_at: now,
      });
      if (!ok) throw new AppError('conflict', 'changed meanwhile');
      await insertHelpMessage(trx, message);
      if (delivery !== 'by_hand') await enqueue(trx, { tenantId: request.tenant_id, message: { topic: 'helpdesk.reply', messageId: message.id }, now });
      await appendAudit(trx, {
        tenantId: request.tenant_id,
        actorId: input.actor.userId,
        action: 'helpdesk.replied',
        subjectType: 'help_request',
        subjectId: request.id,
        data: { delivery, first: request.first_response_at === null },
        occurredAt: now,
      });
    });
    return detail(input.actor, (await findHelpRequest(db, request.tenant_id, request.id))!, input.lang);
  }

  async function addHelpRequestNote(input: { actor: Actor; id: string; body: string; lang: Lang }) {
    const request = await load(input.actor, input.id);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await insertHelpMessage(trx, {
        id: randomUUID(),
        tenant_id: request.tenant_id,
        request_id: request.id,
        kind: 'note',
        body: input.body.trim(),
        author_id: input.actor.userId,
        delivery: null,
        inbound_id: null,
        at: now,
      });
    });
    return detail(input.actor, request, input.lang);
  }

  /** Status, assignee (front desk or admin of the office, or nobody) and the permit the question is about. */
  async function updateHelp(input: {
    actor: Actor;
    id: string;
    status?: HelpStatus | undefined;
    assigneeId?: string | null | undefined;
    permitCode?: string | null | undefined;
    lang: Lang;
  }) {
    const request = await load(input.actor, input.id);
    const set: Partial<HelpRequest> = {};
    if (input.status !== undefined) set.status = input.status;
    if (input.assigneeId !== undefined) {
      if (input.assigneeId !== null && !(await staffNames(request.tenant_id)).has(input.assigneeId)) {
        throw fieldError('assigneeId', 'invalid_option', 'choose a front-desk officer or an admin of this office');
      }
      set.assignee_id = input.assigneeId;
    }
    if (input.permitCode !== undefined) set.permit_code = input.permitCode === null ? null : await permitCodeOf(request.tenant_id, input.permitCode);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      // Reopening a closed WhatsApp request while the sender has another open one breaks the one-open rule: 409.
      const ok = await updateHelpRequest(trx, request.id, request.revision, { ...set, updated_at: now }).catch((err: unknown) => {
        if (violatedConstraint(err) !== null) throw new AppError('conflict', 'the sender has another open request');
        throw err;
      });
      if (!ok) throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: request.tenant_id,
        actorId: input.actor.userId,
        action: 'helpdesk.updated',
        subjectType: 'help_request',
        subjectId: request.id,
        data: { ...set },
        occurredAt: now,
      });
      // A closed request invites its citizen to the SKM survey (src/survey/): the link is on the request's page.
      if (set.status === 'closed' && request.status !== 'closed') {
        await ensureInvitation(trx, {
          tenantId: request.tenant_id,
          occasion: 'help_closed',
          subjectId: request.id,
          serviceKind: 'helpdesk',
          serviceCode: 'HELPDESK',
          now,
        });
      }
    });
    return detail(input.actor, (await findHelpRequest(db, request.tenant_id, request.id))!, input.lang);
  }

  /**
   * Assist: an assisted draft for the citizen (channel assisted, linked to the request) and a claim link to
   * continue it online. On WhatsApp and email the link is made and sent by the outbox (the token exists only
   * in that message); for the doors the officer answers by hand it is returned once, for the officer to pass on.
   */
  async function assistHelpRequest(input: { actor: Actor; id: string; permitTypeCode: string; applicantName?: string | undefined; lang: Lang }) {
    const { actor } = input;
    const request = await load(actor, input.id);
    requireAccess({ actor, permission: 'application.intake', resource: { tenantId: actor.tenantId } });
    if (request.status === 'closed' || request.application_id !== null) throw new AppError('invalid_state', 'the request is closed or already has a draft');
    const contact = request.channel === 'whatsapp' || request.channel === 'phone' || request.channel === 'email' || request.channel === 'web';
    // Read before the transaction (SQLite has one connection): the permit's name for the note, the office, the door.
    const { definition } = await deps.catalogue.getPermitType({ tenantId: request.tenant_id, code: input.permitTypeCode });
    const tenant = (await findTenantById(db, request.tenant_id))!;
    const now = isoNow(clock);
    const byHand = BY_HAND_CHANNELS.includes(request.channel);
    const token = byHand ? newClaimToken() : null;
    const linkId = randomUUID();
    const delivery = byHand ? 'by_hand' : deliveryFor(request, now) === 'email' ? 'email' : 'whatsapp_template';
    // The draft, its link to the request, the claim link, the note and its outbox row and the audit commit
    // together or not at all: a message from the citizen meanwhile (a new revision) is a 409 and leaves no draft.
    const { application, created } = await deps.applications.createApplication({
      actor,
      permitTypeCode: input.permitTypeCode,
      channel: 'assisted',
      channelDetail: `help desk (${request.channel})`,
      applicantName: input.applicantName?.trim() || request.name || request.handle,
      applicantContact: contact ? request.handle : undefined,
      // An officer pressing the button twice gets the same draft.
      idempotencyKey: `helpdesk-${request.id}`,
      alsoInTransaction: async (trx, application) => {
        const ok = await updateHelpRequest(trx, request.id, request.revision, {
          application_id: application.id,
          permit_code: application.permit_code,
          status: 'waiting_for_citizen',
          first_response_at: request.first_response_at ?? now,
          updated_at: now,
        });
        if (!ok) throw new AppError('conflict', 'changed meanwhile');
        await insertClaimLink(trx, {
          id: linkId,
          tenant_id: request.tenant_id,
          application_id: application.id,
          request_id: request.id,
          token_hash: token ? claimTokenHash(token) : null,
          expires_at: new Date(Date.parse(now) + CLAIM_LINK_DAYS * 86_400_000).toISOString(),
          used_at: null,
          used_by: null,
          created_by: actor.userId,
          created_at: now,
        });
        await insertHelpMessage(trx, {
          id: randomUUID(),
          tenant_id: request.tenant_id,
          request_id: request.id,
          kind: 'reply',
          body: claimLinkNote(definition.name.id, CLAIM_LINK_DAYS, byHand),
          author_id: actor.userId,
          delivery,
          inbound_id: null,
          at: now,
        });
        if (!byHand) await enqueue(trx, { tenantId: request.tenant_id, message: { topic: 'helpdesk.claim_link', claimLinkId: linkId }, now });
        await appendAudit(trx, {
          tenantId: request.tenant_id,
          actorId: actor.userId,
          action: 'helpdesk.assisted',
          subjectType: 'help_request',
          subjectId: request.id,
          data: { applicationId: application.id, claimLinkId: linkId, delivery },
          occurredAt: now,
        });
      },
    });
    // The same draft already made (a second press at the same moment): the first press linked it and holds its link.
    if (!created) throw new AppError('conflict', 'changed meanwhile');
    return {
      request: await detail(actor, (await findHelpRequest(db, request.tenant_id, request.id))!, input.lang),
      applicationId: application.id,
      claimLink: token ? claimLinkUrl(deps.address, tenant, token) : null,
    };
  }

  /** What a claim link leads to, for its page: the permit of a draft still waiting for its citizen, or null (the one "no longer works"). */
  async function peekClaimLink(input: { tenant: Tenant; token: string }) {
    const found = await usableLink(input.tenant.id, input.token);
    if (!found) return null;
    const { definition } = await deps.catalogue.getVersion(found.app.permit_type_version_id);
    return { permit: definition.name, expiresAt: found.link.expires_at };
  }

  async function usableLink(tenantId: string, token: string) {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return null;
    const link = await findClaimLinkByHash(db, tenantId, claimTokenHash(token));
    const now = isoNow(clock);
    if (!link || link.used_at !== null || link.expires_at <= now) return null;
    const app = await findApplication(db, tenantId, link.application_id);
    if (!app || app.applicant_id !== null) return null;
    return { link, app };
  }

  /**
   * A citizen takes the assisted draft (or file) a claim link names into their account: the link is used
   * by one conditional update, the applicant set, a `claim` timeline event and an audit row written, all
   * in one transaction. A used, expired or unknown link is the same not_found.
   */
  async function claimApplicationByLink(input: { actor: Actor; token: string }): Promise<{ applicationId: string }> {
    const { actor } = input;
    requireAccess({ actor, permission: 'application.claim', resource: { tenantId: actor.tenantId } });
    const found = await usableLink(actor.tenantId, input.token);
    if (!found) throw new AppError('not_found', 'this claim link no longer works');
    const { link, app } = found;
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await useClaimLink(trx, { id: link.id, userId: actor.userId, now }))) throw new AppError('not_found', 'this claim link no longer works');
      await takeIntoAccount(trx, { app, actor, now, via: 'link', claimLinkId: link.id });
      // The help request's contact becomes the citizen's too.
      if (link.request_id) {
        await setRequestApplicant(trx, { id: link.request_id, userId: actor.userId, now });
        await attachContactsToUser(trx, { tenantId: app.tenant_id, kind: 'help_request', refId: link.request_id, userId: actor.userId });
      }
    });
    return { applicationId: app.id };
  }

  return {
    prepareWhatsApp,
    createHelpRequest,
    listHelpRequests,
    getHelpRequest,
    replyToHelpRequest,
    addHelpRequestNote,
    updateHelpRequest: updateHelp,
    assistHelpRequest,
    peekClaimLink,
    claimApplicationByLink,
  };
}
export type HelpdeskService = ReturnType<typeof createHelpdeskService>;
export type HelpRequestDetail = Awaited<ReturnType<HelpdeskService['getHelpRequest']>>;
