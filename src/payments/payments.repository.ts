import type { Kysely } from 'kysely';
import type { Bill, Database, Payment, PaymentSettings, PaymentsTable, BillsTable, PaymentSettingsTable } from '../db/schema.js';
import type { Insertable } from 'kysely';

type Db = Kysely<Database>;

// ---- Payment settings ----

export async function findPaymentSettings(db: Db, tenantId: string): Promise<PaymentSettings | undefined> {
  return db.selectFrom('payment_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Writes an office's payment settings (insert or replace). */
export async function upsertPaymentSettings(db: Db, row: Insertable<PaymentSettingsTable>): Promise<void> {
  const { tenant_id: _tenant, ...rest } = row;
  await db
    .insertInto('payment_settings')
    .values(row)
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(rest))
    .execute();
}

// ---- Bills ----

export async function insertBill(db: Db, bill: Insertable<BillsTable>): Promise<void> {
  await db.insertInto('bills').values(bill).execute();
}

export async function findBillById(db: Db, tenantId: string, id: string): Promise<Bill | undefined> {
  return db.selectFrom('bills').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findBillByCustomerNo(db: Db, tenantId: string, customerNo: string): Promise<Bill | undefined> {
  return db.selectFrom('bills').selectAll().where('tenant_id', '=', tenantId).where('customer_no', '=', customerNo).executeTakeFirst();
}

export async function findBillByNumber(db: Db, tenantId: string, number: string): Promise<Bill | undefined> {
  return db.selectFrom('bills').selectAll().where('tenant_id', '=', tenantId).where('number', '=', number).executeTakeFirst();
}

export async function findBillByVerificationCode(db: Db, code: string): Promise<Bill | undefined> {
  return db.selectFrom('bills').selectAll().where('verification_code', '=', code).executeTakeFirst();
}

/** The application's open bill, if any (at most one: bills_one_open). */
export async function findOpenBill(db: Db, tenantId: string, applicationId: string): Promise<Bill | undefined> {
  return db
    .selectFrom('bills')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .where('state', '=', 'open')
    .executeTakeFirst();
}

/** Every bill of an application, newest first. */
export async function listBillsOfApplication(db: Db, tenantId: string, applicationId: string): Promise<Bill[]> {
  return db
    .selectFrom('bills')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .orderBy('issued_at', 'desc')
    .orderBy('number', 'desc')
    .execute();
}

/** open → paid; false when the bill was no longer open (another payment, a void) so the caller rolls back. */
export async function markBillPaid(db: Db, billId: string, paidAt: string): Promise<boolean> {
  const r = await db.updateTable('bills').set({ state: 'paid', paid_at: paidAt }).where('id', '=', billId).where('state', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** open → voided; false when the bill was no longer open. */
export async function voidBill(db: Db, billId: string, input: { at: string; reason: string; replacedById: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('bills')
    .set({ state: 'voided', voided_at: input.at, void_reason: input.reason, replaced_by_id: input.replacedById })
    .where('id', '=', billId)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- Payments ----

/** Inserts one payment; a second row for the same provider payment id is a unique violation (payments_provider_payment). */
export async function insertPayment(db: Db, payment: Insertable<PaymentsTable>): Promise<void> {
  await db.insertInto('payments').values(payment).execute();
}

export async function findPaymentByProviderId(
  db: Db,
  tenantId: string,
  provider: Payment['provider'],
  providerPaymentId: string,
): Promise<Payment | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('provider', '=', provider)
    .where('provider_payment_id', '=', providerPaymentId)
    .executeTakeFirst();
}

export async function findPaymentById(db: Db, tenantId: string, id: string): Promise<Payment | undefined> {
  return db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function listPaymentsOfApplication(db: Db, tenantId: string, applicationId: string): Promise<Payment[]> {
  return db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('application_id', '=', applicationId).orderBy('received_at').execute();
}

/** Payments waiting for the treasurer, oldest first. */
export async function listHeldPayments(db: Db, tenantId: string, limit = 200): Promise<Payment[]> {
  return db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('state', '=', 'held').orderBy('received_at').limit(limit).execute();
}

/** held → resolved with the treasurer's note; false when it was no longer held. */
export async function resolvePayment(db: Db, id: string, input: { at: string; by: string; note: string }): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ state: 'resolved', resolved_at: input.at, resolved_by: input.by, resolution_note: input.note })
    .where('id', '=', id)
    .where('state', '=', 'held')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
