import type { Db } from '../db/database.js';
import type { RetributionCoefficientsTable } from '../db/schema.js';
import type { Selectable } from 'kysely';

export type CoefficientRow = Selectable<RetributionCoefficientsTable>;

/** The version in force for (office, year): the highest, or undefined when the year has none. */
export async function findLatestCoefficients(db: Db, tenantId: string, year: number): Promise<CoefficientRow | undefined> {
  return db
    .selectFrom('retribution_coefficients')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('year', '=', year)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every version of every year of one office, years and versions newest first, with the author's name. */
export async function listCoefficientVersions(db: Db, tenantId: string): Promise<(CoefficientRow & { created_by_name: string | null })[]> {
  return db
    .selectFrom('retribution_coefficients as c')
    .leftJoin('users as u', 'u.id', 'c.created_by')
    .selectAll('c')
    .select('u.name as created_by_name')
    .where('c.tenant_id', '=', tenantId)
    .orderBy('c.year', 'desc')
    .orderBy('c.version', 'desc')
    .execute();
}

export async function countCoefficientVersions(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('retribution_coefficients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertCoefficientVersion(db: Db, row: CoefficientRow): Promise<void> {
  await db.insertInto('retribution_coefficients').values(row).execute();
}

/** The version a fee assessment used, for the application: the first one recorded stays. */
export async function recordApplicationCoefficients(
  db: Db,
  row: { applicationId: string; tenantId: string; coefficientsId: string; at: string },
): Promise<void> {
  await db
    .insertInto('application_fee_coefficients')
    .values({ application_id: row.applicationId, tenant_id: row.tenantId, coefficients_id: row.coefficientsId, recorded_at: row.at })
    .onConflict((oc) => oc.column('application_id').doNothing())
    .execute();
}

/** The version recorded for an application's fee assessment, if any. */
export async function findApplicationCoefficients(db: Db, tenantId: string, applicationId: string): Promise<CoefficientRow | undefined> {
  return db
    .selectFrom('application_fee_coefficients as a')
    .innerJoin('retribution_coefficients as c', 'c.id', 'a.coefficients_id')
    .selectAll('c')
    .where('a.tenant_id', '=', tenantId)
    .where('a.application_id', '=', applicationId)
    .executeTakeFirst();
}
