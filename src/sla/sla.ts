/**
 * The SLA clock: how many working days the office has used on an application, how many are left,
 * and whether the file is on track, due soon, overdue, paused or closed. Pure: it reads nothing
 * (no database, no clock, no files); the caller passes the timeline, the workflow, `now` and the
 * holiday set (see loadHolidays in calendar.ts).
 *
 * ## Counting rule (calendar dates in the office's time zone)
 *
 * A working day is Monday to Friday in the office's time zone (Asia/Jakarta for Malang) that is not
 * in the holiday set (national holidays and cuti bersama).
 *
 * The day the office receives the file is day 0 and never counts; the working days strictly after
 * that date, up to and including today's date, are the days used. This is the same rule as
 * addWorkingDays in calendar.ts (the date promised at submission), so
 * `workingDaysBetween(t, addWorkingDays(t, n)) === n`. Times of day play no part once each instant
 * is turned into its local date: Friday 08:00 and Friday 20:00 both make Monday working day 1.
 *
 * Each stretch of time in a state of kind 'office' counts the working days in
 * (date it entered the state, date it left the state]. The stretches are half-open on the same
 * side, so consecutive ones never share a day and a working day is never counted twice. States of
 * kind 'applicant' (returned_to_applicant, awaiting_payment) pause the clock; 'draft' before filing
 * does not count; a 'final' state stops it. The effect of a pause: the working days strictly after
 * the day the file went back to the applicant, up to and including the day the office received it
 * again, are not used (the day it went back was a day the office had the file, and is used; the
 * day it came back is day 0 of the new stretch, exactly like the day of first filing).
 *
 * Example (July 2026 has no holidays): filed Mon 6 Jul 09:00 WIB, returned to the applicant
 * Wed 8 Jul 14:00, resubmitted Wed 15 Jul 08:00, looked at Mon 20 Jul.
 *   office (6 Jul, 8 Jul]   → Tue 7, Wed 8              = 2
 *   applicant (8 Jul, 15 Jul] → Thu 9 … Wed 15          (paused, not counted)
 *   office (15 Jul, 20 Jul] → Thu 16, Fri 17, Mon 20     = 3
 *   used = 5 (without the pause it would be 10).
 * A pause that starts and ends on the same day (returned Wed 8 10:00, resubmitted Wed 8 16:00)
 * removes nothing: (6, 8] + (8, 20] = (6, 20], and Wed 8 is counted once.
 */
import type { ApplicationEventsTable } from '../db/schema.js';
import type { StateKind, WorkflowState } from '../workflow/workflow.schema.js';
import { addWorkingDays, isWorkingDay, localDate } from './calendar.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The office-zone calendar date of an instant (ISO 8601 with a time and offset, e.g. created_at),
 * or a bare YYYY-MM-DD, which is taken as already being an office date.
 */
