import type { Db } from '../db/database.js';
import type { HolidaysTable } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { bumpGeneration, CACHE_SCOPES, type CacheGenerations } from '../cache/cache-generations.js';
import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isCalendarDate, isoNow, todayIn } from '../shared/time.js';
import { type HolidayEntry, loadHolidayEntries } from './calendar.js';
import { deleteHoliday, hasHolidays, insertHolidayIfAbsent, listHolidayDates, listHolidays, upsertHoliday } from './holidays.repository.js';

/** The kinds of closed day: by national decree, cuti bersama (collective leave), or the office's own. */
export const HOLIDAY_KINDS = ['national', 'cuti_bersama', 'local'] as const satisfies readonly HolidaysTable['kind'][];

/** One year of an office's holiday calendar, with the years there is something to show for. */
export type HolidayCalendar = { year: number; years: number[]; days: HolidaysTable[] };

function requireManager(actor: Actor): void {
  requireAccess({ actor, permission: 'holidays.manage', resource: { tenantId: actor.tenantId } });
}

/**
 * Each office's holiday calendar lives in the database (seeded from seed-data/holidays.json) so its
 * admin can amend it when a decree changes. Reads are cached per office, dropped on every change this
 * instance makes, and refilled once a change made on another instance is seen (its generation, bumped in
 * the change's transaction, polled about once a second: src/cache/cache-generations.ts); a cached copy is
 * trusted for a minute at most whatever the generations say.
 */

/** From this month (November) the office is told when next year's holidays are not entered yet. */
export const CALENDAR_WARNING_MONTH = 11;

/** A due date counted over a year whose holidays are not entered may move once they are: it is provisional. */
export function isProvisionalDate(date: string | null, yearsWithHolidays: ReadonlySet<number>): boolean {
  return date !== null && !yearsWithHolidays.has(Number(date.slice(0, 4)));
}

/** How long an instance trusts its cached copy of an office's holidays when no change is seen (a backstop). */
const CACHE_MS = 60_000;

