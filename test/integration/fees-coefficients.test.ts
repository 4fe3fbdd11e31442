/**
 * The PBG retribution coefficients as versioned data in the database (issue 12, item 1), on SQLite and
 * PostgreSQL: the office starts with the seed file's 2026 coefficients as version 1; a new version
 * changes the next assessment without a restart and not one already made (the file keeps the version
 * it was assessed under); next year's coefficients can be entered ahead of the year; an admin's edit on the
 * coefficient page (the real admin path) changes the next assessment and the public estimate at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { loadRetributionTable } from '../../src/fees/retribution.loader.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { totpAt } from '../../src/auth/totp.js';
import { auth, createTestContext, enrollSecondFactor, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

const WORKED_EXAMPLE = {
  buildingFunction: 'umkm',
  floorCount: 2,
  complexity: 'not_simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  floorArea: 235,
  lowIncomeHouse: false,
};
const seeded2026 = loadRetributionTable().offices.MLG!['2026']!;

type Assessment = { rule: string; amount: number; year: number; coefficientsVersion?: number; breakdown: { shst: number } | null };

describe.each(DIALECTS)('PBG retribution coefficients in the database (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string };
  let admin: Actor;
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;

  async function fileAtFeeAssessment(token = applicant.token): Promise<string> {
    const id = await readyDraft(ctx, token, 'PBG', { answers: { ...(await validAnswers(ctx, 'PBG')), ...WORKED_EXAMPLE } });
    expect((await act(ctx, token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    return id;
  }
  const fee = async (id: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${id}/fee`, headers: auth(staff.treasurer.token) });
    expect(res.statusCode, res.body).toBe(200);
    return json<Assessment>(res);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    const a = await userWithToken(ctx, 'admin');
    const { name } = await ctx.db.selectFrom('users').select('name').where('id', '=', a.userId).executeTakeFirstOrThrow();
    admin = { userId: a.userId, tenantId: ctx.tenant.id, role: 'admin', name };
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('seeds the office from seed-data/retribution.json once, as version 1', async () => {
    const { years } = await ctx.services.fees.listCoefficients({ actor: admin });
    expect(years.map((y) => y.year)).toEqual([2026]);
    expect(years[0]!.current).toMatchObject({ version: 1, reason: 'Seeded from seed-data/retribution.json', createdBy: null });
    expect(years[0]!.current.coefficients).toEqual(seeded2026);
    // Another start seeds nothing more.
    expect(await ctx.services.fees.seedIfEmpty(ctx.tenant.id)).toBe(0);
    expect((await ctx.services.fees.listCoefficients({ actor: admin })).years[0]!.history).toHaveLength(1);
    // An office the file does not list starts with none (its assessments are 409 until its admin enters them).
    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    const batuAdmin: Actor = {
      userId: (await userWithToken(ctx, 'admin', { host: 'batu.izol.test', tenantId: batu.id })).userId,
      tenantId: batu.id,
      role: 'admin',
      name: 'Admin Batu',
    };
    expect((await ctx.services.fees.listCoefficients({ actor: batuAdmin })).years).toEqual([]);
  });

  it('a new SHST changes the next assessment without a restart, and not the one already made', async () => {
    const a = await fileAtFeeAssessment();
    expect(await fee(a)).toMatchObject({ amount: 6_176_270, coefficientsVersion: 1 });
    const assessed = await act(ctx, staff.treasurer.token, a, 'assess_fee', { feeAmount: 6_176_270 });
    expect(assessed.statusCode, assessed.body).toBe(200);

    const saved = await ctx.services.fees.saveCoefficients({
      actor: admin,
      year: 2026,
      coefficients: { ...seeded2026, shst: 7_000_000, decree: 'Keputusan Wali Kota Malang Nomor 188.45/2026 tentang SHST' },
      reason: 'SHST from the mayor’s decree',
    });
    expect(saved).toMatchObject({ year: 2026, version: 2, createdBy: admin.name });

    const b = await fileAtFeeAssessment();
    // 235 × (0.005 × 7,000,000) × 0.773 × 1 = 6,357,925.
    expect(await fee(b)).toMatchObject({ amount: 6_357_925, coefficientsVersion: 2, breakdown: { shst: 7_000_000 } });
    expect((await act(ctx, staff.treasurer.token, b, 'assess_fee', { feeAmount: 6_357_925 })).statusCode).toBe(200);
    // A keeps what it was assessed under: the amount, the version, the SHST.
    expect(await fee(a)).toMatchObject({ amount: 6_176_270, coefficientsVersion: 1, breakdown: { shst: 6_800_000 } });
    const rows = await ctx.db.selectFrom('applications').select(['id', 'fee_amount']).where('id', 'in', [a, b]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, Number(r.fee_amount)]))).toEqual({ [a]: 6_176_270, [b]: 6_357_925 });
    // A third version leaves B on version 2 as well.
    await ctx.services.fees.saveCoefficients({ actor: admin, year: 2026, coefficients: { ...seeded2026, shst: 7_500_000 }, reason: 'Corrected decree' });
    expect(await fee(b)).toMatchObject({ amount: 6_357_925, coefficientsVersion: 2 });

    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['data', 'actor_id'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('action', '=', 'fees.coefficients_saved')
      .orderBy('seq')
      .execute();
    expect(audit.map((r) => JSON.parse(r.data) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ year: 2026, version: 2, shst: 7_000_000, previousVersion: 1, reason: 'SHST from the mayor’s decree' }),
      expect.objectContaining({ year: 2026, version: 3, shst: 7_500_000, previousVersion: 2, reason: 'Corrected decree' }),
    ]);
    expect(audit[0]!.actor_id).toBe(admin.userId);
  });

  it('takes 2027 coefficients ahead of the year; a file filed in 2027 is assessed under them', async () => {
    await ctx.services.fees.saveCoefficients({
      actor: admin,
      year: 2027,
      coefficients: { ...seeded2026, shst: 8_000_000 },
      reason: 'Decree for 2027, published in November',
    });
    const { years } = await ctx.services.fees.listCoefficients({ actor: admin });
    expect(years.map((y) => [y.year, y.current.version])).toEqual([
      [2027, 1],
      [2026, 3],
    ]);
    ctx.clock.set('2027-01-05T03:00:00.000Z');
    let c: string;
    try {
      // A session of that day (the clock moved a year on).
      c = await fileAtFeeAssessment((await userWithToken(ctx, 'applicant')).token);
    } finally {
      ctx.clock.set('2026-11-20T03:00:00.000Z');
    }
    // 235 × 40,000 × 0.773 = 7,266,200.
    expect(await fee(c)).toMatchObject({ year: 2027, amount: 7_266_200, coefficientsVersion: 1 });
  });

  it('refuses coefficients the schema refuses, or no reason, with every problem named and nothing saved', async () => {
    const before = await ctx.db.selectFrom('retribution_coefficients').select('id').where('tenant_id', '=', ctx.tenant.id).execute();
    const refusal = await ctx.services.fees
      .saveCoefficients({ actor: admin, year: 2026, coefficients: { ...seeded2026, ilo: 0.05, shst: -1 }, reason: ' ' })
      .then(() => null)
      .catch((err: unknown) => err as { code: string; details: { fields: { field: string }[] } });
    expect(refusal?.code).toBe('invalid_input');
    expect(refusal?.details.fields.map((f) => f.field).sort()).toEqual(['coefficients.ilo', 'coefficients.shst', 'reason']);
    const after = await ctx.db.selectFrom('retribution_coefficients').select('id').where('tenant_id', '=', ctx.tenant.id).execute();
    expect(after).toHaveLength(before.length);
    // The head may read them, not change them; a treasurer may do neither.
    const head = staff.head.actor;
    expect((await ctx.services.fees.listCoefficients({ actor: head })).years.length).toBe(2);
    await expect(ctx.services.fees.saveCoefficients({ actor: head, year: 2026, coefficients: seeded2026, reason: 'try' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(ctx.services.fees.listCoefficients({ actor: staff.treasurer.actor })).rejects.toMatchObject({ code: 'forbidden' });
  });
  it('lists and saves them through the JSON API: the admin saves, the head reads, bad input is a 400 that saves nothing', async () => {
    const adminToken = (await userWithToken(ctx, 'admin')).token;
    const url = '/api/v1/fees/retribution-coefficients';
    const put = (token: string, year: string, payload: unknown) =>
      ctx.app.inject({ method: 'PUT', url: `${url}/${year}`, headers: auth(token), payload: payload as object });
    const saved = await put(adminToken, '2027', { coefficients: { ...seeded2026, shst: 8_100_000 }, reason: 'Revised 2027 decree' });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(json<{ year: number; version: number; coefficients: { shst: number } }>(saved)).toMatchObject({
      year: 2027,
      version: 2,
      coefficients: { shst: 8_100_000 },
    });

    const listed = await ctx.app.inject({ method: 'GET', url, headers: auth(staff.head.token) });
    expect(listed.statusCode, listed.body).toBe(200);
    const { years } = json<{ years: { year: number; current: { version: number; reason: string }; history: { version: number }[] }[] }>(listed);
    expect(years[0]).toMatchObject({ year: 2027, current: { version: 2, reason: 'Revised 2027 decree' } });
    expect(years[0]!.history.map((h) => h.version)).toEqual([2, 1]);

    const count = async () => (await ctx.db.selectFrom('retribution_coefficients').select('id').where('tenant_id', '=', ctx.tenant.id).execute()).length;
    const before = await count();
    expect((await put(staff.head.token, '2027', { coefficients: seeded2026, reason: 'Head tries' })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url, headers: auth(staff.treasurer.token) })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const bad = await put(adminToken, '2027', { coefficients: { ...seeded2026, ilo: 0.5 }, reason: 'Typo' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('ilo');
    expect((await put(adminToken, '2027', { coefficients: seeded2026 })).statusCode).toBe(400);
    expect((await put(adminToken, '1999', { coefficients: seeded2026, reason: 'Too early' })).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });
  it('two saves of one year at the same moment never make the same version twice: each is a new version or a 409', async () => {
    const save = (shst: number) =>
      ctx.services.fees.saveCoefficients({ actor: admin, year: 2026, coefficients: { ...seeded2026, shst }, reason: `Bersamaan ${shst}` });
    const results = await Promise.allSettled([save(7_100_000), save(7_200_000), save(7_300_000)]);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
    const saved = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.version);
    expect(saved.length).toBeGreaterThanOrEqual(1);
    const rows = await ctx.db
      .selectFrom('retribution_coefficients')
      .select('version')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('year', '=', 2026)
      .execute();
    const versions = rows.map((r) => Number(r.version)).sort((a, b) => a - b);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });
  it('an admin’s edit on the coefficient page changes the next assessment and the citizen’s estimate at once, and not an earlier assessment', async () => {
    // The admin's real path: signed in with the second factor, the year's form sent back with one figure changed.
    const email = `admin.${Math.random().toString(36).slice(2, 8)}@retribusi-koefisien.izol.test`;
    const password = 'admin kata sandi yang panjang';
    const created = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Halaman', email, password });
    const secret = await enrollSecondFactor(ctx, created.userId);
    const adminPage = new PageClient(ctx);
    await adminPage.post('/akun/masuk', { login: email, password });
    expect((await adminPage.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);

    // File A is assessed under the version in force now.
    const a = await fileAtFeeAssessment();
    const before = await fee(a);
    expect((await act(ctx, staff.treasurer.token, a, 'assess_fee', { feeAmount: before.amount })).statusCode).toBe(200);

    const form = await adminPage.get('/kantor/admin/retribusi/2026');
    const values: Record<string, string> = {};
    for (const m of form.body.matchAll(/<input [^>]*name="([^"]+)"[^>]*>/g)) {
      if (m[1] !== '_csrf')
        values[m[1]!] = (/value="([^"]*)"/.exec(m[0])?.[1] ?? '').replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
    }
    const saved = await adminPage.post('/kantor/admin/retribusi/2026', { ...values, shst: '6.900.000', reason: 'Keputusan Wali Kota: SHST 2026 diubah' });
    expect(saved.statusCode, saved.body.match(/error-summary[\s\S]*?<\/ul>/)?.[0]).toBe(303);
    const version = Number(/disimpan=(\d+)/.exec(String(saved.headers.location))?.[1]);
    expect(version).toBe(before.coefficientsVersion! + 1);

    // The next assessment, no restart: 235 × (0.005 × 6,900,000) × 0.773 × 1 = 6,267,097.5 → 6,267,098.
    const b = await fileAtFeeAssessment();
    expect(await fee(b)).toMatchObject({ amount: 6_267_098, coefficientsVersion: version, breakdown: { shst: 6_900_000 } });
    const estimate = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/fees/estimate?${new URLSearchParams({ permitType: 'PBG', ...Object.fromEntries(Object.entries(WORKED_EXAMPLE).map(([k, v]) => [k, String(v)])) }).toString()}`,
    });
    expect(estimate.statusCode, estimate.body).toBe(200);
    expect(json<Assessment>(estimate)).toMatchObject({ amount: 6_267_098, coefficientsVersion: version });
    // The earlier assessment keeps its amount and its version.
    expect(await fee(a)).toMatchObject({ amount: before.amount, coefficientsVersion: before.coefficientsVersion });
  });
});
