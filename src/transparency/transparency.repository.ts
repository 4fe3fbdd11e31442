import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { ApplicationsTable } from '../db/schema.js';
import { localMonthSql } from '../sla/outcomes.repository.js';
import { ELEMENT_COLUMNS } from '../survey/survey.repository.js';
import { SKM_ELEMENTS, type SkmElement } from '../survey/skm.js';

type Channel = ApplicationsTable['channel'];

/**
 * The public transparency page's SQL (issue 13, item 3): counts grouped in the database by the
 * office-local month, so the service adds up a few hundred rows whatever the office's size. The month
 * of an instant is read with the office's fixed UTC offset (localMonthSql: Indonesia's three zones keep
 * one offset all year). The SLA histogram is sla/outcomes.repository.ts countClosedOutcomes (migration
 * 0035's per-file outcome). Nothing here reads a name, a NIK or a number.
 */
export type MonthScope = {
  tenantId: string;
  /** UTC bounds [fromIso, toIso): office-local midnight of the first month's first day to that of the month after the last. */
  fromIso: string;
  toIso: string;
  /** The office's UTC offset in minutes (Asia/Jakarta: 420). */
  offsetMinutes: number;
};

const count = (): RawBuilder<number> => sql<number>`count(*)`;

/** Files filed (submitted_at) in the months: how many per office-local month, permit type and channel (index tenant_id, submitted_at). */
export async function countFiledByMonth(db: Db, s: MonthScope): Promise<{ month: string; permit_code: string; channel: Channel; n: number }[]> {
  const month = localMonthSql(db, 'submitted_at', s.offsetMinutes);
  const rows = await db
    .selectFrom('applications')
    .select([month.as('month'), 'permit_code', 'channel', count().as('n')])
    .where('tenant_id', '=', s.tenantId)
    .where('submitted_at', '>=', s.fromIso)
    .where('submitted_at', '<', s.toIso)
    .groupBy([month, 'permit_code', 'channel'])
    .execute();
  return rows.map((r) => ({ month: String(r.month), permit_code: r.permit_code, channel: r.channel, n: Number(r.n) }));
}

/** The first filing of the office (for the year selector), read from the (tenant_id, submitted_at) index. */
export async function firstFiledAt(db: Db, tenantId: string): Promise<string | null> {
  const row = await db
    .selectFrom('applications')
    .select(sql<string | null>`min(submitted_at)`.as('first'))
    .where('tenant_id', '=', tenantId)
    .where('submitted_at', 'is not', null)
    .executeTakeFirst();
  return row?.first ?? null;
}

export type MonthlySkmSums = { month: string; respondents: number; sums: Record<SkmElement, number> };

/**
 * The SKM answers of the office (every service: permits, the queue, the help desk) per month (the
 * answer's stored period, YYYY-MM in the office's zone): how many, and each element's score sum.
 */
export async function sumSkmByMonth(db: Db, input: { tenantId: string; fromPeriod: string; toPeriod: string }): Promise<MonthlySkmSums[]> {
  let q = db
    .selectFrom('survey_answers')
    .select(['period'])
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('tenant_id', '=', input.tenantId)
    .where('period', '>=', input.fromPeriod)
    .where('period', '<=', input.toPeriod);
  for (const e of SKM_ELEMENTS) {
    const col = ELEMENT_COLUMNS[e];
    q = q.select(sql<string | number>`sum(${sql.ref(col)})`.as(col));
  }
  const rows = (await q.groupBy('period').orderBy('period').execute()) as unknown as Record<string, string | number>[];
  return rows.map((r) => ({
    month: String(r.period),
    respondents: Number(r.n),
    sums: Object.fromEntries(SKM_ELEMENTS.map((e) => [e, Number(r[ELEMENT_COLUMNS[e]])])) as Record<SkmElement, number>,
  }));
}
