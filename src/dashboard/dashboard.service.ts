import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { ApplicationsTable } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { addDays, type Clock, isCalendarDate, todayIn, utcOffsetMinutes } from '../shared/time.js';

export { utcOffsetMinutes };
import type { HolidayService } from '../sla/holidays.service.js';
import { countClosedOutcomes } from '../sla/outcomes.repository.js';
import { findTenantById, listTenants } from '../tenants/tenants.repository.js';
import {
  countClosed,
  countFiled,
  countOpenByState,
  countOverdue,
  countStartedOnline,
  type DashboardScope,
  listUnsubmittedDraftDocuments,
  listUnsubmittedOnlineDrafts,
} from './dashboard.repository.js';
import { dashboardOperations, isOperationsTable, OPERATIONS_TABLES, type OperationsReport, operationsCsv } from './dashboard.operations.js';

export type Channel = ApplicationsTable['channel'];
export const CHANNELS = ['online', 'assisted', 'walk_in', 'courier'] as const satisfies readonly Channel[];
export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** The most rows a series has: a longer one is shown by a coarser interval (days → weeks → months). */
export const MAX_BUCKETS = 62;
type Localised = { id: string; en: string };

/** A figure as a pooled count: numerator ÷ denominator, both exact. A denominator of 0: nothing recorded (never shown as 0%). */
export type Ratio = { numerator: number; denominator: number };

/** The channel shares of one set of filings: digital = online + assisted (assisted also shown apart). */
export type ChannelShares = { filed: number; digital: Ratio; online: Ratio; assisted: Ratio; walkIn: Ratio; courier: Ratio };

export type DropOffStep = { kind: 'field'; code: string; label: Localised } | { kind: 'document'; code: string; label: Localised } | { kind: 'check' };

export type DashboardReport = {
  timeZone: string;
  today: string;
  from: string;
  to: string;
  previous: { from: string; to: string };
  interval: Interval;
  filters: { permitType: string | null; channel: Channel | null };
  /** A filter could not be used (lenient: the page's form) and its default was taken instead. */
  adjusted: boolean;
  permitTypes: { code: string; name: Localised }[];
  takeUp: {
    total: ChannelShares;
    previous: ChannelShares;
    series: ({ start: string; end: string } & ChannelShares)[];
    /** Each permit type filed in the period, with its digital take-up in the previous period (the trend). */
    byPermitType: ({ code: string; name: Localised; previousDigital: Ratio } & ChannelShares)[];
  };
  completion: {
    /** Online drafts started in the period that have been submitted ÷ those started. */
    total: Ratio;
    byPermitType: { code: string; name: Localised; rate: Ratio }[];
    /** Where the drafts never submitted stopped, read from their answers and documents (there is no page-visit log). */
    dropOff: { permitCode: string; permitName: Localised; step: DropOffStep; drafts: number }[];
    notSubmitted: number;
  };
  flow: { in: number; out: number; series: { start: string; end: string; in: number; out: number }[] };
  backlog: { total: number; states: { code: string; label: Localised; kind: string; count: number }[] };
  sla: {
    total: { compliance: Ratio; medianWorkingDays: number | null };
    byPermitType: { code: string; name: Localised; slaWorkingDays: number | null; compliance: Ratio; medianWorkingDays: number | null }[];
  };
  overdue: { total: number; byPermitType: { code: string; name: Localised; count: number }[] };
  /** Revenue against target, the SKM index, the help desk's first answers, the queue (dashboard.operations.ts). */
  operations: OperationsReport;
};

export type DashboardQuery = {
  actor: Actor;
  from?: string | undefined;
  to?: string | undefined;
  permitType?: string | undefined;
  channel?: Channel | undefined;
  interval?: Interval | undefined;
  /** The page's GET form: a bad filter falls back to its default (report.adjusted) instead of a 400. */
  lenient?: boolean;
};

/** The UTC instant of an office-local midnight. */
function midnightUtc(date: string, offsetMinutes: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - offsetMinutes * 60_000).toISOString();
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The start of the bucket a date falls in: itself, the Monday on or before it, or the month's first day. */
export function bucketStart(date: string, interval: Interval): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -dow);
}

