import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Front-desk intake: where to send the claim code, and the code's hash until the citizen claims the file. */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('applications').addColumn('applicant_contact', 'text').execute();
  await db.schema.alterTable('applications').addColumn('claim_code_hash', 'text').execute();
  await db.schema.alterTable('applications').addColumn('claim_expires_at', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('claim_expires_at').execute();
  await db.schema.alterTable('applications').dropColumn('claim_code_hash').execute();
  await db.schema.alterTable('applications').dropColumn('applicant_contact').execute();
}
