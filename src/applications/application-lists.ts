import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { type StateSummary, stateSummary } from '../catalogue/journey.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Application } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { type Clock, todayIn } from '../shared/time.js';
import { computeSla, type OpenSlaStatus, type SlaBounds, slaBounds, slaDueOn, type SlaStatus, slaStatusOn } from '../sla/sla.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { actionsFor } from '../workflow/workflow.engine.js';
import type { LocalisedText } from '../workflow/workflow.schema.js';
import {
  type ApplicationFilters,
  type ApplicationSummaryRow,
  listOpenFiled,
  listVersionIds,
  listWorkQueue as queryWorkQueue,
  openFiledTimelines,
  searchApplicationSummaries,
  setSlaDueOnAtRevision,
  timelinesOf,
} from './applications.repository.js';

export const WORK_QUEUE_PAGE_SIZE = 50;
export const OPEN_SLA_STATUSES = ['on_track', 'due_soon', 'overdue', 'paused'] as const satisfies readonly OpenSlaStatus[];

export type WorkQueueFilters = {
  permitCode?: string | undefined;
  channel?: Application['channel'] | undefined;
  state?: string | undefined;
  sla?: OpenSlaStatus | undefined;
  /** Part of the number or of the applicant's name. */
  q?: string | undefined;
  /** Only the files the officer holds. */
  mine?: boolean | undefined;
};

/** An application as a list shows it: read from its row and its (cached) workflow version, never its timeline. */
export type ApplicationSummary = {
  id: string;
  number: string | null;
  permitType: { code: string; name: LocalisedText };
  state: StateSummary;
  channel: Application['channel'];
  applicantName: string;
  /** The running clock's status and due date; for a paused file the date as if the clock restarted today. */
  sla: { status: SlaStatus; dueDate: string | null };
  assignedTo: string | null;
  heldByYou: boolean;
  submittedAt: string | null;
  updatedAt: string;
};

export type ApplicationListDeps = {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  holidays: { forTenant(tenantId: string): Promise<ReadonlySet<string>> };
};

/**
 * The read models over applications: the work queue of a role, the summary lists (the applicant's own
 * files), and the stored due dates they rest on. Every page of them costs a fixed number of
 * statements, whatever the number of files: rows and count in SQL, workflow versions from the
 * catalogue's cache, and at most one batched timeline read for the paused files on the page.
 */
