import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannedAnswers } from '../../src/helpdesk/helpdesk.texts.js';
import { renderMessage } from '../../src/notifications/messages.js';
import { t } from '../../src/web/i18n.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Issue 16 item 9, "smaller things seen", through the pages as the citizen meets them: the `hidden`
 * attribute wins over the stylesheet, "Keluar" signs out this device only, English counts agree with
 * their nouns, messages are signed by the office and written in the recipient's language, a draft is
 * deleted (not withdrawn) and its card says "draft" once, the receipt labels its two codes, and the
 * consent reads as a notice with a date.
 */
describe.each(DIALECTS)('smaller things seen (%s)', (dialect) => {
  let ctx: TestContext;
  let n = 0;

  /** An applicant account signed in on a new "device" (cookie jar), with an API token for fixtures. */
  async function applicant(): Promise<{ page: PageClient; token: string; email: string; password: string; userId: string }> {
    n++;
    const email = `sri.${n}.${dialect}@warung.id`;
    const password = `warung malang lantai ${n}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: `Sri Wahyuni ${n}`, email, password });
    const page = await signedIn(email, password);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } });
    expect(login.statusCode, login.body).toBe(200);
    return { page, token: login.json<{ token: string }>().token, email, password, userId };
  }

  async function signedIn(login: string, password: string): Promise<PageClient> {
    const page = new PageClient(ctx);
    const res = await page.post('/akun/masuk', { login, password });
    expect(res.statusCode, res.body).toBe(303);
    return page;
  }

  const isSignedIn = async (page: PageClient) => (await page.get('/permohonan')).statusCode === 200;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('hides what carries `hidden` even where a class sets display: the receipt’s Print button without JavaScript', async () => {
    const sri = await applicant();
    const id = await readyDraft(ctx, sri.token, 'SIPDOK');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(sri.token) })).statusCode).toBe(200);
    const receipt = await sri.page.get(`/permohonan/${id}/tanda-terima`);
    expect(receipt.statusCode).toBe(200);
    // The button is shown by app.js only (it sets hidden = false); without it the attribute stays.
    expect(receipt.body).toMatch(/<button type="button" class="button no-print" data-print hidden>/);
    const cssUrl = /<link rel="stylesheet" href="([^"]+app\.css)">/.exec(receipt.body)?.[1];
    expect(cssUrl).toBeDefined();
    const css = await sri.page.get(cssUrl!);
    expect(css.statusCode).toBe(200);
    // `.button{display:inline-block}` would otherwise win over the browser's own [hidden] rule.
    expect(css.body).toContain('.button{display:inline-block');
    expect(css.body).toContain('[hidden]{display:none!important}');
    // The upload progress bar (display:block) is hidden the same way until a script shows it.
    const docs = await sri.page.get(`/permohonan/${await readyDraft(ctx, sri.token, 'SIPDOK')}/dokumen/photo`);
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/<progress class="upload-progress"[^>]* hidden>/);
  });

  it('signs out this device only with "Keluar", and every device from the profile', async () => {
    const sri = await applicant();
    const phone = await signedIn(sri.email, sri.password);
    expect(await isSignedIn(sri.page)).toBe(true);
    expect(await isSignedIn(phone)).toBe(true);

    const out = await sri.page.post('/akun/keluar', {});
    expect(out.statusCode).toBe(200);
    expect(out.body).toContain('Anda sudah keluar dari perangkat ini.');
    expect(await isSignedIn(sri.page)).toBe(false);
    // The phone and the API token are still signed in.
    expect(await isSignedIn(phone)).toBe(true);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth(sri.token) })).statusCode).toBe(200);

    const profile = await phone.get('/akun/profil');
    expect(profile.body).toContain('<h2>Keluar dari semua perangkat</h2>');
    expect(profile.body).toContain('action="/akun/keluar-semua"');
    const laptop = await signedIn(sri.email, sri.password);
    const all = await phone.post('/akun/keluar-semua', {});
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Anda sudah keluar dari semua perangkat.');
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(laptop)).toBe(false);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth(sri.token) })).statusCode).toBe(401);

    const events = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'auth.logout')
      .where('actor_id', '=', sri.userId)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => (JSON.parse(String(e.data)) as { everywhere: boolean }).everywhere)).toEqual([false, true]);
  });

  it('says "1 working day" in English, on the guide, in the help desk’s answer and in messages', async () => {
    const visitor = new PageClient(ctx);
    await visitor.post('/bahasa', { lang: 'en', kembali: '/izin/AK1' });
    const guide = await visitor.get('/izin/AK1');
    expect(guide.statusCode).toBe(200);
    expect(guide.body).toContain('1 working day');
    expect(guide.body).not.toMatch(/\b1 working days/);

    const { definition } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'AK1' });
    const sla = cannedAnswers(definition, 'en').find((c) => c.key === 'sla')!;
    expect(sla.text).toContain('within 1 working day of a complete file');
    expect(cannedAnswers(definition, 'id').find((c) => c.key === 'sla')!.text).toContain('paling lama 1 hari kerja sejak');

    expect(t('en', 'case.sla.days', { used: 0, allowed: 1 })).toBe('0 of 1 working day used');
    expect(t('en', 'case.sla.days', { used: 1, allowed: 5 })).toBe('1 of 5 working days used');
    expect(t('en', 'registry.count', { first: 1, last: 1, total: 1 })).toBe('Showing 1 to 1 of 1 permit.');
    expect(t('en', 'revenue.summary.total.value', { amount: 'Rp 1', n: 1 })).toBe('Rp 1 from 1 payment');
    expect(t('id', 'case.sla.days', { used: 0, allowed: 1 })).toBe('0 dari 1 hari kerja terpakai');

    const overdue = {
      kind: 'overdue' as const,
      params: {
        number: 'MLG-AK1-2026-000001',
        permit: { id: 'Kartu kuning', en: 'Yellow card' },
        used: 2,
        sla: 1,
        state: { id: 'Verifikasi', en: 'Verification' },
        link: 'x',
      },
    };
    expect(renderMessage(overdue, 'en', 'email', ctx.tenant.name).text).toContain('2 of 1 working day,');
    const claim = { kind: 'claim_link' as const, params: { office: ctx.tenant.name, permit: { id: 'NIB', en: 'NIB' }, link: 'x', days: 1 } };
    expect(renderMessage(claim, 'en', 'sms', ctx.tenant.name).text).toContain('(1 day, once)');
  });

  it('signs messages with the office’s name, on every channel, in both languages', async () => {
    const sri = new PageClient(ctx);
    const email = `sri.pesan.${dialect}@warung.id`;
    const res = await sri.post('/akun/daftar', { name: 'Sri Pesan', nik: uniqueNik(), email, password: 'warung malang lantai dua', consent: 'yes' });
    expect(res.statusCode, res.body).toBe(303);
    await ctx.services.outbox.drain();
    const mails = await ctx.db.selectFrom('notifications').selectAll().where('recipient', '=', email).orderBy('outbox_id').execute();
    expect(mails.map((m) => m.kind).sort()).toEqual(['account_registered', 'contact_code']);
    const welcome = mails.find((m) => m.kind === 'account_registered')!;
    expect(welcome.subject).toBe('Selamat datang di layanan izin online DPMPTSP Kota Malang');
    expect(welcome.body).toBe('Halo Sri Pesan, akun Anda di layanan izin online DPMPTSP Kota Malang sudah dibuat.\n\nDPMPTSP Kota Malang');
    const code = mails.find((m) => m.kind === 'contact_code')!;
    expect(code.subject).toMatch(/^Kode DPMPTSP Kota Malang: \d{6}$/);
    for (const m of mails) expect(`${m.subject} ${m.body}`).not.toContain('Izol');
    // The development mailbox shows them so.
    const mailbox = await sri.get('/dev/kotak-surat');
    expect(mailbox.body).toContain('Selamat datang di layanan izin online DPMPTSP Kota Malang');

    // The same message on the other channels: the SMS starts with the office, the WhatsApp template carries it.
    const message = { kind: 'account_registered' as const, params: { name: 'Sri' } };
    expect(renderMessage(message, 'id', 'sms', ctx.tenant.name).text).toBe('DPMPTSP Kota Malang: akun Anda sudah dibuat.');
    expect(renderMessage(message, 'en', 'sms', ctx.tenant.name).text).toBe('DPMPTSP Kota Malang: your account has been created.');
    const wa = renderMessage(message, 'en', 'whatsapp', ctx.tenant.name);
    expect(wa.channel === 'whatsapp' && wa.template).toEqual({ name: 'izol_akun_dibuat', languageCode: 'en', bodyParameters: ['Sri', 'DPMPTSP Kota Malang'] });
    expect(wa.text).toBe('Hello Sri, your account with the DPMPTSP Kota Malang online permit service has been created.');
    const en = renderMessage(message, 'en', 'email', ctx.tenant.name);
    expect(en.subject).toBe('Welcome to the DPMPTSP Kota Malang online permit service');
    expect(en.channel === 'email' && en.html).toContain('<p style="color:#555">DPMPTSP Kota Malang</p>');
    const other = renderMessage({ kind: 'new_message', params: { number: 'BTU-SIPDOK-2026-000001', link: 'x' } }, 'id', 'sms', 'DPMPTSP Kota Batu');
    expect(other.text).toBe('DPMPTSP Kota Batu BTU-SIPDOK-2026-000001: ada pesan dari petugas.');
  });

  it('writes her messages in the language she registered in, and her preference starts from it', async () => {
    const sri = new PageClient(ctx);
    await sri.post('/bahasa', { lang: 'en', kembali: '/akun/daftar' });
    const email = `sri.english.${dialect}@warung.id`;
    const res = await sri.post('/akun/daftar', { name: 'Sri English', nik: uniqueNik(), email, password: 'warung malang lantai dua', consent: 'yes' });
    expect(res.statusCode, res.body).toBe(303);
    await ctx.services.outbox.drain();
    const mails = await ctx.db.selectFrom('notifications').selectAll().where('recipient', '=', email).orderBy('outbox_id').execute();
    expect(mails.map((m) => [m.kind, m.language]).sort()).toEqual([
      ['account_registered', 'en'],
      ['contact_code', 'en'],
    ]);
    expect(mails.find((m) => m.kind === 'account_registered')!.subject).toBe('Welcome to the DPMPTSP Kota Malang online permit service');
    expect(mails.find((m) => m.kind === 'contact_code')!.subject).toMatch(/^DPMPTSP Kota Malang code: \d{6}$/);
    const prefs = await sri.get('/akun/pemberitahuan');
    expect(prefs.body).toMatch(/name="language" type="radio" value="en" checked/);
    // Through the API: the language the request names.
    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: {
        name: 'Sri API',
        nik: uniqueNik(),
        email: `sri.api.${dialect}@warung.id`,
        password: 'warung malang lantai tiga',
        consent: true,
        language: 'en',
      },
    });
    expect(api.statusCode, api.body).toBe(201);
    await ctx.services.outbox.drain();
    const apiMail = await ctx.db.selectFrom('notifications').select('language').where('recipient', '=', `sri.api.${dialect}@warung.id`).execute();
    expect(apiMail.map((m) => m.language)).toEqual(['en', 'en']);
  });

  it('shows a draft once as a draft, and deletes it (it was never submitted) after a confirm page', async () => {
    const sri = await applicant();
    const start = await sri.page.post('/izin/SIPDOK/mulai', {});
    expect(start.statusCode).toBe(303);
    const draftId = /\/permohonan\/([0-9a-f-]{36})\//.exec(start.headers.location!)![1]!;

    const list = await sri.page.get('/permohonan');
    const card = /<li><h2><a href="\/permohonan\/[^"]+">[^<]*<\/a><\/h2>\s*<p>(.*?)<\/p>/s.exec(list.body)![1]!;
    expect(card.match(/Draf/g)).toHaveLength(1);
    expect(card).toContain('Belum diajukan: nomor permohonan diberikan saat Anda mengajukannya.');
    expect(card).not.toContain('·');

    const detail = await sri.page.get(`/permohonan/${draftId}`);
    expect(detail.body).toContain(`<a href="/permohonan/${draftId}/hapus">Hapus draf ini</a>`);
    expect(detail.body).not.toContain('Tarik permohonan');
    // The withdraw page sends a draft to the delete page.
    const tarik = await sri.page.get(`/permohonan/${draftId}/tarik`);
    expect(tarik.statusCode).toBe(303);
    expect(tarik.headers.location).toBe(`/permohonan/${draftId}/hapus`);

    const confirm = await sri.page.get(`/permohonan/${draftId}/hapus`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('<h1>Hapus draf ini?</h1>');
    expect(confirm.body).toContain('belum pernah diajukan');
    expect(confirm.body).toContain('Dokumen yang sudah Anda unggah ke draf ini tidak dikirim ke siapa pun.');
    expect(confirm.body).toContain(`<form method="post" action="/permohonan/${draftId}/hapus"`);
    // Without the anti-forgery token nothing happens.
    expect((await sri.page.post(`/permohonan/${draftId}/hapus`, {}, { csrf: false })).statusCode).toBe(403);
    expect(await isSignedIn(sri.page)).toBe(true);

    const deleted = await sri.page.post(`/permohonan/${draftId}/hapus`, {});
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/permohonan?dihapus=1');
    const after = await sri.page.get(deleted.headers.location!);
    expect(after.body).toContain('Draf sudah dihapus.');
    expect(after.body).not.toContain(`/permohonan/${draftId}"`);
    const api = await ctx.app.inject({ method: 'GET', url: '/api/v1/applications', headers: auth(sri.token) });
    expect(JSON.stringify(api.json())).not.toContain(draftId);
    // Honest record: never numbered, closed by the applicant's own action, audited.
    const row = await ctx.db.selectFrom('applications').select(['number', 'state', 'decided_at']).where('id', '=', draftId).executeTakeFirstOrThrow();
    expect(row.number).toBeNull();
    expect(row.decided_at).not.toBeNull();
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', draftId).execute();
    expect(audit.map((a) => a.action)).toContain('application.withdraw');
    // Someone else cannot delete her draft, or even see it.
    const other = await applicant();
    const second = await sri.page.post('/izin/SIPDOK/mulai', {});
    const secondId = /\/permohonan\/([0-9a-f-]{36})\//.exec(second.headers.location!)![1]!;
    expect((await other.page.post(`/permohonan/${secondId}/hapus`, {})).statusCode).toBe(404);

    // A filed application is withdrawn, not deleted.
    const filed = await readyDraft(ctx, sri.token, 'SIPDOK');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${filed}/submit`, headers: auth(sri.token) })).statusCode).toBe(200);
    const filedPage = await sri.page.get(`/permohonan/${filed}`);
    expect(filedPage.body).toContain(`<a href="/permohonan/${filed}/tarik">Tarik permohonan</a>`);
    expect(filedPage.body).not.toContain('Hapus draf ini');
    const noDelete = await sri.page.post(`/permohonan/${filed}/hapus`, {});
    expect(noDelete.statusCode).toBe(303);
    expect(noDelete.headers.location).toBe(`/permohonan/${filed}`);
    const still = await ctx.db.selectFrom('applications').select('decided_at').where('id', '=', filed).executeTakeFirstOrThrow();
    expect(still.decided_at).toBeNull();
  });

  it('labels the receipt’s two codes and says what each is for', async () => {
    const sri = await applicant();
    const id = await readyDraft(ctx, sri.token, 'SIPDOK');
    const submitted = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(sri.token) });
    const { number, trackingCode } = submitted.json<{ number: string; trackingCode: string }>();
    const receipt = await sri.page.get(`/permohonan/${id}/tanda-terima`);
    const row = (label: string) => new RegExp(`<dt[^>]*>${label}</dt>\\s*<dd[^>]*>(.*?)</dd>`, 's').exec(receipt.body)?.[1] ?? '';
    expect(row('Nomor permohonan')).toContain(`<strong data-receipt-number>${number}</strong>`);
    expect(row('Nomor permohonan')).toContain('Sebutkan nomor ini bila Anda menghubungi kantor');
    expect(row('Kode lacak')).toContain(`<strong data-receipt-tracking>${trackingCode}</strong>`);
    expect(row('Kode lacak')).toMatch(/kode ini membuka pelacakan di http[^ ]+\/lacak tanpa masuk akun/);

    await sri.page.post('/bahasa', { lang: 'en', kembali: '/' });
    const english = await sri.page.get(`/permohonan/${id}/tanda-terima`);
    expect(english.body).toContain('Application number');
    expect(english.body).toContain('Give this number when you contact the office');
    expect(english.body).toContain('Tracking code');
    expect(english.body).toContain('this code opens tracking at');
  });

  it('shows the consent as the notice’s title and date with a link to it, not as a version code', async () => {
    const sri = await applicant();
    const profile = await sri.page.get('/akun/profil');
    expect(profile.body).not.toContain('pdp-2026-01');
    expect(profile.body).toContain('Pemberitahuan privasi layanan perizinan (berlaku 1 Januari 2026), disetujui');
    expect(profile.body).toContain('<a href="/privasi">Baca pemberitahuan privasi</a>');
    const notice = await new PageClient(ctx).get('/privasi');
    expect(notice.statusCode).toBe(200);
    expect(notice.body).toContain('<h1>Pemberitahuan privasi layanan perizinan</h1>');
    expect(notice.body).toContain('Berlaku sejak 1 Januari 2026.');
    expect(notice.body).toContain('NIK disimpan terenkripsi');
    await sri.page.post('/bahasa', { lang: 'en', kembali: '/' });
    expect((await sri.page.get('/akun/profil')).body).toContain('Privacy notice for permit services (in force from 1 January 2026), agreed on');
  });
});
