import type { Db } from '../db/database.js';
import type { Job } from '../jobs/jobs.js';
import { listGenerations } from './cache-generations.repository.js';

export { bumpGeneration } from './cache-generations.repository.js';

/**
 * The in-memory caches that must agree across instances: an office's holidays (due dates, slots, the
 * queue's days), the offices themselves (host names, time zone, name) and what the public catalogue
 * pages show (`catalogue`: a permit type published, enabled or disabled, an office's retribution
 * coefficients behind the guide's worked example; web/page-cache.ts keeps those pages). Other caches
 * need no generation: parsed catalogue versions never change once published, the PDF fonts and assets
 * are part of the build, the transparency figures are public statistics allowed to be a few minutes
 * old, and the revocation list is keyed by a fingerprint of the rows it is built from.
 */
export const CACHE_SCOPES = { holidays: 'holidays', tenants: 'tenants', catalogue: 'catalogue' } as const;
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
  const local = new Map<string, number>();

  function current(scope: CacheScope): number {
    return known.get(scope) ?? 0;
  }

  /**
   * A change this instance made to `scope` has committed: its own caches stamped with `stamp` refill
   * at once, without waiting for the next poll (the poll then moves the generation once more, which
   * costs one more refill, never a stale answer).
   */
  function changedHere(scope: CacheScope): void {
    local.set(scope, (local.get(scope) ?? 0) + 1);
  }

  /** The scopes' generations with this instance's own changes, as one string a cache entry is stamped with. */
  function stamp(scopes: readonly CacheScope[]): string {
    return scopes.map((s) => `${known.get(s) ?? 0}.${local.get(s) ?? 0}`).join(',');
  }

  async function poll(): Promise<void> {
    for (const row of await listGenerations(deps.db)) known.set(row.scope, row.generation);
  }

  const job: Job = { name: 'cache-generations', intervalMs: deps.pollMs ?? CACHE_POLL_MS, runAtStart: true, run: () => poll() };
  return { current, changedHere, stamp, poll, job };
}
export type CacheGenerations = ReturnType<typeof createCacheGenerations>;
