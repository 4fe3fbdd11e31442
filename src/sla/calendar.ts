import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CATALOGUE_DIR, parseDataFile } from '../catalogue/catalogue.loader.js';
import { addDays, localDate } from '../shared/time.js';

const holidayFileSchema = z.strictObject({
  source: z.string(),
  years: z.record(
    z.string().regex(/^\d{4}$/),
    z.strictObject({
      decree: z.string().min(3),
      complete: z.boolean(),
      holidays: z.array(z.strictObject({ date: z.iso.date(), kind: z.enum(['national', 'cuti_bersama']), name: z.string().min(2) })),
    }),
  ),
});

export type HolidayEntry = { date: string; kind: 'national' | 'cuti_bersama'; name: string; decree: string };

/** The seed holiday table (national holidays and cuti bersama per year, with the decree), validated when loaded. */
export function loadHolidayEntries(file = path.join(DEFAULT_CATALOGUE_DIR, 'holidays.json')): HolidayEntry[] {
  const data = parseDataFile(file, holidayFileSchema, { title: 'The holiday table is not valid', error: Error });
  const out: HolidayEntry[] = [];
  for (const [year, y] of Object.entries(data.years)) {
    for (const h of y.holidays) {
      if (!h.date.startsWith(year)) throw new Error(`${file}: ${h.date} is listed under ${year}`);
      out.push({ ...h, decree: y.decree });
    }
  }
  return out;
}

/** The seed table's office-closed days as a set. */
export function loadHolidays(file?: string): Set<string> {
  return new Set(loadHolidayEntries(file).map((h) => h.date));
}

export { localDate };

const nextDay = (date: string) => addDays(date, 1);

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/**
 * The date by which `days` working days have passed after `startIso` (the start day itself does not
 * count): Monday to Friday in the office's time zone, skipping holidays and cuti bersama.
 */
export function addWorkingDays(startIso: string, days: number, timeZone: string, holidays: ReadonlySet<string>): string {
  let date = localDate(startIso, timeZone);
  let left = days;
  while (left > 0) {
    date = nextDay(date);
    if (isWorkingDay(date, holidays)) left--;
  }
  return date;
}
