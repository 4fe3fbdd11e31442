import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

const STAFF_COLUMNS = ['id', 'name', 'email', 'role', 'position', 'totp_enabled_at', 'disabled_at', 'created_at'] as const;

/** Every staff account of one office (everyone but applicants), by name. */
export async function listStaffAccounts(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('users')
    .select(STAFF_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('role', '!=', 'applicant')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** One staff account of one office; undefined for an applicant or another office's account. */
export async function findStaffAccount(db: Kysely<Database>, tenantId: string, id: string) {
  return db
    .selectFrom('users')
    .select(STAFF_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('role', '!=', 'applicant')
    .executeTakeFirst();
}

export async function updateRole(db: Kysely<Database>, q: { tenantId: string; id: string; role: string; now: string }): Promise<void> {
  await db.updateTable('users').set({ role: q.role, updated_at: q.now }).where('tenant_id', '=', q.tenantId).where('id', '=', q.id).execute();
}

export async function updatePosition(db: Kysely<Database>, q: { tenantId: string; id: string; position: string | null; now: string }): Promise<void> {
  await db.updateTable('users').set({ position: q.position, updated_at: q.now }).where('tenant_id', '=', q.tenantId).where('id', '=', q.id).execute();
}
