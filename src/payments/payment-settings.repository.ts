import type { Insertable, Kysely } from 'kysely';
import type { Database, PaymentSettingsTable } from '../db/schema.js';

type Db = Kysely<Database>;

/**
 * Writes an office's first payment settings unless it has some already (a unique tenant_id: of two starts
 * racing, one inserts and the other changes nothing). True when this call inserted them.
 */
export async function insertPaymentSettingsIfAbsent(db: Db, row: Insertable<PaymentSettingsTable>): Promise<boolean> {
  const r = await db
    .insertInto('payment_settings')
    .values(row)
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .returning('tenant_id')
    .executeTakeFirst();
  return r !== undefined;
}
