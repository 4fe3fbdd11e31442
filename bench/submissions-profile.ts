/**
 * Where a burst of submissions spends its time (`BENCH_ONLY=profile npm run bench`; bench/README.md,
 * "submissions-profile.ts"). The same workload as http.bench.ts's in-process case (drafts with an
 * answer and an upload, then all submitted at once through the service, one office and then ten), and
 * beside the throughput:
 *   - on PostgreSQL, pg_stat_activity sampled every 5 ms: how many backends are running, waiting for the
 *     client, or waiting for a lock, and for a lock the statement that waits (which row lock it is);
 *   - the statements per submission, by text (the pg client's queries counted while the burst runs);
 *   - the client's CPU per submission (user + system) and the process's peak RSS.
 * Nothing fails on a figure; the machine's other work shows in the throughput, less in the counts.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createTestContext } from '../test/helpers/context.js';
import { DIALECTS, type TestDialect } from '../test/helpers/databases.js';
import { prepareSubmissionDrafts } from './submission-drafts.js';

const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 500);
const OFFICES = (process.env.BENCH_PROFILE_OFFICES ?? '1,10').split(',').map(Number);

type QueryFn = (...args: unknown[]) => unknown;
const clientProto = pg.Client.prototype as unknown as { query: QueryFn };

/** Counts the pg clients' statements (but those of `ignore`) by their first 60 characters while `run` runs. */
async function countingStatements<T>(ignore: unknown, run: () => Promise<T>): Promise<{ result: T; counts: Map<string, number> }> {
  const counts = new Map<string, number>();
  const original = clientProto.query;
  clientProto.query = function (this: unknown, ...args: unknown[]) {
    if (this === ignore) return original.apply(this, args);
    const q = args[0];
    const text = typeof q === 'string' ? q : ((q as { text?: string } | null)?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 60);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original.apply(this, args);
  };
  try {
    return { result: await run(), counts };
  } finally {
    clientProto.query = original;
  }
}

/** Samples the database's other backends until stopped: state, wait event, and the statement a lock wait is in. */
function sampleWaits(databaseUrl: string): { client: pg.Client; stop(): Promise<{ samples: number; seen: Map<string, number> }> } {
  const seen = new Map<string, number>();
  let samples = 0;
  let running = true;
  const client = new pg.Client({ connectionString: databaseUrl });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const r = await client.query<{ state: string | null; wait: string | null; statement: string | null }>(
        `select a.state, a.wait_event_type || ':' || a.wait_event as wait,
                case when a.wait_event_type = 'Lock' then left(regexp_replace(a.query, '[[:space:]]+', ' ', 'g'), 45) end as statement
           from pg_stat_activity a
          where a.backend_type = 'client backend' and a.pid <> pg_backend_pid() and a.datname = current_database()`,
      );
      samples++;
      for (const row of r.rows) {
        const key = `${row.state ?? '?'}, ${row.wait ?? 'running'}${row.statement ? ` in: ${row.statement}` : ''}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await client.end();
  })();
  return {
    client,
    async stop() {
      running = false;
      await loop;
      return { samples, seen };
    },
  };
}

async function profile(dialect: TestDialect, offices: number): Promise<void> {
  const ctx = await createTestContext(dialect);
  try {
    const drafts = await prepareSubmissionDrafts(ctx, offices, SUBMISSIONS);

    const sampler = dialect === 'postgres' ? sampleWaits(ctx.databaseUrl) : null;
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const { counts } = await countingStatements(sampler?.client, () =>
      Promise.all(
        drafts.map(async (d) => {
          const t = performance.now();
          await ctx.services.applications.performAction({ actor: d.actor, applicationId: d.id, action: 'submit' });
          latencies.push(performance.now() - t);
        }),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const waits = await sampler?.stop();

    latencies.sort((a, b) => a - b);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN;
    console.log(
      `\n[${dialect}] ${SUBMISSIONS} submissions at once, ${offices} office${offices > 1 ? 's' : ''}: ${Math.round(SUBMISSIONS / seconds)}/s, ` +
        `p50 ${at(50).toFixed(0)} ms, p99 ${at(99).toFixed(0)} ms; client CPU ${((cpu.user + cpu.system) / 1000 / SUBMISSIONS).toFixed(2)} ms a submission; ` +
        `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
    if (dialect === 'postgres') {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(`  statements a submission: ${(total / SUBMISSIONS).toFixed(1)}`);
      for (const [text, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`    ${(n / SUBMISSIONS).toFixed(2)}  ${text}`);
    }
    if (waits && waits.samples > 0) {
      console.log(`  backends on average (${waits.samples} samples of pg_stat_activity):`);
      for (const [what, n] of [...waits.seen].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${(n / waits.samples).toFixed(2)}  ${what}`);
    }
  } finally {
    await ctx.close();
  }
}

for (const dialect of DIALECTS) for (const offices of OFFICES) await profile(dialect, offices);
