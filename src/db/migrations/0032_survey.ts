import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The SKM satisfaction survey (issue 13, item 2; Permenpan RB 14/2017). An invitation per occasion (a
 * permit issued, a counter visit completed, a help request closed) with a random token for the link; one
 * answer per invitation. Answers are anonymous: survey_answers has no user, application, ticket or
 * invitation column and no timestamp, only the service (kind and code), the office and the month, so
 * an answer cannot be traced back to the invitation once written (the invitation is only marked used).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('survey_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('occasion', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('service_kind', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('survey_invitations_occasion', ['tenant_id', 'occasion', 'subject_id'])
    .execute();
  await db.schema
    .createTable('survey_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('service_kind', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('u1_requirements', 'integer', (c) => c.notNull())
    .addColumn('u2_procedure', 'integer', (c) => c.notNull())
    .addColumn('u3_time', 'integer', (c) => c.notNull())
    .addColumn('u4_fee', 'integer', (c) => c.notNull())
    .addColumn('u5_product', 'integer', (c) => c.notNull())
    .addColumn('u6_competence', 'integer', (c) => c.notNull())
    .addColumn('u7_behaviour', 'integer', (c) => c.notNull())
    .addColumn('u8_complaints', 'integer', (c) => c.notNull())
    .addColumn('u9_facilities', 'integer', (c) => c.notNull())
    .addColumn('age_band', 'text')
    .addColumn('sex', 'text')
    .addColumn('education', 'text')
    .addColumn('occupation', 'text')
    .execute();
  await db.schema.createIndex('survey_answers_report').on('survey_answers').columns(['tenant_id', 'period', 'service_kind', 'service_code']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('survey_answers').execute();
  await db.schema.dropTable('survey_invitations').execute();
}
