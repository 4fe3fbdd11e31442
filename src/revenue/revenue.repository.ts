import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { RevenueTargetsTable } from '../db/schema.js';

export type RevenueTargetRow = Selectable<RevenueTargetsTable>;

/** One recorded payment as revenue: the file's permit type, when it was paid (ISO), whole rupiah. */
export type RevenuePaymentRow = { permit_code: string | null; paid_at: string; amount: number };

/**
 * The office's recorded payments (state exactly 'recorded': held ones are not revenue, resolved ones
 * only once they become recorded) with `paid_at` in [fromIso, toIso), with the permit type of the file.
 * Served by the index payments_tenant_paid (tenant_id, paid_at). The caller passes a UTC range widened
 * by a day and buckets by month in the office's time zone (revenue.service.ts): SQLite and PostgreSQL
 * have no common way to read a month in a named time zone.
 */
export async function listRecordedPayments(db: Db, tenantId: string, fromIso: string, toIso: string): Promise<RevenuePaymentRow[]> {
  const rows = await db
    .selectFrom('payments as p')
    .leftJoin('applications as a', (j) => j.onRef('a.id', '=', 'p.application_id').onRef('a.tenant_id', '=', 'p.tenant_id'))
    .select(['a.permit_code as permit_code', 'p.paid_at as paid_at', 'p.amount as amount'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.state', '=', 'recorded')
    .where('p.paid_at', '>=', fromIso)
    .where('p.paid_at', '<', toIso)
    .execute();
  return rows.map((r) => ({ permit_code: r.permit_code ?? null, paid_at: r.paid_at, amount: Number(r.amount) }));
}

/** Every version of one year's target, newest first, with the admin's name. */
export async function listTargetVersions(db: Db, tenantId: string, year: number): Promise<(RevenueTargetRow & { created_by_name: string | null })[]> {
  const rows = await db
    .selectFrom('revenue_targets as t')
    .leftJoin('users as u', 'u.id', 't.created_by')
    .selectAll('t')
    .select('u.name as created_by_name')
    .where('t.tenant_id', '=', tenantId)
    .where('t.year', '=', year)
    .orderBy('t.version', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, year: Number(r.year), version: Number(r.version), amount: Number(r.amount) }));
}

/** The highest version for (office, year), or undefined. */
export async function findLatestTarget(db: Db, tenantId: string, year: number): Promise<RevenueTargetRow | undefined> {
  const row = await db
    .selectFrom('revenue_targets')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('year', '=', year)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...row, year: Number(row.year), version: Number(row.version), amount: Number(row.amount) } : undefined;
}

export async function insertTarget(db: Db, row: RevenueTargetRow): Promise<void> {
  await db.insertInto('revenue_targets').values(row).execute();
}
