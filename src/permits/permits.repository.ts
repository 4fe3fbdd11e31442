import type { Kysely } from 'kysely';
import type { Database, Permit } from '../db/schema.js';

/** Permits and receipts: every query of the permits feature lives here. */

export async function findPermitById(db: Kysely<Database>, permitId: string): Promise<Permit | undefined> {
  return db.selectFrom('permits').selectAll().where('id', '=', permitId).executeTakeFirst();
}
