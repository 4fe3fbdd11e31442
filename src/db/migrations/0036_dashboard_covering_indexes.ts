import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The head's dashboard at 1,000,000 files (issue 13, bench/dashboard.bench.ts): a year's figures for an
 * office of 400,000 files read 50,000–150,000 rows per statement. With migration 0034's two-column
 * indexes each row is then looked up in the table (the files' answers make its rows wide); these carry
 * the grouped and filtered columns, so each statement reads only the index:
 *
 * - filed per day × type × channel (countFiled): (tenant_id, submitted_at) + permit_code, channel;
 *   replaces applications_tenant_submitted, of which it is an extension (same leading columns);
 * - closed per day × type and the SLA outcomes of migration 0035 (countClosed, countClosedOutcomes):
 *   (tenant_id, decided_at) + submitted_at, permit_code, channel, sla_used_working_days, sla_met;
 *   replaces applications_tenant_decided likewise;
 * - online starts and the drafts never submitted (countStartedOnline, the drop-off):
 *   (tenant_id, channel, created_at) + submitted_at, decided_at, permit_code;
 * - the open files (countOpenByState, countOverdue): a partial index of the files not closed
 *   (decided_at is null), (tenant_id, sla_due_on) + submitted_at, permit_code, permit_type_version_id,
 *   state, channel: small, since most files are closed.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.createIndex('applications_filed_cover').on('applications').columns(['tenant_id', 'submitted_at', 'permit_code', 'channel']).execute();
  await db.schema.dropIndex('applications_tenant_submitted').execute();
  await db.schema
    .createIndex('applications_closed_cover')
    .on('applications')
    .columns(['tenant_id', 'decided_at', 'submitted_at', 'permit_code', 'channel', 'sla_used_working_days', 'sla_met'])
    .execute();
  await db.schema.dropIndex('applications_tenant_decided').execute();
  await db.schema
    .createIndex('applications_started_cover')
    .on('applications')
    .columns(['tenant_id', 'channel', 'created_at', 'submitted_at', 'decided_at', 'permit_code'])
    .execute();
  await db.schema
    .createIndex('applications_open_cover')
    .on('applications')
    .columns(['tenant_id', 'sla_due_on', 'submitted_at', 'permit_code', 'permit_type_version_id', 'state', 'channel'])
    .where(sql.ref('decided_at'), 'is', null)
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('applications_open_cover').execute();
  await db.schema.dropIndex('applications_started_cover').execute();
  await db.schema.createIndex('applications_tenant_decided').on('applications').columns(['tenant_id', 'decided_at']).execute();
  await db.schema.dropIndex('applications_closed_cover').execute();
  await db.schema.createIndex('applications_tenant_submitted').on('applications').columns(['tenant_id', 'submitted_at']).execute();
  await db.schema.dropIndex('applications_filed_cover').execute();
}
