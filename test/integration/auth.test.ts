import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, LOG_REDACT } from '../../src/app.js';
import type { Actor } from '../../src/access/actor.js';
import { createAuthService } from '../../src/auth/auth.service.js';
import { sha256Hex } from '../../src/shared/crypto.js';
import { AppError } from '../../src/shared/errors.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { hookedDatabase } from '../helpers/hooked-database.js';
import { PageClient } from '../helpers/pages.js';

type Problem = { type: string; title: string; status: number; detail: string; code: string; errors?: { field: string; code: string; message: string }[] };

const LOGIN = '/api/v1/auth/login';
const REGISTER = '/api/v1/auth/register';

async function counts(ctx: TestContext): Promise<{ users: number; audit: number; outbox: number }> {
  const n = async (table: 'users' | 'audit_events' | 'outbox') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { users: await n('users'), audit: await n('audit_events'), outbox: await n('outbox') };
}

async function me(ctx: TestContext, token: string): Promise<number> {
  return (await ctx.app.inject({ url: '/api/v1/me', headers: auth(token) })).statusCode;
}

/** An applicant account made through the service (no request counted against the route limits). */
async function applicant(ctx: TestContext, opts: { email?: string; phone?: string; password?: string } = {}) {
  const nik = uniqueNik();
  const email = opts.email ?? `warga.${Math.random().toString(36).slice(2, 10)}@contoh.id`;
  const password = opts.password ?? 'kopi tubruk pagi hari';
  const { userId } = await ctx.services.auth.registerApplicant({
    tenantId: ctx.tenant.id,
    name: 'Siti Aminah',
    nik,
    email,
    phone: opts.phone,
    password,
    consent: true,
  });
  return { userId, email, password, nik };
}

async function login(ctx: TestContext, loginName: string, password: string, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'POST', url: LOGIN, headers, payload: { login: loginName, password } });
}

