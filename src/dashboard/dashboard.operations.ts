import type { Db } from '../db/database.js';
import { median, minutesBetween, visitTimes } from '../queue/queue.policy.js';
import { findLatestTarget, listRecordedPayments } from '../revenue/revenue.repository.js';
import { SKM_ELEMENTS, type SkmElement, type SkmGrade, skmFromSums } from '../survey/skm.js';
import { sumAnswers } from '../survey/survey.repository.js';
import { addDays, localDate } from '../shared/time.js';
import { listHelpFirstResponses, listQueueEventsOfDays, listQueueTicketsOfDays } from './dashboard.operations.repository.js';

type Localised = { id: string; en: string };
/** numerator ÷ denominator, both exact; a denominator of 0: nothing recorded (never shown as 0%). */
type Ratio = { numerator: number; denominator: number };

/**
 * The office's other services on the head's dashboard (issue 13, item 1, fourth bullet), for the
 * dashboard's period: retribution received and the year to date against the annual target (src/revenue/),
 * the SKM index (src/survey/skm.ts), the help desk's first answers (src/helpdesk/), and the queue's
 * visitors per hour with its waiting and service times (src/queue/, the day report's rule over a period).
 * Every figure keeps its counts; nothing recorded is null or an empty list, never a zero percent.
 */
export type OperationsReport = {
  revenue: {
    /** Recorded payments paid (office-local date of paid_at) in the period; the permit type filter applies. */
    period: { total: number; count: number; byPermitType: { code: string; name: Localised; total: number; count: number }[] };
    /** The year of the period's end, 1 January to the period's end, the whole office (the target is the office's). */
    yearToDate: { year: number; from: string; to: string; total: number; count: number };
    /** The year's target (its latest version) and the year to date over it; null: no target set. */
    target: { amount: number; achieved: Ratio } | null;
  };
  skm: {
    /** Answers record only their month: the months the period touches. */
    fromMonth: string;
    toMonth: string;
    /** null: no answers in those months. index = 25 × scoreSum ÷ (9 × respondents), rounded to two decimals. */
    result: { respondents: number; scoreSum: number; weightedIndex: number; index: number; grade: SkmGrade; label: Localised } | null;
  };
  helpdesk: {
    received: number;
    /** Answered (a first answer recorded) ÷ received. */
    answered: Ratio;
    /** First answered by the end of its due date (office-local day, the help desk's own rule) ÷ received. */
    withinDue: Ratio;
    /** The median minutes from the request to its first answer, over the answered ones; null: none answered. */
    medianFirstResponseMinutes: number | null;
  };
  queue: {
    /** Tickets issued on the period's days. */
    visitors: number;
    /** Per office-local hour of issue, from the first hour with a ticket to the last (hours between with none as 0). */
    byHour: HourFigure[];
    total: Omit<HourFigure, 'hour'>;
  };
};

export type HourFigure = {
  /** 0–23, the office-local hour the ticket was issued in. */
  hour: number;
  visitors: number;
  /** Tickets called: waiting from issue to the first call. */
  waited: number;
  medianWaitMinutes: number | null;
  /** Tickets served to completion: from the first start to the completion. */
  served: number;
  medianServiceMinutes: number | null;
};

/** The tables this part adds to the dashboard, each also as CSV. */
export const OPERATIONS_TABLES = ['pendapatan', 'skm', 'layanan-bantuan', 'antrean'] as const;
export type OperationsTable = (typeof OPERATIONS_TABLES)[number];

export function isOperationsTable(t: string): t is OperationsTable {
  return (OPERATIONS_TABLES as readonly string[]).includes(t);
}

const UNKNOWN_TYPE: Localised = { id: 'Tanpa jenis izin', en: 'No permit type' };
const tenth = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export type OperationsInput = {
  tenantId: string;
  timeZone: string;
  /** The office's UTC offset in minutes, as the rest of the dashboard reads office-local days and hours. */
  offsetMinutes: number;
  from: string;
  to: string;
  permitType?: string | undefined;
  nameOf: (code: string) => Localised;
};

/** The UTC instant of an office-local midnight. */
function midnightUtc(date: string, offsetMinutes: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - offsetMinutes * 60_000).toISOString();
}

