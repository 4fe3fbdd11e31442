/**
 * The queue's call order (queue.policy.ts), pure: the worked example, booked visitors at their slot time,
 * and over random queues that nobody starves (never more than N priority calls in a row while someone
 * else waits) and everyone is called exactly once.
 */
import { describe, expect, it } from 'vitest';
import { callOrder, type Candidate, chooseNext, estimateWait, estimateWaits, median } from '../../src/queue/queue.policy.js';

const NOW = '2026-11-20T02:00:00.000Z';
const minutesAgo = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();
let seq = 0;
const ticket = (id: string, over: Partial<Candidate> = {}): Candidate => ({ id, seq: ++seq, issuedAt: NOW, priority: false, slotStart: null, ...over });

describe('queue call order', () => {
  it('follows the worked example: P1 P2 P3 W1 W2 at once → P1, P2, W1, P3, W2', () => {
    const q = [ticket('P1', { priority: true }), ticket('P2', { priority: true }), ticket('P3', { priority: true }), ticket('W1'), ticket('W2')];
    expect(callOrder(q, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 0 }).map((c) => c.id)).toEqual(['P1', 'P2', 'W1', 'P3', 'W2']);
    // Two priority calls already made just before: the walk-in first.
    expect(callOrder(q, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 2 })[0]!.id).toBe('W1');
  });

  it('calls a priority visitor after N in a row when only priority visitors are left', () => {
    const q = [ticket('P1', { priority: true }), ticket('P2', { priority: true })];
    expect(chooseNext(q, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 2 })?.id).toBe('P1');
    expect(chooseNext(q, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 7 })?.id).toBe('P1');
    // A booked visitor whose slot is later does not count as someone else waiting.
    const withLater = [...q, ticket('B', { slotStart: minutesAgo(-30) })];
    expect(chooseNext(withLater, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 2 })?.id).toBe('P1');
  });

  it('calls a booked visitor at their slot time, before walk-ins who waited longer, and not before it', () => {
    const q = [
      ticket('W', { issuedAt: minutesAgo(30) }),
      ticket('B', { issuedAt: minutesAgo(5), slotStart: minutesAgo(1) }),
      ticket('Later', { slotStart: minutesAgo(-10) }),
    ];
    expect(callOrder(q, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 0 }).map((c) => c.id)).toEqual(['B', 'W', 'Later']);
  });

  it('never starves anyone over 500 random queues', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round++) {
      const maxInRow = 1 + Math.floor(rand() * 4);
      const weight = 1 + Math.floor(rand() * 10);
      const q = Array.from({ length: 2 + Math.floor(rand() * 30) }, (_, i) =>
        ticket(`t${i}`, { priority: rand() < 0.6, issuedAt: minutesAgo(Math.floor(rand() * 60)) }),
      );
      const order = callOrder(q, { now: NOW, policy: { weight, maxInRow }, priorityRun: 0 });
      expect(new Set(order.map((c) => c.id)).size).toBe(q.length);
      let run = 0;
      order.forEach((c, i) => {
        run = c.priority ? run + 1 : 0;
        if (run > maxInRow)
          expect(
            order.slice(i).every((x) => x.priority),
            `round ${round}: a walk-in waited behind ${run} priority calls`,
          ).toBe(true);
      });
    }
  });

  it('estimates a booked visitor at their slot time, and a walk-in behind the booked visitors due before their call', () => {
    const q = [ticket('W1'), ticket('W2'), ticket('W3'), ticket('B', { slotStart: minutesAgo(-10) })];
    const waits = estimateWaits(q, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 0, medianServiceMinutes: 10, counters: 2 });
    expect(Object.fromEntries(waits)).toEqual({ W1: 0, W2: 5, B: 10, W3: 15 });
    // Alone, the booked visitor still waits for the slot; twenty walk-ins ahead do not push them to 100 minutes.
    expect(
      estimateWaits([ticket('B2', { slotStart: minutesAgo(-10) })], {
        now: NOW,
        policy: { weight: 2, maxInRow: 2 },
        priorityRun: 0,
        medianServiceMinutes: 10,
        counters: 2,
      }).get('B2'),
    ).toBe(10);
    const many = [...Array.from({ length: 20 }, (_, i) => ticket(`w${i}`)), ticket('B3', { slotStart: minutesAgo(-10) })];
    expect(estimateWaits(many, { now: NOW, policy: { weight: 2, maxInRow: 2 }, priorityRun: 0, medianServiceMinutes: 10, counters: 2 }).get('B3')).toBe(10);
  });

  it('promises people ahead × the median service time ÷ the counters', () => {
    expect(median([6, 2, 10])).toBe(6);
    expect(median([4, 6])).toBe(5);
    expect(median([])).toBeNull();
    expect(estimateWait({ ahead: 4, medianServiceMinutes: 6, counters: 2 })).toBe(12);
    expect(estimateWait({ ahead: 3, medianServiceMinutes: 7, counters: 0 })).toBe(21);
  });
});
