import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { addWorkingDays, loadHolidays } from '../../src/sla/calendar.js';
import {
  computeSla,
  type ComputeSlaInput,
  type SlaEvent,
  type SlaWorkflow,
  slaBounds,
  slaDueOn,
  slaStatusOn,
  workingDatesBetween,
  workingDaysBetween,
} from '../../src/sla/sla.js';

const TZ = 'Asia/Jakarta';
/** The seed table (SKB 3 Menteri 2026, complete; 2025 partial; no 2027 yet). */
const holidays = loadHolidays();

/** A wall-clock time in Jakarta (WIB, UTC+7) as an ISO UTC instant, e.g. wib('2026-03-18 00:30'). */
function wib(local: string): string {
  return new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();
}

/*
 * 2026 calendar used below (1 Jan 2026 is a Thursday). Days off from the table:
 *   Jan: Thu 1 (New Year), Fri 16 (Isra Mikraj)
 *   Feb: Mon 16 (cuti), Tue 17 (Imlek)
 *   Mar: Wed 18 (cuti), Thu 19 (Nyepi), Fri 20 (cuti), Sat 21 + Sun 22 (Idul Fitri), Mon 23 + Tue 24 (cuti)
 *   Apr: Fri 3 (Good Friday), Sun 5 (Easter)
 *   May: Fri 1, Thu 14, Fri 15 (cuti), Wed 27 (Idul Adha), Thu 28 (cuti), Sun 31 (Waisak); Jun: Mon 1, Tue 16
 *   Aug: Mon 17, Tue 25;  Dec: Thu 24 (cuti), Fri 25
 * July 2026 has no holidays (Wed 1 Jul; Mondays 6, 13, 20, 27).
 */