async function auditCount(ctx: TestContext, action: string, actorId?: string): Promise<number> {
  let q = ctx.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', action)
    .where('tenant_id', '=', ctx.tenant.id);
  if (actorId) q = q.where('actor_id', '=', actorId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe.each(DIALECTS)('registration (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  const register = (payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: REGISTER, payload });
  const base = () => ({
    name: 'Wulan Sari',
    nik: uniqueNik(),
    email: `wulan.${Math.random().toString(36).slice(2, 8)}@contoh.id`,
    password: 'kopi tubruk pagi hari',
    consent: true,
  });

  it('refuses a bad NIK with a 400 naming the nik field, and writes nothing', async () => {
    const before = await counts(ctx);
    const res = await register({ ...base(), nik: '3573013102900002' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = json<Problem>(res);
    expect(body.code).toBe('invalid_input');
    expect(body.errors?.map((e) => e.field)).toContain('nik');
    expect(res.body).not.toContain('3573013102900002');
    expect(await counts(ctx)).toEqual(before);
  });

  it('refuses a registration with neither email nor WhatsApp number', async () => {
    const before = await counts(ctx);
    const { email: _unused, ...noEmail } = base();
    const res = await register(noEmail);
    expect(res.statusCode).toBe(400);
    expect(json<Problem>(res).errors?.length).toBeGreaterThan(0);
    expect(
      json<Problem>(res)
        .errors?.map((e) => e.field)
        .some((f) => f === 'email' || f === 'phone'),
    ).toBe(true);
    expect(await counts(ctx)).toEqual(before);
  });

  it('refuses a registration without consent to the personal-data notice', async () => {
    const before = await counts(ctx);
    const res = await register({ ...base(), consent: false });
    expect(res.statusCode).toBe(400);
    expect(json<Problem>(res).errors?.map((e) => e.field)).toContain('consent');
    expect(await counts(ctx)).toEqual(before);
  });

  it('registers once, then answers 409 already_registered for the same email or number, writing nothing', async () => {
    const first = { ...base(), phone: '0812-3456-7001' };
    const ok = await register(first);
    expect(ok.statusCode).toBe(201);
    expect(ok.body).not.toContain(first.nik);
    const stored = await ctx.db.selectFrom('users').selectAll().where('id', '=', json<{ userId: string }>(ok).userId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ role: 'applicant', email: first.email, phone: '+6281234567001' });
    expect(JSON.stringify(stored)).not.toContain(first.nik);
    expect(stored.password_hash.startsWith('$argon2id$')).toBe(true);

    const before = await counts(ctx);
    const sameEmail = await register({ ...base(), email: first.email.toUpperCase() });
    // A taken NIK is not said (test/integration/security-review-registration.test.ts).
    const samePhone = await register({ ...base(), phone: '+62 812 3456 7001' });
    for (const res of [sameEmail, samePhone]) {
      expect(res.statusCode).toBe(409);
      expect(json<Problem>(res).code).toBe('already_registered');
    }
    expect(await counts(ctx)).toEqual(before);
  });

  it('puts an already registered number or email on its own field of the registration page', async () => {
    const first = { ...base(), phone: '0812-3456-7002' };
    expect((await register(first)).statusCode).toBe(201);
    const before = await counts(ctx);
    const takenFields: [Record<string, string>, string][] = [
      [{ phone: '+62 812 3456 7002' }, 'phone'],
      [{ email: first.email }, 'email'],
    ];
    for (const [taken, field] of takenFields) {
      const form = { ...base(), phone: '', consent: 'yes', ...taken };
      const res = await new PageClient(ctx).post('/akun/daftar', form);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`href="#f-${field}"`);
    }
    expect(await counts(ctx)).toEqual(before);
  });

  it.each([
    ['email', 'Email'],
    ['phone', 'WhatsApp'],
  ] as const)('names the %s when two registrations race for it and the unique constraint decides, writing nothing for the loser', async (raced, label) => {
    const phone = () => `0812${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const one = { ...base(), phone: phone() };
    const other = { ...base(), phone: phone(), [raced]: one[raced] };
    const before = await counts(ctx);
    // Both must pass the look-up for an existing account before either writes, so that the database's
    // constraint decides who loses. On SQLite the one connection runs them in that order anyway; on
    // PostgreSQL a busy machine could let one registration write before the other looked, so there
    // no registration writes until both have looked (the database and the code stay real).
    let lookups = 0;
    let bothLooked!: () => void;
    const looked = new Promise<void>((resolve) => (bothLooked = resolve));
    const hooked =
      dialect === 'postgres'
        ? hookedDatabase(ctx, async (statement) => {
            if (/^select "email", "phone", "nik_index" from "users"/i.test(statement) && ++lookups === 2) bothLooked();
            if (/^insert into "users"/i.test(statement)) await looked;
          })
        : null;
    const service = hooked ? createAuthService({ db: hooked, clock: ctx.clock, dataKey: ctx.services.config.dataEncryptionKey }) : ctx.services.auth;
    const results = await Promise.allSettled([one, other].map((r) => service.registerApplicant({ tenantId: ctx.tenant.id, ...r, consent: true })));
    await hooked?.destroy();
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(AppError);
    expect(lost?.reason).toMatchObject({ code: 'already_registered', message: 'lost a registration race', details: { params: { field: label } } });
    // One account, with its audit row and two messages; nothing of the loser's.
    expect(await counts(ctx)).toEqual({ users: before.users + 1, audit: before.audit + 1, outbox: before.outbox + 2 });
  });
});

describe.each(DIALECTS)('signing in (%s)', (dialect) => {
  let ctx: TestContext;
  let account: { userId: string; email: string; password: string };
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    account = await applicant(ctx, { phone: '081234567801' });
  });
  afterAll(async () => ctx?.close());

  it('accepts the email in any case and the WhatsApp number in any format', async () => {
    for (const name of [account.email.toUpperCase(), ` ${account.email} `, '0812 3456 7801', '+62 812-3456-7801', '6281234567801']) {
      const res = await login(ctx, name, account.password);
      expect(res.statusCode, name).toBe(200);
      const body = json<{ token: string; tokenType: string; expiresAt: string }>(res);
      expect(body.tokenType).toBe('Bearer');
      expect(await me(ctx, body.token)).toBe(200);
    }
    expect(await auditCount(ctx, 'auth.login', account.userId)).toBe(5);
  });

  it('answers a wrong password and an unknown account with the same 401 bad_credentials', async () => {
    const wrong = await login(ctx, account.email, 'bukan kata sandinya');
    const unknown = await login(ctx, 'tidak.ada@contoh.id', 'bukan kata sandinya');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(json<Problem>(res).code).toBe('bad_credentials');
    }
    const { title, detail, type } = json<Problem>(wrong);
    expect(json<Problem>(unknown)).toMatchObject({ title, detail, type });
    expect(wrong.body).not.toContain('bukan kata sandinya');
    expect(await auditCount(ctx, 'auth.login_failed')).toBeGreaterThanOrEqual(2);
  });

  it('issues 256-bit base64url tokens and stores only their SHA-256 (v5.0.0-7.2.3)', async () => {
    const { token } = await ctx.services.auth.login({
      tenantId: ctx.tenant.id,
      login: account.email,
      password: account.password,
      clientIp: '198.51.100.1',
      kind: 'bearer',
    });
    const other = await ctx.services.auth.login({
      tenantId: ctx.tenant.id,
      login: account.email,
      password: account.password,
      clientIp: '198.51.100.1',
      kind: 'bearer',
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(other.token).not.toBe(token);
    const rows = await ctx.db.selectFrom('sessions').selectAll().where('user_id', '=', account.userId).execute();
    expect(rows.map((r) => r.id)).toContain(sha256Hex(token));
    for (const r of rows) expect(r.id).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(await ctx.db.selectFrom('sessions').selectAll().execute());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(other.token);
  });

  it('rotates: signing in while presenting an old token revokes that token (v5.0.0-7.2.4)', async () => {
    const first = json<{ token: string }>(await login(ctx, account.email, account.password)).token;
    const second = await login(ctx, account.email, account.password, auth(first));
    expect(second.statusCode).toBe(200);
    const next = json<{ token: string }>(second).token;
    expect(next).not.toBe(first);
    expect(await me(ctx, first)).toBe(401);
    expect(await me(ctx, next)).toBe(200);
    const old = await ctx.db.selectFrom('sessions').select('revoked_at').where('id', '=', sha256Hex(first)).executeTakeFirstOrThrow();
    expect(old.revoked_at).not.toBeNull();
  });

  it('sends one reset code a minute per account, however many addresses ask', async () => {
    const acct = await applicant(ctx);
    const resetMessages = async () => {
      const rows = await ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'notify.one_time_code').execute();
      return rows.filter((r) => r.payload.includes(acct.userId) && r.payload.includes('reset_password')).length;
    };
    await Promise.all([1, 2, 3, 4, 5].map(() => ctx.services.auth.requestPasswordReset({ tenantId: ctx.tenant.id, login: acct.email })));
    expect(await resetMessages()).toBe(1);
    ctx.clock.advanceMinutes(2);
    await ctx.services.auth.requestPasswordReset({ tenantId: ctx.tenant.id, login: acct.email });
    expect(await resetMessages()).toBe(2);
  });

  it('logout ends every session of the account (v5.0.0-7.4.1)', async () => {
    const a = (
      await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: account.email, password: account.password, clientIp: '198.51.100.2', kind: 'bearer' })
    ).token;
    const b = (
      await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: account.email, password: account.password, clientIp: '198.51.100.3', kind: 'bearer' })
    ).token;
    expect(await me(ctx, a)).toBe(200);
    expect(await me(ctx, b)).toBe(200);
    const out = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth(a) });
    expect(out.statusCode).toBe(204);
    expect(await me(ctx, a)).toBe(401);
    expect(await me(ctx, b)).toBe(401);
    const live = await ctx.db.selectFrom('sessions').select('id').where('user_id', '=', account.userId).where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);
    expect(await auditCount(ctx, 'auth.logout', account.userId)).toBe(1);
    // Logging out again without a session is simply 401.
    expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth(a) })).statusCode).toBe(401);
  });
});

describe.each(DIALECTS)('sign-in throttling (%s): v5.0.0-2.4.1, 6.3.1', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('after 5 failures for one account answers 429 with Retry-After, even to the right password, until the window passes', async () => {
    const acct = await applicant(ctx);
    for (let i = 0; i < 5; i++) {
      const res = await login(ctx, acct.email, `salah sandi ${i}`);
      expect(res.statusCode).toBe(401);
      ctx.clock.advanceMinutes(1);
    }
    const blocked = await login(ctx, acct.email, acct.password);
    expect(blocked.statusCode).toBe(429);
    expect(json<Problem>(blocked).code).toBe('too_many_attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body).not.toContain('token');

    expect(await auditCount(ctx, 'auth.login_failed', acct.userId)).toBe(5);
    expect(await auditCount(ctx, 'auth.login_throttled')).toBeGreaterThanOrEqual(1);
    const sessions = await ctx.db.selectFrom('sessions').select('id').where('user_id', '=', acct.userId).execute();
    expect(sessions).toEqual([]);

    ctx.clock.advanceMinutes(16);
    const again = await login(ctx, acct.email, acct.password);
    expect(again.statusCode).toBe(200);
    expect(await me(ctx, json<{ token: string }>(again).token)).toBe(200);
  });

  it('lets at most 5 of 40 parallel wrong passwords for one account from one address reach the password check', async () => {
    const acct = await applicant(ctx);
    const tries = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        ctx.services.auth.login({ tenantId: ctx.tenant.id, login: acct.email, password: `tebakan ${i}`, clientIp: '198.51.100.1', kind: 'bearer' }),
      ),
    );
    const codes = tries.map((t) => (t.status === 'rejected' ? (t.reason as AppError).code : 'signed_in'));
    expect(codes.filter((c) => c === 'bad_credentials').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c !== 'bad_credentials' && c !== 'too_many_attempts')).toEqual([]);
    expect(await auditCount(ctx, 'auth.login_failed', acct.userId)).toBeLessThanOrEqual(5);
  });

  it('counts failures per account (from one address) whatever format the WhatsApp number is typed in', async () => {
    const acct = await applicant(ctx, { phone: '081234567802' });
    const formats = ['081234567802', '+6281234567802', '6281234567802', '0812 3456 7802', '0812-3456-7802'];
    for (const [i, name] of formats.entries()) {
      await expect(
        ctx.services.auth.login({ tenantId: ctx.tenant.id, login: name, password: `salah ${i}`, clientIp: '203.0.113.1', kind: 'bearer' }),
      ).rejects.toMatchObject({ code: 'bad_credentials' });
    }
    expect(await auditCount(ctx, 'auth.login_failed', acct.userId)).toBe(5);
    const sixth = ctx.services.auth.login({
      tenantId: ctx.tenant.id,
      login: '+62 812 3456 7802',
      password: acct.password,
      clientIp: '203.0.113.1',
      kind: 'bearer',
    });
    await expect(sixth).rejects.toBeInstanceOf(AppError);
    await expect(sixth).rejects.toMatchObject({ code: 'too_many_attempts' });
  });
});

describe.each(DIALECTS)('session lifetime (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: Actor;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin Kantor',
      email: 'admin@kantor.test',
      password: 'admin kantor malang 2026',
    });
    admin = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Kantor' };
  });
  afterAll(async () => ctx?.close());

  const signIn = async (email: string, password: string) => json<{ token: string; expiresAt: string }>(await login(ctx, email, password));

  it('an officer an admin disables loses their session at once (v5.0.0-7.4.2)', async () => {
    const officer = await userWithToken(ctx, 'verifier');
    expect(await me(ctx, officer.token)).toBe(200);
    await ctx.services.auth.disableUser({ actor: admin, userId: officer.userId });
    expect(await me(ctx, officer.token)).toBe(401);
    expect((await ctx.app.inject({ url: '/api/v1/applications', headers: auth(officer.token) })).statusCode).toBe(401);
    expect(await auditCount(ctx, 'user.disabled')).toBe(1);
  });

  it('a disabled account cannot sign in again, and is told nothing more than bad_credentials', async () => {
    const acct = await applicant(ctx);
    const { token } = await signIn(acct.email, acct.password);
    await ctx.services.auth.disableUser({ actor: admin, userId: acct.userId });
    expect(await me(ctx, token)).toBe(401);
    const again = await login(ctx, acct.email, acct.password);
    expect(again.statusCode).toBe(401);
    expect(json<Problem>(again).code).toBe('bad_credentials');
  });

  it('only an admin may disable an account', async () => {
    const acct = await applicant(ctx);
    const notAdmin: Actor = { ...admin, role: 'head' };
    await expect(ctx.services.auth.disableUser({ actor: notAdmin, userId: acct.userId })).rejects.toMatchObject({ code: 'forbidden' });
    const row = await ctx.db.selectFrom('users').select('disabled_at').where('id', '=', acct.userId).executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
  });

  it('only an admin of the same office may disable an account or reset a second factor', async () => {
    const officer = await userWithToken(ctx, 'verifier');
    const before = await ctx.db.selectFrom('users').select(['disabled_at', 'totp_enabled_at']).where('id', '=', officer.userId).executeTakeFirstOrThrow();
    for (const role of ['head', 'verifier', 'front_desk', 'applicant'] as const) {
      const notAdmin: Actor = { ...admin, role };
      await expect(ctx.services.auth.resetSecondFactor({ actor: notAdmin, userId: officer.userId })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(ctx.services.auth.disableUser({ actor: notAdmin, userId: officer.userId })).rejects.toMatchObject({ code: 'forbidden' });
    }
    const elsewhere: Actor = { ...admin, tenantId: '00000000-0000-4000-8000-000000000000' };
    // Another office's admin does not even find the account.
    await expect(ctx.services.auth.resetSecondFactor({ actor: elsewhere, userId: officer.userId })).rejects.toMatchObject({ code: 'not_found' });
    await expect(ctx.services.auth.disableUser({ actor: elsewhere, userId: officer.userId })).rejects.toMatchObject({ code: 'not_found' });
    expect(await ctx.db.selectFrom('users').select(['disabled_at', 'totp_enabled_at']).where('id', '=', officer.userId).executeTakeFirstOrThrow()).toEqual(
      before,
    );
    expect(await me(ctx, officer.token)).toBe(200);
  });

  it('ends a bearer session after 120 idle minutes, and activity keeps it alive (v5.0.0-7.3.1)', async () => {
    const acct = await applicant(ctx);
    const idle = (await signIn(acct.email, acct.password)).token;
    const busy = (await signIn(acct.email, acct.password)).token;
    ctx.clock.advanceMinutes(100);
    expect(await me(ctx, busy)).toBe(200);
    ctx.clock.advanceMinutes(21);
    expect(await me(ctx, idle)).toBe(401);
    expect(await me(ctx, busy)).toBe(200);
    ctx.clock.advanceMinutes(121);
    expect(await me(ctx, busy)).toBe(401);
  });

  it('ends a bearer session 24 hours after sign-in however active it is (v5.0.0-7.3.2)', async () => {
    const acct = await applicant(ctx);
    const { token, expiresAt } = await signIn(acct.email, acct.password);
    const start = ctx.clock.now().getTime();
    expect(Date.parse(expiresAt) - start).toBe(24 * 60 * 60_000);
    // Active every 100 minutes: never idle, so only the absolute lifetime can end it.
    while (ctx.clock.now().getTime() + 100 * 60_000 < start + 24 * 60 * 60_000) {
      ctx.clock.advanceMinutes(100);
      expect(await me(ctx, token)).toBe(200);
    }
    ctx.clock.advanceMinutes(100);
    expect(await me(ctx, token)).toBe(401);
  });
});

describe.each(DIALECTS)('log redaction (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('keeps NIK, password and token out of the logs of a register, sign-in and application (v5.0.0-16.2.5, LAW-3)', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: LOG_REDACT } }, sink);
    const app = await createApp(ctx.services, { logger });
    await app.ready();
    try {
      const nik = uniqueNik();
      const answerNik = '3573014506900002';
      const password = 'rahasia-sekali-12345';
      const email = 'log.test@contoh.id';
      expect(
        (await app.inject({ method: 'POST', url: REGISTER, payload: { name: 'Dewi Lestari', nik, email, phone: '081299990001', password, consent: true } }))
          .statusCode,
      ).toBe(201);
      const failed = await app.inject({ method: 'POST', url: LOGIN, payload: { login: email, password: `${password}-salah` } });
      expect(failed.statusCode).toBe(401);
      const signedIn = await app.inject({ method: 'POST', url: LOGIN, payload: { login: email, password } });
      expect(signedIn.statusCode).toBe(200);
      const token = json<{ token: string }>(signedIn).token;
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(token),
        payload: { permitTypeCode: 'AK1', answers: { nik: answerNik } },
      });
      expect(created.statusCode).toBe(201);
      const id = json<{ id: string }>(created).id;
      const bad = await app.inject({
        method: 'PATCH',
        url: `/api/v1/applications/${id}`,
        headers: auth(token),
        payload: { answers: { nik: `${answerNik.slice(0, 15)}X` } },
      });
      expect(bad.statusCode).toBeGreaterThanOrEqual(400);
      expect((await app.inject({ url: '/api/v1/me', headers: auth(token) })).statusCode).toBe(200);
      expect((await app.inject({ url: `/api/v1/applications/${id}`, headers: auth(token) })).statusCode).toBe(200);
      // A refused request logs too ("access refused").
      expect((await app.inject({ url: '/api/v1/me', headers: auth(`${token.slice(0, -2)}zz`) })).statusCode).toBe(401);

      // A handler that logs a body or a user object is redacted by the same settings.
      logger.info(
        { body: { nik, password, token, trackingCode: 'ABCD2345', passportNumber: 'NX4471029', stayPermitNumber: '2C21JE0123456' }, user: { nik } },
        'handler log',
      );

      const text = chunks.join('');
      expect(text).toContain('/api/v1/auth/login');
      expect(text).toContain('handler log');
      for (const secret of [nik, answerNik, password, token, 'ABCD2345', 'NX4471029', '2C21JE0123456']) expect(text).not.toContain(secret);
      expect(text).not.toContain(token.slice(0, 20));
      expect(text).not.toContain(nik.slice(4, 14));
    } finally {
      await app.close();
    }
  });
});
