import { sql } from 'kysely';
import type { Db } from './database.js';
import { dialectOf } from './dialect.js';

/** True when the database answers a trivial query (the readiness probe). */
export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** Gives an emptied SQLite file its space back (after `npm run seed` drops every table); nothing on PostgreSQL. */
export async function compactSqlite(db: Db): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql`vacuum`.execute(db);
}

/**
 * SQLite's durability for bulk work that can be redone from scratch (the demo seeder): `off` skips
 * the fsync after each commit, `full` (what createDatabase sets) restores it. Nothing on PostgreSQL.
 */
export async function setSqliteSynchronous(db: Db, mode: 'off' | 'full'): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  if (mode === 'off') await sql`pragma synchronous = off`.execute(db);
  else await sql`pragma synchronous = full`.execute(db);
}