describe('addWorkingDays on the 2026 table (the date n working days after the start day)', () => {
  const cases: [start: string, n: number, due: string, why: string][] = [
    // Idul Fitri / Nyepi: 17 Tue (1); 18 cuti, 19 Nyepi, 20 cuti, 21–22 Idul Fitri (weekend), 23–24 cuti;
    // 25 Wed (2), 26 Thu (3), 27 Fri (4), 28–29 weekend, 30 Mon (5). So not 26 Mar: 30 Mar.
    ['2026-03-16 09:00', 5, '2026-03-30', 'Mon 16 Mar + 5 across Idul Fitri'],
    ['2026-03-16 09:00', 1, '2026-03-17', 'Mon 16 Mar + 1 = Tue 17'],
    ['2026-03-17 09:00', 1, '2026-03-25', 'Tue 17 Mar + 1: 18–24 all closed'],
    // 2026-03-17T17:30Z is Wed 18 Mar 00:30 WIB (a cuti bersama day): the start day is 18 Mar.
    ['2026-03-18 00:30', 1, '2026-03-25', 'starting on cuti bersama 18 Mar'],
    ['2026-03-18 00:30', 5, '2026-03-31', '25, 26, 27, 30, 31'],
    ['2026-03-18 00:30', 0, '2026-03-18', 'zero days is the start day itself, even when closed'],
    // Near midnight: 23:30 WIB on Tue 24 is still 24 Mar; 00:30 WIB is already Wed 25.
    ['2026-03-24 23:30', 1, '2026-03-25', 'Tue 24 Mar 23:30 WIB + 1 = Wed 25'],
    ['2026-03-25 00:30', 1, '2026-03-26', 'Wed 25 Mar 00:30 WIB (24 Mar 17:30 UTC) + 1 = Thu 26'],
    ['2026-03-13 18:00', 1, '2026-03-16', 'Friday evening + 1 = Monday'],
    ['2026-02-13 10:00', 1, '2026-02-18', 'Fri 13 Feb + 1: 16 cuti, 17 Imlek → Wed 18'],
    ['2026-04-02 10:00', 1, '2026-04-06', 'Thu 2 Apr + 1: Good Friday 3, weekend (Easter 5) → Mon 6'],
    // May cluster: 1 (Fri), 14 (Thu), 15 (cuti Fri), 27 (Wed), 28 (cuti Thu), 31 (Sun), 1 Jun (Mon).
    ['2026-04-30 10:00', 1, '2026-05-04', 'Thu 30 Apr + 1: 1 May, weekend → Mon 4'],
    ['2026-05-13 10:00', 1, '2026-05-18', 'Wed 13 May + 1: 14, 15, weekend → Mon 18'],
    // 12 (1), 13 (2), [14, 15], 18–22 (3–7), 25 (8), 26 (9), [27, 28], 29 (10)
    ['2026-05-11 10:00', 10, '2026-05-29', 'Mon 11 May + 10'],
    // [27, 28], 29 Fri (1), weekend (31 Waisak), [1 Jun], 2 Jun (2), 3 Jun (3)
    ['2026-05-26 10:00', 3, '2026-06-03', 'Tue 26 May + 3 across Idul Adha and Pancasila'],
    // 29 Apr (1), 30 (2), [1 May], 4–8 (3–7), 11–13 (8–10), [14, 15], 18–22 (11–15)
    ['2026-04-28 10:00', 15, '2026-05-22', 'Tue 28 Apr + 15 across the early-May holidays'],
    ['2026-08-14 10:00', 1, '2026-08-18', 'Fri 14 Aug + 1: weekend, 17 Aug → Tue 18'],
    // 18 (1), 19 (2), 20 (3), 21 (4), 24 (5), [25 Maulid], 26 (6), 27 (7)
    ['2026-08-14 10:00', 7, '2026-08-27', 'Fri 14 Aug + 7 across 17 and 25 Aug'],
    ['2026-12-23 10:00', 1, '2026-12-28', 'Wed 23 Dec + 1: 24 cuti, 25 Christmas, weekend → Mon 28'],
    // 28 (1), 29 (2), 30 (3), 31 (4), Fri 1 Jan 2027 (5): 2027 is not in the table yet.
    ['2026-12-23 10:00', 5, '2027-01-01', 'Wed 23 Dec + 5 lands on 1 Jan 2027 until 2027 is added'],
  ];
  it.each(cases)('%s + %i working days = %s (%s)', (start, n, due) => {
    expect(addWorkingDays(wib(start), n, TZ, holidays)).toBe(due);
  });

  it('counts 1 Jan 2027 as a working day until the office adds the 2027 decree', () => {
    expect(holidays.has('2027-01-01')).toBe(false);
    expect(addWorkingDays(wib('2026-12-31 10:00'), 1, TZ, holidays)).toBe('2027-01-01');
    const with2027 = new Set([...holidays, '2027-01-01']);
    expect(addWorkingDays(wib('2026-12-31 10:00'), 1, TZ, with2027)).toBe('2027-01-04');
    expect(workingDaysBetween(wib('2026-12-31 10:00'), wib('2027-01-01 10:00'), TZ, holidays)).toBe(1);
    expect(workingDaysBetween(wib('2026-12-31 10:00'), wib('2027-01-01 10:00'), TZ, with2027)).toBe(0);
  });
});

