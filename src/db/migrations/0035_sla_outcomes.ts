import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Each closed file's SLA outcome, kept on the file (issue 13, the dashboard and the transparency page at
 * 1,000,000 files): the working days the office used by the SLA clock (src/sla/sla.ts) and whether that
 * was within the permit type's service time (1, 0, or null when the type has none). Written in the same
 * transaction that moves the file to a final state; files closed before this migration are filled once at
 * start (src/sla/outcomes.ts fillMissingSlaOutcomes). A file filed and closed has sla_used_working_days;
 * null there means "not yet computed". The summaries are read grouped by (tenant_id, decided_at).
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('applications').addColumn('sla_used_working_days', 'integer').execute();
  await db.schema.alterTable('applications').addColumn('sla_met', 'integer').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('sla_met').execute();
  await db.schema.alterTable('applications').dropColumn('sla_used_working_days').execute();
}