/**
 * Called by the dashboard service after its access check (dashboard.read, the actor's own office): every
 * query is scoped to `tenantId`.
 */
export async function dashboardOperations(db: Db, input: OperationsInput): Promise<OperationsReport> {
  const { tenantId, timeZone: zone, from, to } = input;
  const fromIso = midnightUtc(from, input.offsetMinutes);
  const toIso = midnightUtc(addDays(to, 1), input.offsetMinutes);

  // Revenue: the payments of the period and of 1 January to the period's end, placed by their office-local date.
  const year = Number(to.slice(0, 4));
  const yearStart = `${year}-01-01`;
  const first = from < yearStart ? from : yearStart;
  const payments = await listRecordedPayments(db, tenantId, `${addDays(first, -1)}T00:00:00.000Z`, `${addDays(to, 2)}T00:00:00.000Z`);
  const byType = new Map<string, { code: string; name: Localised; total: number; count: number }>();
  const period = { total: 0, count: 0 };
  const ytd = { total: 0, count: 0 };
  for (const p of payments) {
    const day = localDate(p.paid_at, zone);
    if (day >= yearStart && day <= to) {
      ytd.total += p.amount;
      ytd.count += 1;
    }
    if (day < from || day > to) continue;
    if (input.permitType && p.permit_code !== input.permitType) continue;
    period.total += p.amount;
    period.count += 1;
    const code = p.permit_code ?? '-';
    const e = byType.get(code) ?? { code, name: p.permit_code ? input.nameOf(p.permit_code) : UNKNOWN_TYPE, total: 0, count: 0 };
    e.total += p.amount;
    e.count += 1;
    byType.set(code, e);
  }
  const target = await findLatestTarget(db, tenantId, year);

  // SKM: the months the period touches, over every service of the office.
  const fromMonth = from.slice(0, 7);
  const toMonth = to.slice(0, 7);
  const sums = await sumAnswers(db, { tenantId, fromPeriod: fromMonth, toPeriod: toMonth });
  const total = Object.fromEntries(SKM_ELEMENTS.map((e) => [e, sums.reduce((s, r) => s + r.sums[e], 0)])) as Record<SkmElement, number>;
  const skm = skmFromSums({ respondents: sums.reduce((s, r) => s + r.respondents, 0), sums: total });

  // Help desk: the requests received in the period and their first answers.
  const requests = await listHelpFirstResponses(db, { tenantId, fromIso, toIso });
  const answered = requests.filter((r) => r.first_response_at !== null);
  const withinDue = answered.filter((r) => localDate(r.first_response_at!, zone) <= r.first_response_due_on);

  // Queue: tickets issued on the period's days, by the hour of issue; times from the events (queue.policy visitTimes).
  const tickets = await listQueueTicketsOfDays(db, { tenantId, fromDay: from, toDay: to });
  const times = visitTimes(await listQueueEventsOfDays(db, { tenantId, fromDay: from, toDay: to }));
  const hourOf = (iso: string) => new Date(Date.parse(iso) + input.offsetMinutes * 60_000).getUTCHours();
  const figure = (ids: readonly string[]): Omit<HourFigure, 'hour'> => {
    const visits = ids.map((id) => times.get(id)).filter((t) => t !== undefined);
    const waits = visits.filter((t) => t.issue && t.call).map((t) => minutesBetween(t.issue!, t.call!));
    const services = visits.filter((t) => t.start && t.complete).map((t) => minutesBetween(t.start!, t.complete!));
    return {
      visitors: ids.length,
      waited: waits.length,
      medianWaitMinutes: tenth(median(waits)),
      served: services.length,
      medianServiceMinutes: tenth(median(services)),
    };
  };
  const idsByHour = new Map<number, string[]>();
  for (const t of tickets) idsByHour.set(hourOf(t.issued_at), [...(idsByHour.get(hourOf(t.issued_at)) ?? []), t.id]);
  const hours = [...idsByHour.keys()];
  const byHour: HourFigure[] = [];
  if (hours.length) for (let h = Math.min(...hours); h <= Math.max(...hours); h++) byHour.push({ hour: h, ...figure(idsByHour.get(h) ?? []) });

  return {
    revenue: {
      period: { ...period, byPermitType: [...byType.values()].sort((a, b) => a.code.localeCompare(b.code)) },
      yearToDate: { year, from: yearStart, to, ...ytd },
      target: target ? { amount: target.amount, achieved: { numerator: ytd.total, denominator: target.amount } } : null,
    },
    skm: {
      fromMonth,
      toMonth,
      result: skm
        ? {
            respondents: skm.respondents,
            scoreSum: SKM_ELEMENTS.reduce((s, e) => s + total[e], 0),
            weightedIndex: skm.weightedIndex,
            index: skm.index,
            grade: skm.grade,
            label: skm.label,
          }
        : null,
    },
    helpdesk: {
      received: requests.length,
      answered: { numerator: answered.length, denominator: requests.length },
      withinDue: { numerator: withinDue.length, denominator: requests.length },
      medianFirstResponseMinutes: tenth(median(answered.map((r) => minutesBetween(r.created_at, r.first_response_at!)))),
    },
    queue: { visitors: tickets.length, byHour, total: figure(tickets.map((t) => t.id)) },
  };
}