describe('workingDaysBetween (working days after the start day, up to and including the end day)', () => {
  const cases: [start: string, end: string, days: number, why: string][] = [
    ['2026-03-13 18:00', '2026-03-16 09:00', 1, 'submitted Friday evening, looked at Monday'],
    ['2026-03-13 08:00', '2026-03-13 17:00', 0, 'same day'],
    ['2026-03-16 09:00', '2026-03-30 09:00', 5, '17, 25, 26, 27, 30'],
    ['2026-03-16 09:00', '2026-03-26 09:00', 3, '17, 25, 26'],
    ['2026-03-17 09:00', '2026-03-24 16:00', 0, '18–24 Mar are all closed'],
    // Midnight in Jakarta: 2026-03-17T16:59:59Z is Tue 17 23:59:59 WIB; 2026-03-17T17:30Z is Wed 18 00:30 WIB (cuti).
    ['2026-03-16 17:00', '2026-03-17 23:59', 1, 'to Tue 17 late evening'],
    ['2026-03-16 17:00', '2026-03-18 00:30', 1, 'to 18 Mar 00:30 WIB, a cuti bersama day'],
    ['2026-03-16 17:00', '2026-03-24 23:59', 1, 'to the last minute of cuti 24 Mar'],
    ['2026-03-16 17:00', '2026-03-25 00:00', 2, 'to midnight starting Wed 25'],
    // May: 21 weekdays up to Fri 29 (1; 4–8; 11–15; 18–22; 25–29) less 1, 14, 15, 27, 28 = 16.
    ['2026-04-30 10:00', '2026-05-29 10:00', 16, 'May up to 29 May'],
    ['2026-05-26 10:00', '2026-06-02 10:00', 2, '29 May, 2 Jun'],
    ['2026-08-14 10:00', '2026-08-18 10:00', 1, 'over 17 Aug'],
    // August: 21 weekdays (3–7, 10–14, 17–21, 24–28, 31) less 17 and 25 = 19.
    ['2026-08-01 10:00', '2026-08-31 10:00', 19, 'all of August'],
    ['2026-12-23 10:00', '2026-12-28 10:00', 1, 'over Christmas'],
    ['2026-12-23 10:00', '2027-01-01 10:00', 5, '28–31 Dec and 1 Jan 2027 (not in the table yet)'],
    // 2026: 261 weekdays (52 weeks + Thu 1 Jan) less 21 weekday holidays (2 Jan, 2 Feb, 5 Mar, 1 Apr, 5 May, 2 Jun, 2 Aug, 2 Dec) = 240.
    ['2025-12-31 12:00', '2026-12-31 12:00', 240, 'the whole of 2026'],
    ['2026-03-30 09:00', '2026-03-16 09:00', 0, 'end before start is 0, never negative'],
  ];
  it.each(cases)('%s → %s = %i (%s)', (start, end, days) => {
    expect(workingDaysBetween(wib(start), wib(end), TZ, holidays)).toBe(days);
  });

  it('lists the dates it counts', () => {
    expect(workingDatesBetween(wib('2026-03-16 09:00'), wib('2026-03-30 09:00'), TZ, holidays)).toEqual([
      '2026-03-17',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-30',
    ]);
  });

  it('uses the office time zone, not UTC: 2026-03-24T17:30Z is already 25 Mar in Jakarta', () => {
    expect(workingDaysBetween('2026-03-24T17:30:00Z', '2026-03-25T10:00:00Z', TZ, holidays)).toBe(0);
    expect(workingDaysBetween('2026-03-24T17:30:00Z', '2026-03-25T10:00:00Z', 'UTC', holidays)).toBe(1);
  });

  it('takes bare dates as office dates', () => {
    expect(workingDaysBetween('2026-03-16', '2026-03-30', TZ, holidays)).toBe(5);
    expect(workingDaysBetween('2026-03-16', '2026-03-30', 'America/Los_Angeles', holidays)).toBe(5);
  });

  it('rejects what is not a date', () => {
    expect(() => workingDaysBetween('yesterday', '2026-03-30', TZ, holidays)).toThrow(RangeError);
    expect(() => workingDaysBetween('2026-02-30', '2026-03-30', TZ, holidays)).toThrow(RangeError);
  });

  it('is the inverse of addWorkingDays for every start day of 2026', () => {
    let checked = 0;
    for (let d = new Date('2026-01-01T05:00:00Z'); d.getUTCFullYear() === 2026; d.setUTCDate(d.getUTCDate() + 1)) {
      const start = d.toISOString();
      for (const n of [0, 1, 2, 5, 10, 20]) {
        expect(workingDaysBetween(start, addWorkingDays(start, n, TZ, holidays), TZ, holidays)).toBe(n);
        checked++;
      }
    }
    expect(checked).toBe(365 * 6);
  });
});

