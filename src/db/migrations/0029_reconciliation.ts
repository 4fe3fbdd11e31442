import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The treasurer's reconciliation (issue 12, item 6): one row per office and statement day (the bank's
 * daily statement, CSV or the SNAP VA report, imported once; open until every line that did not match
 * is resolved, then closed), and the day's lines: matched, missing (in Izol, not in the statement),
 * unexpected (in the statement, not in Izol) and amount mismatch, each non-matched one resolved with a
 * note. Amounts are whole rupiah (bigint).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('reconciliation_days')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('statement_lines', 'integer', (c) => c.notNull())
    .addColumn('statement_total', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('close_note', 'text')
    // One statement per office and day: a second import of the same day at once loses on this.
    .addUniqueConstraint('reconciliation_days_tenant_day', ['tenant_id', 'day'])
    .execute();

  await db.schema
    .createTable('reconciliation_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('day_id', 'text', (c) => c.notNull().references('reconciliation_days.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('matched_by', 'text')
    .addColumn('payment_id', 'text', (c) => c.references('payments.id'))
    .addColumn('statement_line', 'integer')
    .addColumn('statement_reference', 'text')
    .addColumn('statement_account', 'text')
    .addColumn('statement_amount', 'bigint')
    .addColumn('statement_at', 'text')
    .addColumn('izol_amount', 'bigint')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('users.id'))
    .addColumn('resolution_note', 'text')
    .addUniqueConstraint('reconciliation_lines_position', ['day_id', 'position'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('reconciliation_lines').execute();
  await db.schema.dropTable('reconciliation_days').execute();
}
