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

export async function revokeAllSessions(db: Kysely<Database>, userId: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export async function recordLoginAttempt(
  db: Kysely<Database>,
  a: { tenantId: string; subject: string; clientIp: string; succeeded: boolean; now: string },
): Promise<void> {
  await db
    .insertInto('login_attempts')
    .values({ tenant_id: a.tenantId, subject: a.subject, client_ip: a.clientIp, succeeded: a.succeeded ? 1 : 0, attempted_at: a.now })
    .execute();
}

/** Failed attempts since `since`, for one account identifier and for one client address. */
export async function countRecentFailures(db: Kysely<Database>, q: { tenantId: string; subject: string; clientIp: string; since: string }) {
  const [bySubject, byIp] = await Promise.all([
    db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', q.tenantId)
      .where('subject', '=', q.subject)
      .where('succeeded', '=', 0)
      .where('attempted_at', '>', q.since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_ip', '=', q.clientIp)
      .where('succeeded', '=', 0)
      .where('attempted_at', '>', q.since)
      .executeTakeFirstOrThrow(),
  ]);
  return { bySubject: Number(bySubject.n), byIp: Number(byIp.n) };
}
