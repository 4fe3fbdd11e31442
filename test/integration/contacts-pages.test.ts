import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, type TestContext, uniqueNik } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/** The channel history pages: the citizen's own (/akun/riwayat), the office's look-up (/kantor/warga) and the case page's link to it. */
describe.each(DIALECTS)('channel history pages (%s)', (dialect) => {
  let ctx: TestContext;
  let people = 0;
  const PASSWORD = 'kopi tubruk pagi hari';
  const phone = `0813${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const e164 = `+62${phone.slice(1)}`;
  let walkIn = '';
  let online = '';
  let citizenId = '';
  let citizen: PageClient;

  async function account(role: Role): Promise<{ email: string; userId: string }> {
    people++;
    const email = `${role}.${people}@riwayat-halaman.izol.test`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role} ${people}`, email, password: PASSWORD });
    return { email, userId };
  }
  async function bearer(login: string): Promise<string> {
    return (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login, password: PASSWORD, clientIp: '127.0.0.1', kind: 'bearer' })).token;
  }
  /** An officer signed in through the pages: password, then the authenticator code. */
  async function officer(role: Role): Promise<PageClient> {
    const { email, userId } = await account(role);
    const secret = await enrollSecondFactor(ctx, userId);
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password: PASSWORD })).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return page;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // A walk-in recorded at the counter with the citizen's number, before they had an account …
    const desk = await account('front_desk');
    const secret = await enrollSecondFactor(ctx, desk.userId);
    const deskToken = (
      await ctx.services.auth.login({
        tenantId: ctx.tenant.id,
        login: desk.email,
        password: PASSWORD,
        clientIp: '127.0.0.1',
        kind: 'bearer',
        otp: totpAt(secret, ctx.clock.now()),
      })
    ).token;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(deskToken),
      payload: { permitTypeCode: 'REKLAME', channel: 'walk_in', applicantName: 'Rahmat Hidayat', applicantContact: phone },
    });
    expect(created.statusCode, created.body).toBe(201);
    walkIn = json<{ id: string }>(created).id;
    ctx.clock.advanceMinutes(60);

    // … who later registered with that number, proved it with the code, and applied online.
    const registered = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: 'Rahmat Hidayat', nik: uniqueNik(), phone, password: PASSWORD, consent: true },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    citizenId = json<{ userId: string }>(registered).userId;
    await ctx.services.outbox.drain();
    const message = await ctx.db
      .selectFrom('notifications')
      .select('body')
      .where('recipient_user_id', '=', citizenId)
      .where('kind', '=', 'contact_code')
      .executeTakeFirstOrThrow();
    await ctx.services.auth.verifyContact({
      actor: { userId: citizenId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Rahmat Hidayat' },
      code: /\b(\d{6})\b/.exec(message.body)![1]!,
    });
    ctx.clock.advanceMinutes(60);
    const token = await bearer(phone);
    const mine = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(token), payload: { permitTypeCode: 'PBG' } });
    online = json<{ id: string }>(mine).id;
    citizen = new PageClient(ctx);
    expect((await citizen.post('/akun/masuk', { login: phone, password: PASSWORD })).statusCode).toBe(303);
  });
  afterAll(async () => ctx?.close());

  it('shows the citizen their own history, newest first, in Indonesian and English, linking only what they may open', async () => {
    expect((await citizen.get('/akun/profil')).body).toContain('<a href="/akun/riwayat">Riwayat kontak saya</a>');
    const res = await citizen.get('/akun/riwayat');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const rows = [...res.body.matchAll(/<tr data-contact="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => [m[1], m[2]!]);
    expect(rows.map((r) => r[0])).toEqual([online, walkIn]);
    expect(rows[0]![1]).toContain('Daring (portal)');
    expect(rows[0]![1]).toContain(`href="/permohonan/${online}"`);
    expect(rows[1]![1]).toContain('Datang langsung');
    // The walk-in file is the front desk's until claimed: listed, not linked.
    expect(rows[1]![1]).not.toContain('href=');
    expect(res.body).toContain('<caption class="table__caption">Kontak dengan kantor, terbaru dulu</caption>');

    await citizen.post('/bahasa', { lang: 'en', kembali: '/akun/riwayat' });
    const en = await citizen.get('/akun/riwayat');
    expect(en.body).toContain('<h1>My contact history</h1>');
    expect(en.body).toContain('In person');
    expect(en.body).toContain('Online (portal)');
    await citizen.post('/bahasa', { lang: 'id', kembali: '/akun/riwayat' });
  });

  it('sends someone signed out to sign in, and keeps the office look-up from citizens and roles without it', async () => {
    const anonymous = await new PageClient(ctx).get('/akun/riwayat');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/akun/masuk?kembali=%2Fakun%2Friwayat');
    expect((await citizen.get(`/kantor/warga?telepon=${phone}`)).statusCode).toBe(403);
    const technical = await officer('technical');
    expect((await technical.get('/kantor')).body).not.toContain('href="/kantor/warga"');
    const refused = await technical.get(`/kantor/warga?telepon=${phone}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(walkIn);
    // Nor does the technical team's case page offer the link.
    expect((await technical.get(`/kantor/berkas/${walkIn}`)).body).not.toContain('data-contact-history');
  });

  it('lets the front desk look a number up, see both contacts with links to the files, and follow the verified account to its history', async () => {
    const desk = await officer('front_desk');
    // The back office's home links the look-up.
    expect((await desk.get('/kantor')).body).toContain('<a href="/kantor/warga">Riwayat kontak warga</a>');
    const form = await desk.get('/kantor/warga');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<form method="get" action="/kantor/warga"');
    expect(form.body).toContain('<label class="label" for="f-telepon">Nomor WhatsApp</label>');

    const found = await desk.get(`/kantor/warga?telepon=${encodeURIComponent(phone)}`);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`href="/kantor/berkas/${online}"`);
    expect(found.body).toContain(`href="/kantor/berkas/${walkIn}"`);
    expect(found.body).toContain(`href="/kantor/warga/${citizenId}"`);
    expect(found.body.indexOf(online)).toBeLessThan(found.body.indexOf(walkIn));

    const byAccount = await desk.get(`/kantor/warga/${citizenId}`);
    expect(byAccount.statusCode).toBe(200);
    expect(byAccount.body).toContain('<h1>Rahmat Hidayat</h1>');
    expect(byAccount.body).toContain(e164);
    expect([...byAccount.body.matchAll(/<tr data-contact="([^"]+)">/g)].map((m) => m[1])).toEqual([online, walkIn]);

    // The case pages link to the history: by the number the desk recorded, or by the account.
    const walkInCase = await desk.get(`/kantor/berkas/${walkIn}`);
    expect(walkInCase.body).toContain(`href="/kantor/warga?telepon=${encodeURIComponent(e164)}" data-contact-history`);
    const onlineCase = await desk.get(`/kantor/berkas/${online}`);
    expect(onlineCase.body).toContain(`href="/kantor/warga/${citizenId}" data-contact-history`);
  });

  it('answers a mistyped number with an error summary, escaping what was typed, and an unknown account with 404', async () => {
    const desk = await officer('verifier');
    const bad = await desk.get(`/kantor/warga?telepon=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#f-telepon"');
    expect(bad.body).toContain('Isi nomor HP yang benar');
    expect(bad.body).not.toContain('<script>alert(1)</script>');
    expect(bad.body).toContain('&lt;script&gt;');
    const both = await desk.get(`/kantor/warga?telepon=${phone}&email=a%40contoh.id`);
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain('Isi nomor WhatsApp atau email, salah satu saja.');
    expect((await desk.get('/kantor/warga/6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54')).statusCode).toBe(404);
    expect((await desk.get('/kantor/warga/bukan-id')).statusCode).toBe(404);
    // A hand-edited page number falls back to the first page.
    expect((await desk.get(`/kantor/warga/${citizenId}?halaman=abc`)).statusCode).toBe(200);
  });

  it('links a parcel and a help request to their office pages for the front desk only, names a help request without its words, and keeps a stranger’s form out of the citizen’s page', async () => {
    const { userId, email } = await account('front_desk');
    const deskActor = { userId, tenantId: ctx.tenant.id, role: 'front_desk' as const, name: email };
    const parcel = await ctx.services.parcels.logParcel({
      actor: deskActor,
      company: 'JNE',
      trackingNumber: 'JNE0099887766',
      senderName: 'Rahmat Hidayat',
      senderContact: phone,
    });
    const nik = uniqueNik();
    const call = await ctx.services.helpdesk.createHelpRequest({
      tenant: ctx.tenant,
      actor: deskActor,
      channel: 'phone',
      handle: phone,
      message: `NIK saya ${nik}, Jl. Kenanga 12\nmau tanya kiriman`,
    });
    // Anyone, signed out, through the portal's form with the citizen's number as the address to answer at.
    const scam = await new PageClient(ctx).post('/bantuan', {
      name: 'Petugas',
      handle: phone,
      permitCode: '',
      message: 'Akun Anda diblokir, transfer Rp500.000 ke 1234 BCA',
    });
    expect(scam.statusCode).toBe(200);

    const row = (body: string, id: string) => new RegExp(`<tr data-contact="${id}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';
    const desk = await officer('front_desk');
    const forDesk = (await desk.get(`/kantor/warga?telepon=${phone}`)).body;
    expect(row(forDesk, parcel.id)).toContain(`href="/kantor/kiriman/${parcel.id}"`);
    expect(row(forDesk, call.id)).toContain(`<a href="/kantor/bantuan/${call.id}">Pertanyaan ke meja bantuan (Telepon)</a>`);
    expect((await desk.get(`/kantor/bantuan/${call.id}`)).statusCode).toBe(200);
    expect((await desk.get(`/kantor/kiriman/${parcel.id}`)).statusCode).toBe(200);
    const verifier = await officer('verifier');
    const forVerifier = (await verifier.get(`/kantor/warga/${citizenId}`)).body;
    expect(row(forVerifier, parcel.id)).toContain('JNE');
    expect(row(forVerifier, parcel.id)).not.toContain('href=');
    expect(row(forVerifier, call.id)).toContain('Pertanyaan ke meja bantuan (Telepon)');
    expect(row(forVerifier, call.id)).not.toContain('href=');
    const mine = (await citizen.get('/akun/riwayat')).body;
    expect(row(mine, call.id)).toContain('Pertanyaan ke meja bantuan (Telepon)');
    expect(row(mine, call.id)).not.toContain('href=');
    for (const body of [forDesk, forVerifier, mine]) {
      expect(body).not.toContain(nik);
      expect(body).not.toContain('Kenanga');
      expect(body).not.toContain('diblokir');
    }
  });
});
