/**
 * The public transparency page and its open data (src/transparency/, issue 13 item 3) on SQLite and
 * PostgreSQL, over a fixed data set written straight into the tables (one row per file, with its
 * timeline for the closed ones; survey answers as the survey stores them), read through the JSON API,
 * the page and the exports, and compared with counts written out by hand here. Today is Monday
 * 8 June 2026; the default period is July 2025 – June 2026.
 *
 * Kota Malang (Asia/Jakarta, UTC+7), filed per month (channel: online / assisted / counter / courier):
 *   March 2026  PBG 1 counter, REKLAME 4 counter (the closed files below)       → 5,  digital 0/5
 *   April 2026  PBG 3 counter; REKLAME 1 online, 1 courier (23:59 on 30 April WIB), 1 counter (closed below)
 *                                                                              → 6,  digital 1/6 = 16,7%
 *   May 2026    PBG 3 online (one at 00:30 on 1 May WIB, still 30 April in UTC), 2 assisted, 4 counter, 1 courier;
 *               REKLAME 1 online, 1 counter                                     → 12, digital 6/12 = 50,0%
 *   June 2026   REKLAME 1 counter at 00:00 on 1 June WIB (31 May in UTC)        → 1,  digital 0/1 = 0,0%
 *   pooled over the period: (5 online + 2 assisted) / 24 = 29,2%; the mean of PBG's 5/14 and REKLAME's 2/10 would be 27,9%.
 *   Not counted: 2 online PBG in June 2025 (before the period; in the year 2025), an online draft never submitted.
 * Closed (REKLAME 14 working days, PBG 45; holidays 18–20, 23, 24 March and 3 April 2026), each file's
 * outcome kept on it (migration 0035, filled from its timeline by the SLA clock's rule):
 *   March: REKLAME 9, 11 (with the holidays), 15 (late), 5 (paused with the applicant) working days; PBG 4.
 *          → 4 of 5 on time (80,0%), median 9; REKLAME 3 of 4, median 10; PBG 1 of 1, median 4.
 *   April: REKLAME filed 1 April, issued 10 April: 6 working days (3 April is Good Friday) → 1 of 1, median 6.
 *   period: 5 of 6 (83,3%), median of 4 5 6 9 11 15 = 7,5; REKLAME 4 of 5, median 9.
 * SKM: May 2 answers (all 4s, all 3s) → 25 × 63 ÷ 18 = 87,50, B; April 1 answer (all 2s) → 50,00, D;
 *      period 25 × 81 ÷ 27 = 75,00, C; June 2025 1 answer (all 4s), outside the period.
 *
 * Kota Balikpapan (Asia/Makassar, UTC+8), the smaller office: 1 PBG at the counter in May; 3 online PBG
 * at 16:30 UTC on 31 May, which is 00:30 on 1 June there (still May in Jakarta) → May 0/1, June 3/3,
 * period 3/4 = 75,0%; one SKM answer of all 1s in May → 25,00, D; nothing closed.
 */
import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice } from '../../src/bootstrap.js';
import { fillMissingSlaOutcomes } from '../../src/sla/outcomes.js';
import type { ApplicationsTable } from '../../src/db/schema.js';
import { CACHE_MS, type TransparencyReport } from '../../src/transparency/transparency.service.js';
import { insertFixtureFile } from '../helpers/fixture-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

type Channel = ApplicationsTable['channel'];
type Step = { to: string; at: string };

const BALIKPAPAN = {
  ...SECOND_OFFICE,
  code: 'BPN',
  name: 'DPMPTSP Kota Balikpapan',
  timeZone: 'Asia/Makassar',
  hostnames: ['balikpapan.izol.test'],
  branding: { logoText: 'Izol Kota Balikpapan' },
};
const BPN_HOST = { host: 'balikpapan.izol.test' };

