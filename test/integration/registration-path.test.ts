import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Issue 16, item 5: registering without getting lost, through the real pages (no JavaScript) and the
 * API. Ibu Sri chooses PBG, signs in or registers, verifies her contact and lands back on PBG; every
 * error names its field; a taken WhatsApp number says so on that field with the way to sign in; her
 * password survives another field's error; the NIK's region is checked; a foreign resident registers
 * with passport and KITAS/KITAP and is told clearly when a permit type needs a NIK.
 */
describe.each(DIALECTS)('registration path (%s)', (dialect) => {
  let ctx: TestContext;
  const PASSWORD = 'warung sri buka pagi';
  let n = 0;
  /** Each registration from its own address, so the route's rate limit (10 a minute) stays out of the way. */
  const from = () => ({ remoteAddress: `198.18.${Math.floor(++n / 200)}.${(n % 200) + 1}` });
  const email = () => `sri.${++n}.${Math.random().toString(36).slice(2, 7)}@contoh.id`;
  const phone = () => `0813${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
  const form = (patch: Record<string, string> = {}) => ({
    name: 'Sri Wahyuni',
    identityKind: 'nik',
    nik: uniqueNik(),
    email: email(),
    phone: '',
    password: PASSWORD,
    consent: 'yes',
    ...patch,
  });
  const latestCode = async (to: string) => {
    await ctx.services.outbox.drain();
    const mail = await ctx.db
      .selectFrom('notifications')
      .select('body')
      .where('recipient', '=', to)
      .where('kind', '=', 'contact_code')
      .orderBy('outbox_id', 'desc')
      .executeTakeFirstOrThrow();
    return /(\d{6})/.exec(mail.body)![1]!;
  };
  /** The header's language switch form as the page renders it: where it returns to. */
  const switchReturn = (body: string) => /action="\/bahasa"[\s\S]*?name="kembali" value="([^"]*)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
  const setForeignResidents = async (code: string, accepted: boolean) => {
    const type = await ctx.db
      .selectFrom('permit_types')
      .select(['id', 'current_version'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    const version = await ctx.db
      .selectFrom('permit_type_versions')
      .select(['id', 'definition'])
      .where('permit_type_id', '=', type.id)
      .where('version', '=', type.current_version)
      .executeTakeFirstOrThrow();
    const definition = { ...(JSON.parse(version.definition) as Record<string, unknown>), foreignResidents: accepted };
    await ctx.db
      .updateTable('permit_type_versions')
      .set({ definition: JSON.stringify(definition) })
      .where('id', '=', version.id)
      .execute();
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // The catalogue data says which types accept foreign residents; these two are pinned here.
    await setForeignResidents('KERAMAIAN', true);
    await setForeignResidents('AK1', false);
  });
  afterAll(async () => ctx?.close());

  it('says the contact fields need only one of the two, in Indonesian and in English', async () => {
    const page = new PageClient(ctx);
    const id = await page.get('/akun/daftar');
    expect(id.statusCode).toBe(200);
    expect(id.body).toContain('Email atau nomor WhatsApp (cukup salah satu)');
    await page.post('/bahasa', { lang: 'en', kembali: '/akun/daftar' });
    const en = await page.get('/akun/daftar');
    expect(en.body).toContain('Email or WhatsApp number (one is enough)');
  });

  it('names the field in every error, and keeps the password typed when another field is wrong', async () => {
    const page = new PageClient(ctx);
    const res = await page.post('/akun/daftar', { name: '', identityKind: 'nik', nik: '', email: '', phone: '', password: PASSWORD, consent: '' }, from());
    expect(res.statusCode).toBe(400);
    for (const [field, text] of [
      ['name', 'Masukkan nama lengkap Anda'],
      ['nik', 'Masukkan NIK Anda'],
      ['email', 'Masukkan email atau nomor WhatsApp (cukup salah satu)'],
      ['consent', 'Centang persetujuan pemrosesan data pribadi'],
    ] as const) {
      expect(res.body).toContain(`href="#f-${field}">${text}`);
    }
    expect(res.body).not.toContain('Wajib diisi');
    // The password is still in its field, as a new password, and the page is never stored.
    expect(res.body).toMatch(new RegExp(`name="password" type="password" value="${PASSWORD}"[^>]*autocomplete="new-password"`));
    expect(res.headers['cache-control']).toBe('no-store');

    const en = new PageClient(ctx);
    await en.post('/bahasa', { lang: 'en', kembali: '/' });
    const english = await en.post('/akun/daftar', form({ name: '', email: 'not-an-email' }), from());
    expect(english.body).toContain('href="#f-name">Enter your full name');
    expect(english.body).toContain('href="#f-email">Enter a real email address');
  });

  it('checks the NIK against the Kemendagri region codes and its birth date, with a message saying which digits', async () => {
    const page = new PageClient(ctx);
    const region = await page.post('/akun/daftar', form({ nik: '3599014506900002' }), from());
    expect(region.statusCode).toBe(400);
    expect(region.body).toContain('href="#f-nik">Enam angka pertama NIK (kode wilayah) tidak cocok dengan wilayah mana pun; periksa nomor pada KTP Anda');
    const en = new PageClient(ctx);
    await en.post('/bahasa', { lang: 'en', kembali: '/' });
    const english = await en.post('/akun/daftar', form({ nik: '9129014506900002' }), from());
    expect(english.body).toContain('The first six digits of the NIK (region code) do not match any region; check the number on your KTP');
    const birth = await page.post('/akun/daftar', form({ nik: '3573013506900002' }), from());
    expect(birth.body).toContain('href="#f-nik">Angka ke-7 sampai ke-12 NIK (tanggal lahir)');
    // A real Kota Malang NIK (35.73.05 Lowokwaru, a woman born 5 June 1990) goes through.
    const ok = await page.post('/akun/daftar', form({ nik: '3573054506900417' }), from());
    expect(ok.statusCode).toBe(303);
    // A NIK never changes: one issued in Merauke before Papua was split in 2022 keeps 91.01 (93.01 today),
    // one from a Kutai Barat district that is in Mahakam Ulu now keeps 64.07.01.
    for (const nik of ['9101014506900004', '6407010507850003']) {
      const older = await new PageClient(ctx).post('/akun/daftar', form({ nik }), from());
      expect(older.statusCode, nik).toBe(303);
    }

    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: 'Sri', nik: '3599014506900002', email: email(), password: PASSWORD, consent: true },
      ...from(),
    });
    expect(api.statusCode).toBe(400);
    expect(api.json<{ errors: { field: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ field: 'nik', code: 'nik_region' })]);
  });

  it('puts a WhatsApp number already registered on the WhatsApp field, with sign-in and reset links, and keeps the password', async () => {
    const number = phone();
    expect((await new PageClient(ctx).post('/akun/daftar', form({ email: '', phone: number }), from())).statusCode).toBe(303);
    const page = new PageClient(ctx);
    await page.get('/akun/daftar?kembali=%2Fizin%2FPBG%2Fmulai');
    // The same number typed another way (+62 instead of 0).
    const res = await page.post('/akun/daftar', form({ email: '', phone: `+62 ${number.slice(1)}`, kembali: '/izin/PBG/mulai' }), from());
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-phone">Nomor WhatsApp ini sudah terdaftar');
    expect(res.body).toMatch(
      /id="f-phone-error"[\s\S]*?id="f-phone"[\s\S]*?<p class="hint" id="phone-taken">[^<]*<a href="\/akun\/masuk\?kembali=%2Fizin%2FPBG%2Fmulai">Masuk<\/a> · <a href="\/akun\/lupa-sandi">/,
    );
    expect(res.body).toContain(`value="${PASSWORD}"`);
    expect(res.body).not.toContain('id="email-taken"');

    const taken = form();
    expect((await new PageClient(ctx).post('/akun/daftar', taken, from())).statusCode).toBe(303);
    const again = await new PageClient(ctx).post('/akun/daftar', form({ email: taken.email.toUpperCase() }), from());
    expect(again.body).toContain('href="#f-email">Email ini sudah terdaftar');
    expect(again.body).toContain('id="email-taken"');
  });

  it('brings her back to the permit she chose through sign-in, registration, the language switch and verification', async () => {
    const page = new PageClient(ctx);
    const start = await page.get('/izin/PBG/mulai');
    expect(start.body).toContain('href="/akun/masuk?kembali=%2Fizin%2FPBG%2Fmulai"');
    const signIn = await page.get('/akun/masuk?kembali=%2Fizin%2FPBG%2Fmulai');
    expect(signIn.body).toContain('href="/akun/daftar?kembali=%2Fizin%2FPBG%2Fmulai"');
    // Switching language on the registration page keeps the way back.
    const register = await page.get('/akun/daftar?kembali=%2Fizin%2FPBG%2Fmulai');
    expect(register.body).toContain('name="kembali" value="/izin/PBG/mulai"');
    const back = switchReturn(register.body)!;
    expect(back).toBe('/akun/daftar?kembali=%2Fizin%2FPBG%2Fmulai');
    const switched = await page.post('/bahasa', { lang: 'en', kembali: back });
    expect(switched.headers.location).toBe('/akun/daftar?kembali=%2Fizin%2FPBG%2Fmulai');
    const english = await page.get(switched.headers.location!);
    expect(english.body).toContain('name="kembali" value="/izin/PBG/mulai"');
    // A form sent back with an error still carries it, and so does its language switch.
    const mistake = await page.post('/akun/daftar', form({ name: '', kembali: '/izin/PBG/mulai' }), from());
    expect(mistake.body).toContain('name="kembali" value="/izin/PBG/mulai"');
    expect(switchReturn(mistake.body)).toBe('/akun/daftar?kembali=%2Fizin%2FPBG%2Fmulai');

    const mine = form({ kembali: '/izin/PBG/mulai' });
    const created = await page.post('/akun/daftar', mine, from());
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/akun/verifikasi?kembali=%2Fizin%2FPBG%2Fmulai');
    const verify = await page.get(created.headers.location!);
    expect(switchReturn(verify.body)).toBe('/akun/verifikasi?kembali=%2Fizin%2FPBG%2Fmulai');
    const code = await latestCode(mine.email);
    const verified = await page.post('/akun/verifikasi', { code, kembali: '/izin/PBG/mulai' });
    expect(verified.headers.location).toBe('/akun/verifikasi?kembali=%2Fizin%2FPBG%2Fmulai');
    const done = await page.get(verified.headers.location!);
    expect(done.body).toContain('href="/izin/PBG/mulai"');
    // Back on the start page she is signed in: the button starts the application.
    const again = await page.get('/izin/PBG/mulai');
    expect(again.body).toContain('action="/izin/PBG/mulai"');

    // Signing in (instead of registering) returns there too.
    const other = new PageClient(ctx);
    const signedIn = await other.post('/akun/masuk', { login: mine.email, password: PASSWORD, kembali: '/izin/PBG/mulai' }, from());
    expect(signedIn.headers.location).toBe('/izin/PBG/mulai');
  });

  it('never returns to another site (no open redirect)', async () => {
    for (const evil of [
      '//evil.com',
      'https://evil.com',
      '/\\evil.com',
      '/\\/evil.com',
      'javascript:alert(1)',
      '/izin/PBG/mulai\r\nLocation: https://evil.com',
    ]) {
      const page = new PageClient(ctx);
      const shown = await page.get(`/akun/daftar?kembali=${encodeURIComponent(evil)}`);
      expect(shown.body).not.toContain('evil');
      const res = await page.post('/akun/daftar', form({ kembali: evil }), from());
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/akun/verifikasi');
      const signIn = await new PageClient(ctx).get(`/akun/masuk?kembali=${encodeURIComponent(evil)}`);
      expect(signIn.body).not.toContain('evil');
      const lang = await new PageClient(ctx).post('/bahasa', { lang: 'en', kembali: evil });
      expect(lang.headers.location).toBe('/');
    }
  });

  it('registers a foreign resident with passport and KITAS/KITAP instead of a NIK, stored encrypted and shown masked', async () => {
    const page = new PageClient(ctx);
    const missing = await page.post(
      '/akun/daftar',
      form({ identityKind: 'kitas', nik: '', passportNumber: '', stayPermitNumber: '', nationality: '' }),
      from(),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#f-passportNumber">Masukkan nomor paspor Anda');
    expect(missing.body).toContain('href="#f-stayPermitNumber">Masukkan nomor KITAS atau KITAP Anda');
    expect(missing.body).toContain('href="#f-nationality">Masukkan kewarganegaraan Anda');
    expect(missing.body).not.toContain('href="#f-nik"');
    // The choice stays as she made it.
    expect(missing.body).toMatch(/name="identityKind" type="radio" value="kitas" checked/);

    const mine = form({
      name: 'Aiko Tanaka',
      identityKind: 'kitas',
      nik: '',
      passportNumber: 'TZ1234567',
      stayPermitNumber: '2C11 AB 4567890',
      nationality: 'Jepang',
    });
    const res = await page.post('/akun/daftar', mine, from());
    expect(res.statusCode).toBe(303);
    const row = await ctx.db.selectFrom('users').selectAll().where('email', '=', mine.email).executeTakeFirstOrThrow();
    expect(row.identity_kind).toBe('kitas');
    expect(row.nik_encrypted).toBeNull();
    expect(row.nik_index).toBeNull();
    expect(row.nationality).toBe('Jepang');
    expect(row.passport_encrypted).not.toContain('TZ1234567');
    expect(row.stay_permit_encrypted).not.toContain('4567890');
    const profile = await page.get('/akun/profil');
    expect(profile.body).toContain('Warga negara asing (KITAS/KITAP), Jepang');
    expect(profile.body).toContain('••••••567');
    expect(profile.body).toContain('••••••••••890');
    expect(profile.body).not.toContain('TZ1234567');

    const leeEmail = email();
    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: {
        name: 'Lee Min',
        identityKind: 'kitas',
        passportNumber: 'M12345678',
        stayPermitNumber: '2D21CD0001234',
        nationality: 'Korea Selatan',
        email: leeEmail,
        password: PASSWORD,
        consent: true,
      },
      ...from(),
    });
    expect(api.statusCode).toBe(201);
    const token = (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: leeEmail, password: PASSWORD } })).json<{
      token: string;
    }>().token;
    const me = await ctx.app.inject({ url: '/api/v1/me', headers: auth(token) });
    expect(me.json()).toMatchObject({
      identityKind: 'kitas',
      nikMasked: null,
      passportMasked: '••••••678',
      stayPermitMasked: '••••••••••234',
      nationality: 'Korea Selatan',
    });

    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: 'Lee Min', identityKind: 'kitas', passportNumber: 'x', email: email(), password: PASSWORD, consent: true },
      ...from(),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string; code: string }[] }>().errors.map((f) => [f.field, f.code])).toEqual([
      ['passportNumber', 'invalid_passport'],
      ['stayPermitNumber', 'required'],
      ['nationality', 'required'],
    ]);
    const noNik = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: 'Sri', email: email(), password: PASSWORD, consent: true },
      ...from(),
    });
    expect(noNik.statusCode).toBe(400);
    expect(noNik.json<{ errors: { field: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ field: 'nik', code: 'required' })]);
  });

  it('lets a foreign resident apply only for types that accept them, and says so clearly when not', async () => {
    const mine = form({
      name: 'Aiko Tanaka',
      identityKind: 'kitas',
      nik: '',
      passportNumber: 'TZ7654321',
      stayPermitNumber: '2C11AB7654321',
      nationality: 'Jepang',
    });
    const page = new PageClient(ctx);
    expect((await page.post('/akun/daftar', mine, from())).statusCode).toBe(303);
    // The start page says beforehand whether the type accepts foreign residents.
    expect((await page.get('/izin/AK1/mulai')).body).toContain(
      'Izin ini memerlukan NIK; warga negara asing dengan KITAS/KITAP belum dapat mengajukannya secara daring.',
    );
    expect((await page.get('/izin/KERAMAIAN/mulai')).body).toContain('Warga negara asing dengan KITAS/KITAP dapat mengajukan izin ini.');
    const refused = await page.post('/izin/AK1/mulai', {});
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('warga negara asing dengan KITAS/KITAP');
    expect(refused.body).toContain('loket');
    const accepted = await page.post('/izin/KERAMAIAN/mulai', {});
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toMatch(/^\/permohonan\/[^/]+\/isian\//);

    const token = (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: mine.email, password: PASSWORD } })).json<{
      token: string;
    }>().token;
    const api = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(token), payload: { permitTypeCode: 'AK1' } });
    expect(api.statusCode).toBe(403);
    expect(api.json<{ errors: { field: string; code: string }[] }>().errors).toEqual([
      expect.objectContaining({ field: 'identityKind', code: 'nik_required' }),
    ]);
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(token), payload: { permitTypeCode: 'KERAMAIAN' } })).statusCode,
    ).toBe(201);
  });

  it('checks a NIK answer on a form against the region codes too', async () => {
    const mine = form();
    expect((await new PageClient(ctx).post('/akun/daftar', mine, from())).statusCode).toBe(303);
    const token = (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: mine.email, password: PASSWORD } })).json<{
      token: string;
    }>().token;
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: 'AK1', answers: { nik: '3599014506900002' } },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<{ errors: { field: string }[] }>().errors).toEqual([expect.objectContaining({ field: 'answers.nik' })]);
    const right = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: 'AK1', answers: { nik: '3573054506900417' } },
    });
    expect(right.statusCode).toBe(201);
  });
});
