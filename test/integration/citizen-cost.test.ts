import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRupiah } from '../../src/web/i18n.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext } from '../helpers/context.js';
import { readyDraft, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/** The guide's example, as a first-time applicant reads it: a 2-floor house of 120 m², simple, permanent, private, new. */
const HOUSE_EXAMPLE = {
  floorArea: '120',
  floorCount: '2',
  buildingFunction: 'housing',
  complexity: 'simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  lowIncomeHouse: 'no',
};

const KB50 = 50 * 1024;

/**
 * Issue 16 item 1, as Ibu Sri sees it: what a permit costs before she starts (the PBG guide's worked
 * example, priced by the fee engine), before she submits (check answers: the estimate from her own
 * answers, or what is still to answer), and after (a bill follows the technical review, and how it is
 * paid); a free permit says "Gratis" wherever she could ask.
 */
describe.each(DIALECTS)('what a permit costs, on the citizen’s pages (%s)', (dialect) => {
  let ctx: TestContext;
  let token: string;
  let page: PageClient;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const email = `sri.${Math.random().toString(36).slice(2, 8)}@contoh.id`;
    const password = 'warung kopi malang sejak lama';
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Sri Wahyuni', email, password });
    token = (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, clientIp: '127.0.0.1', kind: 'bearer' })).token;
    page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).statusCode).toBe(303);
  });
  afterAll(async () => ctx?.close());

  /** What the fee engine gives for a PBG file with these answers (only the questions its rule reads). */
  const engineFigure = async (answers: Record<string, unknown>) => {
    const form = await ctx.services.fees.estimateForm({ tenantId: ctx.tenant.id, permitTypeCode: 'PBG', answers: null });
    const asked = Object.fromEntries(form.fields.map((f) => [f.name, answers[f.name]]));
    return (await ctx.services.fees.estimate({ tenantId: ctx.tenant.id, permitTypeCode: 'PBG', answers: asked })).amount;
  };
  const shown = (body: string, attr: string) => new RegExp(`<[^>]*${attr}[^>]*>([^<]*)<`).exec(body)?.[1] ?? null;

  it('shows the worked example on the PBG guide at the fee engine’s figure, beside the calculator, with a start button under “what it is”', async () => {
    const figure = (await ctx.services.fees.estimate({ tenantId: ctx.tenant.id, permitTypeCode: 'PBG', answers: { ...HOUSE_EXAMPLE } })).amount;
    expect(figure).toBeGreaterThan(0);
    const guide = await new PageClient(ctx).get('/izin/PBG');
    expect(guide.statusCode).toBe(200);
    const example = shown(guide.body, 'data-fee-example');
    expect(example).toContain(`± ${formatRupiah(figure)}`);
    expect(example).toContain('rumah tinggal 2 lantai seluas 120 m²');
    // The calculator is next to it, and the example's own working opens in it.
    expect(guide.body).toContain('href="/izin/PBG/perkiraan"');
    const detail = /href="(\/izin\/PBG\/perkiraan\?[^"]+)"/.exec(guide.body)![1]!.replace(/&amp;/g, '&');
    const worked = await new PageClient(ctx).get(detail);
    expect(worked.statusCode).toBe(200);
    expect(shown(worked.body, 'data-estimate-amount')).toBe(`Perkiraan: ${formatRupiah(figure)}`);
    // Two start buttons: one right under "what it is", one at the end of the guide.
    const starts = [...guide.body.matchAll(/href="\/izin\/PBG\/mulai"/g)].map((m) => m.index);
    expect(starts).toHaveLength(2);
    expect(starts[0]!).toBeGreaterThan(guide.body.indexOf('<h2>Apa ini</h2>'));
    expect(starts[0]!).toBeLessThan(guide.body.indexOf('<h2>Siapa yang memerlukan</h2>'));
    expect(Buffer.byteLength(guide.body)).toBeLessThan(KB50);
  });

  it('shows the estimate from her own answers on check answers, with its steps, and a new figure when she changes an answer', async () => {
    const answers = { ...(await validAnswers(ctx, 'PBG')), buildingFunction: 'housing', ownership: 'private', lowIncomeHouse: false, floorArea: 120 };
    const id = await readyDraft(ctx, token, 'PBG', { answers });
    const before = await engineFigure(answers);
    const check = await page.get(`/permohonan/${id}/periksa`);
    expect(check.statusCode).toBe(200);
    expect(shown(check.body, 'data-estimate-amount')).toBe(`Perkiraan retribusi ± ${formatRupiah(before)}`);
    expect(check.body).toContain('Ini perkiraan dari jawaban Anda sendiri, bukan tagihan');
    expect(check.body).toContain('data-cost-breakdown');
    expect(check.body).toContain('LLt');
    expect(Buffer.byteLength(check.body)).toBeLessThan(KB50);

    const changed = await page.post(`/permohonan/${id}/isian/floorArea`, { floorArea: '240', ubah: '1' });
    expect(changed.headers.location).toBe(`/permohonan/${id}/periksa`);
    const after = await engineFigure({ ...answers, floorArea: 240 });
    expect(after).not.toBe(before);
    expect(shown((await page.get(`/permohonan/${id}/periksa`)).body, 'data-estimate-amount')).toBe(`Perkiraan retribusi ± ${formatRupiah(after)}`);
  });

  it('says which answers are missing instead of a figure while the fee questions are not all answered', async () => {
    const { floorArea: _a, floorCount: _c, ...partial } = await validAnswers(ctx, 'PBG');
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: 'PBG', answers: partial },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const check = await page.get(`/permohonan/${id}/periksa`);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('data-cost="incomplete"');
    expect(check.body).not.toContain('data-estimate-amount');
    expect(check.body).toContain('Perkiraan belum bisa dihitung');
    expect(check.body).toContain(`href="/permohonan/${id}/isian/floorArea?ubah=1"`);
    expect(check.body).toContain(`href="/permohonan/${id}/isian/floorCount?ubah=1"`);
  });

  it('says a bill follows the technical review and how it is paid, on the PBG confirmation', async () => {
    const id = await readyDraft(ctx, token, 'PBG', { answers: { ...(await validAnswers(ctx, 'PBG')), buildingFunction: 'housing', lowIncomeHouse: false } });
    const submitted = await page.post(`/permohonan/${id}/ajukan`, { declaration: 'yes' });
    expect(submitted.statusCode).toBe(303);
    const done = await page.get(submitted.headers.location!);
    expect(done.statusCode).toBe(200);
    expect(shown(done.body, 'data-bill-follows')).toBe('Tagihan retribusi dikirim setelah kajian teknis.');
    expect(done.body).toContain('virtual account');
    expect(done.body).toContain('ATM');
    expect(done.body).toContain('QRIS');
    expect(done.body).not.toContain('data-fee-free');
  });

  it('says “Gratis” for a free permit on the catalogue, the guide, the start page, check answers and the confirmation', async () => {
    const { definition } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
    expect(definition.feeRule.kind).toBe('free');
    const list = await new PageClient(ctx).get('/izin');
    const card = new RegExp(`<a href="/izin/NIB">[\\s\\S]*?</li>`).exec(list.body)![0];
    expect(card).toContain('Gratis');
    expect(shown((await new PageClient(ctx).get('/izin/NIB')).body, 'data-fee-free')).toMatch(/^Gratis/);
    expect(shown((await page.get('/izin/NIB/mulai')).body, 'data-fee-free')).toMatch(/^Gratis/);
    const id = await readyDraft(ctx, token, 'NIB');
    const check = await page.get(`/permohonan/${id}/periksa`);
    expect(shown(check.body, 'data-fee-free')).toMatch(/^Gratis/);
    expect(check.body).not.toContain('data-estimate-amount');
    const submitted = await page.post(`/permohonan/${id}/ajukan`, { declaration: 'yes' });
    expect(submitted.statusCode).toBe(303);
    const done = await page.get(submitted.headers.location!);
    expect(shown(done.body, 'data-fee-free')).toMatch(/^Gratis/);
    expect(done.body).not.toContain('data-bill-follows');
    expect(Buffer.byteLength(done.body)).toBeLessThan(KB50);
  });

  it('says the same in English', async () => {
    const english = new PageClient(ctx);
    await english.post('/bahasa', { lang: 'en', kembali: '/izin/PBG' });
    const guide = await english.get('/izin/PBG');
    const figure = (await ctx.services.fees.estimate({ tenantId: ctx.tenant.id, permitTypeCode: 'PBG', answers: { ...HOUSE_EXAMPLE } })).amount;
    expect(shown(guide.body, 'data-fee-example')).toContain(
      `a 2-floor house of 120 m² (simple, permanent, privately owned, newly built): about ${formatRupiah(figure)}`,
    );
    expect(shown((await english.get('/izin/NIB')).body, 'data-fee-free')).toMatch(/^Free/);
  });
});
