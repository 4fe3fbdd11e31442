import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { type Channel, CHANNELS, type ChannelShares, channelShares, permille, type Ratio, utcOffsetMinutes } from '../dashboard/dashboard.service.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/errors.js';
import { type Clock, todayIn } from '../shared/time.js';
import { countClosedOutcomes } from '../sla/outcomes.repository.js';
import { SKM_ELEMENTS, type SkmGrade, skmFromSums, type SkmElement } from '../survey/skm.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { countFiledByMonth, firstFiledAt, type MonthlySkmSums, type MonthScope, sumSkmByMonth } from './transparency.repository.js';
import type { Dataset, FiledRecord, SkmRecord, SlaRecord } from './transparency.schemas.js';

type Localised = { id: string; en: string };

export type SlaFigures = { closed: number; measured: number; withinSla: number; compliance: Ratio; medianWorkingDays: number | null };
export type SkmFigures = { respondents: number; index: number | null; grade: SkmGrade | null; label: Localised | null };
type TypeShares = { code: string; name: Localised } & ChannelShares;

export type TransparencyReport = {
  office: { code: string; name: string };
  timeZone: string;
  utcOffsetMinutes: number;
  today: string;
  year: number | null;
  years: number[];
  from: string;
  to: string;
  permitTypes: { code: string; name: Localised }[];
  months: { month: string; filed: ChannelShares; byPermitType: TypeShares[]; sla: SlaFigures; skm: SkmFigures }[];
  total: {
    filed: ChannelShares;
    byPermitType: TypeShares[];
    sla: SlaFigures;
    slaByPermitType: ({ code: string; name: Localised; slaWorkingDays: number | null } & SlaFigures)[];
    skm: SkmFigures;
  };
};

/**
 * One SLA histogram row (countClosedOutcomes): how many files of a permit type closed in a month used
 * `used_days` working days and met (1), missed (0) or had no (null) service time. Median and
 * compliance are read from it.
 */
export type SlaOutcome = { month: string; permit_code: string; used_days: number | null; met: number | null; n: number };

/** How long the grouped counts of one office and period are reused: the figures shown are at most this old. */
export const CACHE_MS = 5 * 60_000;
const CACHE_ENTRIES = 500;

type Figures = {
  filed: Awaited<ReturnType<typeof countFiledByMonth>>;
  outcomes: SlaOutcome[];
  skm: MonthlySkmSums[];
};

/** The first year the year selector offers when the office has filed nothing yet, and the earliest one accepted. */
const EARLIEST_YEAR = 2000;

