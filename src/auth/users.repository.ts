import type { ExpressionBuilder, Kysely } from 'kysely';
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

/** The account holding a NIK (by its blind index), if any. */
export async function findUserByNikIndex(db: Kysely<Database>, tenantId: string, nikIndex: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('nik_index', '=', nikIndex).executeTakeFirst();
}

/** Makes an account the holder of its NIK (the blind index), or releases it (null: the NIK stays only as a claim). */
export async function setNikIndex(db: Kysely<Database>, q: { tenantId: string; userId: string; nikIndex: string | null; now: string }): Promise<void> {
  await db.updateTable('users').set({ nik_index: q.nikIndex, updated_at: q.now }).where('tenant_id', '=', q.tenantId).where('id', '=', q.userId).execute();
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

/** Only a step later than the last one used may be taken: of two requests racing with one code, one wins. */
const stepUnused = (step: number) => (eb: ExpressionBuilder<Database, 'users'>) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]);

/**
 * Remembers the last authenticator time step used, so each code works once. False when another
 * request used this step (or a later one) first: the caller refuses the code.
 */
export async function setTotpLastStep(db: Kysely<Database>, q: { tenantId: string; userId: string; step: number }): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ totp_last_step: q.step })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .where(stepUnused(q.step))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Keeps a new authenticator secret (encrypted), not yet trusted until a first code confirms it. */
export async function setTotpSecret(db: Kysely<Database>, q: { tenantId: string; userId: string; secretEncrypted: string; now: string }): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret_encrypted: q.secretEncrypted, updated_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .execute();
}

/** A code was accepted: its step is used up, and the authenticator is trusted from `enabledAt` on. */
export async function confirmTotp(
  db: Kysely<Database>,
  q: { tenantId: string; userId: string; step: number; enabledAt: string; now: string },
): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ totp_last_step: q.step, totp_enabled_at: q.enabledAt, updated_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .where(stepUnused(q.step))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Forgets the authenticator (lost phone): the next sign-in sets up a new one. */
export async function clearTotp(db: Kysely<Database>, q: { tenantId: string; userId: string; now: string }): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret_encrypted: null, totp_enabled_at: null, totp_last_step: null, updated_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .execute();
}

export async function markUserDisabled(db: Kysely<Database>, q: { tenantId: string; userId: string; now: string }): Promise<void> {
  await db.updateTable('users').set({ disabled_at: q.now, updated_at: q.now }).where('tenant_id', '=', q.tenantId).where('id', '=', q.userId).execute();
}

/** Which of an account's addresses a verification code proves. */
export type ContactAddress = 'email' | 'phone';

/**
 * Marks one address verified, only while the account still has exactly that email or number (the
 * code was sent to `value`): false when it changed since, and nothing is marked.
 */
export async function markAddressVerified(
  db: Kysely<Database>,
  q: { tenantId: string; userId: string; address: ContactAddress; value: string; now: string },
): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set(q.address === 'email' ? { email_verified_at: q.now, updated_at: q.now } : { phone_verified_at: q.now, updated_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .where(q.address, '=', q.value)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Claims the once-a-day message to a NIK's holder about a registration with their NIK: true, and the
 * time noted, unless one went out since `since`. One conditional update, so parallel registrations
 * from any number of addresses queue one message.
 */
export async function claimRegistrationAttemptNotice(
  db: Kysely<Database>,
  q: { tenantId: string; userId: string; now: string; since: string },
): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ nik_attempt_notified_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .where((eb) => eb.or([eb('nik_attempt_notified_at', 'is', null), eb('nik_attempt_notified_at', '<=', q.since)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function setPasswordHash(db: Kysely<Database>, q: { tenantId: string; userId: string; passwordHash: string; now: string }): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: q.passwordHash, updated_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .execute();
}

/** Saves name and contact; a changed email or number is unverified again (the other keeps its proof). */
export async function updateUserProfile(
  db: Kysely<Database>,
  q: { tenantId: string; userId: string; name: string; email: string | null; phone: string | null; emailChanged: boolean; phoneChanged: boolean; now: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      name: q.name,
      email: q.email,
      phone: q.phone,
      updated_at: q.now,
      ...(q.emailChanged ? { email_verified_at: null } : {}),
      ...(q.phoneChanged ? { phone_verified_at: null } : {}),
    })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .execute();
}

/**
 * Claims the account's one code a minute: true, and the time noted, unless a code was asked for
 * since `since`. One conditional update, so parallel requests from many addresses get one code.
 */
export async function claimCodeRequest(db: Kysely<Database>, q: { tenantId: string; userId: string; now: string; since: string }): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ code_requested_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .where((eb) => eb.or([eb('code_requested_at', 'is', null), eb('code_requested_at', '<=', q.since)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
