/**
 * The public transparency figures at scale (`npx tsx bench/transparency.bench.ts`): for each database a
 * throw-away database with BENCH_APPLICATIONS (default 1,000,000) applications of one office spread over
 * the last 12 months in the order they were filed, every channel, half of them closed with their SLA
 * outcome kept (migration 0035), written by one INSERT … SELECT in the database; then the page's JSON
 * and the three exports through app.inject, timed (the first read of a period is the database's; the
 * rest reuse it for five minutes, CACHE_MS). Prints figures only: nothing passes or fails on timings.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createTestContext } from '../test/helpers/context.js';
import { DIALECTS } from '../test/helpers/databases.js';

const N = Number(process.env.BENCH_APPLICATIONS ?? 1_000_000);
const YEAR_SECONDS = 365 * 86_400;

for (const dialect of DIALECTS) {
  const ctx = await createTestContext(dialect);
  try {
    ctx.clock.set('2026-06-08T03:00:00.000Z');
    const pt = (await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id })).find((p) => p.definition.code === 'PBG')!;
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'head',
      name: 'Kepala',
      email: 'kepala@bench.izol.id',
      password: 'bench transparansi kantor',
    });
    const pg = dialect === 'postgres';
    const series = pg ? sql`generate_series(1, ${N}) as s(i)` : sql`s`;
    const cte = pg ? sql`` : sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${N}) `;
    const id = pg ? sql`md5(s.i::text)` : sql`lower(hex(randomblob(16)))`;
    const at = (offsetSeconds: ReturnType<typeof sql>) =>
      pg
        ? sql`to_char(timestamp '2025-07-01' + (${offsetSeconds}) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        : sql`strftime('%Y-%m-%dT%H:%M:%fZ', '2025-07-01', '+' || (${offsetSeconds}) || ' seconds')`;
    // Spread over the year in the order they were written, as real files are (filed one after another):
    // BENCH_SHUFFLED=1 scatters them instead (a consecutive row's filing about 2 h 12 min later, modulo 345 days),
    // the worst case for the (tenant_id, submitted_at) index's lookups into the table.
    const range = YEAR_SECONDS - 20 * 86_400;
    const spread = process.env.BENCH_SHUFFLED
      ? pg
        ? sql`(s.i::bigint * 7919) % ${range}`
        : sql`(s.i * 7919) % ${range}`
      : pg
        ? sql`(s.i::bigint * ${range}) / ${N}`
        : sql`(s.i * ${range}) / ${N}`;
    const filedAt = at(spread);
    const closedAt = at(sql`${spread} + 864000`);
    const closed = sql`s.i % 2 = 0`;
    const t0 = performance.now();
    await sql`${cte}insert into applications (id, tenant_id, permit_type_id, permit_type_version_id, permit_code, state, channel, applicant_name,
        created_by, answers, submitted_at, state_entered_at, decided_at, created_at, updated_at, revision, sla_used_working_days, sla_met)
      select ${id}, ${ctx.tenant.id}, ${pt.permitTypeId}, ${pt.versionId}, 'PBG',
        case when ${closed} then 'issued' else 'verification' end,
        case s.i % 4 when 0 then 'online' when 1 then 'assisted' when 2 then 'walk_in' else 'courier' end,
        'Pemohon', ${userId}, '{}', ${filedAt}, ${filedAt}, case when ${closed} then ${closedAt} end, ${filedAt}, ${filedAt}, 1,
        case when ${closed} then s.i % 20 end, case when ${closed} then case when s.i % 20 < 14 then 1 else 0 end end
      from ${series}`.execute(ctx.db);
    const loadMs = performance.now() - t0;
    if (pg) await sql`analyze applications`.execute(ctx.db);
    const timed = async (url: string) => {
      const s = performance.now();
      const res = await ctx.app.inject({ url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return { url, ms: Math.round(performance.now() - s), bytes: res.rawPayload.length };
    };
    const rows = [];
    for (const url of [
      '/api/v1/transparency',
      '/api/v1/transparency',
      '/transparansi',
      '/api/v1/transparency/export.csv?dataset=filed',
      '/api/v1/transparency/export.json?dataset=sla',
      '/api/v1/transparency/export.csv?dataset=skm',
    ])
      rows.push(await timed(url));
    const filed = (await ctx.app.inject({ url: '/api/v1/transparency' })).json<{ total: { filed: { filed: number } } }>().total.filed.filed;
    console.log(
      `\n${dialect}: ${N.toLocaleString('en')} applications written in ${Math.round(loadMs)} ms; ${filed.toLocaleString('en')} counted in the period`,
    );
    for (const r of rows) console.log(`  ${r.url.padEnd(48)} ${String(r.ms).padStart(6)} ms  ${String(r.bytes).padStart(8)} bytes`);
  } finally {
    await ctx.close();
  }
}