export function createHolidayService(deps: { db: Db; clock: Clock; generations: Pick<CacheGenerations, 'current'> }) {
  const cache = new Map<string, { at: number; generation: number; days: Promise<ReadonlySet<string>> }>();
  /** Told after a change commits (services.ts: the open files' stored due dates are worked out again). */
  const listeners: ((input: { actor: Actor }) => Promise<unknown>)[] = [];
  function onChange(listener: (input: { actor: Actor }) => Promise<unknown>): void {
    listeners.push(listener);
  }
  async function changed(actor: Actor): Promise<void> {
    cache.delete(actor.tenantId);
    for (const listener of listeners) await listener({ actor });
  }

  async function forTenant(tenantId: string): Promise<ReadonlySet<string>> {
    const now = deps.clock.now().getTime();
    let entry = cache.get(tenantId);
    const generation = deps.generations.current(CACHE_SCOPES.holidays);
    // Another instance changed a calendar since this copy was read (or it is old): read it again.
    if (!entry || entry.generation !== generation || now - entry.at > CACHE_MS) {
      entry = { at: now, generation, days: listHolidayDates(deps.db, tenantId).then((dates) => new Set(dates)) };
      cache.set(tenantId, entry);
    }
    return entry.days;
  }

  /** The years the office's calendar has at least one closed day in (a year without any is not entered yet). */
  async function yearsWithHolidays(tenantId: string): Promise<ReadonlySet<number>> {
    return new Set([...(await forTenant(tenantId))].map((d) => Number(d.slice(0, 4))));
  }

  /**
   * The year whose holidays the office has not entered, when it matters now: this year, or from
   * 1 November the coming one (decrees for the next year are out by then). Null when the calendar is
   * complete, or for someone who is not told (only the head and the admin are).
   */
  async function calendarGap(input: { actor: Actor; timeZone: string }): Promise<{ year: number } | null> {
    if (!can(input.actor, 'calendar.watch', { tenantId: input.actor.tenantId })) return null;
    const today = todayIn(deps.clock, input.timeZone);
    const year = Number(today.slice(0, 4));
    const years = await yearsWithHolidays(input.actor.tenantId);
    if (!years.has(year)) return { year };
    if (Number(today.slice(5, 7)) >= CALENDAR_WARNING_MONTH && !years.has(year + 1)) return { year: year + 1 };
    return null;
  }

  /** The office's whole calendar, for code that acts for no person (the SLA clock, tests). */
  async function list(tenantId: string): Promise<HolidaysTable[]> {
    return listHolidays(deps.db, tenantId);
  }

  /**
   * One year of the calendar for the office's admin (this year in the office's time zone when none
   * is asked for), and the years to offer: those with holidays, this year and the next.
   */
  async function calendar(input: { actor: Actor; timeZone: string; year?: number | undefined }): Promise<HolidayCalendar> {
    requireManager(input.actor);
    const thisYear = Number(todayIn(deps.clock, input.timeZone).slice(0, 4));
    const year = input.year ?? thisYear;
    const all = await list(input.actor.tenantId);
    const years = [...new Set([...all.map((h) => Number(h.date.slice(0, 4))), thisYear, thisYear + 1, year])].sort((a, b) => a - b);
    return { year, years, days: all.filter((h) => h.date.startsWith(`${year}-`)) };
  }

  /** One closed day of the office, for its admin; undefined for a day that is not in the calendar. */
  async function findHoliday(input: { actor: Actor; date: string }): Promise<HolidaysTable | undefined> {
    requireManager(input.actor);
    return isCalendarDate(input.date) ? (await list(input.actor.tenantId)).find((x) => x.date === input.date) : undefined;
  }

  /** As findHoliday, but not_found for a day that is not in the calendar. */
  async function getHoliday(input: { actor: Actor; date: string }): Promise<HolidaysTable> {
    const h = await findHoliday(input);
    if (!h) throw new AppError('not_found', 'no such holiday');
    return h;
  }

  /** Installs the seed table for an office that has no holidays yet. */
  async function seedIfEmpty(tenantId: string, entries: HolidayEntry[] = loadHolidayEntries()): Promise<number> {
    if (await hasHolidays(deps.db, tenantId)) return 0;
    const now = isoNow(deps.clock);
    await deps.db.transaction().execute(async (trx) => {
      for (const h of entries) {
        await insertHolidayIfAbsent(trx, {
          tenant_id: tenantId,
          date: h.date,
          kind: h.kind,
          name: h.name,
          decree: h.decree,
          created_at: now,
          created_by: null,
        });
      }
      await bumpGeneration(trx, CACHE_SCOPES.holidays, now);
    });
    cache.delete(tenantId);
    return entries.length;
  }

  /** An admin adds (or corrects) a closed day, naming the decree; audited. */
  async function upsert(input: { actor: Actor; date: string; kind: HolidaysTable['kind']; name: string; decree: string }): Promise<void> {
    requireManager(input.actor);
    const tenantId = input.actor.tenantId;
    const actorId = input.actor.userId;
    if (!isCalendarDate(input.date)) {
      throw new AppError('invalid_input', 'bad date', { fields: [{ field: 'date', code: 'invalid_date', message: 'YYYY-MM-DD' }] });
    }
    const now = isoNow(deps.clock);
    await deps.db.transaction().execute(async (trx) => {
      await upsertHoliday(trx, {
        tenant_id: tenantId,
        date: input.date,
        kind: input.kind,
        name: input.name,
        decree: input.decree,
        created_at: now,
        created_by: actorId,
      });
      await appendAudit(trx, {
        tenantId: tenantId,
        actorId: actorId,
        action: 'holiday.saved',
        subjectType: 'holiday',
        subjectId: input.date,
        data: { kind: input.kind, name: input.name, decree: input.decree },
        occurredAt: now,
      });
      await bumpGeneration(trx, CACHE_SCOPES.holidays, now);
    });
    await changed(input.actor);
  }

  async function remove(input: { actor: Actor; date: string; decree: string }): Promise<void> {
    requireManager(input.actor);
    const tenantId = input.actor.tenantId;
    const actorId = input.actor.userId;
    const now = isoNow(deps.clock);
    await deps.db.transaction().execute(async (trx) => {
      if (!(await deleteHoliday(trx, { tenantId, date: input.date }))) throw new AppError('not_found', 'no such holiday');
      await appendAudit(trx, {
        tenantId: tenantId,
        actorId: actorId,
        action: 'holiday.removed',
        subjectType: 'holiday',
        subjectId: input.date,
        data: { decree: input.decree },
        occurredAt: now,
      });
      await bumpGeneration(trx, CACHE_SCOPES.holidays, now);
    });
    await changed(input.actor);
  }

  return { forTenant, yearsWithHolidays, calendarGap, list, calendar, findHoliday, getHoliday, seedIfEmpty, upsert, remove, onChange };
}
export type HolidayService = ReturnType<typeof createHolidayService>;
