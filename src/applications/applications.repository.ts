import { storedAnswersOf, type StoredAnswers } from '../catalogue/answers.js';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Application, ApplicationUpdate, Database } from '../db/schema.js';

export async function insertApplication(trx: Kysely<Database>, row: Application): Promise<void> {
  await trx.insertInto('applications').values(row).execute();
}

export async function findApplication(db: Kysely<Database>, tenantId: string, id: string): Promise<Application | undefined> {
  return db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The stored answers (NIK answers sealed) of the file a permit was issued on: a renewal keeps its NIK. */
export async function findAnswersOfPermitFile(db: Kysely<Database>, tenantId: string, permitId: string): Promise<StoredAnswers | undefined> {
  const row = await db
    .selectFrom('permits')
    .innerJoin('applications', 'applications.id', 'permits.application_id')
    .select(['applications.id', 'applications.answers'])
    .where('permits.tenant_id', '=', tenantId)
    .where('permits.id', '=', permitId)
    .executeTakeFirst();
  return row ? storedAnswersOf(row) : undefined;
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

/** An office's applications narrowed by the list filters (the applicant's own, state, type, channel, number or name). */
function filteredApplications(db: Kysely<Database>, tenantId: string, f: ApplicationFilters) {
  let q = db.selectFrom('applications').where('tenant_id', '=', tenantId);
  // An applicant's own list leaves out the drafts they deleted: closed without ever being filed (no number).
  if (f.applicantId) q = q.where('applicant_id', '=', f.applicantId).where((eb) => eb.or([eb('number', 'is not', null), eb('decided_at', 'is', null)]));
  if (f.state) q = q.where('state', '=', f.state);
  if (f.permitCode) q = q.where('permit_code', '=', f.permitCode);
  if (f.channel) q = q.where('channel', '=', f.channel as Application['channel']);
  if (f.q) q = q.where(matchesNumberOrName(f.q));
  return q;
}

export async function searchApplications(db: Kysely<Database>, tenantId: string, f: ApplicationFilters) {
  const q = filteredApplications(db, tenantId, f);
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

/**
 * A recomputed due date, only if the file did not change since it was read (a transition meanwhile
 * set its own). A derived column: the revision is checked, not bumped, so nobody's edit is refused.
 */
export async function setSlaDueOnAtRevision(trx: Kysely<Database>, id: string, revision: number, dueOn: string | null): Promise<boolean> {
  const res = await trx.updateTable('applications').set({ sla_due_on: dueOn }).where('id', '=', id).where('revision', '=', revision).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The open, filed files of an office (their SLA clock may run): what a due-date recomputation reads. */
export async function listOpenFiled(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('applications')
    .select(['id', 'permit_type_version_id', 'revision', 'sla_due_on'])
    .where('tenant_id', '=', tenantId)
    .where('number', 'is not', null)
    .where('decided_at', 'is', null)
    .execute();
}

export type TimelineRow = Pick<Database['application_events'], 'application_id' | 'from_state' | 'to_state' | 'created_at'>;

/** The timelines of every open, filed file of an office, in one statement, grouped by application. */
export async function openFiledTimelines(db: Kysely<Database>, tenantId: string): Promise<Map<string, TimelineRow[]>> {
  const rows = await db
    .selectFrom('application_events as e')
    .innerJoin('applications as a', 'a.id', 'e.application_id')
    .select(['e.application_id', 'e.from_state', 'e.to_state', 'e.created_at'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.number', 'is not', null)
    .where('a.decided_at', 'is', null)
    .orderBy('e.application_id')
    .orderBy('e.position')
    .execute();
  return groupTimelines(rows);
}

/** The timelines of some applications of an office (a page's worth), in one statement. */
export async function timelinesOf(db: Kysely<Database>, tenantId: string, applicationIds: readonly string[]): Promise<Map<string, TimelineRow[]>> {
  if (applicationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('application_events')
    .select(['application_id', 'from_state', 'to_state', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('application_id', 'in', applicationIds)
    .orderBy('application_id')
    .orderBy('position')
    .execute();
  return groupTimelines(rows);
}

function groupTimelines(rows: TimelineRow[]): Map<string, TimelineRow[]> {
  const out = new Map<string, TimelineRow[]>();
  for (const row of rows) {
    const timeline = out.get(row.application_id);
    if (timeline) timeline.push(row);
    else out.set(row.application_id, [row]);
  }
  return out;
}

/** The ids of every permit type version of an office: each workflow version says where a role has work. */
export async function listVersionIds(db: Kysely<Database>, tenantId: string): Promise<string[]> {
  return (await db.selectFrom('permit_type_versions').select('id').where('tenant_id', '=', tenantId).orderBy('id').execute()).map((r) => r.id);
}

/** What a list shows of an application, without reading its timeline or documents. */
const SUMMARY_COLUMNS = [
  'id',
  'tenant_id',
  'number',
  'permit_code',
  'permit_type_version_id',
  'state',
  'channel',
  'applicant_name',
  'assigned_to',
  'sla_due_on',
  'decided_at',
  'submitted_at',
  'updated_at',
] as const;
export type ApplicationSummaryRow = Pick<Application, (typeof SUMMARY_COLUMNS)[number]>;

/** The stored due dates that sort a file into an SLA status on one office day (sla.ts slaBounds). */
export type DueBounds = { overdueBefore: string; dueSoonUntil: string };
export type OpenSlaStatus = 'on_track' | 'due_soon' | 'overdue' | 'paused';

export type WorkQueueFilter = {
  tenantId: string;
  /** Where the role has work: per workflow version, the states with an action for it. */
  statesByVersion: ReadonlyMap<string, readonly string[]>;
  /** The officer: the files they hold wait for them too, whatever their state. */
  holderId: string;
  /** Only the files the officer holds. */
  onlyHeld?: boolean | undefined;
  permitCode?: string | undefined;
  channel?: Application['channel'] | undefined;
  state?: string | undefined;
  sla?: OpenSlaStatus | undefined;
  bounds: DueBounds;
  /** Part of the number or of the applicant's name. */
  q?: string | undefined;
};

/**
 * The files waiting for a role, filtered, counted, sorted and paged in SQL (two statements whatever
 * the office's size): filed files in a state where the role has work in their workflow version, or
 * held by the officer. Soonest due first, files without a running clock last, then the earliest
 * filed; the id keeps the order stable between pages. The SLA status filter compares the stored due
 * date with the day's bounds exactly as sla.ts slaStatusOn does, so the filter and the tags agree.
 */
export async function listWorkQueue(
  db: Kysely<Database>,
  f: WorkQueueFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ApplicationSummaryRow[]; total: number }> {
  let q = db
    .selectFrom('applications')
    .where('tenant_id', '=', f.tenantId)
    .where('number', 'is not', null)
    .where((eb) =>
      eb.or([
        ...[...f.statesByVersion]
          .filter(([, states]) => states.length > 0)
          .map(([versionId, states]) => eb.and([eb('permit_type_version_id', '=', versionId), eb('state', 'in', [...states])])),
        // A file the officer holds stays theirs until it is decided (final states have no actions, so the
        // other half never lists a closed file either).
        eb.and([eb('assigned_to', '=', f.holderId), eb('decided_at', 'is', null)]),
      ]),
    );
  if (f.onlyHeld) q = q.where('assigned_to', '=', f.holderId);
  if (f.permitCode) q = q.where('permit_code', '=', f.permitCode);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.q) q = q.where(matchesNumberOrName(f.q));
  if (f.sla) {
    q = q.where('decided_at', 'is', null);
    const { overdueBefore, dueSoonUntil } = f.bounds;
    switch (f.sla) {
      case 'paused':
        q = q.where('sla_due_on', 'is', null);
        break;
      case 'overdue':
        q = q.where('sla_due_on', '<', overdueBefore);
        break;
      case 'due_soon':
        q = q.where('sla_due_on', '>=', overdueBefore).where('sla_due_on', '<=', dueSoonUntil);
        break;
      case 'on_track':
        q = q.where('sla_due_on', '>', dueSoonUntil);
        break;
    }
  }
  const [rows, total] = await Promise.all([
    q
      .select(SUMMARY_COLUMNS)
      .orderBy('sla_due_on', (ob) => ob.asc().nullsLast())
      .orderBy('submitted_at')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

function matchesNumberOrName(text: string) {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return (eb: ExpressionBuilder<Database, 'applications'>) =>
    eb.or([eb(eb.fn('lower', ['number']), 'like', pattern), eb(eb.fn('lower', ['applicant_name']), 'like', pattern)]);
}

/** An office's applications as a list shows them (one statement for the page, one for the count). */
export async function searchApplicationSummaries(db: Kysely<Database>, tenantId: string, f: ApplicationFilters) {
  const q = filteredApplications(db, tenantId, f);
  const [rows, total] = await Promise.all([
    q.select(SUMMARY_COLUMNS).orderBy('updated_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/**
 * Open, filed files whose running clock is past its due date (stored due date before the day's
 * `overdueBefore`) and whose head has not been told during this stay in the state: the overdue scan.
 */
export async function listNewlyOverdue(db: Kysely<Database>, tenantId: string, overdueBefore: string) {
  return db
    .selectFrom('applications as a')
    .select(['a.id', 'a.permit_type_version_id', 'a.state_entered_at'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.number', 'is not', null)
    .where('a.decided_at', 'is', null)
    .where('a.sla_due_on', '<', overdueBefore)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('sla_alerts as s')
            .select('s.application_id')
            .whereRef('s.application_id', '=', 'a.id')
            .whereRef('s.state_entered_at', '=', 'a.state_entered_at'),
        ),
      ),
    )
    .orderBy('a.sla_due_on')
    .orderBy('a.id')
    .execute();
}

/** Records that the head was told about this stay of the file; false when another instance already did. */
export async function recordSlaAlert(
  trx: Kysely<Database>,
  a: { applicationId: string; stateEnteredAt: string; tenantId: string; now: string },
): Promise<boolean> {
  const res = await trx
    .insertInto('sla_alerts')
    .values({ application_id: a.applicationId, state_entered_at: a.stateEnteredAt, tenant_id: a.tenantId, created_at: a.now })
    .onConflict((oc) => oc.columns(['application_id', 'state_entered_at']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}
