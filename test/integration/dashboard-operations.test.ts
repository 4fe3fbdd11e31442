/**
 * The head's dashboard's other services (src/dashboard/dashboard.operations.ts, issue 13 item 1) on
 * SQLite and PostgreSQL: revenue against the target, the SKM index, the help desk's first answers and
 * the queue, read through the JSON API, the page and the CSV, and compared with figures written out by
 * hand here. Period: November 2026, office Kota Malang, Asia/Jakarta (UTC+7).
 *
 * Revenue (recorded payments; written with the payments repository, as revenue.test.ts does for another office):
 *   in November: PBG Rp 1.500.000 (10 Nov), REKLAME Rp 750.000 (20 Nov), REKLAME Rp 1.000.000 at 00:30 on 1 Nov WIB
 *   (still 31 October in UTC) → 3 payments, Rp 3.250.000; with the PBG filter 1 payment, Rp 1.500.000.
 *   Not in November: PBG Rp 250.000 at 00:30 on 1 December WIB; PBG Rp 2.000.000 in March (year to date only);
 *   a held Rp 5.000.000; Kota Batu's Rp 9.999.999.
 *   Year to date (1 Jan – 30 Nov 2026): 4 payments, Rp 5.250.000; target Rp 20.000.000 → 26,25% → 26,3% (half up).
 * SKM (answered at the kiosk): November 4×9 = 36, 3×9 = 27, (4,4,4,3,3,3,2,2,2) = 27 → sum 90, 3 respondents,
 *   index 25 × 90 ÷ 27 = 83,33, grade B (Baik). Not counted: an October answer of 1s; Kota Batu's answer of 1s.
 * Help desk (recorded by the front desk, answered through the API): four requests in November, answered after
 *   45 min, 240 min, 15 days (after its due date) and not at all → answered 3 of 4, on time 2 of 4, median 240 min
 *   (4 jam 0 menit). Not counted: one at 23:30 on 31 October WIB; Kota Batu's.
 * Queue (front desk tickets, called, started and completed through the API), office-local times:
 *   Tue 10 Nov: 08:05 called 08:15 (wait 10), served 08:16–08:36 (20); 08:20 called 08:50 (30), 08:50–09:00 (10);
 *               09:10 called 09:14 (4), 09:15–09:45 (30).
 *   Wed 11 Nov: 08:30 called 08:50 (20), never started; 10:00 called 10:06 (6), 10:06–10:18 (12).
 *   Per hour: 08 → 3 visitors, median wait 20 (3 called), median service 15 (2); 09 → 1, 4, 30; 10 → 1, 6, 12.
 *   All: 5 visitors, median wait of 4, 6, 10, 20, 30 = 10; median service of 10, 12, 20, 30 = 16.
 *   Not counted: a ticket on 29 October; Kota Batu's ticket on 10 November.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import type { DashboardReport } from '../../src/dashboard/dashboard.service.js';
import type { Tenant } from '../../src/db/schema.js';
import { insertPayment } from '../../src/payments/payments.repository.js';
import { SKM_ELEMENTS } from '../../src/survey/skm.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { type PageClient, signedInOfficer } from '../helpers/pages.js';

const BATU = 'batu.izol.test';
const NOV = 'from=2026-11-01&to=2026-11-30';
/** An instant from an office-local (UTC+7) date and time. */
const wib = (day: string, time: string) => new Date(Date.parse(`${day}T${time}:00.000Z`) - 7 * 3_600_000).toISOString();

