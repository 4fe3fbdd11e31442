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
 * - filed (countFiled, both periods): submitted_at >= … implies `submitted_at is not null`;
 * - closed (countClosed, countClosedOutcomes): decided_at >= … implies `decided_at is not null`, and they
 *   write `submitted_at is not null`;
 * - online starts (countStartedOnline, and the drafts' two statements, which also test submitted_at and
 *   decided_at in the index before fetching a row): the statements write `channel = 'online'` as a literal
 *   (SQLite uses a partial index only if the query holds the same term);
 * - the drafts' current documents: (application_id, requirement_code, tenant_id) of the documents not superseded.
 * 0034's indexes stay: the open-files statements (decided_at is null) and others read them.
 */
export async function up(db: Db): Promise<void> {
  await sql`create index applications_dash_filed on applications (tenant_id, submitted_at, permit_code, channel) where submitted_at is not null`.execute(db);
  await sql`create index applications_dash_closed on applications (tenant_id, decided_at, permit_code, channel, sla_used_working_days, sla_met) where decided_at is not null and submitted_at is not null`.execute(
    db,
  );
  await sql`create index applications_dash_online on applications (tenant_id, created_at, permit_code, submitted_at, decided_at) where channel = 'online'`.execute(
    db,
  );
  await sql`create index documents_current on documents (application_id, requirement_code, tenant_id) where superseded_at is null`.execute(db);
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('documents_current').execute();
  await db.schema.dropIndex('applications_dash_online').execute();
  await db.schema.dropIndex('applications_dash_closed').execute();
  await db.schema.dropIndex('applications_dash_filed').execute();
}
