/**
 * The citizen's fee estimate (issue 12, item 2), on SQLite and PostgreSQL, without signing in and without
 * JavaScript: the PBG guide links to the calculator; its GET form asks the eight questions the rule reads
 * (the MBR question too) and answers with the amount and every step, labelled as an estimate; the MBR
 * waiver gives 0 with its reason; bad answers give the form again with the error summary (400) and what was
 * typed; a year without coefficients says so. The JSON API (estimateFee) gives the same, and 400/404 for
 * bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { WORKED_EXAMPLE_FORM } from '../helpers/fees.js';
import { createTestContext, json, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

const WORKED_EXAMPLE = WORKED_EXAMPLE_FORM;
const query = (answers: Record<string, string>) => new URLSearchParams(answers).toString();

type Estimate = {
  permitType: string;
  rule: string;
  amount: number;
  beforeWaiver: number;
  waiver: { code: string; percent: number; reason: { id: string } } | null;
  breakdown: { it: number; shst: number; formula: string } | null;
  year: number;
  coefficientsVersion?: number;
  answers: Record<string, unknown>;
};
type Problem = { status: number; code: string; detail: string; errors?: { field: string; code: string }[] };

describe.each(DIALECTS)('the fee estimate (%s)', (dialect) => {
  let ctx: TestContext;
  let citizen: PageClient;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    citizen = new PageClient(ctx);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('the PBG guide links to the calculator and says the bill comes with a payment code', async () => {
    const guide = await citizen.get('/izin/PBG');
    expect(guide.statusCode).toBe(200);
    expect(guide.body).toContain('href="/izin/PBG/perkiraan"');
    expect(guide.body).toContain('Tagihan resmi dengan kode bayar dikirim setelah kajian teknis.');
    expect(guide.body).toContain('rumah tinggal sederhana MBR 0%');
    // A free permit has no calculator link.
    expect((await citizen.get('/izin/REKLAME')).body).not.toContain('/perkiraan');
  });

  it('asks the questions the fee rule reads, the MBR question too, in a GET form that needs no JavaScript', async () => {
    const res = await citizen.get('/izin/PBG/perkiraan');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Perkiraan retribusi Persetujuan Bangunan Gedung (PBG)</h1>');
    expect(res.body).toContain('<form method="get" action="/izin/PBG/perkiraan" novalidate>');
    for (const name of Object.keys(WORKED_EXAMPLE)) expect(res.body, name).toMatch(new RegExp(`name="${name}"`));
    expect(res.body).toContain('Rumah tinggal sederhana untuk masyarakat berpenghasilan rendah (MBR)?');
    // Only the fee's questions: not the address or the land title.
    expect(res.body).not.toContain('name="buildingAddress"');
    expect(res.body).not.toContain('data-estimate-amount');
  });

  it('gives the worked example as Rp 6,176,270 with every step, labelled as an estimate', async () => {
    const res = await citizen.get(`/izin/PBG/perkiraan?hitung=1&${query(WORKED_EXAMPLE)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<strong data-estimate-amount>Perkiraan: Rp 6.176.270</strong>');
    expect(res.body).toContain('Ini perkiraan, bukan tagihan.');
    expect(res.body).toContain('235 m²');
    expect(res.body).toContain('Rp 6.800.000 per m²');
    expect(res.body).toContain('0,773 = If 0,5 × (0,3 × kompleksitas 2 + 0,2 × permanensi 2 + 0,5 × ketinggian 1,09) × Fm 1');
    expect(res.body).toContain('LLt × (Ilo × SHST) × It × Ibg = 235 × (0,005 × Rp 6.800.000) × 0,773 × 1 = Rp 6.176.270');
    expect(res.body).toContain('Dihitung dengan koefisien kantor untuk tahun 2026 (versi 1).');
    // The answers stay in the form, to change and work out again.
    expect(res.body).toMatch(/<input[^>]*name="floorArea"[^>]*value="235"|<input[^>]*value="235"[^>]*name="floorArea"/);
    expect(res.body).not.toContain('Keringanan');
    // Nothing was stored: an estimate is not an application.
    expect(await ctx.db.selectFrom('applications').select('id').execute()).toEqual([]);
  });

  it('takes the MBR waiver off for a low-income house: Rp 0, with the reason and the legal basis', async () => {
    const res = await citizen.get(`/izin/PBG/perkiraan?hitung=1&${query({ ...WORKED_EXAMPLE, lowIncomeHouse: 'yes' })}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<strong data-estimate-amount>Perkiraan: Rp 0</strong>');
    expect(res.body).toContain('Keringanan 100%');
    expect(res.body).toContain('Rumah tinggal sederhana untuk masyarakat berpenghasilan rendah (MBR) dikenakan retribusi PBG 0%.');
    expect(res.body).toContain('dasar hukum: Peraturan Daerah Kota Malang');
    expect(res.body).toContain('Dari Rp 6.176.270 dikurangi Rp 6.176.270.');
  });

  it('gives the form again with the error summary for bad answers (400), keeping what was typed', async () => {
    const { buildingFunction: _missing, ...rest } = WORKED_EXAMPLE;
    const res = await citizen.get(`/izin/PBG/perkiraan?hitung=1&${query({ ...rest, floorArea: 'dua ratus', floorCount: '2,5', lowIncomeHouse: 'mungkin' })}`);
    expect(res.statusCode).toBe(400);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)?.[0] ?? '';
    expect(summary).toContain('<a href="#f-floorArea">Luas total lantai bangunan (m²): Isi dengan angka, misalnya 120 atau 85,5.</a>');
    expect(summary).toContain('<a href="#f-floorCount">Jumlah lantai: Isi dengan bilangan bulat.</a>');
    expect(summary).toContain('<a href="#f-buildingFunction">Fungsi bangunan: wajib diisi.</a>');
    expect(summary).toContain('<a href="#f-lowIncomeHouse">Rumah tinggal sederhana untuk masyarakat berpenghasilan rendah (MBR)?: Pilih ya atau tidak.</a>');
    expect(res.body).toContain('value="dua ratus"');
    expect(res.body).not.toContain('data-estimate-amount');
  });

  it('speaks English too', async () => {
    const english = new PageClient(ctx);
    expect((await english.post('/bahasa', { lang: 'en', kembali: '/izin/PBG/perkiraan' })).statusCode).toBe(303);
    const res = await english.get(`/izin/PBG/perkiraan?hitung=1&${query(WORKED_EXAMPLE)}`);
    expect(res.body).toContain('Estimate: Rp 6.176.270');
    expect(res.body).toContain('This is an estimate, not a bill.');
  });

  it('answers the same through the JSON API, without signing in', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/fees/estimate?permitType=PBG&${query(WORKED_EXAMPLE)}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<Estimate>(res);
    expect(body).toMatchObject({
      permitType: 'PBG',
      rule: 'pbg_retribution',
      amount: 6_176_270,
      beforeWaiver: 6_176_270,
      waiver: null,
      year: 2026,
      coefficientsVersion: 1,
    });
    expect(body.breakdown).toMatchObject({ it: 0.773, shst: 6_800_000 });
    expect(body.answers).toMatchObject({ floorArea: 235, floorCount: 2, lowIncomeHouse: false });
    const mbr = json<Estimate>(await ctx.app.inject({ url: `/api/v1/fees/estimate?permitType=pbg&${query({ ...WORKED_EXAMPLE, lowIncomeHouse: 'yes' })}` }));
    expect(mbr).toMatchObject({ amount: 0, beforeWaiver: 6_176_270, waiver: { code: 'mbr', percent: 100 } });
    // A free permit type: 0, nothing to ask.
    expect(json<Estimate>(await ctx.app.inject({ url: '/api/v1/fees/estimate?permitType=REKLAME' }))).toMatchObject({ rule: 'free', amount: 0 });
  });

  it('refuses bad input through the API: 400 naming the parameter, 404 for an unknown permit type', async () => {
    const bad = await ctx.app.inject({ url: `/api/v1/fees/estimate?permitType=PBG&${query({ ...WORKED_EXAMPLE, floorArea: '-5' })}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json<Problem>(bad).errors).toEqual([expect.objectContaining({ field: 'floorArea', code: 'too_small' })]);
    const unknown = await ctx.app.inject({ url: `/api/v1/fees/estimate?permitType=PBG&${query({ ...WORKED_EXAMPLE, landTitleNumber: 'X-1' })}` });
    expect(unknown.statusCode).toBe(400);
    expect(json<Problem>(unknown).errors).toEqual([expect.objectContaining({ field: 'landTitleNumber', code: 'unknown_field' })]);
    expect((await ctx.app.inject({ url: '/api/v1/fees/estimate' })).statusCode).toBe(400);
    expect((await ctx.app.inject({ url: '/api/v1/fees/estimate?permitType=NOPE' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ url: `/api/v1/fees/estimate?permitType=PBG&floorArea=1&floorArea=2` })).statusCode).toBe(400);
  });

  it('says so when the office has no coefficients for this year (409), on the page and through the API', async () => {
    ctx.clock.set('2025-06-01T03:00:00.000Z');
    try {
      const api = await ctx.app.inject({ url: `/api/v1/fees/estimate?permitType=PBG&${query(WORKED_EXAMPLE)}` });
      expect(api.statusCode).toBe(409);
      expect(json<Problem>(api).detail).toContain('2025');
      const page = await citizen.get(`/izin/PBG/perkiraan?hitung=1&${query(WORKED_EXAMPLE)}`);
      expect(page.statusCode).toBe(409);
      expect(page.body).toContain('Perkiraan belum dapat dihitung.');
      expect(page.body).toContain('tahun pengajuan 2025');
    } finally {
      ctx.clock.set('2026-11-20T03:00:00.000Z');
    }
  });
});
