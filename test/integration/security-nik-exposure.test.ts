import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger } from '../../src/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';
import { PageClient, signedInOfficer } from '../helpers/pages.js';

/**
 * Issue 15, item 8 (ASVS v5.0.0-14.2.1, 16.2.5; UU PDP 27/2022): a NIK is never in a URL nor in a log
 * line. The journeys that take a NIK (registering on the page and through the API, a NIK already
 * registered, a NIK that is no NIK, a form answer on the question page and in the API) run through an
 * app with the server's real logger (createLogger, at debug) writing to lines the test reads; every
 * Location header and every href, action and src in the pages they answer is searched for the NIK.
 */
/** Sixteen digits on their own (not the fraction of a response time). */
const SIXTEEN_DIGITS = /(?<![\d.])\d{16}(?![\d.])/g;

describe.each(DIALECTS)('security: the NIK in no URL and no log line (%s)', (dialect) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let browser: PageClient;
  const lines: string[] = [];
  const answers: { what: string; res: LightMyRequestResponse }[] = [];
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    app = await createApp(ctx.services, { logger: createLogger('debug', { write: (line: string) => void lines.push(line) }) });
    await app.ready();
    browser = new PageClient({ ...ctx, app });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const keep = (what: string, res: LightMyRequestResponse) => {
    answers.push({ what, res });
    return res;
  };
  /** Every URL the answer sends the browser to or links to. */
  const urlsOf = (res: LightMyRequestResponse) => [
    String(res.headers.location ?? ''),
    ...[...res.body.matchAll(/\b(?:href|action|src|formaction)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!),
  ];

  it('v5.0.0-14.2.1 v5.0.0-16.2.5: registering with a NIK on the page and through the API, twice, and with a wrong one, puts it in no URL and no log line', async () => {
    const [pageNik, apiNik] = [uniqueNik(), uniqueNik()];
    const form = (nik: string, email: string) => ({
      name: 'Siti Aminah',
      identityKind: 'nik',
      nik,
      email,
      phone: '',
      consent: 'yes',
      password: 'kopi tubruk pagi hari',
    });
    await browser.get('/akun/daftar');
    const first = keep(
      'page register',
      await browser.post('/akun/daftar', form(pageNik, `siti.${Math.random()}@nik.izol.test`), { remoteAddress: '10.7.0.1' }),
    );
    expect(first.statusCode, first.body.slice(0, 300)).toBe(303);
    const page2 = new PageClient({ ...ctx, app });
    await page2.get('/akun/daftar');
    const again = keep(
      'page register again',
      await page2.post('/akun/daftar', form(pageNik, `siti.${Math.random()}@nik.izol.test`), { remoteAddress: '10.7.0.2' }),
    );
    // The page does not tell a stranger the NIK is registered (its holder hears of it): any answer but an error.
    expect(again.statusCode).toBeLessThan(500);
    const wrong = keep(
      'page register wrong NIK',
      await page2.post('/akun/daftar', form('9999991234567890', `siti.${Math.random()}@nik.izol.test`), { remoteAddress: '10.7.0.3' }),
    );
    expect(wrong.statusCode).toBe(400);
    const register = (nik: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        remoteAddress: '10.7.0.4',
        payload: { name: 'Budi Santoso', nik, email: `budi.${Math.random()}@nik.izol.test`, password: 'kopi tubruk pagi hari', consent: true },
      });
    const api = keep('api register', await register(apiNik));
    expect(api.statusCode, api.body).toBe(201);
    const apiAgain = keep('api register again', await register(apiNik));
    expect(apiAgain.statusCode).toBeLessThan(500);
    for (const { what, res } of answers)
      for (const url of urlsOf(res)) for (const nik of [pageNik, apiNik, '9999991234567890']) expect(url, what).not.toContain(nik);
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const nik of [pageNik, apiNik, '9999991234567890']) expect(log).not.toContain(nik);
    expect(log.match(SIXTEEN_DIGITS) ?? []).toEqual([]);
  });

  it('v5.0.0-14.2.1 v5.0.0-16.2.5: a NIK answered on the question page and in the API (AK1) is in no URL and no log line', async () => {
    const [apiNik, pageNik] = [uniqueNik(), uniqueNik()];
    const email = `wati.${Math.random()}@nik.izol.test`;
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Wati', email, password: 'kopi tubruk pagi hari' });
    const token = (
      await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.7.1.1', payload: { login: email, password: 'kopi tubruk pagi hari' } })
    ).json<{
      token: string;
    }>().token;
    const created = keep(
      'api answers',
      await app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(token),
        payload: { permitTypeCode: 'AK1', answers: { ...(await validAnswers(ctx, 'AK1')), nik: apiNik } },
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const page = new PageClient({ ...ctx, app });
    expect((await page.post('/akun/masuk', { login: email, password: 'kopi tubruk pagi hari' }, { remoteAddress: '10.7.1.2' })).statusCode).toBe(303);
    keep('question page', await page.get(`/permohonan/${id}/isian/nik`));
    const answered = keep('page answer', await page.post(`/permohonan/${id}/isian/nik`, { nik: pageNik }));
    expect(answered.statusCode, answered.body.slice(0, 300)).toBe(303);
    const wrong = keep('page wrong answer', await page.post(`/permohonan/${id}/isian/nik`, { nik: '9999991234567891' }));
    expect(wrong.statusCode).toBe(400);
    keep('check answers', await page.get(`/permohonan/${id}/periksa`));
    keep('api view', await app.inject({ url: `/api/v1/applications/${id}`, headers: auth(token) }));
    for (const { what, res } of answers)
      for (const url of urlsOf(res)) for (const nik of [apiNik, pageNik, '9999991234567891']) expect(url, what).not.toContain(nik);
    const log = lines.join('\n');
    for (const nik of [apiNik, pageNik, '9999991234567891']) expect(log).not.toContain(nik);
    expect(log.match(SIXTEEN_DIGITS) ?? []).toEqual([]);
  });

  it('v5.0.0-14.2.1 v5.0.0-16.2.5: a NIK the front desk types from a paper form (walk-in intake, AK1) is in no URL and no log line', async () => {
    const nik = uniqueNik();
    const desk = await signedInOfficer({ ...ctx, app }, 'front_desk');
    const actor = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'front_desk',
      name: 'Loket',
      email: `loket.${Math.random()}@nik.izol.test`,
      password: 'loket kantor malang 2026',
    });
    const file = await ctx.services.intake.startIntake({
      actor: { userId: actor.userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Loket' },
      permitTypeCode: 'AK1',
      channel: 'walk_in',
      applicantName: 'Warga Loket',
    });
    const typed = Object.fromEntries(Object.entries(await validAnswers(ctx, 'AK1')).map(([k, v]) => [k, String(v)]));
    const saved = keep('intake answers', await desk.post(`/kantor/loket/${file.id}/isian`, { ...typed, nik }));
    expect(saved.statusCode, saved.body.slice(0, 300)).toBe(200);
    expect(saved.body).not.toContain('class="error-summary"');
    const wrong = keep('intake wrong NIK', await desk.post(`/kantor/loket/${file.id}/isian`, { ...typed, nik: '9999991234567892' }));
    expect(wrong.statusCode).toBeLessThan(500);
    keep('intake page', await desk.get(`/kantor/loket/${file.id}`));
    for (const { what, res } of answers) for (const url of urlsOf(res)) for (const n of [nik, '9999991234567892']) expect(url, what).not.toContain(n);
    const log = lines.join('\n');
    for (const n of [nik, '9999991234567892']) expect(log).not.toContain(n);
    expect(log.match(SIXTEEN_DIGITS) ?? []).toEqual([]);
  });
});
