import { randomUUID } from 'node:crypto';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow, localDate, todayIn } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { findLatestTarget, insertTarget, listRecordedPayments, listTargetVersions } from './revenue.repository.js';

/** The largest target accepted: well above any city's retribution, and still exact as a JavaScript number. */
export const MAX_TARGET = 1_000_000_000_000_000;

type Localised = { id: string; en: string };

export type MonthFigure = { month: number; total: number; count: number };

export type PermitTypeRevenue = {
  /** The permit type's code; '-' for a payment whose file is unknown. */
  code: string;
  name: Localised;
  total: number;
  count: number;
  /** Twelve entries, January to December. */
  months: MonthFigure[];
};

export type RevenueTarget = {
  amount: number;
  version: number;
  reason: string;
  setAt: string;
  /** The admin's name. */
  setBy: string | null;
};

/**
 * How the year's end is projected. `pace`: the year is running, total so far ÷ elapsed days (today in
 * the office's time zone counted as elapsed) × days in the year; `actual`: the year is over, the
 * projection is its actual total; `none`: the year has not started, there is nothing to project from.
 */
export type ProjectionBasis = 'pace' | 'actual' | 'none';

export type RevenueReport = {
  year: number;
  timeZone: string;
  /** Today's date in the office's time zone (YYYY-MM-DD). */
  today: string;
  period: 'past' | 'current' | 'future';
  permitTypes: PermitTypeRevenue[];
  /** Twelve entries with the running total from January. */
  months: (MonthFigure & { cumulative: number })[];
  total: number;
  count: number;
  target: RevenueTarget | null;
  /** Every value set for the year, newest first. */
  targetHistory: RevenueTarget[];
  /** Total ÷ target in tenths of a percent, rounded half up with integer arithmetic; null: no target set. */
  achievedPermille: number | null;
  projection: { basis: ProjectionBasis; amount: number | null; elapsedDays: number; daysInYear: number; permilleOfTarget: number | null };
};

/** a × b ÷ c rounded half up, exactly (BigInt), for non-negative whole numbers. */
export function mulDivRound(a: number, b: number, c: number): number {
  const [A, B, C] = [BigInt(a), BigInt(b), BigInt(c)];
  return Number((2n * A * B + C) / (2n * C));
}

export function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

/** 1 for 1 January … 365 or 366 for 31 December. */
export function dayOfYear(ymd: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
}

/** The projection rule, alone so the unit test can check it. */
export function projectYear(input: { year: number; today: string; total: number; target: number | null }): RevenueReport['projection'] {
  const todayYear = Number(input.today.slice(0, 4));
  const days = daysInYear(input.year);
  const permille = (amount: number | null) => (amount === null || input.target === null ? null : mulDivRound(amount, 1000, input.target));
  if (input.year < todayYear) return { basis: 'actual', amount: input.total, elapsedDays: days, daysInYear: days, permilleOfTarget: permille(input.total) };
  if (input.year > todayYear) return { basis: 'none', amount: null, elapsedDays: 0, daysInYear: days, permilleOfTarget: null };
  const elapsed = dayOfYear(input.today);
  const amount = mulDivRound(input.total, days, elapsed);
  return { basis: 'pace', amount, elapsedDays: elapsed, daysInYear: days, permilleOfTarget: permille(amount) };
}

const UNKNOWN_TYPE: Localised = { id: 'Tanpa jenis izin', en: 'No permit type' };

export type RevenueDeps = { db: Db; clock: Clock; catalogue: Pick<CatalogueService, 'listPermitTypes'> };

/**
 * Retribution revenue against the office's annual target (issue 12, item 7): the payments recorded
 * against bills and files, by permit type and by month of `paid_at` in the office's time zone; the
 * target the admin sets per year (each value a new version, audited); % achieved and the projection.
 */
