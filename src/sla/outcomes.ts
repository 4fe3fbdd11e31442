import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import type { HolidayService } from './holidays.service.js';
import { listFilesMissingOutcome, listTimelinesOf, saveOutcome } from './outcomes.repository.js';
import { computeSla, type SlaWorkflow } from './sla.js';

export type SlaOutcome = { usedWorkingDays: number; met: 1 | 0 | null };

type TimelineEvent = { from_state: string | null; to_state: string; created_at: string };

/**
 * A closed file's SLA outcome (migration 0035): the working days the office used by the SLA clock up to
 * the closing event, and whether that was within the service time (null: the type has none). The same
 * rule as the file page's clock (src/sla/sla.ts), read at the last event.
 */
export function slaOutcome(input: {
  events: readonly TimelineEvent[];
  workflow: SlaWorkflow;
  slaWorkingDays: number;
  timeZone: string;
  holidays: ReadonlySet<string>;
}): SlaOutcome {
  const last = input.events[input.events.length - 1];
  if (!last) throw new Error('SLA outcome of a file without events');
  const r = computeSla({
    events: [...input.events],
    workflow: input.workflow,
    slaWorkingDays: input.slaWorkingDays,
    now: last.created_at,
    timeZone: input.timeZone,
    holidays: input.holidays,
  });
  return { usedWorkingDays: r.usedWorkingDays, met: r.finishedLate === null ? null : r.finishedLate ? 0 : 1 };
}

/**
 * Fills the outcome of every file closed before migration 0035 (once, at start; a few hundred files a
 * batch). Returns how many it filled. Files closed since are written in their closing transaction.
 */
export async function fillMissingSlaOutcomes(deps: {
  db: Db;
  catalogue: Pick<CatalogueService, 'getVersion'>;
  holidays: Pick<HolidayService, 'forTenant'>;
  batch?: number;
}): Promise<number> {
  const { db } = deps;
  const zones = new Map<string, { timeZone: string; holidays: ReadonlySet<string> }>();
  let filled = 0;
  for (;;) {
    const files = await listFilesMissingOutcome(db, deps.batch ?? 500);
    if (files.length === 0) return filled;
    const events = new Map<string, TimelineEvent[]>();
    for (const e of await listTimelinesOf(
      db,
      files.map((f) => f.id),
    ))
      events.set(e.application_id, [...(events.get(e.application_id) ?? []), e]);
    for (const f of files) {
      let office = zones.get(f.tenant_id);
      if (!office) {
        const tenant = await findTenantById(db, f.tenant_id);
        office = { timeZone: tenant?.time_zone ?? 'Asia/Jakarta', holidays: await deps.holidays.forTenant(f.tenant_id) };
        zones.set(f.tenant_id, office);
      }
      const { definition, workflow } = await deps.catalogue.getVersion(f.permit_type_version_id);
      const timeline = events.get(f.id) ?? [];
      // A closed file always has its timeline; without one nothing was used (and the loop must not come back to it).
      const outcome = timeline.length
        ? slaOutcome({ events: timeline, workflow, slaWorkingDays: definition.slaWorkingDays, ...office })
        : { usedWorkingDays: 0, met: null };
      await saveOutcome(db, f.id, outcome);
      filled += 1;
    }
  }
}
