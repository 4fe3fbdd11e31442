import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import type { ApplicationsTable } from '../db/schema.js';

type Channel = ApplicationsTable['channel'];

/**
 * The closed files' SLA outcomes (migration 0035) grouped in SQL: the dashboard's and the transparency
 * page's SLA compliance and median working days read a histogram (working days used × within the service
 * time or not), a few hundred rows however many files closed.
 */
export type OutcomeScope = {
  tenantId: string;
  /** Closed (decided_at) in [fromIso, toIso). */
  fromIso: string;
  toIso: string;
  /** The office's UTC offset in minutes, for the office-local month (Asia/Jakarta: 420). */
  offsetMinutes: number;
  permitCode?: string | undefined;
  channel?: Channel | undefined;
};

/** The office-local date (YYYY-MM-DD) of an ISO instant column, in SQL, with the office's fixed UTC offset. */
export function localDaySql(db: Db, column: string, offsetMinutes: number): RawBuilder<string> {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 24 * 60) throw new RangeError(`bad offset ${offsetMinutes}`);
  const ref = sql.ref(column);
  if (dialectOf(db) === 'postgres') {
    return sql<string>`to_char((cast(${ref} as timestamptz) at time zone 'UTC') + make_interval(mins => ${sql.lit(offsetMinutes)}), 'YYYY-MM-DD')`;
  }
  return sql<string>`date(${ref}, ${sql.lit(`${offsetMinutes >= 0 ? '+' : ''}${offsetMinutes} minutes`)})`;
}

/** The office-local month (YYYY-MM) of an ISO instant column, in SQL. */
export function localMonthSql(db: Db, column: string, offsetMinutes: number): RawBuilder<string> {
  return sql<string>`substr(${localDaySql(db, column, offsetMinutes)}, 1, 7)`;
}

export type OutcomeRow = { month: string | null; permit_code: string; used_days: number | null; met: number | null; n: number };

/**
 * Files filed and closed in the period: how many per permit type (and office-local month of closing, when
 * `by` is 'month'), working days used and within the service time (1, 0, null: no service time).
 */
export async function countClosedOutcomes(db: Db, s: OutcomeScope, by: 'permit' | 'month'): Promise<OutcomeRow[]> {
  const month = localMonthSql(db, 'decided_at', s.offsetMinutes);
  let q = db
    .selectFrom('applications')
    .where('tenant_id', '=', s.tenantId)
    .where('decided_at', '>=', s.fromIso)
    .where('decided_at', '<', s.toIso)
    .where('submitted_at', 'is not', null);
  if (s.permitCode) q = q.where('permit_code', '=', s.permitCode);
  if (s.channel) q = q.where('channel', '=', s.channel);
  const counted = sql<number>`count(*)`;
  const rows =
    by === 'month'
      ? await q
          .select([month.as('month'), 'permit_code', 'sla_used_working_days as used_days', 'sla_met as met', counted.as('n')])
          .groupBy([month, 'permit_code', 'sla_used_working_days', 'sla_met'])
          .execute()
      : await q
          .select(['permit_code', 'sla_used_working_days as used_days', 'sla_met as met', counted.as('n')])
          .groupBy(['permit_code', 'sla_used_working_days', 'sla_met'])
          .execute();
  return rows.map((r) => ({
    month: 'month' in r ? String(r.month) : null,
    permit_code: r.permit_code,
    used_days: r.used_days === null ? null : Number(r.used_days),
    met: r.met === null ? null : Number(r.met),
    n: Number(r.n),
  }));
}

/** Up to `limit` files filed and closed whose outcome is not filled yet (closed before migration 0035). */
export async function listFilesMissingOutcome(db: Db, limit: number): Promise<{ id: string; tenant_id: string; permit_type_version_id: string }[]> {
  return db
    .selectFrom('applications')
    .select(['id', 'tenant_id', 'permit_type_version_id'])
    .where('decided_at', 'is not', null)
    .where('submitted_at', 'is not', null)
    .where('sla_used_working_days', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The timelines of some files, oldest event first per file. */
export async function listTimelinesOf(
  db: Db,
  ids: readonly string[],
): Promise<{ application_id: string; from_state: string | null; to_state: string; created_at: string }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('application_events')
    .select(['application_id', 'from_state', 'to_state', 'created_at'])
    .where('application_id', 'in', ids)
    .orderBy('application_id')
    .orderBy('position')
    .execute();
}

export async function saveOutcome(db: Db, id: string, outcome: { usedWorkingDays: number; met: number | null }): Promise<void> {
  await db.updateTable('applications').set({ sla_used_working_days: outcome.usedWorkingDays, sla_met: outcome.met }).where('id', '=', id).execute();
}

/** Every filed and closed file of an office with its stored outcome (the recount test compares them with a full recount). */
export async function listStoredOutcomes(
  db: Db,
  tenantId: string,
): Promise<{ id: string; permit_type_version_id: string; sla_used_working_days: number | null; sla_met: number | null }[]> {
  return db
    .selectFrom('applications')
    .select(['id', 'permit_type_version_id', 'sla_used_working_days', 'sla_met'])
    .where('tenant_id', '=', tenantId)
    .where('decided_at', 'is not', null)
    .where('submitted_at', 'is not', null)
    .orderBy('id')
    .execute();
}
