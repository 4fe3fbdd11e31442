import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Encode, totpAt, totpForStep } from '../../src/auth/totp.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, type TestContext, userWithToken } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';
import { readyDraft } from '../helpers/journeys.js';

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC test vectors for SHA-1, truncated to 6 digits', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(totpAt(secret, new Date(59_000))).toBe('287082');
    expect(totpAt(secret, new Date(1_111_111_109_000))).toBe('081804');
    expect(totpAt(secret, new Date(1_234_567_890_000))).toBe('005924');
    expect(totpForStep(secret, Math.floor(2_000_000_000 / 30))).toBe('279037');
  });
});

describe.each(DIALECTS)('officers’ second factor (%s): v5.0.0-6.3.2, LAW-9', (dialect) => {
  let ctx: TestContext;
  const password = 'verifikator kantor rahasia';
  let officer: PageClient;
  let secret = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'verifier', name: 'Dewi Verifikator', email: 'dewi@kantor.izol.id', password });
    // Something in the verifier's queue.
    const citizen = await userWithToken(ctx, 'applicant');
    const id = await readyDraft(ctx, citizen.token, 'NIB');
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) });
    officer = new PageClient(ctx);
  });
  afterAll(async () => ctx?.close());

  it('sends an officer without a second factor to set one up, and opens no back-office page before', async () => {
    const res = await officer.post('/akun/masuk', { login: 'dewi@kantor.izol.id', password });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/kantor/atur-autentikator');
    for (const page of ['/kantor', '/kantor/loket', '/kantor/admin', '/kantor/admin/staf', '/kantor/berkas/6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54']) {
      const res = await officer.get(page);
      expect(res.statusCode, page).toBe(303);
      expect(res.headers.location, page).toMatch(/^\/akun\/masuk/);
    }
    // The API refuses the officer until the second factor exists.
    const api = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'dewi@kantor.izol.id', password } });
    expect(api.statusCode).toBe(403);
    expect(json<{ code: string }>(api).code).toBe('second_factor_setup_required');
  });

  it('shows the key and QR code, refuses a wrong code, and accepts the right one', async () => {
    const setup = await officer.get('/kantor/atur-autentikator');
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toContain('<svg');
    // The page shows the secret: no cache may keep it.
    expect(setup.headers['cache-control']).toBe('no-store');
    secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    expect(secret).toHaveLength(32);
    const wrong = await officer.post('/kantor/atur-autentikator', { code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('error-summary');
    const right = await officer.post('/kantor/atur-autentikator', { code: totpAt(secret, ctx.clock.now()) });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/kantor');
    const queue = await officer.get('/kantor');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('Antrean kerja');
    expect(queue.body).toMatch(/MLG-NIB-2026-\d{6}/);
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('action', '=', 'auth.second_factor_enrolled').execute();
    expect(audit).toHaveLength(1);
  });

  it('asks for the code at the next sign-in, and a code works only once (v5.0.0-6.5.1)', async () => {
    const again = new PageClient(ctx);
    const res = await again.post('/akun/masuk', { login: 'dewi@kantor.izol.id', password });
    expect(res.headers.location).toBe('/kantor/kode');
    const replay = await again.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(replay.statusCode).toBe(400);
    ctx.clock.advanceMinutes(0.5);
    const fresh = await again.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(fresh.statusCode).toBe(303);
    expect((await again.get('/kantor')).statusCode).toBe(200);
  });

  it('needs the code with the password on the API', async () => {
    ctx.clock.advanceMinutes(0.5);
    const missing = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'dewi@kantor.izol.id', password } });
    expect(missing.statusCode).toBe(401);
    expect(json<{ code: string }>(missing).code).toBe('second_factor_required');
    const wrong = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'dewi@kantor.izol.id', password, otp: '123456' } });
    expect(wrong.statusCode).toBe(401);
    expect(json<{ code: string }>(wrong).code).toBe('bad_second_factor');
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'dewi@kantor.izol.id', password, otp: totpAt(secret, ctx.clock.now()) },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('lets an admin reset a lost second factor: sessions end and the next sign-in sets up a new one', async () => {
    const admin = await userWithToken(ctx, 'admin');
    const user = await ctx.db.selectFrom('users').select('id').where('email', '=', 'dewi@kantor.izol.id').executeTakeFirstOrThrow();
    await ctx.services.auth.resetSecondFactor({ actor: { userId: admin.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' }, userId: user.id });
    expect((await officer.get('/kantor')).statusCode).toBe(303);
    const res = await officer.post('/akun/masuk', { login: 'dewi@kantor.izol.id', password });
    expect(res.headers.location).toBe('/kantor/atur-autentikator');
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'subject_id'])
      .where('action', '=', 'user.second_factor_reset')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_id: admin.userId, subject_id: user.id });
    await expect(
      ctx.services.auth.resetSecondFactor({ actor: { userId: user.id, tenantId: ctx.tenant.id, role: 'verifier', name: 'Dewi' }, userId: admin.userId }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('ends the waiting session after five wrong codes from any addresses, so even the right code then needs the password again', async () => {
    const email = 'tebak.kode@kantor.izol.id';
    const pw = 'teknis kantor kata sandi panjang';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'technical', name: 'Teknis Uji', email, password: pw });
    const code = totpAt(await enrollSecondFactor(ctx, userId), ctx.clock.now());
    const wrongCode = code === '000000' ? '111111' : '000000';
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password: pw }, { remoteAddress: '10.6.0.1' })).headers.location).toBe('/kantor/kode');
    for (let i = 0; i < 5; i++) expect((await page.post('/kantor/kode', { code: wrongCode }, { remoteAddress: `10.6.1.${i + 1}` })).statusCode).toBe(400);
    const late = await page.post('/kantor/kode', { code }, { remoteAddress: '10.6.2.1' });
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).toMatch(/^\/akun\/masuk/);
    expect((await page.get('/kantor')).statusCode).toBe(303);
    const live = await ctx.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);
  });

  it('keeps applicants out of the back office', async () => {
    const citizen = new PageClient(ctx);
    await citizen.post('/akun/daftar', {
      name: 'Warga',
      nik: '3573015005920003',
      email: 'warga.kantor@contoh.id',
      password: 'teh hangat sore hari',
      consent: 'yes',
    });
    const res = await citizen.get('/kantor');
    expect(res.statusCode).toBe(403);
  });
});