/** The states of the standard-fee workflow (seed data), as the SLA clock sees them. */
const workflow: SlaWorkflow = {
  initial: 'draft',
  states: [
    { code: 'draft', kind: 'draft' },
    { code: 'submitted', kind: 'office', slaWorkingDays: 1 },
    { code: 'verification', kind: 'office', slaWorkingDays: 3 },
    { code: 'returned_to_applicant', kind: 'applicant' },
    { code: 'resubmitted', kind: 'office', slaWorkingDays: 1 },
    { code: 'technical_review', kind: 'office', slaWorkingDays: 10 },
    { code: 'fee_assessment', kind: 'office', slaWorkingDays: 2 },
    { code: 'awaiting_payment', kind: 'applicant' },
    { code: 'approval', kind: 'office', slaWorkingDays: 2 },
    { code: 'signing', kind: 'office', slaWorkingDays: 1 },
    { code: 'issued', kind: 'final' },
    { code: 'rejected', kind: 'final' },
    { code: 'withdrawn', kind: 'final' },
  ],
};

/** Builds a timeline from [to_state, WIB time] pairs, each leaving the state before it. */
function timeline(...steps: [to: string, at: string][]): SlaEvent[] {
  let from: string | null = 'draft';
  return steps.map(([to, at]) => {
    const e: SlaEvent = { from_state: from, to_state: to, created_at: wib(at) };
    from = to;
    return e;
  });
}

function sla(events: SlaEvent[], now: string, slaWorkingDays: number, extra: Partial<ComputeSlaInput> = {}) {
  return computeSla({ events, workflow, slaWorkingDays, now: wib(now), timeZone: TZ, holidays, ...extra });
}

/*
 * July 2026 (no holidays). Filed Mon 6 Jul; returned Wed 8; resubmitted Wed 15 (pause of Thu 9 – Wed 15);
 * technical review from Thu 16.
 *   office (6, 8]  = Tue 7, Wed 8                 → 2
 *   paused (8, 15] = Thu 9, Fri 10, Mon 13, Tue 14, Wed 15 → not counted
 *   office (15, now]
 */
const withPause = timeline(
  ['submitted', '2026-07-06 09:00'],
  ['verification', '2026-07-07 10:00'],
  ['returned_to_applicant', '2026-07-08 14:00'],
  ['resubmitted', '2026-07-15 08:00'],
  ['verification', '2026-07-15 11:00'],
  ['technical_review', '2026-07-16 09:00'],
);

