import { describe, expect, it } from 'vitest';
import { createJobRunner, type Job } from '../../src/jobs/jobs.js';
import type { Clock } from '../../src/shared/time.js';

const clock: Clock = { now: () => new Date('2026-12-01T02:00:00Z') };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder() {
  const errors: { job?: unknown; err?: unknown }[] = [];
  return { errors, logger: { error: (obj: object) => errors.push(obj) } };
}

describe('the jobs loop', () => {
  it('runs each job on its interval with the loop clock, at start when asked, and never two runs of one job at once', async () => {
    const seen: string[] = [];
    let running = 0;
    let overlapped = false;
    const slow: Job = {
      name: 'slow',
      intervalMs: 10,
      runAtStart: true,
      run: async (c) => {
        seen.push(c.now().toISOString());
        running++;
        if (running > 1) overlapped = true;
        await sleep(35);
        running--;
      },
    };
    const { logger, errors } = recorder();
    const jobs = createJobRunner({ clock, logger, jobs: [slow] });
    jobs.start();
    await sleep(120);
    await jobs.stop();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen)).toEqual(new Set(['2026-12-01T02:00:00.000Z']));
    expect(overlapped).toBe(false);
    expect(errors).toEqual([]);
  });

  it('logs a failing job, including one that throws before it awaits, and keeps the others going', async () => {
    let good = 0;
    const jobs: Job[] = [
      {
        name: 'throws-at-once',
        intervalMs: 10,
        run: () => {
          throw new Error('boom');
        },
      },
      { name: 'rejects', intervalMs: 10, run: () => Promise.reject(new Error('no database')) },
      { name: 'good', intervalMs: 10, run: () => Promise.resolve(good++) },
    ];
    const { logger, errors } = recorder();
    const runner = createJobRunner({ clock, logger, jobs });
    runner.start();
    await sleep(60);
    await runner.stop();
    expect(good).toBeGreaterThanOrEqual(2);
    expect(errors.some((e) => e.job === 'throws-at-once' && e.err === 'boom')).toBe(true);
    expect(errors.some((e) => e.job === 'rejects' && e.err === 'no database')).toBe(true);
  });

  it('waits for a run in progress when it stops, and runs nothing after', async () => {
    let finished = 0;
    let started = 0;
    const job: Job = {
      name: 'long',
      intervalMs: 5,
      runAtStart: true,
      run: async () => {
        started++;
        await sleep(40);
        finished++;
      },
    };
    const runner = createJobRunner({ clock, logger: recorder().logger, jobs: [job] });
    runner.start();
    await sleep(10);
    await runner.stop();
    expect(finished).toBe(started);
    await runner.runOnce('long');
    await sleep(30);
    expect(started).toBe(finished);
    expect(started).toBe(1);
  });
});
