import type { Kysely } from 'kysely';
import type { Application, ApplicationUpdate, Database } from '../db/schema.js';

export async function insertApplication(trx: Kysely<Database>, row: Application): Promise<void> {
  await trx.insertInto('applications').values(row).execute();
}

export async function findApplication(db: Kysely<Database>, tenantId: string, id: string): Promise<Application | undefined> {
  return db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findApplicationByNumber(db: Kysely<Database>, tenantId: string, number: string): Promise<Application | undefined> {
  return db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).where('number', '=', number).executeTakeFirst();
}

export async function findByIdempotencyKey(db: Kysely<Database>, tenantId: string, createdBy: string, key: string): Promise<Application | undefined> {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('created_by', '=', createdBy)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * Updates an application only if nobody changed it since `revision` was read. Returns false on a
 * lost race; the caller rolls back. On PostgreSQL the row lock also serialises concurrent changes.
 */
export async function updateAtRevision(trx: Kysely<Database>, id: string, revision: number, set: ApplicationUpdate): Promise<boolean> {
  const res = await trx
    .updateTable('applications')
    .set({ ...set, revision: revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * The next value of a per-tenant counter, inside the caller's transaction. The row lock taken by the
 * upsert is held until commit, and a rollback returns the value: numbers come out without gaps or
 * duplicates however many submissions run at once.
 */
export async function nextSequenceValue(trx: Kysely<Database>, tenantId: string, scope: string): Promise<number> {
  const row = await trx
    .insertInto('number_sequences')
    .values({ tenant_id: tenantId, scope, last_value: 1 })
    .onConflict((oc) => oc.columns(['tenant_id', 'scope']).doUpdateSet((eb) => ({ last_value: eb('number_sequences.last_value', '+', 1) })))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return Number(row.last_value);
}

export async function insertEvent(
  trx: Kysely<Database>,
  e: {
    id: string;
    tenantId: string;
    applicationId: string;
    position: number;
    action: string;
    fromState: string | null;
    toState: string;
    actorId: string | null;
    actorRole: string | null;
    reason: string | null;
    data: Record<string, unknown>;
    at: string;
  },
): Promise<void> {
  await trx
    .insertInto('application_events')
    .values({
      id: e.id,
      tenant_id: e.tenantId,
      application_id: e.applicationId,
      position: e.position,
      action: e.action,
      from_state: e.fromState,
      to_state: e.toState,
      actor_id: e.actorId,
      actor_role: e.actorRole,
      reason: e.reason,
      data: JSON.stringify(e.data),
      created_at: e.at,
    })
    .execute();
}

export async function listEvents(db: Kysely<Database>, tenantId: string, applicationId: string) {
  return db
    .selectFrom('application_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .orderBy('position')
    .execute();
}

export type ApplicationFilters = {
  applicantId?: string | undefined;
  state?: string | undefined;
  permitCode?: string | undefined;
  channel?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
};

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchApplications(db: Kysely<Database>, tenantId: string, f: ApplicationFilters) {
  let q = db.selectFrom('applications').where('tenant_id', '=', tenantId);
  if (f.applicantId) q = q.where('applicant_id', '=', f.applicantId);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.permitCode) q = q.where('permit_code', '=', f.permitCode);
  if (f.channel) q = q.where('channel', '=', f.channel as Application['channel']);
  if (f.q) {
    const pattern = `%${escapeLike(f.q.toLowerCase())}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['number']), 'like', pattern), eb(eb.fn('lower', ['applicant_name']), 'like', pattern)]));
  }
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** First filing: the number and tracking code the receipt shows, inside the submitting transaction. */
export async function setFilingNumber(trx: Kysely<Database>, id: string, v: { number: string; trackingCode: string; submittedAt: string }): Promise<void> {
  await trx.updateTable('applications').set({ number: v.number, tracking_code: v.trackingCode, submitted_at: v.submittedAt }).where('id', '=', id).execute();
}
