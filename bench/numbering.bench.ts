/**
 * Submission throughput and read latency on SQLite and PostgreSQL (`npm run bench`).
 *
 * For each database: a fresh throw-away database (SQLite temp file; PostgreSQL database created and
 * dropped as the test harness does), N ready drafts, then all N submissions fired at once through the
 * service; then sequential getApplication / listApplications requests through app.inject. Prints
 * figures only: nothing here passes or fails on timings.
 */
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { Actor } from '../src/access/actor.js';
import { DEMO_PDF } from '../src/demo/demo-files.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../test/helpers/context.js';
import { DIALECTS, type TestDialect } from '../test/helpers/databases.js';
import { validAnswers } from '../test/helpers/journeys.js';

const CODE = 'NIB'; // one required document
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 500);
const READS = Number(process.env.BENCH_READS ?? 300);

type Figures = {
  database: TestDialect;
  submissions: number;
  wallMs: number;
  perSecond: number;
  submitP50: number;
  submitP95: number;
  uniqueGapless: boolean;
  getP50: number;
  getP95: number;
  listP50: number;
  listP95: number;
  peakRssMb: number;
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Samples resident memory every 20 ms while a phase runs. */
function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

async function benchOne(dialect: TestDialect): Promise<Figures> {
  const rss = rssSampler();
  let ctx: TestContext | undefined;
  try {
    ctx = await createTestContext(dialect);
    const c = ctx;
    const answers = await validAnswers(c, CODE);
    const applicants: Actor[] = [];
    for (let i = 0; i < 5; i++) {
      const { userId } = await c.services.auth.createUser({
        tenantId: c.tenant.id,
        role: 'applicant',
        name: `Bench ${i}`,
        email: `bench.${i}@bench.izol.id`,
        password: `bench password ${i} long`,
      });
      applicants.push({ userId, tenantId: c.tenant.id, role: 'applicant', name: `Bench ${i}` });
    }

    process.stderr.write(`[${dialect}] preparing ${SUBMISSIONS} drafts…\n`);
    const drafts: { id: string; actor: Actor }[] = [];
    for (let i = 0; i < SUBMISSIONS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, SUBMISSIONS - i) }, async (_, j) => {
          const actor = applicants[(i + j) % applicants.length]!;
          const { application } = await c.services.applications.createApplication({ actor, permitTypeCode: CODE, answers });
          await c.services.documents.uploadDocument({
            actor,
            applicationId: application.id,
            requirementCode: 'ktp',
            fileName: 'ktp.pdf',
            claimedType: 'application/pdf',
            source: Readable.from([DEMO_PDF]),
          });
          drafts.push({ id: application.id, actor });
        }),
      );
    }

    process.stderr.write(`[${dialect}] firing ${SUBMISSIONS} submissions at once…\n`);
    const [submitLatencies, wallMs] = await timed(() =>
      Promise.all(
        drafts.map(async (d) => {
          const [, ms] = await timed(() => c.services.applications.performAction({ actor: d.actor, applicationId: d.id, action: 'submit' }));
          return ms;
        }),
      ),
    );
    const numbers = await c.db.selectFrom('applications').select('number').where('permit_code', '=', CODE).where('number', 'is not', null).execute();
    const suffixes = numbers.map((n) => Number(n.number!.slice(-6))).sort((a, b) => a - b);
    const uniqueGapless = suffixes.length === SUBMISSIONS && suffixes.every((s, i) => s === i + 1);

    process.stderr.write(`[${dialect}] ${READS} × getApplication, ${READS} × listApplications…\n`);
    const officer = await userWithToken(c, 'verifier');
    const getLatencies: number[] = [];
    const listLatencies: number[] = [];
    for (let i = 0; i < READS; i++) {
      const id = drafts[(i * 7919) % drafts.length]!.id;
      const [res, ms] = await timed(() => c.app.inject({ method: 'GET', url: `/api/v1/applications/${id}`, headers: auth(officer.token) }));
      if (res.statusCode !== 200) throw new Error(`getApplication answered ${res.statusCode}: ${res.body}`);
      getLatencies.push(ms);
    }
    for (let i = 0; i < READS; i++) {
      const page = (i % 10) + 1;
      const [res, ms] = await timed(() =>
        c.app.inject({ method: 'GET', url: `/api/v1/applications?state=submitted&pageSize=20&page=${page}`, headers: auth(officer.token) }),
      );
      if (res.statusCode !== 200) throw new Error(`listApplications answered ${res.statusCode}: ${res.body}`);
      listLatencies.push(ms);
    }

    return {
      database: dialect,
      submissions: SUBMISSIONS,
      wallMs,
      perSecond: SUBMISSIONS / (wallMs / 1000),
      submitP50: percentile(submitLatencies, 50),
      submitP95: percentile(submitLatencies, 95),
      uniqueGapless,
      getP50: percentile(getLatencies, 50),
      getP95: percentile(getLatencies, 95),
      listP50: percentile(listLatencies, 50),
      listP95: percentile(listLatencies, 95),
      peakRssMb: rss.stop() / (1024 * 1024),
    };
  } finally {
    rss.stop();
    await ctx?.close(); // drops the PostgreSQL database / removes the SQLite directory
  }
}

async function main(): Promise<void> {
  const results: Figures[] = [];
  for (const dialect of DIALECTS) results.push(await benchOne(dialect));

  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rows: [string, ...string[]][] = [
    ['', ...results.map((r) => r.database)],
    ['concurrent submissions', ...results.map((r) => String(r.submissions))],
    ['wall time', ...results.map((r) => ms(r.wallMs))],
    ['submissions / s', ...results.map((r) => r.perSecond.toFixed(0))],
    ['submit latency p50', ...results.map((r) => ms(r.submitP50))],
    ['submit latency p95', ...results.map((r) => ms(r.submitP95))],
    ['numbers unique, no gaps', ...results.map((r) => (r.uniqueGapless ? 'yes' : 'NO'))],
    [`getApplication p50 (${READS} seq.)`, ...results.map((r) => ms(r.getP50))],
    ['getApplication p95', ...results.map((r) => ms(r.getP95))],
    [`listApplications p50 (${READS} seq.)`, ...results.map((r) => ms(r.listP50))],
    ['listApplications p95', ...results.map((r) => ms(r.listP95))],
    ['peak RSS (sampled)', ...results.map((r) => `${r.peakRssMb.toFixed(0)} MB`)],
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (r: string[]) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  console.log(`\nIzol numbering benchmark (node ${process.version}, ${new Date().toISOString()})\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`\nprocess max RSS (getrusage): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('benchmark failed:', err);
    process.exit(1);
  },
);