describe.each(DIALECTS)('the head’s dashboard: revenue, SKM, help desk, queue (%s)', (dialect) => {
  let ctx: TestContext;
  let batu: Tenant;
  let head = '';
  let batuHead = '';
  let headPage: PageClient;

  const dashboard = async (query: string, token = head, host?: string): Promise<DashboardReport> => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard?${query}`, headers: auth(token, host ? { host } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<DashboardReport>();
  };

  async function payment(tenantId: string, applicationId: string | null, amount: number, paidAt: string, state: 'recorded' | 'held' = 'recorded') {
    const ref = `NTB-${randomUUID().slice(0, 8)}`;
    await insertPayment(ctx.db, {
      id: randomUUID(),
      tenant_id: tenantId,
      provider: 'bank_counter',
      provider_payment_id: ref,
      bill_id: null,
      application_id: applicationId,
      amount,
      paid_at: paidAt,
      received_at: paidAt,
      state,
      hold_reason: state === 'held' ? 'unknown_bill' : null,
      bank_reference: ref,
      payer_name: null,
      details: '{}',
      recorded_by: null,
      resolved_at: null,
      resolved_by: null,
      resolution_note: null,
    });
  }

  /** One SKM answer at the office's enrolled kiosk, at `at`. */
  async function skmAnswer(tenant: Tenant, kioskToken: string, score: (i: number) => number, at: string, host?: string) {
    ctx.clock.set(at);
    const { token } = await ctx.services.survey.startAtKiosk({ tenant, kioskToken });
    const payload = Object.fromEntries(SKM_ELEMENTS.map((e, i) => [e, score(i)]));
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/survey/invitations/${token}/answer`,
      headers: host ? { host } : {},
      payload,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
  }

  /** An officer of the office (created once; the services are called with the actor, as the routes do after sign-in). */
  const officers = new Map<string, Actor>();
  async function officer(tenant: Tenant, role: 'front_desk' | 'admin'): Promise<Actor> {
    const key = `${tenant.id}:${role}`;
    if (!officers.has(key)) {
      const n = Math.random().toString(36).slice(2, 8);
      const { userId } = await ctx.services.auth.createUser({
        tenantId: tenant.id,
        role,
        name: `Petugas ${role}`,
        email: `${role}.${n}@ops.izol.test`,
        password: `${role} kata sandi uji ${n}`,
      });
      officers.set(key, { userId, tenantId: tenant.id, role, name: `Petugas ${role}` });
    }
    return officers.get(key)!;
  }

  /** A help request the front desk records at `at` (a phone call), answered at `answeredAt` if given. */
  async function helpRequest(tenant: Tenant, at: string, answeredAt: string | null) {
    const actor = await officer(tenant, 'front_desk');
    ctx.clock.set(at);
    const made = await ctx.services.helpdesk.createHelpRequest({
      tenant,
      actor,
      channel: 'phone',
      handle: '0812 3456 7890',
      name: 'Warga',
      message: 'Bagaimana cara mengurus izin reklame?',
    });
    if (answeredAt === null) return;
    ctx.clock.set(answeredAt);
    await ctx.services.helpdesk.replyToHelpRequest({
      actor,
      id: made.id,
      body: 'Silakan ajukan melalui portal; persyaratannya ada di halaman izin.',
      lang: 'id',
    });
  }

  /** A ticket issued at the front desk at `issued`, called at `called`, served from `start` to `complete` (office-local times). */
  async function visit(tenant: Tenant, day: string, t: { issued: string; called: string; counter?: string; start?: string; complete?: string }) {
    const actor = await officer(tenant, 'front_desk');
    ctx.clock.set(wib(day, t.issued));
    const issued = await ctx.services.queue.issueTicket({ tenant, actor, service: 'KONSULTASI', lang: 'id' });
    ctx.clock.set(wib(day, t.called));
    const called = await ctx.services.queue.callNext({ actor, tenant, service: 'KONSULTASI', counter: t.counter ?? 'Loket 1', lang: 'id' });
    expect(called.id).toBe(issued.id);
    for (const [action, time] of [
      ['start', t.start],
      ['complete', t.complete],
    ] as const) {
      if (!time) continue;
      ctx.clock.set(wib(day, time));
      await ctx.services.queue.updateTicket({ actor, tenant, id: issued.id, action, lang: 'id' });
    }
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.clock.set('2026-03-02T03:00:00.000Z');
    batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    const applicant = await userWithToken(ctx, 'applicant');
    const pbg = await readyDraft(ctx, applicant.token, 'PBG');
    const reklame = await readyDraft(ctx, applicant.token, 'REKLAME');

    // Revenue.
    await payment(ctx.tenant.id, pbg, 2_000_000, '2026-03-05T03:00:00.000Z');
    await payment(ctx.tenant.id, reklame, 1_000_000, '2026-10-31T17:30:00.000Z'); // 00:30 on 1 November WIB
    await payment(ctx.tenant.id, pbg, 1_500_000, '2026-11-10T03:00:00.000Z');
    await payment(ctx.tenant.id, reklame, 750_000, '2026-11-20T03:00:00.000Z');
    await payment(ctx.tenant.id, pbg, 250_000, '2026-11-30T17:30:00.000Z'); // 00:30 on 1 December WIB
    await payment(ctx.tenant.id, null, 5_000_000, '2026-11-12T03:00:00.000Z', 'held');
    await payment(batu.id, null, 9_999_999, '2026-11-12T03:00:00.000Z');
    ctx.clock.set('2026-11-02T03:00:00.000Z');
    await ctx.services.revenue.setTarget({ actor: await officer(ctx.tenant, 'admin'), year: 2026, amount: 20_000_000, reason: 'Target retribusi APBD 2026' });

    // SKM at each office's kiosk.
    const kiosk = (await ctx.services.queue.enrolKiosk({ actor: await officer(ctx.tenant, 'admin'), tenant: ctx.tenant, name: 'Kios lobi' })).token;
    const batuKiosk = (await ctx.services.queue.enrolKiosk({ actor: await officer(batu, 'admin'), tenant: batu, name: 'Kios lobi' })).token;
    await skmAnswer(ctx.tenant, kiosk, () => 1, wib('2026-10-20', '10:00'));
    await skmAnswer(ctx.tenant, kiosk, () => 4, wib('2026-11-03', '10:00'));
    await skmAnswer(ctx.tenant, kiosk, () => 3, wib('2026-11-04', '10:00'));
    await skmAnswer(ctx.tenant, kiosk, (i) => [4, 4, 4, 3, 3, 3, 2, 2, 2][i]!, wib('2026-11-05', '10:00'));
    await skmAnswer(batu, batuKiosk, () => 1, wib('2026-11-05', '11:00'), BATU);

    // Help desk.
    await helpRequest(ctx.tenant, wib('2026-10-31', '23:30'), wib('2026-10-31', '23:40'));
    await helpRequest(ctx.tenant, wib('2026-11-10', '09:00'), wib('2026-11-10', '09:45'));
    await helpRequest(ctx.tenant, wib('2026-11-11', '09:00'), wib('2026-11-11', '13:00'));
    await helpRequest(ctx.tenant, wib('2026-11-12', '09:00'), wib('2026-11-27', '09:00'));
    await helpRequest(ctx.tenant, wib('2026-11-13', '09:00'), null);
    await helpRequest(batu, wib('2026-11-10', '10:00'), wib('2026-11-10', '10:05'));

    // Queue.
    await visit(ctx.tenant, '2026-10-29', { issued: '09:00', called: '09:30', start: '09:30', complete: '09:40' });
    await visit(ctx.tenant, '2026-11-10', { issued: '08:05', called: '08:15', start: '08:16', complete: '08:36' });
    await visit(ctx.tenant, '2026-11-10', { issued: '08:20', called: '08:50', start: '08:50', complete: '09:00' });
    await visit(ctx.tenant, '2026-11-10', { issued: '09:10', called: '09:14', start: '09:15', complete: '09:45' });
    await visit(ctx.tenant, '2026-11-11', { issued: '08:30', called: '08:50' });
    await visit(ctx.tenant, '2026-11-11', { issued: '10:00', called: '10:06', counter: 'Loket 2', start: '10:06', complete: '10:18' });
    await visit(batu, '2026-11-10', { issued: '08:00', called: '08:01', start: '08:01', complete: '08:02' });

    ctx.clock.set('2026-12-01T03:00:00.000Z');
    head = (await userWithToken(ctx, 'head')).token;
    batuHead = (await userWithToken(ctx, 'head', { tenantId: batu.id, host: BATU })).token;
    headPage = await signedInOfficer(ctx, 'head', 'ops.izol.test');
  }, 600_000);
  afterAll(async () => ctx?.close());

  it('revenue: the period’s retribution by permit type, and the year to date against the target (26,3%)', async () => {
    const r = await dashboard(NOV);
    const o = r.operations;
    const name = (code: string) => r.permitTypes.find((p) => p.code === code)!.name;
    expect(o.revenue).toEqual({
      period: {
        total: 3_250_000,
        count: 3,
        byPermitType: [
          { code: 'PBG', name: name('PBG'), total: 1_500_000, count: 1 },
          { code: 'REKLAME', name: name('REKLAME'), total: 1_750_000, count: 2 },
        ],
      },
      yearToDate: { year: 2026, from: '2026-01-01', to: '2026-11-30', total: 5_250_000, count: 4 },
      target: { amount: 20_000_000, achieved: { numerator: 5_250_000, denominator: 20_000_000 } },
    });
    // The permit type filter narrows the period's retribution only: the target is the whole office's.
    const pbg = (await dashboard(`${NOV}&permitType=PBG`)).operations.revenue;
    expect(pbg.period).toMatchObject({ total: 1_500_000, count: 1 });
    expect(pbg.yearToDate).toMatchObject({ total: 5_250_000, count: 4 });
  });

  it('SKM: 25 × 90 ÷ (9 × 3) = 83,33, grade B, over November’s answers only', async () => {
    const o = (await dashboard(NOV)).operations;
    expect(o.skm).toEqual({
      fromMonth: '2026-11',
      toMonth: '2026-11',
      result: { respondents: 3, scoreSum: 90, weightedIndex: 3.33, index: 83.33, grade: 'B', label: { id: 'Baik', en: 'Good' } },
    });
  });

  it('help desk: 4 received, 3 answered, 2 on time, median first answer 240 minutes', async () => {
    const o = (await dashboard(NOV)).operations;
    expect(o.helpdesk).toEqual({
      received: 4,
      answered: { numerator: 3, denominator: 4 },
      withinDue: { numerator: 2, denominator: 4 },
      medianFirstResponseMinutes: 240,
    });
  });

  it('queue: visitors per office-local hour, median wait 10 and service 16 minutes', async () => {
    const o = (await dashboard(NOV)).operations;
    expect(o.queue).toEqual({
      visitors: 5,
      byHour: [
        { hour: 8, visitors: 3, waited: 3, medianWaitMinutes: 20, served: 2, medianServiceMinutes: 15 },
        { hour: 9, visitors: 1, waited: 1, medianWaitMinutes: 4, served: 1, medianServiceMinutes: 30 },
        { hour: 10, visitors: 1, waited: 1, medianWaitMinutes: 6, served: 1, medianServiceMinutes: 12 },
      ],
      total: { visitors: 5, waited: 5, medianWaitMinutes: 10, served: 4, medianServiceMinutes: 16 },
    });
  });

  it('the page shows each figure with its counts, the charts with title and description, and which filters a section ignores', async () => {
    const res = await headPage.get('/kantor/dasbor?dari=2026-11-01&sampai=2026-11-30');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(Buffer.byteLength(body)).toBeLessThan(50 * 1024);
    expect(body).toContain('26,3% (Rp 5.250.000 dari Rp 20.000.000)');
    expect(body).toMatch(
      /data-row="period"><th scope="row">Periode ini \(2026-11-01 sampai 2026-11-30\)<\/th><td class="table__cell--numeric">3<\/td><td[^>]*><span data-amount="3250000">Rp 3\.250\.000<\/span>/,
    );
    expect(body).toContain('83,33 — B (Baik)');
    expect(body).toMatch(/data-skm-respondents><th scope="row">Responden<\/th><td class="table__cell--numeric">3<\/td>/);
    expect(body).toMatch(/data-skm-index><th scope="row">Indeks \(25–100\)<\/th><td class="table__cell--numeric">83,33<\/td>/);
    expect(body).toMatch(
      /<tr data-hour="8"><th scope="row">08\.00–08\.59<\/th><td[^>]*>3<\/td><td[^>]*><span data-minutes="20">20 menit<\/span> \(3\)<\/td><td[^>]*><span data-minutes="15">15 menit<\/span> \(2\)<\/td><\/tr>/,
    );
    expect(body).toMatch(/data-help-answered>.*75,0% \(3 dari 4\)/);
    expect(body).toMatch(/data-help-within>.*50,0% \(2 dari 4\)/);
    expect(body).toContain('<span data-minutes="240">4 jam 0 menit</span>');
    expect(body).toContain('5 pengunjung; median tunggu 10 menit (5 dipanggil); median layanan 16 menit (4 selesai).');
    expect(body).toContain('<title id="chart-queue-t">Pengunjung per jam, 2026-11-01 sampai 2026-11-30</title>');
    expect(body).toContain('08.00–08.59 3; 09.00–09.59 1; 10.00–10.59 1');
    expect(body).toContain('<title id="chart-revenue-t">');
    expect(body).toContain('Hanya periode yang berlaku di sini; filter jenis izin dan jalur tidak berlaku.');
    expect(body).toContain('Filter jalur tidak berlaku di sini; filter jenis izin berlaku untuk retribusi periode ini saja.');
    for (const tb of ['pendapatan', 'skm', 'layanan-bantuan', 'antrean']) expect(body).toContain(`href="/kantor/dasbor/${tb}.csv?dari=2026-11-01`);
    await headPage.post('/bahasa', { lang: 'en', kembali: '/kantor/dasbor' });
    const en = (await headPage.get('/kantor/dasbor?dari=2026-11-01&sampai=2026-11-30')).body;
    await headPage.post('/bahasa', { lang: 'id', kembali: '/kantor/dasbor' });
    expect(en).toContain('26.3% (Rp 5.250.000 of Rp 20.000.000)');
    expect(en).toContain('83.33 — B (Good)');
    expect(en).toContain('<span data-minutes="240">4 h 0 min</span>');
    expect(en).toContain('Only the period applies here; the permit type and channel filters do not.');
  });

  it('with nothing recorded: “target belum ditetapkan” and “belum tercatat”, never 0%', async () => {
    const o = (await dashboard('from=2025-06-01&to=2025-06-30')).operations;
    expect(o.revenue.target).toBeNull();
    expect(o.revenue.period).toEqual({ total: 0, count: 0, byPermitType: [] });
    expect(o.skm.result).toBeNull();
    expect(o.helpdesk).toEqual({
      received: 0,
      answered: { numerator: 0, denominator: 0 },
      withinDue: { numerator: 0, denominator: 0 },
      medianFirstResponseMinutes: null,
    });
    expect(o.queue).toMatchObject({ visitors: 0, byHour: [], total: { medianWaitMinutes: null, medianServiceMinutes: null } });
    const page = (await headPage.get('/kantor/dasbor?dari=2025-06-01&sampai=2025-06-30')).body;
    expect(page).toContain('<dd class="summary-list__value" data-target>target belum ditetapkan</dd>');
    expect(page).toContain('<span data-no-target>target belum ditetapkan</span>');
    expect(page).not.toContain('data-chart="chart-queue"');
    expect(page).not.toContain('data-chart="chart-revenue"');
    expect(page).toMatch(/id="skm"[\s\S]*?<strong><span data-none>belum tercatat<\/span><\/strong>/);
    expect(page).toMatch(/id="layanan-bantuan"[\s\S]*?<td colspan="2"><span data-none>belum tercatat<\/span><\/td>/);
    expect(page).toMatch(/data-queue-summary><span data-none>belum tercatat<\/span>/);
    expect(page).not.toMatch(/>0,0%/);
  });

  it('downloads the four new tables as CSV with their columns, from the API and the page', async () => {
    const csv = async (table: string) => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard/${table}.csv?${NOV}`, headers: auth(head) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['content-disposition']).toContain(`dasbor-${table}-2026-11-01-2026-11-30.csv`);
      return res.body.split('\r\n');
    };
    expect(await csv('pendapatan')).toEqual([
      'row,from,to,permit_code,permit_type,payments,amount_idr,target_idr,achieved_percent',
      expect.stringMatching(/^period_permit_type,2026-11-01,2026-11-30,"PBG",".+",1,1500000,,$/),
      expect.stringMatching(/^period_permit_type,2026-11-01,2026-11-30,"REKLAME",".+",2,1750000,,$/),
      'period,2026-11-01,2026-11-30,,,3,3250000,,',
      'year_to_date,2026-01-01,2026-11-30,,,4,5250000,20000000,26.3',
      '',
    ]);
    expect(await csv('skm')).toEqual([
      'from_month,to_month,respondents,score_sum,weighted_index,index,grade,grade_label',
      '2026-11,2026-11,3,90,3.33,83.33,B,"Baik"',
      '',
    ]);
    expect(await csv('layanan-bantuan')).toEqual([
      'from,to,received,answered,answered_percent,answered_within_due,within_due_percent,median_first_response_minutes',
      '2026-11-01,2026-11-30,4,3,75.0,2,50.0,240',
      '',
    ]);
    expect(await csv('antrean')).toEqual([
      'hour,visitors,called,median_wait_minutes,served,median_service_minutes',
      '08:00,3,3,20,2,15',
      '09:00,1,1,4,1,30',
      '10:00,1,1,6,1,12',
      'total,5,5,10,4,16',
      '',
    ]);
    const page = await headPage.get('/kantor/dasbor/antrean.csv?dari=2026-11-01&sampai=2026-11-30');
    expect(page.statusCode).toBe(200);
    expect(page.body.split('\r\n')[4]).toBe('total,5,5,10,4,16');
    const empty = await headPage.get('/kantor/dasbor/layanan-bantuan.csv?dari=2025-06-01&sampai=2025-06-30');
    expect(empty.body.split('\r\n')[1]).toBe('2025-06-01,2025-06-30,0,0,,0,,');
  });

  it('counts only the office’s own payments, answers, requests and tickets', async () => {
    const o = (await dashboard(NOV, batuHead, BATU)).operations;
    expect(o.revenue.period).toMatchObject({ total: 9_999_999, count: 1 });
    expect(o.revenue.target).toBeNull();
    expect(o.skm.result).toMatchObject({ respondents: 1, index: 25, grade: 'D' });
    expect(o.helpdesk).toMatchObject({ received: 1, answered: { numerator: 1, denominator: 1 }, medianFirstResponseMinutes: 5 });
    expect(o.queue).toMatchObject({ visitors: 1, byHour: [{ hour: 8, visitors: 1, medianWaitMinutes: 1, medianServiceMinutes: 1 }] });
  });
});
