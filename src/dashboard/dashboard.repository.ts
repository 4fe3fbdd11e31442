import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { ApplicationsTable } from '../db/schema.js';
import { localDaySql } from '../sla/outcomes.repository.js';

type Channel = ApplicationsTable['channel'];

/**
 * The head's dashboard's SQL (issue 13): counts grouped in the database by the office-local day, the
 * permit type and the channel, so the service adds up a few hundred rows, never the office's files.
 * The office-local day of an instant is read with the office's fixed UTC offset (Indonesia's three zones
 * keep one offset all year): SQLite and PostgreSQL share no way to read a date in a named time zone.
 */
export type DashboardScope = {
  tenantId: string;
  /** The period's UTC bounds [fromIso, toIso), the office-local first day's midnight to the day after the last. */
  fromIso: string;
  toIso: string;
  /** The office's UTC offset in minutes (Asia/Jakarta: 420). */
  offsetMinutes: number;
  permitCode?: string | undefined;
  channel?: Channel | undefined;
};

const localDay = localDaySql;

const count = (): RawBuilder<number> => sql<number>`count(*)`;

/**
 * `channel = 'online'` written as a literal, not a parameter: SQLite uses migration 0040's partial index of
 * online starts only if the statement holds its very term (PostgreSQL then proves it too).
 */
const ONLINE = sql.lit<Channel>('online');

/** Files filed (submitted_at) in the period: how many per office-local day, permit type and channel. */
export async function countFiled(db: Db, s: DashboardScope): Promise<{ day: string; permit_code: string; channel: Channel; n: number }[]> {
  const day = localDay(db, 'submitted_at', s.offsetMinutes);
  let q = db
    .selectFrom('applications')
    .select([day.as('day'), 'permit_code', 'channel', count().as('n')])
    .where('tenant_id', '=', s.tenantId)
    .where('submitted_at', '>=', s.fromIso)
    .where('submitted_at', '<', s.toIso);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  if (s.channel) q = q.where('channel', '=', s.channel);
  const rows = await q.groupBy([day, 'permit_code', 'channel']).execute();
  return rows.map((r) => ({ day: String(r.day), permit_code: r.permit_code, channel: r.channel, n: Number(r.n) }));
}

/** Files closed (decided_at, a final state) in the period after being filed: how many per office-local day and permit type. */
export async function countClosed(db: Db, s: DashboardScope): Promise<{ day: string; permit_code: string; n: number }[]> {
  const day = localDay(db, 'decided_at', s.offsetMinutes);
  let q = db
    .selectFrom('applications')
    .select([day.as('day'), 'permit_code', count().as('n')])
    .where('tenant_id', '=', s.tenantId)
    .where('decided_at', '>=', s.fromIso)
    .where('decided_at', '<', s.toIso)
    .where('submitted_at', 'is not', null);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  if (s.channel) q = q.where('channel', '=', s.channel);
  const rows = await q.groupBy([day, 'permit_code']).execute();
  return rows.map((r) => ({ day: String(r.day), permit_code: r.permit_code, n: Number(r.n) }));
}

/** Online drafts started (created_at) in the period, per permit type: how many, and how many of them were submitted since. */
export async function countStartedOnline(db: Db, s: DashboardScope): Promise<{ permit_code: string; started: number; submitted: number }[]> {
  let q = db
    .selectFrom('applications')
    .select(['permit_code', count().as('started'), sql<number>`count(submitted_at)`.as('submitted')])
    .where('tenant_id', '=', s.tenantId)
    .where('channel', '=', ONLINE)
    .where('created_at', '>=', s.fromIso)
    .where('created_at', '<', s.toIso);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  const rows = await q.groupBy('permit_code').execute();
  return rows.map((r) => ({ permit_code: r.permit_code, started: Number(r.started), submitted: Number(r.submitted) }));
}

/**
 * The online drafts started in the period and never submitted nor closed (given up, or still being
 * filled in): their answers (JSON; only which fields hold an answer is read) and permit type version.
 * One row per such draft: bounded by the period's abandoned drafts, not the office's files.
 */
export async function listUnsubmittedOnlineDrafts(
  db: Db,
  s: DashboardScope,
): Promise<{ id: string; permit_code: string; permit_type_version_id: string; answers: string }[]> {
  let q = db
    .selectFrom('applications')
    .select(['id', 'permit_code', 'permit_type_version_id', 'answers'])
    .where('tenant_id', '=', s.tenantId)
    .where('channel', '=', ONLINE)
    .where('created_at', '>=', s.fromIso)
    .where('created_at', '<', s.toIso)
    .where('submitted_at', 'is', null)
    .where('decided_at', 'is', null);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  return q.orderBy('id').execute();
}

/** The requirement codes with a current document, for the same drafts as listUnsubmittedOnlineDrafts. */
export async function listUnsubmittedDraftDocuments(db: Db, s: DashboardScope): Promise<{ application_id: string; requirement_code: string }[]> {
  let q = db
    .selectFrom('documents as d')
    .innerJoin('applications as a', (j) => j.onRef('a.id', '=', 'd.application_id').onRef('a.tenant_id', '=', 'd.tenant_id'))
    .select(['d.application_id as application_id', 'd.requirement_code as requirement_code'])
    .distinct()
    .where('a.tenant_id', '=', s.tenantId)
    .where('a.channel', '=', ONLINE)
    .where('a.created_at', '>=', s.fromIso)
    .where('a.created_at', '<', s.toIso)
    .where('a.submitted_at', 'is', null)
    .where('a.decided_at', 'is', null)
    .where('d.superseded_at', 'is', null);
  if (s.permitCode) q = q.where('a.permit_code', '=', s.permitCode);
  return q.execute();
}

export type OpenScope = { tenantId: string; permitCode?: string | undefined; channel?: Channel | undefined };

/** Open files now (filed, not closed), per permit type version and state. */
export async function countOpenByState(db: Db, s: OpenScope): Promise<{ permit_code: string; permit_type_version_id: string; state: string; n: number }[]> {
  let q = db
    .selectFrom('applications')
    .select(['permit_code', 'permit_type_version_id', 'state', count().as('n')])
    .where('tenant_id', '=', s.tenantId)
    .where('submitted_at', 'is not', null)
    .where('decided_at', 'is', null);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  if (s.channel) q = q.where('channel', '=', s.channel);
  const rows = await q.groupBy(['permit_code', 'permit_type_version_id', 'state']).execute();
  return rows.map((r) => ({ permit_code: r.permit_code, permit_type_version_id: r.permit_type_version_id, state: r.state, n: Number(r.n) }));
}

/**
 * Open files overdue now, per permit type: the stored last allowed working day (sla_due_on, decision
 * 28) before today's office date, as the work queue and the overdue scan read it.
 */
export async function countOverdue(db: Db, s: OpenScope & { today: string }): Promise<{ permit_code: string; n: number }[]> {
  let q = db
    .selectFrom('applications')
    .select(['permit_code', count().as('n')])
    .where('tenant_id', '=', s.tenantId)
    .where('decided_at', 'is', null)
    .where('sla_due_on', 'is not', null)
    .where('sla_due_on', '<', s.today);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  if (s.channel) q = q.where('channel', '=', s.channel);
  const rows = await q.groupBy('permit_code').execute();
  return rows.map((r) => ({ permit_code: r.permit_code, n: Number(r.n) }));
}
