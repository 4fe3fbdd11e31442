import type { Clock } from '../shared/time.js';

/** A clock the seeder moves through the past; it never passes `limit` (now), so nothing is dated in the future. */
export class DemoClock implements Clock {
  constructor(
    private t: number,
    private readonly limit: number,
  ) {}
  now(): Date {
    return new Date(this.t);
  }
  set(ms: number) {
    this.t = Math.min(ms, this.limit);
  }
  advance(hours: number) {
    this.t = Math.min(this.t + hours * 3_600_000, this.limit);
  }
}
