import type { Insertable, Kysely } from 'kysely';
import type {
  Database,
  Payment,
  PaymentProvider,
  ReconciliationDay,
  ReconciliationDaysTable,
  ReconciliationLine,
  ReconciliationLinesTable,
} from '../db/schema.js';

type Db = Kysely<Database>;

/** A payment with what the treasurer needs beside it: its bill and its file. */
export type PaymentWithBill = Payment & {
  bill_number: string | null;
  bill_state: 'open' | 'paid' | 'voided' | null;
  bill_amount: number | null;
  bill_expires_at: string | null;
  bill_customer_no: string | null;
  bill_va_number: string | null;
  application_number: string | null;
  application_state: string | null;
};

function paymentsWithBills(db: Db, tenantId: string) {
  return db
    .selectFrom('payments')
    .leftJoin('bills', 'bills.id', 'payments.bill_id')
    .leftJoin('applications', 'applications.id', 'payments.application_id')
    .selectAll('payments')
    .select([
      'bills.number as bill_number',
      'bills.state as bill_state',
      'bills.amount as bill_amount',
      'bills.expires_at as bill_expires_at',
      'bills.customer_no as bill_customer_no',
      'bills.va_number as bill_va_number',
      'applications.number as application_number',
      'applications.state as application_state',
    ])
    .where('payments.tenant_id', '=', tenantId);
}

// bigint columns come back as strings on PostgreSQL.
const withNumbers = <T extends { amount: number; bill_amount: number | null }>(p: T): T => ({
  ...p,
  amount: Number(p.amount),
  bill_amount: p.bill_amount === null ? null : Number(p.bill_amount),
});

/** Held payments (oldest first), or the ones the treasurer decided, closed or accepted (latest first). */
export async function listPaymentsWithBills(db: Db, tenantId: string, state: 'held' | 'resolved', limit = 200): Promise<PaymentWithBill[]> {
  const rows = await paymentsWithBills(db, tenantId)
    .where((eb) =>
      state === 'held'
        ? eb('payments.state', '=', 'held')
        : // Resolved: closed with a note, or accepted (recorded, once held).
          eb.or([eb('payments.state', '=', 'resolved'), eb.and([eb('payments.state', '=', 'recorded'), eb('payments.hold_reason', 'is not', null)])]),
    )
    .orderBy(state === 'held' ? 'payments.received_at' : 'payments.resolved_at', state === 'held' ? 'asc' : 'desc')
    .orderBy('payments.id')
    .limit(limit)
    .execute();
  return rows.map(withNumbers);
}

export async function findPaymentWithBill(db: Db, tenantId: string, id: string): Promise<PaymentWithBill | undefined> {
  const row = await paymentsWithBills(db, tenantId).where('payments.id', '=', id).executeTakeFirst();
  return row && withNumbers(row);
}

/** Every payment of the office paid between two instants (the caller narrows to the office-local day). */
export async function listPaymentsPaidBetween(db: Db, tenantId: string, fromIso: string, toIso: string): Promise<PaymentWithBill[]> {
  const rows = await paymentsWithBills(db, tenantId)
    .where('payments.paid_at', '>=', fromIso)
    .where('payments.paid_at', '<', toIso)
    .orderBy('payments.paid_at')
    .orderBy('payments.id')
    .execute();
  return rows.map(withNumbers);
}

/**
 * A held payment accepted by the treasurer: held → recorded in the payment action's transaction (the same
 * row, so the provider payment id stays once), with who accepted it and the note. False when it was no
 * longer held (another treasurer closed or accepted it meanwhile): the caller rolls back.
 */
export async function recordHeldPayment(
  db: Db,
  input: { id: string; tenantId: string; provider: PaymentProvider; providerPaymentId: string; by: string | null; at: string; note: string },
): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ state: 'recorded', recorded_by: input.by, resolved_at: input.at, resolved_by: input.by, resolution_note: input.note })
    .where('id', '=', input.id)
    .where('tenant_id', '=', input.tenantId)
    .where('provider', '=', input.provider)
    .where('provider_payment_id', '=', input.providerPaymentId)
    .where('state', '=', 'held')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ── Reconciliation days and lines ─────────────────────────────────────────────────────────────────

const dayNumbers = (d: ReconciliationDay): ReconciliationDay => ({ ...d, statement_total: Number(d.statement_total) });
const lineNumbers = (l: ReconciliationLine): ReconciliationLine => ({
  ...l,
  statement_amount: l.statement_amount === null ? null : Number(l.statement_amount),
  izol_amount: l.izol_amount === null ? null : Number(l.izol_amount),
});

