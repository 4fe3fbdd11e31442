import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import {
  type Delivery,
  deliveriesOfApplication,
  type DeliveryStatus,
  findDelivery,
  listFailedDeliveries,
  messagePreferences,
  requeueDelivery,
  setMessagePreferences,
} from './deliveries.repository.js';
import { CHANNELS, type Channel, type Language } from './messages.js';
import { latestNotifications, type Notification } from './notifications.repository.js';

/** An address shown to staff: enough to recognise it, not enough to harvest it. */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) {
    const local = address.slice(0, at);
    return `${local.slice(0, Math.min(2, local.length))}•••${address.slice(at)}`;
  }
  if (address.length <= 7) return '•••';
  return `${address.slice(0, 5)}•••${address.slice(-3)}`;
}

/** One message as the case pages and the dead-letter page show it. */
export type MessageView = {
  id: string;
  kind: string;
  channel: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  reason: string | null;
  createdAt: string;
  /** When its status last changed (sent, delivered, dead …). */
  at: string;
};

function toView(d: Delivery): MessageView {
  return {
    id: d.id,
    kind: d.kind,
    channel: d.channel,
    recipient: maskAddress(d.recipient),
    status: d.status,
    attempts: d.attempts,
    reason: d.last_error,
    createdAt: d.created_at,
    at: d.status_at ?? d.created_at,
  };
}

/**
 * The messages side people see: the development mailbox, the admin's dead letters with "send again",
 * each file's delivery state, and a person's message language and preferred channel.
 */
export function createNotificationService(deps: { db: Db; clock: Clock; developmentMailbox: boolean }) {
  const { db, clock } = deps;

  /** The office's 30 newest messages; "not found" in production, where there is no such mailbox. */
  async function developmentMailbox(input: { tenantId: string }): Promise<Notification[]> {
    if (!deps.developmentMailbox) throw new AppError('not_found', 'the development mailbox exists only outside production');
    return latestNotifications(db, input.tenantId, 30);
  }

  /** Messages that could not be delivered (dead, or failed at the provider), newest first. Admins. */
  async function listFailedMessages(input: { actor: Actor }): Promise<MessageView[]> {
    requireAccess({ actor: input.actor, permission: 'messages.manage', resource: { tenantId: input.actor.tenantId } });
    return (await listFailedDeliveries(db, input.actor.tenantId, 200)).map(toView);
  }

  /** "Send again": the message starts over from its recipient's first channel; audited. 409 unless dead or failed. */
  async function resendMessage(input: { actor: Actor; id: string }): Promise<MessageView> {
    requireAccess({ actor: input.actor, permission: 'messages.manage', resource: { tenantId: input.actor.tenantId } });
    const now = isoNow(clock);
    return db.transaction().execute(async (trx) => {
      const row = await findDelivery(trx, input.actor.tenantId, input.id);
      if (!row) throw new AppError('not_found', 'no such message');
      if (!(await requeueDelivery(trx, { tenantId: input.actor.tenantId, id: row.id, now }))) {
        throw new AppError('invalid_state', 'only an undelivered message can be sent again');
      }
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'message.resent',
        subjectType: 'notification',
        subjectId: row.id,
        data: { kind: row.kind, channel: row.channel, reason: row.last_error, attempts: row.attempts },
        occurredAt: now,
      });
      const after = await findDelivery(trx, input.actor.tenantId, row.id);
      return toView(after!);
    });
  }

  /** What was sent about a file, to whom (masked), on which channel, and where it stands; for whoever may read the file. */
  async function messagesAboutApplication(input: { actor: Actor; applicationId: string }): Promise<MessageView[]> {
    const app = await findApplication(db, input.actor.tenantId, input.applicationId);
    if (!app) throw new AppError('not_found', 'no such application');
    requireAccess({ actor: input.actor, permission: 'application.read', resource: { application: app } });
    const all = (await deliveriesOfApplication(db, input.actor.tenantId, app.id)).map((d) => ({ d, view: toView(d) }));
    if (can(input.actor, 'office.enter', { tenantId: input.actor.tenantId })) return all.map((m) => m.view);
    // The applicant sees what was sent to them (their account, or the contact the counter recorded
    // before they claimed the file), never the office's own alerts about it, nor a gateway's answer.
    const theirs = (d: Delivery) =>
      d.recipient_user_id !== null ? d.recipient_user_id === input.actor.userId : app.applicant_contact !== null && d.recipient === app.applicant_contact;
    return all.filter((m) => theirs(m.d)).map((m) => ({ ...m.view, reason: null }));
  }

  async function getMessagePreferences(input: { actor: Actor }): Promise<{ language: Language; channel: Channel | null }> {
    const p = await messagePreferences(db, input.actor.tenantId, input.actor.userId);
    return { language: p.language ?? 'id', channel: p.channel };
  }

  async function updateMessagePreferences(input: { actor: Actor; language: string; channel: string }): Promise<void> {
    const language = input.language === 'en' ? 'en' : input.language === 'id' ? 'id' : null;
    const channel = input.channel === '' ? null : (CHANNELS as readonly string[]).includes(input.channel) ? (input.channel as Channel) : undefined;
    const fields = [
      ...(language ? [] : [{ field: 'language', code: 'required', message: 'choose a language' }]),
      ...(channel === undefined ? [{ field: 'channel', code: 'required', message: 'choose a channel' }] : []),
    ];
    if (fields.length || !language || channel === undefined) throw new AppError('invalid_input', 'message preferences invalid', { fields });
    await setMessagePreferences(db, { tenantId: input.actor.tenantId, userId: input.actor.userId, language, channel, now: isoNow(clock) });
  }

  return { developmentMailbox, listFailedMessages, resendMessage, messagesAboutApplication, getMessagePreferences, updateMessagePreferences };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
