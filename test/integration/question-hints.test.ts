/**
 * The citizen's questions and the catalogue's public text (issue 16, items 4 and 9), on SQLite and
 * PostgreSQL, through the pages a person uses without JavaScript and through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext } from '../helpers/context.js';
import { readyDraft, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

type Problem = { status: number; code: string; errors?: { field: string; code: string; message: string; params?: Record<string, unknown> }[] };
const KB50 = 50 * 1024;
/** A page as text to search, its quotes unescaped. */
const summaryOf = (body: string) => body.replace(/&quot;/g, '"').replace(/&#39;/g, "'");

describe.each(DIALECTS)('questions she can answer (%s)', (dialect) => {
  let ctx: TestContext;
  let visitor: PageClient;
  let citizen: PageClient;
  let token: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    visitor = new PageClient(ctx);
    const email = `sri.${Math.random().toString(36).slice(2, 8)}@contoh.id`;
    const password = 'warung kopi malang sejak lama';
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Sri Wahyuni', email, password });
    token = (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, clientIp: '127.0.0.1', kind: 'bearer' })).token;
    citizen = new PageClient(ctx);
    expect((await citizen.post('/akun/masuk', { login: email, password })).statusCode).toBe(303);
  }, 240_000);

  const storedAnswers = async (id: string) =>
    JSON.parse((await ctx.db.selectFrom('applications').select('answers').where('id', '=', id).executeTakeFirstOrThrow()).answers) as Record<string, unknown>;
  const startPbg = async () => {
    const start = await citizen.post('/izin/PBG/mulai', {});
    expect(start.statusCode).toBe(303);
    const id = /\/permohonan\/([^/]+)\/isian\//.exec(start.headers.location as string)![1]!;
    return id;
  };

  it('every PBG question page shows its plain hint with an example; the work question asks what she will build and offers adding a floor', async () => {
    const id = await startPbg();
    const page = async (name: string) => {
      const res = await citizen.get(`/permohonan/${id}/isian/${name}`);
      expect(res.statusCode, name).toBe(200);
      expect(Buffer.byteLength(res.body), name).toBeLessThan(KB50);
      expect(res.body, name).not.toContain('≤');
      return summaryOf(res.body);
    };
    expect(await page('buildingAddress')).toContain('jalan dan nomor, RT/RW, kelurahan, kecamatan');
    expect(await page('floorArea')).toContain('60 m² yang sudah ada + 60 m² baru = 120 m²');
    expect(await page('floorCount')).toContain('rumah 1 lantai yang ditambah 1 lantai = 2');
    const fn = await page('buildingFunction');
    expect(fn).toContain('Rumah tinggal kecil (sampai 100 m² dan sampai 2 lantai)');
    expect(fn).toContain('ruko atau warung di rumah');
    expect(fn).toContain('termasuk campuran');
    expect(await page('complexity')).toContain('Sederhana: bangunan biasa dengan teknologi sederhana');
    expect(await page('permanence')).toContain('lebih dari 5 tahun');
    expect(await page('ownership')).toContain('milik Anda, keluarga Anda, perusahaan');
    const work = await page('buildingWorkType');
    expect(work).toMatch(/<h1[^>]*>[\s\S]*Apa yang akan Anda bangun\?/);
    expect(work).toContain('Bangunan baru, atau menambah lantai atau memperluas bangunan');
    expect(work).toContain('isi luas lantai lama dan yang baru');

    await citizen.post('/bahasa', { lang: 'en', kembali: '/' });
    const en = summaryOf((await citizen.get(`/permohonan/${id}/isian/buildingWorkType`)).body);
    expect(en).toContain('What will you build?');
    expect(en).toContain('A new building, or adding a floor or extending a building');
    expect(summaryOf((await citizen.get(`/permohonan/${id}/isian/floorArea`)).body)).toContain('60 m² existing + 60 m² new = 120 m²');
    await citizen.post('/bahasa', { lang: 'id', kembali: '/' });
  });

  it('takes "120 m2" as 120 and "2 lantai" as 2, as she would type them', async () => {
    const id = await startPbg();
    expect((await citizen.post(`/permohonan/${id}/isian/floorArea`, { floorArea: '120 m2' })).statusCode).toBe(303);
    expect((await citizen.post(`/permohonan/${id}/isian/floorCount`, { floorCount: '2 lantai' })).statusCode).toBe(303);
    expect(await storedAnswers(id)).toMatchObject({ floorArea: 120, floorCount: 2 });
    expect((await citizen.post(`/permohonan/${id}/isian/floorArea`, { floorArea: '120,5 m²' })).statusCode).toBe(303);
    expect((await storedAnswers(id)).floorArea).toBe(120.5);
  });

  it('120,5 m² and then "small house up to 100 m²": the function page says the floor area is over 100 m² and which answer to change', async () => {
    const id = await startPbg();
    expect((await citizen.post(`/permohonan/${id}/isian/floorArea`, { floorArea: '120,5' })).statusCode).toBe(303);
    const res = await citizen.post(`/permohonan/${id}/isian/buildingFunction`, { buildingFunction: 'housing_small' });
    expect(res.statusCode).toBe(400);
    const body = summaryOf(res.body);
    expect(body).toContain('Fungsi bangunan: Luas lantai 120,5 m² lebih dari 100 m²');
    expect(body).toContain('Ubah jawaban "Fungsi bangunan" menjadi "Rumah tinggal (lebih dari 100 m² atau lebih dari 2 lantai)", atau perbaiki luas lantai');
    expect(body).toContain('href="#f-buildingFunction"');
    expect((await storedAnswers(id)).buildingFunction).toBeUndefined();
    // The other way round, the floor area page says it.
    expect((await citizen.post(`/permohonan/${id}/isian/buildingFunction`, { buildingFunction: 'housing' })).statusCode).toBe(303);
    expect((await citizen.post(`/permohonan/${id}/isian/buildingFunction`, { buildingFunction: 'mixed_small' })).statusCode).toBe(303);
    const tooBig = await citizen.post(`/permohonan/${id}/isian/floorArea`, { floorArea: '650 m2' });
    expect(tooBig.statusCode).toBe(400);
    expect(summaryOf(tooBig.body)).toContain('Luas total lantai bangunan (m²): Luas lantai 650 m² lebih dari 500 m²');
  });

  it('a contradiction stored before the check existed is caught on check answers, linking to the answer to change, and by the API', async () => {
    const answers = { ...(await validAnswers(ctx, 'PBG')), buildingFunction: 'housing', floorArea: 120.5, lowIncomeHouse: false };
    const id = await readyDraft(ctx, token, 'PBG', { answers });
    const stored = await storedAnswers(id);
    await ctx.db
      .updateTable('applications')
      .set({ answers: JSON.stringify({ ...stored, buildingFunction: 'housing_small' }) })
      .where('id', '=', id)
      .execute();
    const check = await citizen.post(`/permohonan/${id}/ajukan`, { declaration: 'yes' });
    expect(check.statusCode).toBe(400);
    const body = summaryOf(check.body);
    expect(body).toContain(`href="/permohonan/${id}/isian/buildingFunction?ubah=1"`);
    expect(body).toContain('Fungsi bangunan: Luas lantai 120,5 m² lebih dari 100 m²');
    // Her declaration tick stays.
    expect(body).toMatch(/name="declaration"[^>]*checked|checked[^>]*name="declaration"/);

    const submit = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(token) });
    expect(submit.statusCode).toBe(422);
    expect(json<Problem>(submit)).toMatchObject({
      code: 'invalid_answers',
      errors: [
        { field: 'answers.buildingFunction', code: 'answers_contradict', message: expect.stringContaining('Luas lantai 120,5 m² lebih dari 100 m²') as string },
      ],
    });

    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: 'PBG', answers: { ...answers, buildingFunction: 'housing_small', floorCount: 3 } },
    });
    expect(created.statusCode).toBe(422);
    expect(json<Problem>(created).errors!.map((e) => [e.field, e.code])).toEqual([
      ['answers.buildingFunction', 'answers_contradict'],
      ['answers.buildingFunction', 'answers_contradict'],
    ]);
    expect(json<Problem>(created).errors!.map((e) => e.message)).toEqual([
      expect.stringContaining('Luas lantai 120,5 m² lebih dari 100 m²') as string,
      expect.stringContaining('3 lantai lebih dari 2') as string,
    ]);
  });

  afterAll(async () => ctx?.close());

  it('the PBG guide lists its legal basis without the note for the office, and shows no data note', async () => {
    const pbg = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' });
    expect(pbg.definition.dataNote).toContain('The office must check the number and year');
    for (const lang of ['id', 'en']) {
      await visitor.post('/bahasa', { lang, kembali: '/izin/PBG' });
      const guide = await visitor.get('/izin/PBG');
      expect(guide.body).toContain(lang === 'en' ? 'Building Approval (PBG)' : 'Persetujuan Bangunan Gedung (PBG)');
      expect(guide.statusCode).toBe(200);
      expect(guide.body).toContain('<li>Peraturan Daerah Kota Malang tentang Pajak Daerah dan Retribusi Daerah</li>');
      expect(guide.body).not.toContain('dicek');
      expect(guide.body).not.toContain('The office must check');
      expect(guide.body).not.toContain('SHST (unit price) for Kota Malang is uncertain');
    }
    // Nor does the public API: the permit type's definition comes without it.
    const api = await ctx.app.inject({ url: '/api/v1/permit-types/PBG' });
    expect(api.statusCode).toBe(200);
    expect(api.body).not.toContain('dataNote');
    expect(api.body).not.toContain('The office must check');
    // The guide says whether a foreign resident (KITAS/KITAP) can apply: PBG yes, AK1 (it needs a NIK) no.
    expect(/<p data-foreign-residents>([^<]*)</.exec((await visitor.get('/izin/PBG')).body)?.[1]).toMatch(
      /can apply for this permit|dapat mengajukan izin ini/,
    );
    await visitor.post('/bahasa', { lang: 'en', kembali: '/izin/AK1' });
    expect(/<p data-foreign-residents>([^<]*)</.exec((await visitor.get('/izin/AK1')).body)?.[1]).toBe(
      'This permit needs a NIK; foreign residents with a KITAS/KITAP cannot apply for it online yet.',
    );
  });
});
