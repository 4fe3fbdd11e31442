import type { Kysely } from 'kysely';
import type { Database, NewUser, User } from '../db/schema.js';

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function findUserById(db: Kysely<Database>, tenantId: string, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Finds a user by email or by normalised phone number. */
export async function findUserByLogin(db: Kysely<Database>, tenantId: string, login: { email?: string; phone?: string }): Promise<User | undefined> {
  let q = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
  if (login.email) q = q.where('email', '=', login.email);
  else if (login.phone) q = q.where('phone', '=', login.phone);
  else return undefined;
  return q.executeTakeFirst();
}

export async function findConflictingUser(
  db: Kysely<Database>,
  tenantId: string,
  keys: { email: string | null; phone: string | null; nikIndex: string | null },
): Promise<'email' | 'phone' | 'nik' | null> {
  const rows = await db
    .selectFrom('users')
    .select(['email', 'phone', 'nik_index'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        ...(keys.email ? [eb('email', '=', keys.email)] : []),
        ...(keys.phone ? [eb('phone', '=', keys.phone)] : []),
        ...(keys.nikIndex ? [eb('nik_index', '=', keys.nikIndex)] : []),
      ]),
    )
    .execute();
  for (const r of rows) {
    if (keys.email && r.email === keys.email) return 'email';
    if (keys.phone && r.phone === keys.phone) return 'phone';
    if (keys.nikIndex && r.nik_index === keys.nikIndex) return 'nik';
  }
  return null;
}
