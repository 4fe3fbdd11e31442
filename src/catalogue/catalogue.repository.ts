import type { Insertable, Kysely } from 'kysely';
import type { Database, PermitTypesTable, PermitTypeVersionsTable } from '../db/schema.js';

/** Permit types and their published versions: every query of the catalogue feature lives here. */

/** A permit type with its current version's stored definition and workflow (JSON text, parsed by the service). */
export type PermitTypeRow = {
  permitTypeId: string;
  code: string;
  enabled: number;
  versionId: string;
  version: number;
  definition: string;
  workflow: string;
  /** Who published the current version: null for the seed files (installed at start or by office:create), else an admin. */
  publishedBy: string | null;
};

/** The office's permit types joined to their current versions. */
function currentVersions(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('permit_types')
    .innerJoin('permit_type_versions', (j) =>
      j.onRef('permit_type_versions.permit_type_id', '=', 'permit_types.id').onRef('permit_type_versions.version', '=', 'permit_types.current_version'),
    )
    .where('permit_types.tenant_id', '=', tenantId);
}

const HEAD_COLUMNS = [
  'permit_types.id as permitTypeId',
  'permit_types.code',
  'permit_types.enabled',
  'permit_type_versions.id as versionId',
  'permit_type_versions.version',
] as const;

function withCurrentVersion(db: Kysely<Database>, tenantId: string) {
  return currentVersions(db, tenantId).select([
    ...HEAD_COLUMNS,
    'permit_type_versions.definition',
    'permit_type_versions.workflow',
    'permit_type_versions.published_by as publishedBy',
  ]);
}

/** The office's permit types by code, each at its current version; disabled ones only when asked. */
export async function listPermitTypeRows(db: Kysely<Database>, tenantId: string, opts: { includeDisabled: boolean }): Promise<PermitTypeRow[]> {
  let q = withCurrentVersion(db, tenantId).orderBy('permit_types.code');
  if (!opts.includeDisabled) q = q.where('permit_types.enabled', '=', 1);
  return q.execute();
}

/** A permit type's current version by id only: the service reads the (immutable) definition once per version. */
export type PermitTypeHead = Pick<PermitTypeRow, 'permitTypeId' | 'code' | 'enabled' | 'versionId' | 'version'>;

function currentHeads(db: Kysely<Database>, tenantId: string) {
  return currentVersions(db, tenantId).select(HEAD_COLUMNS);
}

/** The office's permit types (enabled only, unless asked), by code, without their definitions. */
export async function listPermitTypeHeads(db: Kysely<Database>, tenantId: string, opts: { includeDisabled: boolean }): Promise<PermitTypeHead[]> {
  let q = currentHeads(db, tenantId).orderBy('permit_types.code');
  if (!opts.includeDisabled) q = q.where('permit_types.enabled', '=', 1);
  return q.execute();
}

export async function findPermitTypeHead(db: Kysely<Database>, tenantId: string, code: string): Promise<PermitTypeHead | undefined> {
  return currentHeads(db, tenantId).where('permit_types.code', '=', code).executeTakeFirst();
}

/** One permit type of the office at its current version, enabled or not. */
export async function findPermitTypeRow(db: Kysely<Database>, tenantId: string, code: string): Promise<PermitTypeRow | undefined> {
  return withCurrentVersion(db, tenantId).where('permit_types.code', '=', code).executeTakeFirst();
}

export async function findVersionById(db: Kysely<Database>, versionId: string) {
  return db.selectFrom('permit_type_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
}

export async function insertPermitType(trx: Kysely<Database>, row: Insertable<PermitTypesTable>): Promise<void> {
  await trx.insertInto('permit_types').values(row).execute();
}

export async function insertPermitTypeVersion(trx: Kysely<Database>, row: Insertable<PermitTypeVersionsTable>): Promise<void> {
  await trx.insertInto('permit_type_versions').values(row).execute();
}

/** Points a permit type at its newly published version. */
export async function setCurrentVersion(trx: Kysely<Database>, permitTypeId: string, version: number): Promise<void> {
  await trx.updateTable('permit_types').set({ current_version: version }).where('id', '=', permitTypeId).execute();
}

/** Opens or closes a permit type for new applications; false when the office has no such type. */
export async function setPermitTypeEnabled(trx: Kysely<Database>, q: { tenantId: string; code: string; enabled: boolean }): Promise<boolean> {
  const res = await trx
    .updateTable('permit_types')
    .set({ enabled: q.enabled ? 1 : 0 })
    .where('tenant_id', '=', q.tenantId)
    .where('code', '=', q.code)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** How many permit types the office has, enabled or not (none: the seed catalogue is due). */
export async function countPermitTypes(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('permit_types')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many applications of each permit type the office received (submitted) since the given instant, by code. */
export async function countSubmittedApplicationsByCode(db: Kysely<Database>, tenantId: string, sinceIso: string): Promise<{ code: string; n: number }[]> {
  const rows = await db
    .selectFrom('applications')
    .select((eb) => ['permit_code as code', eb.fn.countAll<number | string>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('submitted_at', 'is not', null)
    .where('submitted_at', '>=', sinceIso)
    .groupBy('permit_code')
    .execute();
  return rows.map((r) => ({ code: r.code, n: Number(r.n) }));
}
