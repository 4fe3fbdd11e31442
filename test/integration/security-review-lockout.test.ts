import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';

/**
 * Security review (issue 10, item 6): an attacker must not be able to lock an account out by sending
 * five wrong passwords every fifteen minutes (ASVS v5.0.0-6.3.1). Failures are throttled per account
 * and address; the account's own ceiling against distributed guessing spares the addresses it signed
 * in from before.
 */
describe.each(DIALECTS)('security review: no lock-out by an attacker (%s): v5.0.0-6.3.1, 6.1.1', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  async function person(role: 'applicant' | 'head') {
    const email = `${role}.${Math.random().toString(36).slice(2, 10)}@contoh.id`;
    const password = 'kopi tubruk pagi hari sekali';
    const { userId } =
      role === 'applicant'
        ? await ctx.services.auth.registerApplicant({ tenantId: ctx.tenant.id, name: 'Siti Aminah', nik: uniqueNik(), email, password, consent: true })
        : await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: 'Kepala Dinas', email, password });
    return { userId, email, password };
  }

  const signIn = (login: string, password: string, clientIp: string, kind: 'cookie' | 'bearer' = 'cookie') =>
    ctx.services.auth.login({ tenantId: ctx.tenant.id, login, password, clientIp, kind });

  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => 'signed_in',
      (err: unknown) => (err instanceof AppError ? err.code : 'thrown'),
    );

  it.each(['applicant', 'head'] as const)(
    "lets the %s's right password in from their own address while the attacker's address, after 5 wrong passwords, is throttled",
    async (role) => {
      const owner = await person(role);
      for (let i = 0; i < 5; i++) expect(await codeOf(signIn(owner.email, `tebakan ${i}`, '203.0.113.66'))).toBe('bad_credentials');
      // The attacker's address is throttled, even with the right password.
      expect(await codeOf(signIn(owner.email, owner.password, '203.0.113.66'))).toBe('too_many_attempts');
      // The owner, from their own address, signs in at once (a head of office goes on to the second factor).
      const mine = await signIn(owner.email, owner.password, '198.51.100.20');
      expect(mine.user.id).toBe(owner.userId);
      expect(mine.secondFactor).toBe(role === 'head' ? 'set_up' : 'not_needed');
      // And the attacker stays held at their address.
      expect(await codeOf(signIn(owner.email, 'tebakan 6', '203.0.113.66'))).toBe('too_many_attempts');
    },
  );

  it('the same through the API: the attacker gets 429, the owner 200', async () => {
    const owner = await person('applicant');
    const post = (password: string, remoteAddress: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { login: owner.email, password } });
    for (let i = 0; i < 5; i++) expect((await post(`tebakan ${i}`, '203.0.113.77')).statusCode).toBe(401);
    expect((await post(owner.password, '203.0.113.77')).statusCode).toBe(429);
    const res = await post(owner.password, '198.51.100.21');
    expect(res.statusCode).toBe(200);
    expect(res.json<{ token: string }>().token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('keeps the race-proof count: of 40 parallel wrong passwords from one address at most 5 reach the check', async () => {
    const owner = await person('applicant');
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => codeOf(signIn(owner.email, `tebakan ${i}`, '203.0.113.88', 'bearer'))));
    expect(codes.filter((c) => c === 'bad_credentials').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c !== 'bad_credentials' && c !== 'too_many_attempts')).toEqual([]);
    expect((await signIn(owner.email, owner.password, '198.51.100.22')).user.id).toBe(owner.userId);
  });

  it('a distributed guess stops at the per-account ceiling, yet the owner still gets in from an address they used before', async () => {
    const owner = await person('applicant');
    // The owner signed in from home last week.
    await signIn(owner.email, owner.password, '198.51.100.23');
    ctx.clock.advanceMinutes(7 * 24 * 60);
    // 40 addresses, one guess each, all at once: the account's ceiling (20 in 15 minutes) holds.
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => codeOf(signIn(owner.email, `tebakan ${i}`, `192.0.2.${i + 1}`, 'bearer'))));
    expect(codes.filter((c) => c === 'bad_credentials').length).toBeLessThanOrEqual(20);
    expect(codes.filter((c) => c === 'too_many_attempts').length).toBeGreaterThanOrEqual(20);
    // A new address is held by the ceiling even with the right password ...
    expect(await codeOf(signIn(owner.email, owner.password, '192.0.2.200'))).toBe('too_many_attempts');
    // ... but the owner's own address still works.
    expect((await signIn(owner.email, owner.password, '198.51.100.23')).user.id).toBe(owner.userId);
    // When the window has passed, any address may try again.
    ctx.clock.advanceMinutes(16);
    expect((await signIn(owner.email, owner.password, '192.0.2.200')).user.id).toBe(owner.userId);
  });
});
