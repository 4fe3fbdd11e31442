import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/**
 * The help desk's pages without JavaScript, on SQLite and PostgreSQL: the portal's "ask for help" form
 * (Indonesian and English, errors kept with what was typed), and the office's list, a recorded Instagram
 * question, the reply that says it goes by hand, a canned answer filled in by a link, a note, the
 * assignee, and assist giving the officer the claim link once.
 */
describe.each(DIALECTS)('help desk pages (%s)', (dialect) => {
  let ctx: TestContext;
  let people = 0;

  const officer = async (role: Role) => {
    const n = ++people;
    const email = `${role}.${n}@halaman.izol.test`;
    const password = `${role} halaman bantuan ${n}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Petugas ${role} ${n}`, email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    const browser = new PageClient(ctx);
    await browser.post('/akun/masuk', { login: email, password });
    expect((await browser.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return { browser, userId, name: `Petugas ${role} ${n}` };
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('lets anyone ask for help from the portal, in Indonesian and English, keeping what they typed when something is wrong', async () => {
    const citizen = new PageClient(ctx);
    const home = await citizen.get('/');
    expect(home.body).toContain('href="/bantuan"');
    const form = await citizen.get('/bantuan');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Minta bantuan');
    const wrong = await citizen.post('/bantuan', { name: 'Pak <Budi>', handle: 'bukan alamat', permitCode: '', message: '' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('error-summary');
    expect(wrong.body).toContain('value="Pak &lt;Budi&gt;"');
    const badHandle = await citizen.post('/bantuan', { name: 'Pak Budi', handle: 'bukan alamat', permitCode: 'REKLAME', message: 'Syarat reklame?' });
    expect(badHandle.statusCode).toBe(400);
    expect(badHandle.body).toContain('f-handle-error');
    const sent = await citizen.post('/bantuan', { name: 'Pak Budi', handle: 'budi@contoh.id', permitCode: 'REKLAME', message: 'Syarat reklame <b>apa</b>?' });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Pertanyaan Anda sudah kami terima');
    expect(sent.body).toContain('2026-11-25'); // Friday 20 November: Monday, Tuesday, Wednesday
    const row = await ctx.db.selectFrom('help_requests').selectAll().where('handle', '=', 'budi@contoh.id').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'web', permit_code: 'REKLAME', name: 'Pak Budi', status: 'new' });
    await citizen.post('/bahasa', { lang: 'en', kembali: '/bantuan' });
    const english = await citizen.get('/bantuan');
    expect(english.body).toContain('Ask for help');
    expect(english.body).toContain('Send question');
  });

  it('works a recorded Instagram question through the office pages: reply by hand, canned answer, note, assignee, assist', async () => {
    const desk = await officer('front_desk');
    const recorded = await desk.browser.post('/kantor/bantuan/baru', {
      channel: 'instagram',
      handle: '@warung.sri',
      name: 'Bu Sri',
      message: 'Min, izin reklame <script>x</script> gimana?',
    });
    expect(recorded.statusCode).toBe(303);
    const url = recorded.headers.location!;
    const list = await desk.browser.get('/kantor/bantuan');
    expect(list.body).toContain(`href="${url}"`);
    expect(list.body).toContain('Instagram');
    // The footer takes the help desk's officers to their list.
    expect(list.body).toContain('href="/kantor/bantuan"');
    let page = await desk.browser.get(url);
    expect(page.body).not.toContain('<script>x</script>');
    expect(page.body).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(page.body).toContain('Kirim balasan sendiri');
    // Name the permit, then a canned answer fills the reply (a link, no script).
    expect((await desk.browser.post(`${url}/ubah`, { status: 'new', assigneeId: desk.userId, permitCode: 'REKLAME' })).statusCode).toBe(303);
    page = await desk.browser.get(url);
    expect(page.body).toContain(desk.name);
    expect(page.body).toContain(`${url}?jawaban=requirements`);
    const filled = await desk.browser.get(`${url}?jawaban=requirements`);
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'REKLAME' });
    expect(filled.body).toMatch(new RegExp(`<textarea[^>]*name="body"[^>]*>[^<]*${type.definition.requirements[0]!.name.id}`));
    const empty = await desk.browser.post(`${url}/balas`, { body: '', status: 'answered' });
    expect(empty.statusCode).toBe(400);
    ctx.clock.advanceMinutes(2);
    expect((await desk.browser.post(`${url}/balas`, { body: 'Sudah kami balas lewat DM Instagram.', status: 'answered' })).statusCode).toBe(303);
    ctx.clock.advanceMinutes(2);
    expect((await desk.browser.post(`${url}/catatan`, { note: 'Bu Sri datang hari Senin.' })).statusCode).toBe(303);
    page = await desk.browser.get(url);
    expect(page.body).toContain('dikirim petugas secara manual');
    expect(page.body).toContain('Catatan internal');
    expect(page.body).toContain('Bu Sri datang hari Senin.');
    expect(page.body).toContain('dalam batas waktu');
    // Assist: the claim link is shown once, for the officer to send on Instagram.
    const assisted = await desk.browser.post(`${url}/bantu`, { permitTypeCode: 'REKLAME', applicantName: 'Sri Rahayu' });
    expect(assisted.statusCode).toBe(200);
    const link = /https?:\/\/[^\s<"]+\/klaim\/[A-Za-z0-9_-]+/.exec(assisted.body)?.[0];
    expect(link).toBeDefined();
    expect((await new PageClient(ctx).get(new URL(link!).pathname)).statusCode).toBe(200);
    page = await desk.browser.get(url);
    expect(page.body).not.toContain(link!);
    expect(page.body).not.toContain(`action="${url}/bantu"`);
  });

  it('keeps the office pages to the help desk’s officers', async () => {
    const verifier = await officer('verifier');
    expect((await verifier.browser.get('/kantor/bantuan')).statusCode).toBe(403);
    const citizen = new PageClient(ctx);
    const signedOut = await citizen.get('/kantor/bantuan');
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toContain('/akun/masuk');
  });
});
