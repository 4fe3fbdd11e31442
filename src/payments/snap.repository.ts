import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;

/** Keeps a B2B access token Izol gave a bank: only its SHA-256. */
export async function insertSnapAccessToken(
  db: Db,
  row: { tokenHash: string; tenantId: string; clientId: string; issuedAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('snap_access_tokens')
    .values({ token_hash: row.tokenHash, tenant_id: row.tenantId, client_id: row.clientId, issued_at: row.issuedAt, expires_at: row.expiresAt })
    .execute();
}

/** The client a token was given to, when the token (by its SHA-256) is this office's and not expired at `now`. */
export async function findLiveSnapAccessToken(db: Db, tenantId: string, tokenHash: string, now: string): Promise<{ client_id: string } | undefined> {
  return db
    .selectFrom('snap_access_tokens')
    .select('client_id')
    .where('tenant_id', '=', tenantId)
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Forgets this office's tokens that expired before `before` (a token is useless after its expiry). */
export async function deleteExpiredSnapAccessTokens(db: Db, tenantId: string, before: string): Promise<void> {
  await db.deleteFrom('snap_access_tokens').where('tenant_id', '=', tenantId).where('expires_at', '<', before).execute();
}

/**
 * Records an X-EXTERNAL-ID once per (office, partner, day): true when this is its first use, false when
 * the primary key already holds it. One INSERT … ON CONFLICT DO NOTHING, so fifty at once give one true.
 */
export async function claimSnapExternalId(
  db: Db,
  row: { tenantId: string; partnerId: string; day: string; externalId: string; service: string; receivedAt: string },
): Promise<boolean> {
  const r = await db
    .insertInto('snap_external_ids')
    .values({
      tenant_id: row.tenantId,
      partner_id: row.partnerId,
      day: row.day,
      external_id: row.externalId,
      service: row.service,
      received_at: row.receivedAt,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'partner_id', 'day', 'external_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Forgets this office's X-EXTERNAL-IDs of days before `beforeDay` (YYYY-MM-DD): a reuse is only refused within its day. */
export async function deleteOldSnapExternalIds(db: Db, tenantId: string, beforeDay: string): Promise<void> {
  await db.deleteFrom('snap_external_ids').where('tenant_id', '=', tenantId).where('day', '<', beforeDay).execute();
}
