import type { Kysely } from 'kysely';
import type { Database, SetupLinksTable } from '../db/schema.js';

/** First admins' one-time set-up links (npm run office:create): every query of them lives here. */

export async function insertSetupLink(db: Kysely<Database>, row: Omit<SetupLinksTable, 'used_at' | 'revoked_at'>): Promise<void> {
  await db
    .insertInto('setup_links')
    .values({ ...row, used_at: null, revoked_at: null })
    .execute();
}

/** A link of the office by its token's hash, with the account it sets up (any state: the caller says why it is closed). */
export async function findSetupLink(db: Kysely<Database>, q: { tenantId: string; tokenHash: string }) {
  return db
    .selectFrom('setup_links')
    .innerJoin('users', 'users.id', 'setup_links.user_id')
    .select([
      'setup_links.id',
      'setup_links.user_id',
      'setup_links.expires_at',
      'setup_links.used_at',
      'setup_links.revoked_at',
      'users.email',
      'users.name',
      'users.role',
      'users.disabled_at',
    ])
    .where('setup_links.tenant_id', '=', q.tenantId)
    .where('setup_links.token_hash', '=', q.tokenHash)
    .executeTakeFirst();
}

/**
 * Uses the link up: only while it is open (not used, not ended, not expired). False when another
 * request used it first, or it closed meanwhile: of two submissions of one link, one wins.
 */
export async function useSetupLink(db: Kysely<Database>, q: { id: string; now: string }): Promise<boolean> {
  const res = await db
    .updateTable('setup_links')
    .set({ used_at: q.now })
    .where('id', '=', q.id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', q.now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Ends every still-open link of the account (a new one replaces them). */
export async function revokeOpenSetupLinks(db: Kysely<Database>, q: { tenantId: string; userId: string; now: string }): Promise<number> {
  const res = await db
    .updateTable('setup_links')
    .set({ revoked_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('user_id', '=', q.userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** The office's set-up links, newest first, with whether the admin account behind each has a usable sign-in yet. */
export async function listSetupLinks(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('setup_links')
    .innerJoin('users', 'users.id', 'setup_links.user_id')
    .select(['setup_links.id', 'setup_links.user_id', 'setup_links.created_at', 'setup_links.used_at', 'users.email', 'users.disabled_at'])
    .where('setup_links.tenant_id', '=', tenantId)
    .orderBy('setup_links.created_at', 'desc')
    .execute();
}
