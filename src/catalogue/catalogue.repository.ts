import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export function permitTypeWithCurrentVersion(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('permit_types')
    .innerJoin('permit_type_versions', (j) =>
      j.onRef('permit_type_versions.permit_type_id', '=', 'permit_types.id').onRef('permit_type_versions.version', '=', 'permit_types.current_version'),
    )
    .select([
      'permit_types.id as permitTypeId',
      'permit_types.code',
      'permit_types.enabled',
      'permit_type_versions.id as versionId',
      'permit_type_versions.version',
      'permit_type_versions.definition',
      'permit_type_versions.workflow',
    ])
    .where('permit_types.tenant_id', '=', tenantId);
}

export async function findVersionById(db: Kysely<Database>, versionId: string) {
  return db.selectFrom('permit_type_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
}
