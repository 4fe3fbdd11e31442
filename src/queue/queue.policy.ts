/**
 * The queue's call order, pure (issue 11): which waiting ticket a counter calls next, and the order the
 * display and the ticket page show. One rule for both, so the position a visitor sees is the order they
 * are called in (as far as now can tell).
 *
 * 1. A booked visitor who checked in is called at their slot time: once their slot has started they go
 *    first (earliest slot first), before that they wait (unless nobody else is waiting).
 * 2. Everyone else by how long they have waited, a priority visitor's wait counted `weight` times (plus a
 *    minute, so a priority visitor arriving with a walk-in goes first); ties by number.
 * 3. After `maxInRow` priority calls in a row, the next call goes to someone else if anyone else waits.
 *
 * Worked example (weight 2, at most 2 in a row): P1 P2 P3 W1 W2 all arrive at 09:00 → P1, P2, W1, P3, W2.
 */

export type Candidate = { id: string; seq: number; issuedAt: string; priority: boolean; slotStart: string | null };
export type Policy = { weight: number; maxInRow: number };

const minutesBetween = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 60_000);

/** The ticket to call now; `priorityRun` is how many priority tickets were called in a row just before. */
export function chooseNext<C extends Candidate>(candidates: readonly C[], input: { now: string; policy: Policy; priorityRun: number }): C | undefined {
  const due = candidates.filter((c) => c.slotStart !== null && c.slotStart <= input.now);
  if (due.length) return [...due].sort((a, b) => a.slotStart!.localeCompare(b.slotStart!) || a.seq - b.seq)[0];
  let open = candidates.filter((c) => c.slotStart === null);
  if (open.length === 0) return [...candidates].sort((a, b) => a.slotStart!.localeCompare(b.slotStart!) || a.seq - b.seq)[0];
  if (input.priorityRun >= input.policy.maxInRow && open.some((c) => !c.priority)) open = open.filter((c) => !c.priority);
  const score = (c: C) => (minutesBetween(c.issuedAt, input.now) + 1) * (c.priority ? input.policy.weight : 1);
  return [...open].sort((a, b) => score(b) - score(a) || a.seq - b.seq)[0];
}

/** The order the waiting tickets would be called in from now, by repeated `chooseNext`. */
export function callOrder<C extends Candidate>(candidates: readonly C[], input: { now: string; policy: Policy; priorityRun: number }): C[] {
  const left = [...candidates];
  const out: C[] = [];
  let run = input.priorityRun;
  while (left.length) {
    const next = chooseNext(left, { ...input, priorityRun: run })!;
    out.push(next);
    left.splice(left.indexOf(next), 1);
    run = next.priority && next.slotStart === null ? run + 1 : 0;
  }
  return out;
}

/** The median of some numbers (null for none). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The wait to promise: the people called before this visitor, times the office's recent median service
 * time, shared among the counters serving the group. 4 ahead × 6 minutes ÷ 2 counters = 12 minutes.
 */
export function estimateWait(input: { ahead: number; medianServiceMinutes: number; counters: number }): number {
  return Math.round((input.ahead * input.medianServiceMinutes) / Math.max(1, input.counters));
}

/**
 * Each waiting ticket's expected wait in minutes, by playing the call order forward at the office's
 * pace (one call every `medianServiceMinutes ÷ counters`): a booked visitor is called once their slot
 * has come in that play, so a walk-in's wait counts the booked visitors whose slot falls before their
 * call, and a booked visitor's wait is the later of their slot start and their turn. Example (5 minutes a
 * call): W1 W2 W3 waiting, B's slot in 10 minutes → W1 0, W2 5, B 10, W3 15.
 */
export function estimateWaits<C extends Candidate>(
  candidates: readonly C[],
  input: { now: string; policy: Policy; priorityRun: number; medianServiceMinutes: number; counters: number },
): Map<string, number> {
  const step = input.medianServiceMinutes / Math.max(1, input.counters);
  const start = Date.parse(input.now);
  const left = [...candidates];
  const waits = new Map<string, number>();
  let run = input.priorityRun;
  let t = 0;
  while (left.length) {
    const now = new Date(start + t * 60_000).toISOString();
    const next = chooseNext(left, { now, policy: input.policy, priorityRun: run })!;
    const slot = next.slotStart === null ? 0 : minutesBetween(input.now, next.slotStart);
    waits.set(next.id, Math.round(Math.max(t, slot)));
    left.splice(left.indexOf(next), 1);
    run = next.priority && next.slotStart === null ? run + 1 : 0;
    t += step;
  }
  return waits;
}

export { minutesBetween };

/** One ticket's moments, read from its events: issue, the first call, the first start, the completion. */
export type VisitTimes = { service: string; issue?: string; call?: string; start?: string; complete?: string; noShow: boolean };

/**
 * Each ticket's moments from its events (any order): waiting runs from issue to the first call, service
 * from the first start to the completion (the day's report and the head's dashboard read them alike).
 */
export function visitTimes(events: readonly { ticket_id: string; action: string; at: string; service_code: string }[]): Map<string, VisitTimes> {
  const tickets = new Map<string, VisitTimes>();
  for (const e of events) {
    const t = tickets.get(e.ticket_id) ?? { service: e.service_code, noShow: false };
    if (e.action === 'issue') t.issue = e.at;
    if (e.action === 'call' && (!t.call || e.at < t.call)) t.call = e.at;
    if (e.action === 'start' && (!t.start || e.at < t.start)) t.start = e.at;
    if (e.action === 'complete') t.complete = e.at;
    if (e.action === 'no_show') t.noShow = true;
    tickets.set(e.ticket_id, t);
  }
  return tickets;
}