/** numerator ÷ denominator as a percentage with one decimal for CSV ("37.5"), rounded half up exactly; empty when nothing is recorded. */
function csvPercent(r: Ratio): string {
  if (r.denominator === 0) return '';
  const p = Number((2000n * BigInt(r.numerator) + BigInt(r.denominator)) / (2n * BigInt(r.denominator)));
  return `${Math.trunc(p / 10)}.${p % 10}`;
}

/** One of this part's tables as CSV rows (RFC 4180, UTF-8; the dashboard's CSV writes them out). */
export function operationsCsv(o: OperationsReport, period: { from: string; to: string }, table: OperationsTable): string {
  const text = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`;
  const rows: (string | number)[][] = [];
  const n = (x: number | null) => (x === null ? '' : x);
  switch (table) {
    case 'pendapatan': {
      const r = o.revenue;
      rows.push(['row', 'from', 'to', 'permit_code', 'permit_type', 'payments', 'amount_idr', 'target_idr', 'achieved_percent']);
      for (const s of r.period.byPermitType) rows.push(['period_permit_type', period.from, period.to, text(s.code), text(s.name.id), s.count, s.total, '', '']);
      rows.push(['period', period.from, period.to, '', '', r.period.count, r.period.total, '', '']);
      rows.push([
        'year_to_date',
        r.yearToDate.from,
        r.yearToDate.to,
        '',
        '',
        r.yearToDate.count,
        r.yearToDate.total,
        r.target?.amount ?? '',
        r.target ? csvPercent(r.target.achieved) : '',
      ]);
      break;
    }
    case 'skm': {
      const s = o.skm.result;
      rows.push(['from_month', 'to_month', 'respondents', 'score_sum', 'weighted_index', 'index', 'grade', 'grade_label']);
      rows.push([
        o.skm.fromMonth,
        o.skm.toMonth,
        s?.respondents ?? 0,
        s?.scoreSum ?? 0,
        s ? s.weightedIndex.toFixed(2) : '',
        s ? s.index.toFixed(2) : '',
        s?.grade ?? '',
        s ? text(s.label.id) : '',
      ]);
      break;
    }
    case 'layanan-bantuan': {
      const h = o.helpdesk;
      rows.push(['from', 'to', 'received', 'answered', 'answered_percent', 'answered_within_due', 'within_due_percent', 'median_first_response_minutes']);
      rows.push([
        period.from,
        period.to,
        h.received,
        h.answered.numerator,
        csvPercent(h.answered),
        h.withinDue.numerator,
        csvPercent(h.withinDue),
        n(h.medianFirstResponseMinutes),
      ]);
      break;
    }
    case 'antrean': {
      rows.push(['hour', 'visitors', 'called', 'median_wait_minutes', 'served', 'median_service_minutes']);
      const line = (label: string, f: Omit<HourFigure, 'hour'>) => [label, f.visitors, f.waited, n(f.medianWaitMinutes), f.served, n(f.medianServiceMinutes)];
      for (const f of o.queue.byHour) rows.push(line(`${String(f.hour).padStart(2, '0')}:00`, f));
      rows.push(line('total', o.queue.total));
      break;
    }
  }
  return `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}