/** The months from..to (YYYY-MM), inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (let s = from; s <= to; s = `${y}-${String(m).padStart(2, '0')}`) {
    out.push(s);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

function addMonths(month: string, k: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** The median of a histogram of whole numbers (value → count): the mean of the two middle values for an even count; null for none. */
export function histogramMedian(h: ReadonlyMap<number, number>): number | null {
  const total = [...h.values()].reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const sorted = [...h.entries()].sort(([a], [b]) => a - b);
  const at = (k: number): number => {
    let seen = 0;
    for (const [v, n] of sorted) {
      seen += n;
      if (k < seen) return v;
    }
    return sorted[sorted.length - 1]![0];
  };
  return total % 2 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/** SLA figures from histogram rows (any subset: a month, a type, the period). */
export function slaFigures(rows: readonly SlaOutcome[]): SlaFigures {
  const days = new Map<number, number>();
  let closed = 0;
  let measured = 0;
  let withinSla = 0;
  for (const r of rows) {
    closed += r.n;
    if (r.met !== null) measured += r.n;
    if (r.met === 1) withinSla += r.n;
    if (r.used_days !== null) days.set(r.used_days, (days.get(r.used_days) ?? 0) + r.n);
  }
  return { closed, measured, withinSla, compliance: { numerator: withinSla, denominator: measured }, medianWorkingDays: histogramMedian(days) };
}

function skmFigures(input: { respondents: number; sums: Record<SkmElement, number> } | undefined): SkmFigures {
  const r = input ? skmFromSums(input) : null;
  return r ? { respondents: r.respondents, index: r.index, grade: r.grade, label: r.label } : { respondents: 0, index: null, grade: null, label: null };
}

/** A ratio in percent with one decimal (87.5), rounded half up exactly; null when nothing is recorded. */
export function percentOf(r: Ratio): number | null {
  const p = permille(r);
  return p === null ? null : p / 10;
}

export type TransparencyDeps = {
  db: Db;
  clock: Clock;
  catalogue: Pick<CatalogueService, 'listPermitTypes'>;
};

export type TransparencyQuery = {
  tenantId: string;
  year?: number | undefined;
  /** The page's GET form: a year that cannot be shown falls back to the last 12 months instead of a 400. */
  lenient?: boolean;
};

/**
 * The public transparency figures of one office (issue 13, item 3), for anyone: per office-local month,
 * applications filed by channel and permit type (pooled shares), SLA compliance and median working
 * days of the files closed, the SKM index. Public like the registry: the office is the request's
 * (tenantId from the host), there is no actor, and nothing personal is read.
 */
export function createTransparencyService(deps: TransparencyDeps) {
  const { db, clock } = deps;

  /**
   * The period's grouped counts (filings, the SLA histogram, the SKM sums), kept for CACHE_MS per office
   * and period: the figures are public, the same for every visitor, and a year of a large office is a
   * scan of its filings; the page, the JSON and the three exports of one visit then cost one read.
   */
  const cache = new Map<string, { at: number; figures: Promise<Figures> }>();
  function figuresOf(scope: MonthScope, from: string, to: string): Promise<Figures> {
    const key = `${scope.tenantId}|${from}|${to}|${scope.offsetMinutes}`;
    const now = clock.now().getTime();
    const hit = cache.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.figures;
    for (const [k, v] of cache) if (now - v.at >= CACHE_MS || cache.size >= CACHE_ENTRIES) cache.delete(k);
    const figures = (async (): Promise<Figures> => ({
      filed: await countFiledByMonth(db, scope),
      // The outcome each closed file kept when it closed (migration 0035), grouped in SQL.
      outcomes: (await countClosedOutcomes(db, scope, 'month')).map((r) => ({ ...r, month: r.month ?? '' })),
      skm: await sumSkmByMonth(db, { tenantId: scope.tenantId, fromPeriod: from, toPeriod: to }),
    }))();
    cache.set(key, { at: now, figures });
    // A failed read is not kept.
    figures.catch(() => cache.delete(key));
    return figures;
  }

  /** The months shown: a year (up to the current month), or the last 12 up to the current one. */
  async function period(input: TransparencyQuery) {
    const tenant = await findTenantById(db, input.tenantId);
    if (!tenant) throw new Error(`office ${input.tenantId} vanished`);
    const zone = tenant.time_zone;
    const today = todayIn(clock, zone);
    const thisMonth = today.slice(0, 7);
    const thisYear = Number(today.slice(0, 4));
    const first = await firstFiledAt(db, tenant.id);
    const firstYear = Math.min(thisYear, first ? Number(first.slice(0, 4)) : thisYear);
    let year = input.year ?? null;
    if (year !== null && (year < EARLIEST_YEAR || year > thisYear)) {
      const message = `year is from ${EARLIEST_YEAR} to ${thisYear}`;
      if (!input.lenient) throw new AppError('invalid_input', message, { fields: [{ field: 'year', code: 'year_invalid', message }] });
      year = null;
    }
    const from = year === null ? addMonths(thisMonth, -11) : `${year}-01`;
    const to = year === null ? thisMonth : year === thisYear ? thisMonth : `${year}-12`;
    const offset = utcOffsetMinutes(zone, clock.now());
    const midnight = (month: string) => new Date(Date.parse(`${month}-01T00:00:00.000Z`) - offset * 60_000).toISOString();
    const scope: MonthScope = { tenantId: tenant.id, fromIso: midnight(from), toIso: midnight(addMonths(to, 1)), offsetMinutes: offset };
    const years: number[] = [];
    for (let y = thisYear; y >= Math.max(EARLIEST_YEAR, Math.min(firstYear, year ?? thisYear)); y--) years.push(y);
    return { tenant, zone, today, year, from, to, offset, scope, years };
  }

  async function getReport(input: TransparencyQuery): Promise<TransparencyReport> {
    const p = await period(input);
    const types = await deps.catalogue.listPermitTypes({ tenantId: p.tenant.id, includeDisabled: true });
    const defs = new Map(types.map((pt) => [pt.definition.code, pt.definition]));
    const nameOf = (code: string): Localised => defs.get(code)?.name ?? { id: code, en: code };
    const months = monthsBetween(p.from, p.to);

    const { filed, outcomes, skm: sums } = await figuresOf(p.scope, p.from, p.to);
    const skm = new Map(sums.map((r) => [r.month, r]));

    const sharesOf = (keep: (r: (typeof filed)[number]) => boolean): ChannelShares => {
      const c: Partial<Record<Channel, number>> = {};
      for (const r of filed) if (keep(r)) c[r.channel] = (c[r.channel] ?? 0) + r.n;
      return channelShares(c);
    };
    const codesFiled = [...new Set(filed.map((r) => r.permit_code))].sort();
    const byType = (keep: (r: (typeof filed)[number]) => boolean): TypeShares[] =>
      codesFiled.map((code) => ({ code, name: nameOf(code), ...sharesOf((r) => r.permit_code === code && keep(r)) })).filter((t) => t.filed > 0);
    const skmTotal = { respondents: 0, sums: Object.fromEntries(SKM_ELEMENTS.map((e) => [e, 0])) as Record<SkmElement, number> };
    for (const r of skm.values()) {
      skmTotal.respondents += r.respondents;
      for (const e of SKM_ELEMENTS) skmTotal.sums[e] += r.sums[e];
    }
    const codesClosed = [...new Set(outcomes.map((o) => o.permit_code))].sort();

    return {
      office: { code: p.tenant.code, name: p.tenant.name },
      timeZone: p.zone,
      utcOffsetMinutes: p.offset,
      today: p.today,
      year: p.year,
      years: p.years,
      from: p.from,
      to: p.to,
      permitTypes: types.map((pt) => ({ code: pt.definition.code, name: pt.definition.name })).sort((a, b) => a.code.localeCompare(b.code)),
      months: months.map((month) => ({
        month,
        filed: sharesOf((r) => r.month === month),
        byPermitType: byType((r) => r.month === month),
        sla: slaFigures(outcomes.filter((o) => o.month === month)),
        skm: skmFigures(skm.get(month)),
      })),
      total: {
        filed: sharesOf(() => true),
        byPermitType: byType(() => true),
        sla: slaFigures(outcomes),
        slaByPermitType: codesClosed.map((code) => ({
          code,
          name: nameOf(code),
          slaWorkingDays: defs.get(code)?.slaWorkingDays ?? null,
          ...slaFigures(outcomes.filter((o) => o.permit_code === code)),
        })),
        skm: skmFigures(skmTotal),
      },
    };
  }

  /** One open-data file's records for the same months as the page (docs/transparency.md). */
  async function exportRecords(
    input: TransparencyQuery & { dataset: Dataset },
  ): Promise<{ from: string; to: string; records: FiledRecord[] | SlaRecord[] | SkmRecord[] }> {
    const p = await period(input);
    return { from: p.from, to: p.to, records: await recordsOf(p, input.dataset) };
  }

  async function recordsOf(p: Awaited<ReturnType<typeof period>>, dataset: Dataset): Promise<FiledRecord[] | SlaRecord[] | SkmRecord[]> {
    const office = p.tenant.code;
    const types = await deps.catalogue.listPermitTypes({ tenantId: p.tenant.id, includeDisabled: true });
    const defs = new Map(types.map((pt) => [pt.definition.code, pt.definition]));
    const nameOf = (code: string) => defs.get(code)?.name.id ?? code;
    const order = (a: { month: string; permit_code: string }, b: { month: string; permit_code: string }) =>
      a.month.localeCompare(b.month) || a.permit_code.localeCompare(b.permit_code);
    if (dataset === 'filed') {
      const rows = (await figuresOf(p.scope, p.from, p.to)).filed;
      return [...rows]
        .filter((r) => r.n > 0)
        .sort((a, b) => order(a, b) || CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel))
        .map((r) => ({
          office,
          month: r.month,
          permitType: r.permit_code,
          permitTypeName: nameOf(r.permit_code),
          channel: r.channel,
          digital: r.channel === 'online' || r.channel === 'assisted',
          filed: r.n,
        }));
    }
    if (dataset === 'sla') {
      const { outcomes } = await figuresOf(p.scope, p.from, p.to);
      const out: SlaRecord[] = [];
      for (const month of [...new Set(outcomes.map((o) => o.month))].sort()) {
        const inMonth = outcomes.filter((o) => o.month === month);
        const row = (code: string | null, rows: SlaOutcome[]): SlaRecord => {
          const f = slaFigures(rows);
          return {
            office,
            month,
            permitType: code,
            permitTypeName: code === null ? null : nameOf(code),
            slaWorkingDays: code === null ? null : (defs.get(code)?.slaWorkingDays ?? null),
            closed: f.closed,
            measured: f.measured,
            withinSla: f.withinSla,
            compliancePercent: percentOf(f.compliance),
            medianWorkingDays: f.medianWorkingDays,
          };
        };
        out.push(row(null, inMonth));
        for (const code of [...new Set(inMonth.map((o) => o.permit_code))].sort())
          out.push(
            row(
              code,
              inMonth.filter((o) => o.permit_code === code),
            ),
          );
      }
      return out;
    }
    const sums = (await figuresOf(p.scope, p.from, p.to)).skm;
    return sums.flatMap((r): SkmRecord[] => {
      const s = skmFromSums(r);
      if (!s) return [];
      return [
        {
          office,
          month: r.month,
          respondents: s.respondents,
          u1Requirements: s.means.requirements,
          u2Procedure: s.means.procedure,
          u3Time: s.means.time,
          u4Fee: s.means.fee,
          u5Product: s.means.product,
          u6Competence: s.means.competence,
          u7Behaviour: s.means.behaviour,
          u8Complaints: s.means.complaints,
          u9Facilities: s.means.facilities,
          weightedIndex: s.weightedIndex,
          index: s.index,
          grade: s.grade,
          gradeLabel: s.label.id,
        },
      ];
    });
  }

  return { getReport, exportRecords };
}
export type TransparencyService = ReturnType<typeof createTransparencyService>;
