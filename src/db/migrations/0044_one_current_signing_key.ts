import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const TABLES = [
  { table: 'signing_keys', index: 'signing_keys_current' },
  { table: 'pdf_signing_certificates', index: 'pdf_signing_certificates_current' },
] as const;

/**
 * At most one current (not retired) Ed25519 key and one current PDF-signing certificate per office.
 * Both are made on an office's first signature; two instances signing it at the same moment each made
 * one. Now the second insert fails on this partial unique index and that instance reads the winner's
 * back (signer.ts, pdf-signer.ts). An office that already has two keeps the newest as current (the
 * one findCurrentKey / findCurrentCertificate already chose) and the others retired: what they signed
 * still verifies, as a retired key's or certificate's signatures do.
 */
export async function up(db: Db): Promise<void> {
  const now = new Date().toISOString();
  for (const { table, index } of TABLES) {
    await sql`
      update ${sql.table(table)} set retired_at = ${now}
      where retired_at is null and exists (
        select 1 from ${sql.table(table)} newer
        where newer.tenant_id = ${sql.table(table)}.tenant_id and newer.retired_at is null
          and (newer.created_at > ${sql.table(table)}.created_at or (newer.created_at = ${sql.table(table)}.created_at and newer.id > ${sql.table(table)}.id))
      )`.execute(db);
    await db.schema.createIndex(index).on(table).column('tenant_id').unique().where(sql.ref('retired_at'), 'is', null).execute();
  }
}

export async function down(db: Db): Promise<void> {
  for (const { index } of TABLES) await db.schema.dropIndex(index).execute();
}
