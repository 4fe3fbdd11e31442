import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Requirement } from '../../src/catalogue/catalogue.schema.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from '../browser/browser.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, multipartFile, type TestContext } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

const KB50 = 50 * 1024;
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A signed-in applicant (pages) with her bearer token (API), and a PBG draft of hers with its answers. */
async function applicant(ctx: TestContext, name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@contoh.id`;
  const password = 'warung kopi malang sejak lama';
  await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name, email, password });
  const token = (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, clientIp: '127.0.0.1', kind: 'bearer' })).token;
  const page = new PageClient(ctx);
  expect((await page.post('/akun/masuk', { login: email, password })).statusCode).toBe(303);
  return { token, page, email, password };
}

async function pbgDraft(ctx: TestContext, token: string): Promise<string> {
  const answers = { ...(await validAnswers(ctx, 'PBG')), buildingFunction: 'housing', lowIncomeHouse: false };
  const created = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(token), payload: { permitTypeCode: 'PBG', answers } });
  expect(created.statusCode).toBe(201);
  return created.json<{ id: string }>().id;
}

async function uploadApi(ctx: TestContext, token: string, id: string, r: Requirement): Promise<void> {
  const pdf = r.acceptedTypes.includes('pdf');
  const file = multipartFile(pdf ? `${r.code}.pdf` : `${r.code}.png`, pdf ? DEMO_PDF : DEMO_PNG, pdf ? 'application/pdf' : 'image/png');
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/api/v1/applications/${id}/documents/${r.code}`,
    headers: { ...auth(token), ...file.headers },
    payload: file.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** The link a requirement's `obtainedBy` gives: the permit type's guide, or the page the catalogue names. */
const obtainedHref = (r: Requirement) => (r.obtainedBy?.permitType ? `/izin/${r.obtainedBy.permitType}` : r.obtainedBy!.url!);

/**
 * Issue 16 item 2, the pages: each document's plain explanation and where it is obtained (the KRK's link),
 * on the guide, the documents list and the upload page; "I don't have this yet — help me" with a counter
 * booking for the permit or a help request that the office's help desk sees with the file; and submitting
 * with documents missing, which lists each one as its own link and keeps the declaration ticked.
 */
describe.each(DIALECTS)('documents she can get (%s)', (dialect) => {
  let ctx: TestContext;
  let requirements: Requirement[];
  let krk: Requirement;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    requirements = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' })).definition.requirements;
    krk = requirements.find((r) => r.code === 'krk')!;
  });
  afterAll(async () => ctx?.close());

  it('explains each document and links the KRK to where it is obtained, on the guide, the documents list and the upload page', async () => {
    expect(krk.explanation, 'the catalogue explains the KRK').toBeDefined();
    expect(krk.obtainedBy, 'the catalogue says where the KRK is obtained').toBeDefined();
    const explained = requirements.filter((r) => r.explanation);
    expect(explained.length).toBe(requirements.length);

    const guide = await new PageClient(ctx).get('/izin/PBG');
    for (const r of explained) expect(guide.body).toContain(escaped(r.explanation!.id));
    expect(guide.body).toContain(`href="${escaped(obtainedHref(krk))}"`);

    const { token, page } = await applicant(ctx, 'Sri Wahyuni');
    const id = await pbgDraft(ctx, token);
    const list = await page.get(`/permohonan/${id}/dokumen`);
    expect(list.statusCode).toBe(200);
    for (const r of explained) expect(list.body).toContain(escaped(r.explanation!.id));
    expect(list.body).toContain(`href="${escaped(obtainedHref(krk))}"`);
    expect(Buffer.byteLength(list.body)).toBeLessThan(KB50);

    const upload = await page.get(`/permohonan/${id}/dokumen/krk`);
    expect(upload.statusCode).toBe(200);
    expect(upload.body).toContain(escaped(krk.explanation!.id));
    expect(upload.body).toContain(`href="${escaped(obtainedHref(krk))}"`);
    expect(upload.body).toContain(`<a href="/permohonan/${id}/dokumen/krk/bantuan" data-document-help>Saya belum punya dokumen ini — bantu saya</a>`);

    // A document that is itself a permit of this catalogue links to that permit's guide, by its name.
    const reklame = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'REKLAME' })).definition;
    const pbgName = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' })).definition.name.id;
    const byPermit = reklame.requirements.find((r) => r.obtainedBy?.permitType === 'PBG')!;
    const link = `<a href="/izin/PBG" data-obtained-by>Cara mendapatkannya: ${escaped(pbgName)}</a>`;
    expect((await new PageClient(ctx).get('/izin/REKLAME')).body).toContain(link);
    const billboard = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: 'REKLAME', answers: {} },
    });
    expect(billboard.statusCode).toBe(201);
    const billboardId = billboard.json<{ id: string }>().id;
    expect((await page.get(`/permohonan/${billboardId}/dokumen/${byPermit.code}`)).body).toContain(link);
    expect((await page.get(`/permohonan/${billboardId}/dokumen`)).body).toContain(link);

    // In English too.
    await page.post('/bahasa', { lang: 'en', kembali: `/permohonan/${id}/dokumen/krk` });
    const english = await page.get(`/permohonan/${id}/dokumen/krk`);
    expect(english.body).toContain(escaped(krk.explanation!.en));
    expect(english.body).toContain('I don’t have this yet — help me');
    await page.post('/bahasa', { lang: 'id', kembali: '/' });
  });

  it('“help me” offers a counter consultation for the permit and opens a help request the help desk sees with the file; she then uploads the others', async () => {
    const { token, page } = await applicant(ctx, 'Sri Rahayu');
    const id = await pbgDraft(ctx, token);
    const help = await page.get(`/permohonan/${id}/dokumen/krk/bantuan`);
    expect(help.statusCode).toBe(200);
    expect(help.body).toContain(`<h1>Belum punya ${escaped(krk.name.id)}?</h1>`);
    expect(Buffer.byteLength(help.body)).toBeLessThan(KB50);
    // (a) The booking starts at the consultation service's times, with PBG chosen.
    const booking = /<a href="([^"]+)"[^>]*data-book-consultation/.exec(help.body)![1]!.replace(/&amp;/g, '&');
    expect(booking).toBe('/janji-temu/waktu?layanan=KONSULTASI&izin=PBG');
    const times = await page.get(booking);
    expect(times.statusCode).toBe(200);
    expect(times.body).toContain('name="izin" value="PBG"');

    // (b) A help request, from her own account, naming the document and the file.
    const sent = await page.post(`/permohonan/${id}/dokumen/krk/bantuan`, { note: 'Tanah masih atas nama orang tua saya.' });
    expect(sent.statusCode).toBe(200);
    const reference = /data-help-reference>([^<]+)</.exec(sent.body)![1]!;
    expect(reference).toMatch(/^BNT-[0-9A-F]{8}$/);
    expect(sent.body).toContain(`href="/permohonan/${id}/dokumen"`);
    const request = await ctx.db.selectFrom('help_requests').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
    expect(`BNT-${request.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`).toBe(reference);
    expect(request.permit_code).toBe('PBG');
    expect(request.channel).toBe('web');

    // The office's help desk lists it by the document's name and links it to the file.
    const email = `front.${Math.random().toString(36).slice(2, 8)}@kantor.izol.test`;
    const password = 'loket depan kota malang';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket', email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    const desk = new PageClient(ctx);
    await desk.post('/akun/masuk', { login: email, password });
    expect((await desk.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    const listed = await desk.get('/kantor/bantuan');
    const item = new RegExp(`<li data-help-request="${request.id}">[\\s\\S]*?</li>`).exec(listed.body)![0];
    expect(item).toContain(escaped(krk.name.id).slice(0, 30));
    const detail = await desk.get(`/kantor/bantuan/${request.id}`);
    expect(detail.body).toContain(`href="/kantor/berkas/${id}"`);
    expect(detail.body).toContain(`<span data-help-reference>${reference}</span>`);
    expect(detail.body).toContain('Tanah masih atas nama orang tua saya.');

    // Not a stop: she uploads another document and it is on her list.
    const site = requirements.find((r) => r.code === 'site_photo')!;
    const up = await page.upload(`/permohonan/${id}/dokumen/${site.code}`, 'lokasi.png', DEMO_PNG, 'image/png');
    expect(up.statusCode).toBe(303);
    expect(up.headers.location).toBe(`/permohonan/${id}/dokumen`);
    expect((await page.get(`/permohonan/${id}/dokumen`)).body).toContain('lokasi.png');
  });

  it('does not open another citizen’s file from the help page', async () => {
    const owner = await applicant(ctx, 'Sri Pemilik');
    const id = await pbgDraft(ctx, owner.token);
    const other = await applicant(ctx, 'Budi Lain');
    expect((await other.page.get(`/permohonan/${id}/dokumen/krk/bantuan`)).statusCode).toBe(404);
    expect((await other.page.post(`/permohonan/${id}/dokumen/krk/bantuan`, { note: '' })).statusCode).toBe(404);
    expect(await ctx.db.selectFrom('help_requests').select('id').where('application_id', '=', id).execute()).toEqual([]);
  });

  it('lists each missing document as its own link when she submits, and keeps her declaration ticked', async () => {
    const { token, page } = await applicant(ctx, 'Sri Lengkap');
    const id = await pbgDraft(ctx, token);
    const required = requirements.filter((r) => r.required);
    const [lackingA, lackingB] = [required.find((r) => r.code === 'krk')!, required.find((r) => r.code === 'structural_drawings')!];
    for (const r of required.filter((x) => x !== lackingA && x !== lackingB)) await uploadApi(ctx, token, id, r);

    const refused = await page.post(`/permohonan/${id}/ajukan`, { declaration: 'yes' });
    expect(refused.statusCode).toBe(400);
    const summary = /<ul class="error-summary__list">([\s\S]*?)<\/ul>/.exec(refused.body)![1]!;
    const links = [...summary.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      [`/permohonan/${id}/dokumen/${lackingA.code}`, `Unggah ${escaped(lackingA.name.id)}`],
      [`/permohonan/${id}/dokumen/${lackingB.code}`, `Unggah ${escaped(lackingB.name.id)}`],
    ]);
    expect(refused.body).toMatch(/<input class="checkboxes__input" id="f-declaration" name="declaration" type="checkbox" value="yes" checked>/);
    expect((await ctx.db.selectFrom('applications').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number).toBeNull();

    // Without the tick: the declaration's error and the same two documents, the box left as she left it.
    const unticked = await page.post(`/permohonan/${id}/ajukan`, {});
    expect(unticked.statusCode).toBe(400);
    expect(unticked.body).toContain('Centang pernyataan untuk mengajukan.');
    expect(unticked.body).toContain(`href="/permohonan/${id}/dokumen/${lackingB.code}"`);
    expect(unticked.body).not.toMatch(/name="declaration" type="checkbox" value="yes" checked/);

    // Once both are in, it goes.
    await uploadApi(ctx, token, id, lackingA);
    await uploadApi(ctx, token, id, lackingB);
    const submitted = await page.post(`/permohonan/${id}/ajukan`, { declaration: 'yes' });
    expect(submitted.statusCode).toBe(303);
    expect(submitted.headers.location).toBe(`/permohonan/${id}/terkirim`);
  });
});

