import type { Kysely } from 'kysely';
import type { Database, HolidaysTable } from '../db/schema.js';

/** The days an office is closed, for the working-day calendar. */
export async function listHolidayDates(db: Kysely<Database>, tenantId: string): Promise<string[]> {
  return (await db.selectFrom('holidays').select('date').where('tenant_id', '=', tenantId).execute()).map((r) => r.date);
}

/** Every holiday of an office, by date. */
export async function listHolidays(db: Kysely<Database>, tenantId: string): Promise<HolidaysTable[]> {
  return db.selectFrom('holidays').selectAll().where('tenant_id', '=', tenantId).orderBy('date').execute();
}

export async function hasHolidays(db: Kysely<Database>, tenantId: string): Promise<boolean> {
  return (await db.selectFrom('holidays').select('date').where('tenant_id', '=', tenantId).limit(1).execute()).length > 0;
}

/** Adds a day unless the office already has one on that date (seeding never overwrites an admin's correction). */
export async function insertHolidayIfAbsent(db: Kysely<Database>, row: HolidaysTable): Promise<void> {
  await db
    .insertInto('holidays')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Adds a day or corrects the one on that date (its kind, name, decree and who set it). */
export async function upsertHoliday(db: Kysely<Database>, row: HolidaysTable): Promise<void> {
  await db
    .insertInto('holidays')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'date']).doUpdateSet({ kind: row.kind, name: row.name, decree: row.decree, created_by: row.created_by }))
    .execute();
}

/** Removes a day; false when the office had none on that date. */
export async function deleteHoliday(db: Kysely<Database>, q: { tenantId: string; date: string }): Promise<boolean> {
  const res = await db.deleteFrom('holidays').where('tenant_id', '=', q.tenantId).where('date', '=', q.date).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}