/** What a file holds about its applicant: none of it may appear in any public output. */
const SECRET = {
  name: 'Siti Rahasiawati',
  nik: '3573014506900002',
  email: 'siti.rahasia@contoh.id',
  phone: '081234567890',
  /** The start of each file's number and tracking code (a counter follows: both are unique per office). */
  number: 'PBG/0777',
  tracking: 'RHSIA',
};

/** A small RFC 4180 reader for the exports: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe.each(DIALECTS)('the public transparency page and open data (%s)', (dialect) => {
  let ctx: TestContext;
  let creator = '';
  let balikpapanId = '';
  let seq = 0;
  const versions = new Map<string, { typeId: string; versionId: string }>();

  async function versionOf(tenantId: string, code: string) {
    const key = `${tenantId}|${code}`;
    if (!versions.has(key)) {
      const pt = (await ctx.services.catalogue.listPermitTypes({ tenantId })).find((p) => p.definition.code === code)!;
      versions.set(key, { typeId: pt.permitTypeId, versionId: pt.versionId });
    }
    return versions.get(key)!;
  }

  /** One application row as the services leave it, with its timeline for a closed one; the applicant's details are SECRET's. */
  async function file(f: {
    tenantId?: string;
    code: string;
    channel: Channel;
    state: string;
    createdAt: string;
    submittedAt?: string | null;
    decidedAt?: string | null;
    timeline?: Step[];
  }): Promise<void> {
    const tenantId = f.tenantId ?? ctx.tenant.id;
    if (f.submittedAt) seq += 1;
    await insertFixtureFile(ctx, {
      ...f,
      tenantId,
      version: await versionOf(tenantId, f.code),
      createdBy: creator,
      number: f.submittedAt ? `${SECRET.number}${seq}/MLG/2026` : null,
      trackingCode: f.submittedAt ? `${SECRET.tracking}${seq}` : null,
      applicant: { name: SECRET.name, contact: SECRET.phone },
      answers: { nik: SECRET.nik, email: SECRET.email, name: SECRET.name },
    });
  }

  /** n filed files, one a minute from `at` (ISO, UTC). */
  async function filed(n: number, code: string, channel: Channel, at: string, tenantId?: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const t = new Date(Date.parse(at) + i * 60_000).toISOString();
      await file({ tenantId, code, channel, state: 'verification', createdAt: new Date(Date.parse(t) - 10 * 60_000).toISOString(), submittedAt: t });
    }
  }

  /** A counter file filed at 09:00 WIB on `filedOn` and closed at 15:00 WIB on the last step's date. */
  async function closed(code: string, filedOn: string, steps: [string, string][], final: string): Promise<void> {
    const wib = (d: string, h: number) => new Date(Date.parse(`${d}T00:00:00Z`) + (h - 7) * 3_600_000).toISOString();
    const submittedAt = wib(filedOn, 9);
    const timeline: Step[] = [{ to: 'submitted', at: submittedAt }, ...steps.map(([to, d]) => ({ to, at: wib(d, to === final ? 15 : 10) }))];
    await file({ code, channel: 'walk_in', state: final, createdAt: wib(filedOn, 8), submittedAt, decidedAt: timeline[timeline.length - 1]!.at, timeline });
  }

  async function answer(tenantId: string, period: string, score: number): Promise<void> {
    await ctx.db
      .insertInto('survey_answers')
      .values({
        id: randomUUID(),
        tenant_id: tenantId,
        service_kind: 'permit',
        service_code: 'PBG',
        period,
        u1_requirements: score,
        u2_procedure: score,
        u3_time: score,
        u4_fee: score,
        u5_product: score,
        u6_competence: score,
        u7_behaviour: score,
        u8_complaints: score,
        u9_facilities: score,
        age_band: '25-34',
        sex: 'female',
        education: 's1',
        occupation: 'wiraswasta',
      })
      .execute();
  }

  const report = async (query = '', headers: Record<string, string> = {}): Promise<TransparencyReport> => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/transparency${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<TransparencyReport>();
  };
  const month = (r: TransparencyReport, m: string) => r.months.find((x) => x.month === m)!;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.clock.set('2026-06-08T03:00:00.000Z'); // Monday 8 June 2026, 10:00 WIB
    creator = (await userWithToken(ctx, 'head')).userId;

    // Kota Malang, filed.
    await filed(3, 'PBG', 'walk_in', '2026-04-10T03:00:00.000Z');
    await filed(1, 'REKLAME', 'online', '2026-04-10T04:00:00.000Z');
    await filed(1, 'REKLAME', 'courier', '2026-04-30T16:59:00.000Z'); // 23:59 on 30 April WIB
    await filed(1, 'PBG', 'online', '2026-04-30T17:30:00.000Z'); // 00:30 on 1 May WIB
    await filed(2, 'PBG', 'online', '2026-05-04T02:00:00.000Z');
    await filed(2, 'PBG', 'assisted', '2026-05-05T02:00:00.000Z');
    await filed(4, 'PBG', 'walk_in', '2026-05-11T02:00:00.000Z');
    await filed(1, 'PBG', 'courier', '2026-05-12T02:00:00.000Z');
    await filed(1, 'REKLAME', 'online', '2026-05-18T02:00:00.000Z');
    await filed(1, 'REKLAME', 'walk_in', '2026-05-18T03:00:00.000Z');
    await filed(1, 'REKLAME', 'walk_in', '2026-05-31T17:00:00.000Z'); // 00:00 on 1 June WIB
    await filed(2, 'PBG', 'online', '2025-06-15T02:00:00.000Z'); // before the period
    await file({ code: 'REKLAME', channel: 'online', state: 'draft', createdAt: '2026-05-20T02:00:00.000Z' }); // never submitted

    // Kota Malang, closed.
    await closed('REKLAME', '2026-03-02', [['issued', '2026-03-13']], 'issued'); // (2, 13 Mar] = 9
    await closed('REKLAME', '2026-03-09', [['issued', '2026-03-31']], 'issued'); // (9, 31 Mar] = 11 with the holidays
    await closed('REKLAME', '2026-03-02', [['rejected', '2026-03-30']], 'rejected'); // (2, 30 Mar] = 15: late
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
    ); // (2, 4 Mar] + (11, 16 Mar] = 2 + 3 = 5
    await closed('PBG', '2026-03-02', [['rejected', '2026-03-06']], 'rejected'); // (2, 6 Mar] = 4
    await closed('REKLAME', '2026-04-01', [['issued', '2026-04-10']], 'issued'); // 2 Apr, 6–10 Apr = 6

    // The outcome each closed file keeps (migration 0035), as the start-up fill writes it for files closed before.
    expect(await fillMissingSlaOutcomes({ db: ctx.db, catalogue: ctx.services.catalogue, holidays: ctx.services.holidays })).toBe(6);

    // Kota Malang, SKM.
    await answer(ctx.tenant.id, '2026-05', 4);
    await answer(ctx.tenant.id, '2026-05', 3);
    await answer(ctx.tenant.id, '2026-04', 2);
    await answer(ctx.tenant.id, '2025-06', 4);

    // Kota Balikpapan.
    balikpapanId = (await ensureOffice(ctx.services, BALIKPAPAN)).id;
    await filed(1, 'PBG', 'walk_in', '2026-05-10T02:00:00.000Z', balikpapanId);
    await filed(3, 'PBG', 'online', '2026-05-31T16:30:00.000Z', balikpapanId); // 00:30 on 1 June WITA
    await answer(balikpapanId, '2026-05', 1);
  }, 600_000);
  afterAll(async () => ctx?.close());

  it('counts filings per office-local month and channel, pooled (sum over sum), for the last 12 months by default', async () => {
    const r = await report();
    expect([r.from, r.to, r.year, r.timeZone, r.utcOffsetMinutes]).toEqual(['2025-07', '2026-06', null, 'Asia/Jakarta', 420]);
    expect(r.months.map((m) => m.month)).toHaveLength(12);
    expect(r.months.map((m) => [m.month, m.filed.filed, m.filed.digital.numerator])).toEqual([
      ['2025-07', 0, 0],
      ['2025-08', 0, 0],
      ['2025-09', 0, 0],
      ['2025-10', 0, 0],
      ['2025-11', 0, 0],
      ['2025-12', 0, 0],
      ['2026-01', 0, 0],
      ['2026-02', 0, 0],
      ['2026-03', 5, 0],
      ['2026-04', 6, 1],
      ['2026-05', 12, 6],
      ['2026-06', 1, 0],
    ]);
    expect(month(r, '2026-05').filed).toEqual({
      filed: 12,
      digital: { numerator: 6, denominator: 12 },
      online: { numerator: 4, denominator: 12 },
      assisted: { numerator: 2, denominator: 12 },
      walkIn: { numerator: 5, denominator: 12 },
      courier: { numerator: 1, denominator: 12 },
    });
    expect(month(r, '2026-04').filed.courier).toEqual({ numerator: 1, denominator: 6 });
    expect(month(r, '2025-07').filed.digital).toEqual({ numerator: 0, denominator: 0 });
    expect(r.total.filed).toEqual({
      filed: 24,
      digital: { numerator: 7, denominator: 24 },
      online: { numerator: 5, denominator: 24 },
      assisted: { numerator: 2, denominator: 24 },
      walkIn: { numerator: 15, denominator: 24 },
      courier: { numerator: 2, denominator: 24 },
    });
    // By permit type: pooled over the files, not the mean of the types' ratios.
    const types = Object.fromEntries(r.total.byPermitType.map((t) => [t.code, t]));
    expect(types.PBG!.digital).toEqual({ numerator: 5, denominator: 14 });
    expect(types.REKLAME!.digital).toEqual({ numerator: 2, denominator: 10 });
    expect(types.REKLAME!.walkIn).toEqual({ numerator: 7, denominator: 10 });
    expect(7 / 24).not.toBeCloseTo((5 / 14 + 2 / 10) / 2, 2);
    expect(month(r, '2026-05').byPermitType.map((t) => [t.code, t.filed, t.digital.numerator])).toEqual([
      ['PBG', 10, 5],
      ['REKLAME', 2, 1],
    ]);
  });

  it('SLA: closed within the service time ÷ closed, and the median working days, per month of closing and per permit type', async () => {
    const r = await report();
    expect(month(r, '2026-03').sla).toEqual({ closed: 5, measured: 5, withinSla: 4, compliance: { numerator: 4, denominator: 5 }, medianWorkingDays: 9 });
    expect(month(r, '2026-04').sla).toEqual({ closed: 1, measured: 1, withinSla: 1, compliance: { numerator: 1, denominator: 1 }, medianWorkingDays: 6 });
    expect(month(r, '2026-05').sla).toEqual({ closed: 0, measured: 0, withinSla: 0, compliance: { numerator: 0, denominator: 0 }, medianWorkingDays: null });
    expect(r.total.sla).toEqual({ closed: 6, measured: 6, withinSla: 5, compliance: { numerator: 5, denominator: 6 }, medianWorkingDays: 7.5 });
    expect(r.total.slaByPermitType.map((s) => [s.code, s.slaWorkingDays, s.withinSla, s.closed, s.medianWorkingDays])).toEqual([
      ['PBG', 45, 1, 1, 4],
      ['REKLAME', 14, 4, 5, 9],
    ]);
  });

  it('SKM: the index and grade per month from the stored answers (Permenpan RB 14/2017), and over the period', async () => {
    const r = await report();
    expect(month(r, '2026-05').skm).toEqual({ respondents: 2, index: 87.5, grade: 'B', label: { id: 'Baik', en: 'Good' } });
    expect(month(r, '2026-04').skm).toEqual({ respondents: 1, index: 50, grade: 'D', label: { id: 'Tidak Baik', en: 'Poor' } });
    expect(month(r, '2026-03').skm).toEqual({ respondents: 0, index: null, grade: null, label: null });
    expect(r.total.skm).toEqual({ respondents: 3, index: 75, grade: 'C', label: { id: 'Kurang Baik', en: 'Fair' } });
  });

  it('a year: its January to December (up to the current month this year); a year that cannot be shown is a 400', async () => {
    const y2025 = await report('?year=2025');
    expect([y2025.from, y2025.to, y2025.year]).toEqual(['2025-01', '2025-12', 2025]);
    expect(y2025.total.filed.digital).toEqual({ numerator: 2, denominator: 2 });
    expect(month(y2025, '2025-06').skm.index).toBe(100);
    expect(y2025.years).toEqual([2026, 2025]);
    const y2026 = await report('?year=2026');
    expect([y2026.from, y2026.to]).toEqual(['2026-01', '2026-06']);
    expect(y2026.total.filed.filed).toBe(24);
    for (const bad of ['2027', '1999', 'abcd', '26']) {
      const res = await ctx.app.inject({ url: `/api/v1/transparency?year=${bad}` });
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it('each office sees its own figures only, months read in its own time zone (Balikpapan, UTC+8)', async () => {
    const b = await report('', BPN_HOST);
    expect([b.office.code, b.timeZone, b.utcOffsetMinutes]).toEqual(['BPN', 'Asia/Makassar', 480]);
    expect(month(b, '2026-05').filed.digital).toEqual({ numerator: 0, denominator: 1 });
    expect(month(b, '2026-06').filed.digital).toEqual({ numerator: 3, denominator: 3 });
    expect(b.total.filed.digital).toEqual({ numerator: 3, denominator: 4 });
    expect(b.total.sla.closed).toBe(0);
    expect(b.total.skm).toEqual({ respondents: 1, index: 25, grade: 'D', label: { id: 'Tidak Baik', en: 'Poor' } });
    // Kota Malang's figures hold none of Balikpapan's.
    const m = await report();
    expect(m.total.filed.filed).toBe(24);
    expect(m.total.skm.respondents).toBe(3);
    const csv = await ctx.app.inject({ url: '/api/v1/transparency/export.csv?dataset=filed', headers: BPN_HOST });
    expect(csv.body).not.toContain('"MLG"');
    expect(csv.body).not.toContain('REKLAME');
  });

  it('the page: tables with the pooled figures, the chart, "belum tercatat" (never 0%) where nothing is recorded, in Indonesian and English', async () => {
    const visitor = new PageClient(ctx);
    const res = await visitor.get('/transparansi');
    expect(res.statusCode).toBe(200);
    expect(Buffer.byteLength(res.body)).toBeLessThan(50 * 1024);
    const body = res.body;
    expect(body).toContain('<h1>Transparansi layanan</h1>');
    expect(body).toMatch(/data-headline>[^<]*<strong><span[^>]*>29,2% \(7 dari 24\)</);
    expect(body).toMatch(/<tr data-month="2026-05"><th scope="row">Mei 2026<\/th>.*50,0% \(6 dari 12\)/);
    expect(body).toMatch(/<tr data-month="2026-06">.*0,0% \(0 dari 1\)/);
    expect(body).toMatch(/<tr data-month="2025-07"><th scope="row">Juli 2025<\/th><td colspan="6"><span data-none>belum tercatat<\/span>/);
    expect(body).toMatch(/<table class="table" data-table="sla">[\s\S]*<tr data-month="2026-03">.*80,0% \(4 dari 5\).*data-median="9"/);
    expect(body).toMatch(/data-sla-total>.*83,3% \(5 dari 6\).*data-median="7.5">7,5</);
    expect(body).toMatch(/data-skm-headline>[^<]*<strong>75,00 – mutu C \(Kurang Baik\), 3 responden/);
    expect(body).toMatch(/<table class="table" data-table="skm">[\s\S]*<tr data-month="2026-05">.*87,50.*B \(Baik\)/);
    expect(body).toContain('<svg class="dashboard-chart" role="img"');
    expect(body).toContain('href="/api/v1/transparency/export.csv?dataset=filed"');
    expect(body).not.toContain('0,0% (0 dari 0)');

    const empty = await visitor.get('/transparansi?tahun=2024');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toMatch(/data-headline>[^<]*<strong><span data-none>belum tercatat</);
    expect(empty.body).toMatch(/data-skm-headline>[^<]*<strong><span data-none>belum tercatat</);
    expect(empty.body).not.toMatch(/\d[,.]\d%/);
    expect(empty.body).toContain('<option value="2024" selected>Tahun 2024</option>');
    expect(empty.body).toContain('href="/api/v1/transparency/export.json?dataset=sla&amp;year=2024"');

    const bad = await visitor.get('/transparansi?tahun=2099');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('Tahun itu tidak dapat ditampilkan; ditampilkan 12 bulan terakhir.');

    await visitor.post('/bahasa', { lang: 'en', kembali: '/transparansi' });
    const en = await visitor.get('/transparansi');
    expect(en.body).toContain('<h1>Service transparency</h1>');
    expect(en.body).toMatch(/<tr data-month="2026-05"><th scope="row">May 2026<\/th>.*50.0% \(6 of 12\)/);
    expect(en.body).toMatch(/<tr data-month="2025-07">.*not yet recorded/);
    expect(en.body).toMatch(/75.00 – grade C \(Fair\), 3 respondents/);
  });

  it('exports: one record shape per dataset, JSON valid against schema.json, CSV columns in the schema’s order with the same rows', async () => {
    const ajv = new Ajv2020({ strict: false });
    const all: Record<string, Record<string, string | number | boolean | null>[]> = {};
    for (const dataset of ['filed', 'sla', 'skm'] as const) {
      const schemaRes = await ctx.app.inject({ url: `/api/v1/transparency/schema.json?dataset=${dataset}` });
      expect(schemaRes.statusCode).toBe(200);
      expect(schemaRes.headers['content-type']).toMatch(/^application\/schema\+json/);
      const schema = schemaRes.json<{ properties: Record<string, unknown>; title: string }>();
      const validate = ajv.compile(schema);
      const jsonRes = await ctx.app.inject({ url: `/api/v1/transparency/export.json?dataset=${dataset}` });
      expect(jsonRes.statusCode).toBe(200);
      expect(jsonRes.headers['content-disposition']).toContain(`transparansi-${dataset}-2025-07-2026-06.json`);
      const records = jsonRes.json<Record<string, string | number | boolean | null>[]>();
      expect(records.length).toBeGreaterThan(0);
      for (const rec of records) expect(validate(rec), JSON.stringify(validate.errors)).toBe(true);
      all[dataset] = records;

      const csvRes = await ctx.app.inject({ url: `/api/v1/transparency/export.csv?dataset=${dataset}` });
      expect(csvRes.headers['content-type']).toMatch(/^text\/csv/);
      const [head, ...rows] = parseCsv(csvRes.body);
      const columns = Object.keys(schema.properties);
      expect(head).toEqual(columns);
      expect(rows).toEqual(records.map((rec) => columns.map((c) => (rec[c] === null ? '' : String(rec[c])))));
    }
    // filed: one row per month × permit type × channel (none for a combination with no filing).
    expect(all.filed!.filter((r) => r.month === '2026-05').map((r) => [r.permitType, r.channel, r.digital, r.filed])).toEqual([
      ['PBG', 'online', true, 3],
      ['PBG', 'assisted', true, 2],
      ['PBG', 'walk_in', false, 4],
      ['PBG', 'courier', false, 1],
      ['REKLAME', 'online', true, 1],
      ['REKLAME', 'walk_in', false, 1],
    ]);
    expect(all.filed!.reduce((s, r) => s + Number(r.filed), 0)).toBe(24);
    // sla: a row for all types (permitType null) and one per type, each month something closed.
    expect(all.sla!.map((r) => [r.month, r.permitType, r.closed, r.withinSla, r.compliancePercent, r.medianWorkingDays])).toEqual([
      ['2026-03', null, 5, 4, 80, 9],
      ['2026-03', 'PBG', 1, 1, 100, 4],
      ['2026-03', 'REKLAME', 4, 3, 75, 10],
      ['2026-04', null, 1, 1, 100, 6],
      ['2026-04', 'REKLAME', 1, 1, 100, 6],
    ]);
    // skm: a row per month with answers.
    expect(all.skm!.map((r) => [r.month, r.respondents, r.index, r.grade, r.gradeLabel, r.u1Requirements, r.weightedIndex])).toEqual([
      ['2026-04', 1, 50, 'D', 'Tidak Baik', 2, 2],
      ['2026-05', 2, 87.5, 'B', 'Baik', 3.5, 3.5],
    ]);
    const y = await ctx.app.inject({ url: '/api/v1/transparency/export.json?dataset=skm&year=2025' });
    expect(y.json<{ month: string; index: number }[]>().map((r) => [r.month, r.index])).toEqual([['2025-06', 100]]);
  });

  it('no personal data in any output: not the applicant’s name, NIK, email, phone, file number or tracking code', async () => {
    const visitor = new PageClient(ctx);
    const outputs = [(await visitor.get('/transparansi')).body, (await visitor.get('/transparansi?tahun=2025')).body];
    await visitor.post('/bahasa', { lang: 'en', kembali: '/transparansi' });
    outputs.push((await visitor.get('/transparansi')).body);
    outputs.push((await ctx.app.inject({ url: '/api/v1/transparency' })).body);
    for (const dataset of ['filed', 'sla', 'skm']) {
      for (const ext of ['csv', 'json']) outputs.push((await ctx.app.inject({ url: `/api/v1/transparency/export.${ext}?dataset=${dataset}` })).body);
      outputs.push((await ctx.app.inject({ url: `/api/v1/transparency/schema.json?dataset=${dataset}` })).body);
    }
    expect(outputs).toHaveLength(13);
    for (const out of outputs) {
      for (const secret of Object.values(SECRET)) expect(out).not.toContain(secret);
      // A NIK-like number (the schemas' integer maximum, Number.MAX_SAFE_INTEGER, has 16 digits too), an email, a phone.
      const text = out.replaceAll(String(Number.MAX_SAFE_INTEGER), '');
      expect(text).not.toMatch(/\b\d{16}\b/);
      expect(text).not.toMatch(/[^\s@",]+@[^\s@",]+\.[a-z]{2,}/i);
      expect(text).not.toMatch(/(\+62|\b0)8\d{7,12}\b/);
    }
  });

  it('the figures are read once per office and period for five minutes (CACHE_MS), then again', async () => {
    expect((await report('', BPN_HOST)).total.filed.digital).toEqual({ numerator: 3, denominator: 4 });
    await filed(1, 'PBG', 'online', '2026-06-02T02:00:00.000Z', balikpapanId);
    ctx.clock.advanceMinutes(4);
    expect((await report('', BPN_HOST)).total.filed.digital).toEqual({ numerator: 3, denominator: 4 });
    ctx.clock.advanceMinutes(1);
    expect((await report('', BPN_HOST)).total.filed.digital).toEqual({ numerator: 4, denominator: 5 });
    expect(CACHE_MS).toBe(5 * 60_000);
  });
});
