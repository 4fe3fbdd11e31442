/** A clock that tests can move. Everything that reads "now" takes it from here. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** The calendar year of an instant in a time zone (a 31 Dec 20:00 UTC filing is next year in Jakarta). */
export function yearIn(date: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(date));
}

// One formatter per time zone: making an Intl.DateTimeFormat costs far more than using one (the SLA
// clock reads a date per event, and the start fills the outcomes of every file closed before 0035).
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(iso: string, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(clock: Clock, timeZone: string): string {
  return localDate(clock.now().toISOString(), timeZone);
}

/** A calendar date (YYYY-MM-DD) some days later (or earlier). */
export function addDays(ymd: string, days: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A real calendar date written YYYY-MM-DD: 2026-02-28 yes, 2026-02-30 and 2026-2-3 no. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The UTC offset of a time zone, in minutes, at an instant ("GMT+07:00" → 420). */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The UTC instant (ISO) of a wall-clock time on a calendar date in a time zone (a DST gap resolves forward). */
export function zonedInstant(ymd: string, hhmm: string, timeZone: string): string {
  const naive = Date.parse(`${ymd}T${hhmm}:00.000Z`);
  let t = naive - utcOffsetMinutes(timeZone, new Date(naive)) * 60_000;
  t = naive - utcOffsetMinutes(timeZone, new Date(t)) * 60_000;
  return new Date(t).toISOString();
}
