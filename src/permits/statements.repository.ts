import type { Kysely } from 'kysely';
import type { Database, PermitStatusStatement } from '../db/schema.js';

/** Signed status statements (migration 0037, append-only): every query of them lives here. */

export async function insertStatement(trx: Kysely<Database>, row: PermitStatusStatement): Promise<void> {
  await trx.insertInto('permit_status_statements').values(row).execute();
}

/** A permit's statements, oldest first (there is at most one: a permit leaves "valid" once). */
export async function listStatementsOfPermit(db: Kysely<Database>, tenantId: string, permitId: string): Promise<PermitStatusStatement[]> {
  return db
    .selectFrom('permit_status_statements')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('permit_id', '=', permitId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** Every statement of an office with the permit's number, for the revocation list. */
export async function listStatementsOfOffice(db: Kysely<Database>, tenantId: string): Promise<(PermitStatusStatement & { number: string })[]> {
  return db
    .selectFrom('permit_status_statements')
    .innerJoin('permits', 'permits.id', 'permit_status_statements.permit_id')
    .selectAll('permit_status_statements')
    .select('permits.number')
    .where('permit_status_statements.tenant_id', '=', tenantId)
    .orderBy('permit_status_statements.at')
    .orderBy('permit_status_statements.id')
    .execute();
}

/** How many statements the office has and its newest one's id: the revocation list changes when this does. */
export async function statementsFingerprint(db: Kysely<Database>, tenantId: string): Promise<string> {
  const row = await db
    .selectFrom('permit_status_statements')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('id').as('last')])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return `${Number(row?.n ?? 0)}:${String(row?.last ?? '')}`;
}

/** The audit events that record a permit leaving "valid" (revoked, corrected, renewed), by id. */
export async function listStatusAuditEvents(
  db: Kysely<Database>,
  tenantId: string,
  permitId: string,
  actions: readonly string[],
): Promise<{ id: string; action: string }[]> {
  return db
    .selectFrom('audit_events')
    .select(['id', 'action'])
    .where('tenant_id', '=', tenantId)
    .where('subject_type', '=', 'permit')
    .where('subject_id', '=', permitId)
    .where('action', 'in', [...actions])
    .execute();
}

/** Permits of an office that left "valid" but have no statement (revoked or replaced before migration 0037). */
export async function listPermitsWithoutStatement(db: Kysely<Database>): Promise<
  {
    id: string;
    tenant_id: string;
    number: string;
    status: string;
    revoked_at: string | null;
    revocation_reason: string | null;
    superseded_at: string | null;
    superseded_by_id: string | null;
  }[]
> {
  return db
    .selectFrom('permits')
    .leftJoin('permit_status_statements', 'permit_status_statements.permit_id', 'permits.id')
    .select([
      'permits.id',
      'permits.tenant_id',
      'permits.number',
      'permits.status',
      'permits.revoked_at',
      'permits.revocation_reason',
      'permits.superseded_at',
      'permits.superseded_by_id',
    ])
    .where('permits.status', '!=', 'valid')
    .where('permit_status_statements.id', 'is', null)
    .execute();
}

/** The newest audit event about a subject with one of these actions (the backfill links to it). */
export async function findAuditEvent(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
  actions: readonly string[],
): Promise<{ id: string; action: string; data: string } | undefined> {
  return db
    .selectFrom('audit_events')
    .select(['id', 'action', 'data'])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .where('action', 'in', [...actions])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}
