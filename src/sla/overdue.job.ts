import type { Db } from '../db/database.js';
import type { ApplicationService } from '../applications/applications.service.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { type Clock, isoNow } from '../shared/time.js';

/**
 * Finds files past their service standard and tells the head of office, once per file per stay in a
 * state. The sla_alerts row and the outbox rows commit together, and the primary key makes a second
 * instance running the same scan a no-op. Run it every few minutes (server.ts) or on demand.
 */
export function createOverdueJob(deps: { db: Db; clock: Clock; applications: ApplicationService }) {
  async function runOnce(): Promise<{ alerted: number }> {
    let alerted = 0;
    const tenants = await deps.db.selectFrom('tenants').select('id').execute();
    for (const tenant of tenants) {
      const heads = await deps.db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenant.id)
        .where('role', '=', 'head')
        .where('disabled_at', 'is', null)
        .execute();
      if (heads.length === 0) continue;
      // Only filed, open files; the SLA computation decides which are overdue.
      const open = await deps.db
        .selectFrom('applications')
        .select(['id', 'state_entered_at'])
        .where('tenant_id', '=', tenant.id)
        .where('number', 'is not', null)
        .where('decided_at', 'is', null)
        .execute();
      const system = { userId: heads[0]!.id, tenantId: tenant.id, role: 'head' as const, name: 'SLA' };
      for (const row of open) {
        const { sla } = await deps.applications.getApplication({ actor: system, applicationId: row.id });
        if (sla.status !== 'overdue') continue;
        const now = isoNow(deps.clock);
        const sent = await deps.db.transaction().execute(async (trx) => {
          const res = await trx
            .insertInto('sla_alerts')
            .values({ application_id: row.id, state_entered_at: row.state_entered_at, tenant_id: tenant.id, created_at: now })
            .onConflict((oc) => oc.columns(['application_id', 'state_entered_at']).doNothing())
            .executeTakeFirst();
          if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
          for (const head of heads) {
            await enqueue(trx, {
              tenantId: tenant.id,
              now,
              message: {
                topic: 'notify.overdue',
                applicationId: row.id,
                headUserId: head.id,
                usedWorkingDays: sla.usedWorkingDays,
                slaWorkingDays: sla.slaWorkingDays,
              },
            });
          }
          return true;
        });
        if (sent) alerted++;
      }
    }
    return { alerted };
  }
  return { runOnce };
}
export type OverdueJob = ReturnType<typeof createOverdueJob>;