export async function findReconciliationDay(db: Db, tenantId: string, day: string): Promise<ReconciliationDay | undefined> {
  const row = await db.selectFrom('reconciliation_days').selectAll().where('tenant_id', '=', tenantId).where('day', '=', day).executeTakeFirst();
  return row && dayNumbers(row);
}

/** The office's statement days, latest first, with how many lines wait for the treasurer. */
export async function listReconciliationDays(db: Db, tenantId: string, limit = 100): Promise<(ReconciliationDay & { unresolved: number; lines: number })[]> {
  const rows = await db
    .selectFrom('reconciliation_days as d')
    .selectAll('d')
    .select((eb) => [
      eb
        .selectFrom('reconciliation_lines as l')
        .whereRef('l.day_id', '=', 'd.id')
        .where('l.kind', '<>', 'matched')
        .where('l.resolved_at', 'is', null)
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('unresolved'),
      eb
        .selectFrom('reconciliation_lines as l')
        .whereRef('l.day_id', '=', 'd.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('lines'),
    ])
    .where('d.tenant_id', '=', tenantId)
    .orderBy('d.day', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...dayNumbers(r), unresolved: Number(r.unresolved ?? 0), lines: Number(r.lines ?? 0) }));
}

export async function insertReconciliationDay(db: Db, row: Insertable<ReconciliationDaysTable>): Promise<void> {
  await db.insertInto('reconciliation_days').values(row).execute();
}

/** An open day's statement replaced (re-import): its header updated and its old lines gone. False when the day is closed. */
export async function replaceOpenDay(
  db: Db,
  input: { id: string; source: ReconciliationDay['source']; fileName: string | null; lines: number; total: number; at: string; by: string },
): Promise<boolean> {
  const r = await db
    .updateTable('reconciliation_days')
    .set({
      source: input.source,
      file_name: input.fileName,
      statement_lines: input.lines,
      statement_total: input.total,
      imported_at: input.at,
      imported_by: input.by,
    })
    .where('id', '=', input.id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await db.deleteFrom('reconciliation_lines').where('day_id', '=', input.id).execute();
  return true;
}

export async function insertReconciliationLines(db: Db, lines: Insertable<ReconciliationLinesTable>[]): Promise<void> {
  // In chunks: SQLite allows a limited number of bound values per statement.
  for (let i = 0; i < lines.length; i += 200)
    await db
      .insertInto('reconciliation_lines')
      .values(lines.slice(i, i + 200))
      .execute();
}

export async function listReconciliationLines(db: Db, dayId: string): Promise<ReconciliationLine[]> {
  const rows = await db.selectFrom('reconciliation_lines').selectAll().where('day_id', '=', dayId).orderBy('position').execute();
  return rows.map(lineNumbers);
}

/** A non-matched line of an open day resolved with the treasurer's note; false when it was resolved already, matched, or the day closed. */
export async function resolveReconciliationLine(db: Db, input: { dayId: string; lineId: string; by: string; at: string; note: string }): Promise<boolean> {
  const r = await db
    .updateTable('reconciliation_lines')
    .set({ resolved_at: input.at, resolved_by: input.by, resolution_note: input.note })
    .where('id', '=', input.lineId)
    .where('day_id', '=', input.dayId)
    .where('kind', '<>', 'matched')
    .where('resolved_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('reconciliation_days')
          .select('reconciliation_days.id')
          .where('reconciliation_days.id', '=', input.dayId)
          .where('reconciliation_days.state', '=', 'open'),
      ),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** open → closed, in one statement only while no line waits: false when a line is unresolved or the day was closed already. */
export async function closeReconciliationDay(db: Db, input: { dayId: string; by: string; at: string; note: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('reconciliation_days')
    .set({ state: 'closed', closed_at: input.at, closed_by: input.by, close_note: input.note })
    .where('id', '=', input.dayId)
    .where('state', '=', 'open')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('reconciliation_lines')
            .select('reconciliation_lines.id')
            .where('reconciliation_lines.day_id', '=', input.dayId)
            .where('reconciliation_lines.kind', '<>', 'matched')
            .where('reconciliation_lines.resolved_at', 'is', null),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listPaymentsWithBillsByIds(db: Db, tenantId: string, ids: readonly string[]): Promise<PaymentWithBill[]> {
  if (!ids.length) return [];
  const rows = await paymentsWithBills(db, tenantId)
    .where('payments.id', 'in', [...ids])
    .execute();
  return rows.map(withNumbers);
}