describe.each(DIALECTS)('the work queue (%s)', (dialect) => {
  let ctx: TestContext;
  let officer: PageClient;
  const numbers: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'verifier',
      name: 'Rina Verifikator',
      email: 'rina@kantor.izol.id',
      password: 'verifikator antrean 2026',
    });
    const secret = await enrollSecondFactor(ctx, userId);
    const citizen = await userWithToken(ctx, 'applicant');
    for (const code of ['NIB', 'AK1', 'NIB']) {
      const id = await readyDraft(ctx, citizen.token, code);
      numbers.push(
        json<{ number: string }>(await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) })).number,
      );
    }
    officer = new PageClient(ctx);
    await officer.post('/akun/masuk', { login: 'rina@kantor.izol.id', password: 'verifikator antrean 2026' });
    await officer.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
  });
  afterAll(async () => ctx?.close());

  it('filters by permit type and searches by number', async () => {
    const all = await officer.get('/kantor');
    for (const n of numbers) expect(all.body).toContain(n);
    const ak1 = await officer.get('/kantor?jenis=AK1');
    expect(ak1.body).toContain(numbers[1]!);
    expect(ak1.body).not.toContain(numbers[0]!);
    const search = await officer.get(`/kantor?cari=${encodeURIComponent(numbers[2]!)}`);
    expect(search.body).toContain(numbers[2]!);
    expect(search.body).not.toContain(numbers[1]!);
  });

  it('lets the officer take a file, which then shows as theirs', async () => {
    const page = await officer.get('/kantor?jenis=AK1');
    const id = /\/kantor\/berkas\/([0-9a-f-]{36})\/ambil/.exec(page.body)![1]!;
    const res = await officer.post(`/kantor/berkas/${id}/ambil`, {});
    expect(res.statusCode).toBe(303);
    const mine = await officer.get('/kantor?milik=saya');
    expect(mine.body).toContain(numbers[1]!);
    expect(mine.body).toContain('Dipegang Anda');
    expect(mine.body).not.toContain(numbers[0]!);
  });
  it('opens one session, not three, when the same code is sent three times at once', async () => {
    const email = 'kode.sama@kantor.izol.id';
    const pw = 'kepala kantor kata sandi panjang';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'head', name: 'Kepala Uji', email, password: pw });
    const code = totpAt(await enrollSecondFactor(ctx, userId), ctx.clock.now());
    const tries = await Promise.all(
      [1, 2, 3].map((i) =>
        ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.7.0.${i}`, payload: { login: email, password: pw, otp: code } }),
      ),
    );
    expect(tries.map((r) => r.statusCode).sort()).toEqual([200, 401, 401]);
    const sessions = await ctx.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    expect(sessions).toHaveLength(1);
  });
});