/**
 * The same pages in Debian's Chromium at 360 px: axe-core (WCAG 2.2 AA) finds nothing
 * on the guide, the start page, the documents list, the upload page, the help page and its confirmation,
 * check answers with the estimate and with the missing documents, and the confirmation. The HTML is the
 * same on both databases (the tests above read it on each), so this runs on SQLite; axe runs in the page
 * with its script on, as in fees-estimate-accessibility.test.ts.
 */
describe('the citizen’s cost and document pages in a browser', () => {
  let ctx: TestContext;
  let base: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `citizen-documents-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth'), `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('passes axe on every page of the cost and the documents, at 360 px', async () => {
    const { token, email, password } = await applicant(ctx, 'Sri Peramban');
    const id = await pbgDraft(ctx, token);
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(30_000);
      await page.goto(`${base}/izin/PBG`);
      await checked(page, 'guide');
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', email);
      await page.fill('#f-password', password);
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState();
      await page.goto(`${base}/izin/PBG/mulai`);
      await checked(page, 'start');
      await page.goto(`${base}/permohonan/${id}/dokumen`);
      await checked(page, 'documents');
      await page.goto(`${base}/permohonan/${id}/dokumen/krk`);
      await checked(page, 'upload');
      await page.locator('a[data-document-help]').click();
      await page.waitForLoadState();
      await checked(page, 'help');
      await page.fill('#f-note', 'Belum tahu ke mana mengurusnya.');
      await page.locator('main form[action$="/bantuan"] button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('[data-help-reference]').textContent()).toMatch(/^BNT-/);
      await checked(page, 'help-sent');
      await page.goto(`${base}/permohonan/${id}/periksa`);
      expect(await page.locator('[data-estimate-amount]').textContent()).toMatch(/^Perkiraan retribusi ± Rp /);
      await checked(page, 'check');
      await page.locator('#f-declaration').check({ force: true });
      await page.locator('main form[action$="/ajukan"] button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a').count()).toBeGreaterThan(1);
      expect(await page.locator('#f-declaration').isChecked()).toBe(true);
      await checked(page, 'check-missing');
      for (const r of (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' })).definition.requirements.filter((x) => x.required))
        await uploadApi(ctx, token, id, r);
      await page.goto(`${base}/permohonan/${id}/periksa`);
      await page.locator('#f-declaration').check({ force: true });
      await page.locator('main form[action$="/ajukan"] button[type=submit]').click();
      await page.waitForURL(/\/terkirim$/);
      await checked(page, 'submitted');
    } finally {
      await browser.close();
    }
  }, 180_000);
});