describe('computeSla', () => {
  it('does not count the time with the applicant', () => {
    // Mon 20 Jul: (6, 8] = 2 and (15, 20] = Thu 16, Fri 17, Mon 20 = 3: 5 used; without the pause (6, 20] = 10.
    const r = sla(withPause, '2026-07-20 12:00', 15);
    expect(r).toMatchObject({
      status: 'on_track',
      paused: false,
      overdue: false,
      currentState: 'technical_review',
      currentKind: 'office',
      filedAt: wib('2026-07-06 09:00'),
      closedAt: null,
      usedWorkingDays: 5,
      remainingWorkingDays: 10,
      finishedLate: null,
      // Mon 20 + 10: 21–24 (4), 27–31 (9), Mon 3 Aug (10). Also: the promised 27 Jul (6 Jul + 15) plus the 5 paused days.
      dueDate: '2026-08-03',
      stateEnteredAt: wib('2026-07-16 09:00'),
      stateUsedWorkingDays: 2,
      stateSlaWorkingDays: 10,
      stateOverdue: false,
    });
    expect(addWorkingDays(wib('2026-07-06 09:00'), 15, TZ, holidays)).toBe('2026-07-27');
    expect(workingDaysBetween(wib('2026-07-06 09:00'), wib('2026-07-20 12:00'), TZ, holidays)).toBe(10);
  });

  it('keeps the due date fixed while the clock runs, and marks the state overdue past its own allowance', () => {
    // Thu 30 Jul: technical review (16, 30] = 17, 20–24, 27–30 = 10 of 10. Overall 2 + (15, 30] = 2 + 11 = 13.
    const thu = sla(withPause, '2026-07-30 12:00', 15);
    expect(thu).toMatchObject({
      status: 'due_soon',
      usedWorkingDays: 13,
      remainingWorkingDays: 2,
      dueDate: '2026-08-03',
      stateUsedWorkingDays: 10,
      stateOverdue: false,
    });
    // Fri 31 Jul: 11 of 10 in technical review; overall 14 of 15.
    const fri = sla(withPause, '2026-07-31 12:00', 15);
    expect(fri).toMatchObject({
      status: 'due_soon',
      usedWorkingDays: 14,
      remainingWorkingDays: 1,
      dueDate: '2026-08-03',
      stateUsedWorkingDays: 11,
      stateOverdue: true,
    });
  });

  it('counts a pause that starts and ends on the same day as no pause at all', () => {
    const sameDay = timeline(
      ['submitted', '2026-07-06 09:00'],
      ['verification', '2026-07-07 10:00'],
      ['returned_to_applicant', '2026-07-08 10:00'],
      ['resubmitted', '2026-07-08 16:00'],
      ['verification', '2026-07-09 08:00'],
    );
    // (6, 8] + (8, 20] = (6, 20] = 10: Wed 8 is counted once.
    expect(sla(sameDay, '2026-07-20 12:00', 15).usedWorkingDays).toBe(10);
  });

  it('while paused, reports the due date as if the clock resumed today', () => {
    // Mon 13 Jul, still with the applicant: 2 used, 13 left; 13 + 13: 14–17 (4), 20–24 (9), 27–30 (13) = Thu 30 Jul.
    const r = sla(withPause.slice(0, 3), '2026-07-13 12:00', 15);
    expect(r).toMatchObject({
      status: 'paused',
      paused: true,
      overdue: false,
      currentState: 'returned_to_applicant',
      currentKind: 'applicant',
      usedWorkingDays: 2,
      remainingWorkingDays: 13,
      dueDate: '2026-07-30',
      // The applicant's own time: (8, 13] = Thu 9, Fri 10, Mon 13.
      stateUsedWorkingDays: 3,
      stateSlaWorkingDays: null,
      stateOverdue: false,
    });
    // Had it come back at that moment, the due date would stay 30 Jul as the days pass.
    const resumed = [...withPause.slice(0, 3), { from_state: 'returned_to_applicant', to_state: 'resubmitted', created_at: wib('2026-07-13 12:00') }];
    expect(sla(resumed, '2026-07-17 12:00', 15)).toMatchObject({ status: 'on_track', usedWorkingDays: 6, dueDate: '2026-07-30' });
  });

  it('is due soon with dueSoonDays or fewer left, then overdue', () => {
    // Used days: 7, 8, 16, 17, 20 Jul …
    expect(sla(withPause, '2026-07-20 12:00', 8)).toMatchObject({ status: 'on_track', remainingWorkingDays: 3, dueDate: '2026-07-23' });
    expect(sla(withPause, '2026-07-20 12:00', 8, { dueSoonDays: 3 })).toMatchObject({ status: 'due_soon', remainingWorkingDays: 3 });
    expect(sla(withPause, '2026-07-20 12:00', 7)).toMatchObject({ status: 'due_soon', remainingWorkingDays: 2, dueDate: '2026-07-22' });
    // Last allowed day: the 5th used day is today.
    expect(sla(withPause, '2026-07-20 12:00', 5)).toMatchObject({ status: 'due_soon', overdue: false, remainingWorkingDays: 0, dueDate: '2026-07-20' });
    // Tue 21: 6 used of 5; the due date stays the 5th used day.
    expect(sla(withPause, '2026-07-21 08:00', 5)).toMatchObject({
      status: 'overdue',
      overdue: true,
      usedWorkingDays: 6,
      remainingWorkingDays: -1,
      dueDate: '2026-07-20',
    });
    // Sat 18: 4 used of 4, not yet overdue; the last allowed day was Fri 17.
    expect(sla(withPause, '2026-07-18 10:00', 4)).toMatchObject({ status: 'due_soon', usedWorkingDays: 4, remainingWorkingDays: 0, dueDate: '2026-07-17' });
  });

  it('stays overdue while paused, with the due date in the past', () => {
    // 2 used by the return on Wed 8; SLA 1: overdue since Wed 8, the 2nd used day; the 1st (Tue 7) was the due date.
    const r = sla(withPause.slice(0, 3), '2026-07-10 12:00', 1);
    expect(r).toMatchObject({ status: 'paused', paused: true, overdue: true, remainingWorkingDays: -1, dueDate: '2026-07-07' });
  });

  it('runs across Idul Fitri 2026 and agrees with the date promised at submission', () => {
    const events = timeline(['submitted', '2026-03-16 09:00'], ['verification', '2026-03-17 10:00']);
    const promised = addWorkingDays(events[0]!.created_at, 5, TZ, holidays);
    expect(promised).toBe('2026-03-30');
    const at = (now: string) => sla(events, now, 5);
    expect(at('2026-03-17 12:00')).toMatchObject({ status: 'on_track', usedWorkingDays: 1, dueDate: promised });
    expect(at('2026-03-20 12:00')).toMatchObject({ status: 'on_track', usedWorkingDays: 1, dueDate: promised });
    expect(at('2026-03-26 12:00')).toMatchObject({ status: 'due_soon', usedWorkingDays: 3, remainingWorkingDays: 2, dueDate: promised });
    expect(at('2026-03-30 12:00')).toMatchObject({ status: 'due_soon', usedWorkingDays: 5, remainingWorkingDays: 0, dueDate: promised });
    expect(at('2026-03-31 08:00')).toMatchObject({ status: 'overdue', usedWorkingDays: 6, dueDate: promised });
    // In verification since Tue 17: (17, 26] = 25, 26 → 2 of 3; (17, 27] = 3 of 3; (17, 30] = 4 > 3.
    expect(at('2026-03-27 12:00')).toMatchObject({ stateUsedWorkingDays: 3, stateSlaWorkingDays: 3, stateOverdue: false });
    expect(at('2026-03-30 12:00')).toMatchObject({ stateUsedWorkingDays: 4, stateOverdue: true });
  });

  it('starts the day after filing in Jakarta: filed 18 Mar 00:30 WIB (17 Mar 17:30 UTC, cuti bersama)', () => {
    const events: SlaEvent[] = [{ from_state: 'draft', to_state: 'submitted', created_at: '2026-03-17T17:30:00Z' }];
    // (18, 25] = Wed 25 only; 4 left: 26, 27, 30, 31 → 31 Mar, the same as 18 Mar + 5.
    const r = computeSla({ events, workflow, slaWorkingDays: 5, now: new Date('2026-03-25T08:00:00Z'), timeZone: TZ, holidays });
    expect(r).toMatchObject({ status: 'on_track', usedWorkingDays: 1, remainingWorkingDays: 4, dueDate: '2026-03-31' });
    expect(addWorkingDays('2026-03-17T17:30:00Z', 5, TZ, holidays)).toBe('2026-03-31');
  });

  it('pauses for payment and stops at the final state: closed on time or late', () => {
    const issued = [
      ...withPause,
      ...timeline(
        ['fee_assessment', '2026-07-21 09:00'],
        ['awaiting_payment', '2026-07-22 10:00'],
        ['approval', '2026-07-27 09:00'],
        ['signing', '2026-07-28 10:00'],
        ['issued', '2026-07-29 10:00'],
      ).map((e, i) => (i === 0 ? { ...e, from_state: 'technical_review' } : e)),
    ];
    // (6, 8] = 2; (15, 22] = 16, 17, 20, 21, 22 = 5; paused (22, 27] = 23, 24, 27; (27, 29] = 28, 29 = 2. Total 9.
    const onTime = sla(issued, '2026-08-10 12:00', 9);
    expect(onTime).toMatchObject({
      status: 'closed',
      paused: false,
      overdue: false,
      finishedLate: false,
      currentState: 'issued',
      currentKind: 'final',
      closedAt: wib('2026-07-29 10:00'),
      usedWorkingDays: 9,
      remainingWorkingDays: 0,
      dueDate: null,
      stateUsedWorkingDays: null,
      stateSlaWorkingDays: null,
      stateOverdue: false,
    });
    // The clock stopped: a year later it is the same.
    expect(sla(issued, '2027-08-10 12:00', 9).usedWorkingDays).toBe(9);
    expect(sla(issued, '2026-08-10 12:00', 8)).toMatchObject({ status: 'closed', finishedLate: true, overdue: true, remainingWorkingDays: -1 });
  });

  it('has not started before filing, and a draft withdrawn unfiled is closed on time', () => {
    for (const events of [[], [{ from_state: null, to_state: 'draft', created_at: wib('2026-07-01 09:00') }]]) {
      expect(sla(events, '2026-07-20 12:00', 15)).toMatchObject({
        status: 'not_started',
        paused: false,
        overdue: false,
        filedAt: null,
        usedWorkingDays: 0,
        remainingWorkingDays: 15,
        dueDate: null,
        finishedLate: null,
        stateUsedWorkingDays: null,
        stateOverdue: false,
      });
    }
    // Days spent in draft do not count: drafted 1 Jul, filed Mon 6 Jul, now Tue 7 Jul: 1 used.
    const drafted = [{ from_state: null, to_state: 'draft', created_at: wib('2026-07-01 09:00') }, ...timeline(['submitted', '2026-07-06 09:00'])];
    expect(sla(drafted, '2026-07-07 12:00', 15)).toMatchObject({ status: 'on_track', usedWorkingDays: 1, filedAt: wib('2026-07-06 09:00') });
    const withdrawn = timeline(['withdrawn', '2026-07-06 09:00']);
    expect(sla(withdrawn, '2026-07-20 12:00', 15)).toMatchObject({ status: 'closed', filedAt: null, usedWorkingDays: 0, finishedLate: false, dueDate: null });
  });

  it('works on the seed standard-fee workflow', () => {
    const seed = loadCatalogue().workflows.find((w) => w.code === 'standard-fee');
    expect(seed).toBeDefined();
    const r = computeSla({ events: withPause, workflow: seed!, slaWorkingDays: 15, now: wib('2026-07-20 12:00'), timeZone: TZ, holidays });
    expect(r).toMatchObject({ usedWorkingDays: 5, status: 'on_track', stateSlaWorkingDays: 10 });
    const paused = computeSla({ events: withPause.slice(0, 3), workflow: seed!, slaWorkingDays: 15, now: wib('2026-07-13 12:00'), timeZone: TZ, holidays });
    expect(paused.status).toBe('paused');
  });

  it('refuses a timeline that does not fit the workflow or is out of order', () => {
    expect(() => sla(timeline(['submitted', '2026-07-06 09:00'], ['nowhere', '2026-07-07 09:00']), '2026-07-20 12:00', 15)).toThrow(
      /"nowhere" is not in the workflow/,
    );
    expect(() => sla([...withPause].reverse(), '2026-07-20 12:00', 15)).toThrow(/timeline order/);
    const backwards = timeline(['submitted', '2026-07-06 09:00'], ['verification', '2026-07-03 10:00']);
    expect(() => sla(backwards, '2026-07-20 12:00', 15)).toThrow(/earlier than/);
    expect(() => sla(withPause, '2026-07-20 12:00', -1)).toThrow(RangeError);
    expect(() => sla(withPause, '2026-07-20 12:00', 15, { dueSoonDays: 1.5 })).toThrow(RangeError);
    expect(() => sla(withPause, '2026-07-20 12:00', 15, { now: 'soon' })).toThrow(RangeError);
  });
});

