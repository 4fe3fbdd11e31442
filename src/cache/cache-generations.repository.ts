import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Moves a cache's generation on by one (its row is made at the first change). Call it inside the
 * transaction of the change itself: the new generation becomes visible exactly when the change does,
 * never before (another instance would refill its cache from the old rows) nor never (a crash between
 * commit and a separate bump).
 */
export async function bumpGeneration(db: Kysely<Database>, scope: string, now: string): Promise<void> {
  await db
    .insertInto('cache_generations')
    .values({ scope, generation: 1, changed_at: now })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ generation: sql<number>`cache_generations.generation + 1`, changed_at: now }))
    .execute();
}

/** Every cache's generation: one small read an instance makes about once a second. */
export async function listGenerations(db: Kysely<Database>): Promise<{ scope: string; generation: number }[]> {
  const rows = await db.selectFrom('cache_generations').select(['scope', 'generation']).execute();
  return rows.map((r) => ({ scope: r.scope, generation: Number(r.generation) }));
}
