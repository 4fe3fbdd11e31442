import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The sealed text a permit's QR code carries (issue 14, docs/verification.md): "IZ1:" + base45 of a
 * COSE_Sign1 the office signed at issuance. Kept so the API can give it out without signing again.
 * Permits issued before this migration have none (null): their QR code holds the /v/{code} address.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('permits').addColumn('sealed_text', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('permits').dropColumn('sealed_text').execute();
}
