import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Issue 15, item 8: the security headers on every response (ASVS v5.0.0-3.4.x), found by walking
 * every route the app registered (its route table, filled as each route was added), requested with
 * its own method and an empty body, anonymously and signed in, whatever the status; plus 404s and
 * errors. Personal data is never cacheable (v5.0.0-14.3.2): every answer to a signed-in request is
 * `no-store`, except the few public resources named below (assets and public keys, the same for all).
 */
type Problem = string;
const STREAM = '/antrian/layar/peristiwa';

/** Public, the same for every visitor (so cacheable): fingerprinted assets, public keys, the revocation list. */
/**
 * Public answers that are the same for everyone, signed in or not, kept with an ETag and revalidated
 * (`no-cache`): they carry no personal data, so a signed-in caller's copy needs no `no-store`.
 */
const PUBLIC_CACHEABLE = /^(\/verifikasi\/luring\/sw\.js$|\/\.well-known\/izol-|\/assets\/|\/api\/v1\/permit-types$|\/api\/v1\/registry\/export\.(json|csv)$)/;

function headerProblems(what: string, res: LightMyRequestResponse, signedIn: boolean): Problem[] {
  const h = res.headers;
  const out: Problem[] = [];
  const csp = String(h['content-security-policy'] ?? '');
  if (h['x-content-type-options'] !== 'nosniff') out.push(`${what}: no nosniff`);
  const hsts = /max-age=(\d+)/.exec(String(h['strict-transport-security'] ?? ''));
  if (!hsts || Number(hsts[1]) < 31536000 || !/includeSubDomains/.test(String(h['strict-transport-security'])))
    out.push(`${what}: HSTS ${String(h['strict-transport-security'])}`);
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"])
    if (!csp.includes(directive)) out.push(`${what}: CSP lacks ${directive}`);
  const cache = String(h['cache-control'] ?? '');
  if (signedIn && !cache.includes('no-store') && !(PUBLIC_CACHEABLE.test(what.split(' ')[1] ?? '') && /^(public|no-cache)/.test(cache)))
    out.push(`${what}: cache-control ${cache || '(none)'}`);
  return out;
}

describe.each(DIALECTS)('security headers on every response (%s)', (dialect) => {
  let ctx: TestContext;
  let bearer: string;
  let page: PageClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { BASE_URL: 'https://izol.test' });
    const applicant = await userWithToken(ctx, 'applicant');
    bearer = applicant.token;
    ids.id = await readyDraft(ctx, applicant.token);
    page = new PageClient(ctx);
    const email = `warga.${Math.random().toString(36).slice(2, 8)}@header.izol.test`;
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Siti', email, password: 'kopi tubruk pagi hari' });
    expect((await page.post('/akun/masuk', { login: email, password: 'kopi tubruk pagi hari' })).statusCode).toBe(303);
  });
  afterAll(async () => ctx?.close());

  const fill = (url: string) => url.replace(/\*$/, 'x').replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? '00000000-0000-4000-8000-000000000009');

  it('v5.0.0-3.4.1 v5.0.0-3.4.3 v5.0.0-3.4.4 v5.0.0-3.4.6 v5.0.0-14.3.2: sends HSTS, nosniff and a CSP with object-src, base-uri and frame-ancestors none on every route, anonymous and signed in, and no-store on every signed-in answer', async () => {
    // The lobby display's event stream never ends: it is checked over a real socket below. A GET's HEAD
    // route is the same handler (Fastify answers it from the GET): a few are requested in the next test.
    // Signing out goes last, so every other API route is requested with a live token.
    const routes = ctx.app.routeTable
      .filter((r) => r.method !== 'OPTIONS' && r.method !== 'HEAD' && r.url !== STREAM)
      .sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
    expect(routes.length).toBeGreaterThan(150);
    const problems: Problem[] = [];
    const statuses = new Map<number, number>();
    const check = async (route: (typeof routes)[number]) => {
      const url = fill(route.url);
      const method = route.method as 'GET';
      const inject = (headers: Record<string, string>) =>
        ctx.app.inject({ method, url, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { payload: '' }) });
      const anonymous = await inject({});
      problems.push(...headerProblems(`${method} ${url} (anonymous ${anonymous.statusCode})`, anonymous, false));
      const signed = url.startsWith('/api/') ? await inject(auth(bearer)) : await inject({ cookie: page.cookieHeader() });
      statuses.set(signed.statusCode, (statuses.get(signed.statusCode) ?? 0) + 1);
      problems.push(...headerProblems(`${method} ${url} (signed in ${signed.statusCode})`, signed, true));
    };
    // Eight at a time (each answer is checked alone; the routes are independent).
    for (let i = 0; i < routes.length; i += 8) await Promise.all(routes.slice(i, i + 8).map(check));
    // Every kind of answer was seen: pages, redirects, refusals, not-found and bad input.
    for (const status of [200, 303, 400, 401, 403, 404]) expect(statuses.get(status), `status ${status}`).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('v5.0.0-3.4.1 v5.0.0-3.4.3 v5.0.0-3.4.4 v5.0.0-3.4.6: sends them on 404s, refused methods and errors too (unknown page and API paths, malformed JSON, an unsupported body)', async () => {
    // A token of its own: the sweep above signed the first one out at its end (POST /api/v1/auth/logout).
    const fresh = (await userWithToken(ctx, 'applicant')).token;
    const answers = [
      await ctx.app.inject({ url: '/tidak-ada/sama-sekali' }),
      await ctx.app.inject({ url: '/api/v1/tidak-ada', headers: auth(bearer) }),
      await ctx.app.inject({ method: 'DELETE', url: '/akun/masuk' }),
      await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"login":' }),
      await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }),
      await ctx.app.inject({ url: '/akun/profil', headers: { cookie: page.cookieHeader() } }),
      await ctx.app.inject({ method: 'HEAD', url: '/akun/profil', headers: { cookie: page.cookieHeader() } }),
      await ctx.app.inject({ method: 'HEAD', url: '/' }),
      await ctx.app.inject({ method: 'HEAD', url: '/api/v1/me', headers: auth(fresh) }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([404, 404, 404, 400, 415, 200, 200, 200, 200]);
    const signedIn = [false, true, false, false, false, true, true, false, true];
    expect(answers.flatMap((a, i) => headerProblems(`answer ${i} ${a.statusCode}`, a, signedIn[i]!))).toEqual([]);
    // The profile page (name, email, phone) is never cached.
    expect(answers[5]!.headers['cache-control']).toContain('no-store');
  });

  it("v5.0.0-3.4.1 v5.0.0-3.4.4: sends them on the lobby display's event stream too, which the route writes itself", async () => {
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as AddressInfo;
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: STREAM }, (res) => {
        resolve(res.headers);
        req.destroy();
      });
      req.on('error', reject);
    });
    expect(headers['content-type']).toContain('text/event-stream');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