export function officeDate(isoOrDate: string, timeZone: string): string {
  if (DATE_ONLY.test(isoOrDate)) {
    const d = new Date(`${isoOrDate}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== isoOrDate) throw new RangeError(`not a date: "${isoOrDate}"`);
    return isoOrDate;
  }
  if (Number.isNaN(new Date(isoOrDate).getTime())) throw new RangeError(`not an ISO instant: "${isoOrDate}"`);
  return localDate(isoOrDate, timeZone);
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The working days (YYYY-MM-DD, ascending) strictly after the office date of `startIso`, up to and
 * including the office date of `endIso`. Empty when the end's date is not after the start's.
 */
export function workingDatesBetween(startIso: string, endIso: string, timeZone: string, holidays: ReadonlySet<string>): string[] {
  const last = officeDate(endIso, timeZone);
  const dates: string[] = [];
  for (let date = nextDate(officeDate(startIso, timeZone)); date <= last; date = nextDate(date)) {
    if (isWorkingDay(date, holidays)) dates.push(date);
  }
  return dates;
}

/**
 * The number of working days that have elapsed from `startIso` to `endIso`: working days
 * (Monday–Friday in `timeZone`, not in `holidays`) strictly after the start's local date, up to and
 * including the end's local date. Never negative (0 if the end is on or before the start's date).
 * Submitted Friday evening and looked at on Monday: 1. The inverse of addWorkingDays:
 * `workingDaysBetween(start, addWorkingDays(start, n, …), …) === n`.
 */
export function workingDaysBetween(startIso: string, endIso: string, timeZone: string, holidays: ReadonlySet<string>): number {
  return workingDatesBetween(startIso, endIso, timeZone, holidays).length;
}

/** One row of an application's timeline, in timeline order. */
export type SlaEvent = Pick<ApplicationEventsTable, 'from_state' | 'to_state' | 'created_at'>;

/** What the SLA clock needs from a workflow definition (a WorkflowDefinition fits). */
export interface SlaWorkflow {
  initial: string;
  states: readonly Pick<WorkflowState, 'code' | 'kind' | 'slaWorkingDays'>[];
}

export interface ComputeSlaInput {
  /** The application's timeline rows, oldest first (the order of `position`). */
  events: readonly SlaEvent[];
  workflow: SlaWorkflow;
  /** The permit type's overall service time, in working days. */
  slaWorkingDays: number;
  now: Date | string;
  /** The office's IANA time zone, e.g. Asia/Jakarta. */
  timeZone: string;
  holidays: ReadonlySet<string>;
  /** A running clock with this many working days or fewer left is 'due_soon'. Default 2. */
  dueSoonDays?: number;
}

export type SlaStatus = 'not_started' | 'on_track' | 'due_soon' | 'overdue' | 'paused' | 'closed';

export interface SlaResult {
  /**
   * not_started: never filed. paused: with the applicant. closed: in a final state. Otherwise the
   * clock runs and it is overdue (used > SLA), due_soon (0 ≤ remaining ≤ dueSoonDays) or on_track.
   */
  status: SlaStatus;
  /** True while the file is with the applicant (a state of kind 'applicant', or 'draft' after filing). */
  paused: boolean;
  /** Used more working days than the SLA allows (also while paused or after closing). */
  overdue: boolean;
  currentState: string;
  currentKind: StateKind;
  /** When the file first reached an 'office' or 'applicant' state; null if never filed. */
  filedAt: string | null;
  /** When the file reached its final state; null unless closed. */
  closedAt: string | null;
  slaWorkingDays: number;
  /** Working days the office has had the file, by the counting rule at the top of this module. */
  usedWorkingDays: number;
  /** slaWorkingDays − usedWorkingDays; negative when overdue (by that many working days). */
  remainingWorkingDays: number;
  /**
   * The office-zone date (YYYY-MM-DD) by which the SLA runs out. Running: today plus the remaining
   * working days. Paused: the same as if the clock resumed today. Already used up: the working day on
   * which the last allowed day was used (in the past when overdue). Null when not filed or closed.
   */
  dueDate: string | null;
  /** For closed files: whether the office used more than the SLA. Null unless closed. */
  finishedLate: boolean | null;
  /** When the file last entered its current state; null if there are no events. */
  stateEnteredAt: string | null;
  /**
   * Working days since the file last entered its current state (same rule: the day it entered is
   * day 0). For an 'applicant' state this is the applicant's time. Null when not filed or closed.
   */
  stateUsedWorkingDays: number | null;
  /** The current state's own allowance (workflow `slaWorkingDays`), or null if it has none. */
  stateSlaWorkingDays: number | null;
  /** stateUsedWorkingDays > stateSlaWorkingDays (false when either is null). */
  stateOverdue: boolean;
}

function toIso(at: Date | string, what: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new RangeError(`${what} is not a valid instant: "${String(at)}"`);
  return typeof at === 'string' ? at : d.toISOString();
}

function checkWholeDays(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number of working days, 0 or more (got ${n})`);
}

/**
 * The SLA clock of one application at `now`. Throws (Error) on a timeline that does not fit the
 * workflow: an unknown state, an event whose from_state is not the state before it, or events out
 * of time order — usually a sign the rows were read in the wrong order.
 */
export function computeSla(input: ComputeSlaInput): SlaResult {
  const { events, workflow, slaWorkingDays: sla, timeZone, holidays, dueSoonDays = 2 } = input;
  checkWholeDays(sla, 'slaWorkingDays');
  checkWholeDays(dueSoonDays, 'dueSoonDays');
  const now = toIso(input.now, 'now');
  const states = new Map(workflow.states.map((s) => [s.code, s]));
  const stateOf = (code: string) => {
    const s = states.get(code);
    if (!s) throw new Error(`SLA: state "${code}" is not in the workflow`);
    return s;
  };

  let current = stateOf(workflow.initial);
  let enteredAt: string | null = null;
  let filedAt: string | null = null;
  const usedDates: string[] = [];

  for (const [i, e] of events.entries()) {
    const at = toIso(e.created_at, `event ${i} created_at`);
    if (e.from_state !== null && e.from_state !== current.code)
      throw new Error(`SLA: event ${i} leaves "${e.from_state}" but the file was in "${current.code}"; are the events in timeline order?`);
    if (enteredAt !== null && new Date(at).getTime() < new Date(enteredAt).getTime())
      throw new Error(`SLA: event ${i} (${at}) is earlier than the one before it (${enteredAt})`);
    if (current.kind === 'office' && enteredAt !== null) usedDates.push(...workingDatesBetween(enteredAt, at, timeZone, holidays));
    current = stateOf(e.to_state);
    enteredAt = at;
    if (filedAt === null && (current.kind === 'office' || current.kind === 'applicant')) filedAt = at;
  }
  // The stretch in the current state runs until now (a clock that never started or has stopped adds nothing).
  if (current.kind === 'office' && enteredAt !== null) usedDates.push(...workingDatesBetween(enteredAt, now, timeZone, holidays));

  const used = usedDates.length;
  const remaining = sla - used;
  const overdue = used > sla;
  const closed = current.kind === 'final';
  const filed = filedAt !== null;
  const running = filed && current.kind === 'office';
  const paused = filed && !closed && !running;

  let status: SlaStatus;
  if (closed) status = 'closed';
  else if (!filed) status = 'not_started';
  else if (paused) status = 'paused';
  else if (overdue) status = 'overdue';
  else if (remaining <= dueSoonDays) status = 'due_soon';
  else status = 'on_track';

  let dueDate: string | null = null;
  if (filedAt !== null && !closed) {
    if (remaining > 0) dueDate = addWorkingDays(now, remaining, timeZone, holidays);
    else if (sla > 0) dueDate = usedDates[sla - 1] ?? null;
    else dueDate = officeDate(filedAt, timeZone);
  }

  const stateUsed = filed && !closed && enteredAt !== null ? workingDaysBetween(enteredAt, now, timeZone, holidays) : null;
  const stateSla = current.slaWorkingDays ?? null;

  return {
    status,
    paused,
    overdue,
    currentState: current.code,
    currentKind: current.kind,
    filedAt,
    closedAt: closed ? enteredAt : null,
    slaWorkingDays: sla,
    usedWorkingDays: used,
    remainingWorkingDays: remaining,
    dueDate,
    finishedLate: closed ? overdue : null,
    stateEnteredAt: enteredAt,
    stateUsedWorkingDays: stateUsed,
    stateSlaWorkingDays: stateSla,
    stateOverdue: stateUsed !== null && stateSla !== null && stateUsed > stateSla,
  };
}

/** A running clock with this many working days or fewer left is 'due_soon' (computeSla's default). */
export const DUE_SOON_DAYS = 2;

function previousDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The latest working day on or before `date` (YYYY-MM-DD). */
export function workingDayOnOrBefore(date: string, holidays: ReadonlySet<string>): string {
  let d = date;
  while (!isWorkingDay(d, holidays)) d = previousDate(d);
  return d;
}

/** The working day `n` working days after `date` (YYYY-MM-DD; the date itself does not count); `date` itself for 0. */
export function workingDaysAfter(date: string, n: number, holidays: ReadonlySet<string>): string {
  let d = date;
  for (let left = n; left > 0;) {
    d = nextDate(d);
    if (isWorkingDay(d, holidays)) left--;
  }
  return d;
}

/**
 * What `applications.sla_due_on` stores: the last working day the SLA allows the office, so that a
 * file is overdue from the next working day on. Null unless the clock runs (not filed, with the
 * applicant, closed). Worked out when the file enters its state and unchanged while the clock runs,
 * because each working day that passes is one day used and one day fewer left: filed Monday 6 July
 * 2026 with 5 working days, it is Monday 13 July; on the 13th computeSla says 0 left (due soon), on
 * Tuesday 14 July overdue. It changes only when the file moves, or when the holidays change.
 *
 * While days are left this is computeSla's dueDate. A file that comes back to the office with its
 * days used up has no such date ahead: it stores the last working day up to its return when exactly
 * none are left (overdue from the next working day), or the working day before that when it is
 * already over (overdue at once), so that slaStatusOn agrees with computeSla for it too.
 */
export function slaDueOn(input: Omit<ComputeSlaInput, 'now'>): string | null {
  const { events, timeZone, holidays } = input;
  const last = events.at(-1);
  if (!last) return null;
  const sla = computeSla({ ...input, now: last.created_at });
  if (sla.status !== 'on_track' && sla.status !== 'due_soon' && sla.status !== 'overdue') return null;
  // When the file entered its state: a claim records an event without moving it.
  const entered = [...events].reverse().find((e) => e.from_state !== e.to_state)?.created_at ?? last.created_at;
  const leftAtEntry = sla.remainingWorkingDays + workingDaysBetween(entered, last.created_at, timeZone, holidays);
  if (leftAtEntry > 0) return addWorkingDays(entered, leftAtEntry, timeZone, holidays);
  const lastOpen = workingDayOnOrBefore(officeDate(entered, timeZone), holidays);
  return leftAtEntry === 0 ? lastOpen : workingDayOnOrBefore(previousDate(lastOpen), holidays);
}

/** The dates that sort a stored due date into computeSla's status on one office day (see slaStatusOn). */
export type SlaBounds = {
  /** A due date before this (the latest working day up to today) is overdue. */
  overdueBefore: string;
  /** A due date up to this (the DUE_SOON_DAYS-th working day after today) that is not overdue is due soon; later is on track. */
  dueSoonUntil: string;
};

export function slaBounds(today: string, holidays: ReadonlySet<string>, dueSoonDays = DUE_SOON_DAYS): SlaBounds {
  return { overdueBefore: workingDayOnOrBefore(today, holidays), dueSoonUntil: workingDaysAfter(today, dueSoonDays, holidays) };
}

export type OpenSlaStatus = Extract<SlaStatus, 'on_track' | 'due_soon' | 'overdue' | 'paused'>;

/**
 * The SLA status of an open, filed file from its stored due date alone (no timeline read), the same
 * as computeSla gives: overdue once a working day after the due date has come (used > SLA), due soon
 * while at most DUE_SOON_DAYS working days are left, paused while no clock runs. The work queue's
 * SQL filters with the same bounds (applications.repository listWorkQueue).
 */
export function slaStatusOn(dueOn: string | null, bounds: SlaBounds): OpenSlaStatus {
  if (dueOn === null) return 'paused';
  if (dueOn < bounds.overdueBefore) return 'overdue';
  return dueOn <= bounds.dueSoonUntil ? 'due_soon' : 'on_track';
}
