import type { Db } from '../db/database.js';
import { type Clock, isoNow } from '../shared/time.js';
import { appendAudit } from './audit.repository.js';

/** One refused request as the error handler saw it (SECURITY.md #25: refused access leaves a trace). */
export type Refusal = {
  tenantId: string;
  /** The signed-in person, when there is one. */
  actorId: string | null;
  address: string;
  method: string;
  /** The route's pattern (`/api/v1/applications/:id`), never the raw address with its ids and query. */
  route: string;
  status: number;
  /** unauthenticated, forbidden or not_found. */
  verdict: string;
  /** The permission the access policy refused, when it was the policy that said no. */
  permission?: string | undefined;
};

/** At most one audit row per actor (or address) + route a minute, and at most this many rows a minute in all. */
export const REFUSAL_LOG_LIMITS = { perKeyPerMinute: 1, perMinute: 300, maxKeys: 10_000 } as const;

/**
 * Audits refused requests without letting a probe flood the log: the first refusal of an actor (or,
 * without a session, an address) on a route in a clock minute becomes an `access.refused` row; the
 * rest of that minute are counted, and the count rides on that key's next row (`suppressedBefore`).
 * A global cap a minute holds a probe from many addresses too (its count rides on the next row of
 * any key). The counters live in this process: with several instances each writes its own rows, so
 * the bound is per instance. Writing the row never changes the refusal itself.
 */
export function createRefusalLog(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const keys = new Map<string, { minute: string; suppressed: number }>();
  let current = { minute: '', rows: 0, suppressed: 0 };

  async function record(r: Refusal): Promise<boolean> {
    const now = isoNow(clock);
    const minute = now.slice(0, 16);
    if (current.minute !== minute) {
      current = { minute, rows: 0, suppressed: current.suppressed };
      // Forget keys of past minutes once the table grows, so memory stays bounded.
      if (keys.size > REFUSAL_LOG_LIMITS.maxKeys) for (const [k, v] of keys) if (v.minute !== minute) keys.delete(k);
    }
    const key = `${r.tenantId}|${r.actorId ?? `@${r.address}`}|${r.method} ${r.route}`;
    const seen = keys.get(key);
    if (seen?.minute === minute) {
      seen.suppressed++;
      return false;
    }
    if (current.rows >= REFUSAL_LOG_LIMITS.perMinute) {
      current.suppressed++;
      return false;
    }
    const suppressedBefore = seen?.suppressed ?? 0;
    const suppressedElsewhere = current.suppressed;
    keys.set(key, { minute, suppressed: 0 });
    current.rows++;
    current.suppressed = 0;
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        tenantId: r.tenantId,
        actorId: r.actorId,
        action: 'access.refused',
        subjectType: 'route',
        subjectId: null,
        data: {
          method: r.method,
          route: r.route,
          status: r.status,
          verdict: r.verdict,
          ...(r.permission ? { permission: r.permission } : {}),
          address: r.address,
          suppressedBefore,
          ...(suppressedElsewhere ? { suppressedOverCap: suppressedElsewhere } : {}),
        },
        occurredAt: now,
      }),
    );
    return true;
  }

  return { record };
}
export type RefusalLog = ReturnType<typeof createRefusalLog>;
