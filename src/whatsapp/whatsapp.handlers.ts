import type { Kysely } from 'kysely';
import { findApplicationByNumber } from '../applications/applications.repository.js';
import { findUserByLogin } from '../auth/users.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { stateSummary } from '../catalogue/journey.js';
import type { Database, User, WhatsAppInbound } from '../db/schema.js';
import { queueReply } from '../notifications/deliveries.repository.js';
import type { OutboxHandlers } from '../outbox/outbox.worker.js';
import { listPermitsOfApplication, listReceiptsOfApplication } from '../permits/permits.repository.js';
import type { Lang } from '../shared/messages.js';
import { type Clock, isoNow } from '../shared/time.js';
import { type OfficeAddress, officeBaseUrl } from '../tenants/office-url.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { mayLearnAbout } from './whatsapp.access.js';
import { type Command, type FileCommandKind, parseCommand } from './whatsapp.commands.js';
import { waText } from './whatsapp.i18n.js';
import { findInbound } from './whatsapp.repository.js';

/** The command word a reply suggests, in the reply's language. */
const WORD: Record<FileCommandKind, Record<Lang, string>> = {
  status: { id: 'CEK', en: 'STATUS' },
  receipt: { id: 'KUITANSI', en: 'RECEIPT' },
  permit: { id: 'IZIN', en: 'PERMIT' },
};

/**
 * The outbox side of the office's WhatsApp number: each stored inbound text gets one reply, written
 * as a delivery (queueReply) in the transaction that marks the outbox row done, so a retried row
 * never answers twice; the delivery job sends it (free text: the citizen just wrote, so the 24-hour
 * window is open). The reply is decided here, from the file as it is now.
 */
export function createWhatsAppHandlers(deps: { catalogue: CatalogueService; address: OfficeAddress; clock: Clock }): Pick<OutboxHandlers, 'whatsapp.reply'> {
  /** The reply to one file command; the same `hidden` text for a number that does not exist and for a file the sender may not see. */
  async function fileReply(
    trx: Kysely<Database>,
    inbound: WhatsAppInbound,
    cmd: Extract<Command, { kind: FileCommandKind }>,
    ctx: { lang: Lang; base: string; account: User | undefined },
  ): Promise<string> {
    const { lang, base } = ctx;
    const word = WORD[cmd.kind][lang];
    const tracking = `${base}/lacak`;
    if (cmd.number === null) return waText(lang, 'wa.usage', { word });
    const app = await findApplicationByNumber(trx, inbound.tenant_id, cmd.number);
    if (!app?.number || !mayLearnAbout(app, { phone: inbound.sender, account: ctx.account }, cmd.trackingCode)) {
      return waText(lang, 'wa.hidden', { word, tracking });
    }
    const { definition, workflow } = await deps.catalogue.getVersion(app.permit_type_version_id, trx);
    const state = stateSummary(workflow, app.state);
    switch (cmd.kind) {
      case 'status':
        return waText(lang, 'wa.status', { number: app.number, permit: definition.name[lang], state: state.label[lang], next: state.nextStep[lang], tracking });
      case 'receipt': {
        const receipts = await listReceiptsOfApplication(trx, app.tenant_id, app.id);
        if (receipts.length === 0) return waText(lang, 'wa.receipts.none', { number: app.number, state: state.label[lang] });
        const list = receipts
          .map((r) => waText(lang, r.kind === 'payment' ? 'wa.receipt.payment' : 'wa.receipt.filing', { link: `${base}/v/${r.verification_code}` }))
          .join('\n');
        return waText(lang, 'wa.receipts', { number: app.number, list });
      }
      case 'permit': {
        const permits = await listPermitsOfApplication(trx, app.tenant_id, app.id);
        // The permit in force if there is one, else the newest (its page says revoked or replaced).
        const permit = permits.find((p) => p.status === 'valid') ?? permits[0];
        if (!permit) return waText(lang, 'wa.permit.none', { number: app.number, state: state.label[lang], next: state.nextStep[lang] });
        return waText(lang, 'wa.permit', { permit: permit.number, number: app.number, link: `${base}/v/${permit.verification_code}` });
      }
    }
  }

  return {
    'whatsapp.reply': async (trx, m, row) => {
      const inbound = await findInbound(trx, row.tenant_id, m.inboundId);
      if (!inbound) throw new Error(`whatsapp message ${m.inboundId} of outbox row ${row.id} is missing`);
      const tenant = await findTenantById(trx, inbound.tenant_id);
      if (!tenant) throw new Error(`office ${inbound.tenant_id} of whatsapp message ${inbound.id} is missing`);
      const base = officeBaseUrl(deps.address, tenant);
      const cmd = parseCommand(inbound.body ?? '');
      // The sender's own account (by number), never the file's: the reply's language must not tell
      // whether the file exists or whose it is. Its preference first, else the word they wrote.
      const account = await findUserByLogin(trx, inbound.tenant_id, { phone: inbound.sender });
      const preferred = account?.message_language === 'en' || account?.message_language === 'id' ? account.message_language : undefined;
      const lang: Lang = preferred ?? (cmd.kind === 'other' ? 'id' : cmd.lang);
      let text: string;
      switch (cmd.kind) {
        case 'help':
          text = waText(lang, 'wa.help', { office: tenant.name, tracking: `${base}/lacak` });
          break;
        case 'other':
          text = waText(lang, 'wa.ack');
          break;
        case 'status':
        case 'receipt':
        case 'permit':
          text = await fileReply(trx, inbound, cmd, { lang, base, account });
          break;
      }
      await queueReply(trx, { tenantId: inbound.tenant_id, outboxId: row.id, to: inbound.sender, text, language: lang, now: isoNow(deps.clock) });
    },
  };
}
