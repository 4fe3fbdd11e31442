/**
 * The head's dashboard (src/dashboard/, issue 13 item 1) on SQLite and PostgreSQL, over a fixed data
 * set written straight into the tables by the fixture below (one row per file, with its timeline for
 * the closed ones), then read through the JSON API, the page and the CSV, and compared with counts
 * written out by hand here.
 *
 * Digital take-up, May 2026 in Asia/Jakarta (UTC+7), office Kota Malang:
 *   PBG      90 filed: online 18 (one at 00:30 on 1 May WIB, still 30 April in UTC), assisted 9, counter 54, courier 9 → digital 27/90 = 30%
 *   REKLAME  10 filed: online 7, assisted 1, counter 1, courier 1                                            → digital 8/10  = 80%
 *   pooled: digital (online + assisted) 35/100 = 35.0%; the mean of the two types' ratios would be 55%.
 *   Not counted: a counter file at 00:00 on 1 June WIB (31 May in UTC); 50 online files of Kota Batu.
 *   Previous period (31 March – 30 April): 20 PBG files on 10 April, 2 online → 10.0%; trend +25.0 points.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice } from '../../src/bootstrap.js';
import { type DashboardReport, permille } from '../../src/dashboard/dashboard.service.js';
import type { ApplicationsTable } from '../../src/db/schema.js';
import { fillMissingSlaOutcomes } from '../../src/sla/outcomes.js';
import { listStoredOutcomes } from '../../src/sla/outcomes.repository.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { insertFixtureFile, outcomesWithRecount } from '../helpers/fixture-files.js';
import { validAnswers } from '../helpers/journeys.js';
import { type PageClient, signedInOfficer } from '../helpers/pages.js';

type Channel = ApplicationsTable['channel'];
type Step = { to: string; at: string };

describe.each(DIALECTS)('the head’s dashboard (%s)', (dialect) => {
  let ctx: TestContext;
  const api = {} as Record<'head' | 'admin' | 'applicant' | 'verifier', string>;
  let headPage: PageClient;
  let creator = '';
  let batuHead = '';
  const versions = new Map<string, { typeId: string; versionId: string }>();

  /**
   * The fixture: one application row as the services leave it (filed files with submitted_at; closed ones
   * with decided_at and their timeline in application_events), written directly for a large fixed set.
   */
  async function file(f: {
    tenantId?: string;
    code: string;
    channel: Channel;
    state: string;
    createdAt: string;
    submittedAt?: string | null;
    decidedAt?: string | null;
    slaDueOn?: string | null;
    answers?: Record<string, unknown>;
    timeline?: Step[];
  }): Promise<string> {
    const tenantId = f.tenantId ?? ctx.tenant.id;
    const version = tenantId === ctx.tenant.id ? versions.get(f.code)! : await versionOf(tenantId, f.code);
    return insertFixtureFile(ctx, { ...f, tenantId, version, createdBy: creator });
  }

  async function versionOf(tenantId: string, code: string) {
    const pt = (await ctx.services.catalogue.listPermitTypes({ tenantId })).find((p) => p.definition.code === code)!;
    return { typeId: pt.permitTypeId, versionId: pt.versionId };
  }

  /** n filed files, one every minute from `at` (ISO, UTC). */
  async function filed(n: number, code: string, channel: Channel, at: string, extra: { state?: string; slaDueOn?: string } = {}): Promise<void> {
    for (let i = 0; i < n; i++) {
      const t = new Date(Date.parse(at) + i * 60_000).toISOString();
      await file({
        code,
        channel,
        state: extra.state ?? 'submitted',
        createdAt: new Date(Date.parse(t) - 10 * 60_000).toISOString(),
        submittedAt: t,
        slaDueOn: extra.slaDueOn ?? null,
      });
    }
  }

  /** A file filed at 09:00 WIB on `filedOn` and closed at 15:00 WIB on the last step's date. */
  async function closed(code: string, filedOn: string, steps: [string, string][], final: string): Promise<void> {
    const wib = (d: string, h: number) => new Date(Date.parse(`${d}T00:00:00Z`) + (h - 7) * 3_600_000).toISOString();
    const submittedAt = wib(filedOn, 9);
    const timeline: Step[] = [{ to: 'submitted', at: submittedAt }, ...steps.map(([to, d]) => ({ to, at: wib(d, to === final ? 15 : 10) }))];
    await file({ code, channel: 'walk_in', state: final, createdAt: wib(filedOn, 8), submittedAt, decidedAt: timeline[timeline.length - 1]!.at, timeline });
  }

  const signedIn = (role: Role) => signedInOfficer(ctx, role, 'dasbor.izol.test');

  const dashboard = async (query: string, token = api.head): Promise<DashboardReport> => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard?${query}`, headers: auth(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<DashboardReport>();
  };
  const MAY = 'from=2026-05-01&to=2026-05-31';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.clock.set('2026-06-08T03:00:00.000Z'); // Monday 8 June 2026, 10:00 WIB
    for (const role of ['head', 'admin', 'applicant', 'verifier'] as const) {
      const u = await userWithToken(ctx, role);
      api[role] = u.token;
      if (role === 'head') creator = u.userId;
    }
    for (const code of ['PBG', 'REKLAME']) versions.set(code, await versionOf(ctx.tenant.id, code));

    // May: PBG 90 (in verification), REKLAME 10 (submitted; four of them overdue since 5 June).
    await filed(1, 'PBG', 'online', '2026-04-30T17:30:00.000Z', { state: 'verification' }); // 00:30 on 1 May WIB
    await filed(17, 'PBG', 'online', '2026-05-04T02:00:00.000Z', { state: 'verification' });
    await filed(9, 'PBG', 'assisted', '2026-05-05T02:00:00.000Z', { state: 'verification' });
    await filed(54, 'PBG', 'walk_in', '2026-05-11T02:00:00.000Z', { state: 'verification' });
    await filed(9, 'PBG', 'courier', '2026-05-12T02:00:00.000Z', { state: 'verification' });
    await filed(4, 'REKLAME', 'online', '2026-05-18T02:00:00.000Z', { slaDueOn: '2026-06-05' });
    await filed(3, 'REKLAME', 'online', '2026-05-18T03:00:00.000Z', { slaDueOn: '2026-06-08' });
    await filed(1, 'REKLAME', 'assisted', '2026-05-19T02:00:00.000Z', { slaDueOn: '2026-06-08' });
    await filed(1, 'REKLAME', 'walk_in', '2026-05-19T03:00:00.000Z', { slaDueOn: '2026-06-08' });
    await filed(1, 'REKLAME', 'courier', '2026-05-19T04:00:00.000Z', { slaDueOn: '2026-06-08' });
    // Outside May: 00:00 on 1 June WIB; the previous period's 20 PBG files on 10 April (in approval).
    await filed(1, 'REKLAME', 'walk_in', '2026-05-31T17:00:00.000Z');
    await filed(2, 'PBG', 'online', '2026-04-10T02:00:00.000Z', { state: 'approval' });
    await filed(18, 'PBG', 'walk_in', '2026-04-10T03:00:00.000Z', { state: 'approval' });

    // Online drafts started in May and never submitted (REKLAME): 3 with no answer, 2 answered with only
    // the KTP uploaded, 1 answered with every required document.
    const answered = await validAnswers(ctx, 'REKLAME');
    const reklame = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'REKLAME' })).definition;
    const upload = async (applicationId: string, requirement: string) =>
      ctx.db
        .insertInto('documents')
        .values({
          id: randomUUID(),
          tenant_id: ctx.tenant.id,
          application_id: applicationId,
          requirement_code: requirement,
          version: 1,
          file_name: `${requirement}.pdf`,
          media_type: 'application/pdf',
          size_bytes: 1000,
          sha256: 'a'.repeat(64),
          uploaded_by: creator,
          created_at: '2026-05-20T03:00:00.000Z',
          superseded_at: null,
          review_status: 'pending',
          review_reason: null,
          reviewed_by: null,
          reviewed_at: null,
        })
        .execute();
    for (let i = 0; i < 3; i++) await file({ code: 'REKLAME', channel: 'online', state: 'draft', createdAt: '2026-05-20T02:00:00.000Z' });
    for (let i = 0; i < 2; i++) {
      const id = await file({ code: 'REKLAME', channel: 'online', state: 'draft', createdAt: '2026-05-20T02:00:00.000Z', answers: answered });
      await upload(id, 'ktp');
    }
    const complete = await file({ code: 'REKLAME', channel: 'online', state: 'draft', createdAt: '2026-05-20T02:00:00.000Z', answers: answered });
    for (const r of reklame.requirements.filter((r) => r.required)) await upload(complete, r.code);

    // Files closed in March 2026 (holidays 18–20, 23, 24 March; 21–22 a weekend). REKLAME has 14 working days, PBG 45.
    await closed('REKLAME', '2026-03-02', [['issued', '2026-03-13']], 'issued'); // (2, 13 Mar] = 9
    await closed('REKLAME', '2026-03-09', [['issued', '2026-03-31']], 'issued'); // (9, 31 Mar] = 11 with the holidays (16 without: late)
    await closed('REKLAME', '2026-03-02', [['rejected', '2026-03-30']], 'rejected'); // (2, 30 Mar] = 15: late
    // (2, 4 Mar] = 2 with the office, with the applicant 4–11 March (paused), (11, 16 Mar] = 3 → 5.
    await closed(
      'REKLAME',
      '2026-03-02',
      [
        ['verification', '2026-03-03'],
        ['returned_to_applicant', '2026-03-04'],
        ['resubmitted', '2026-03-11'],
        ['issued', '2026-03-16'],
      ],
      'issued',
    );
    await closed('PBG', '2026-03-02', [['rejected', '2026-03-06']], 'rejected'); // (2, 6 Mar] = 4

    // Another office: 50 online files in May, not Kota Malang's.
    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    for (let i = 0; i < 50; i++) {
      await file({
        tenantId: batu.id,
        code: 'PBG',
        channel: 'online',
        state: 'submitted',
        createdAt: '2026-05-06T01:00:00.000Z',
        submittedAt: '2026-05-06T02:00:00.000Z',
      });
    }
    // A third, small office in another time zone (WITA, UTC+8): 4 files in May, one of them online; an
    // online file at 00:30 on 1 June WITA (23:30 on 31 May WIB) is June's there.
    const parepare = await ensureOffice(ctx.services, {
      code: 'PRE',
      name: 'DPMPTSP Kota Parepare',
      timeZone: 'Asia/Makassar',
      hostnames: ['parepare.izol.test'],
      branding: { logoText: 'Izol Kota Parepare' },
    });
    for (const [channel, at] of [
      ['online', '2026-05-10T02:00:00.000Z'],
      ['walk_in', '2026-05-11T02:00:00.000Z'],
      ['walk_in', '2026-05-11T03:00:00.000Z'],
      ['walk_in', '2026-05-11T04:00:00.000Z'],
      ['online', '2026-05-31T16:30:00.000Z'],
    ] as const) {
      await file({ tenantId: parepare.id, code: 'PBG', channel, state: 'submitted', createdAt: at, submittedAt: at });
    }
    // The rows were written straight into the tables, like files closed before migration 0035: the start fills their SLA outcomes.
    await fillMissingSlaOutcomes({ db: ctx.db, catalogue: ctx.services.catalogue, holidays: ctx.services.holidays });
    batuHead = (await userWithToken(ctx, 'head', { tenantId: batu.id, host: 'batu.izol.test' })).token;
    headPage = await signedIn('head');
  }, 600_000);
  afterAll(async () => ctx?.close());

  it('digital take-up is pooled over all files (35 of 100), not the mean of the permit types’ ratios (55%), with the channel shares beside it', async () => {
    const r = await dashboard(MAY);
    expect(r.takeUp.total).toEqual({
      filed: 100,
      digital: { numerator: 35, denominator: 100 },
      online: { numerator: 25, denominator: 100 },
      assisted: { numerator: 10, denominator: 100 },
      walkIn: { numerator: 55, denominator: 100 },
      courier: { numerator: 10, denominator: 100 },
    });
    const byType = Object.fromEntries(r.takeUp.byPermitType.map((t) => [t.code, t]));
    expect(byType.PBG!.digital).toEqual({ numerator: 27, denominator: 90 });
    expect(byType.REKLAME!.digital).toEqual({ numerator: 8, denominator: 10 });
    expect(byType.REKLAME!.assisted).toEqual({ numerator: 1, denominator: 10 });
    expect(byType.PBG!.previousDigital).toEqual({ numerator: 2, denominator: 20 });
    expect(byType.REKLAME!.previousDigital).toEqual({ numerator: 0, denominator: 0 });
    const pooled = r.takeUp.total.digital.numerator / r.takeUp.total.digital.denominator;
    const meanOfRatios = (27 / 90 + 8 / 10) / 2;
    expect(pooled).toBe(0.35);
    expect(meanOfRatios).toBeCloseTo(0.55, 10);
    expect(pooled).not.toBeCloseTo(meanOfRatios, 2);
    // The trend: the previous 31 days (31 March – 30 April).
    expect(r.previous).toEqual({ from: '2026-03-31', to: '2026-04-30' });
    expect(r.takeUp.previous.digital).toEqual({ numerator: 2, denominator: 20 });
  });

  it('each office sees its own files only: Kota Batu’s head sees Batu’s 50 online files, Kota Malang’s none of them', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard?${MAY}`, headers: auth(batuHead, { host: 'batu.izol.test' }) });
    expect(res.statusCode, res.body).toBe(200);
    const batu = res.json<DashboardReport>();
    expect(batu.takeUp.total.digital).toEqual({ numerator: 50, denominator: 50 });
    expect(batu.backlog.total).toBe(50);
    expect((await dashboard(MAY)).takeUp.total.filed).toBe(100);
  });

  it('across offices of different size (50, 100 and 4 files in May), the deployment’s take-up is pooled: 86 of 154, not the mean of the offices’ ratios', async () => {
    const may = await ctx.services.dashboard.getDeploymentTakeUp({ month: '2026-05' });
    expect(may.offices.map((o) => [o.code, o.takeUp.filed, o.takeUp.digital.numerator])).toEqual([
      ['BTU', 50, 50],
      ['MLG', 100, 35],
      ['PRE', 4, 1],
    ]);
    expect(may.total).toEqual({
      filed: 154,
      digital: { numerator: 86, denominator: 154 },
      online: { numerator: 76, denominator: 154 },
      assisted: { numerator: 10, denominator: 154 },
      walkIn: { numerator: 58, denominator: 154 },
      courier: { numerator: 10, denominator: 154 },
    });
    const meanOfRatios = (50 / 50 + 35 / 100 + 1 / 4) / 3; // 53.3%
    expect(permille(may.total.digital)).toBe(558);
    expect(Math.round(meanOfRatios * 1000)).toBe(533);
    // Parepare's 00:30 on 1 June (WITA) is June's there.
    expect((await ctx.services.dashboard.getDeploymentTakeUp({ month: '2026-06' })).offices.find((o) => o.code === 'PRE')!.takeUp.online.numerator).toBe(1);
    await expect(ctx.services.dashboard.getDeploymentTakeUp({ month: '2026-13' })).rejects.toThrow(/YYYY-MM/);
  });

  it('per day, week and month, each bucket pooled on its own and in the office’s time zone', async () => {
    const days = await dashboard(`${MAY}&interval=day`);
    expect(days.takeUp.series).toHaveLength(31);
    const day = (d: string) => days.takeUp.series.find((s) => s.start === d)!;
    expect(day('2026-05-01').digital).toEqual({ numerator: 1, denominator: 1 }); // 17:30 UTC on 30 April
    expect(day('2026-05-11').walkIn).toEqual({ numerator: 54, denominator: 54 });
    expect(day('2026-05-31').filed).toBe(0);
    expect(day('2026-05-31').digital.denominator).toBe(0);
    const weeks = await dashboard(`${MAY}&interval=week`);
    expect(weeks.takeUp.series.map((s) => [s.start, s.end, s.filed])).toEqual([
      ['2026-05-01', '2026-05-03', 1],
      ['2026-05-04', '2026-05-10', 26],
      ['2026-05-11', '2026-05-17', 63],
      ['2026-05-18', '2026-05-24', 10],
      ['2026-05-25', '2026-05-31', 0],
    ]);
    expect(weeks.takeUp.series[1]!.digital).toEqual({ numerator: 26, denominator: 26 });
    // Days over a year would be 365 rows: shown by week (53 rows), then by month beyond 62 weeks.
    expect((await dashboard('from=2025-06-01&to=2026-05-31&interval=day')).interval).toBe('week');
    expect((await dashboard('from=2024-06-01&to=2026-05-31&interval=day')).takeUp.series).toHaveLength(24);
    const months = await dashboard('from=2026-04-01&to=2026-05-31&interval=month');
    expect(months.takeUp.series.map((s) => [s.start, s.digital])).toEqual([
      ['2026-04-01', { numerator: 2, denominator: 20 }],
      ['2026-05-01', { numerator: 35, denominator: 100 }],
    ]);
  });

  it('filters by permit type and channel', async () => {
    const reklame = await dashboard(`${MAY}&permitType=REKLAME`);
    expect(reklame.takeUp.total.digital).toEqual({ numerator: 8, denominator: 10 });
    expect(reklame.backlog.states.map((s) => [s.code, s.count])).toEqual([['submitted', 11]]);
    const counter = await dashboard(`${MAY}&channel=walk_in`);
    expect(counter.takeUp.total.digital).toEqual({ numerator: 0, denominator: 55 });
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard?${MAY}&permitType=NOPE`, headers: auth(api.head) })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/dashboard?from=2026-05-31&to=2026-05-01', headers: auth(api.head) })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/dashboard?channel=fax', headers: auth(api.head) })).statusCode).toBe(400);
  });

  it('completion of the online door: submitted ÷ started, and where the drafts not submitted stopped', async () => {
    const r = await dashboard(MAY);
    expect(r.completion.total).toEqual({ numerator: 25, denominator: 31 });
    expect(r.completion.byPermitType.map((c) => [c.code, c.rate])).toEqual([
      ['PBG', { numerator: 18, denominator: 18 }],
      ['REKLAME', { numerator: 7, denominator: 13 }],
    ]);
    expect(r.completion.notSubmitted).toBe(6);
    expect(r.completion.dropOff.map((d) => [d.permitCode, d.step.kind, 'code' in d.step ? d.step.code : null, d.drafts])).toEqual([
      ['REKLAME', 'field', 'billboardAddress', 3],
      ['REKLAME', 'document', 'npwpd', 2],
      ['REKLAME', 'check', null, 1],
    ]);
  });

  it('files in and out, the backlog per workflow step with its name, and files overdue now', async () => {
    const may = await dashboard(MAY);
    expect([may.flow.in, may.flow.out]).toEqual([100, 0]);
    expect(may.backlog.total).toBe(121);
    expect(may.backlog.states.map((s) => [s.code, s.label.id, s.count])).toEqual([
      ['submitted', 'Diajukan', 11],
      ['verification', 'Verifikasi berkas', 90],
      ['approval', 'Persetujuan', 20],
    ]);
    expect(may.overdue.total).toBe(4);
    expect(may.overdue.byPermitType.map((o) => [o.code, o.count])).toEqual([['REKLAME', 4]]);
    const march = await dashboard('from=2026-03-01&to=2026-03-31&interval=month');
    expect([march.flow.in, march.flow.out]).toEqual([5, 5]);
  });

  it('SLA compliance and the median working days per permit type, with the office’s holidays and the pause with the applicant', async () => {
    const r = await dashboard('from=2026-03-01&to=2026-03-31');
    const by = Object.fromEntries(r.sla.byPermitType.map((s) => [s.code, s]));
    expect(by.REKLAME).toMatchObject({ slaWorkingDays: 14, compliance: { numerator: 3, denominator: 4 }, medianWorkingDays: 10 }); // 5, 9, 11, 15
    expect(by.PBG).toMatchObject({ slaWorkingDays: 45, compliance: { numerator: 1, denominator: 1 }, medianWorkingDays: 4 });
    expect(r.sla.total).toEqual({ compliance: { numerator: 4, denominator: 5 }, medianWorkingDays: 9 }); // 4, 5, 9, 11, 15
  });

  it('the SLA outcomes kept on the closed files equal a full recount of every timeline by the SLA clock', async () => {
    const outcomes = await outcomesWithRecount(ctx, ctx.tenant.id);
    expect(outcomes).toHaveLength(5);
    for (const f of outcomes) expect(f.stored).toEqual(f.recount);
    const stored = await listStoredOutcomes(ctx.db, ctx.tenant.id);
    expect(stored.map((f) => f.sla_used_working_days).sort((a, b) => a! - b!)).toEqual([4, 5, 9, 11, 15]);
    // Filled once: a second start has nothing left to fill.
    expect(await fillMissingSlaOutcomes({ db: ctx.db, catalogue: ctx.services.catalogue, holidays: ctx.services.holidays })).toBe(0);
  });

  it('the page shows each figure with one decimal and “n of N”, and “belum tercatat” where nothing is recorded', async () => {
    const res = await headPage.get('/kantor/dasbor?dari=2026-05-01&sampai=2026-05-31&per=week');
    expect(res.statusCode).toBe(200);
    expect(Buffer.byteLength(res.body)).toBeLessThan(50 * 1024);
    const text = res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('35,0% (35 dari 100)');
    expect(text).toContain('10,0% (2 dari 20)');
    expect(text).toContain('+25,0 poin persen');
    expect(text).toContain('80,6% (25 dari 31)');
    expect(text).toContain('53,8% (7 dari 13)');
    expect(text).toMatch(/Loket\s+55,0% \(55 dari 100\)/);
    expect(text).toMatch(/Daring dengan bantuan\s+10,0% \(10 dari 100\)/);
    expect(res.body).toContain('role="img"');
    expect(res.body).toMatch(/<title id="chart-channels-t">/);
    // The last week of May has no filing: not recorded, not 0%.
    expect(res.body).toMatch(/data-period="2026-05-25"><th scope="row">2026-05-25 – 2026-05-31<\/th><td colspan="4"><span data-none>belum tercatat/);
    const empty = await headPage.get('/kantor/dasbor?dari=2027-01-01&sampai=2027-01-31');
    expect(empty.body.replace(/<[^>]+>/g, ' ')).toMatch(/Serapan digital[\s\S]*belum tercatat/);
    expect(empty.body).not.toContain('0,0% (0 dari 0)');
    const bad = await headPage.get('/kantor/dasbor?dari=2026-05-31&sampai=2026-05-01');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('Tanggal tidak dapat dibaca');
  });

  it('in English: the same figures with a decimal point and “n of N”, and “not yet recorded”', async () => {
    const english = await signedIn('admin');
    await english.post('/bahasa', { lang: 'en', kembali: '/kantor/dasbor' });
    const res = await english.get('/kantor/dasbor?dari=2026-05-01&sampai=2026-05-31');
    expect(res.statusCode).toBe(200);
    const text = res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Head’s dashboard');
    expect(text).toContain('35.0% (35 of 100)');
    expect(text).toMatch(/Counter\s+55\.0% \(55 of 100\)/);
    expect(text).toContain('not yet recorded');
  });

  it('each table as CSV with the same figures', async () => {
    const res = await headPage.get('/kantor/dasbor/jenis-izin.csv?dari=2026-05-01&sampai=2026-05-31');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('dasbor-jenis-izin-2026-05-01-2026-05-31.csv');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'permit_code,permit_type,filed,digital,online,assisted,walk_in,courier,digital_percent,previous_filed,previous_digital,previous_digital_percent',
    );
    expect(lines.slice(1).map((l) => l.replace(/^"PBG","[^"]*"/, 'PBG').replace(/^"REKLAME","[^"]*"/, 'REKLAME'))).toEqual([
      'PBG,90,27,18,9,54,9,30.0,20,2,10.0',
      'REKLAME,10,8,7,1,1,1,80.0,0,0,',
    ]);
    const sla = await ctx.app.inject({ method: 'GET', url: '/api/v1/dashboard/sla.csv?from=2026-03-01&to=2026-03-31', headers: auth(api.admin) });
    expect(sla.statusCode).toBe(200);
    expect(sla.body.split('\r\n')[0]).toBe('permit_code,permit_type,sla_working_days,closed,closed_within_sla,compliance_percent,median_working_days');
    expect(sla.body).toMatch(/"REKLAME","[^"]*",14,4,3,75\.0,10\r\n/);
    expect((await headPage.get('/kantor/dasbor/tidak-ada.csv')).statusCode).toBe(404);
  });

  it('head and admin only: an applicant or a verifier is refused, on the API and on the page', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard?${MAY}`, headers: auth(api.admin) })).statusCode).toBe(200);
    for (const token of [api.applicant, api.verifier]) {
      expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard?${MAY}`, headers: auth(token) })).statusCode).toBe(403);
      expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/dashboard/serapan.csv', headers: auth(token) })).statusCode).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/dashboard' })).statusCode).toBe(401);
    const verifier = await signedIn('verifier');
    // The back office's front page links to it for the head, not for a verifier.
    expect((await headPage.get('/kantor')).body).toContain('<a href="/kantor/dasbor">Dasbor kepala dinas</a>');
    expect((await verifier.get('/kantor')).body).not.toContain('/kantor/dasbor');
    expect((await verifier.get('/kantor/dasbor')).statusCode).toBe(403);
    expect((await verifier.get('/kantor/dasbor/serapan.csv')).statusCode).toBe(403);
  });
});
