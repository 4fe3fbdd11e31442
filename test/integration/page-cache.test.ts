/**
 * The anonymous page cache (issue 15; web/page-cache.ts), on SQLite and PostgreSQL: the public
 * catalogue pages are kept per office, language and address, compressed once with an ETag, for
 * visitors who are not signed in. A kept page is byte for byte what a fresh render gives; it follows
 * the language switch (a GET form without a token); a catalogue change is seen at once by the instance
 * that made it and by another instance on the same database after its generations poll; someone signed
 * in never gets a kept page, and her page is never kept.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadRetributionTable } from '../../src/fees/retribution.loader.js';
import { createServices, type Services } from '../../src/services.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

const decoded = (res: LightMyRequestResponse): string =>
  res.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(res.rawPayload).toString('utf8')
    : res.headers['content-encoding'] === 'gzip'
      ? gunzipSync(res.rawPayload).toString('utf8')
      : res.body;

describe.each(DIALECTS)('anonymous page cache (%s)', (dialect) => {
  let ctx: TestContext;
  let other: Services;
  let otherApp: FastifyInstance;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // A second instance on the same database: its own services, caches and generations.
    other = createServices({ config: ctx.services.config, db: ctx.db, clock: ctx.clock });
    otherApp = await createApp(other);
    await otherApp.ready();
    await other.cacheGenerations.poll();
  });
  afterAll(async () => {
    await otherApp?.close();
    await ctx?.close();
  });

  it('serves a kept catalogue page as the same bytes a fresh render gives, compressed as asked, and 304 on If-None-Match', async () => {
    const first = await ctx.app.inject({ url: '/izin/NIB', headers: { 'accept-encoding': 'br, gzip' } });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(String(first.headers.vary)).toMatch(/accept-encoding/i);
    expect(String(first.headers.vary)).toMatch(/cookie/i);
    // Security headers on a kept page as on any other.
    expect(first.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    const again = await ctx.app.inject({ url: '/izin/NIB', headers: { 'accept-encoding': 'br, gzip' } });
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-security-policy']).toBe(first.headers['content-security-policy']);

    // The other instance has kept nothing yet: its page is rendered now, and is the same page.
    const fresh = await otherApp.inject({ url: '/izin/NIB' });
    expect(fresh.headers['content-encoding']).toBeUndefined();
    expect(fresh.body).toContain('<h1>');
    expect(decoded(again)).toBe(fresh.body);
    const gz = await ctx.app.inject({ url: '/izin/NIB', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz)).toBe(fresh.body);
    expect(gz.headers.etag).not.toBe(first.headers.etag);

    const notModified = await ctx.app.inject({ url: '/izin/NIB', headers: { 'accept-encoding': 'br, gzip', 'if-none-match': first.headers.etag as string } });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // Another encoding's ETag is another representation: the whole page.
    expect((await ctx.app.inject({ url: '/izin/NIB', headers: { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag as string } })).statusCode).toBe(
      200,
    );
  });

  it('renders an address with a query string per request and keeps none of them, so made-up queries cannot churn the cache', async () => {
    await ctx.app.inject({ url: '/izin' });
    const kept = ctx.app.pageCache.size();
    for (let i = 0; i < 20; i++) {
      const res = await ctx.app.inject({ url: `/izin?x=${i}`, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBeUndefined();
    }
    expect(ctx.app.pageCache.size()).toBe(kept);
    // The plain address is still kept.
    expect((await ctx.app.inject({ url: '/izin' })).headers.etag).toBeDefined();
  });

  it('switches language with a GET form that needs no token and no JavaScript, and keeps each language apart', async () => {
    const visitor = new PageClient(ctx);
    const page = await visitor.get('/izin');
    expect(page.headers['set-cookie']).toBeUndefined();
    // The header's switch: a GET form with the language and the way back, and no anti-forgery field.
    const form = /<form method="get" action="\/bahasa" class="header__lang">([\s\S]*?)<\/form>/.exec(page.body)?.[1] ?? '';
    expect(form).toContain('name="lang" value="en"');
    expect(form).toContain('name="kembali" value="/izin"');
    expect(page.body).not.toContain('name="_csrf"');
    const indonesian = page.body;
    expect(indonesian).toContain('<html lang="id">');

    const switched = await visitor.get('/bahasa?kembali=%2Fizin&lang=en');
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/izin');
    expect(switched.headers['cache-control']).toBe('no-store');
    const english = await visitor.get('/izin');
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('name="lang" value="id"');
    // Kept per language: the Indonesian visitor still gets the Indonesian page.
    expect((await ctx.app.inject({ url: '/izin' })).body).toBe(indonesian);
    expect((await visitor.get('/izin')).body).toBe(english.body);
    // Back again, and a way back off this site is refused.
    await visitor.get('/bahasa?lang=id&kembali=%2Fizin');
    expect((await visitor.get('/izin')).body).toBe(indonesian);
    expect((await visitor.get('/bahasa?lang=en&kembali=https%3A%2F%2Fevil.example%2F')).headers.location).toBe('/');
  });

  it('shows a catalogue change at once on the instance that made it, and on another instance after its next poll', async () => {
    await other.cacheGenerations.poll();
    const listed = (body: string) => body.includes('href="/izin/NIB"');
    expect(listed((await ctx.app.inject({ url: '/izin' })).body)).toBe(true);
    expect(listed((await otherApp.inject({ url: '/izin' })).body)).toBe(true);
    const keptEtag = (await otherApp.inject({ url: '/izin' })).headers.etag as string;
    expect((await otherApp.inject({ url: '/api/v1/permit-types' })).body).toContain('"code":"NIB"');

    await ctx.services.catalogue.setEnabled({ tenantId: ctx.tenant.id, code: 'NIB', enabled: false, actorId: null });
    try {
      expect(listed((await ctx.app.inject({ url: '/izin' })).body)).toBe(false);
      // The other instance keeps its page (and list) until it sees the new generation…
      expect(listed((await otherApp.inject({ url: '/izin' })).body)).toBe(true);
      expect((await otherApp.inject({ url: '/api/v1/permit-types' })).body).toContain('"code":"NIB"');
      await other.cacheGenerations.poll();
      // …then renders again: a new page, a new ETag, so a browser holding the old one gets the new one.
      const after = await otherApp.inject({ url: '/izin', headers: { 'if-none-match': keptEtag } });
      expect(after.statusCode).toBe(200);
      expect(after.headers.etag).not.toBe(keptEtag);
      expect(listed(after.body)).toBe(false);
      // The permit-type list API is kept the same way.
      const codes = (res: LightMyRequestResponse) => (JSON.parse(res.body) as { items: { code: string }[] }).items.map((i) => i.code);
      expect(codes(await otherApp.inject({ url: '/api/v1/permit-types' }))).not.toContain('NIB');
    } finally {
      await ctx.services.catalogue.setEnabled({ tenantId: ctx.tenant.id, code: 'NIB', enabled: true, actorId: null });
    }
    await other.cacheGenerations.poll();
    expect(listed((await otherApp.inject({ url: '/izin' })).body)).toBe(true);
    expect((await otherApp.inject({ url: '/api/v1/permit-types' })).body).toContain('"code":"NIB"');
  });

  it('shows new retribution coefficients in a kept guide’s worked example, on another instance after its next poll', async () => {
    const example = (body: string) => /data-fee-example[^>]*>([^<]*)</.exec(body)?.[1] ?? null;
    await other.cacheGenerations.poll();
    const before = example((await otherApp.inject({ url: '/izin/PBG' })).body);
    expect(before).toContain('Rp');
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin Tarif',
      email: `admin.${Math.random().toString(36).slice(2, 8)}@cache.izol.test`,
      password: 'admin kata sandi panjang',
    });
    const year = ctx.clock.now().getUTCFullYear();
    const seeded = loadRetributionTable().offices.MLG![String(year)]!;
    await ctx.services.fees.saveCoefficients({
      actor: { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Tarif' },
      year,
      coefficients: { ...seeded, shst: seeded.shst * 2 },
      reason: 'SHST baru',
    });
    expect(example((await ctx.app.inject({ url: '/izin/PBG' })).body)).not.toBe(before);
    expect(example((await otherApp.inject({ url: '/izin/PBG' })).body)).toBe(before);
    await other.cacheGenerations.poll();
    expect(example((await otherApp.inject({ url: '/izin/PBG' })).body)).not.toBe(before);
  });

  it('never serves a kept page to someone signed in, and never keeps hers (v5.0.0-14.3.2)', async () => {
    const anonymousPage = await ctx.app.inject({ url: '/izin' });
    expect(anonymousPage.body).not.toContain('/akun/keluar');
    const email = `warga.${Math.random().toString(36).slice(2, 8)}@cache.izol.test`;
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Rina Kartika', email, password: 'kata sandi yang panjang' });
    const citizen = new PageClient(ctx);
    expect((await citizen.post('/akun/masuk', { login: email, password: 'kata sandi yang panjang' })).statusCode).toBe(303);

    const hers = await citizen.get('/izin');
    expect(hers.statusCode).toBe(200);
    expect(hers.headers['cache-control']).toBe('no-store');
    expect(hers.headers.etag).toBeUndefined();
    expect(hers.body).toContain('action="/akun/keluar"');
    expect(hers.body).toContain(`value="${citizen.csrf}"`);
    // Anyone else still gets the anonymous page, without her sign-out form or token.
    const after = await ctx.app.inject({ url: '/izin' });
    expect(after.body).toBe(anonymousPage.body);
    expect(after.body).not.toContain(citizen.csrf);
    // A session cookie that is no longer valid is not an anonymous visitor either: rendered, not kept.
    const stale = await ctx.app.inject({ url: '/izin', headers: { cookie: '__Host-izol-session=not-a-session-token-at-all-000000000000' } });
    expect(stale.headers['cache-control']).toBe('no-store');
    expect(stale.headers.etag).toBeUndefined();
  });

  it('sets the anti-forgery cookie on pages with a form only, and never keeps such a page', async () => {
    const signIn = await ctx.app.inject({ url: '/akun/masuk' });
    const cookie = signIn.cookies.find((c) => c.name === '__Host-izol-csrf');
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signIn.body).toContain(`name="_csrf" value="${cookie!.value}"`);
    expect(signIn.headers.etag).toBeUndefined();
    const otherVisitor = await ctx.app.inject({ url: '/akun/masuk' });
    expect(otherVisitor.cookies.find((c) => c.name === '__Host-izol-csrf')?.value).not.toBe(cookie!.value);
    for (const url of ['/', '/izin', '/izin/NIB']) {
      const res = await ctx.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['set-cookie'], url).toBeUndefined();
    }
  });
});
