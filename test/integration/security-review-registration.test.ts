import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { blindIndex } from '../../src/shared/crypto.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext, uniqueNik } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Security review (issue 10, item 6): registration answered "this NIK is already registered", which
 * told anyone whether a NIK has an account and let anyone squat a citizen's NIK. Now a taken NIK gets
 * the same answer as a new registration (the account is made, its NIK only claimed), the holder is
 * told through the contact they verified, and an officer at the counter moves the NIK to the person
 * whose KTP they checked, audited.
 */
describe.each(DIALECTS)('security review: a NIK registered twice (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  const PASSWORD = 'kopi tubruk pagi hari';
  let n = 0;
  const body = (nik: string) => ({
    name: 'Budi Santoso',
    nik,
    email: `budi.${++n}.${Math.random().toString(36).slice(2, 8)}@contoh.id`,
    password: PASSWORD,
    consent: true,
  });
  // Each from its own address, so the route's rate limit (10 a minute an address) does not interfere.
  const register = (payload: ReturnType<typeof body>) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload, remoteAddress: `192.0.2.${n % 250}` });
  const userRow = (id: string) => ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const index = (nik: string) => blindIndex(ctx.services.config.dataEncryptionKey, 'nik', nik);
  const signIn = async (login: string) =>
    (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login, password: PASSWORD } })).json<{ token: string }>().token;

  /** A holder whose contact is verified (as after entering the code). */
  async function verifiedHolder(nik: string) {
    const payload = body(nik);
    const res = await register(payload);
    const { userId } = res.json<{ userId: string }>();
    await ctx.db.updateTable('users').set({ email_verified_at: ctx.clock.now().toISOString() }).where('id', '=', userId).execute();
    return { userId, email: payload.email };
  }

  it('answers a taken NIK exactly as a new one: 201, the same body, a working account showing the masked NIK', async () => {
    const nik = uniqueNik();
    const first = await register(body(nik));
    const second = await register(body(nik));
    expect(second.statusCode).toBe(first.statusCode);
    expect(second.statusCode).toBe(201);
    expect(Object.keys(second.json())).toEqual(Object.keys(first.json()));
    expect(second.body).not.toMatch(/already|sudah terdaftar|NIK/i);
    const claimant = await userRow(second.json<{ userId: string }>().userId);
    const holder = await userRow(first.json<{ userId: string }>().userId);
    expect(holder.nik_index).toBe(index(nik));
    expect(claimant.nik_index).toBeNull();
    expect(claimant.nik_encrypted).not.toContain(nik);
    // Both can sign in and both see their NIK masked the same way.
    for (const email of [holder.email!, claimant.email!]) {
      const me = await ctx.app.inject({ url: '/api/v1/me', headers: auth(await signIn(email)) });
      expect(me.json<{ nikMasked: string }>().nikMasked).toBe(`${nik.slice(0, 4)}••••••••••${nik.slice(-2)}`);
    }
  });

  it('the registration page goes on to the code page for a taken NIK as for a new one', async () => {
    const nik = uniqueNik();
    const pageOf = async () => {
      const p = body(nik);
      return new PageClient(ctx).post('/akun/daftar', { name: p.name, nik, email: p.email, phone: '', password: PASSWORD, consent: 'yes' });
    };
    const a = await pageOf();
    const b = await pageOf();
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/akun/verifikasi');
    }
  });

  it("tells the holder through their verified contact, and nobody when the holder's contact is unverified", async () => {
    const nik = uniqueNik();
    const holder = await verifiedHolder(nik);
    expect((await register(body(nik))).statusCode).toBe(201);
    const unverifiedNik = uniqueNik();
    const unverified = (await register(body(unverifiedNik))).json<{ userId: string }>().userId;
    expect((await register(body(unverifiedNik))).statusCode).toBe(201);
    await ctx.services.outbox.drain();
    const told = await ctx.db.selectFrom('notifications').selectAll().where('kind', '=', 'registration_attempt').execute();
    expect(told.filter((m) => m.recipient_user_id === holder.userId).map((m) => m.recipient)).toEqual([holder.email]);
    expect(told.find((m) => m.recipient_user_id === holder.userId)!.body).toContain('mencoba membuat akun DPMPTSP Kota Malang baru dengan NIK Anda');
    expect(told.filter((m) => m.recipient_user_id === unverified)).toEqual([]);
  });

  it('two registrations racing with one NIK both succeed; one holds it, the other claims it', async () => {
    const nik = uniqueNik();
    const results = await Promise.all([register(body(nik)), register(body(nik))]);
    expect(results.map((r) => r.statusCode)).toEqual([201, 201]);
    const rows = await Promise.all(results.map((r) => userRow(r.json<{ userId: string }>().userId)));
    expect(rows.filter((r) => r.nik_index === index(nik))).toHaveLength(1);
    expect(rows.filter((r) => r.nik_index === null)).toHaveLength(1);
  });

  describe('at the counter', () => {
    async function officer(role: Role) {
      const email = `${role}.${++n}@kantor.izol.test`;
      const password = `${role} kata sandi panjang`;
      const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role}`, email, password });
      const secret = await enrollSecondFactor(ctx, userId);
      const page = new PageClient(ctx);
      expect((await page.post('/akun/masuk', { login: email, password })).headers.location).toBe('/kantor/kode');
      expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
      return { page, userId };
    }

    it('moves a squatted NIK to the person whose KTP the officer checked, audited; the squatter keeps only a claim', async () => {
      const nik = uniqueNik();
      const squatter = (await register(body(nik))).json<{ userId: string }>().userId;
      const ownerBody = body(nik);
      const owner = (await register(ownerBody)).json<{ userId: string }>().userId;
      const desk = await officer('front_desk');
      expect((await desk.page.get('/kantor/nik')).statusCode).toBe(200);
      // Without the KTP check ticked: the error summary, nothing moves.
      const unchecked = await desk.page.post('/kantor/nik', { nik, login: ownerBody.email, reason: 'KTP asli diperiksa', ktpChecked: '' });
      expect(unchecked.statusCode).toBe(400);
      expect(unchecked.body).toContain('href="#f-ktpChecked"');
      expect((await userRow(squatter)).nik_index).toBe(index(nik));
      // An account that never registered this NIK cannot take it.
      const stranger = body(uniqueNik());
      await register(stranger);
      const wrong = await desk.page.post('/kantor/nik', { nik, login: stranger.email, reason: 'KTP asli diperiksa', ktpChecked: 'yes' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain('href="#f-login"');
      const done = await desk.page.post('/kantor/nik', { nik, login: ownerBody.email, reason: 'KTP asli diperiksa, foto cocok', ktpChecked: 'yes' });
      expect(done.statusCode).toBe(200);
      expect(done.body).toContain('NIK sudah dipindahkan');
      expect((await userRow(owner)).nik_index).toBe(index(nik));
      expect((await userRow(squatter)).nik_index).toBeNull();
      const audit = await ctx.db
        .selectFrom('audit_events')
        .select(['action', 'actor_id', 'subject_id', 'data'])
        .where('action', 'in', ['user.nik_released', 'user.nik_confirmed'])
        .execute();
      expect(audit.map((a) => [a.action, a.actor_id, a.subject_id])).toEqual(
        expect.arrayContaining([
          ['user.nik_released', desk.userId, squatter],
          ['user.nik_confirmed', desk.userId, owner],
        ]),
      );
      expect(JSON.parse(audit.find((a) => a.action === 'user.nik_confirmed')!.data)).toMatchObject({
        reason: 'KTP asli diperiksa, foto cocok',
        from: squatter,
      });
    });

    it('only the front desk and the admin may do it', async () => {
      const verifier = await officer('verifier');
      expect((await verifier.page.get('/kantor/nik')).statusCode).toBe(403);
      const nik = uniqueNik();
      await register(body(nik));
      const claimant = body(nik);
      await register(claimant);
      const res = await verifier.page.post('/kantor/nik', { nik, login: claimant.email, reason: 'x', ktpChecked: 'yes' });
      expect(res.statusCode).toBe(403);
      const page = new PageClient(ctx);
      const signedIn = await page.post('/akun/masuk', { login: claimant.email, password: PASSWORD }, { remoteAddress: '198.51.100.77' });
      expect(signedIn.statusCode).toBe(303);
      expect((await page.get('/kantor/nik')).statusCode).toBe(403);
    });
  });
});
