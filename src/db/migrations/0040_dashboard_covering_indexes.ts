import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The head's dashboard at 1,000,000 files (issue 13, item 5): one index per group of statements, each
 * holding every column its statements read, so a year's counts are read from the index alone instead of
 * fetching ~130k table rows. Each is partial, so a statement that does not imply its WHERE cannot pick it
 * (a plain (tenant_id, decided_at, …) index drew the drafts' statements, whose `decided_at is null` matched
 * it as an equality):
 * - filed (countFiled, both periods; the transparency page's months): submitted_at >= … implies `submitted_at is not null`;
 * - closed (countClosed, countClosedOutcomes): decided_at >= … implies `decided_at is not null`, and they
 *   write `submitted_at is not null`;
 * - online starts (countStartedOnline) and the online drafts never submitted nor closed (the drafts' two
 *   statements): the statements write `channel = 'online'` as a literal (SQLite uses a partial index only
 *   if the query holds the same term);
 * - files not closed (`decided_at is null`: the open files by state, the overdue ones, the work queue's);
 * - the drafts' current documents.
 * They replace 0034's (tenant_id, submitted_at) and (tenant_id, decided_at), which SQLite's planner kept
 * choosing over them (and for the drafts' statements); 0034's (tenant_id, created_at) stays.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.dropIndex('applications_tenant_submitted').execute();
  await db.schema.dropIndex('applications_tenant_decided').execute();
  const statements = [
    sql`create index applications_dash_filed on applications (tenant_id, submitted_at, permit_code, channel) where submitted_at is not null`,
    sql`create index applications_dash_closed on applications (tenant_id, decided_at, permit_code, channel, sla_used_working_days, sla_met, submitted_at) where decided_at is not null and submitted_at is not null`,
    sql`create index applications_dash_online on applications (tenant_id, created_at, permit_code, submitted_at) where channel = 'online'`,
    sql`create index applications_dash_drafts on applications (tenant_id, created_at, id) where channel = 'online' and submitted_at is null and decided_at is null`,
    sql`create index applications_undecided on applications (tenant_id, submitted_at, permit_code, permit_type_version_id, state, sla_due_on, channel) where decided_at is null`,
    sql`create index documents_current on documents (application_id, requirement_code, tenant_id) where superseded_at is null`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Db): Promise<void> {
  for (const name of [
    'documents_current',
    'applications_undecided',
    'applications_dash_drafts',
    'applications_dash_online',
    'applications_dash_closed',
    'applications_dash_filed',
  ])
    await db.schema.dropIndex(name).execute();
  await db.schema.createIndex('applications_tenant_submitted').on('applications').columns(['tenant_id', 'submitted_at']).execute();
  await db.schema.createIndex('applications_tenant_decided').on('applications').columns(['tenant_id', 'decided_at']).execute();
}
