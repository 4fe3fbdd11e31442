import { requireAccess, systemActor } from '../access/access.js';
import { listNewlyOverdue, recordSlaAlert, timelinesOf } from '../applications/applications.repository.js';
import { listStaffAccounts } from '../auth/staff.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Job } from '../jobs/jobs.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { type Clock, isoNow, todayIn } from '../shared/time.js';
import { listTenants } from '../tenants/tenants.repository.js';
import { computeSla, slaBounds } from './sla.js';

/** How many overdue files one statement reads the timelines of (the used days the head is told). */
const BATCH = 200;

/**
 * Finds files past their service standard and tells the head of office, once per file per stay in a
 * state. Each office is scanned by its own system actor (no person is impersonated). The candidates
 * come from one summary query on the stored due date (a running clock due before the latest working
 * day up to the office's today, not yet alerted in this stay); only those are read further, for the
 * message's used days. The sla_alerts row and the outbox rows commit together, and the primary key
 * makes a second instance running the same scan a no-op.
 */
export function createOverdueJob(deps: {
  db: Db;
  clock: Clock;
  catalogue: Pick<CatalogueService, 'getVersion'>;
  holidays: { forTenant(tenantId: string): Promise<ReadonlySet<string>> };
}) {
  const { db, catalogue } = deps;

  async function scanOffice(tenant: { id: string; time_zone: string }, clock: Clock): Promise<number> {
    requireAccess({ actor: systemActor(tenant.id, 'sla-overdue'), permission: 'system.overdueScan', resource: { tenantId: tenant.id } });
    const heads = (await listStaffAccounts(db, tenant.id)).filter((u) => u.role === 'head' && !u.disabled_at);
    if (heads.length === 0) return 0;
    const holidays = await deps.holidays.forTenant(tenant.id);
    const { overdueBefore } = slaBounds(todayIn(clock, tenant.time_zone), holidays);
    const due = await listNewlyOverdue(db, tenant.id, overdueBefore);
    let alerted = 0;
    for (let i = 0; i < due.length; i += BATCH) {
      const batch = due.slice(i, i + BATCH);
      const timelines = await timelinesOf(
        db,
        tenant.id,
        batch.map((r) => r.id),
      );
      for (const row of batch) {
        const { definition, workflow } = await catalogue.getVersion(row.permit_type_version_id);
        const sla = computeSla({
          events: timelines.get(row.id) ?? [],
          workflow,
          slaWorkingDays: definition.slaWorkingDays,
          now: clock.now(),
          timeZone: tenant.time_zone,
          holidays,
        });
        // A due date the holidays moved since it was stored waits for its recomputation.
        if (sla.status !== 'overdue') continue;
        const now = isoNow(clock);
        const sent = await db.transaction().execute(async (trx) => {
          if (!(await recordSlaAlert(trx, { applicationId: row.id, stateEnteredAt: row.state_entered_at, tenantId: tenant.id, now }))) return false;
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
    return alerted;
  }

  /** One scan of every office on `clock` (the service clock unless the jobs loop gives its own). */
  async function runOnce(clock: Clock = deps.clock): Promise<{ alerted: number }> {
    let alerted = 0;
    for (const tenant of await listTenants(db)) alerted += await scanOffice(tenant, clock);
    return { alerted };
  }

  const job: Job = { name: 'sla-overdue', intervalMs: 10 * 60_000, run: (clock) => runOnce(clock) };
  return { ...job, runOnce };
}
export type OverdueJob = ReturnType<typeof createOverdueJob>;