function bucketEnd(start: string, interval: Interval): string {
  if (interval === 'day') return start;
  if (interval === 'week') return addDays(start, 6);
  const [y, m] = start.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The buckets covering [from, to], each clipped to the period. */
export function buckets(from: string, to: string, interval: Interval): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (let s = bucketStart(from, interval); s <= to; s = addDays(bucketEnd(s, interval), 1)) {
    out.push({ start: s < from ? from : s, end: bucketEnd(s, interval) > to ? to : bucketEnd(s, interval) });
  }
  return out;
}

/** The median of whole numbers (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The median of whole numbers given as value → how many times (a histogram), as median() would give for the list; null for none. */
export function medianOfCounts(counts: ReadonlyMap<number, number>): number | null {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const sorted = [...counts.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  /** The value at 0-based position k of the sorted list. */
  const at = (k: number): number => {
    let seen = 0;
    for (const [v, n] of sorted) {
      seen += n;
      if (k < seen) return v;
    }
    throw new Error('unreachable');
  };
  return total % 2 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/** Pooled channel shares from counts per channel (sum over sum: every filing weighs the same). */
export function channelShares(counts: Partial<Record<Channel, number>>): ChannelShares {
  const n = (c: Channel) => counts[c] ?? 0;
  const filed = CHANNELS.reduce((s, c) => s + n(c), 0);
  const r = (numerator: number): Ratio => ({ numerator, denominator: filed });
  return {
    filed,
    digital: r(n('online') + n('assisted')),
    online: r(n('online')),
    assisted: r(n('assisted')),
    walkIn: r(n('walk_in')),
    courier: r(n('courier')),
  };
}

/** numerator ÷ denominator in tenths of a percent, rounded half up exactly; null when nothing is recorded. */
export function permille(r: Ratio): number | null {
  if (r.denominator === 0) return null;
  return Number((2000n * BigInt(r.numerator) + BigInt(r.denominator)) / (2n * BigInt(r.denominator)));
}

export type DashboardDeps = {
  db: Db;
  clock: Clock;
  catalogue: Pick<CatalogueService, 'listPermitTypes' | 'getVersion'>;
  holidays: Pick<HolidayService, 'forTenant'>;
};

/**
 * The head's dashboard (issue 13, item 1): digital take-up (pooled), the online door's completion and
 * drop-off, files in and out, the backlog per workflow state, SLA compliance and the median working
 * days per permit type, files overdue now. Head and admin (dashboard.read), their own office only.
 */
export function createDashboardService(deps: DashboardDeps) {
  const { db, clock } = deps;

  function badInput(field: string, message: string): AppError {
    return new AppError('invalid_input', message, { fields: [{ field, code: `${field}_invalid`, message }] });
  }

  /** The period and filters checked: 400 on a bad one, or with `lenient` (the page's GET form) the default in its place. */
  function checked(input: DashboardQuery, today: string, codes: ReadonlySet<string>) {
    let adjusted = false;
    const bad = (field: string, message: string) => {
      if (!input.lenient) throw badInput(field, message);
      adjusted = true;
    };
    let to = input.to ?? today;
    if (!isCalendarDate(to)) {
      bad('to', 'to is a date, YYYY-MM-DD');
      to = today;
    }
    let from = input.from ?? `${to.slice(0, 7)}-01`;
    if (!isCalendarDate(from)) {
      bad('from', 'from is a date, YYYY-MM-DD');
      from = `${to.slice(0, 7)}-01`;
    }
    if (from > to || daysBetween(from, to) + 1 > 3 * 366) {
      bad('from', 'from is on or before to, and a period is at most three years');
      from = `${to.slice(0, 7)}-01`;
    }
    let permitType = input.permitType;
    if (permitType !== undefined && !codes.has(permitType)) {
      bad('permitType', 'no such permit type in this office');
      permitType = undefined;
    }
    return { from, to, permitType, adjusted };
  }

  async function getDashboard(input: DashboardQuery): Promise<DashboardReport> {
    const { actor } = input;
    requireAccess({ actor, permission: 'dashboard.read', resource: { tenantId: actor.tenantId } });
    const tenant = await findTenantById(db, actor.tenantId);
    if (!tenant) throw new Error(`office ${actor.tenantId} vanished`);
    const zone = tenant.time_zone;
    const today = todayIn(clock, zone);
    const types = await deps.catalogue.listPermitTypes({ tenantId: actor.tenantId, includeDisabled: true });
    const names = new Map(types.map((pt) => [pt.definition.code, pt.definition.name]));
    const nameOf = (code: string): Localised => names.get(code) ?? { id: code, en: code };
    const { from, to, permitType, adjusted } = checked(input, today, new Set(names.keys()));
    const length = daysBetween(from, to) + 1;
    // At most MAX_BUCKETS rows in a series (the page stays light): a finer interval asked for a long period is coarsened.
    let interval: Interval = input.interval ?? (length <= 31 ? 'day' : length <= 184 ? 'week' : 'month');
    while (interval !== 'month' && buckets(from, to, interval).length > MAX_BUCKETS) interval = interval === 'day' ? 'week' : 'month';
    const offset = utcOffsetMinutes(zone, clock.now());
    const scopeOf = (f: string, t: string): DashboardScope => ({
      tenantId: actor.tenantId,
      fromIso: midnightUtc(f, offset),
      toIso: midnightUtc(addDays(t, 1), offset),
      offsetMinutes: offset,
      permitCode: permitType,
      channel: input.channel,
    });
    const scope = scopeOf(from, to);
    const previous = { from: addDays(from, -length), to: addDays(from, -1) };

    // The statements are independent: all asked at once (PostgreSQL runs them on the pool's connections
    // side by side; SQLite one after the other, as before). Each result is read where it is used.
    const openScope = { tenantId: actor.tenantId, permitCode: permitType, channel: input.channel };
    const [filed, prevFiled, closed, started, drafts, docs, open, outcomes, overdue] = await Promise.all([
      // Digital take-up: counts per day × type × channel, pooled here.
      countFiled(db, scope),
      countFiled(db, scopeOf(previous.from, previous.to)),
      // Files in and out.
      countClosed(db, scope),
      countStartedOnline(db, scope),
      listUnsubmittedOnlineDrafts(db, scope),
      listUnsubmittedDraftDocuments(db, scope),
      countOpenByState(db, openScope),
      countClosedOutcomes(db, scope, 'permit'),
      countOverdue(db, { ...openScope, today }),
    ]);
    const sum = (rows: typeof filed, keep: (r: (typeof filed)[number]) => boolean) => {
      const c: Partial<Record<Channel, number>> = {};
      for (const r of rows) if (keep(r)) c[r.channel] = (c[r.channel] ?? 0) + r.n;
      return channelShares(c);
    };
    const periods = buckets(from, to, interval);
    // Each grouped row goes to its bucket once: the buckets start on the period's first day or a bucket start.
    const bucketOf = (day: string) => {
      const b = bucketStart(day, interval);
      return b < from ? from : b;
    };
    const filedIn = new Map<string, Partial<Record<Channel, number>>>();
    for (const r of filed) {
      const c = filedIn.get(bucketOf(r.day)) ?? {};
      c[r.channel] = (c[r.channel] ?? 0) + r.n;
      filedIn.set(bucketOf(r.day), c);
    }
    const closedIn = new Map<string, number>();
    for (const r of closed) closedIn.set(bucketOf(r.day), (closedIn.get(bucketOf(r.day)) ?? 0) + r.n);
    const codesFiled = [...new Set(filed.map((r) => r.permit_code))].sort();

    // The online door.
    const docsOf = new Map<string, Set<string>>();
    for (const d of docs) docsOf.set(d.application_id, (docsOf.get(d.application_id) ?? new Set()).add(d.requirement_code));
    const dropOff = new Map<string, { permitCode: string; permitName: Localised; step: DropOffStep; drafts: number; order: number }>();
    for (const d of drafts) {
      const v = await deps.catalogue.getVersion(d.permit_type_version_id);
      let answers: Record<string, unknown> = {};
      try {
        answers = JSON.parse(d.answers) as Record<string, unknown>;
      } catch {
        answers = {};
      }
      const has = (name: string) => answers[name] !== undefined && answers[name] !== null && answers[name] !== '';
      const fields = v.definition.fields;
      const fi = fields.findIndex((f) => f.required && !has(f.name));
      const reqs = v.definition.requirements;
      const ri = reqs.findIndex((r) => r.required && !docsOf.get(d.id)?.has(r.code));
      const step: DropOffStep =
        fi >= 0
          ? { kind: 'field', code: fields[fi]!.name, label: fields[fi]!.label }
          : ri >= 0
            ? { kind: 'document', code: reqs[ri]!.code, label: reqs[ri]!.name }
            : { kind: 'check' };
      const order = fi >= 0 ? fi : ri >= 0 ? fields.length + ri : fields.length + reqs.length;
      const key = `${d.permit_code}|${step.kind}|${'code' in step ? step.code : ''}`;
      const entry = dropOff.get(key) ?? { permitCode: d.permit_code, permitName: nameOf(d.permit_code), step, drafts: 0, order };
      entry.drafts += 1;
      dropOff.set(key, entry);
    }

    // Backlog per state, labelled from the workflow data of each file's version.
    const states = new Map<string, { code: string; label: Localised; kind: string; count: number; order: number }>();
    for (const r of open) {
      const wf = (await deps.catalogue.getVersion(r.permit_type_version_id)).workflow;
      const i = wf.states.findIndex((s) => s.code === r.state);
      const st = wf.states[i];
      const entry = states.get(r.state) ?? {
        code: r.state,
        label: st?.label ?? { id: r.state, en: r.state },
        kind: st?.kind ?? 'office',
        count: 0,
        order: i < 0 ? 999 : i,
      };
      entry.count += r.n;
      states.set(r.state, entry);
    }

    // SLA compliance and working days: each closed file's outcome by the SLA clock, kept on it when it closed (migration 0035).
    const slaOf = new Map(types.map((pt) => [pt.definition.code, pt.definition.slaWorkingDays]));
    const slaBy = new Map<string, { days: Map<number, number>; onTime: number; closed: number; sla: number | null }>();
    for (const o of outcomes) {
      const e = slaBy.get(o.permit_code) ?? { days: new Map<number, number>(), onTime: 0, closed: 0, sla: slaOf.get(o.permit_code) ?? null };
      e.closed += o.n;
      if (o.met === 1) e.onTime += o.n;
      if (o.used_days !== null) e.days.set(o.used_days, (e.days.get(o.used_days) ?? 0) + o.n);
      slaBy.set(o.permit_code, e);
    }
    const allDays = new Map<number, number>();
    for (const e of slaBy.values()) for (const [d, n] of e.days) allDays.set(d, (allDays.get(d) ?? 0) + n);

    const startedTotal = started.reduce((s, r) => s + r.started, 0);
    const submittedTotal = started.reduce((s, r) => s + r.submitted, 0);

    return {
      timeZone: zone,
      today,
      from,
      to,
      previous,
      interval,
      filters: { permitType: permitType ?? null, channel: input.channel ?? null },
      adjusted,
      permitTypes: types.map((pt) => ({ code: pt.definition.code, name: pt.definition.name })).sort((a, b) => a.code.localeCompare(b.code)),
      takeUp: {
        total: sum(filed, () => true),
        previous: sum(prevFiled, () => true),
        series: periods.map((p) => ({ ...p, ...channelShares(filedIn.get(p.start) ?? {}) })),
        byPermitType: codesFiled.map((code) => ({
          code,
          name: nameOf(code),
          ...sum(filed, (r) => r.permit_code === code),
          previousDigital: sum(prevFiled, (r) => r.permit_code === code).digital,
        })),
      },
      completion: {
        total: { numerator: submittedTotal, denominator: startedTotal },
        byPermitType: started
          .sort((a, b) => a.permit_code.localeCompare(b.permit_code))
          .map((r) => ({ code: r.permit_code, name: nameOf(r.permit_code), rate: { numerator: r.submitted, denominator: r.started } })),
        dropOff: [...dropOff.values()].sort((a, b) => a.permitCode.localeCompare(b.permitCode) || a.order - b.order).map(({ order: _order, ...rest }) => rest),
        notSubmitted: drafts.length,
      },
      flow: {
        in: filed.reduce((s, r) => s + r.n, 0),
        out: closed.reduce((s, r) => s + r.n, 0),
        series: periods.map((p) => ({ ...p, in: channelShares(filedIn.get(p.start) ?? {}).filed, out: closedIn.get(p.start) ?? 0 })),
      },
      backlog: {
        total: open.reduce((s, r) => s + r.n, 0),
        states: [...states.values()].sort((a, b) => a.order - b.order).map(({ order: _order, ...rest }) => rest),
      },
      sla: {
        total: {
          compliance: { numerator: [...slaBy.values()].reduce((s, e) => s + e.onTime, 0), denominator: [...slaBy.values()].reduce((s, e) => s + e.closed, 0) },
          medianWorkingDays: medianOfCounts(allDays),
        },
        byPermitType: [...slaBy.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, e]) => ({
            code,
            name: nameOf(code),
            slaWorkingDays: e.sla,
            compliance: { numerator: e.onTime, denominator: e.closed },
            medianWorkingDays: medianOfCounts(e.days),
          })),
      },
      overdue: {
        total: overdue.reduce((s, r) => s + r.n, 0),
        byPermitType: overdue
          .sort((a, b) => a.permit_code.localeCompare(b.permit_code))
          .map((r) => ({ code: r.permit_code, name: nameOf(r.permit_code), count: r.n })),
      },
      operations: await dashboardOperations(db, { tenantId: actor.tenantId, timeZone: zone, offsetMinutes: offset, from, to, permitType, nameOf }),
    };
  }

  /**
   * The deployment's digital take-up in a month, per office and pooled over all of them (sum over sum:
   * a big office weighs as many files as it filed, never a mean of the offices' ratios). Each office's
   * month is its own calendar month in its own time zone. The operator's view (npm run office:list),
   * not served over HTTP: no office's staff sees another office's figures.
   */
  async function getDeploymentTakeUp(input: { month?: string | undefined } = {}): Promise<{
    month: string;
    offices: { code: string; name: string; timeZone: string; takeUp: ChannelShares }[];
    total: ChannelShares;
  }> {
    const month = input.month ?? todayIn(clock, 'Asia/Jakarta').slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw badInput('month', 'month is YYYY-MM');
    const [y, m] = month.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const offices = [];
    const pooled: Partial<Record<Channel, number>> = {};
    for (const tenant of await listTenants(db)) {
      const offset = utcOffsetMinutes(tenant.time_zone, new Date(Date.parse(`${month}-15T00:00:00Z`)));
      const rows = await countFiled(db, {
        tenantId: tenant.id,
        fromIso: midnightUtc(`${month}-01`, offset),
        toIso: midnightUtc(addDays(last, 1), offset),
        offsetMinutes: offset,
      });
      const counts: Partial<Record<Channel, number>> = {};
      for (const r of rows) {
        counts[r.channel] = (counts[r.channel] ?? 0) + r.n;
        pooled[r.channel] = (pooled[r.channel] ?? 0) + r.n;
      }
      offices.push({ code: tenant.code, name: tenant.name, timeZone: tenant.time_zone, takeUp: channelShares(counts) });
    }
    return { month, offices: offices.sort((a, b) => a.code.localeCompare(b.code)), total: channelShares(pooled) };
  }

  /** One of the dashboard's tables as CSV (RFC 4180, UTF-8). */
  async function exportCsv(input: DashboardQuery & { table: DashboardTable }): Promise<{ csv: string; from: string; to: string }> {
    const report = await getDashboard(input);
    return { csv: dashboardCsv(report, input.table), from: report.from, to: report.to };
  }

  return { getDashboard, exportCsv, getDeploymentTakeUp };
}
export type DashboardService = ReturnType<typeof createDashboardService>;

