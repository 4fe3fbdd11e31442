import { randomUUID } from 'node:crypto';
import type { ApplicationsTable } from '../../src/db/schema.js';
import { listStoredOutcomes } from '../../src/sla/outcomes.repository.js';
import { computeSla } from '../../src/sla/sla.js';
import type { TestContext } from './context.js';

type Channel = ApplicationsTable['channel'];
export type FixtureStep = { to: string; at: string };

/**
 * One application row as the services leave it, written straight into the tables for a large fixed data
 * set (the dashboard's and the transparency page's tests): filed files with submitted_at, closed ones with
 * decided_at and their timeline in application_events (a first 'draft' event at createdAt). The SLA
 * outcome columns are left empty, as for files closed before migration 0035: the test fills them the way
 * a start does (fillMissingSlaOutcomes). Returns the new id.
 */
export async function insertFixtureFile(
  ctx: TestContext,
  f: {
    tenantId: string;
    version: { typeId: string; versionId: string };
    code: string;
    channel: Channel;
    state: string;
    createdAt: string;
    createdBy: string;
    submittedAt?: string | null;
    decidedAt?: string | null;
    slaDueOn?: string | null;
    answers?: Record<string, unknown>;
    timeline?: FixtureStep[];
    /** The applicant's details and the file's number (defaults: a test name, none). */
    applicant?: { name: string; contact: string | null };
    number?: string | null;
    trackingCode?: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  await ctx.db
    .insertInto('applications')
    .values({
      id,
      tenant_id: f.tenantId,
      permit_type_id: f.version.typeId,
      permit_type_version_id: f.version.versionId,
      permit_code: f.code,
      number: f.number ?? null,
      tracking_code: f.trackingCode ?? null,
      state: f.state,
      channel: f.channel,
      channel_detail: null,
      applicant_id: null,
      applicant_name: f.applicant?.name ?? 'Pemohon Uji',
      applicant_contact: f.applicant?.contact ?? null,
      claim_code_hash: null,
      claim_expires_at: null,
      created_by: f.createdBy,
      intake_officer_id: null,
      answers: JSON.stringify(f.answers ?? {}),
      fee_amount: null,
      payment_reference: null,
      fee_paid_at: null,
      inspection_result: null,
      inspection_recorded_at: null,
      idempotency_key: null,
      submitted_at: f.submittedAt ?? null,
      state_entered_at: f.decidedAt ?? f.submittedAt ?? f.createdAt,
      decided_at: f.decidedAt ?? null,
      sla_used_working_days: null,
      sla_met: null,
      created_at: f.createdAt,
      updated_at: f.decidedAt ?? f.submittedAt ?? f.createdAt,
      revision: 1 + (f.timeline?.length ?? 0),
      assigned_to: null,
      inspection_scheduled_for: null,
      inspection_officer_id: null,
      renews_permit_id: null,
      sla_due_on: f.slaDueOn ?? null,
    })
    .execute();
  let from: string | null = null;
  for (const [i, step] of [{ to: 'draft', at: f.createdAt }, ...(f.timeline ?? [])].entries()) {
    await ctx.db
      .insertInto('application_events')
      .values({
        id: randomUUID(),
        tenant_id: f.tenantId,
        application_id: id,
        position: i + 1,
        action: i === 0 ? 'create' : 'fixture',
        from_state: from,
        to_state: step.to,
        actor_id: null,
        actor_role: null,
        reason: null,
        data: '{}',
        created_at: step.at,
      })
      .execute();
    from = step.to;
  }
  return id;
}

/**
 * Every filed and closed file of an office with its kept SLA outcome beside a full recount of its
 * timeline by the SLA clock: [stored used days, stored met] and [recounted used days, recounted met].
 */
export async function outcomesWithRecount(
  ctx: TestContext,
  tenantId: string,
): Promise<{ id: string; stored: [number | null, number | null]; recount: [number, number] }[]> {
  const holidays = await ctx.services.holidays.forTenant(tenantId);
  const tenant = await ctx.db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  const out = [];
  for (const f of await listStoredOutcomes(ctx.db, tenantId)) {
    const events = await ctx.db
      .selectFrom('application_events')
      .select(['from_state', 'to_state', 'created_at'])
      .where('application_id', '=', f.id)
      .orderBy('position')
      .execute();
    const { definition, workflow } = await ctx.services.catalogue.getVersion(f.permit_type_version_id);
    const r = computeSla({ events, workflow, slaWorkingDays: definition.slaWorkingDays, now: events.at(-1)!.created_at, timeZone: tenant.time_zone, holidays });
    out.push({
      id: f.id,
      stored: [f.sla_used_working_days, f.sla_met] as [number | null, number | null],
      recount: [r.usedWorkingDays, r.finishedLate ? 0 : 1] as [number, number],
    });
  }
  return out;
}
