import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findApplication } from '../applications/applications.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Database, HelpRequest, OutboxRow } from '../db/schema.js';
import { insertDelivery, messagePreferences, officeName, queueReply, type RouteEntry } from '../notifications/deliveries.repository.js';
import { type Language, type Message, renderMessage } from '../notifications/messages.js';
import type { OutboxHandlers } from '../outbox/outbox.worker.js';
import { type Clock, isoNow } from '../shared/time.js';
import type { OfficeAddress } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { findClaimLinkById, findHelpMessage, findHelpRequest, setClaimLinkHash } from './helpdesk.repository.js';
import { CLAIM_LINK_DAYS, claimLinkUrl, claimTokenHash, newClaimToken } from './helpdesk.service.js';

/**
 * The outbox side of the help desk: a reply and a claim link become one delivery each, in the
 * transaction that marks the outbox row done (so a retried row never sends twice), on the request's
 * own channel. A WhatsApp reply inside the 24-hour window is free text (queueReply); after it, and for
 * every claim link, an approved template; email otherwise.
 */
export function createHelpdeskHandlers(deps: {
  catalogue: CatalogueService;
  address: OfficeAddress;
  clock: Clock;
}): Pick<OutboxHandlers, 'helpdesk.reply' | 'helpdesk.claim_link'> {
  /** The citizen's language: their account's preference, else Indonesian. */
  async function languageOf(trx: Kysely<Database>, request: HelpRequest): Promise<Language> {
    if (!request.applicant_id) return 'id';
    return (await messagePreferences(trx, request.tenant_id, request.applicant_id)).language ?? 'id';
  }

  async function deliver(
    trx: Kysely<Database>,
    row: OutboxRow,
    request: HelpRequest,
    message: Message,
    channel: 'whatsapp' | 'email',
    applicationId: string | null,
  ) {
    const language = await languageOf(trx, request);
    const rendered = renderMessage(message, language, channel, await officeName(trx, row.tenant_id));
    const now = isoNow(deps.clock);
    await insertDelivery(trx, {
      id: randomUUID(),
      tenant_id: row.tenant_id,
      outbox_id: row.id,
      channel,
      recipient_user_id: request.applicant_id,
      recipient: request.handle,
      subject: rendered.subject,
      body: rendered.text,
      created_at: now,
      kind: message.kind,
      params: JSON.stringify(message.params),
      language,
      status: 'pending',
      application_id: applicationId,
      route: JSON.stringify([{ channel, address: request.handle }] satisfies RouteEntry[]),
      route_step: 0,
      attempts: 0,
      channel_attempts: 0,
      resends: 0,
      available_at: now,
      status_at: now,
    });
  }

  return {
    'helpdesk.reply': async (trx, m, row) => {
      const message = await findHelpMessage(trx, row.tenant_id, m.messageId);
      const request = message && (await findHelpRequest(trx, row.tenant_id, message.request_id));
      if (!message || !request) throw new Error(`help message ${m.messageId} of outbox row ${row.id} is missing`);
      const tenant = await findTenantById(trx, row.tenant_id);
      const office = tenant?.name ?? 'Izol';
      switch (message.delivery) {
        case 'whatsapp_text':
          await queueReply(trx, {
            tenantId: row.tenant_id,
            outboxId: row.id,
            to: request.handle,
            text: message.body,
            language: await languageOf(trx, request),
            now: isoNow(deps.clock),
          });
          return;
        case 'whatsapp_template':
        case 'email':
          await deliver(
            trx,
            row,
            request,
            { kind: 'help_reply', params: { office, text: message.body } },
            message.delivery === 'email' ? 'email' : 'whatsapp',
            null,
          );
          return;
        case 'by_hand':
        case null:
          return; // recorded by the officer, nothing to send
      }
    },
    'helpdesk.claim_link': async (trx, m, row) => {
      const link = await findClaimLinkById(trx, row.tenant_id, m.claimLinkId);
      const request = link?.request_id ? await findHelpRequest(trx, row.tenant_id, link.request_id) : undefined;
      const tenant = await findTenantById(trx, row.tenant_id);
      if (!link || !request || !tenant) throw new Error(`claim link ${m.claimLinkId} of outbox row ${row.id} is missing`);
      // The token is made here, so it exists only in the message; its hash is written once.
      const token = newClaimToken();
      if (!(await setClaimLinkHash(trx, link.id, claimTokenHash(token)))) return;
      const app = await findApplication(trx, row.tenant_id, link.application_id);
      if (!app) throw new Error(`application ${link.application_id} of claim link ${link.id} is missing`);
      const { definition } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
      await deliver(
        trx,
        row,
        request,
        {
          kind: 'claim_link',
          params: { office: tenant.name, permit: definition.name, link: claimLinkUrl(deps.address, tenant, token), days: CLAIM_LINK_DAYS },
        },
        request.channel === 'email' || (request.channel === 'web' && request.handle.includes('@')) ? 'email' : 'whatsapp',
        app.id,
      );
    },
  };
}
