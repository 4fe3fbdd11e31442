import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, SurveyInvitationsTable } from '../db/schema.js';
import { newToken } from '../shared/crypto.js';
import { SKM_ELEMENTS, type SkmAnswer, type SkmElement } from './skm.js';

/** The answer table's column for each SKM element (U1 … U9 in the regulation's order). */
export const ELEMENT_COLUMNS = {
  requirements: 'u1_requirements',
  procedure: 'u2_procedure',
  time: 'u3_time',
  fee: 'u4_fee',
  product: 'u5_product',
  competence: 'u6_competence',
  behaviour: 'u7_behaviour',
  complaints: 'u8_complaints',
  facilities: 'u9_facilities',
} as const satisfies Record<SkmElement, string>;

export type SurveyInvitation = SurveyInvitationsTable;
export type Occasion = 'permit_issued' | 'visit_completed' | 'help_closed' | 'kiosk';
export type ServiceKind = 'permit' | 'queue' | 'helpdesk';

/**
 * The invitation for an occasion, made once: a second call for the same occasion (a retried job, a
 * re-run effect) finds the first one's row by the unique (tenant, occasion, subject).
 */
export async function ensureInvitation(
  db: Kysely<Database>,
  input: { tenantId: string; occasion: Occasion; subjectId: string; serviceKind: ServiceKind; serviceCode: string; now: string },
): Promise<SurveyInvitation> {
  await db
    .insertInto('survey_invitations')
    .values({
      id: randomUUID(),
      tenant_id: input.tenantId,
      token: newToken(),
      occasion: input.occasion,
      subject_id: input.subjectId,
      service_kind: input.serviceKind,
      service_code: input.serviceCode,
      created_at: input.now,
      used: 0,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'occasion', 'subject_id']).doNothing())
    .execute();
  return db
    .selectFrom('survey_invitations')
    .selectAll()
    .where('tenant_id', '=', input.tenantId)
    .where('occasion', '=', input.occasion)
    .where('subject_id', '=', input.subjectId)
    .executeTakeFirstOrThrow();
}

export async function findInvitationFor(
  db: Kysely<Database>,
  input: { tenantId: string; occasion: Occasion; subjectId: string },
): Promise<SurveyInvitation | undefined> {
  return db
    .selectFrom('survey_invitations')
    .selectAll()
    .where('tenant_id', '=', input.tenantId)
    .where('occasion', '=', input.occasion)
    .where('subject_id', '=', input.subjectId)
    .executeTakeFirst();
}

export async function findInvitationByToken(db: Kysely<Database>, tenantId: string, token: string): Promise<SurveyInvitation | undefined> {
  return db.selectFrom('survey_invitations').selectAll().where('tenant_id', '=', tenantId).where('token', '=', token).executeTakeFirst();
}

/** Marks the invitation used; false when it already was (a second submit, or two at once: the guarded update decides). */
export async function markInvitationUsed(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db.updateTable('survey_invitations').set({ used: 1 }).where('id', '=', id).where('used', '=', 0).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export type RespondentDetails = { ageBand: string | null; sex: string | null; education: string | null; occupation: string | null };

/** The anonymous answer: the service, office and month only; a fresh id, no link to the invitation. */
export async function insertAnswer(
  db: Kysely<Database>,
  input: { tenantId: string; serviceKind: string; serviceCode: string; period: string; scores: SkmAnswer; respondent: RespondentDetails },
): Promise<void> {
  const scores = Object.fromEntries(SKM_ELEMENTS.map((e) => [ELEMENT_COLUMNS[e], input.scores[e]])) as Record<(typeof ELEMENT_COLUMNS)[SkmElement], number>;
  await db
    .insertInto('survey_answers')
    .values({
      id: randomUUID(),
      tenant_id: input.tenantId,
      service_kind: input.serviceKind,
      service_code: input.serviceCode,
      period: input.period,
      ...scores,
      age_band: input.respondent.ageBand,
      sex: input.respondent.sex,
      education: input.respondent.education,
      occupation: input.respondent.occupation,
    })
    .execute();
}

export type AnswerSums = { serviceKind: string; serviceCode: string; respondents: number; sums: Record<SkmElement, number> };

/**
 * Per service (kind and code) in the office, over the months from `fromPeriod` to `toPeriod` (YYYY-MM,
 * inclusive): the number of answers and each element's score sum, one aggregate query.
 */
export async function sumAnswers(
  db: Kysely<Database>,
  input: { tenantId: string; fromPeriod: string; toPeriod: string; serviceCode?: string | undefined },
): Promise<AnswerSums[]> {
  let q = db
    .selectFrom('survey_answers')
    .select(['service_kind', 'service_code'])
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('tenant_id', '=', input.tenantId)
    .where('period', '>=', input.fromPeriod)
    .where('period', '<=', input.toPeriod);
  for (const e of SKM_ELEMENTS) {
    const col = ELEMENT_COLUMNS[e];
    q = q.select(sql<string | number>`sum(${sql.ref(col)})`.as(col));
  }
  if (input.serviceCode) q = q.where('service_code', '=', input.serviceCode);
  const rows = (await q.groupBy(['service_kind', 'service_code']).orderBy('service_kind').orderBy('service_code').execute()) as unknown as Record<
    string,
    string | number
  >[];
  return rows.map((r) => ({
    serviceKind: String(r.service_kind),
    serviceCode: String(r.service_code),
    respondents: Number(r.n),
    sums: Object.fromEntries(SKM_ELEMENTS.map((e) => [e, Number(r[ELEMENT_COLUMNS[e]])])) as Record<SkmElement, number>,
  }));
}
