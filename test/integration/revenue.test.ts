/**
 * Retribution revenue against the annual target (src/revenue/), on SQLite and PostgreSQL. Payments are
 * seeded through the real paths — the bank's VA notification (services.payments.receive) and the
 * treasurer's bank-counter record_payment action — across three months of 2026 and both sides of the
 * month and year boundaries in Asia/Jakarta (UTC+7), then the API's, the page's and the CSV's figures
 * are compared with sums written out here. Held payments and another office's payment are not counted;
 * only the admin sets a target; a bad amount is 400 and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { insertPayment } from '../../src/payments/payments.repository.js';
import type { PaymentNotification } from '../../src/payments/payments.service.js';
import type { RevenueReport } from '../../src/revenue/revenue.service.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { usePaymentSettings } from '../helpers/payments.js';
import { auth, createTestContext, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { type PageClient, signedInOfficer } from '../helpers/pages.js';
import { carryToIssued } from '../helpers/permits.js';

type Bill = { id: string; customer_no: string; amount: number };

describe.each(DIALECTS)('revenue against the annual target (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  const api = {} as Record<'admin' | 'head' | 'treasurer' | 'verifier', string>;
  const pages = {} as Record<'admin' | 'head' | 'verifier', PageClient>;
  let batuTenantId: string;

  /** A PBG file carried to its fee assessment; the treasurer assesses `amount`, which issues the bill. */
  async function fileWithBill(amount: number): Promise<{ id: string; bill: Bill }> {
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', {
      feeAmount: amount,
      feeReason: 'Uji: jumlah contoh untuk perhitungan pendapatan',
    });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { id: bill.id, customer_no: bill.customer_no, amount: Number(bill.amount) } };
  }

  /** The bank's VA payment notification, paid at `paidAt` (the clock is moved there first). */
  async function payByVa(bill: Bill, paidAt: string, providerPaymentId: string, amount = bill.amount): Promise<string> {
    ctx.clock.set(paidAt);
    const n: PaymentNotification = {
      tenantId: ctx.tenant.id,
      provider: 'snap_va',
      providerPaymentId,
      bill: { customerNo: bill.customer_no },
      amount,
      paidAt,
      bankReference: `NTB${providerPaymentId}`,
      payerName: 'Budi',
      details: {},
    };
    return (await ctx.services.payments.receive(n)).outcome;
  }

  const signedIn = (role: Role) => signedInOfficer(ctx, role, 'pendapatan.izol.test');

  const revenue = (token: string, year?: number) =>
    ctx.app.inject({ method: 'GET', url: `/api/v1/revenue${year ? `?year=${year}` : ''}`, headers: auth(token) });
  const setTarget = (token: string, year: number, payload: unknown) =>
    ctx.app.inject({ method: 'PUT', url: `/api/v1/revenue/targets/${year}`, headers: auth(token), payload: payload as Record<string, unknown> });
  const targetRows = async () => ctx.db.selectFrom('revenue_targets').select(['id', 'amount']).execute();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // The files are filed and billed in December 2025; their bills stay payable for 120 days.
    ctx.clock.set('2025-12-20T03:00:00.000Z');
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    await usePaymentSettings(ctx, { bill_expiry_days: 120 });
    const files = {
      newYear: await fileWithBill(1_000_000),
      oldYear: await fileWithBill(500_000),
      counter: await fileWithBill(2_000_000),
      boundary: await fileWithBill(1_250_000),
      march: await fileWithBill(3_000_000),
      held: await fileWithBill(4_000_000),
    };
    // 23:00 on 31 December 2025 in Jakarta: 2025's revenue, not 2026's.
    expect(await payByVa(files.oldYear.bill, '2025-12-31T16:00:00.000Z', 'VA-OLDYEAR')).toBe('recorded');
    // 00:30 on 1 January 2026 in Jakarta (still 2025 in UTC): January 2026.
    expect(await payByVa(files.newYear.bill, '2025-12-31T17:30:00.000Z', 'VA-NEWYEAR')).toBe('recorded');
    // The treasurer's bank-counter entry at 23:59 on 31 January in Jakarta: January.
    ctx.clock.set('2026-01-31T16:59:00.000Z');
    await ctx.services.applications.performAction({
      actor: staff.treasurer.actor,
      applicationId: files.counter.id,
      action: 'record_payment',
      paymentReference: 'NTB-COUNTER-0131',
    });
    // 01:30 on 1 February in Jakarta (31 January in UTC): February.
    expect(await payByVa(files.boundary.bill, '2026-01-31T18:30:00.000Z', 'VA-BOUNDARY')).toBe('recorded');
    expect(await payByVa(files.march.bill, '2026-03-02T02:00:00.000Z', 'VA-MARCH')).toBe('recorded');
    // A wrong amount is held for the treasurer: not revenue.
    expect(await payByVa(files.held.bill, '2026-03-03T02:00:00.000Z', 'VA-HELD', 3_999_999)).toBe('held');
    // Another office's payment in February 2026 (written directly: only its office matters here).
    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    batuTenantId = batu.id;
    await insertPayment(ctx.db, {
      id: crypto.randomUUID(),
      tenant_id: batu.id,
      provider: 'bank_counter',
      provider_payment_id: 'BTU-NTB-1',
      bill_id: null,
      application_id: null,
      amount: 9_999_999,
      paid_at: '2026-02-10T03:00:00.000Z',
      received_at: '2026-02-10T03:00:00.000Z',
      state: 'recorded',
      hold_reason: null,
      bank_reference: 'BTU-NTB-1',
      payer_name: null,
      details: '{}',
      recorded_by: null,
      resolved_at: null,
      resolved_by: null,
      resolution_note: null,
    });
    // Today: 10:00 on 15 March 2026 in Jakarta, the 74th day of the year.
    ctx.clock.set('2026-03-15T03:00:00.000Z');
    for (const role of ['admin', 'head', 'treasurer', 'verifier'] as const) api[role] = (await userWithToken(ctx, role)).token;
    for (const role of ['admin', 'head', 'verifier'] as const) pages[role] = await signedIn(role);
  }, 480_000);
  afterAll(async () => ctx?.close());

  // The hand computation, in rupiah, by month of paid_at in Asia/Jakarta:
  const JANUARY = 1_000_000 + 2_000_000; // VA-NEWYEAR (2025-12-31T17:30Z) + NTB-COUNTER-0131 (2026-01-31T16:59Z)
  const FEBRUARY = 1_250_000; // VA-BOUNDARY (2026-01-31T18:30Z)
  const MARCH = 3_000_000; // VA-MARCH; VA-HELD is not counted
  const TOTAL = JANUARY + FEBRUARY + MARCH; // 7,250,000
  const TARGET = 20_000_000;
  // 7,250,000 / 20,000,000 = 36.25 % → 362.5 tenths of a percent → 363 rounded half up → "36,3%".
  const ACHIEVED_PERMILLE = 363;
  // 7,250,000 ÷ 74 days × 365 days = 35,760,135.135… → 35,760,135; ÷ 20,000,000 = 178.80 %.
  const PROJECTION = 35_760_135;

  it('shows "no target set" (not 0%) before the admin sets one, with the month totals', async () => {
    const res = await revenue(api.treasurer, 2026);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<RevenueReport>();
    expect(body).toMatchObject({ year: 2026, timeZone: 'Asia/Jakarta', today: '2026-03-15', period: 'current', total: TOTAL, count: 4 });
    expect(body.target).toBeNull();
    expect(body.achievedPermille).toBeNull();
    expect(body.projection).toMatchObject({ basis: 'pace', amount: PROJECTION, elapsedDays: 74, daysInYear: 365, permilleOfTarget: null });
    const page = await pages.head.get('/kantor/pendapatan?tahun=2026');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Belum ada target untuk 2026');
    expect(page.body).toContain('data-achieved="none"');
    expect(page.body).not.toMatch(/>0,0%</);
  });

  it('lets only the admin set the target; a bad amount or no reason is 400 and writes nothing', async () => {
    for (const role of ['head', 'treasurer', 'verifier'] as const) {
      expect((await setTarget(api[role], 2026, { amount: TARGET, reason: 'APBD 2026' })).statusCode).toBe(403);
    }
    for (const payload of [
      { amount: 0, reason: 'APBD 2026' },
      { amount: -5, reason: 'APBD 2026' },
      { amount: 1.5, reason: 'APBD 2026' },
      { amount: '20000000', reason: 'APBD 2026' },
      { amount: TARGET },
      { amount: TARGET, reason: 'x' },
    ]) {
      const res = await setTarget(api.admin, 2026, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    // 2028 is not next year: refused with a message, nothing written.
    const far = await setTarget(api.admin, 2028, { amount: TARGET, reason: 'Terlalu jauh' });
    expect(far.statusCode).toBe(400);
    expect(far.json<{ errors: { field: string }[] }>().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'year' })]));
    expect(await targetRows()).toHaveLength(0);

    const first = await setTarget(api.admin, 2026, { amount: 10_000_000, reason: 'APBD 2026' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ amount: 10_000_000, version: 1, reason: 'APBD 2026' });
    const second = await setTarget(api.admin, 2026, { amount: TARGET, reason: 'APBD Perubahan 2026' });
    expect(second.json()).toMatchObject({ amount: TARGET, version: 2 });
    // Next year's target entered ahead.
    expect((await setTarget(api.admin, 2027, { amount: 25_000_000, reason: 'Rancangan APBD 2027' })).statusCode).toBe(200);
    const audits = await ctx.db.selectFrom('audit_events').select('data').where('action', '=', 'revenue.target_set').execute();
    expect(audits.map((a) => JSON.parse(a.data) as { year: number; amount: number; previousAmount: number | null })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ year: 2026, amount: TARGET, previousAmount: 10_000_000 }),
        expect.objectContaining({ year: 2027, amount: 25_000_000, previousAmount: null }),
      ]),
    );
  });

  it('matches the hand computation: months in Jakarta time, held and other-office payments left out, % achieved and the projection', async () => {
    const body = (await revenue(api.head, 2026)).json<RevenueReport>();
    expect(body.total).toBe(TOTAL);
    expect(body.months.slice(0, 4)).toEqual([
      { month: 1, total: JANUARY, count: 2, cumulative: JANUARY },
      { month: 2, total: FEBRUARY, count: 1, cumulative: JANUARY + FEBRUARY },
      { month: 3, total: MARCH, count: 1, cumulative: TOTAL },
      { month: 4, total: 0, count: 0, cumulative: TOTAL },
    ]);
    expect(body.permitTypes).toHaveLength(1);
    expect(body.permitTypes[0]).toMatchObject({ code: 'PBG', total: TOTAL, count: 4 });
    expect(body.permitTypes[0]!.months[1]).toEqual({ month: 2, total: FEBRUARY, count: 1 });
    expect(body.target).toMatchObject({ amount: TARGET, version: 2, reason: 'APBD Perubahan 2026' });
    expect(body.targetHistory.map((h) => h.amount)).toEqual([TARGET, 10_000_000]);
    expect(body.achievedPermille).toBe(ACHIEVED_PERMILLE);
    expect(body.projection).toEqual({ basis: 'pace', amount: PROJECTION, elapsedDays: 74, daysInYear: 365, permilleOfTarget: 1788 });

    // 2025 is over: its projection is its actual; it has no target.
    const past = (await revenue(api.head, 2025)).json<RevenueReport>();
    expect(past).toMatchObject({ period: 'past', total: 500_000, count: 1, target: null, achievedPermille: null });
    expect(past.months[11]).toMatchObject({ month: 12, total: 500_000 });
    expect(past.projection).toMatchObject({ basis: 'actual', amount: 500_000 });
    // 2027 has not started: no projection, the target set ahead.
    const future = (await revenue(api.head, 2027)).json<RevenueReport>();
    expect(future).toMatchObject({ period: 'future', total: 0, target: { amount: 25_000_000 }, achievedPermille: 0 });
    expect(future.projection).toMatchObject({ basis: 'none', amount: null });
    // The other office sees its own payment only.
    const batuAdmin = await userWithToken(ctx, 'admin', { host: 'batu.izol.test', tenantId: batuTenantId });
    const batu = await ctx.app.inject({ method: 'GET', url: '/api/v1/revenue?year=2026', headers: auth(batuAdmin.token, { host: 'batu.izol.test' }) });
    expect(batu.json()).toMatchObject({ total: 9_999_999, count: 1, target: null });
  });

  it('shows the page: figures, an SVG chart with title and desc, the table with caption and th scope, a GET year picker', async () => {
    expect((await pages.head.get('/kantor')).body).toContain('href="/kantor/pendapatan"');
    expect((await pages.verifier.get('/kantor')).body).not.toContain('href="/kantor/pendapatan"');
    expect((await pages.verifier.get('/kantor/pendapatan')).statusCode).toBe(403);
    const res = await pages.head.get('/kantor/pendapatan?tahun=2026');
    expect(res.statusCode).toBe(200);
    const b = res.body;
    expect(b).toContain('<h1>Pendapatan retribusi 2026</h1>');
    expect(b).toContain('Rp 7.250.000 dari 4 pembayaran');
    expect(b).toContain(`data-target="${TARGET}">Rp 20.000.000<`);
    expect(b).toContain('data-achieved="363">36,3%<');
    expect(b).toContain('Rp 35.760.135 (178,8% dari target) bila laju tetap');
    const svg = /<svg [^>]*role="img"[\s\S]*?<\/svg>/.exec(b)?.[0] ?? '';
    expect(svg).toMatch(/aria-labelledby="revenue-chart-2026-title revenue-chart-2026-desc"/);
    expect(svg).toContain('<title id="revenue-chart-2026-title">Realisasi kumulatif 2026 terhadap target</title>');
    expect(svg).toMatch(/<desc id="revenue-chart-2026-desc">[^<]*Garis putus-putus: target Rp 20\.000\.000\.[^<]*Sampai Maret: Rp 7\.250\.000\.<\/desc>/);
    expect(svg).toContain(`data-target-line="${TARGET}"`);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain(`data-month="2" data-cumulative="${JANUARY + FEBRUARY}"`);
    expect(svg).not.toContain('data-month="4" data-cumulative');
    const table = /<table [^>]*data-revenue-table>[\s\S]*?<\/table>/.exec(b)?.[0] ?? '';
    expect(table).toContain('<caption class="table__caption" id="revenue-caption">Pendapatan per bulan 2026, per jenis izin</caption>');
    expect(table).toContain('<th scope="col">Bulan</th>');
    expect(table).toMatch(
      /<tr data-month="2"><th scope="row">Februari<\/th><td class="table__cell--numeric">1<\/td><td class="table__cell--numeric" data-type="PBG">Rp 1\.250\.000<\/td>/,
    );
    expect(table).toContain(`data-total="${TOTAL}"`);
    expect(b).toMatch(/<form method="get" action="\/kantor\/pendapatan"[^>]*>[\s\S]*?<select class="input" id="f-tahun" name="tahun">/);
    expect(b).toContain('href="/kantor/pendapatan.csv?tahun=2026"');
    // The head reads; the form is the admin's.
    expect(b).not.toContain('data-target-form');
    expect((await pages.admin.get('/kantor/pendapatan?tahun=2026')).body).toContain('action="/kantor/pendapatan/2026/target"');
    // A future year says why there is no projection.
    expect((await pages.head.get('/kantor/pendapatan?tahun=2027')).body).toContain('Tahun ini belum dimulai: belum ada proyeksi.');
  });

  it("the admin's target form: a bad amount shows the error summary and writes nothing; a good one replaces the target", async () => {
    const before = await targetRows();
    expect((await pages.head.post('/kantor/pendapatan/2026/target', { amount: '30000000', reason: 'Kepala mencoba' })).statusCode).toBe(403);
    const bad = await pages.admin.post('/kantor/pendapatan/2026/target', { amount: '12,5 juta', reason: '' });
    expect(bad.statusCode).toBe(400);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(bad.body)?.[0] ?? '';
    expect(summary).toContain('href="#f-amount"');
    expect(summary).toContain('Tulis target sebagai bilangan bulat rupiah lebih dari 0');
    expect(summary).toContain('href="#f-reason"');
    expect(bad.body).toContain('value="12,5 juta"');
    expect(await targetRows()).toHaveLength(before.length);
    const good = await pages.admin.post('/kantor/pendapatan/2026/target', { amount: 'Rp 29.000.000', reason: 'Revisi target triwulan I' });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/kantor/pendapatan?tahun=2026&disimpan=1');
    const after = await pages.admin.get('/kantor/pendapatan?tahun=2026&disimpan=1');
    expect(after.body).toContain('Target 2026 disimpan: Rp 29.000.000.');
    expect(after.body).toMatch(/<li data-version="3"><strong>Versi 3: Rp 29\.000\.000<\/strong>[\s\S]*?Petugas admin: Revisi target triwulan I<\/li>/);
    // 7,250,000 / 29,000,000 = 25.0 %.
    expect(after.body).toContain('data-achieved="250">25,0%<');
  });

  it('answers malformed requests with 400 and no token with 401, writing nothing', async () => {
    const before = await targetRows();
    for (const url of ['/api/v1/revenue?year=abc', '/api/v1/revenue?year=1999', '/api/v1/revenue?year=2026&bulan=1', '/api/v1/revenue.csv?year=20260']) {
      const res = await ctx.app.inject({ method: 'GET', url, headers: auth(api.head) });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await setTarget(api.admin, Number.NaN, { amount: 1, reason: 'APBD 2026' })).statusCode).toBe(400);
    expect((await setTarget(api.admin, 2026, { amount: TARGET, reason: 'APBD 2026', tahun: 2026 })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/revenue?year=2026' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'PUT', url: '/api/v1/revenue/targets/2026', payload: { amount: TARGET, reason: 'APBD 2026' } })).statusCode).toBe(
      401,
    );
    expect(await targetRows()).toHaveLength(before.length);
  });

  it('reads in English too', async () => {
    const client = await signedIn('treasurer');
    expect((await client.post('/bahasa', { lang: 'en', kembali: '/kantor/pendapatan?tahun=2026' })).statusCode).toBe(303);
    const res = await client.get('/kantor/pendapatan?tahun=2026');
    expect(res.body).toContain('<h1>Retribution revenue 2026</h1>');
    expect(res.body).toContain('Rp 7.250.000 from 4 payments');
    expect(res.body).toContain('<th scope="row">February</th>');
    expect(res.body).toMatch(/data-achieved="\d+">\d+\.\d%</);
  });

  it('downloads the CSV: one row per permit type × month with a header, integer amounts', async () => {
    for (const res of [
      await pages.head.get('/kantor/pendapatan.csv?tahun=2026'),
      await ctx.app.inject({ method: 'GET', url: '/api/v1/revenue.csv?year=2026', headers: auth(api.treasurer) }),
    ]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['content-disposition']).toContain('attachment; filename="pendapatan-2026.csv"');
      const lines = res.body.trimEnd().split('\r\n');
      expect(lines[0]).toBe('year,month,permit_code,permit_type,payments,amount_idr');
      expect(lines).toHaveLength(13);
      expect(lines[1]).toMatch(/^2026,1,"PBG","[^"]+",2,3000000$/);
      expect(lines[2]).toMatch(/^2026,2,"PBG","[^"]+",1,1250000$/);
      expect(lines[3]).toMatch(/^2026,3,"PBG","[^"]+",1,3000000$/);
      expect(lines[12]).toMatch(/^2026,12,"PBG","[^"]+",0,0$/);
    }
    expect((await pages.verifier.get('/kantor/pendapatan.csv?tahun=2026')).statusCode).toBe(403);
  });
});
