import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export async function insertSession(
  db: Kysely<Database>,
  s: { id: string; tenantId: string; userId: string; kind: 'cookie' | 'bearer'; now: string; expiresAt: string; mfaPending?: boolean },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      tenant_id: s.tenantId,
      user_id: s.userId,
      kind: s.kind,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
      revoked_at: null,
      mfa_pending: s.mfaPending ? 1 : 0,
    })
    .execute();
}

export async function findLiveSession(db: Kysely<Database>, id: string, now: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.tenant_id',
      'sessions.user_id',
      'sessions.kind',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.mfa_pending',
      'users.role',
      'users.name',
      'users.disabled_at',
    ])
    .where('sessions.id', '=', id)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function touchSession(db: Kysely<Database>, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function revokeSession(db: Kysely<Database>, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Ends one session of the account (signing out on this device); another account's session id changes nothing. */
export async function revokeUserSession(db: Kysely<Database>, q: { userId: string; id: string; now: string }): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: q.now }).where('id', '=', q.id).where('user_id', '=', q.userId).where('revoked_at', 'is', null).execute();
}

export async function revokeAllSessions(db: Kysely<Database>, userId: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

/** Ends every live session of the account but `keepId` (the one making a change); returns how many ended. */
export async function revokeOtherSessions(db: Kysely<Database>, q: { userId: string; keepId: string | null; now: string }): Promise<number> {
  let query = db.updateTable('sessions').set({ revoked_at: q.now }).where('user_id', '=', q.userId).where('revoked_at', 'is', null);
  if (q.keepId) query = query.where('id', '!=', q.keepId);
  const res = await query.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Counts a sign-in attempt before its password is checked: the row says "failed" until the sign-in
 * succeeds, so parallel attempts for one account see each other and at most the allowed number reach
 * the password check. Returns the row's id.
 */
export async function beginLoginAttempt(db: Kysely<Database>, a: { tenantId: string; subject: string; clientIp: string; now: string }): Promise<number> {
  const row = await db
    .insertInto('login_attempts')
    .values({ tenant_id: a.tenantId, subject: a.subject, client_ip: a.clientIp, succeeded: 0, attempted_at: a.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Failed (or still unchecked) attempts since `since` up to and including attempt `upTo`: per account
 * identifier, per address, and per account from this address; and whether this address signed in to
 * this account successfully since `knownSince` (the owner's own address, spared the account's ceiling).
 */
export async function countFailuresUpTo(
  db: Kysely<Database>,
  q: { tenantId: string; subject: string; clientIp: string; since: string; upTo: number; knownSince?: string },
) {
  const base = db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('succeeded', '=', 0)
    .where('attempted_at', '>', q.since)
    .where('id', '<=', q.upTo);
  const [bySubject, byIp, byPair, known] = await Promise.all([
    base.where('tenant_id', '=', q.tenantId).where('subject', '=', q.subject).executeTakeFirstOrThrow(),
    base.where('client_ip', '=', q.clientIp).executeTakeFirstOrThrow(),
    base.where('tenant_id', '=', q.tenantId).where('subject', '=', q.subject).where('client_ip', '=', q.clientIp).executeTakeFirstOrThrow(),
    q.knownSince
      ? db
          .selectFrom('login_attempts')
          .select('id')
          .where('tenant_id', '=', q.tenantId)
          .where('subject', '=', q.subject)
          .where('client_ip', '=', q.clientIp)
          .where('succeeded', '=', 1)
          .where('attempted_at', '>', q.knownSince)
          .limit(1)
          .executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  return { bySubject: Number(bySubject.n), byIp: Number(byIp.n), byPair: Number(byPair.n), knownAddress: known !== undefined };
}

/** A throttled attempt is refused without counting against the account (the window is not stretched by it). */
export async function forgetLoginAttempt(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('login_attempts').where('id', '=', id).execute();
}

/** The attempt succeeded: it no longer counts as a failure. */
export async function markLoginSucceeded(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable('login_attempts').set({ succeeded: 1 }).where('id', '=', id).execute();
}