/** The tables the page shows, each also as CSV at /kantor/dasbor/{table}.csv. */
export const DASHBOARD_TABLES = [
  'serapan',
  'jenis-izin',
  'penyelesaian',
  'berhenti',
  'masuk-keluar',
  'tunggakan',
  'sla',
  'terlambat',
  ...OPERATIONS_TABLES,
] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];

const SHARE_COLUMNS = ['filed', 'digital', 'online', 'assisted', 'walk_in', 'courier'];
const shareCells = (s: ChannelShares) => [s.filed, s.digital.numerator, s.online.numerator, s.assisted.numerator, s.walkIn.numerator, s.courier.numerator];

/** A ratio's percentage with one decimal for CSV ("37.5"); empty when nothing is recorded. */
function csvPercent(r: Ratio): string {
  const p = permille(r);
  return p === null ? '' : `${Math.trunc(p / 10)}.${p % 10}`;
}

export function dashboardCsv(r: DashboardReport, table: DashboardTable): string {
  if (isOperationsTable(table)) return operationsCsv(r.operations, r, table);
  const text = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`;
  const rows: (string | number)[][] = [];
  switch (table) {
    case 'serapan':
      rows.push(['period_start', 'period_end', ...SHARE_COLUMNS, 'digital_percent']);
      for (const s of r.takeUp.series) rows.push([s.start, s.end, ...shareCells(s), csvPercent(s.digital)]);
      rows.push([r.from, r.to, ...shareCells(r.takeUp.total), csvPercent(r.takeUp.total.digital)]);
      break;
    case 'jenis-izin':
      rows.push(['permit_code', 'permit_type', ...SHARE_COLUMNS, 'digital_percent', 'previous_filed', 'previous_digital', 'previous_digital_percent']);
      for (const s of r.takeUp.byPermitType)
        rows.push([
          text(s.code),
          text(s.name.id),
          ...shareCells(s),
          csvPercent(s.digital),
          s.previousDigital.denominator,
          s.previousDigital.numerator,
          csvPercent(s.previousDigital),
        ]);
      break;
    case 'penyelesaian':
      rows.push(['permit_code', 'permit_type', 'started_online', 'submitted', 'submitted_percent']);
      for (const s of r.completion.byPermitType) rows.push([text(s.code), text(s.name.id), s.rate.denominator, s.rate.numerator, csvPercent(s.rate)]);
      break;
    case 'berhenti':
      rows.push(['permit_code', 'permit_type', 'step_kind', 'step_code', 'step', 'drafts']);
      for (const d of r.completion.dropOff)
        rows.push([
          text(d.permitCode),
          text(d.permitName.id),
          d.step.kind,
          text('code' in d.step ? d.step.code : ''),
          text('label' in d.step ? d.step.label.id : 'Periksa dan kirim'),
          d.drafts,
        ]);
      break;
    case 'masuk-keluar':
      rows.push(['period_start', 'period_end', 'filed', 'closed']);
      for (const s of r.flow.series) rows.push([s.start, s.end, s.in, s.out]);
      break;
    case 'tunggakan':
      rows.push(['state_code', 'state', 'open_files']);
      for (const s of r.backlog.states) rows.push([text(s.code), text(s.label.id), s.count]);
      break;
    case 'sla':
      rows.push(['permit_code', 'permit_type', 'sla_working_days', 'closed', 'closed_within_sla', 'compliance_percent', 'median_working_days']);
      for (const s of r.sla.byPermitType)
        rows.push([
          text(s.code),
          text(s.name.id),
          s.slaWorkingDays ?? '',
          s.compliance.denominator,
          s.compliance.numerator,
          csvPercent(s.compliance),
          s.medianWorkingDays ?? '',
        ]);
      break;
    case 'terlambat':
      rows.push(['permit_code', 'permit_type', 'overdue_files']);
      for (const s of r.overdue.byPermitType) rows.push([text(s.code), text(s.name.id), s.count]);
      break;
  }
  return `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}