export function createRevenueService(deps: RevenueDeps) {
  const { db, clock } = deps;

  async function office(tenantId: string) {
    const tenant = await findTenantById(db, tenantId);
    if (!tenant) throw new Error(`office ${tenantId} vanished`);
    return tenant;
  }

  function toTarget(row: { amount: number; version: number; reason: string; created_at: string; created_by_name?: string | null }): RevenueTarget {
    return { amount: Number(row.amount), version: Number(row.version), reason: row.reason, setAt: row.created_at, setBy: row.created_by_name ?? null };
  }

  /** The current year in the office's time zone. */
  async function currentYear(input: { actor: Actor }): Promise<number> {
    requireAccess({ actor: input.actor, permission: 'revenue.read', resource: { tenantId: input.actor.tenantId } });
    const tenant = await office(input.actor.tenantId);
    return Number(todayIn(clock, tenant.time_zone).slice(0, 4));
  }

  /** Head, admin and treasurer: one year's revenue by permit type and month, against the target. */
  async function getRevenue(input: { actor: Actor; year?: number | undefined }): Promise<RevenueReport> {
    const { actor } = input;
    requireAccess({ actor, permission: 'revenue.read', resource: { tenantId: actor.tenantId } });
    const tenant = await office(actor.tenantId);
    const zone = tenant.time_zone;
    const today = todayIn(clock, zone);
    const year = input.year ?? Number(today.slice(0, 4));
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      throw new AppError('invalid_input', 'the year is from 2000 to 2100', {
        fields: [{ field: 'year', code: 'year_out_of_range', message: 'the year is from 2000 to 2100' }],
      });
    }
    // The year's UTC range widened by a day on each side covers every time zone (UTC−12 … UTC+14);
    // each payment is then placed by its date in the office's zone, and the other years' dropped.
    const rows = await listRecordedPayments(db, actor.tenantId, `${year - 1}-12-31T00:00:00.000Z`, `${year + 1}-01-02T00:00:00.000Z`);
    const types = await deps.catalogue.listPermitTypes({ tenantId: actor.tenantId, includeDisabled: true });
    const names = new Map(types.map((pt) => [pt.definition.code, pt.definition.name]));
    const byType = new Map<string, PermitTypeRevenue>();
    const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, total: 0, count: 0, cumulative: 0 }));
    for (const row of rows) {
      const date = localDate(row.paid_at, zone);
      if (Number(date.slice(0, 4)) !== year) continue;
      const m = Number(date.slice(5, 7));
      const code = row.permit_code ?? '-';
      let entry = byType.get(code);
      if (!entry) {
        entry = {
          code,
          name: row.permit_code ? (names.get(row.permit_code) ?? { id: row.permit_code, en: row.permit_code }) : UNKNOWN_TYPE,
          total: 0,
          count: 0,
          months: Array.from({ length: 12 }, (_, i) => ({ month: i + 1, total: 0, count: 0 })),
        };
        byType.set(code, entry);
      }
      entry.total += row.amount;
      entry.count += 1;
      entry.months[m - 1]!.total += row.amount;
      entry.months[m - 1]!.count += 1;
      months[m - 1]!.total += row.amount;
      months[m - 1]!.count += 1;
    }
    let running = 0;
    for (const m of months) {
      running += m.total;
      m.cumulative = running;
    }
    const history = (await listTargetVersions(db, actor.tenantId, year)).map(toTarget);
    const target = history[0] ?? null;
    const todayYear = Number(today.slice(0, 4));
    return {
      year,
      timeZone: zone,
      today,
      period: year < todayYear ? 'past' : year > todayYear ? 'future' : 'current',
      permitTypes: [...byType.values()].sort((a, b) => a.code.localeCompare(b.code)),
      months,
      total: running,
      count: months.reduce((n, m) => n + m.count, 0),
      target,
      targetHistory: history,
      achievedPermille: target ? mulDivRound(running, 1000, target.amount) : null,
      projection: projectYear({ year, today, total: running, target: target?.amount ?? null }),
    };
  }

  /**
   * The admin: the office's target for a year (whole rupiah above 0, with a reason), this year, an
   * earlier one or next year ahead. A new value replaces the old one as a new version; the old ones
   * stay as the history; audited. Two saves at the same moment: one wins, the other is 409 conflict.
   */
  async function setTarget(input: { actor: Actor; year: number; amount: number; reason: string }): Promise<RevenueTarget> {
    const { actor } = input;
    requireAccess({ actor, permission: 'revenue.manage', resource: { tenantId: actor.tenantId } });
    const tenant = await office(actor.tenantId);
    const nextYear = Number(todayIn(clock, tenant.time_zone).slice(0, 4)) + 1;
    const reason = (input.reason ?? '').trim();
    const fields: { field: string; code: string; message: string }[] = [];
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > nextYear) {
      fields.push({ field: 'year', code: 'year_out_of_range', message: `the year is from 2000 to ${nextYear} (next year's target can be set ahead)` });
    }
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_TARGET) {
      fields.push({ field: 'amount', code: 'amount_invalid', message: 'the target is a whole number of rupiah above 0' });
    }
    if (reason.length < 3 || reason.length > 500) fields.push({ field: 'reason', code: 'reason_required', message: 'say why, in 3 to 500 characters' });
    if (fields.length) throw new AppError('invalid_input', 'the target is not valid', { fields });
    const now = isoNow(clock);
    const id = randomUUID();
    try {
      await db.transaction().execute(async (trx) => {
        const latest = await findLatestTarget(trx, actor.tenantId, input.year);
        const version = latest ? latest.version + 1 : 1;
        await insertTarget(trx, {
          id,
          tenant_id: actor.tenantId,
          year: input.year,
          version,
          amount: input.amount,
          reason,
          created_by: actor.userId,
          created_at: now,
        });
        await appendAudit(trx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          action: 'revenue.target_set',
          subjectType: 'revenue_target',
          subjectId: id,
          data: { year: input.year, version, amount: input.amount, previousAmount: latest ? latest.amount : null, reason },
          occurredAt: now,
        });
      });
    } catch (err) {
      if (violatedConstraint(err) === null) throw err;
      throw new AppError('conflict', `the ${input.year} target was set by someone else at the same moment; reload and try again`);
    }
    const saved = (await listTargetVersions(db, actor.tenantId, input.year)).find((r) => r.id === id);
    if (!saved) throw new Error(`revenue target ${id} vanished`);
    return toTarget(saved);
  }

  /** The report as CSV (RFC 4180, UTF-8): one row per permit type × month, whole rupiah. */
  async function exportCsv(input: { actor: Actor; year?: number | undefined }): Promise<{ year: number; csv: string }> {
    const report = await getRevenue(input);
    return { year: report.year, csv: revenueCsv(report) };
  }

  return { getRevenue, setTarget, exportCsv, currentYear };
}
export type RevenueService = ReturnType<typeof createRevenueService>;

export const REVENUE_CSV_COLUMNS = ['year', 'month', 'permit_code', 'permit_type', 'payments', 'amount_idr'] as const;

/** One row per permit type with revenue in the year × each of the twelve months (zero months too). */
export function revenueCsv(report: RevenueReport): string {
  const text = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`;
  const lines: string[] = [REVENUE_CSV_COLUMNS.join(',')];
  for (const pt of report.permitTypes) {
    for (const m of pt.months) lines.push([report.year, m.month, text(pt.code), text(pt.name.id), m.count, m.total].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