describe('the stored due date (slaDueOn) and the status read from it (slaStatusOn) agree with computeSla', () => {
  const seed = loadCatalogue().workflows.find((w) => w.code === 'standard-fee')!;
  const at = (ms: number) => new Date(ms).toISOString();

  it('keeps the due date while the clock runs: filed Mon 6 Jul 2026 with 5 days, due Mon 13 Jul; overdue on the 14th', () => {
    const events = [
      { from_state: null, to_state: 'draft', created_at: wib('2026-07-01 09:00') },
      { from_state: 'draft', to_state: 'submitted', created_at: wib('2026-07-06 09:00') },
    ];
    const input = { events, workflow: seed, slaWorkingDays: 5, timeZone: TZ, holidays };
    expect(slaDueOn(input)).toBe('2026-07-13');
    const status = (day: string) => slaStatusOn(slaDueOn(input), slaBounds(day, holidays));
    expect([status('2026-07-08'), status('2026-07-09'), status('2026-07-13'), status('2026-07-14')]).toEqual(['on_track', 'due_soon', 'due_soon', 'overdue']);
    // Back with the applicant: no due date, the clock is paused.
    const returned = [...events, { from_state: 'submitted', to_state: 'returned_to_applicant', created_at: wib('2026-07-07 10:00') }];
    expect(slaDueOn({ ...input, events: returned })).toBeNull();
    expect(slaStatusOn(null, slaBounds('2026-07-08', holidays))).toBe('paused');
  });

  it('on random timelines over the 2026 holidays, with returns, claims and files that come back late', () => {
    let seedState = 20260706;
    const random = (n: number) => {
      seedState = (seedState * 1103515245 + 12345) % 2 ** 31;
      return seedState % n;
    };
    const moves: Record<string, string[]> = {
      submitted: ['verification', 'returned_to_applicant'],
      verification: ['technical_review', 'returned_to_applicant', 'verification'],
      technical_review: ['fee_assessment', 'returned_to_applicant'],
      fee_assessment: ['awaiting_payment'],
      awaiting_payment: ['approval'],
      approval: ['signing'],
      signing: ['issued'],
      returned_to_applicant: ['resubmitted'],
      resubmitted: ['verification'],
    };
    let compared = 0;
    const seen = new Set<string>();
    for (let run = 0; run < 400; run++) {
      let t = Date.parse('2026-01-02T01:00:00Z') + random(330) * 86_400_000 + random(24) * 3_600_000;
      const events: SlaEvent[] = [{ from_state: null, to_state: 'draft', created_at: at(t) }];
      let state = 'submitted';
      t += random(3) * 86_400_000;
      events.push({ from_state: 'draft', to_state: state, created_at: at(t) });
      const slaWorkingDays = random(12);
      for (let step = random(7); step > 0 && moves[state]; step--) {
        t += random(state === 'returned_to_applicant' ? 20 : 5) * 86_400_000 + random(12) * 3_600_000;
        // A claim: an event that moves nothing.
        const next = state === 'verification' && random(4) === 0 ? state : moves[state]![random(moves[state]!.length)]!;
        events.push({ from_state: state, to_state: next, created_at: at(t) });
        state = next;
      }
      const input = { events, workflow: seed, slaWorkingDays, timeZone: TZ, holidays };
      const dueOn = slaDueOn(input);
      for (let later = 0; later < 30; later++) {
        const now = t + later * 86_400_000 * 0.45;
        const expected = computeSla({ ...input, now: at(now) });
        if (expected.status === 'closed') continue;
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(now));
        expect(slaStatusOn(dueOn, slaBounds(today, holidays)), `run ${run}, ${today}: ${JSON.stringify(events)}`).toBe(expected.status);
        if (expected.status !== 'paused' && expected.remainingWorkingDays > 0) expect(dueOn).toBe(expected.dueDate);
        seen.add(expected.status);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
    expect([...seen].sort()).toEqual(['due_soon', 'on_track', 'overdue', 'paused']);
  });
});
