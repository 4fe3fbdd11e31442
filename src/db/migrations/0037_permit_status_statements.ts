import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.js';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Signed status statements (issue 14, "Trust in the field"): every revocation, correction (re-issue) and
 * renewal of a permit is a statement signed with the office key, `document` being the exact canonical
 * JSON signed (src/permits/status.statements.ts). A permit leaves "valid" once, so it has at most one
 * statement. The table is append-only: triggers refuse UPDATE and DELETE on both dialects, so turning a
 * revocation back takes more than an edit of a row (and the audit chain still tells, see verify).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('permit_status_statements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('permit_id', 'text', (c) => c.notNull().references('permits.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('audit_event_id', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('permit_status_statements_permit').unique().on('permit_status_statements').column('permit_id').execute();
  await db.schema.createIndex('permit_status_statements_tenant_at').on('permit_status_statements').columns(['tenant_id', 'at']).execute();
  if (dialectOf(db) === 'postgres') {
    await sql`CREATE FUNCTION permit_status_statements_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'permit_status_statements is append-only';
END;
$$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER permit_status_statements_no_change BEFORE UPDATE OR DELETE ON permit_status_statements
FOR EACH ROW EXECUTE FUNCTION permit_status_statements_append_only()`.execute(db);
  } else {
    await sql`CREATE TRIGGER permit_status_statements_no_update BEFORE UPDATE ON permit_status_statements
BEGIN SELECT RAISE(ABORT, 'permit_status_statements is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER permit_status_statements_no_delete BEFORE DELETE ON permit_status_statements
BEGIN SELECT RAISE(ABORT, 'permit_status_statements is append-only'); END`.execute(db);
  }
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('permit_status_statements').execute();
  if (dialectOf(db) === 'postgres') await sql`DROP FUNCTION IF EXISTS permit_status_statements_append_only()`.execute(db);
}