export function createApplicationLists(deps: ApplicationListDeps) {
  const { db, clock, catalogue } = deps;

  async function officeDay(tenantId: string): Promise<{ timeZone: string; holidays: ReadonlySet<string>; today: string; bounds: SlaBounds }> {
    const [tenant, holidays] = await Promise.all([findTenantById(db, tenantId), deps.holidays.forTenant(tenantId)]);
    if (!tenant) throw new AppError('not_found', 'no such office');
    const today = todayIn(clock, tenant.time_zone);
    return { timeZone: tenant.time_zone, holidays, today, bounds: slaBounds(today, holidays) };
  }

  /** Turns rows into summaries: SLA from the stored due date, and for paused files one batched timeline read. */
  async function summaries(actor: Actor, rows: readonly ApplicationSummaryRow[], day: Awaited<ReturnType<typeof officeDay>>): Promise<ApplicationSummary[]> {
    const versions = new Map(
      await Promise.all([...new Set(rows.map((r) => r.permit_type_version_id))].map(async (id) => [id, await catalogue.getVersion(id)] as const)),
    );
    const paused = rows.filter((r) => r.number !== null && r.decided_at === null && r.sla_due_on === null);
    const timelines = await timelinesOf(
      db,
      actor.tenantId,
      paused.map((r) => r.id),
    );
    const now = clock.now();
    return rows.map((row) => {
      const { definition, workflow } = versions.get(row.permit_type_version_id)!;
      let sla: ApplicationSummary['sla'];
      if (row.decided_at !== null) sla = { status: 'closed', dueDate: null };
      else if (row.number === null) sla = { status: 'not_started', dueDate: null };
      else if (row.sla_due_on !== null) sla = { status: slaStatusOn(row.sla_due_on, day.bounds), dueDate: row.sla_due_on };
      else {
        const events = timelines.get(row.id) ?? [];
        const clockNow = computeSla({ events, workflow, slaWorkingDays: definition.slaWorkingDays, now, timeZone: day.timeZone, holidays: day.holidays });
        sla = { status: 'paused', dueDate: clockNow.dueDate };
      }
      return {
        id: row.id,
        number: row.number,
        permitType: { code: definition.code, name: definition.name },
        state: stateSummary(workflow, row.state),
        channel: row.channel,
        applicantName: row.applicant_name,
        sla,
        assignedTo: row.assigned_to,
        heldByYou: row.assigned_to === actor.userId,
        submittedAt: row.submitted_at,
        updatedAt: row.updated_at,
      };
    });
  }

  /** Per workflow version of the office, the states in which this role has an action. */
  async function statesWithWork(actor: Actor): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const id of await listVersionIds(db, actor.tenantId)) {
      const { workflow } = await catalogue.getVersion(id);
      out.set(
        id,
        workflow.states.filter((s) => actionsFor(workflow, s.code, actor.role).length > 0).map((s) => s.code),
      );
    }
    return out;
  }

  /**
   * The work queue: the filed files waiting for the officer's role (a state in which the role has an
   * action, in the file's own workflow version) or held by the officer, filtered, counted, soonest due
   * first and one page at a time, all in SQL. Also what the queue page offers: the filters' choices
   * and, as flags from the access policy, its links.
   */
  async function listWorkQueue(input: { actor: Actor; filters?: WorkQueueFilters; page?: number; pageSize?: number }) {
    const { actor } = input;
    const office = { tenantId: actor.tenantId };
    requireAccess({ actor, permission: 'office.enter', resource: office });
    const filters = input.filters ?? {};
    const pageSize = input.pageSize ?? WORK_QUEUE_PAGE_SIZE;
    const page = Math.max(1, input.page ?? 1);
    const [day, statesByVersion, types] = await Promise.all([
      officeDay(actor.tenantId),
      statesWithWork(actor),
      catalogue.listPermitTypes({ tenantId: actor.tenantId, includeDisabled: true }),
    ]);
    const { rows, total } = await queryWorkQueue(
      db,
      {
        tenantId: actor.tenantId,
        statesByVersion,
        holderId: actor.userId,
        onlyHeld: filters.mine,
        permitCode: filters.permitCode,
        channel: filters.channel,
        state: filters.state,
        sla: filters.sla,
        bounds: day.bounds,
        q: filters.q,
      },
      { limit: pageSize, offset: (page - 1) * pageSize },
    );
    // The states a file can wait in (the office's and the applicant's), once each, for the state filter.
    const states = new Map<string, StateSummary>();
    for (const t of types)
      for (const s of t.workflow.states)
        if ((s.kind === 'office' || s.kind === 'applicant') && !states.has(s.code)) states.set(s.code, stateSummary(t.workflow, s.code));
    return {
      items: await summaries(actor, rows, day),
      total,
      page,
      pageSize,
      pageCount: Math.max(1, Math.ceil(total / pageSize)),
      today: day.today,
      choices: {
        permitTypes: types.map((t) => ({ code: t.definition.code, name: t.definition.name })),
        states: [...states.values()],
        sla: OPEN_SLA_STATUSES,
      },
      can: {
        intake: can(actor, 'application.intake', office),
        administer: (['staff.manage', 'catalogue.manage', 'holidays.manage', 'settings.manage'] as const).some((p) => can(actor, p, office)),
      },
    };
  }

  /**
   * Applications as lists show them: an applicant's own (the /permohonan page), or the office's for
   * staff; with type name, state and SLA, from one page query and one count, no per-row reads.
   */
  async function listApplicationSummaries(input: { actor: Actor; filters: Omit<ApplicationFilters, 'applicantId'> }) {
    const { actor } = input;
    const office = { tenantId: actor.tenantId };
    requireAccess({ actor, permission: 'application.list', resource: office });
    const applicantId = can(actor, 'application.listOffice', office) ? undefined : actor.userId;
    const [{ rows, total }, day] = await Promise.all([
      searchApplicationSummaries(db, actor.tenantId, { ...input.filters, applicantId }),
      officeDay(actor.tenantId),
    ]);
    return { items: await summaries(actor, rows, day), total };
  }

  /**
   * Works every open file's stored due date out again from its timeline: after the office's holidays
   * changed (a day added or removed moves the due dates of the files whose clock runs over it).
   * Returns how many changed. A file that moves meanwhile keeps the date its own transition set.
   */
  async function recomputeDueDates(input: { actor: Actor }): Promise<{ updated: number }> {
    const { actor } = input;
    requireAccess({ actor, permission: 'holidays.manage', resource: { tenantId: actor.tenantId } });
    const [tenant, holidays, open, timelines] = await Promise.all([
      findTenantById(db, actor.tenantId),
      deps.holidays.forTenant(actor.tenantId),
      listOpenFiled(db, actor.tenantId),
      openFiledTimelines(db, actor.tenantId),
    ]);
    if (!tenant) throw new AppError('not_found', 'no such office');
    const changes: { id: string; revision: number; dueOn: string | null }[] = [];
    for (const app of open) {
      const { definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
      const dueOn = slaDueOn({
        events: timelines.get(app.id) ?? [],
        workflow,
        slaWorkingDays: definition.slaWorkingDays,
        timeZone: tenant.time_zone,
        holidays,
      });
      if (dueOn !== app.sla_due_on) changes.push({ id: app.id, revision: app.revision, dueOn });
    }
    let updated = 0;
    await db.transaction().execute(async (trx) => {
      for (const c of changes) if (await setSlaDueOnAtRevision(trx, c.id, c.revision, c.dueOn)) updated++;
    });
    return { updated };
  }

  return { listWorkQueue, listApplicationSummaries, recomputeDueDates };
}
