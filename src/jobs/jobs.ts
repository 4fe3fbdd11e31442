import type { Clock } from '../shared/time.js';

/** A background job: every instance runs it; each run must be safe next to another instance's run. */
export type Job = {
  name: string;
  intervalMs: number;
  /** Run once at start as well as on every interval. */
  runAtStart?: boolean;
  run(clock: Clock): Promise<unknown>;
};

export type JobLogger = { error(obj: object, msg: string): void };

/**
 * The one jobs loop (server.ts): runs registered jobs on their intervals with the service clock, one
 * run of a job at a time (a slow run is not overlapped by the next tick), and stops them together,
 * waiting for runs in progress.
 */
export function createJobRunner(deps: { clock: Clock; logger: JobLogger; jobs: readonly Job[] }) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  function runNow(job: Job): Promise<void> {
    const current = running.get(job.name);
    if (current) return current;
    // Started inside a promise, so a job that throws before its first await is logged like any failure.
    const run = Promise.resolve()
      .then(() => job.run(deps.clock))
      .then(() => undefined)
      .catch((err: unknown) => deps.logger.error({ job: job.name, err: err instanceof Error ? err.message : String(err) }, 'job failed'))
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  }

  function start(): void {
    for (const job of deps.jobs) {
      if (job.runAtStart && !stopped) void runNow(job);
      const timer = setInterval(() => {
        if (!stopped) void runNow(job);
      }, job.intervalMs);
      timer.unref();
      timers.push(timer);
    }
  }

  async function stop(): Promise<void> {
    stopped = true;
    for (const t of timers) clearInterval(t);
    await Promise.all(running.values());
  }

  /** Runs one job by name now, as the loop would (tests, scripts); nothing once the loop has stopped. */
  function runOnce(name: string): Promise<void> {
    const job = deps.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    return stopped ? Promise.resolve() : runNow(job);
  }

  return { start, stop, runOnce };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
