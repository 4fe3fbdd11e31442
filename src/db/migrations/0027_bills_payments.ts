import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Money (issue 12): the office's bills (SKRD) with their payment code, the payments recorded against them
 * once per provider payment id, and each office's payment settings (the adapter, the biller code, the
 * bill's expiry and legal basis, the QRIS merchant data, the SNAP credentials with the secret encrypted).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('bills')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('customer_no', 'text', (c) => c.notNull())
    .addColumn('va_number', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.references('users.id'))
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('breakdown', 'text')
    .addColumn('qris', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('voided_at', 'text')
    .addColumn('void_reason', 'text')
    .addColumn('replaced_by_id', 'text')
    .addColumn('verification_code', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addUniqueConstraint('bills_tenant_number', ['tenant_id', 'number'])
    .addUniqueConstraint('bills_tenant_customer_no', ['tenant_id', 'customer_no'])
    .addUniqueConstraint('bills_verification_code', ['verification_code'])
    .execute();
  // At most one open bill per application: re-issuing voids the old one in the same transaction.
  await sql`CREATE UNIQUE INDEX bills_one_open ON bills (application_id) WHERE state = 'open'`.execute(db);
  await db.schema.createIndex('bills_application').on('bills').columns(['application_id', 'issued_at']).execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_payment_id', 'text', (c) => c.notNull())
    .addColumn('bill_id', 'text', (c) => c.references('bills.id'))
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('hold_reason', 'text')
    .addColumn('bank_reference', 'text')
    .addColumn('payer_name', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('users.id'))
    .addColumn('resolution_note', 'text')
    // Paying once: the database, not a check-then-insert, keeps one row per provider payment id.
    .addUniqueConstraint('payments_provider_payment', ['tenant_id', 'provider', 'provider_payment_id'])
    .execute();
  await db.schema.createIndex('payments_tenant_paid').on('payments').columns(['tenant_id', 'paid_at']).execute();
  await db.schema.createIndex('payments_bill').on('payments').columns(['bill_id']).execute();

  await db.schema
    .createTable('payment_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('adapter', 'text', (c) => c.notNull())
    .addColumn('partner_service_id', 'text', (c) => c.notNull())
    .addColumn('bill_expiry_days', 'integer', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('qris_merchant', 'text')
    .addColumn('snap_client_id', 'text')
    .addColumn('snap_client_secret', 'text')
    .addColumn('snap_bank_public_key', 'text')
    .addColumn('snap_signature_encoding', 'text', (c) => c.notNull().defaultTo('base64'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('payment_settings').execute();
  await db.schema.dropTable('payments').execute();
  await db.schema.dropTable('bills').execute();
}
