import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { SESSION_POLICY } from '../../src/auth/auth.service.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext } from '../helpers/context.js';

/**
 * Issue 15, item 8: sessions, cookie (pages) and bearer (API) alike, on the test clock: a sign-in
 * always issues a new token and ends the one presented with it (fixation), each kind ends after its
 * idle time and its absolute lifetime however busy, and signing out everywhere or disabling the
 * account ends every session of it at once. (auth.test.ts has the bearer token's entropy and rotation.)
 */
const COOKIE = '__Host-izol-session';
type Kind = 'cookie' | 'bearer';

describe.each(DIALECTS)('security: session rotation, timeouts and revocation (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: Actor;
  let ip = 0;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin Sesi',
      email: `admin.${Math.random().toString(36).slice(2, 8)}@kantor.test`,
      password: 'admin kantor malang 2026',
    });
    admin = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Sesi' };
  });
  afterAll(async () => ctx?.close());

  const citizen = async () => {
    const email = `warga.${Math.random().toString(36).slice(2, 10)}@sesi.izol.test`;
    const password = 'kopi tubruk pagi hari';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Siti Aminah', email, password });
    return { userId, email, password };
  };
  /** Signs in through the sign-in page, as a browser does (its CSRF cookie first), presenting `planted` if given. */
  const pageSignIn = async (who: { email: string; password: string }, planted?: string) => {
    const remoteAddress = `10.9.${Math.floor(++ip / 250)}.${ip % 250}`;
    const form = await ctx.app.inject({ url: '/akun/masuk', remoteAddress });
    const csrf = form.cookies.find((c) => c.name === '__Host-izol-csrf')!.value;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/akun/masuk',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `__Host-izol-csrf=${csrf}${planted ? `; ${COOKIE}=${planted}` : ''}` },
      payload: new URLSearchParams({ _csrf: csrf, login: who.email, password: who.password }).toString(),
    });
    expect(res.statusCode).toBe(303);
    return res.cookies.find((c) => c.name === COOKIE)!.value;
  };
  const apiSignIn = async (who: { email: string; password: string }, previous?: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: `10.8.0.${(++ip % 250) + 1}`,
      headers: previous ? auth(previous) : {},
      payload: { login: who.email, password: who.password },
    });
    expect(res.statusCode).toBe(200);
    return res.json<{ token: string }>().token;
  };
  const signIn = (kind: Kind, who: { email: string; password: string }) => (kind === 'cookie' ? pageSignIn(who) : apiSignIn(who));
  /** Whether the session still works: the profile page for a cookie, /api/v1/me for a bearer token. */
  const works = async (kind: Kind, token: string) => {
    const res =
      kind === 'cookie'
        ? await ctx.app.inject({ url: '/akun/profil', headers: { cookie: `${COOKIE}=${token}` } })
        : await ctx.app.inject({ url: '/api/v1/me', headers: auth(token) });
    return res.statusCode === 200;
  };

  it('v5.0.0-7.2.4 v5.0.0-7.2.3: a page sign-in issues a fresh 256-bit token and ends the one planted in the browser before it (session fixation)', async () => {
    const attacker = await citizen();
    const victim = await citizen();
    const planted = await pageSignIn(attacker);
    expect(await works('cookie', planted)).toBe(true);
    const fresh = await pageSignIn(victim, planted);
    expect(fresh).not.toBe(planted);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await works('cookie', fresh)).toBe(true);
    // The planted token neither became the victim's session nor stays the attacker's.
    expect(await works('cookie', planted)).toBe(false);
    const profile = await ctx.app.inject({ url: '/akun/profil', headers: { cookie: `${COOKIE}=${fresh}` } });
    expect(profile.body).toContain(victim.email);
  });

  it('v5.0.0-7.2.4: an API sign-in presenting an older bearer token ends it', async () => {
    const who = await citizen();
    const old = await apiSignIn(who);
    const fresh = await apiSignIn(who, old);
    expect(fresh).not.toBe(old);
    expect(await works('bearer', old)).toBe(false);
    expect(await works('bearer', fresh)).toBe(true);
  });

  it.each(['cookie', 'bearer'] as const)('v5.0.0-7.3.1: ends a %s session after its idle time, while activity keeps another alive', async (kind) => {
    const { idleMinutes } = SESSION_POLICY[kind];
    const who = await citizen();
    const idle = await signIn(kind, who);
    const busy = await signIn(kind, who);
    ctx.clock.advanceMinutes(idleMinutes - 10);
    expect(await works(kind, busy)).toBe(true);
    ctx.clock.advanceMinutes(11);
    expect(await works(kind, idle)).toBe(false);
    expect(await works(kind, busy)).toBe(true);
    ctx.clock.advanceMinutes(idleMinutes + 1);
    expect(await works(kind, busy)).toBe(false);
  });

  it.each(['cookie', 'bearer'] as const)('v5.0.0-7.3.2: ends a %s session at its absolute lifetime however active it is', async (kind) => {
    const { idleMinutes, absoluteMinutes } = SESSION_POLICY[kind];
    const who = await citizen();
    const token = await signIn(kind, who);
    const start = ctx.clock.now().getTime();
    const step = idleMinutes - 5;
    while (ctx.clock.now().getTime() + step * 60_000 < start + absoluteMinutes * 60_000) {
      ctx.clock.advanceMinutes(step);
      expect(await works(kind, token)).toBe(true);
    }
    ctx.clock.advanceMinutes(step);
    expect(await works(kind, token)).toBe(false);
  });

  it('v5.0.0-7.4.1: "sign out on every device" on the profile page ends the account’s cookie and bearer sessions at once; "sign out" ends only its own', async () => {
    const who = await citizen();
    const [pageA, pageB, api] = [await pageSignIn(who), await pageSignIn(who), await apiSignIn(who)];
    const form = await ctx.app.inject({ url: '/akun/profil', headers: { cookie: `${COOKIE}=${pageA}` } });
    const csrf = form.cookies.find((c) => c.name === '__Host-izol-csrf')!.value;
    const post = (url: string, token: string) =>
      ctx.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${COOKIE}=${token}; __Host-izol-csrf=${csrf}` },
        payload: `_csrf=${csrf}`,
      });
    expect((await post('/akun/keluar', pageB)).statusCode).toBe(200);
    expect([await works('cookie', pageA), await works('cookie', pageB), await works('bearer', api)]).toEqual([true, false, true]);
    expect((await post('/akun/keluar-semua', pageA)).statusCode).toBe(200);
    expect([await works('cookie', pageA), await works('bearer', api)]).toEqual([false, false]);
  });

  it('v5.0.0-7.4.1 v5.0.0-7.4.2: disabling an account ends its cookie and bearer sessions at once, and the API logout ends all of them', async () => {
    const who = await citizen();
    const [page, api] = [await pageSignIn(who), await apiSignIn(who)];
    await ctx.services.auth.disableUser({ actor: admin, userId: who.userId });
    expect([await works('cookie', page), await works('bearer', api)]).toEqual([false, false]);
    const other = await citizen();
    const [page2, api2] = [await pageSignIn(other), await apiSignIn(other)];
    const out = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth(api2) });
    expect(out.statusCode).toBeLessThan(300);
    expect([await works('cookie', page2), await works('bearer', api2)]).toEqual([false, false]);
  });
});
