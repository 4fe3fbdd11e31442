/**
 * Each closed file keeps its SLA outcome (migration 0035): the working days the office used by the SLA
 * clock and whether that was within the service time, written in the transaction that closes the file,
 * read by the dashboard as a histogram. On SQLite and PostgreSQL, through the JSON API.
 *
 * REKLAME has 14 working days; 16 June 2026 is a holiday (Idul Adha). Filed Monday 8 June, 10:00 WIB:
 *   A  verification, rejected Thu 18 June: (8, 18 June] minus the 16th = 7 working days → within
 *   B  returned Wed 10 June (2 used), resubmitted Mon 15 June, rejected Tue 7 July: (15 June, 7 July]
 *      minus the 16th = 15, so 17 in all → late
 *   C  withdrawn by the applicant the day it was filed: 0 → within
 *   D  issued the day it was filed: 0 → within
 *   E  a draft withdrawn before it was filed: no outcome (never filed)
 *   compliance 3 of 4, median of 0, 0, 7, 17 = 3.5 working days
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardReport } from '../../src/dashboard/dashboard.service.js';
import { fillMissingSlaOutcomes } from '../../src/sla/outcomes.js';
import { listStoredOutcomes } from '../../src/sla/outcomes.repository.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { outcomesWithRecount } from '../helpers/fixture-files.js';
import { act, issuedPermit, readyDraft } from '../helpers/journeys.js';

describe.each(DIALECTS)('SLA outcomes kept on closed files (%s)', (dialect) => {
  let ctx: TestContext;
  const t = {} as Record<'applicant' | 'verifier' | 'technical' | 'head', string>;
  const ids = {} as Record<'A' | 'B' | 'C' | 'D' | 'E', string>;
  const wib = (date: string, hour = 10) => new Date(Date.parse(`${date}T00:00:00Z`) + (hour - 7) * 3_600_000).toISOString();

  async function step(id: string, token: string, action: string, at: string, extra: Record<string, unknown> = {}) {
    ctx.clock.set(at);
    const res = await act(ctx, token, id, action, extra);
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  }
  const stored = async (id: string) => {
    const row = (await listStoredOutcomes(ctx.db, ctx.tenant.id)).find((r) => r.id === id);
    return row ? [row.sla_used_working_days, row.sla_met] : 'not closed after filing';
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['applicant', 'verifier', 'technical', 'head'] as const) t[role] = (await userWithToken(ctx, role)).token;
    ctx.clock.set(wib('2026-06-08', 9));
    for (const k of ['A', 'B', 'C', 'E'] as const) ids[k] = await readyDraft(ctx, t.applicant, 'REKLAME');
    for (const k of ['A', 'B', 'C'] as const) await step(ids[k], t.applicant, 'submit', wib('2026-06-08'));
    await step(ids.A, t.verifier, 'start_verification', wib('2026-06-09'));
    await step(ids.A, t.verifier, 'reject', wib('2026-06-18'), { reason: 'Lokasi reklame di jalur hijau.' });
    await step(ids.B, t.verifier, 'start_verification', wib('2026-06-09'));
    await step(ids.B, t.verifier, 'return_to_applicant', wib('2026-06-10'), { reason: 'Foto lokasi kurang jelas.' });
    await step(ids.B, t.applicant, 'resubmit', wib('2026-06-15'));
    await step(ids.B, t.verifier, 'start_verification', wib('2026-06-15', 11));
    await step(ids.B, t.verifier, 'reject', wib('2026-07-07'), { reason: 'Lokasi reklame di jalur hijau.' });
    await step(ids.C, t.applicant, 'withdraw', wib('2026-06-08', 11));
    await step(ids.E, t.applicant, 'withdraw', wib('2026-06-08', 11));
    ctx.clock.set(wib('2026-06-08', 12));
    ids.D = (await issuedPermit(ctx, t.applicant, { verifier: t.verifier, technical: t.technical, head: t.head })).applicationId;
    ctx.clock.set(wib('2026-07-08'));
  }, 300_000);
  afterAll(async () => ctx?.close());

  it('the closing transaction keeps the working days used and whether that was within the service time', async () => {
    expect(await stored(ids.A)).toEqual([7, 1]);
    expect(await stored(ids.B)).toEqual([17, 0]);
    expect(await stored(ids.C)).toEqual([0, 1]);
    expect(await stored(ids.D)).toEqual([0, 1]);
    expect(await stored(ids.E)).toBe('not closed after filing');
  });

  it('the dashboard reads them: compliance 3 of 4 and a median of 3.5 working days', async () => {
    const res = await ctx.app.inject({ url: '/api/v1/dashboard?from=2026-06-01&to=2026-07-08', headers: auth(t.head) });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<DashboardReport>();
    expect(r.sla.byPermitType.map((s) => [s.code, s.compliance, s.medianWorkingDays])).toEqual([['REKLAME', { numerator: 3, denominator: 4 }, 3.5]]);
  });

  it('equal a full recount of every timeline, and a start refills them the same after they are cleared', async () => {
    const storedNow = Object.fromEntries((await outcomesWithRecount(ctx, ctx.tenant.id)).map((f) => [f.id, f.stored]));
    for (const f of await outcomesWithRecount(ctx, ctx.tenant.id)) expect(f.stored).toEqual(f.recount);
    await ctx.db.updateTable('applications').set({ sla_used_working_days: null, sla_met: null }).where('tenant_id', '=', ctx.tenant.id).execute();
    expect(await fillMissingSlaOutcomes({ db: ctx.db, catalogue: ctx.services.catalogue, holidays: ctx.services.holidays, batch: 3 })).toBe(4);
    const refilled = Object.fromEntries((await listStoredOutcomes(ctx.db, ctx.tenant.id)).map((f) => [f.id, [f.sla_used_working_days, f.sla_met]]));
    expect(refilled).toEqual(storedNow);
    expect(await fillMissingSlaOutcomes({ db: ctx.db, catalogue: ctx.services.catalogue, holidays: ctx.services.holidays })).toBe(0);
  });
});
