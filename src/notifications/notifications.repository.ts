import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database, NotificationsTable, Permit } from '../db/schema.js';
import { parseJsonColumn } from '../shared/json.js';

/** Notifications (the built-in mailbox): every query of the notifications feature lives here. */

export type Notification = Selectable<NotificationsTable>;

/** The office's newest notifications first (the development mailbox). */
export async function latestNotifications(db: Kysely<Database>, tenantId: string, limit: number): Promise<Notification[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('outbox_id', 'desc')
    .limit(limit)
    .execute();
}

/** Keeps the claim code of a front-desk file as an HMAC with its expiry; the plain code only goes into the message. */
export async function setClaimCode(trx: Kysely<Database>, q: { tenantId: string; applicationId: string; hash: string; expiresAt: string }): Promise<void> {
  await trx
    .updateTable('applications')
    .set({ claim_code_hash: q.hash, claim_expires_at: q.expiresAt })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.applicationId)
    .execute();
}

const permitTitleSchema = z.object({ permitType: z.object({ title: z.object({ id: z.string(), en: z.string() }) }) });

/** The permit's title as its signed document gives it (the JSON column read through a schema: a broken row fails loudly). */
export function permitTitle(permit: Pick<Permit, 'id' | 'document'>): { id: string; en: string } {
  const parsed = permitTitleSchema.safeParse(parseJsonColumn(permit.document));
  if (!parsed.success) throw new Error(`permit ${permit.id} has an unreadable document`);
  return parsed.data.permitType.title;
}
