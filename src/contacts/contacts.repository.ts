import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ContactKind, Database } from '../db/schema.js';
import { normalisePhone } from '../shared/identifiers.js';

type Db = Kysely<Database>;

/**
 * Records one contact of a citizen with the office, inside the caller's transaction (the booking's, the
 * ticket's, the parcel's, the help request's, the application's), so the history never names a contact
 * that was rolled back. The phone is normalised and the email lower-cased here; either may be absent.
 */
export async function recordContact(
  trx: Db,
  c: {
    tenantId: string;
    userId?: string | null | undefined;
    phone?: string | null | undefined;
    email?: string | null | undefined;
    kind: ContactKind;
    channel: string;
    refId: string;
    label: string;
    at: string;
  },
): Promise<void> {
  await trx
    .insertInto('contacts')
    .values({
      id: randomUUID(),
      tenant_id: c.tenantId,
      user_id: c.userId ?? null,
      phone: c.phone ? (normalisePhone(c.phone) ?? null) : null,
      email: c.email ? c.email.trim().toLowerCase() : null,
      kind: c.kind,
      channel: c.channel,
      ref_id: c.refId,
      label: c.label,
      at: c.at,
    })
    .execute();
}
