import type { Db } from '../db/database.js';
import type { Job } from '../jobs/jobs.js';
import { listGenerations } from './cache-generations.repository.js';

export { bumpGeneration } from './cache-generations.repository.js';

/**
 * The in-memory caches that must agree across instances: an office's holidays (due dates, slots, the
 * queue's days) and the offices themselves (host names, time zone, name). Other caches need no
 * generation: parsed catalogue versions never change once published (the lists are read from the
 * database on every request), the PDF fonts and assets are part of the build, the transparency figures
 * are public statistics allowed to be a few minutes old, and the revocation list is keyed by a
 * fingerprint of the rows it is built from.
 */
export const CACHE_SCOPES = { holidays: 'holidays', tenants: 'tenants' } as const;
export type CacheScope = (typeof CACHE_SCOPES)[keyof typeof CACHE_SCOPES];

/** How often an instance reads the generations: a change made on another instance is seen within about this long. */
export const CACHE_POLL_MS = 1000;

/**
 * What this instance knows of each cache's generation, refreshed by the `cache-generations` job (every
 * CACHE_POLL_MS, on every instance). A cache stamps each entry with `current(scope)` when it starts
 * filling it and refills an entry whose stamp is no longer current: an entry filled from rows older than
 * a change is dropped at the first poll after the change commits, even if its read was still in flight
 * when the poll came. Without the job running (a script, a test's services) the generations stay put and
 * the caches fall back on their own time limits and on the changes this instance makes itself.
 *
 * Why polling a table, not PostgreSQL LISTEN/NOTIFY: the same code on SQLite and PostgreSQL, no
 * connection held out of the pool for listening, and no missed notification after a reconnect (a poll
 * compares numbers, so a change is never lost); the price is one indexed read of a few rows a second.
 */
export function createCacheGenerations(deps: { db: Db; pollMs?: number }) {
  const known = new Map<string, number>();

  function current(scope: CacheScope): number {
    return known.get(scope) ?? 0;
  }

  async function poll(): Promise<void> {
    for (const row of await listGenerations(deps.db)) known.set(row.scope, row.generation);
  }

  const job: Job = { name: 'cache-generations', intervalMs: deps.pollMs ?? CACHE_POLL_MS, runAtStart: true, run: () => poll() };
  return { current, poll, job };
}
export type CacheGenerations = ReturnType<typeof createCacheGenerations>;
