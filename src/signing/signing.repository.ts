import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** The office signing keys: every query of the signing feature lives here. */

export type SigningKeyRow = Database['signing_keys'];

/** The office's newest key that is not retired. */
export async function findCurrentKey(db: Kysely<Database>, tenantId: string): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findKeyById(db: Kysely<Database>, keyId: string): Promise<SigningKeyRow | undefined> {
  return db.selectFrom('signing_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
}

export async function insertKey(db: Kysely<Database>, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Retires every key of the office still in use; returns their ids. */
export async function retireActiveKeys(trx: Kysely<Database>, tenantId: string, at: string): Promise<string[]> {
  const active = await trx.selectFrom('signing_keys').select('id').where('tenant_id', '=', tenantId).where('retired_at', 'is', null).execute();
  if (active.length) {
    await trx.updateTable('signing_keys').set({ retired_at: at }).where('tenant_id', '=', tenantId).where('retired_at', 'is', null).execute();
  }
  return active.map((r) => r.id);
}

/** Every key of the office, newest first, without the private half. */
export async function listPublicKeys(
  db: Kysely<Database>,
  tenantId: string,
): Promise<Pick<SigningKeyRow, 'id' | 'alg' | 'public_key_pem' | 'created_at' | 'retired_at'>[]> {
  return db
    .selectFrom('signing_keys')
    .select(['id', 'alg', 'public_key_pem', 'created_at', 'retired_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
