import type { Kysely } from 'kysely';
import { z } from 'zod';
// The one exception to "frozen in time": the backfill asks the live SLA clock, so that the dates it
// writes are exactly those the transitions write (a test compares them). It runs once per database; if
// sla.ts ever changes what a due date means, existing rows are brought along by
// applications.recomputeDueDates, not by editing this migration (the type check keeps it compiling).
import { slaDueOn } from '../../sla/sla.js';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The work queue's read model: each application's SLA due date (YYYY-MM-DD in the office's time
 * zone; null while no clock runs), set in every transition's transaction, so that "the files waiting
 * for a role, soonest due first" is filtered, counted, sorted and paged in SQL.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('applications').addColumn('sla_due_on', 'text').execute();
  // A role's queue is the files in the states where it has work (per workflow version), soonest due first.
  await db.schema.createIndex('applications_waiting').on('applications').columns(['tenant_id', 'state', 'sla_due_on']).execute();
  await backfillDueDates(db);
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('applications_waiting').execute();
  await db.schema.alterTable('applications').dropColumn('sla_due_on').execute();
}

const versionRow = z.object({
  id: z.string(),
  definition: z.string().transform((s) => z.looseObject({ slaWorkingDays: z.number().int().min(0) }).parse(JSON.parse(s))),
  workflow: z.string().transform((s) =>
    z
      .looseObject({
        initial: z.string(),
        states: z.array(z.looseObject({ code: z.string(), kind: z.enum(['draft', 'office', 'applicant', 'final']), slaWorkingDays: z.number().optional() })),
      })
      .parse(JSON.parse(s)),
  ),
});
const eventRow = z.object({ application_id: z.string(), from_state: z.string().nullable(), to_state: z.string(), created_at: z.string() });

/**
 * Gives the open, filed files that exist when the column arrives their due date, computed by the SLA
 * clock from each file's timeline, its office's time zone and holidays (both databases alike).
 *
 * Here, at migration time, rather than at every start: the column and its values arrive together (on
 * PostgreSQL in the migration's transaction), so no running code ever sees a running file without a
 * due date, which the queue would take for paused and sort last; and it runs once, not at each start.
 * Later changes to an office's holidays are applied by the application service's recomputeDueDates.
 * Exported for the test that checks it on rows made by the real services.
 */
export async function backfillDueDates(db: Db): Promise<number> {
  let updated = 0;
  const tenants = z.array(z.object({ id: z.string(), time_zone: z.string() })).parse(await db.selectFrom('tenants').select(['id', 'time_zone']).execute());
  for (const tenant of tenants) {
    const days = z.array(z.object({ date: z.string() })).parse(await db.selectFrom('holidays').select('date').where('tenant_id', '=', tenant.id).execute());
    const holidays = new Set(days.map((d) => d.date));
    const versions = new Map(
      z
        .array(versionRow)
        .parse(await db.selectFrom('permit_type_versions').select(['id', 'definition', 'workflow']).where('tenant_id', '=', tenant.id).execute())
        .map((v) => [v.id, v]),
    );
    const open = z
      .array(z.object({ id: z.string(), permit_type_version_id: z.string() }))
      .parse(
        await db
          .selectFrom('applications')
          .select(['id', 'permit_type_version_id'])
          .where('tenant_id', '=', tenant.id)
          .where('number', 'is not', null)
          .where('decided_at', 'is', null)
          .execute(),
      );
    const events = z
      .array(eventRow)
      .parse(
        await db
          .selectFrom('application_events as e')
          .innerJoin('applications as a', 'a.id', 'e.application_id')
          .select(['e.application_id', 'e.from_state', 'e.to_state', 'e.created_at'])
          .where('a.tenant_id', '=', tenant.id)
          .where('a.number', 'is not', null)
          .where('a.decided_at', 'is', null)
          .orderBy('e.application_id')
          .orderBy('e.position')
          .execute(),
      );
    const timelines = new Map<string, z.infer<typeof eventRow>[]>();
    for (const e of events) {
      const timeline = timelines.get(e.application_id);
      if (timeline) timeline.push(e);
      else timelines.set(e.application_id, [e]);
    }
    for (const app of open) {
      const version = versions.get(app.permit_type_version_id);
      if (!version) continue;
      const dueOn = slaDueOn({
        events: timelines.get(app.id) ?? [],
        workflow: version.workflow,
        slaWorkingDays: version.definition.slaWorkingDays,
        timeZone: tenant.time_zone,
        holidays,
      });
      if (dueOn === null) continue;
      await db.updateTable('applications').set({ sla_due_on: dueOn }).where('id', '=', app.id).execute();
      updated++;
    }
  }
  return updated;
}
