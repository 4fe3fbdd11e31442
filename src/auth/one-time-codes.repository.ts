import type { Kysely } from 'kysely';
import type { Database, OneTimeCodesTable } from '../db/schema.js';

type Purpose = OneTimeCodesTable['purpose'];

/** Uses up every unused code of a user for a purpose (a fresh one replaces them). */
export async function retireCodes(db: Kysely<Database>, q: { userId: string; purpose: Purpose; now: string }): Promise<void> {
  await db
    .updateTable('one_time_codes')
    .set({ used_at: q.now })
    .where('user_id', '=', q.userId)
    .where('purpose', '=', q.purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function insertCode(db: Kysely<Database>, row: OneTimeCodesTable): Promise<void> {
  await db.insertInto('one_time_codes').values(row).execute();
}

/** The newest code of a user for a purpose that is neither used nor expired. */
export async function findLiveCode(db: Kysely<Database>, q: { userId: string; purpose: Purpose; now: string }): Promise<OneTimeCodesTable | undefined> {
  return db
    .selectFrom('one_time_codes')
    .selectAll()
    .where('user_id', '=', q.userId)
    .where('purpose', '=', q.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', q.now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/**
 * Takes one of a code's tries, atomically: false when none is left (or it was used or expired). Run
 * on its own, outside the transaction that acts on a right code, so a wrong try stays counted when
 * that transaction is refused and rolled back.
 */
export async function takeAttempt(db: Kysely<Database>, q: { id: string; maxAttempts: number; now: string }): Promise<boolean> {
  const res = await db
    .updateTable('one_time_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', q.id)
    .where('attempts', '<', q.maxAttempts)
    .where('used_at', 'is', null)
    .where('expires_at', '>', q.now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks a code used; false when someone else used it first. */
export async function useCode(db: Kysely<Database>, q: { id: string; now: string }): Promise<boolean> {
  const res = await db.updateTable('one_time_codes').set({ used_at: q.now }).where('id', '=', q.id).where('used_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
